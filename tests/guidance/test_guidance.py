"""What the kiosk says on every screen: something for every state, in both languages, with the amount in words,
the button to touch by its on-screen label, and never a name, an ID number or a whole phone number."""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.central.models import (
    Bill,
    BillList,
    Consumption,
    ConsumptionPoint,
    Corporation,
    Customer,
    DistrictUnit,
    Label,
    Meter,
    Outage,
    PaymentMethodInfo,
    Service,
    ServiceRequest,
)
from kiosk.central.models import RequestStatus as Progress
from kiosk.customer.citizen_id import IdCardProblem
from kiosk.customer.code import UnitChoice
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import (
    AccountOverview,
    BillDetail,
    BillNoticePrinted,
    ChooseBills,
    ConsumptionHistory,
    EnterCode,
    EntryStep,
    LookupFailed,
    LookupProblem,
    PaidHistory,
)
from kiosk.flows.states.frame import (
    Fault,
    Feature,
    Home,
    IdleWarning,
    Loading,
    PrintPreview,
    StaffCalled,
    Waiting,
)
from kiosk.flows.states.outages import (
    DangerHotline,
    OutageOverview,
    OutageReported,
    OutageStart,
    ReportOutage,
)
from kiosk.flows.states.payment import (
    ChooseMethod,
    PayByQr,
    PaymentEnd,
    PaymentReceived,
    PaymentStopped,
    ReceiptProgress,
)
from kiosk.flows.states.requests import (
    ChooseService,
    ConfirmOtp,
    FillField,
    IdConsent,
    OtpProblem,
    RequestRefused,
    RequestStatus,
    RequestSubmitted,
    ReviewRequest,
    ScanIdCard,
    ServiceIntro,
    SlipProgress,
    TrackProblem,
    TrackRequest,
)
from kiosk.flows.states.staff import (
    StaffDayReport,
    StaffHome,
    StaffLeave,
    StaffNotice,
    StaffPending,
    StaffPin,
    StaffPrintouts,
)
from kiosk.guidance import guidance, spoken
from kiosk.language.catalogs import Translator, extract, source_files
from kiosk.language.codes import LANGUAGES, Language
from kiosk.payments.methods import VIETQR_APP_EXAMPLES
from kiosk.payments.records import JournalPayment, Order, OrderBill, PaymentState, ReceiptState
from kiosk.printing.printer_status import PrinterFault, PrinterState
from kiosk.requests.form import FieldProblem, RequestForm
from kiosk.requests.records import Delivery, OutboxItem, OutboxKind
from kiosk.staff.day_report import DayReport, MethodTotal, PaymentFailures, PaymentLine
from kiosk.staff.health import CentralState, KioskHealth, Printout
from kiosk.staff.pin_gate import PinCheck, PinVerdict
from kiosk_central import services_catalog

# ---------------------------------------------------------------------------------------------- personal data
# Whole, unmasked values: the central masks name, address and phone before a kiosk sees them, and a form keeps
# what was typed; guidance must not say them either way.
FULL_NAME = "Trịnh Thị Xuyến"
ADDRESS = "27 Ngõ Huế, Phường Phố Huế, Hà Nội"
PHONE = "0987654321"
ID_NUMBER = "079188746329"
NAME_WORDS = ("Trịnh", "Xuyến")
CODE = "PE01000123456"
UNITS = (UnitChoice("PE0100", "Điện lực Sài Gòn"), UnitChoice("PC05CC", "Điện lực Hội An"))
TRACKING = "YCA7K3M9Q2"
REFERENCE = "KQ7M2X9PA4"
HOTLINE = "1900545454"
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)

CORPORATION = Corporation(
    code="EVNHCMC",
    name=Label(vi="Tổng công ty Điện lực Thành phố Hồ Chí Minh", en="Ho Chi Minh City Power Corporation"),
    hotline=HOTLINE,
)
CUSTOMER = Customer(
    code=CODE,
    name=FULL_NAME,
    address=ADDRESS,
    phone=PHONE,
    corporation=CORPORATION,
    district_unit=DistrictUnit(code="PE0100", name=Label(vi="Điện lực Sài Gòn", en="Sai Gon Power Company")),
    tariff_type="residential",
    households=1,
    meter=Meter(serial="PE123456", multiplier=1, remote_read=False),
)


