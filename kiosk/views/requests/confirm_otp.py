"""The one-time code sent by SMS: the phone it went to (masked), six boxes, the keypad, how many tries are left,
and "send a new code" once the wait is over. The countdown is the kiosk's own clock, shown every second; the flow
decides whether a new code may be asked for.

Over the customer's shoulder (docs/privacy.md): the phone stays masked here, with no "Xem đầy đủ" to hold. The
customer checked it whole on the review a moment ago, and Back returns there to see and correct it when no code
comes; a button here would push the keypad to a second page at the largest text. The digits typed are shown, not
dots: the customer copies six digits from a phone and must see each one to find the one mistyped, while a
passer-by who reads them gains nothing, as the code confirms only this request, on this kiosk, for minutes."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import OTP_LENGTH, ConfirmOtp, OtpProblem
from kiosk.language.catalogs import N_, Translator
from kiosk.views.parts.keypad import Keypad
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, button, column, label

_PROBLEMS = {
    OtpProblem.EXPIRED: N_("otp.problem.expired"),
    OtpProblem.LOCKED: N_("otp.problem.locked"),
    OtpProblem.TOO_SOON: N_("otp.problem.too_soon"),
    OtpProblem.UNREACHABLE: N_("otp.problem.unreachable"),
    OtpProblem.REFUSED: N_("otp.problem.refused"),
}


def boxes(typed: str) -> str:
    """``12`` → ``1 2 _ _ _ _``: how many digits are still to come."""
    return " ".join(typed.ljust(OTP_LENGTH, "_"))


class ConfirmOtpScreen(Screen):
    key_pressed = Signal(str)
    confirm_requested = Signal()
    resend_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: ConfirmOtp | None = None
        self._heading = label("title")
        self._sent_to = label()
        self._sent_to.setObjectName("otp-sent-to")
        self._code = label("code", wrap=False, data=True)
        self._code.setObjectName("otp-code")
        self._code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._problem = label("notice")
        self._problem.setObjectName("otp-problem")
        self._expiry = label("muted")
        self._expiry.setObjectName("otp-expiry")
        self._confirm = button("primary")
        self._confirm.setObjectName("otp-confirm")
        self._confirm.clicked.connect(self.confirm_requested)
        self._resend = button()
        self._resend.setObjectName("otp-resend")
        self._resend.clicked.connect(self.resend_requested)
        self._keypad = Keypad(tr)
        self._keypad.key_pressed.connect(self.key_pressed)
        reading = column(self._heading, self._sent_to, self._code, self._problem, self._expiry)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(Columns(reading, column(self._keypad), stretch=(5, 4)))
        self.pin(self._resend, self._confirm)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("otp.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ConfirmOtp):
            self._state = state
            self._ticker.start()
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._ticker.stop()
        self._code.setText(boxes(""))
        self._sent_to.clear()

    def hideEvent(self, event: QHideEvent) -> None:
        self._ticker.stop()
        super().hideEvent(event)

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("otp.heading"))
        self._confirm.setText(tr._("otp.confirm"))
        self._keypad.retranslate()
        state = self._state
        if state is None:
            return
        self._sent_to.setText(tr._("otp.sent_to", phone=state.masked_phone))
        self._code.setText(boxes(state.typed))
        if state.problem is OtpProblem.WRONG:
            problem = tr.ngettext("otp.problem.wrong", state.attempts_left, n=state.attempts_left)
        else:
            problem = tr._(_PROBLEMS[state.problem]) if state.problem is not None else ""
        self._problem.setText(problem)
        self._problem.setVisible(bool(problem))
        self._confirm.setEnabled(len(state.typed) == OTP_LENGTH and state.problem is not OtpProblem.LOCKED)
        self._tick()

    def _tick(self) -> None:
        tr, state = self._tr, self._state
        if state is None:
            return
        now = time.monotonic()
        wait = math.ceil(state.resend_at - now)
        self._resend.setEnabled(wait <= 0)
        self._resend.setText(tr._("otp.resend") if wait <= 0 else tr.ngettext("otp.resend_in", wait, n=wait))
        left = math.ceil((state.expires_at - now) / 60)
        self._expiry.setText(
            tr.ngettext("otp.expires_in", left, n=left) if left > 0 else tr._("otp.problem.expired")
        )
