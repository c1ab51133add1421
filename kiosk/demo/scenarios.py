"""The gallery's scenarios: every screen state the kiosk can show, with the demo central's real data: real
customers and bills, payments the demo central made (one paid), a real one-time code and a delivered request,
reports received and kept, and the staff screens over journals filled as a busy morning fills them."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from kiosk.customer.code import UnitChoice
from kiosk.demo.simulator import DemoClient
from kiosk.flows.states import ScreenState
from kiosk.payments.keeper import PaymentKeeper
from kiosk.shell.app import KioskApp


async def gallery_states(kiosk_app: KioskApp, tmp: Path) -> dict[str, ScreenState]:
    """Every gallery scenario by name, with the demo central's real data, made through the kiosk's own client
    (and its own payment journal, so that leaving a QR cancels a payment the kiosk really made)."""
    from kiosk.flows.states.frame import Home, IdleWarning, PrintPreview, StaffCalled

    client = kiosk_app.client
    assert isinstance(client, DemoClient)  # built with the demo's client: it plays the bank and the SMS
    states: dict[str, ScreenState] = {
        "home": Home(),
        "staff-called": StaffCalled(),
        "idle-warning": IdleWarning(17),
        "print-preview": PrintPreview(_sample_printout(kiosk_app)),
    }
    states |= await bill_screen_states(client, kiosk_app.bills.units)
    states |= await payment_screen_states(client, kiosk_app.keeper)
    states |= await request_screen_states(client, tmp)
    states |= await outage_screen_states(client, tmp)
    states |= staff_screen_states(tmp, kiosk_id=kiosk_app.settings.kiosk_id, now=datetime.now(UTC))
    return states


async def bill_screen_states(
    client: DemoClient, units: tuple[UnitChoice, ...] = ()
) -> dict[str, ScreenState]:
    """The bill lookup screens with the demo customers' real data, as the central sends it; ``units``, those the
    kiosk offers on its code screen."""
    from kiosk.flows.bill_lookup import paid_in_last_months
    from kiosk.flows.states.bills import (
        AccountOverview,
        BillDetail,
        BillNoticePrinted,
        ChooseBills,
        ConsumptionHistory,
        EnterCode,
        LookupFailed,
        LookupProblem,
        PaidHistory,
    )
    from kiosk.flows.states.frame import Loading, Waiting

    code = "PE01000123456"
    customer, unpaid, everything = await asyncio.gather(
        client.customer(code), client.bills(code, "unpaid"), client.bills(code, "all")
    )
    tariffs = await client.tariffs()
    monthly = await client.consumption(code, "month")
    paid_up = await client.customer("PB05000456789")
    paid_up_bills = await client.bills(paid_up.code, "unpaid")
    remote = await client.customer("PC03000567890")
    remote_monthly, remote_daily = await asyncio.gather(
        client.consumption(remote.code, "month"), client.consumption(remote.code, "day")
    )
    split = next(b for b in everything.bills if len(b.segments) > 1)
    today = unpaid.bills[-1].period_end
    # Each reason a lookup fails has its own words and next step.
    failures: dict[str, ScreenState] = {
        f"lookup-failed-{problem.value.replace('_', '-')}": LookupFailed(
            problem,
            None if problem in (LookupProblem.NOT_A_BILL, LookupProblem.ID_CARD) else code,
            can_retry=problem
            in (
                LookupProblem.UNREACHABLE,
                LookupProblem.BAD_ANSWER,
                LookupProblem.BUSY,
                LookupProblem.PRINT_FAILED,
            ),
        )
        for problem in LookupProblem
    }
    return failures | {
        # The code screen's three steps: the unit with one tap, another unit's code typed, the 7 digits.
        "enter-code-units": EnterCode(units=units),
        "enter-code-other-unit": EnterCode("PA02D", typing_unit=True, units=units),
        "enter-code": EnterCode("PC05CC", "0789", units=units),
        "loading": Loading(Waiting.ACCOUNT, code),
        "account": AccountOverview(customer, unpaid),
        "account-nothing-due": AccountOverview(paid_up, paid_up_bills),
        # The newest unpaid bill: "Pay this bill" pays the older ones with it, and says so.
        "bill-detail": BillDetail(customer, unpaid.bills[-1], tariffs, payable=len(unpaid.bills)),
        "bill-detail-oldest": BillDetail(customer, unpaid.bills[0], tariffs, payable=1),
        "bill-detail-price-change": BillDetail(customer, split, tariffs),
        "paid-history": PaidHistory(customer, paid_in_last_months(everything, today)),
        "consumption": ConsumptionHistory(customer, monthly, None),
        "consumption-daily": ConsumptionHistory(remote, remote_monthly, remote_daily),
        "choose-bills": ChooseBills(customer, unpaid, selected=2),
        "bill-notice-printed": BillNoticePrinted(code),
    }


async def payment_screen_states(client: DemoClient, keeper: PaymentKeeper) -> dict[str, ScreenState]:
    """The payment screens with real payments the demo central made through the kiosk's own keeper (and, for
    "received", was paid). The demo central makes VietQR codes only, so the kiosk never asks which code; the
    choice is shown as a central offering a provider's own code would have it (a made-up wallet: no real
    wallet's name over a code that is not its own)."""
    from kiosk.central.models import Label, PaymentMethodInfo
    from kiosk.flows.states.payment import (
        ChooseMethod,
        PayByQr,
        PaymentEnd,
        PaymentReceived,
        PaymentStopped,
        ReceiptProgress,
    )
    from kiosk.payments.keeper import order_for

    code = "PE01000123456"
    customer, unpaid, methods = await asyncio.gather(
        client.customer(code), client.bills(code, "unpaid"), client.payment_methods()
    )
    bills = tuple(unpaid.bills[:2])
    shown = await keeper.open(order_for(customer, bills, methods.methods[0], "vi"))
    keeper.detach(shown.id)  # no flow follows it: the kiosk's reconciler may settle it
    other = await client.customer("PA12000345678")
    paid_bills = (await client.bills(other.code, "unpaid")).bills
    paid = await keeper.open(order_for(other, paid_bills, methods.methods[0], "vi"))
    await client.sim_bank_transfer(paid.reference or "", paid.amount)
    paid = await keeper.refresh(paid.id)
    keeper.detach(paid.id)
    stopped: dict[str, ScreenState] = {
        f"payment-{why.value.replace('_', '-')}": PaymentStopped(why, customer) for why in PaymentEnd
    }
    return stopped | {
        "choose-method": ChooseMethod(
            customer,
            tuple(unpaid.bills),
            (
                *methods.methods,
                PaymentMethodInfo(
                    method="demo_wallet",
                    label=Label(vi="Ví DemoPay", en="DemoPay wallet"),
                    payload_kind="provider_qr",
                ),
            ),
        ),
        "choose-method-none": ChooseMethod(customer, tuple(unpaid.bills), ()),
        "pay-by-qr": PayByQr(customer, shown, seconds_left=14 * 60 + 32),
        "pay-by-qr-checking": PayByQr(customer, shown, seconds_left=0, checking=True),
        "pay-by-qr-ask-cancel": PayByQr(customer, shown, seconds_left=14 * 60 + 20, asking_cancel=True),
        "payment-received": PaymentReceived(paid, ReceiptProgress.PRINTED),
        "payment-received-for-staff": PaymentReceived(paid, ReceiptProgress.FOR_STAFF),
    }