def bill(month: int, total: int, status: str = "unpaid", kwh: int = 215) -> Bill:
    start, end = date(2026, month - 1, 10), date(2026, month, 10)  # reading date to reading date
    return Bill.model_validate_json(
        json.dumps(
            {
                "id": f"B2026{month:02d}",
                "customer_code": CODE,
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "days": (end - start).days,
                "meter_serial": "PE123456",
                "opening_index": 10_000,
                "closing_index": 10_000 + kwh,
                "multiplier": 1,
                "kwh": kwh,
                "households": 1,
                "tiers": [],
                "segments": [],
                "subtotal": total * 100 // 108,
                "vat_rate": 0.08,
                "vat_lines": [],
                "vat_amount": total - total * 100 // 108,
                "total": total,
                "due_date": (end + timedelta(days=15)).isoformat(),
                "invoice_serial": "1K26TAA",
                "invoice_number": f"00{month:04d}",
                "status": status,
                "paid_at": datetime(2026, month, 20, tzinfo=UTC).isoformat() if status == "paid" else None,
                "pending_payment_id": "pay_1" if status == "pending_payment" else None,
            }
        )
    )


UNPAID = BillList(
    customer_code=CODE,
    bills=[bill(9, 512_300, "overdue"), bill(10, 1_234_000)],
    total_due=1_746_300,
)
PAID = (bill(8, 1_005_000, "paid"), bill(7, 987_650, "paid"))


def consumption() -> Consumption:
    points = []
    for i in range(13):
        year, month = divmod(10 + i, 12)  # October 2025 to October 2026
        end = date(2025 + year, month + 1, 10)
        points.append(
            ConsumptionPoint(start=end - timedelta(days=30), end=end, kwh=180 + 7 * i, label=f"{month + 1}")
        )
    return Consumption(customer_code=CODE, granularity="month", points=points)


# A central offering a wallet's own code besides a VietQR (the only case in which the kiosk asks which code).
METHODS = (
    PaymentMethodInfo(
        method="vietqr", label=Label(vi="Chuyển khoản VietQR", en="VietQR transfer"), payload_kind="vietqr"
    ),
    PaymentMethodInfo(
        method="wallet", label=Label(vi="Ví Demo", en="Demo wallet"), payload_kind="provider_qr"
    ),
)


def payment(state: PaymentState = PaymentState.PENDING, *, payload_kind: str = "vietqr") -> JournalPayment:
    order = Order(
        customer_code=CODE,
        customer_name=FULL_NAME,
        corporation_vi=CORPORATION.name.vi,
        corporation_en=CORPORATION.name.en,
        hotline=HOTLINE,
        bills=tuple(OrderBill(b.id, b.period_start, b.period_end, b.kwh, b.total) for b in UNPAID.bills),
        method="vietqr" if payload_kind == "vietqr" else "wallet",
        method_vi="Chuyển khoản VietQR" if payload_kind == "vietqr" else "Ví Demo",
        method_en="VietQR transfer" if payload_kind == "vietqr" else "Demo wallet",
        language="vi",
        payload_kind=payload_kind,
    )
    confirmed = state is PaymentState.CONFIRMED
    return JournalPayment(
        id=7,
        idempotency_key="k-7",
        order=order,
        amount=order.amount,
        state=state,
        payment_id="pay_7",
        reference="EVN PE01000123456 7",
        qr_payload="000201010212",
        central_status="paid" if confirmed else "pending",
        expires_at=NOW + timedelta(minutes=15),
        ttl_seconds=900.0,
        problem=None,
        abandoned=False,
        paid_at=NOW if confirmed else None,
        receipt_number="K01-000123" if confirmed else None,
        receipt=ReceiptState.PRINTED if confirmed else None,
        receipt_job=None,
        created_at=NOW,
        updated_at=NOW,
        watch_until=NOW + timedelta(hours=1),
    )


SERVICES = tuple(Service.model_validate_json(s.model_dump_json()) for s in services_catalog.SERVICES)
NEW_CONNECTION = next(s for s in SERVICES if s.code == "new_connection_lv")
RELOCATION = next(s for s in SERVICES if s.code == "meter_relocation")


def form(service: Service = NEW_CONNECTION) -> RequestForm:
    answers = {"full_name": FULL_NAME, "id_number": ID_NUMBER, "phone": PHONE, "address": ADDRESS}
    filled = RequestForm(service)
    for spec in service.fields:
        if spec.name in answers:
            filled = filled.answered(spec.name, answers[spec.name])
    return dataclasses.replace(filled, from_card=frozenset({"full_name", "id_number", "address"}))


def field_index(service: Service, field_type: str) -> int:
    return next(i for i, spec in enumerate(service.fields) if spec.type == field_type)


def outbox_item(delivery: Delivery, kind: OutboxKind = OutboxKind.SERVICE_REQUEST) -> OutboxItem:
    return OutboxItem(
        id=3,
        kind=kind,
        reference=REFERENCE,
        idempotency_key="k-3",
        summary={"service_code": NEW_CONNECTION.code, "customer_code": CODE, "language": "vi"},
        created_at=NOW,
        state=delivery,
        attempts=1,
        next_attempt_at=NOW,
        last_error=None,
        tracking_code=TRACKING if delivery is Delivery.DELIVERED else None,
        delivered_at=NOW if delivery is Delivery.DELIVERED else None,
        refusal="invalid_fields" if delivery is Delivery.REFUSED else None,
    )


