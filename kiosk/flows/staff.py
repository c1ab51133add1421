"""Staff mode: the PIN, then the screens staff use to look after the kiosk.

Qt-free. Staff reach it with a discreet gesture (or a key on a USB keyboard) and a PIN checked by
:class:`~kiosk.staff.pin_gate.PinGate`; what each staff screen does goes through :class:`StaffDesk`, which the
application implements over its printer, journals, outbox and central. Leaving staff mode returns to exactly
where the kiosk was (a customer who called staff keeps their place).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kiosk.flows.navigation import Navigator
from kiosk.flows.states import ScreenState
from kiosk.flows.states.staff import (
    StaffDayReport,
    StaffHome,
    StaffLeave,
    StaffNotice,
    StaffPending,
    StaffPin,
    StaffPrintouts,
)
from kiosk.language.codes import Language
from kiosk.payments.records import JournalPayment
from kiosk.requests.records import OutboxItem
from kiosk.staff.day_report import DayReport
from kiosk.staff.health import KioskHealth, Printout
from kiosk.staff.pin_gate import PinCheck, PinGate, PinVerdict

MIN_PIN_DIGITS = 4
MAX_PIN_DIGITS = 12

STAFF_STATES = (StaffPin, StaffHome, StaffPrintouts, StaffPending, StaffDayReport, StaffLeave)


class StaffDesk(Protocol):
    """What staff screens ask of the kiosk's services (implemented by the application)."""

    async def health(self) -> KioskHealth: ...

    async def test_print(self) -> bool: ...

    async def paper_replaced(self) -> tuple[bool, int]:
        """Whether the printer is ready now, and how many waiting printouts it then printed."""
        ...

    async def printouts(self) -> tuple[Printout, ...]: ...

    async def reprint(self, job_id: int) -> bool: ...

    async def pending(
        self,
    ) -> tuple[tuple[JournalPayment, ...], tuple[OutboxItem, ...], tuple[OutboxItem, ...]]:
        """Payments still followed, requests still queued on the kiosk, requests the central refused."""
        ...

    def send_now(self) -> None: ...

    async def day_report(self) -> DayReport: ...

    async def print_day_report(self, report: DayReport) -> bool: ...

    async def set_default_language(self, language: Language) -> None: ...

    def staff_arrived(self) -> None:
        """A staff member opened staff mode: an open "call staff" is answered, and the customer's session ends
        (wiped as an idle one)."""
        ...

    def leave_kiosk(self) -> None: ...


