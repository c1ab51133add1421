"""What happens when a customer walks away: a warning with a countdown, then a wipe.

Qt-free: the application feeds it `idle()` from its input watcher, `activity()` on any input and `tick()` once a
second, so tests can step through a whole timeout without waiting for it.

Not every quiet kiosk is a customer gone: on some screens the customer is busy off screen (reading a code off
their phone, finding their ID card, waiting for a printout). :func:`extra_wait` says, per screen, how much longer
than the normal idle time the kiosk waits there before it asks; the warning and its "more time" stay the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.flows.navigation import Navigator
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import Home, IdleWarning
from kiosk.flows.states.payment import PayByQr, PaymentReceived, ReceiptProgress
from kiosk.flows.states.requests import ConfirmOtp, RequestSubmitted, ScanIdCard, SlipProgress

OTP_WAIT_SECONDS = 240.0
"""The confirmation code comes by SMS: unlocking a phone, finding the message and reading six digits takes an
elderly customer minutes, and the code itself stays valid for five (the central's OTP lifetime). With the normal
60 s this puts the warning at 5 min instead of 1 min."""

ID_CARD_WAIT_SECONDS = 120.0
"""Finding the citizen ID card in a bag or wallet, then getting the chip or QR under the reader."""

PRINTING_WAIT_SECONDS = 120.0
"""A printout on its way: the customer waits at the slot, and a slow or jammed printer is not their absence."""


def extra_wait(state: ScreenState) -> float | None:
    """Seconds of quiet beyond the normal idle time before the warning on ``state``'s screen; ``None``: never
    (the screen ends by itself)."""
    match state:
        case PayByQr():
            # The customer is looking at their phone, not touching the kiosk; the QR's own countdown ends it.
            return None
        case ConfirmOtp():
            return OTP_WAIT_SECONDS
        case ScanIdCard():
            return ID_CARD_WAIT_SECONDS
        case PaymentReceived(receipt=ReceiptProgress.PRINTING) | RequestSubmitted(slip=SlipProgress.PRINTING):
            return PRINTING_WAIT_SECONDS
        case _:
            return 0.0


class IdleFlow:
    def __init__(
        self,
        navigator: Navigator,
        session: CustomerSession,
        *,
        countdown_seconds: int,
        on_leaving: Callable[[], None] = lambda: None,
        on_wiped: Callable[[], None],
        on_home: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``on_leaving`` runs before the wipe, while the customer's screens are still known (a QR left open
        under a warning is cancelled); ``on_wiped`` after it. ``on_home`` forgets what the screens showed each
        time the customer comes back to the home screen. ``clock`` is monotonic: a wall clock set by NTP or by
        staff must not shorten or stretch a customer's wait."""
        self._nav = navigator
        self._session = session
        self._countdown = countdown_seconds
        self._on_leaving = on_leaving
        self._on_wiped = on_wiped
        self._on_home = on_home
        self._clock = clock
        self._quiet_since: float | None = None  # when the normal idle time ran out, with no input since
        self._at_home = isinstance(navigator.current, Home)
        navigator.subscribe(self._arrived)

    @property
    def warning(self) -> bool:
        return isinstance(self._nav.current, IdleWarning)

    @property
    def ticking(self) -> bool:
        """Whether ``tick()`` has work: the warning counts down, or a longer wait is running out."""
        return self.warning or self._quiet_since is not None

    def idle(self) -> None:
        """No input for the normal idle time. An untouched home screen has nobody to warn; a screen where the
        customer is busy off screen waits longer (:func:`extra_wait`), checked at each ``tick()``."""
        if not self._session.active or self.warning:
            return
        if self._quiet_since is None:
            self._quiet_since = self._clock()
        self._warn_when_due()

    def activity(self) -> None:
        """Any input: the customer is here, the quiet (and any longer wait) starts over."""
        self._quiet_since = None

    def tick(self) -> None:
        state = self._nav.current
        if not isinstance(state, IdleWarning):
            self._warn_when_due()
            return
        if state.seconds_left <= 1:
            self.end_session()
        else:
            self._nav.replace(IdleWarning(state.seconds_left - 1))

    def _warn_when_due(self) -> None:
        # Measured against the screen on show now: the QR that ended by itself, or a receipt that finished
        # printing, leaves a screen with the normal wait, which has already run out.
        if self._quiet_since is None or not self._session.active:
            return
        extra = extra_wait(self._nav.current)
        if extra is not None and self._clock() - self._quiet_since >= extra:
            self._quiet_since = None
            self._nav.go(IdleWarning(self._countdown))

    def more_time(self) -> None:
        """Back to exactly where the customer was."""
        if self.warning:
            self._nav.back()

    def _arrived(self, state: ScreenState) -> None:
        """Back at the home screen, however (Home, Back, a finished visit, staff closing over it): nothing of
        the journey left behind is kept, in the flows or on the screens. The visit's own settings (language,
        text size, contrast, assisted mode) stay for the same customer's next errand, until the session ends."""
        at_home = isinstance(state, Home)
        if at_home and not self._at_home:
            self._session.forget_customer()
            self._on_home()
        self._at_home = at_home

    def end_session(self) -> None:
        self._quiet_since = None
        self._on_leaving()
        self._session.wipe()
        self._nav.home()
        self._on_wiped()
