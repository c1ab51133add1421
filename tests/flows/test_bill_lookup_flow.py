"""The lookup flow without widgets: what the central sends decides the next state."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from kiosk.central.models import Bill, BillList, BillPaymentQr, Consumption, Customer, Tariffs
from kiosk.demo.simulator import DemoClient
from kiosk.flows.bill_lookup import BillLookupFlow, NoticeOutcome, paid_in_last_months
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import CustomerSession
from kiosk.flows.states.bills import AccountOverview, LookupFailed, LookupProblem
from kiosk.flows.states.frame import Home
from tests.helpers.central import running_central


class Recorded:
    """The real central's answers, replayed, with one bill's total changed: garbage that parses."""

    def __init__(self, customer: Customer, unpaid: BillList, tariffs: Tariffs) -> None:
        self._customer, self._unpaid, self._tariffs = customer, unpaid, tariffs

    async def customer(self, code: str) -> Customer:
        return self._customer

    async def bills(self, code: str, status: str = "unpaid") -> BillList:
        return self._unpaid

    async def consumption(self, code: str, granularity: str = "month") -> Consumption:
        raise NotImplementedError

    async def tariffs(self) -> Tariffs:
        return self._tariffs

    async def bill_payment_qr(self, bill_id: str) -> BillPaymentQr:
        raise NotImplementedError


async def _no_printer(customer: Customer, bill: Bill, qr: BillPaymentQr) -> NoticeOutcome:
    return NoticeOutcome(printed=False)


async def _recorded(tmp_path: Path) -> tuple[Customer, BillList, BillList, Tariffs]:

    with running_central(tmp_path / "c.db") as central:
        async with DemoClient(central.url, central.token) as client:
            return (
                await client.customer("PE01000123456"),
                await client.bills("PE01000123456"),
                await client.bills("PE01000123456", "all"),
                await client.tariffs(),
            )


def test_a_bill_whose_amounts_do_not_add_up_is_refused_as_a_bad_answer(tmp_path: Path) -> None:
    customer, unpaid, _, tariffs = asyncio.run(_recorded(tmp_path))
    broken = unpaid.bills[0].model_copy(update={"total": unpaid.bills[0].total + 1000})
    garbage = BillList(customer_code=unpaid.customer_code, bills=[broken, *unpaid.bills[1:]], total_due=0)
    navigator, session = Navigator(), CustomerSession()
    flow = BillLookupFlow(
        Recorded(customer, garbage, tariffs), navigator, session, print_notice=_no_printer, today=date.today
    )
    asyncio.run(flow.look_up("PE01000123456"))
    assert navigator.current == LookupFailed(LookupProblem.BAD_ANSWER, "PE01000123456", can_retry=True)
    assert session.customer is None

    fine = BillLookupFlow(
        Recorded(customer, unpaid, tariffs),
        Navigator(),
        CustomerSession(),
        print_notice=_no_printer,
        today=date.today,
    )
    asyncio.run(fine.look_up("PE01000123456"))
    assert isinstance(fine._nav.current, AccountOverview)


def test_a_late_answer_after_the_customer_went_home_is_dropped(tmp_path: Path) -> None:
    customer, unpaid, _, tariffs = asyncio.run(_recorded(tmp_path))
    navigator = Navigator()
    flow = BillLookupFlow(
        Recorded(customer, unpaid, tariffs),
        navigator,
        CustomerSession(),
        print_notice=_no_printer,
        today=date.today,
    )

    async def leave_while_waiting() -> None:
        task = asyncio.ensure_future(flow.look_up("PE01000123456"))
        await asyncio.sleep(0)
        navigator.home()
        await task

    asyncio.run(leave_while_waiting())
    assert navigator.current == Home()


def test_paid_history_keeps_12_months(tmp_path: Path) -> None:
    _, _, everything, _ = asyncio.run(_recorded(tmp_path))
    today = date(2026, 11, 23)
    kept = paid_in_last_months(everything, today)
    assert kept
    assert all((today - b.period_end).days <= 366 for b in kept)
    older = [b for b in everything.bills if b.status == "paid" and (today - b.period_end).days > 366]
    assert older, "the demo has older paid bills, which must be left out"
