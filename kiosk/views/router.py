"""Which screen shows which state: one exhaustive match, so a new state without a screen fails mypy."""

from __future__ import annotations

from typing import assert_never

from kiosk.flows.navigation import ComingSoon, Home, IdleWarning, PrintPreview, ScreenState, StaffCalled
from kiosk.views.coming_soon import ComingSoonScreen
from kiosk.views.home import HomeScreen
from kiosk.views.idle_warning import IdleWarningScreen
from kiosk.views.print_preview import PrintPreviewScreen
from kiosk.views.screen import Screen
from kiosk.views.staff_called import StaffCalledScreen


def screen_for(state: ScreenState) -> type[Screen]:
    match state:
        case Home():
            return HomeScreen
        case ComingSoon():
            return ComingSoonScreen
        case StaffCalled():
            return StaffCalledScreen
        case IdleWarning():
            return IdleWarningScreen
        case PrintPreview():
            return PrintPreviewScreen
        case _:
            assert_never(state)
