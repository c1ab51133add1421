"""One kiosk process per data directory: a second is refused at once, naming the directory and the holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.storage.data_dir_lock import DataDirInUseError, holder_of, lock_data_dir
from tests.shell.test_run_command import kiosk, write_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that took the data directory's lock as `kiosk run` takes it, and keeps it."""
    data = tmp_path / "data"
    data.mkdir()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from pathlib import Path\n"
            "from kiosk.storage.data_dir_lock import lock_data_dir\n"
            f"held = lock_data_dir(Path({str(data)!r}))\n"
            "print('LOCKED', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "LOCKED\n"
    yield process
    process.kill()
    process.wait()


def test_a_second_lock_is_refused_at_once_with_the_holders_pid(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    data = tmp_path / "data"
    started = time.monotonic()
    with pytest.raises(DataDirInUseError) as refused:
        lock_data_dir(data)
    assert time.monotonic() - started < 1
    assert refused.value.pid == holder.pid
    assert f"another kiosk process (PID {holder.pid}) is already using the data directory {data}" in str(
        refused.value
    )
    assert holder_of(data) == (True, holder.pid)


def test_the_lock_goes_with_a_killed_holder(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    data = tmp_path / "data"
    assert holder_of(data) == (False, None)
    with lock_data_dir(data):
        assert holder_of(data) == (True, os.getpid())


def test_a_second_kiosk_run_is_refused_before_any_journal_is_opened(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    data = tmp_path / "data"
    config = write_config(tmp_path / "kiosk.toml", "http://127.0.0.1:9", "t0ken", f'data_dir = "{data}"')
    result = kiosk(
        "run", "--smoke", "--config", str(config), home=tmp_path, extra_env={"PYTHONPATH": str(ROOT)}
    )
    assert result.returncode == 1
    assert f"kiosk: another kiosk process (PID {holder.pid}) is already using the data directory {data}" in (
        result.stderr
    )
    assert sorted(p.name for p in data.iterdir()) == ["kiosk.lock"]  # no journal was touched