class StaffFlow:
    def __init__(
        self,
        navigator: Navigator,
        gate: PinGate,
        desk: StaffDesk,
        *,
        start_assisting: Callable[[], None],
    ) -> None:
        self._nav = navigator
        self._gate = gate
        self._desk = desk
        self._start_assisting = start_assisting
        self._digits: list[str] = []
        self._entry_depth: int | None = None  # the stack depth before staff mode: where leaving returns
        self._unlocked = False
        # Counts staff visits: an answer awaited in one visit must not show a staff screen after that visit closed
        # (Back, Home, the staff timeout), even if staff mode has been opened again meanwhile.
        self._visit = 0
        self._on_close: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ state
    @property
    def unlocked(self) -> bool:
        """A staff member typed the right PIN and has not left (nor timed out)."""
        return self._unlocked

    @property
    def showing(self) -> bool:
        """A staff screen (the PIN keypad included) is on top."""
        return isinstance(self._nav.current, STAFF_STATES)

    def on_close(self, listener: Callable[[], None]) -> None:
        """``listener`` runs each time staff mode closes (the kiosk lockdown tightens again)."""
        self._on_close.append(listener)

    # ------------------------------------------------------------------ entering
    def open(self) -> None:
        """The discreet gesture: the PIN keypad over wherever the kiosk is."""
        if self.showing:
            return
        self._digits.clear()
        self._entry_depth = self._nav.depth
        self._nav.go(StaffPin(check=self._refusal()))

    def _refusal(self) -> PinCheck | None:
        status = self._gate.status()
        return None if status.verdict is PinVerdict.OPEN else status

    def pin_key(self, key: str) -> None:
        """A digit, ``"backspace"`` or ``"clear"`` on the PIN keypad (the vocabulary of `kiosk.views.parts.keypad`)."""
        if not isinstance(self._nav.current, StaffPin):
            return
        if key == "backspace":
            if self._digits:
                self._digits.pop()
        elif key == "clear":
            self._digits.clear()
        elif key.isdigit() and len(key) == 1 and len(self._digits) < MAX_PIN_DIGITS:
            self._digits.append(key)
        self._nav.replace(StaffPin(len(self._digits), self._nav.current.check))

    async def submit_pin(self) -> None:
        if not isinstance(self._nav.current, StaffPin) or len(self._digits) < MIN_PIN_DIGITS:
            return
        pin = "".join(self._digits)
        self._digits.clear()
        check = await self._gate.check(pin)
        del pin
        now_showing: ScreenState = self._nav.current
        if not isinstance(now_showing, StaffPin):
            return  # timed out or left while the PIN was being checked
        if check.verdict is PinVerdict.OPEN:
            self._unlocked = True
            # The customer's visit ends here, as an idle one does: staff screens never sit over a customer's
            # data, and leaving staff mode opens a fresh home screen.
            self._desk.staff_arrived()
            if self._nav.current != now_showing:  # the wipe brought the kiosk home
                self._entry_depth = self._nav.depth
                self._nav.go(now_showing)
            visit = self._visit
            health = await self._desk.health()
            if visit == self._visit and isinstance(self._nav.current, StaffPin):
                self._nav.replace(StaffHome(health))
        else:
            self._nav.replace(StaffPin(0, check))

    # ------------------------------------------------------------------ staff screens
    async def refresh(self) -> None:
        if self._unlocked:
            visit = self._visit
            self._show(StaffHome(await self._desk.health()), visit)

    async def test_print(self) -> None:
        if self._unlocked:
            visit = self._visit
            printed = await self._desk.test_print()
            notice = StaffNotice.TEST_PRINTED if printed else StaffNotice.PRINT_FAILED
            self._show(StaffHome(await self._desk.health(), notice), visit)

    async def paper_replaced(self) -> None:
        if self._unlocked:
            visit = self._visit
            ready, printed = await self._desk.paper_replaced()
            notice = StaffNotice.PAPER_READY if ready else StaffNotice.PAPER_STILL_OUT
            self._show(StaffHome(await self._desk.health(), notice, printed), visit)

    async def show_printouts(self) -> None:
        if self._unlocked:
            visit = self._visit
            self._open(StaffPrintouts(await self._desk.printouts()), visit)

    async def reprint(self, job_id: int) -> None:
        if self._unlocked:
            visit = self._visit
            printed = await self._desk.reprint(job_id)
            notice = StaffNotice.REPRINTED if printed else StaffNotice.PRINT_FAILED
            self._show(StaffPrintouts(await self._desk.printouts(), notice), visit)

    async def show_pending(self) -> None:
        if self._unlocked:
            visit = self._visit
            self._open(StaffPending(*await self._desk.pending()), visit)

    async def send_now(self) -> None:
        if self._unlocked:
            visit = self._visit
            self._desk.send_now()
            self._show(StaffPending(*await self._desk.pending(), notice=StaffNotice.SENDING), visit)

    async def show_report(self) -> None:
        if self._unlocked:
            visit = self._visit
            self._open(StaffDayReport(await self._desk.day_report()), visit)

    async def print_report(self) -> None:
        state = self._nav.current
        if self._unlocked and isinstance(state, StaffDayReport):
            visit = self._visit
            printed = await self._desk.print_day_report(state.report)
            notice = StaffNotice.REPORT_PRINTED if printed else StaffNotice.PRINT_FAILED
            self._show(StaffDayReport(state.report, notice), visit)

    async def set_default_language(self, language: Language) -> None:
        if self._unlocked:
            visit = self._visit
            await self._desk.set_default_language(language)
            self._show(StaffHome(await self._desk.health(), StaffNotice.LANGUAGE_SET), visit)

    def assist(self) -> None:
        """Staff start assisted mode for the customer beside them: staff mode closes on a fresh home screen."""
        if self._unlocked:
            self._leave_mode()
            self._nav.home()
            self._start_assisting()

    def ask_leave(self) -> None:
        if self._unlocked:
            self._nav.go(StaffLeave())

    def leave_kiosk(self) -> None:
        """Closes the kiosk program: the only way out, and only from staff mode."""
        if self._unlocked and isinstance(self._nav.current, StaffLeave):
            self._desk.leave_kiosk()

    def back(self) -> bool:
        """Back inside staff mode: one staff screen back, or out of staff mode from its first screen. False when
        no staff screen is showing."""
        if not self.showing:
            return False
        if isinstance(self._nav.current, StaffPin | StaffHome):
            self.close()
        else:
            self._nav.back()
        return True

    def close(self) -> None:
        """Out of staff mode, back to exactly where the kiosk was."""
        depth = self._entry_depth
        self._leave_mode()
        if depth is not None and depth < self._nav.depth:
            self._nav.back_to(depth)
        elif self.showing:
            self._nav.home()

    def timed_out(self) -> None:
        """No staff input for the staff timeout: staff mode closes, so a walk-away never leaves it open."""
        if self.showing or self._unlocked:
            self.close()

    def _leave_mode(self) -> None:
        was_unlocked, self._unlocked = self._unlocked, False
        self._visit += 1
        self._digits.clear()
        self._entry_depth = None
        if was_unlocked:
            for listener in self._on_close:
                listener()

    def _still_open(self, visit: int) -> bool:
        """The staff visit an awaited answer belongs to is still the one on screen."""
        return self._unlocked and visit == self._visit

    def _open(self, state: StaffPrintouts | StaffPending | StaffDayReport, visit: int) -> None:
        if self._still_open(visit):
            self._nav.go(state)

    def _show(self, state: StaffHome | StaffPrintouts | StaffPending | StaffDayReport, visit: int) -> None:
        """A refreshed staff screen replaces the one it refreshes (no extra Back step)."""
        if not self._still_open(visit):
            return
        if type(self._nav.current) is type(state):
            self._nav.replace(state)
        else:
            self._nav.go(state)


__all__ = ["MAX_PIN_DIGITS", "MIN_PIN_DIGITS", "STAFF_STATES", "StaffDesk", "StaffFlow"]
