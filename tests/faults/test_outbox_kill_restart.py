"""``kill -9`` of a kiosk while it sends a submission, then a restart: the submission reaches the central
exactly once.

:mod:`tests.faults.harness.kiosk_process` runs the real outbox and courier in a child process, with the outbox
file on the real disk, against the reference central of this test process. It stops dead at the point named;
this test sends it SIGKILL there (no ``finally``, no ``atexit``, no flush: what the outbox committed is all that
survives), then starts a second process that resumes (the courier's loop), and checks the central's database
and the outbox file.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.demo.simulator import DemoClient
from kiosk.requests.outbox import OUTBOX_FILE_NAME
from tests.faults.harness import kiosk_process
from tests.faults.harness.kill_driver import KioskProcess
from tests.faults.harness.requests import Submission, outage_report, service_request
from tests.faults.invariants.reading import central_mark, read_central_submissions, read_outbox
from tests.faults.invariants.requests import assert_outbox_invariants
from tests.helpers.canaries import search_files
from tests.helpers.central import RunningCentral

# The test's own copy of the submission, and the central's database, which keeps what it received.
_NOT_THE_KIOSKS = ("submission.json", "central.db", "central.db-wal", "central.db-shm")


def personal_values(s: Submission) -> list[str]:
    """What of a submission identifies the customer and is unlike anything else in a file: the phone, the ID
    number (an outage report carries neither)."""
    fields = s.payload.get("fields", {})
    assert isinstance(fields, dict)
    return [str(fields[name]) for name in ("phone", "id_number") if name in fields]


@dataclass(frozen=True)
class Kill:
    die_at: str
    kind: str = "service_request"
    resume_dies_at: str | None = None  # the first resume is killed too, here
    made_before_resume: int = 0  # central rows when the kiosk is down


KILLS = {
    "between-add-and-send": Kill("added"),
    "before-the-request-leaves": Kill("before_send"),
    "after-the-central-committed": Kill("after_commit", made_before_resume=1),
    "after-it-was-journalled": Kill("delivered", made_before_resume=1),
    "report-after-the-central-committed": Kill("after_commit", kind="outage_report", made_before_resume=1),
    "resume-killed-after-the-central-committed": Kill("before_send", resume_dies_at="after_commit"),
}


async def a_submission(client: DemoClient, kind: str) -> Submission:
    rng = random.Random(f"kill/{kind}")
    if kind == "outage_report":
        return outage_report(rng)
    services = {s.code: s for s in (await client.services()).services}
    return await service_request(client, services["meter_relocation"], rng)


async def kill_and_resume(
    central: RunningCentral, directory: Path, client: DemoClient, kill: Kill, *, exec_cli: bool = False
) -> None:
    mark = central_mark(central.db_path)
    s = await a_submission(client, kill.kind)
    given = directory / "submission.json"
    given.write_text(json.dumps({"kind": s.kind, "payload": dict(s.payload), "summary": dict(s.summary)}))

    submitting = KioskProcess(
        kiosk_process,
        central,
        directory,
        "submit",
        "--submission",
        str(given),
        die_at=kill.die_at,
        exec_cli=exec_cli,
    )
    reference = submitting.wait_for("ADDED ").split()[1]
    submitting.wait_for(f"AT {kill.die_at}")
    submitting.kill()
    outbox = directory / OUTBOX_FILE_NAME
    assert len(read_central_submissions(central.db_path, mark)) == kill.made_before_resume
    [row] = read_outbox(outbox)
    assert row.reference == reference
    assert row.state == ("delivered" if kill.die_at == "delivered" else "queued")
    personal = personal_values(s)
    if row.state == "queued" and personal:  # still to send: the search must see it where it waits
        assert search_files(directory, personal, skip=lambda path: path.name in _NOT_THE_KIOSKS).hits

    if kill.resume_dies_at is not None:
        dying = KioskProcess(
            kiosk_process, central, directory, "resume-outbox", die_at=kill.resume_dies_at, exec_cli=exec_cli
        )
        dying.wait_for(f"AT {kill.resume_dies_at}")
        dying.kill()
    resuming = KioskProcess(kiosk_process, central, directory, "resume-outbox", exec_cli=exec_cli)
    queued = 0 if kill.die_at == "delivered" else 1
    assert resuming.wait_for("QUEUED ") == f"QUEUED {queued}"
    state = resuming.wait_for("STATE ")
    assert resuming.finish() == 0

    [made] = read_central_submissions(central.db_path, mark)
    assert state == f"STATE delivered {made.code}"
    assert_outbox_invariants(central.db_path, outbox, [reference], since=mark)
    # Delivered after a power cut: the customer's phone and ID number are gone from every file the kiosk
    # wrote (the outbox, its -wal and -shm), though no clean close ever ran (issue 21).
    search = search_files(directory, personal, skip=lambda path: path.name in _NOT_THE_KIOSKS)
    assert search.files >= 1
    assert search.hits == []


@pytest.mark.asyncio
@pytest.mark.parametrize("kill", KILLS.values(), ids=KILLS.keys())
async def test_a_kiosk_killed_while_sending_resumes_and_delivers_once(
    central: RunningCentral, tmp_path: Path, client: DemoClient, kill: Kill
) -> None:
    await kill_and_resume(central, tmp_path, client, kill)


@pytest.mark.asyncio
async def test_the_driver_killed_as_the_cli_runs_it_resumes_too(
    central: RunningCentral, tmp_path: Path, client: DemoClient
) -> None:
    """The same, with ``python -m tests.faults.harness.kiosk_process`` exec'd as a plain subprocess (slower)."""
    await kill_and_resume(central, tmp_path, client, KILLS["after-the-central-committed"], exec_cli=True)