def service_request(status: str) -> ServiceRequest:
    return ServiceRequest.model_validate_json(
        json.dumps(
            {
                "tracking_code": TRACKING,
                "service_code": NEW_CONNECTION.code,
                "customer_code": None,
                "status": status,
                "created_at": NOW.isoformat(),
                "due_by": "2026-11-30",
                "history": [
                    {
                        "at": NOW.isoformat(),
                        "status": "received",
                        "note": {"vi": "Đã tiếp nhận", "en": "Received"},
                    },
                    {
                        "at": (NOW + timedelta(days=1)).isoformat(),
                        "status": status,
                        "note": {"vi": "Khu vực chưa có lưới điện", "en": "No grid in this area yet"},
                    },
                ],
            }
        )
    )


def outage(kind: str, status: str, starts_in: timedelta) -> Outage:
    start = NOW + starts_in
    return Outage(
        id=f"o-{status}",
        kind=kind,  # type: ignore[arg-type]
        district_unit="PE0100",
        area=Label(vi="Phường Bến Nghé, đường Lê Lợi", en="Ben Nghe ward, Le Loi street"),
        reason=Label(vi="Bảo trì đường dây", en="Line maintenance"),
        start_at=start,
        expected_end_at=start + timedelta(hours=6),
        status=status,  # type: ignore[arg-type]
    )


NOW_OUTAGE = outage("emergency", "in_progress", -timedelta(hours=1))
PLANNED_OUTAGE = outage("planned", "scheduled", timedelta(days=2))


def health(printer: PrinterState | PrinterFault | None = PrinterState.READY) -> KioskHealth:
    return KioskHealth(
        kiosk_id="HCM-01",
        version="0.1",
        printer=printer,
        central=CentralState.REACHABLE,
        heartbeat_at=NOW,
        outbox_depth=1,
        pending_payments=1,
        prints_for_staff=2,
        refused_requests=1,
        default_language="vi",
    )


DAY_REPORT = DayReport(
    day=date(2026, 11, 23),
    kiosk_id="HCM-01",
    paid=(MethodTotal("vietqr", "Ứng dụng ngân hàng (VietQR)", "Banking app (VietQR)", 3, 2_250_500),),
    failed_payments=PaymentFailures(expired=1),
    requests_sent=2,
    requests_refused=0,
    outage_reports=1,
    assisted=1,
    pending_payments=(PaymentLine(9, "EVN 9", None, 120_000, PaymentState.PENDING, NOW),),
    receipts_for_staff=(),
    requests_waiting=1,
    prints_failed=0,
)


