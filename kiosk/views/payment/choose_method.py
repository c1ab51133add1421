"""Which code to pay with, when the central offers codes of different kinds: one large button per kind, named as
the central names it, and what the bills add up to. Not shown when the only code is a VietQR (any app scans it)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.payment import ChooseMethod
from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, clear_layout, label, show_all


class ChooseMethodScreen(Screen):
    method_chosen = Signal(str)

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: ChooseMethod | None = None
        self._summary = label("title")
        self._summary.setObjectName("method-summary")
        self._hint = label()
        self._hint.setObjectName("method-hint")
        self._list = QVBoxLayout()
        self._list.setSpacing(24)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(32)
        layout.addWidget(self._summary)
        layout.addWidget(self._hint)
        layout.addLayout(self._list)
        layout.addStretch()
        self.retranslate()

    def title(self) -> str:
        return self._tr._("pay_method.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ChooseMethod):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        clear_layout(self._list)
        self._summary.clear()

    def retranslate(self) -> None:
        tr = self._tr
        state = self._state
        if state is None:
            self._hint.setText(tr._("pay_method.hint"))
            return
        if state.methods:
            self._hint.setText(tr._("pay_method.hint"))
        else:
            self._hint.setText(tr._("pay_method.none", button=tr._("frame.call_staff")))
        total = sum(b.total for b in state.bills)
        self._summary.setText(
            tr.ngettext("pay_method.summary", len(state.bills), n=len(state.bills), amount=tr.money(total))
        )
        clear_layout(self._list)
        for i, method in enumerate(state.methods):
            choice = button("primary" if i == 0 else "")
            choice.setObjectName(f"method-{method.method}")
            # The central's own name for the method: never an app's name the kiosk adds over a code.
            choice.setText(tr.pick(method.label))
            choice.clicked.connect(lambda _=False, m=method.method: self.method_chosen.emit(m))
            self._list.addWidget(choice)
        show_all(self._list)