async def request_screen_states(client: DemoClient, tmp: Path) -> dict[str, ScreenState]:
    """The service request screens with the central's own catalogue, a real one-time code and a real delivery."""
    import time
    from dataclasses import replace

    from kiosk.customer.citizen_id import CitizenCard, IdCardProblem
    from kiosk.customer.masking import mask_phone
    from kiosk.flows.states.frame import Loading, Waiting
    from kiosk.flows.states.requests import (
        ChooseService,
        CodeWait,
        ConfirmOtp,
        FillField,
        IdConsent,
        OtpProblem,
        RequestRefused,
        RequestSubmitted,
        ReviewRequest,
        ScanIdCard,
        ServiceIntro,
        SlipProgress,
    )
    from kiosk.requests.courier import Courier
    from kiosk.requests.form import FieldProblem, RequestForm
    from kiosk.requests.outbox import Outbox
    from kiosk.requests.records import SEND_BY, OutboxKind, service_request_payload

    services = tuple(sorted((await client.services()).services, key=lambda s: s.number))
    otp = await client.send_otp("service_request", phone="0912345678")
    sms = await client.sim_otp(otp.id)
    verified = await client.verify_otp(otp.id, sms.code)
    service = next(s for s in services if s.code == "new_connection_lv")
    card = CitizenCard(
        "079088001234",
        "Nguyễn Thị Hương",
        date(1988, 4, 15),
        "female",
        "12 Lý Tự Trọng, TP Hồ Chí Minh",
        date(2021, 5, 20),
    )
    form = RequestForm(service).prefilled(card)
    for spec in service.fields:
        if not form.answer(spec.name):
            value = {
                "phone": "0912345678",
                "choice": spec.options[0].value if spec.options else "",
                "yes_no": "yes",
                "number": str(spec.min_value or 1),
                "household_count": "2",
                "date": "15122026",
            }.get(spec.type, "Xóm 3, Định Hóa, Thái Nguyên")
            form = form.answered(spec.name, value)
    outbox = Outbox(tmp / "screenshot-outbox.sqlite3")
    payload = service_request_payload(service.code, None, form.wire_fields(), otp.id, sms.code)
    summary = {
        "service_code": service.code,
        "customer_code": "",
        "language": "vi",
        SEND_BY: verified.valid_until.isoformat(),
    }
    delivered = await Courier(client, outbox).deliver(
        outbox.add(OutboxKind.SERVICE_REQUEST, payload, summary).id
    )
    queued = outbox.add(OutboxKind.SERVICE_REQUEST, payload, summary)
    outbox.close()
    index = {spec.type: i for i, spec in reversed(list(enumerate(service.fields)))}
    blank = RequestForm(service)
    dated = next(s for s in services if any(f.type == "date" for f in s.fields))
    now = time.monotonic()
    code = ConfirmOtp(
        form,
        otp.id,
        mask_phone(form.answer("phone") or otp.phone),  # as the flow masks it
        "2025",
        resend_at=now + 42,
        expires_at=now + 290,
        attempts_left=5,
    )
    return {
        "choose-service": ChooseService(services),
        "service-intro": ServiceIntro(service),
        "id-consent": IdConsent(blank),
        "scan-id-card": ScanIdCard(blank),
        "scan-id-card-unreadable": ScanIdCard(blank, IdCardProblem.UNREADABLE),
        "scan-id-card-refused": ScanIdCard(blank, IdCardProblem.ID_NUMBER_LENGTH),
        "fill-field-text": FillField(blank, index["text"], "Nguyễn Thị Hư"),
        "fill-field-from-card": FillField(form, index["address"], form.answer("address")),
        # The place of use, the residence read from the card offered as one tap.
        "fill-field-place-of-use": FillField(
            RequestForm(service).prefilled(card),
            next(i for i, f in enumerate(service.fields) if f.name == "installation_address"),
            "",
        ),
        "fill-field-digits": FillField(blank, index["id_number"], "07908800"),
        "fill-field-passport": FillField(
            blank.answered("full_name", "John Smith").answered("id_type", "passport_foreign"),
            index["id_number"],
            "X1234",
        ),
        "fill-field-date-problem": FillField(
            RequestForm(dated),
            next(i for i, f in enumerate(dated.fields) if f.type == "date"),
            "31022026",
            problem=FieldProblem.INVALID_DATE,
        ),
        "fill-field-choice": FillField(blank, index["choice"], ""),
        "review-request": ReviewRequest(form),
        "review-request-code-wait": ReviewRequest(form, code_wait=CodeWait(minutes=42, this_phone=True)),
        "confirm-otp": code,
        "confirm-otp-wrong": replace(code, typed="", problem=OtpProblem.WRONG, attempts_left=3),
        "sending-request": Loading(Waiting.SENDING_REQUEST, ""),
        "request-submitted": RequestSubmitted(service, delivered, SlipProgress.PRINTED),
        "request-saved-on-kiosk": RequestSubmitted(service, queued, SlipProgress.PRINTED),
        "request-refused": RequestRefused(service, "invalid_fields"),
    }


