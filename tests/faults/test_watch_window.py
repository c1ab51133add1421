"""Money for a cancelled payment that comes after the kiosk stopped watching it.

The central applies money for an expired or cancelled payment whenever it comes, if the bills are still
unpaid (``kiosk_central.payments``: no time limit). The keeper watches a closed payment for the journal's
``watch`` (``payment.watch_hours``, 72 h) after it was asked for, then never asks about it again. Money that
the bank delivers later (a transfer held over a long holiday, a bank's manual review) marks the bills paid by
that payment on the central, while the kiosk keeps it ``closed``: no receipt record, nobody told, and the
promises "the kiosk knows every payment the central has" and "every paid payment is confirmed with a receipt"
were broken. The keeper now also reads the central's list of this kiosk's changes (at start, hourly, and in
every full reconcile): a closed payment it names as paid is confirmed, however late.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.demo.simulator import DemoClient
from kiosk.payments.journal import Order, PaymentJournal, PaymentState
from kiosk.payments.keeper import PaymentKeeper
from tests.faults.harness.payments import ReceiptRoll, Screen, settle
from tests.faults.invariants.payments import assert_invariants
from tests.helpers.central import KIOSK_ID, RunningCentral

WATCH = timedelta(days=3)


class KioskClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "after",
    [
        pytest.param(WATCH - timedelta(hours=1), id="within-the-watch"),
        # Past the watch, the central's list of this kiosk's changes tells of it (issue 22).
        pytest.param(WATCH + timedelta(hours=1), id="after-the-watch"),
        pytest.param(timedelta(days=40), id="weeks-after"),
    ],
)
async def test_money_for_a_cancelled_payment_is_confirmed_however_late_it_comes(
    central: RunningCentral,
    client: DemoClient,
    orders: dict[str, tuple[Order, ...]],
    tmp_path: Path,
    after: timedelta,
) -> None:
    clock = KioskClock()
    journal = PaymentJournal(tmp_path / "journal.sqlite3", kiosk_id=KIOSK_ID, watch=WATCH)
    desk = ReceiptRoll()
    # The watch is judged by the central's time, as the app judges it (the module's central may have been
    # moved forward by an earlier test: the kiosk's clock is not the central's).
    keeper = PaymentKeeper(
        client, journal, desk, now=clock, central_now=client.central_time.known, changes=client
    )
    try:
        screen = Screen(keeper)
        row = await screen.show_qr(orders["PC03000567890"][0])
        assert row is not None
        assert row.reference is not None
        assert (await screen.press_cancel(row.id)).state is PaymentState.CLOSED
        screen.leave(row.id)
        await settle(keeper)

        clock.now += after
        central.clock.advance(after)
        assert (await client.sim_bank_transfer(row.reference, row.amount)).outcome == "applied"
        await settle(keeper)
        assert_invariants(central, journal.path, desk.printed)  # type: ignore[arg-type]
    finally:
        journal.close()