def states() -> dict[type, list[ScreenState]]:
    """Every kind of screen with realistic data, several ways each where the words change."""
    request_form = form()
    yes_no = field_index(NEW_CONNECTION, "yes_no")
    chosen = request_form.answered(NEW_CONNECTION.fields[yes_no].name, "yes")
    place_of_use = next(i for i, f in enumerate(NEW_CONNECTION.fields) if f.name == "installation_address")
    return {
        Home: [Home()],
        Fault: [Fault()],
        StaffPin: [
            StaffPin(),
            StaffPin(3),
            StaffPin(0, PinCheck(PinVerdict.WRONG, tries_before_lockout=6)),
            StaffPin(0, PinCheck(PinVerdict.WRONG, wait_seconds=15)),
            StaffPin(0, PinCheck(PinVerdict.WAIT, wait_seconds=150)),
            StaffPin(0, PinCheck(PinVerdict.LOCKED, wait_seconds=900, locked_until=NOW)),
            StaffPin(0, PinCheck(PinVerdict.NOT_SET)),
        ],
        StaffHome: [
            StaffHome(health()),
            StaffHome(health(None), StaffNotice.PAPER_READY, printed=2),
            StaffHome(health(PrinterFault("cutter")), StaffNotice.PRINT_FAILED),
            StaffHome(health(PrinterState.PAPER_OUT), StaffNotice.PAPER_STILL_OUT),
        ],
        StaffPrintouts: [
            StaffPrintouts(
                (
                    Printout(4, "receipt", "K01-000123", NOW, printed=False),
                    Printout(3, "slip", REFERENCE, NOW, printed=True),
                ),
                StaffNotice.REPRINTED,
            ),
            StaffPrintouts(()),
        ],
        StaffPending: [
            StaffPending((payment(),), (outbox_item(Delivery.QUEUED),), (), StaffNotice.SENDING),
            StaffPending((), (), ()),
        ],
        StaffDayReport: [StaffDayReport(DAY_REPORT), StaffDayReport(DAY_REPORT, StaffNotice.REPORT_PRINTED)],
        StaffLeave: [StaffLeave()],
        StaffCalled: [StaffCalled()],
        IdleWarning: [IdleWarning(17), IdleWarning(1)],
        PrintPreview: [PrintPreview(Path("/tmp/receipt.png"))],
        EnterCode: [
            EnterCode(units=UNITS),  # the kiosk's units to choose from
            EnterCode(),  # a kiosk that offers none: the keyboard at once
            EnterCode(typing_unit=True, units=UNITS),
            EnterCode("PA02D", typing_unit=True, units=UNITS),
            EnterCode("PZ", typing_unit=True, units=UNITS),  # not the start of any unit code
            EnterCode("PC05CC", units=UNITS),
            EnterCode("PA02DH", typing_unit=True, units=UNITS),  # a unit the kiosk does not name
            EnterCode("PE0100", "012", units=UNITS),
            EnterCode("PE0100", CODE[6:], units=UNITS),
            EnterCode("PE0100", "", purpose=Feature.OUTAGES),
        ],
        Loading: [Loading(what, CODE) for what in Waiting],
        LookupFailed: [
            LookupFailed(problem, CODE, can_retry=problem in (LookupProblem.UNREACHABLE, LookupProblem.BUSY))
            for problem in LookupProblem
        ],
        AccountOverview: [
            AccountOverview(CUSTOMER, UNPAID),
            AccountOverview(
                CUSTOMER, BillList(customer_code=CODE, bills=[bill(10, 1_234_000)], total_due=1_234_000)
            ),
            AccountOverview(
                CUSTOMER,
                BillList(
                    customer_code=CODE, bills=[bill(10, 1_234_000, "pending_payment")], total_due=1_234_000
                ),
            ),
            AccountOverview(CUSTOMER, BillList(customer_code=CODE, bills=[], total_due=0)),
        ],
        BillDetail: [
            BillDetail(CUSTOMER, UNPAID.bills[1], None),
            BillDetail(CUSTOMER, UNPAID.bills[0], None),
            BillDetail(CUSTOMER, PAID[0], None),
            BillDetail(CUSTOMER, bill(10, 1_234_000, "pending_payment"), None),
        ],
        PaidHistory: [PaidHistory(CUSTOMER, PAID), PaidHistory(CUSTOMER, ())],
        ConsumptionHistory: [
            ConsumptionHistory(CUSTOMER, consumption(), None),
            ConsumptionHistory(
                CUSTOMER, Consumption(customer_code=CODE, granularity="month", points=[]), None
            ),
        ],
        ChooseBills: [
            ChooseBills(CUSTOMER, UNPAID, 2),
            ChooseBills(CUSTOMER, UNPAID, 1),
            ChooseBills(CUSTOMER, UNPAID, 0),
        ],
        BillNoticePrinted: [BillNoticePrinted(CODE)],
        ChooseMethod: [
            ChooseMethod(CUSTOMER, tuple(UNPAID.bills), METHODS),
            ChooseMethod(CUSTOMER, tuple(UNPAID.bills), ()),
        ],
        PayByQr: [
            PayByQr(CUSTOMER, payment(), 14 * 60 + 32),
            PayByQr(CUSTOMER, payment(), 0, checking=True),
            PayByQr(CUSTOMER, payment(payload_kind="provider_qr"), 14 * 60 + 32),
        ],
        PaymentReceived: [
            PaymentReceived(payment(PaymentState.CONFIRMED), progress) for progress in ReceiptProgress
        ],
        PaymentStopped: [PaymentStopped(why, CUSTOMER) for why in PaymentEnd],
        ChooseService: [ChooseService(SERVICES), ChooseService(())],
        ServiceIntro: [ServiceIntro(NEW_CONNECTION), ServiceIntro(RELOCATION)],
        IdConsent: [IdConsent(RequestForm(NEW_CONNECTION))],
        ScanIdCard: [ScanIdCard(RequestForm(NEW_CONNECTION), problem) for problem in (None, *IdCardProblem)],
        FillField: [
            FillField(request_form, 0, FULL_NAME[:-2]),
            FillField(request_form, 0, FULL_NAME),  # from the card
            FillField(request_form, field_index(NEW_CONNECTION, "id_number"), ID_NUMBER[:8]),
            FillField(request_form, field_index(NEW_CONNECTION, "phone"), PHONE, FieldProblem.INVALID_PHONE),
            FillField(
                request_form, field_index(NEW_CONNECTION, "date"), "31022026", FieldProblem.INVALID_DATE
            ),
            FillField(request_form, field_index(NEW_CONNECTION, "choice"), ""),
            FillField(
                request_form, field_index(NEW_CONNECTION, "household_count"), "99", FieldProblem.OUT_OF_RANGE
            ),
            FillField(chosen, yes_no, "yes", reviewing=True),
            FillField(request_form, place_of_use, ""),
            FillField(
                RequestForm(NEW_CONNECTION), field_index(NEW_CONNECTION, "text"), "", FieldProblem.REQUIRED
            ),
            FillField(
                RequestForm(RELOCATION),
                next(i for i, f in enumerate(RELOCATION.fields) if not f.required),
                "",
            ),
        ],
        ReviewRequest: [
            ReviewRequest(request_form),
            ReviewRequest(RequestForm(RELOCATION, customer_code=CODE)),
        ],
        ConfirmOtp: [
            ConfirmOtp(request_form, "otp_1", "098*****21", "", 0.0, 300.0, 5, problem)
            for problem in (None, *OtpProblem)
        ],
        RequestSubmitted: [
            *(
                RequestSubmitted(NEW_CONNECTION, outbox_item(Delivery.DELIVERED), slip)
                for slip in SlipProgress
            ),
            RequestSubmitted(NEW_CONNECTION, outbox_item(Delivery.QUEUED), SlipProgress.PRINTED),
        ],
        RequestRefused: [RequestRefused(NEW_CONNECTION, "invalid_fields")],
        TrackRequest: [
            TrackRequest(),
            TrackRequest("YCA7K3"),
            TrackRequest("YCA7K3M9Q3", TrackProblem.NOT_FOUND),
            TrackRequest("", TrackProblem.NOT_A_SLIP),
        ],
        RequestStatus: [
            *(RequestStatus(TRACKING, service_request(s), NEW_CONNECTION) for s in typing.get_args(Progress)),
            RequestStatus(TRACKING, service_request("received"), None),
            RequestStatus(REFERENCE, None, NEW_CONNECTION),
            RequestStatus(REFERENCE, None, NEW_CONNECTION, refused=True),
        ],
        OutageStart: [OutageStart()],
        DangerHotline: [
            DangerHotline(HOTLINE),
            DangerHotline(None),
            DangerHotline(HOTLINE, CODE),
            *(DangerHotline(HOTLINE, CODE, outbox_item(d, OutboxKind.OUTAGE_REPORT)) for d in Delivery),
        ],
        OutageOverview: [
            OutageOverview(CUSTOMER, (NOW_OUTAGE, PLANNED_OUTAGE), reporting=True),
            OutageOverview(CUSTOMER, (PLANNED_OUTAGE,), reporting=True),
            OutageOverview(CUSTOMER, (NOW_OUTAGE, PLANNED_OUTAGE), reporting=False),
            OutageOverview(CUSTOMER, (PLANNED_OUTAGE,), reporting=False, printed=True),
            OutageOverview(CUSTOMER, (), reporting=False, printed=False),
        ],
        ReportOutage: [ReportOutage(CUSTOMER, (NOW_OUTAGE,)), ReportOutage(CUSTOMER, ())],
        OutageReported: [
            OutageReported(
                CUSTOMER,
                "my_house",
                outbox_item(d, OutboxKind.OUTAGE_REPORT),
                NOW_OUTAGE if d is Delivery.DELIVERED else None,
            )
            for d in Delivery
        ],
    }