async def outage_screen_states(client: DemoClient, tmp: Path) -> dict[str, ScreenState]:
    """The outage and tracking screens with the demo areas' real outages, reports the central really received
    (and one left on the kiosk), and the demo's open service request."""
    from kiosk.flows.outages import in_progress, upcoming
    from kiosk.flows.states.outages import (
        DangerHotline,
        OutageOverview,
        OutageReported,
        OutageStart,
        ReportOutage,
    )
    from kiosk.flows.states.requests import RequestStatus, TrackProblem, TrackRequest
    from kiosk.requests.courier import Courier
    from kiosk.requests.outbox import Outbox
    from kiosk.requests.records import OutboxKind, outage_report_payload

    now = datetime.now(UTC)
    outbox = Outbox(tmp / "screenshot-outage-outbox.sqlite3")

    def report(code: str, kind: str) -> int:
        summary = {"customer_code": code, "kind": kind, "language": "vi"}
        return outbox.add(OutboxKind.OUTAGE_REPORT, outage_report_payload(code, kind, ""), summary).id

    town, mountain, quiet = await asyncio.gather(
        client.customer("PD02000234567"),
        client.customer("PA12000345678"),
        client.customer("PB05000456789"),
    )
    town_list, mountain_list = await asyncio.gather(client.outages(town.code), client.outages(mountain.code))
    request = await client.request_status("YCA7K3M9Q2")
    service = next(s for s in (await client.services()).services if s.code == request.service_code)
    courier = Courier(client, outbox)
    danger = await courier.deliver(report(town.code, "danger"))
    sent = await courier.deliver(report(town.code, "my_house"))
    waiting_danger = outbox.get(report(mountain.code, "danger"))
    waiting = outbox.get(report(mountain.code, "street"))
    outbox.close()
    town_outages = upcoming(town_list.outages, now)
    mountain_outages = upcoming(mountain_list.outages, now)
    known = next(o for o in town_outages if in_progress(o, now))
    town_hotline = town.corporation.hotline
    return {
        "outage-start": OutageStart(),
        "danger-hotline": DangerHotline("1900545454"),
        "danger-no-hotline": DangerHotline(None),
        "danger-sending": DangerHotline(town_hotline, town.code),
        "danger-reported": DangerHotline(town_hotline, town.code, reported=danger),
        "danger-saved-on-kiosk": DangerHotline(
            mountain.corporation.hotline, mountain.code, reported=waiting_danger
        ),
        "outage-overview": OutageOverview(town, town_outages, reporting=True),
        "outage-overview-planned": OutageOverview(mountain, mountain_outages, reporting=False),
        "outage-overview-none": OutageOverview(quiet, (), reporting=True),
        "outage-overview-printed": OutageOverview(mountain, mountain_outages, reporting=False, printed=True),
        "report-outage": ReportOutage(town, town_outages),
        "outage-reported": OutageReported(town, "my_house", sent, known),
        "outage-reported-saved-on-kiosk": OutageReported(mountain, "street", waiting, None),
        "track-request": TrackRequest("YCA7K3"),
        "track-request-not-found": TrackRequest("YCA7K3M9Q3", TrackProblem.NOT_FOUND),
        "request-status": RequestStatus(request.tracking_code, request, service),
        "request-status-saved-on-kiosk": RequestStatus("KQ7M2X9PA4", None, service),
    }


