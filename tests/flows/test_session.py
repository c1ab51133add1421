"""The customer's visit (kiosk.flows.session.CustomerSession) on its own: the kiosk's defaults, assisted mode,
the speech rate's floor, the start of a visit, and a wipe that reaches every field, including any field added
later."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.central.models import BillList, Corporation, Customer, DistrictUnit, Label, Meter
from kiosk.flows.session import (
    NORMAL_SPEECH_RATE,
    SLOWEST_SPEECH_RATE,
    SPEECH_RATE_STEP,
    Contrast,
    CustomerSession,
    TextSize,
)

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
CODE = "PE01000123456"


def kiosk_session() -> CustomerSession:
    """A kiosk whose defaults are not the class's, so that a wipe back to the class's defaults shows."""
    return CustomerSession(
        default_language="en", default_text_size=TextSize.LARGE, default_contrast=Contrast.HIGH
    )


def customer() -> Customer:
    return Customer(
        code=CODE,
        name="Trịnh T** X***",
        address="27 Ngõ H**",
        phone="09******21",
        corporation=Corporation(
            code="EVNHCMC",
            name=Label(vi="Tổng công ty Điện lực TP.HCM", en="HCMC Power Corporation"),
            hotline="1900",
        ),
        district_unit=DistrictUnit(
            code="PE0100", name=Label(vi="Điện lực Sài Gòn", en="Sai Gon Power Company")
        ),
        tariff_type="residential",
        households=1,
        meter=Meter(serial="PE123456", multiplier=1, remote_read=False),
    )


def visited(session: CustomerSession) -> None:
    """Everything a visit can change, changed."""
    session.language = "vi"
    session.text_size = TextSize.LARGEST
    session.contrast = Contrast.STANDARD
    session.start_assisted(by_staff=True)
    session.slower()
    session.begin(NOW)
    session.customer_code = CODE
    session.customer = customer()
    session.bills = BillList(customer_code=CODE, bills=[], total_due=0)
    session.journey["draft"] = {"phone": "0912345678"}


# ---------------------------------------------------------------------------------------------- settings
@pytest.mark.parametrize(
    ("size", "after"),
    [
        (TextSize.NORMAL, TextSize.LARGE),
        (TextSize.LARGE, TextSize.LARGEST),
        (TextSize.LARGEST, TextSize.NORMAL),
    ],
)
def test_the_text_size_button_goes_larger_then_back_to_normal(size: TextSize, after: TextSize) -> None:
    assert size.next() is after


def test_a_session_starts_with_the_kiosks_defaults_and_nobody_at_the_screen() -> None:
    session = kiosk_session()
    assert (session.language, session.text_size, session.contrast) == ("en", TextSize.LARGE, Contrast.HIGH)
    assert not session.active
    assert not session.assisted
    assert session.speech_rate == NORMAL_SPEECH_RATE
    assert session.journey == {}


def test_the_kiosks_defaults_win_over_a_language_given_at_construction() -> None:
    # __post_init__ puts the defaults in place: the current settings are the customer's, never configuration.
    session = CustomerSession(default_language="en", language="vi", text_size=TextSize.LARGEST)
    assert (session.language, session.text_size) == ("en", TextSize.NORMAL)


def test_each_session_has_its_own_journey() -> None:
    first, second = CustomerSession(), CustomerSession()
    first.journey["step"] = "review"
    assert second.journey == {}


# ---------------------------------------------------------------------------------------------- assisted mode
@pytest.mark.parametrize(
    ("size", "after"),
    [
        (TextSize.NORMAL, TextSize.LARGE),
        (TextSize.LARGE, TextSize.LARGE),
        (TextSize.LARGEST, TextSize.LARGEST),
    ],
)
def test_assisted_mode_makes_normal_text_large_and_never_smaller(size: TextSize, after: TextSize) -> None:
    session = CustomerSession()
    session.text_size = size
    session.start_assisted(by_staff=False)
    assert session.assisted
    assert not session.assisted_by_staff
    assert session.text_size is after


def test_staff_starting_assisted_mode_is_recorded_for_the_whole_visit() -> None:
    session = CustomerSession()
    session.start_assisted(by_staff=True)
    session.start_assisted(by_staff=False)  # the customer pressing the button again does not erase it
    assert session.assisted_by_staff


def test_a_customer_starting_it_then_staff_joining_is_staff_assisted() -> None:
    session = CustomerSession()
    session.start_assisted(by_staff=False)
    assert not session.assisted_by_staff
    session.start_assisted(by_staff=True)
    assert session.assisted_by_staff


def test_slower_speech_steps_down_to_the_slowest_intelligible_rate_and_stops() -> None:
    session = CustomerSession()
    rates = []
    for _ in range(5):
        session.slower()
        rates.append(session.speech_rate)
    assert rates == [-0.25, -0.5, -0.75, -0.75, -0.75]
    assert (SLOWEST_SPEECH_RATE, SPEECH_RATE_STEP) == (-0.75, 0.25)


# ---------------------------------------------------------------------------------------------- the visit
def test_the_first_touch_starts_the_visit_and_later_ones_keep_its_start() -> None:
    session = CustomerSession()
    session.begin(NOW)
    session.begin(NOW + timedelta(minutes=3))
    assert session.active
    assert session.started_at == NOW


def test_a_visit_changes_every_field_but_the_kiosks_defaults() -> None:
    # Guards the wipe test below: a field added to the session that this test's visit does not set fails here,
    # so the wipe is proven for it too.
    session = kiosk_session()
    visited(session)
    fresh = kiosk_session()
    unchanged = [f.name for f in fields(session) if getattr(session, f.name) == getattr(fresh, f.name)]
    assert unchanged == ["default_language", "default_text_size", "default_contrast"]


def test_the_wipe_forgets_the_customer_back_to_the_kiosks_defaults() -> None:
    session = kiosk_session()
    visited(session)
    session.wipe()
    assert session == kiosk_session()
    assert (session.language, session.text_size, session.contrast) == ("en", TextSize.LARGE, Contrast.HIGH)
    assert not session.active


def test_a_wipe_of_an_untouched_session_changes_nothing() -> None:
    session = kiosk_session()
    session.wipe()
    assert session == kiosk_session()


def test_the_next_visit_after_a_wipe_starts_anew() -> None:
    session = kiosk_session()
    visited(session)
    session.wipe()
    later = NOW + timedelta(hours=1)
    session.begin(later)
    assert session.started_at == later
    assert not session.assisted_by_staff
    assert session.language == "en"
