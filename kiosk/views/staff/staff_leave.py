"""Asks staff to confirm closing the kiosk program, the only way out of the kiosk, and says what it means for
customers. "Stay" is the primary button: a slip of the finger must not leave the kiosk dead."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label


class StaffLeaveScreen(Screen):
    leave_requested = Signal()
    stay_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._heading = label("title")
        self._body = label()
        self._body.setObjectName("staff-leave-body")
        self._stay = button("primary")
        self._stay.setObjectName("staff-leave-stay")
        self._stay.clicked.connect(self.stay_requested)
        self._leave = button("danger")
        self._leave.setObjectName("staff-leave-confirm")
        self._leave.clicked.connect(self.leave_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(32)
        layout.addWidget(self._heading)
        layout.addWidget(self._body)
        layout.addStretch()
        # Pinned below the page, far apart: "Stay" (the way forward, last) is as easy to hit as "Close", and
        # neither is hit for the other.
        self.pin(self._leave, self._stay)
        bar = self.pinned_actions()
        assert bar is not None
        bar_layout = bar.layout()
        assert bar_layout is not None
        bar_layout.setSpacing(96)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("staff.leave.title")

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("staff.leave.heading"))
        self._body.setText(tr._("staff.leave.body"))
        self._stay.setText(tr._("staff.leave.stay"))
        self._leave.setText(tr._("staff.leave.confirm"))