def staff_screen_states(tmp: Path, *, kiosk_id: str, now: datetime) -> dict[str, ScreenState]:
    """The staff screens (and the customer's fault screen) over a payment journal and an outbox filled as a
    busy morning fills them: payments received and still followed, requests sent, waiting and refused. The
    end-of-day report is the real one made from them."""
    from dataclasses import replace
    from datetime import timedelta

    from kiosk import __version__
    from kiosk.flows.states.frame import Fault
    from kiosk.flows.states.staff import (
        StaffDayReport,
        StaffHome,
        StaffLeave,
        StaffNotice,
        StaffPending,
        StaffPin,
        StaffPrintouts,
    )
    from kiosk.payments.journal import PaymentJournal
    from kiosk.payments.receipt import RECEIPT_KIND
    from kiosk.payments.records import Order, OrderBill, ReceiptState
    from kiosk.printing.printer_status import PrinterState
    from kiosk.requests.outbox import Outbox
    from kiosk.requests.records import (
        SEND_BY,
        Delivery,
        OutboxKind,
        outage_report_payload,
        service_request_payload,
    )
    from kiosk.requests.slip import SLIP_KIND
    from kiosk.staff.day_report import VIETNAM, day_report
    from kiosk.staff.health import CentralState, KioskHealth, Printout
    from kiosk.staff.pin_gate import PinCheck, PinVerdict

    morning = now - timedelta(hours=3)
    journal = PaymentJournal(tmp / "screenshot-staff-payments.sqlite3", kiosk_id=kiosk_id)

    def pay(n: int, code: str, amount: int, method: tuple[str, str, str], *, paid: bool) -> int:
        at = morning + timedelta(minutes=17 * n)
        bill = OrderBill(f"{code}-2026-10", date(2026, 10, 1), date(2026, 10, 31), amount // 2500, amount)
        order = Order(
            code,
            "Nguyễn V*** A",
            "Tổng công ty Điện lực",
            "Power Corporation",
            "19001006",
            (bill,),
            *method,
            "vi",
            assisted=n == 2,  # staff helped this customer: the report counts it
            payload_kind="provider_qr" if method[0] == "demo_wallet" else "vietqr",
        )
        row = journal.begin(order, f"screenshot-staff-{n}", at)
        reference = f"TT{code}{('K7M2QX', 'PA4R9T', 'W3HNB8', 'Q2ZC6D', 'M9XT4K', 'H6RV2N')[n]}"
        expires = at + timedelta(minutes=15)
        journal.created(
            row.id,
            payment_id=_sample_payment_id(n),
            reference=reference,
            qr_payload="",
            expires_at=expires,
            ttl_seconds=900,
            now=at,
        )
        if paid:
            journal.status(row.id, "paid", at + timedelta(minutes=2), at + timedelta(minutes=2))
        return row.id

    vietqr = ("vietqr", "Chuyển khoản VietQR", "VietQR transfer")
    # The made-up wallet of the "choose-method" scenario, as a central offering its own code would name it: the
    # report has a line per method.
    wallet = ("demo_wallet", "Ví DemoPay", "DemoPay wallet")
    for n, (code, amount, method) in enumerate(
        (
            ("PE01000123456", 486_200, vietqr),
            ("PA12000345678", 1_254_000, wallet),
            ("PD02000234567", 312_700, vietqr),
        )
    ):
        journal.receipt_done(pay(n, code, amount, method, paid=True), ReceiptState.PRINTED, None, now)
    unprinted = pay(3, "PB05000456789", 742_500, vietqr, paid=True)
    journal.receipt_done(unprinted, ReceiptState.FOR_STAFF, None, now)
    pay(4, "PC03000567890", 205_300, vietqr, paid=False)
    expired = pay(5, "PE01000765432", 158_900, vietqr, paid=False)
    journal.status(expired, "expired", None, morning + timedelta(minutes=100))
    payments = journal.all()
    followed = tuple(journal.to_follow(now))
    journal.close()

    outbox = Outbox(tmp / "screenshot-staff-outbox.sqlite3", clock=lambda: morning)
    request = service_request_payload("new_connection_lv", None, {}, "otp", "000000")

    def submit(code: str, *, report: bool = False) -> int:
        summary = {"customer_code": code, "language": "vi"}
        if report:
            return outbox.add(OutboxKind.OUTAGE_REPORT, outage_report_payload(code, "street", ""), summary).id
        summary["service_code"] = "new_connection_lv"
        summary[SEND_BY] = (morning + timedelta(days=7)).isoformat()
        return outbox.add(OutboxKind.SERVICE_REQUEST, request, summary).id

    outbox.delivered(submit("PE01000123456"), "YCA7K3M9Q2", morning)
    outbox.retry_later(submit("PA12000345678"), "unreachable", now + timedelta(minutes=2))
    waiting = outbox.retry_later(submit("PA12000345678", report=True), "timeout", now + timedelta(minutes=1))
    outbox.retry_later(waiting.id, "unreachable", now + timedelta(minutes=4))
    outbox.refused(submit("PD02000234567"), "invalid_fields")
    items = outbox.all()
    outbox.close()

    health = KioskHealth(
        kiosk_id=kiosk_id,
        version=__version__,
        printer=PrinterState.READY,
        central=CentralState.REACHABLE,
        heartbeat_at=now - timedelta(seconds=40),
        outbox_depth=0,
        pending_payments=0,
        prints_for_staff=0,
        refused_requests=0,
        default_language="vi",
    )
    troubled = replace(
        health,
        printer=PrinterState.PAPER_OUT,
        central=CentralState.UNREACHABLE,
        heartbeat_at=now - timedelta(minutes=26),
        outbox_depth=sum(1 for i in items if i.state is Delivery.QUEUED),
        pending_payments=len(followed),
        prints_for_staff=1,
        refused_requests=sum(1 for i in items if i.state is Delivery.REFUSED),
    )
    # 13 printouts (more than a page), every third a slip: one for each of the 4 submissions.
    slips = iter(items)
    printouts = tuple(
        Printout(
            job_id=40 - i,
            kind=SLIP_KIND if i % 3 == 1 else RECEIPT_KIND,
            # What each paper shows: a slip's tracking code, a receipt's number (as the payment journal makes them).
            reference=next(slips).reference if i % 3 == 1 else f"{kiosk_id}-{now:%y%m%d}-{40 - i:06d}",
            created_at=now - timedelta(minutes=9 * i + 3),
            printed=i not in (0, 4),
        )
        for i in range(13)
    )
    report = day_report(
        now.astimezone(VIETNAM).date(), kiosk_id=kiosk_id, payments=payments, outbox=items, prints=()
    )
    return {
        "something-went-wrong": Fault(),
        "staff-pin": StaffPin(2),
        "staff-pin-wrong": StaffPin(0, PinCheck(PinVerdict.WRONG, tries_before_lockout=8)),
        "staff-pin-wait": StaffPin(3, PinCheck(PinVerdict.WRONG, wait_seconds=30, tries_before_lockout=4)),
        "staff-pin-locked": StaffPin(
            0, PinCheck(PinVerdict.LOCKED, wait_seconds=900, locked_until=now + timedelta(minutes=15))
        ),
        "staff-pin-not-set": StaffPin(0, PinCheck(PinVerdict.NOT_SET)),
        "staff-home": StaffHome(health),
        "staff-home-problems": StaffHome(troubled, StaffNotice.PAPER_STILL_OUT),
        "staff-home-paper-ready": StaffHome(
            replace(troubled, printer=PrinterState.READY, prints_for_staff=0), StaffNotice.PAPER_READY, 3
        ),
        "staff-printouts": StaffPrintouts(printouts, StaffNotice.REPRINTED),
        "staff-printouts-empty": StaffPrintouts(()),
        "staff-pending": StaffPending(
            followed,
            tuple(i for i in items if i.state is Delivery.QUEUED),
            tuple(i for i in items if i.state is Delivery.REFUSED),
            StaffNotice.SENDING,
        ),
        "staff-pending-empty": StaffPending((), (), ()),
        "staff-day-report": StaffDayReport(report),
        "staff-day-report-printed": StaffDayReport(report, StaffNotice.REPORT_PRINTED),
        "staff-leave": StaffLeave(),
    }


def _sample_payment_id(n: int) -> str:
    """A payment id as the central makes them ("pay_" and 16 hex digits), different for each ``n``."""
    return f"pay_{(n + 1) * 0x9E3779B97F4A7C15 % 2**64:016x}"


def _sample_printout(kiosk_app: KioskApp) -> Path:
    """The demo receipt as the preview printer saves it (rendered here directly: no event loop runs)."""
    from kiosk.devices.printer import NOMINAL_DOT_WIDTH
    from kiosk.printing.render import render_image
    from kiosk.printing.samples import sample_documents

    path = kiosk_app.settings.data_dir / "screenshot-receipt.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = sample_documents(kiosk_app.settings.kiosk_id)["payment_receipt"]
    render_image(document, dot_width=NOMINAL_DOT_WIDTH[kiosk_app.settings.printer.width_mm]).save(path)
    return path