STATES = states()
CASES = [(state, language) for examples in STATES.values() for state in examples for language in LANGUAGES]


def _id(case: tuple[ScreenState, Language]) -> str:
    state, language = case
    return f"{type(state).__name__}-{language}"


@pytest.fixture(scope="module")
def translators() -> dict[Language, Translator]:
    return {language: Translator.load(language=language) for language in LANGUAGES}


def test_every_screen_state_has_examples() -> None:
    """A new screen state fails here until it has examples, and so a spoken text that is checked."""
    assert set(typing.get_args(ScreenState)) == set(STATES)
    assert all(STATES.values())


# ---------------------------------------------------------------------------------------------- the buttons
def _frame(tr: Translator) -> set[str]:
    return {tr._("frame.call_staff"), tr._("frame.back")}


# The label of (at least one of) the buttons the text must name, as the screen shows it (a count in words, as
# it is said). None: nothing to name. Staff screens: their texts come from the state alone and say where staff
# are, not which button; a list of bills: the rows are the buttons; or the customer is asked to wait.
BUTTONS: dict[type, Callable[[typing.Any, Translator], set[str] | None]] = {
    Home: lambda s, tr: {tr._("home.tile.bills")},
    Fault: lambda s, tr: {tr._("frame.call_staff")},
    StaffPin: lambda s, tr: None,
    StaffHome: lambda s, tr: None,
    StaffPrintouts: lambda s, tr: None,
    StaffPending: lambda s, tr: None,
    StaffDayReport: lambda s, tr: None,
    StaffLeave: lambda s, tr: None,
    StaffCalled: lambda s, tr: {tr._("staff_called.continue")},
    IdleWarning: lambda s, tr: {tr._("idle.more_time")},
    PrintPreview: lambda s, tr: {tr._("print_preview.done")},
    EnterCode: lambda s, tr: (
        {tr._("enter_code.submit")}
        if len(s.unit + s.digits) == 13
        else {tr._("enter_code.other_unit")}
        if s.step is EntryStep.UNIT
        else {tr._("keyboard.backspace")}
        if s.unit[:2] == "PZ"
        else None
    ),
    Loading: lambda s, tr: (
        None if s.what in (Waiting.SENDING_REQUEST, Waiting.SENDING_REPORT) else {tr._("loading.cancel")}
    ),
    LookupFailed: lambda s, tr: {
        tr._("failed.retype"),
        tr._("failed.retry"),
        tr._("failed.home"),
        tr._("frame.call_staff"),
    },
    AccountOverview: lambda s, tr: {
        tr.ngettext("account.pay", len(s.unpaid.bills), n=spoken.number(len(s.unpaid.bills), tr)),
        tr._("account.history"),
    },
    BillDetail: lambda s, tr: _frame(tr),
    PaidHistory: lambda s, tr: _frame(tr) if not s.bills else None,
    ConsumptionHistory: lambda s, tr: {tr._("consumption.show_table"), *_frame(tr)},
    ChooseBills: lambda s, tr: {tr._("choose.continue")} if s.selected else None,
    BillNoticePrinted: lambda s, tr: {tr._("notice_printed.done")},
    ChooseMethod: lambda s, tr: {tr.pick(m.label) for m in s.methods} or {tr._("frame.call_staff")},
    PayByQr: lambda s, tr: None if s.checking else {tr._("pay_qr.cancel")},
    PaymentReceived: lambda s, tr: None if s.receipt is ReceiptProgress.PRINTING else {tr._("paid.done")},
    PaymentStopped: lambda s, tr: {
        tr._("stopped.new_qr"),
        tr._("stopped.try_again"),
        tr._("stopped.home"),
        tr._("frame.call_staff"),
    },
    ChooseService: lambda s, tr: {tr.pick(x.title) for x in s.services} or _frame(tr),
    ServiceIntro: lambda s, tr: {tr._("intro.start")},
    IdConsent: lambda s, tr: {tr._("consent.scan")},
    ScanIdCard: lambda s, tr: {tr._("scan_id.type")},
    FillField: lambda s, tr: {
        tr._("field.next"),
        tr._("field.skip"),
        tr._("field.yes"),
        tr._("field.same_address"),
        *(tr.pick(o.label) for o in s.form.service.fields[s.index].options),
    },
    ReviewRequest: lambda s, tr: {tr._("review.confirm")},
    ConfirmOtp: lambda s, tr: (
        {tr._("otp.confirm"), tr._("otp.resend")}
        if s.problem is not OtpProblem.TOO_SOON
        else {tr._("otp.confirm")}
    ),
    RequestSubmitted: lambda s, tr: {tr._("submitted.done")},
    RequestRefused: lambda s, tr: {tr._("refused.home")},
    TrackRequest: lambda s, tr: {tr._("track_request.submit")},
    RequestStatus: lambda s, tr: {tr._("request_status.done")},
    OutageStart: lambda s, tr: {tr._("outage_start.danger")},
    DangerHotline: lambda s, tr: {tr._("danger.report"), tr._("danger.done")},
    OutageOverview: lambda s, tr: {tr._("outages.report")},
    ReportOutage: lambda s, tr: {tr._("report_outage.danger"), tr._("report_outage.my_house")},
    OutageReported: lambda s, tr: {tr._("outage_reported.done")},
}


