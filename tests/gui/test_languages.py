"""Switching language on every screen: the customer stays where they are and every word changes."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import KioskApp
from kiosk.flows.navigation import ComingSoon, Feature, IdleWarning, StaffCalled
from tests.helpers.screens import SCREENS
from tests.helpers.widgets import tap, visible_texts


def words_not_from_the_catalog(kiosk: KioskApp) -> list[str]:
    operator_data = {kiosk.settings.location_name}  # typed by the operator in the config, shown as is
    return [
        text
        for text in visible_texts(kiosk.window)
        if text not in operator_data and not kiosk.tr.is_catalog_text(text)
    ]


@pytest.mark.parametrize("screen", SCREENS)
def test_switching_language_keeps_the_place_and_changes_every_text(
    kiosk: KioskApp, qtbot: QtBot, screen: str
) -> None:
    SCREENS[screen](kiosk, qtbot)
    place, depth = kiosk.navigator.current, kiosk.navigator.depth
    vietnamese = visible_texts(kiosk.window)
    assert kiosk.tr.language == "vi"
    assert words_not_from_the_catalog(kiosk) == []

    tap(qtbot, kiosk.window, "nav-language")

    assert kiosk.tr.language == kiosk.session.language == "en"
    assert (kiosk.navigator.current, kiosk.navigator.depth) == (place, depth)
    english = visible_texts(kiosk.window)
    assert words_not_from_the_catalog(kiosk) == []
    # Every sentence changed; only names that are the same in both (kWh, "Demo") may stay.
    unchanged = {t for t in set(vietnamese) & set(english) if any(c.isalpha() for c in t)}
    assert unchanged <= {kiosk.settings.location_name}

    tap(qtbot, kiosk.window, "nav-language")
    assert visible_texts(kiosk.window) == vietnamese


def test_the_language_button_names_the_other_language_in_that_language(kiosk: KioskApp, qtbot: QtBot) -> None:
    assert "English" in visible_texts(kiosk.window)
    tap(qtbot, kiosk.window, "nav-language")
    assert "Tiếng Việt" in visible_texts(kiosk.window)


def test_the_countdown_number_and_unit_follow_the_language(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    kiosk.navigator.go(IdleWarning(1))
    assert "giây" in visible_texts(kiosk.window)
    tap(qtbot, kiosk.window, "nav-language")
    assert "second" in visible_texts(kiosk.window)
    kiosk.navigator.replace(IdleWarning(2))
    assert "seconds" in visible_texts(kiosk.window)


def test_a_new_customer_gets_the_default_language_after_a_wipe(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    tap(qtbot, kiosk.window, "nav-language")
    assert kiosk.navigator.current == ComingSoon(Feature.BILLS)
    kiosk.idle.end_session()
    assert kiosk.tr.language == "vi"
    assert kiosk.tr._("home.welcome") in visible_texts(kiosk.window)
    assert "Welcome" not in visible_texts(kiosk.window)


def test_staff_screen_in_english_then_back_to_the_journey_in_english(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-requests")
    tap(qtbot, kiosk.window, "nav-call-staff")
    tap(qtbot, kiosk.window, "nav-language")
    assert kiosk.navigator.current == StaffCalled()
    tap(qtbot, kiosk.window, "staff-called-continue")
    assert kiosk.navigator.current == ComingSoon(Feature.REQUESTS)
    assert "This service is coming to this kiosk soon" in visible_texts(kiosk.window)
