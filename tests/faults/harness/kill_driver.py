"""The test side of the kill tests: a kiosk child process driven to a stop point and killed there with SIGKILL.

A child is forked by a ``multiprocessing`` fork server that has the kiosk imported already (so a start takes
milliseconds, not the interpreter's second), or with ``exec_cli`` started as ``python -m <module>``. Either way
it is a real process of its own, and what it committed to disk is all that survives it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

from tests.helpers.central import RunningCentral

ROOT = Path(__file__).resolve().parents[3]
LINE_TIMEOUT = 30.0

# Started once, with both kinds of kiosk child imported: each child is a fork of it.
FORK_SERVER = multiprocessing.get_context("forkserver")
FORK_SERVER.set_forkserver_preload(["tests.faults.harness.kiosk_process"])


class KioskProcess:
    """A running ``module`` (which has ``run_forked(argv, lines)`` and a ``python -m`` entry point), the lines it
    said, and ways to wait for a line, kill it or let it finish."""

    def __init__(
        self,
        module: ModuleType,
        central: RunningCentral,
        directory: Path,
        *args: str,
        die_at: str | None = None,
        exec_cli: bool = False,
    ) -> None:
        argv = ["--central", central.url, "--token", central.token, "--dir", str(directory)]
        if die_at is not None:
            argv += ["--die-at", die_at]
        argv += args
        self.lines: list[str] = []
        self.process: multiprocessing.process.BaseProcess | subprocess.Popen[str]
        if exec_cli:
            self.process = subprocess.Popen(
                [sys.executable, "-m", module.__name__, *argv], cwd=ROOT, stdout=subprocess.PIPE, text=True
            )
            # A driver that neither gets there nor exits is killed, so the test fails rather than hangs.
            self._watchdog = threading.Timer(LINE_TIMEOUT, self.process.kill)
            self._watchdog.start()
        else:
            receive, send = FORK_SERVER.Pipe(duplex=False)
            self.process = FORK_SERVER.Process(target=module.run_forked, args=(argv, send), daemon=True)
            self.process.start()
            send.close()  # the child holds the only writing end now: its death ends the stream
            self._receive = receive

    def _next_line(self) -> str | None:
        if isinstance(self.process, subprocess.Popen):
            assert self.process.stdout is not None
            line = self.process.stdout.readline()
            return line.rstrip("\n") if line else None
        try:
            if not self._receive.poll(LINE_TIMEOUT):
                return None
            received: str = self._receive.recv()
        except EOFError:
            return None
        return received

    def wait_for(self, prefix: str) -> str:
        while (line := self._next_line()) is not None:
            self.lines.append(line)
            if line.startswith(prefix):
                return line
        self.process.kill()
        raise AssertionError(f"the kiosk process ended (or hung) without {prefix!r}; it said {self.lines}")

    def kill(self) -> None:
        """SIGKILL, the way a power cut or the OOM killer ends it: no finally, no atexit, no flush."""
        code: int | None
        if isinstance(self.process, subprocess.Popen):
            self.process.send_signal(signal.SIGKILL)
            code = self.process.wait(timeout=10)
        else:
            self.process.kill()  # SIGKILL
            self.process.join(timeout=10)
            code = self.process.exitcode
        assert code == -signal.SIGKILL
        self.close()

    def finish(self) -> int | None:
        if isinstance(self.process, subprocess.Popen):
            code: int | None = self.process.wait(timeout=LINE_TIMEOUT)
        else:
            self.process.join(timeout=LINE_TIMEOUT)
            code = self.process.exitcode
        self.close()
        return code

    def close(self) -> None:
        if isinstance(self.process, subprocess.Popen):
            self._watchdog.cancel()
            if self.process.stdout is not None:
                self.process.stdout.close()
        else:
            self._receive.close()
