"""A refused journal at `kiosk run`, and staff's explicit way out: `kiosk start-fresh`, recorded."""

from __future__ import annotations

from pathlib import Path

from kiosk.payments.journal import PaymentJournal
from kiosk.storage.data_dir_lock import lock_data_dir
from kiosk.storage.journal_file import marker_path
from tests.shell.test_run_command import kiosk, write_config
from tests.storage.conftest import Writer
from tests.storage.journals import KIND

ROOT = Path(__file__).resolve().parents[2]
PAYMENTS = KIND["payments"]
REASON = "Lan (shift lead) compared the central's payments for KIOSK-TEST-01 on 7 Dec: none missing"


def setup(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    config = write_config(tmp_path / "kiosk.toml", "http://127.0.0.1:9", "t0ken", f'data_dir = "{data}"')
    journal = PAYMENTS.open(PAYMENTS.path(data))
    for n in range(3):
        PAYMENTS.write(journal, n)
    journal.close()
    return data, config


def run(*args: str, tmp_path: Path) -> tuple[int, str, str]:
    result = kiosk(*args, home=tmp_path, extra_env={"PYTHONPATH": str(ROOT), "KIOSK__CENTRAL__RETRIES": "0"})
    return result.returncode, result.stdout, result.stderr


def start_fresh(config: Path, tmp_path: Path) -> tuple[int, str, str]:
    """`kiosk start-fresh` for the payment journal, as staff type it."""
    return run(
        "start-fresh",
        "payment-journal.sqlite3",
        "--reason",
        REASON,
        "--config",
        str(config),
        tmp_path=tmp_path,
    )


def test_kiosk_run_refuses_an_emptied_journal_and_says_what_to_do(tmp_path: Path) -> None:
    data, config = setup(tmp_path)
    PAYMENTS.path(data).write_bytes(b"")
    status, _, stderr = run("run", "--smoke", "--config", str(config), tmp_path=tmp_path)
    assert status == 1
    assert (
        f"kiosk: payment journal {PAYMENTS.path(data)} is empty (0 bytes), though this kiosk created it"
        in stderr
    )
    assert "payments in flight, paid payments and their receipt numbers may be lost" in stderr
    assert "restore the file from a backup" in stderr
    assert "`kiosk start-fresh payment-journal.sqlite3 --reason '...'`" in stderr
    assert "Traceback" not in stderr
    assert PAYMENTS.path(data).stat().st_size == 0


def test_start_fresh_sets_aside_records_and_the_next_start_creates_it(tmp_path: Path) -> None:
    data, config = setup(tmp_path)
    PAYMENTS.path(data).write_bytes(b"")
    status, stdout, stderr = start_fresh(config, tmp_path)
    assert status == 0, stderr
    assert "staff's decision recorded in" in stdout
    decisions = (data / "storage-decisions.log").read_text(encoding="utf-8")
    assert "start-fresh payment-journal.sqlite3 (payment journal)" in decisions
    assert f"Staff accepted starting it empty: {REASON}." in decisions
    assert f"WARNING kiosk.storage.journal_file: {decisions.strip()}" in stderr  # in the kiosk's log too
    kept = {p.name.split(".set-aside-")[0] for p in data.iterdir() if ".set-aside-" in p.name}
    assert kept == {"payment-journal.sqlite3", "payment-journal.sqlite3.created"}
    journal = PaymentJournal(PAYMENTS.path(data), kiosk_id="K-01")  # as the next `kiosk run` opens it
    assert journal.all() == []
    journal.close()
    assert marker_path(PAYMENTS.path(data)).exists()


def test_start_fresh_refuses_a_journal_with_its_rows(tmp_path: Path) -> None:
    data, config = setup(tmp_path)
    before = sorted([*(p.name for p in data.iterdir()), "kiosk.lock"])
    status, _, stderr = start_fresh(config, tmp_path)
    assert status == 1
    assert "is not missing, empty or without its log (ok: " in stderr
    assert "start-fresh discards no rows" in stderr
    assert sorted(p.name for p in data.iterdir()) == before
    assert PAYMENTS.rows(PAYMENTS.path(data)) == 3


def test_start_fresh_refuses_while_a_kiosk_holds_the_data_directory(tmp_path: Path) -> None:
    data, config = setup(tmp_path)
    PAYMENTS.path(data).unlink()
    with lock_data_dir(data):
        status, _, stderr = start_fresh(config, tmp_path)
    assert status == 1
    assert "is already using the data directory" in stderr
    assert marker_path(PAYMENTS.path(data)).exists()


def test_start_fresh_after_a_lost_log_keeps_the_files_rows(tmp_path: Path, killed_writer: Writer) -> None:
    data = tmp_path
    config = write_config(tmp_path / "kiosk.toml", "http://127.0.0.1:9", "t0ken", f'data_dir = "{data}"')
    path = killed_writer(PAYMENTS, 2, pin_log=True)
    path.with_name(path.name + "-wal").unlink()
    status, _, stderr = start_fresh(config, tmp_path)
    assert status == 0, stderr
    assert "Staff accepted it without the lost log's writes" in (data / "storage-decisions.log").read_text()
    assert path.exists()
    journal = PaymentJournal(path, kiosk_id="K-01")  # opens now, as it was at its last copy into the file
    journal.close()
