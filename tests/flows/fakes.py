"""A fake central for the flow tests (tests/flows/), and the models it answers with.

The bill lookup and the outages read the same account calls (``customer``, and the lookup's progress and
failure screens, which the outages borrow), so one fake serves both ports (``AccountSource`` and
``OutageSource``) and the courier's ``RequestCentral`` for outage reports. Every answer is a value or a
:class:`~kiosk.central.errors.CentralError` to raise; every call is recorded; any call can be held until the
test releases it, so a test can move the customer while the kiosk waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from kiosk.central.errors import CentralError
from kiosk.central.models import (
    Bill,
    BillFilter,
    BillList,
    BillPaymentQr,
    BillSegment,
    BillStatus,
    Consumption,
    ConsumptionPoint,
    Corporation,
    Customer,
    DistrictUnit,
    FieldValue,
    Granularity,
    Label,
    Meter,
    Outage,
    OutageList,
    OutageReport,
    OutageReportKind,
    Recipient,
    ServiceRequest,
    Tariffs,
    TariffSchedule,
    TariffTier,
    TierLine,
    VatLine,
    VatPeriod,
)

T = TypeVar("T")

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
TODAY = date(2026, 11, 23)
CODE = "PE01000123456"
CORPORATION_HOTLINE = "19005454"


# ---------------------------------------------------------------------------------------------- models
def customer(code: str = CODE, *, remote_read: bool = False) -> Customer:
    return Customer(
        code=code,
        name="Nguyễn T** H****",
        address="12 Lý T** T****",
        phone=None,
        corporation=Corporation(
            code="EVNHCMC", name=Label(vi="Tổng công ty Điện lực TP.HCM", en="Ho Chi Minh City Power Corporation"),
            hotline=CORPORATION_HOTLINE,
        ),
        district_unit=DistrictUnit(code="PE0100", name=Label(vi="Điện lực Sài Gòn", en="Sai Gon Power Company")),
        tariff_type="residential",
        households=1,
        meter=Meter(serial="M-0001", multiplier=1, remote_read=remote_read),
    )  # fmt: skip


def bill(bill_id: str, period_end: date, *, status: BillStatus = "unpaid", code: str = CODE) -> Bill:
    """A month's bill whose lines add up (50 kWh in each of two tiers, 8% VAT); its period runs from the
    previous reading date, 30 days before, to the reading date, as EVN's do."""
    start = period_end - timedelta(days=30)
    tiers = [
        TierLine(tier=1, kwh=50, unit_price=1984, amount=99_200, limit_kwh=50, segment_start=start,
                 segment_end=period_end),
        TierLine(tier=2, kwh=50, unit_price=2050, amount=102_500, limit_kwh=50, segment_start=start,
                 segment_end=period_end),
    ]  # fmt: skip
    subtotal = sum(t.amount for t in tiers)
    vat = subtotal * 8 // 100
    return Bill(
        id=bill_id,
        customer_code=code,
        period_start=start,
        period_end=period_end,
        days=30,
        meter_serial="M-0001",
        opening_index=1000,
        closing_index=1100,
        multiplier=1,
        kwh=100,
        households=1,
        tiers=tiers,
        segments=[
            BillSegment(start=start, end=period_end, days=30, kwh=100, decision="2699/QĐ-BCT", vat_rate=0.08)
        ],
        subtotal=subtotal,
        vat_rate=0.08,
        vat_lines=[VatLine(rate=0.08, base=subtotal, amount=vat)],
        vat_amount=vat,
        total=subtotal + vat,
        due_date=period_end + timedelta(days=15),
        invoice_serial="1K26TAA",
        invoice_number=bill_id,
        status=status,
        paid_at=datetime.combine(period_end + timedelta(days=5), datetime.min.time(), UTC)
        if status == "paid"
        else None,
        pending_payment_id=None,
    )


def bills(*items: Bill, code: str = CODE) -> BillList:
    return BillList(
        customer_code=code,
        bills=list(items),
        total_due=sum(b.total for b in items if b.status != "paid"),
    )


def consumption(granularity: Granularity, code: str = CODE) -> Consumption:
    point = ConsumptionPoint(start=date(2026, 10, 1), end=date(2026, 10, 31), kwh=100, label=granularity)
    return Consumption(customer_code=code, granularity=granularity, points=[point])


