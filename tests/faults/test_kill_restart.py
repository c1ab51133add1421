"""``kill -9`` at each dangerous point of a payment, then a restart: the four promises still hold.

:mod:`tests.faults.harness.kiosk_process` runs the real keeper in a child process, with its journal and an fsync'd
receipt record on the real disk, against the reference central of this test process. It stops dead at the
point named; this test sends it SIGKILL there (no ``finally``, no ``atexit``, no flush: what the journal
committed is all that survives), sometimes lets the outside world move on meanwhile (the money arrives, the
bill is paid at a counter), then starts a second process that resumes (``reconcile(everything=True)``), and
checks the central's database and the journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.demo.simulator import DemoClient
from tests.faults.harness import kiosk_process
from tests.faults.harness.kill_driver import KioskProcess
from tests.faults.harness.kiosk_process import JOURNAL, RECEIPTS
from tests.faults.harness.payments import ReceiptRoll
from tests.faults.invariants.payments import assert_invariants
from tests.faults.invariants.reading import read_central_payments, read_journal
from tests.helpers.central import RunningCentral

CODE = "PE01000123456"


@dataclass(frozen=True)
class Kill:
    die_at: str
    then: str = "pay"  # what the customer does once the QR is shown
    meanwhile: str | None = (
        None  # while the kiosk is down: "money" arrives, or the bill is paid at a "counter"
    )
    resume_dies_at: str | None = None  # the first resume is killed too, here
    # After the restart: the central's status, the kiosk's state and receipt, how many receipts were printed.
    central_status: str | None = "cancelled"
    state: str = "closed"
    receipt: str | None = None
    printed: int = 0


KILLS = {
    "after-key-written": Kill("key_written"),
    "after-key-written-bill-paid-at-counter": Kill(
        "key_written", meanwhile="counter", central_status=None, state="refused"
    ),
    "after-create-sent": Kill("create_sent"),
    "qr-shown-money-while-down": Kill(
        "qr_shown",
        then="leave",
        meanwhile="money",
        central_status="paid",
        state="confirmed",
        receipt="for_staff",
    ),
    "polled-after-money": Kill("money_polled", central_status="paid", state="confirmed", receipt="for_staff"),
    "confirmed-not-printed": Kill("confirmed", central_status="paid", state="confirmed", receipt="for_staff"),
    "while-printing": Kill("printing", central_status="paid", state="confirmed", receipt="for_staff"),
    # The paper came out but the journal never heard: staff's list has it too (a reprint is paper, not money).
    "printed-not-journalled": Kill(
        "printed", central_status="paid", state="confirmed", receipt="for_staff", printed=1
    ),
    "after-cancel-sent": Kill("cancel_sent", then="cancel"),
    "resume-killed-while-cancelling": Kill("qr_shown", then="leave", resume_dies_at="cancel_sent"),
}


async def kill_and_resume(
    central: RunningCentral, directory: Path, client: DemoClient, kill: Kill, *, exec_cli: bool = False
) -> None:
    paying = KioskProcess(
        kiosk_process,
        central,
        directory,
        "pay",
        "--customer",
        CODE,
        "--then",
        kill.then,
        die_at=kill.die_at,
        exec_cli=exec_cli,
    )
    qr = None
    if kill.die_at not in ("key_written", "create_sent"):
        qr = paying.wait_for("QR ").split()
    paying.wait_for(f"AT {kill.die_at}")
    paying.kill()

    if kill.meanwhile == "money":
        assert qr is not None
        assert (await client.sim_bank_transfer(qr[1], int(qr[2]))).outcome == "applied"
    elif kill.meanwhile == "counter":
        oldest = sorted((await client.bills(CODE)).bills, key=lambda b: b.period_start)[0]
        await client.sim_counter_payment(oldest.id)

    if kill.resume_dies_at is not None:
        dying = KioskProcess(
            kiosk_process, central, directory, "resume", die_at=kill.resume_dies_at, exec_cli=exec_cli
        )
        dying.wait_for(f"AT {kill.resume_dies_at}")
        dying.kill()
    resuming = KioskProcess(kiosk_process, central, directory, "resume", exec_cli=exec_cli)
    assert resuming.wait_for("OPEN ") == "OPEN 0"
    assert resuming.finish() == 0

    printed = ReceiptRoll.read(directory / RECEIPTS)
    assert_invariants(central, directory / JOURNAL, printed)
    [row] = read_journal(directory / JOURNAL)
    payments = list(read_central_payments(central).payments.values())
    assert [p.status for p in payments] == ([] if kill.central_status is None else [kill.central_status])
    assert (row.state, row.receipt, len(printed)) == (kill.state, kill.receipt, kill.printed)


@pytest.mark.asyncio
@pytest.mark.parametrize("kill", KILLS.values(), ids=KILLS.keys())
async def test_a_kiosk_killed_there_resumes_without_breaking_a_promise(
    central: RunningCentral, tmp_path: Path, client: DemoClient, kill: Kill
) -> None:
    await kill_and_resume(central, tmp_path, client, kill)


@pytest.mark.asyncio
async def test_the_driver_killed_as_the_cli_runs_it_resumes_too(
    central: RunningCentral, tmp_path: Path, client: DemoClient
) -> None:
    """The same, with ``python -m tests.faults.harness.kiosk_process`` exec'd as a plain subprocess (slower)."""
    await kill_and_resume(central, tmp_path, client, KILLS["printed-not-journalled"], exec_cli=True)