def test_the_button_table_covers_every_screen_state() -> None:
    assert set(BUTTONS) == set(typing.get_args(ScreenState))


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_it_names_a_button_of_the_screen_by_its_label(
    case: tuple[ScreenState, Language], translators: dict[Language, Translator]
) -> None:
    state, language = case
    tr = translators[language]
    labels = BUTTONS[type(state)](state, tr)
    if labels is None:
        return
    text = guidance(state, tr)
    assert any(label in text for label in labels), (text, labels)


# ---------------------------------------------------------------------------------------------- the words
AMOUNTS: dict[type, Callable[[typing.Any], int | None]] = {
    AccountOverview: lambda s: s.unpaid.total_due if s.unpaid.bills else None,
    BillDetail: lambda s: s.bill.total,
    PaidHistory: lambda s: s.bills[0].total if s.bills else None,
    ChooseBills: lambda s: sum(b.total for b in s.unpaid.bills[: s.selected]) if s.selected else None,
    ChooseMethod: lambda s: sum(b.total for b in s.bills),
    PayByQr: lambda s: s.payment.amount,
    PaymentReceived: lambda s: s.payment.amount,
    StaffDayReport: lambda s: s.report.paid_amount,
}
_SEPARATED_DIGITS = re.compile(r"\d[.,\u00a0\u202f ]\d{3}")
_MSGID = re.compile(r"\b[a-z_]+\.[a-z_]+(\.[a-z_]+)*\b")


