"""Service requests on the real kiosk against the real central: every service end to end by taps alone, the ID
card, the one-time code, the outbox when the central is away, the slip."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import replace
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from kiosk.central.client import CentralClient
from kiosk.central.models import Service
from kiosk.demo.keys import DEMO_ID_CARD_SCAN
from kiosk.demo.simulator import DemoClient
from kiosk.devices.scanner import FakeScanner
from kiosk.flows.states.frame import PrintPreview
from kiosk.flows.states.requests import (
    ConfirmOtp,
    FillField,
    IdConsent,
    OtpProblem,
    RequestRefused,
    RequestSubmitted,
    ReviewRequest,
    ScanIdCard,
    SlipProgress,
)
from kiosk.requests.form import FieldProblem
from kiosk.requests.records import Delivery
from kiosk.shell.app import KioskApp
from tests.helpers.central import RunningCentral
from tests.helpers.requests import (
    CUSTOMER,
    answer,
    fill_form,
    press,
    run,
    submit,
    to_form,
    type_digits,
    type_sms_code,
    type_text,
)
from tests.helpers.screens import settle
from tests.helpers.widgets import all_texts, visible_texts


def central_request(central: RunningCentral, tracking_code: str) -> sqlite3.Row:
    with sqlite3.connect(central.db_path) as db:
        db.row_factory = sqlite3.Row
        row = db.execute(
            "SELECT * FROM service_requests WHERE tracking_code = ?", (tracking_code,)
        ).fetchone()
    assert row is not None
    return row


# ---------------------------------------------------------------------------------------------- every service
def catalogue(url: str, token: str) -> list[Service]:
    async def fetch() -> list[Service]:
        async with DemoClient(url, token) as client:
            return (await client.services()).services

    return asyncio.run(fetch())


SERVICE_CODES = [
    "new_connection_lv",
    "new_connection_mv",
    "capacity_change",
    "meter_relocation",
    "usage_purpose_change",
    "household_count_change",
    "contract_holder_change",
    "details_update",
    "payment_method_change",
    "meter_inspection",
    "contract_renewal",
    "contract_termination",
]


def test_the_twelve_services_are_the_centrals(central: RunningCentral) -> None:
    assert sorted(s.code for s in catalogue(central.url, central.token)) == sorted(SERVICE_CODES)


@pytest.mark.parametrize("code", SERVICE_CODES)
def test_every_service_is_submitted_end_to_end_by_taps(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral, code: str
) -> None:
    service = to_form(kiosk, qtbot, code)
    if isinstance(kiosk.navigator.current, IdConsent):
        press(kiosk, qtbot, "consent-type")
    fill_form(kiosk, qtbot)
    review = kiosk.navigator.current
    assert isinstance(review, ReviewRequest)
    sent = review.form.wire_fields()
    done = submit(kiosk, qtbot)
    assert done.item.state is Delivery.DELIVERED
    assert done.item.tracking_code is not None
    assert done.item.tracking_code in visible_texts(kiosk.window)
    row = central_request(central, done.item.tracking_code)
    assert row["service_code"] == service.code
    assert row["customer_code"] == (CUSTOMER if service.requires_customer_code else None)
    assert json.loads(row["fields"]) == sent
    assert row["client_reference"] == done.item.reference
    # What was typed with tones arrived as typed (NFC), e.g. the name on the ID card's services.
    if "full_name" in sent:
        assert sent["full_name"] == "Nguyễn Thị Hương"


# ---------------------------------------------------------------------------------------------- typing
def test_name_and_address_typed_by_touch_reach_the_central_exactly(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    to_form(kiosk, qtbot, "new_connection_lv")
    press(kiosk, qtbot, "consent-type")
    while isinstance(state := kiosk.navigator.current, FillField):
        spec = state.form.service.fields[state.index]
        if spec.name == "full_name":
            type_text(kiosk, qtbot, "Nguyễn Thị Hương")
            assert kiosk.navigator.current.typed == "Nguyễn Thị Hương"  # type: ignore[union-attr]
            press(kiosk, qtbot, "field-next")
        elif spec.type == "address":
            type_text(kiosk, qtbot, "Định Hóa, Thái Nguyên")
            assert kiosk.navigator.current.typed == "Định Hóa, Thái Nguyên"  # type: ignore[union-attr]
            press(kiosk, qtbot, "field-next")
        else:
            answer(kiosk, qtbot, spec, state.index)
    done = submit(kiosk, qtbot)
    assert done.item.tracking_code is not None
    fields = json.loads(central_request(central, done.item.tracking_code)["fields"])
    assert fields["full_name"] == "Nguyễn Thị Hương"
    assert "Định Hóa, Thái Nguyên" in fields.values()


def test_a_wrong_answer_is_explained_and_nothing_typed_is_lost(kiosk: KioskApp, qtbot: QtBot) -> None:
    to_form(kiosk, qtbot, "new_connection_lv")
    press(kiosk, qtbot, "consent-type")
    press(kiosk, qtbot, "field-next")  # the name, left empty
    state = kiosk.navigator.current
    assert isinstance(state, FillField)
    assert state.problem is FieldProblem.REQUIRED
    assert kiosk.tr._("field.problem.required") in visible_texts(kiosk.window)
    type_text(kiosk, qtbot, "Lê Văn Tám")
    press(kiosk, qtbot, "field-next")
    press(kiosk, qtbot, "option-cccd")
    type_digits(kiosk, qtbot, "12345")  # the ID number, too short
    press(kiosk, qtbot, "field-next")
    state = kiosk.navigator.current
    assert isinstance(state, FillField)
    assert state.problem is FieldProblem.INVALID_ID_NUMBER
    assert state.typed == "12345"
    assert kiosk.tr._("field.problem.invalid_id_number") in visible_texts(kiosk.window)
    # Back to the name and forward again: the name is still there.
    kiosk.window.back_requested.emit()
    kiosk.window.back_requested.emit()
    state = kiosk.navigator.current
    assert isinstance(state, FillField)
    assert state.typed == "Lê Văn Tám"
    press(kiosk, qtbot, "field-next")
    state = kiosk.navigator.current
    assert isinstance(state, FillField)
    assert state.index == 1


# ---------------------------------------------------------------------------------------------- the ID card
def test_the_id_card_fills_the_form_only_after_consent_and_is_wiped_with_the_session(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    assert isinstance(kiosk.scanner, FakeScanner)
    to_form(kiosk, qtbot, "new_connection_lv")
    kiosk.scanner.scan(DEMO_ID_CARD_SCAN)  # before consent: not read
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, IdConsent)
    press(kiosk, qtbot, "consent-scan")
    assert isinstance(kiosk.navigator.current, ScanIdCard)
    kiosk.scanner.scan("PE01000123456")  # a bill, not a card
    settle(kiosk)
    assert kiosk.tr._("scan_id.not_an_id_card") in visible_texts(kiosk.window)
    kiosk.scanner.scan("079088001234|x|Nguyễn Thị Hương")  # cut short
    settle(kiosk)
    assert kiosk.tr._("scan_id.unreadable") in visible_texts(kiosk.window)
    # A card read whole whose data cannot be used: why, in words, and what to do instead of scanning again.
    next_step = kiosk.tr._(
        "scan_id.next_step", button=kiosk.tr._("scan_id.type"), staff=kiosk.tr._("frame.call_staff")
    )
    assert next_step not in visible_texts(kiosk.window)
    for scanned, reason in (
        (DEMO_ID_CARD_SCAN.replace("079088001234", "79088001234"), "scan_id.id_number_length"),  # 11 digits
        (DEMO_ID_CARD_SCAN.replace("15041988", "31021988"), "scan_id.birth_date"),  # no 31 February
    ):
        kiosk.scanner.scan(scanned)
        settle(kiosk)
        assert {kiosk.tr._(reason), next_step} <= set(visible_texts(kiosk.window))
    # A newer card's longer QR, ending in a separator, fills the form with the card's issue date.
    kiosk.scanner.scan(DEMO_ID_CARD_SCAN + "|Nguyễn Văn Ba|Trần Thị Tư|")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, FillField)
    form = state.form
    assert form.answer("full_name") == "Nguyễn Thị Hương"
    assert form.answer("id_number") == "079088001234"
    assert (form.answer("id_type"), form.answer("id_issue_date")) == ("cccd", "20052021")
    assert {"full_name", "id_type", "id_number", "id_issue_date"} <= form.from_card
    # The prefilled questions are not asked again; the review shows them, ID number masked.
    assert form.service.fields[state.index].name not in form.from_card
    fill_form(kiosk, qtbot)
    assert isinstance(kiosk.navigator.current, ReviewRequest)
    texts = visible_texts(kiosk.window)
    assert "079 ••• ••• 234" in texts
    assert "079088001234" not in " ".join(texts)
    kiosk.idle.end_session()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    left = [text for text in all_texts(kiosk.window) if "Hương" in text or "079088001234" in text]
    assert left == [], left
    assert not any("Hương" in text or "079088001234" in text for text in all_texts(kiosk.window))
    assert kiosk.session.journey == {}


def test_a_passport_typed_on_the_letter_keyboard_is_accepted_by_the_central(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    to_form(kiosk, qtbot, "new_connection_lv")
    press(kiosk, qtbot, "consent-type")
    while isinstance(state := kiosk.navigator.current, FillField):
        spec = state.form.service.fields[state.index]
        if spec.name == "id_type":
            press(kiosk, qtbot, "option-passport_foreign")
        elif spec.name == "id_number":
            screen = kiosk.window.current_screen
            assert not screen.findChild(object, "pad-1").isVisibleTo(screen)  # type: ignore[union-attr]
            for key in "x12345678":  # typed in small letters: the number is kept in capitals
                press(kiosk, qtbot, f"kb-{key}")
            assert kiosk.navigator.current.typed == "X12345678"  # type: ignore[union-attr]
            assert "X12345678" in " ".join(visible_texts(kiosk.window))
            press(kiosk, qtbot, "field-next")
        else:
            answer(kiosk, qtbot, spec, state.index)
        after = kiosk.navigator.current
        assert not (isinstance(after, FillField) and after.problem is not None), (spec.name, after.problem)
    texts = visible_texts(kiosk.window)
    assert "X•••••678" in texts  # the review masks it as it masks a card's number, on the document's line
    assert "Hộ chiếu nước ngoài" in texts
    done = submit(kiosk, qtbot)
    assert done.item.tracking_code is not None
    fields = json.loads(central_request(central, done.item.tracking_code)["fields"])
    assert (fields["id_type"], fields["id_number"], fields["id_issue_date"]) == (
        "passport_foreign",
        "X12345678",
        "2026-12-15",
    )


# ---------------------------------------------------------------------------------------------- the code
def to_code(kiosk: KioskApp, bot: QtBot, phone: str) -> ConfirmOtp:
    to_form(kiosk, bot, "meter_inspection")
    if isinstance(kiosk.navigator.current, IdConsent):
        press(kiosk, bot, "consent-type")
    fill_form(kiosk, bot, phone=phone)
    press(kiosk, bot, "review-confirm")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, ConfirmOtp)
    return state


def test_wrong_codes_count_down_then_lock_and_a_new_code_works(kiosk: KioskApp, qtbot: QtBot) -> None:
    state = to_code(kiosk, qtbot, "0911000001")
    sent_to = kiosk.window.current_screen.findChild(object, "otp-sent-to").text()  # type: ignore[union-attr]
    assert state.masked_phone in sent_to
    assert "0911000001" not in sent_to
    sms = run(kiosk.client.sim_otp(state.otp_id))
    wrong = "000000" if sms.code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        type_digits(kiosk, qtbot, wrong)
        press(kiosk, qtbot, "otp-confirm")
        settle(kiosk)
        state = kiosk.navigator.current
        assert isinstance(state, ConfirmOtp)
        assert (state.problem, state.attempts_left, state.typed) == (OtpProblem.WRONG, left, "")
    type_digits(kiosk, qtbot, wrong)
    press(kiosk, qtbot, "otp-confirm")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, ConfirmOtp)
    assert state.problem is OtpProblem.LOCKED
    # Even the right code is refused now: a new one must be asked for, after the wait.
    assert not kiosk.window.findChild(object, "otp-resend").isEnabled()  # type: ignore[union-attr]
    kiosk.navigator.replace(replace(state, resend_at=0.0))
    run(kiosk.client.sim_advance_clock(61))
    press(kiosk, qtbot, "otp-resend")
    settle(kiosk)
    fresh = kiosk.navigator.current
    assert isinstance(fresh, ConfirmOtp)
    assert fresh.otp_id != state.otp_id
    assert fresh.problem is None
    type_sms_code(kiosk, qtbot)
    press(kiosk, qtbot, "otp-confirm")
    settle(kiosk)
    if isinstance(kiosk.navigator.current, PrintPreview):
        kiosk.navigator.back()
    assert isinstance(kiosk.navigator.current, RequestSubmitted)


def test_an_expired_code_is_told_and_nothing_is_sent(kiosk: KioskApp, qtbot: QtBot) -> None:
    to_code(kiosk, qtbot, "0911000002")
    type_sms_code(kiosk, qtbot)
    run(kiosk.client.sim_advance_clock(6 * 60))
    press(kiosk, qtbot, "otp-confirm")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, ConfirmOtp)
    assert state.problem is OtpProblem.EXPIRED
    assert kiosk.outbox.all() == []


def test_a_central_down_while_checking_the_code_keeps_what_was_typed(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    to_code(kiosk, qtbot, "0911000003")
    typed = type_sms_code(kiosk, qtbot)
    real = kiosk.requests._source
    kiosk.requests._source = DemoClient("http://127.0.0.1:9", central.token, timeout=0.5, retries=0)
    try:
        press(kiosk, qtbot, "otp-confirm")
        settle(kiosk)
    finally:
        run(kiosk.requests._source.aclose())  # type: ignore[attr-defined]
        kiosk.requests._source = real
    state = kiosk.navigator.current
    assert isinstance(state, ConfirmOtp)
    assert state.problem is OtpProblem.UNREACHABLE
    assert state.otp_id == typed.otp_id
    assert len(state.typed) == 6
    assert kiosk.outbox.all() == []


# ---------------------------------------------------------------------------------------------- the outbox
def test_a_request_the_central_cannot_take_now_is_saved_told_honestly_and_sent_later(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    to_code(kiosk, qtbot, "0911000004")
    type_sms_code(kiosk, qtbot)
    real = kiosk.courier.client
    kiosk.courier.client = DemoClient("http://127.0.0.1:9", central.token, timeout=0.5, retries=0)
    try:
        press(kiosk, qtbot, "otp-confirm")
        settle(kiosk)
    finally:
        run(kiosk.courier.client.aclose())  # type: ignore[attr-defined]
        kiosk.courier.client = real
    if isinstance(kiosk.navigator.current, PrintPreview):
        kiosk.navigator.back()
    state = kiosk.navigator.current
    assert isinstance(state, RequestSubmitted)
    assert state.item.state is Delivery.QUEUED
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("submitted.saved") in texts
    assert state.item.reference in texts
    assert kiosk.outbox.depth() == 1
    # The network is back: the courier delivers it, once, without the customer.
    delivered = run(kiosk.courier.deliver(state.item.id))
    assert delivered.state is Delivery.DELIVERED
    assert delivered.tracking_code is not None
    row = central_request(central, delivered.tracking_code)
    assert row["client_reference"] == state.item.reference
    with sqlite3.connect(central.db_path) as db:
        count = db.execute(
            "SELECT count(*) FROM service_requests WHERE client_reference = ?", (state.item.reference,)
        ).fetchone()[0]
    assert count == 1
    assert kiosk.outbox.depth() == 0


def test_the_code_cannot_confirm_a_second_request(kiosk: KioskApp, qtbot: QtBot) -> None:
    to_code(kiosk, qtbot, "0911000005")
    confirm = type_sms_code(kiosk, qtbot)
    press(kiosk, qtbot, "otp-confirm")
    settle(kiosk)
    # Whatever the customer does next, the same confirmed code never sends the request again.
    kiosk.navigator.go(replace(confirm, typed=run(kiosk.client.sim_otp(confirm.otp_id)).code))
    press(kiosk, qtbot, "otp-confirm")
    settle(kiosk)
    assert len(kiosk.outbox.all()) == 1


# ---------------------------------------------------------------------------------------------- the slip
def test_the_slip_is_printed_once_with_a_qr_that_opens_the_tracking_page(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    to_code(kiosk, qtbot, "0911000006")
    type_sms_code(kiosk, qtbot)
    press(kiosk, qtbot, "otp-confirm")
    settle(kiosk)
    preview = kiosk.navigator.current
    assert isinstance(preview, PrintPreview)
    kiosk.navigator.back()
    done = kiosk.navigator.current
    assert isinstance(done, RequestSubmitted)
    assert done.slip is SlipProgress.PREVIEW
    assert done.item.tracking_code is not None
    with Image.open(preview.image) as image:
        decoded = [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
    assert f"{kiosk.settings.central.url}/track/{done.item.tracking_code}" in decoded
    assert kiosk.printing is not None
    assert kiosk.printing.journal.find("request_slip", done.item.reference) is not None


class UsedElsewhere:
    """The central, but the customer's code confirms another request (same phone, another kiosk) just before
    this kiosk's request arrives."""

    def __init__(self, real: CentralClient) -> None:
        self.real = real

    async def submit_request(self, *args: Any, client_reference: str | None = None) -> Any:
        service_code, customer_code, fields, otp_id, otp_code, _ = args
        await self.real.submit_request(service_code, customer_code, fields, otp_id, otp_code, "elsewhere-1")
        return await self.real.submit_request(*args, client_reference=client_reference)


def test_a_request_the_central_refuses_is_said_plainly_and_kept_for_staff(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    to_code(kiosk, qtbot, "0911000007")
    type_sms_code(kiosk, qtbot)
    real = kiosk.courier.client
    kiosk.courier.client = UsedElsewhere(kiosk.client)  # type: ignore[assignment]
    try:
        press(kiosk, qtbot, "otp-confirm")
        settle(kiosk)
    finally:
        kiosk.courier.client = real
    refused = kiosk.navigator.current
    assert isinstance(refused, RequestRefused)
    assert refused.code == "otp_used"
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("refused.heading") in texts
    # Why, in words (those staff read too), and never the central's code.
    assert kiosk.tr._("refused.reason", reason=kiosk.tr._("staff.refusal.confirmation_code")) in texts
    assert not [text for text in texts if "otp_used" in text]
    [item] = kiosk.outbox.all()
    assert item.state is Delivery.REFUSED
    assert kiosk.outbox.payload(item.id) is None
