"""A first code the central will not send yet (the limits against SMS pumping): the review says for how long
and what the customer can do, in words, instead of "the system is busy, wait about a minute"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.flows.states.requests import ConfirmOtp, IdConsent, ReviewRequest
from kiosk.shell.app import KioskApp
from kiosk_central.service_requests import OtpLimits
from tests.helpers.central import RunningCentral, running_central
from tests.helpers.requests import fill_form, press, to_form
from tests.helpers.widgets import settle, visible_texts

PHONE = "0987650555"


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    """One code per phone per hour; the kiosk's own limits roomy."""
    limits = OtpLimits(per_phone_hour=1, per_sender_minute=10_000, per_sender_hour=10_000)
    with running_central(tmp_path / "central.db", otp_limits=limits) as server:
        yield server


def to_review(kiosk: KioskApp, bot: QtBot) -> None:
    to_form(kiosk, bot, "meter_inspection")
    if isinstance(kiosk.navigator.current, IdConsent):
        press(kiosk, bot, "consent-type")
    fill_form(kiosk, bot, phone=PHONE)
    assert isinstance(kiosk.navigator.current, ReviewRequest)


def test_a_phone_sent_its_hours_codes_is_told_how_many_minutes_to_wait(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    to_review(kiosk, qtbot)
    press(kiosk, qtbot, "review-confirm")
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, ConfirmOtp)  # the hour's one code
    press(kiosk, qtbot, "nav-home")
    settle(kiosk)
    central.clock.advance(timedelta(minutes=2))  # past the one-minute resend wait: now the hour's limit

    to_review(kiosk, qtbot)
    press(kiosk, qtbot, "review-confirm")
    settle(kiosk)
    review = kiosk.navigator.current
    assert isinstance(review, ReviewRequest)
    assert review.code_wait is not None
    assert review.code_wait.this_phone
    assert 55 <= review.code_wait.minutes <= 60
    tr = kiosk.tr
    said = tr.ngettext("review.code_wait.phone", review.code_wait.minutes, n=review.code_wait.minutes)
    assert said in visible_texts(kiosk.window)
    assert tr._("failed.busy") not in visible_texts(kiosk.window)