def _spelled(text: str) -> str:
    """The text with the pauses between spelled groups taken out, to find a number spelled across groups."""
    return re.sub(r"\s+", " ", text.replace(",", " "))


def _digit_runs(secret: str, tr: Translator, length: int = 5) -> list[str]:
    digits = "".join(c for c in secret if c.isdigit())
    return [spoken.digits(digits[i : i + length], tr) for i in range(len(digits) - length + 1)]


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_a_short_translated_text_with_amounts_in_words(
    case: tuple[ScreenState, Language], translators: dict[Language, Translator]
) -> None:
    state, language = case
    tr = translators[language]
    text = guidance(state, tr)
    assert text.strip()
    assert not _MSGID.search(text), "an untranslated catalog key is spoken"
    assert not re.search(r"[{}]", text), "a placeholder was left unfilled"
    assert not _SEPARATED_DIGITS.search(text), "a figure is left for the speech engine to read"
    assert not re.search(r"₫|\bVND\b|\bVNĐ\b|kWh", text)
    # One to three sentences for a customer; a staff screen may add the printer and the central.
    assert len(re.findall(r"[.!?](\s|$)", text)) <= (5 if type(state).__name__.startswith("Staff") else 4), (
        text
    )
    amount = AMOUNTS.get(type(state), lambda s: None)(state)
    if amount is not None:
        assert spoken.money(amount, tr) in text
        assert tr.money(amount) not in text


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_no_name_id_number_address_or_whole_phone_is_said(
    case: tuple[ScreenState, Language], translators: dict[Language, Translator]
) -> None:
    state, language = case
    tr = translators[language]
    text = guidance(state, tr)
    for secret in (FULL_NAME, PHONE, ID_NUMBER, ADDRESS, "Ngõ Huế", *NAME_WORDS):
        assert secret.casefold() not in text.casefold()
    heard = _spelled(text)
    for run in _digit_runs(PHONE, tr) + _digit_runs(ID_NUMBER, tr):
        assert run not in heard, f"{run!r} of a phone or ID number is said"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_payment_qr_says_the_amount_the_recipient_the_time_left_and_cancel(
    language: Language, translators: dict[Language, Translator]
) -> None:
    tr = translators[language]
    text = guidance(PayByQr(CUSTOMER, payment(), 14 * 60 + 32), tr)
    expected_amount = {
        "vi": "một triệu bảy trăm bốn mươi sáu nghìn ba trăm đồng",
        "en": "one million seven hundred and forty-six thousand three hundred dong",
    }[language]
    assert expected_amount in text
    assert (CORPORATION.name.vi if language == "vi" else CORPORATION.name.en) in text
    assert {"vi": "mười lăm phút", "en": "fifteen minutes"}[language] in text
    assert tr._("pay_qr.cancel") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_payment_qr_says_who_can_scan_it_any_app_for_a_vietqr_only_the_wallet_for_its_own_code(
    language: Language, translators: dict[Language, Translator]
) -> None:
    tr = translators[language]
    vietqr = guidance(PayByQr(CUSTOMER, payment(), 600), tr)
    wallet = guidance(PayByQr(CUSTOMER, payment(payload_kind="provider_qr"), 600), tr)
    assert tr._("say.pay_qr.any_app", apps=", ".join(VIETQR_APP_EXAMPLES)) in vietqr
    assert "Agribank" in vietqr
    method = "Ví Demo" if language == "vi" else "Demo wallet"
    assert tr._("say.pay_qr.steps_only_app", method=method) in wallet
    assert "Agribank" not in wallet  # no app but the wallet's is named over the wallet's own code
    assert method not in vietqr


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_id_card_says_why_and_to_type_or_ask_staff_not_to_scan_again(
    language: Language, translators: dict[Language, Translator]
) -> None:
    tr = translators[language]
    refused = guidance(ScanIdCard(RequestForm(NEW_CONNECTION), IdCardProblem.ID_NUMBER_LENGTH), tr)
    assert tr._("say.scan_id.id_number_length") in refused
    assert tr._("frame.call_staff") in refused
    assert tr._("say.scan_id") not in refused  # scanning this card again would give the same answer
    other = guidance(ScanIdCard(RequestForm(NEW_CONNECTION), IdCardProblem.NOT_AN_ID_CARD), tr)
    assert tr._("say.scan_id") in other  # another QR was shown: show the card's back


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_submitted_request_spells_its_tracking_code_to_write_down(
    language: Language, translators: dict[Language, Translator]
) -> None:
    tr = translators[language]
    text = guidance(
        RequestSubmitted(NEW_CONNECTION, outbox_item(Delivery.DELIVERED), SlipProgress.PRINTED), tr
    )
    expected = {
        "vi": "i dài xê a, bảy ca ba, em-mờ chín quy hai",
        "en": "Y C A, seven K three, M nine Q two",
    }[language]
    assert expected in text
    assert tr.pick(NEW_CONNECTION.title) in text
    assert {"vi": "năm ngày làm việc", "en": "five working days"}[language] in text


