"""What happens when a customer walks away: a warning with a countdown, then a wipe.

Qt-free: the application feeds it `idle()` from its input watcher and `tick()` once a second, so tests can step
through a whole timeout without waiting for it.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.flows.navigation import Navigator
from kiosk.flows.session import CustomerSession
from kiosk.flows.states.frame import IdleWarning
from kiosk.flows.states.payment import PayByQr


class IdleFlow:
    def __init__(
        self,
        navigator: Navigator,
        session: CustomerSession,
        *,
        countdown_seconds: int,
        on_leaving: Callable[[], None] = lambda: None,
        on_wiped: Callable[[], None],
    ) -> None:
        """``on_leaving`` runs before the wipe, while the customer's screens are still known (a QR left open
        under a warning is cancelled); ``on_wiped`` after it."""
        self._nav = navigator
        self._session = session
        self._countdown = countdown_seconds
        self._on_leaving = on_leaving
        self._on_wiped = on_wiped

    @property
    def warning(self) -> bool:
        return isinstance(self._nav.current, IdleWarning)

    def idle(self) -> None:
        """No input for the idle time. An untouched home screen has nobody to warn."""
        if isinstance(self._nav.current, PayByQr):
            # The customer is looking at their phone, not touching the kiosk; the QR's own countdown ends it.
            return
        if self._session.active and not self.warning:
            self._nav.go(IdleWarning(self._countdown))

    def tick(self) -> None:
        state = self._nav.current
        if not isinstance(state, IdleWarning):
            return
        if state.seconds_left <= 1:
            self.end_session()
        else:
            self._nav.replace(IdleWarning(state.seconds_left - 1))

    def more_time(self) -> None:
        """Back to exactly where the customer was."""
        if self.warning:
            self._nav.back()

    def end_session(self) -> None:
        self._on_leaving()
        self._session.wipe()
        self._nav.home()
        self._on_wiped()
