"""Switching language on every screen: the customer stays where they are and every word changes."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from kiosk.app import KioskApp
from kiosk.flows.navigation import ChooseMethod, ComingSoon, Feature, IdleWarning, StaffCalled
from tests.helpers.screens import SCREENS
from tests.helpers.widgets import tap, visible_texts, visible_widgets

# Words that are the same in Vietnamese and English: the unit, and the chart's month and day numbers.
SAME_IN_BOTH = {"kWh"}


# An identifier shown as it is: a customer code, a prefix, a meter serial. No lower-case words.
IDENTIFIER = re.compile(r"[A-Z0-9][A-Z0-9 _*./-]*")


def shown_as_is(kiosk: KioskApp) -> set[str]:
    """Texts that are data, not words: the operator's location name, and the customer's masked name and address
    as the central sends them (the same in both languages)."""
    texts = {kiosk.settings.location_name}
    customer = kiosk.session.customer
    if customer is not None:
        texts |= {customer.name, customer.address}
    state = kiosk.navigator.current
    if isinstance(state, ChooseMethod):
        # The central names its payment methods in both kiosk languages; brand names may be the same in both.
        texts |= {m.label.vi if kiosk.tr.language == "vi" else m.label.en for m in state.methods}
        texts |= {m.label.vi for m in state.methods} & {m.label.en for m in state.methods}
    return texts


def words_not_from_the_catalog(kiosk: KioskApp) -> list[str]:
    as_is = shown_as_is(kiosk)
    customer = kiosk.session.customer
    if customer is not None:
        # The central names the corporation in both kiosk languages; it must be the current one's.
        as_is.add(customer.corporation.name.vi if kiosk.tr.language == "vi" else customer.corporation.name.en)
    return [
        widget.text()
        for widget in visible_widgets(kiosk.window)
        if isinstance(widget, QLabel | QAbstractButton)
        and widget.text()
        and widget.text() not in as_is
        and not kiosk.tr.is_catalog_text(widget.text())
        and not (widget.property("data") and IDENTIFIER.fullmatch(widget.text()))
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
    # Every sentence changed; only names and identifiers that are the same in both may stay.
    unchanged = {t for t in set(vietnamese) & set(english) if any(c.isalpha() for c in t.replace("kWh", ""))}
    assert {t for t in unchanged if not IDENTIFIER.fullmatch(t)} <= shown_as_is(kiosk) | SAME_IN_BOTH

    tap(qtbot, kiosk.window, "nav-language")
    # The same texts (screens that rebuild their rows on a switch may list them in another order).
    assert sorted(visible_texts(kiosk.window)) == sorted(vietnamese)


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
    tap(qtbot, kiosk.window, "tile-requests")
    tap(qtbot, kiosk.window, "nav-language")
    assert kiosk.navigator.current == ComingSoon(Feature.REQUESTS)
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