def test_the_otp_screen_says_only_the_end_of_the_masked_phone(
    translators: dict[Language, Translator],
) -> None:
    tr = translators["vi"]
    text = guidance(ConfirmOtp(form(), "otp_1", "098*****21", "", 0.0, 300.0, 5), tr)
    assert "có đuôi hai một" in text
    assert "không chín tám" not in text


def test_the_review_says_only_the_last_digits_the_screen_shows(
    translators: dict[Language, Translator],
) -> None:
    tr = translators["en"]
    text = guidance(ReviewRequest(form()), tr)
    assert "ending in three two one" in text


def test_a_bill_with_a_payment_in_flight_is_never_called_overdue(
    translators: dict[Language, Translator],
) -> None:
    tr = translators["vi"]
    pending = BillList(
        customer_code=CODE,
        bills=[bill(9, 512_300, "overdue"), bill(10, 1_234_000, "pending_payment")],
        total_due=0,
    )
    text = guidance(AccountOverview(CUSTOMER, pending), tr)
    assert "quá hạn" not in text
    assert "chờ xác nhận" in text


def test_the_code_screen_names_the_kiosks_units_and_reads_back_what_was_typed(
    translators: dict[Language, Translator],
) -> None:
    tr = translators["vi"]
    choosing = guidance(EnterCode(units=UNITS), tr)
    assert "Điện lực Sài Gòn" in choosing
    assert "Điện lực Hội An" in choosing
    assert tr._("enter_code.other_unit") in choosing
    assert spoken.customer_code("PA02D", tr) in guidance(
        EnterCode("PA02D", typing_unit=True, units=UNITS), tr
    )
    assert "Điện lực Hội An" in guidance(EnterCode("PC05CC", units=UNITS), tr)
    typed = guidance(EnterCode("PC05CC", "0123456", units=UNITS), tr)
    assert spoken.customer_code("PC05CC0123456", tr) in typed


def test_the_residence_is_offered_aloud_for_the_place_of_use(translators: dict[Language, Translator]) -> None:
    tr = translators["vi"]
    index = next(i for i, f in enumerate(NEW_CONNECTION.fields) if f.name == "installation_address")
    lived = form().answered("address", "12 Lý Tự Trọng, Huế")
    button = tr._("field.same_address")
    assert button in guidance(FillField(lived, index, ""), tr)
    assert button not in guidance(FillField(lived, index, "12 Lý Tự Trọng, Huế"), tr)  # already the answer
    assert button not in guidance(FillField(RequestForm(NEW_CONNECTION), index, ""), tr)  # no residence given
    assert "Lý Tự Trọng" not in guidance(FillField(lived, index, ""), tr)  # the address is not read out


def test_what_was_typed_into_a_form_is_not_read_back(translators: dict[Language, Translator]) -> None:
    tr = translators["vi"]
    index = field_index(NEW_CONNECTION, "id_number")
    text = guidance(FillField(form(), index, ID_NUMBER), tr)
    assert spoken.digits(ID_NUMBER[-4:], tr) not in _spelled(text)


def test_the_language_follows_the_translator(translators: dict[Language, Translator]) -> None:
    vi, en = (guidance(Home(), translators[lang]) for lang in ("vi", "en"))
    assert "quý khách" in vi
    assert "Welcome" in en
    assert vi != en


def test_say_messages_have_no_figures_for_the_engine_to_read(translators: dict[Language, Translator]) -> None:
    """Numbers come into the spoken messages as words; a digit in a catalog text would be read by the engine."""
    keys = [key for key in extract(source_files()) if key.startswith("say.")]
    assert keys
    for tr in translators.values():
        for key in keys:
            assert tr.has(key), key
            assert not re.search(r"\d", tr._(key)), (key, tr._(key))
