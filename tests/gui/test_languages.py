"""Switching language on every screen: the customer stays where they are and every word changes."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from kiosk.central.models import Service
from kiosk.flows.states.frame import IdleWarning, StaffCalled
from kiosk.flows.states.outages import OutageStart
from kiosk.flows.states.payment import ChooseMethod
from kiosk.flows.states.requests import ChooseService, FillField
from kiosk.requests.form import RequestForm, masked, shown
from kiosk.shell.app import KioskApp
from tests.helpers.screens import SCREENS
from tests.helpers.widgets import tap, visible_texts, visible_widgets

# Words that are the same in Vietnamese and English: the unit (and the chart's month and day numbers), the
# payment scheme's mark by the QR (a name, as banks print it) and the demo's badge.
SAME_IN_BOTH = {"kWh", "VietQR · NAPAS 247", "Demo"}


# An identifier shown as it is: a customer code, a prefix, a meter serial. No lower-case words.
IDENTIFIER = re.compile(r"[A-Z0-9][A-Z0-9 _*./-]*")


def shown_as_is(kiosk: KioskApp) -> set[str]:
    """Texts that are data, not words: the operator's location name and unit names (as their bills print them),
    and the customer's masked name and address as the central sends them (the same in both languages)."""
    texts = {kiosk.settings.location_name} | {unit.name for unit in kiosk.settings.units}
    customer = kiosk.session.customer
    if customer is not None:
        texts |= {customer.name, customer.address}
    state = kiosk.navigator.current
    texts |= _central_service_texts(kiosk)
    if isinstance(state, ChooseMethod):
        # The central names its payment methods in both kiosk languages; brand names may be the same in both.
        texts |= {m.label.vi if kiosk.tr.language == "vi" else m.label.en for m in state.methods}
        texts |= {m.label.vi for m in state.methods} & {m.label.en for m in state.methods}
    return texts


def _central_service_texts(kiosk: KioskApp) -> set[str]:
    """The central's own words for its services (titles, questions, answers), in the current language only, and
    what the customer typed into the form."""
    state = kiosk.navigator.current
    services: list[Service] = []
    if isinstance(state, ChooseService):
        services = list(state.services)
    form = getattr(state, "form", None)
    service = getattr(state, "service", None) or getattr(form, "service", None)
    if isinstance(service, Service):
        services.append(service)
    pick = kiosk.tr.pick
    texts: set[str] = set()
    for one in services:
        texts |= {pick(one.title), pick(one.description)} | {pick(paper) for paper in one.documents}
        texts |= {f"{number}. {pick(paper)}" for number, paper in enumerate(one.documents, start=1)}
        for spec in one.fields:
            texts |= {pick(spec.label), *(pick(option.label) for option in spec.options)}
            texts |= {pick(spec.help)} if spec.help is not None else set()
    if isinstance(form, RequestForm):
        for spec in form.service.fields:
            raw = form.answer(spec.name)
            texts |= {raw, shown(spec, raw), masked(spec, raw)}
    typed = getattr(state, "typed", None)
    if isinstance(state, FillField) and typed:
        spec = state.form.service.fields[state.index]
        texts.add(shown(spec, typed) + "▏")
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
        and not (widget.property("data") and len(widget.text()) == 1)  # a key of the keyboard: a letter
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
    # Single letters are the keyboard's keys, the same in both languages.
    unchanged = {
        t
        for t in set(vietnamese) & set(english)
        if len(t) > 1 and any(c.isalpha() for c in t.replace("kWh", ""))
    }
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
    tap(qtbot, kiosk.window, "tile-outages")
    tap(qtbot, kiosk.window, "nav-language")
    assert kiosk.navigator.current == OutageStart()
    kiosk.idle.end_session()
    assert kiosk.tr.language == "vi"
    assert kiosk.tr._("home.welcome") in visible_texts(kiosk.window)
    assert "Welcome" not in visible_texts(kiosk.window)


def test_staff_screen_in_english_then_back_to_the_journey_in_english(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-outages")
    tap(qtbot, kiosk.window, "nav-call-staff")
    tap(qtbot, kiosk.window, "nav-language")
    assert kiosk.navigator.current == StaffCalled()
    tap(qtbot, kiosk.window, "staff-called-continue")
    assert kiosk.navigator.current == OutageStart()
    assert kiosk.tr._("outage_start.danger") in visible_texts(kiosk.window)
