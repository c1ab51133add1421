from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.storage.journals import Kind

ROOT = Path(__file__).resolve().parents[2]
MakeReadOnly = Callable[[Path], None]
Writer = Callable[..., Path]


@pytest.fixture
def make_read_only() -> Iterator[MakeReadOnly]:
    """Makes a file or directory read-only for this process. Not root: its mode (0400 / 0500). As root the
    mode stops nothing, so the file is made immutable (``chattr +i``: not even root may write it), which is
    what the kiosk meets on a read-only mount too; where chattr is not possible (a file system without
    attributes, no CAP_LINUX_IMMUTABLE), the test is skipped, saying so."""
    undo: list[Callable[[], None]] = []

    def make(path: Path) -> None:
        if os.geteuid() != 0:
            mode = path.stat().st_mode & 0o777
            path.chmod(0o500 if path.is_dir() else 0o400)
            undo.append(lambda: path.chmod(mode))
            return
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"running as root, where chmod stops no write, and chattr +i fails: {done.stderr}")

        def mutable_again() -> None:
            subprocess.run(["chattr", "-i", str(path)], check=True)

        undo.append(mutable_again)

    yield make
    for step in reversed(undo):
        step()


@pytest.fixture
def killed_writer(tmp_path: Path) -> Iterator[Writer]:
    """Runs :mod:`tests.storage.writer` on ``kind``'s journal in ``tmp_path`` until it committed ``rows``, then
    kills it with SIGKILL; returns the journal's path."""
    started: list[subprocess.Popen[str]] = []

    def run(kind: Kind, rows: int, *, pin_log: bool = False) -> Path:
        path = kind.path(tmp_path)
        args = [sys.executable, "-m", "tests.storage.writer", kind.key, str(path), str(rows)]
        process = subprocess.Popen(
            [*args, *(["--pin-log"] if pin_log else [])],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        assert process.stdout is not None
        assert process.stdout.readline() == f"WROTE {rows}\n"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        assert path.with_name(path.name + "-wal").exists()  # what a hard stop leaves
        return path

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
