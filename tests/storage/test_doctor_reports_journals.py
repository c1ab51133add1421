"""`kiosk doctor` says each journal's state, as `kiosk run` would find it at start, with the fix in words."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.shell import doctor as doctor_module
from kiosk.shell.doctor import CheckResult, run_checks
from kiosk.storage import journal_file
from kiosk.storage.data_dir_lock import lock_data_dir
from tests.storage.conftest import MakeReadOnly, Writer
from tests.storage.journals import KIND

PAYMENTS, OUTBOX = KIND["payments"], KIND["outbox"]


def doctor(tmp_path: Path) -> dict[str, CheckResult]:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'kiosk_id = "TEST-01"\ndata_dir = "{tmp_path}"\n[central]\nurl = "http://127.0.0.1:9"\n'
        'token = "t0ken"\nretries = 0\n'
    )
    results = asyncio.run(run_checks(config, {"HOME": str(tmp_path)}))
    return {r.name: r for r in results}


def written(tmp_path: Path) -> None:
    for kind in (PAYMENTS, OUTBOX):
        journal = kind.open(kind.path(tmp_path))
        kind.write(journal, 1)
        journal.close()


def test_a_new_kiosk_and_a_healthy_one(tmp_path: Path) -> None:
    new = doctor(tmp_path)
    assert new["payments"].line() == (
        "OK    payments  payment-journal.sqlite3 not created yet: the kiosk creates it at its first start"
    )
    assert new["prints"].outcome == "SKIP"  # no printer, no print journal
    assert new["lock"].line() == f"OK    lock      no kiosk is running on {tmp_path}"
    written(tmp_path)
    healthy = doctor(tmp_path)
    assert (
        healthy["payments"].line()
        == "OK    payments  payment-journal.sqlite3: whole, writable, schema version 1"
    )
    assert healthy["outbox"].outcome == "OK"


def test_a_running_kiosk_is_named_and_its_journals_still_checked(tmp_path: Path) -> None:
    written(tmp_path)
    with lock_data_dir(tmp_path):
        results = doctor(tmp_path)
    assert results["lock"].detail == f"a kiosk is running on {tmp_path} (PID {os.getpid()})"
    assert results["payments"].outcome == "OK"


def test_missing_but_expected(tmp_path: Path) -> None:
    written(tmp_path)
    PAYMENTS.path(tmp_path).write_bytes(b"")
    OUTBOX.path(tmp_path).unlink()
    results = doctor(tmp_path)
    payments = results["payments"]
    assert payments.outcome == "FAIL"
    assert payments.detail.startswith(
        f"missing: payment journal {PAYMENTS.path(tmp_path)} is empty (0 bytes)"
    )
    assert "restore the file from a backup" in payments.fix
    assert "kiosk start-fresh payment-journal.sqlite3" in payments.fix
    assert results["outbox"].detail.startswith(f"missing: request outbox {OUTBOX.path(tmp_path)} is missing")
    assert PAYMENTS.path(tmp_path).stat().st_size == 0  # the doctor changed nothing
    assert not OUTBOX.path(tmp_path).exists()


def test_log_lost(tmp_path: Path, killed_writer: Writer) -> None:
    path = killed_writer(PAYMENTS, 2, pin_log=True)
    path.with_name(path.name + "-wal").unlink()
    payments = doctor(tmp_path)["payments"]
    assert payments.outcome == "FAIL"
    assert payments.detail.startswith("log-lost: payment journal")


def test_corrupted(tmp_path: Path) -> None:
    PAYMENTS.path(tmp_path).write_bytes(os.urandom(8192))
    payments = doctor(tmp_path)["payments"]
    assert payments.line().startswith(
        f"FAIL  payments  corrupted: payment journal {PAYMENTS.path(tmp_path)} is damaged (file is not a database)"
        " — stop the kiosk and restore the file from a backup"
    )


def test_read_only(tmp_path: Path, make_read_only: MakeReadOnly) -> None:
    written(tmp_path)
    make_read_only(OUTBOX.path(tmp_path))
    outbox = doctor(tmp_path)["outbox"]
    assert outbox.outcome == "FAIL"
    assert outbox.detail.startswith(f"read-only: request outbox {OUTBOX.path(tmp_path)} is read-only")
    assert "give the kiosk's user write access" in outbox.fix


def test_locked_by_another_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written(tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"db = sqlite3.connect({str(PAYMENTS.path(tmp_path))!r}, isolation_level=None)\n"
            "db.execute('BEGIN IMMEDIATE')\n"  # a writer that never finishes
            "print('HELD', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "HELD\n"
        monkeypatch.setattr(journal_file, "LOCK_WAIT_SECONDS", 0.2)
        payments = doctor(tmp_path)["payments"]
    finally:
        holder.kill()
        holder.wait()
    assert payments.outcome == "FAIL"
    assert payments.detail.startswith(
        f"locked: payment journal {PAYMENTS.path(tmp_path)} is locked by another"
    )
    assert "fuser -v" in payments.fix


def test_a_nearly_full_disk_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor_module, "LOW_DISK_BYTES", 10**18)
    data = doctor(tmp_path)["data"]
    assert data.outcome == "WARN"
    assert "MB free: a full disk stops payments and saved requests" in data.detail
    assert data.fix == "free space on that disk (old logs; never the journals)"