def tariffs() -> Tariffs:
    tiers = [TariffTier(up_to_kwh=50, unit_price=1984), TariffTier(up_to_kwh=None, unit_price=2050)]
    return Tariffs(
        residential=[TariffSchedule(effective_from=date(2025, 5, 10), decision="1279/QĐ-BCT", tiers=tiers)],
        vat=[VatPeriod(effective_from=date(2025, 7, 1), rate=0.08, basis="NQ 204/2025/QH15")],
        proration="by_days",
    )


def bill_qr(of: Bill) -> BillPaymentQr:
    return BillPaymentQr(
        bill_id=of.id,
        customer_code=of.customer_code,
        amount=of.total,
        reference=f"EVN {of.id}",
        qr_payload="000201010212",  # the flow hands it on unread; the notice printer checks it
        recipient=Recipient(bank_bin="970436", account_number="0071000000001", account_name="EVNHCMC"),
    )


def outage(name: str, start: timedelta, hours: float, kind: str = "planned") -> Outage:
    return Outage.model_validate(
        {
            "id": name,
            "kind": kind,
            "district_unit": "PE0100",
            "area": {"vi": f"Khu {name}", "en": f"Area {name}"},
            "reason": {"vi": f"Lý do {name}", "en": f"Reason {name}"},
            "start_at": NOW + start,
            "expected_end_at": NOW + start + timedelta(hours=hours),
            "status": "scheduled",
        }
    )


# ---------------------------------------------------------------------------------------------- the central
@dataclass
class _Hold:
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class FakeCentral:
    """Answers each call from ``answers``, keyed by call: ``customer``, ``bills unpaid``, ``bills all``,
    ``consumption month``, ``consumption day``, ``tariffs``, ``bill_payment_qr``, ``outages``,
    ``report_outage`` (a missing ``report_outage`` is accepted). ``calls`` records each call with its
    arguments, in the order they were made."""

    answers: dict[str, object] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    _holds: dict[str, _Hold] = field(default_factory=dict)

    def hold(self, key: str) -> None:
        """The next ``key`` calls wait until :meth:`release`."""
        self._holds[key] = _Hold()

    async def reached(self, key: str) -> None:
        """Until a held ``key`` call is waiting: the flow is then showing whatever it shows while it waits."""
        await self._holds[key].reached.wait()

    def release(self, key: str) -> None:
        self._holds[key].released.set()

    async def _answer(self, key: str, call: str, kind: type[T]) -> T:
        self.calls.append(call)
        hold = self._holds.get(key)
        if hold is not None:
            hold.reached.set()
            await hold.released.wait()
        answer = self.answers[key]
        if isinstance(answer, CentralError):
            raise answer
        assert isinstance(answer, kind), (key, answer)
        return answer

    # ------------------------------------------------------------------ AccountSource, OutageSource
    async def customer(self, code: str) -> Customer:
        return await self._answer("customer", f"customer {code}", Customer)

    async def bills(self, code: str, status: BillFilter = "unpaid") -> BillList:
        return await self._answer(f"bills {status}", f"bills {code} {status}", BillList)

    async def consumption(self, code: str, granularity: Granularity = "month") -> Consumption:
        return await self._answer(
            f"consumption {granularity}", f"consumption {code} {granularity}", Consumption
        )

    async def tariffs(self) -> Tariffs:
        return await self._answer("tariffs", "tariffs", Tariffs)

    async def bill_payment_qr(self, bill_id: str) -> BillPaymentQr:
        return await self._answer("bill_payment_qr", f"bill_payment_qr {bill_id}", BillPaymentQr)

    async def outages(self, customer_code: str) -> OutageList:
        return await self._answer("outages", f"outages {customer_code}", OutageList)

    # ------------------------------------------------------------------ RequestCentral (the courier's)
    async def report_outage(
        self,
        customer_code: str,
        kind: OutageReportKind,
        description: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> OutageReport:
        self.answers.setdefault(
            "report_outage",
            OutageReport(
                id="OR-1",
                client_reference=client_reference,
                customer_code=customer_code,
                kind=kind,
                created_at=NOW,
                emergency_hotline="19001006",
                fire_hotline="114",
                emergency=kind == "danger",
            ),
        )
        call = f"report_outage {customer_code} {kind} {description!r}"
        return await self._answer("report_outage", call, OutageReport)

    async def submit_request(
        self,
        service_code: str,
        customer_code: str | None,
        fields: Mapping[str, FieldValue],
        otp_id: str,
        otp_code: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> ServiceRequest:
        raise AssertionError("the outage flow submitted a service request")
