"""`kiosk run --demo`: the reference central server as a child process on a free loopback port.

A separate process (not a thread) keeps the server's work off the kiosk's GUI thread and its GIL, and is how a
real central is reached: over HTTP, with a token.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Self


class DemoCentralError(RuntimeError):
    pass


class DemoCentral:
    def __init__(self, db_path: Path, *, start_timeout: float = 30.0) -> None:
        self._db_path = db_path
        self._timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.token = ""
        self.log_path = db_path.with_suffix(".log")

    def start(self) -> None:
        """Start the server and wait until it listens (it prints its address, then the demo token)."""
        # The server's log goes to a file beside its database: a pipe nobody reads would fill up and stall it.
        # It prints only its two start-up lines on stdout.
        with self.log_path.open("w") as log:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kiosk",
                    "central",
                    "--demo",
                    "--port",
                    "0",
                    "--db",
                    str(self._db_path),
                ],
                stdout=subprocess.PIPE,
                stderr=log,
            )
        assert self._process.stdout is not None
        # Raw reads of the pipe, not readline(): a buffered reader may hold the second line while select()
        # waits for bytes that already arrived.
        fd = self._process.stdout.fileno()
        received = b""
        deadline = time.monotonic() + self._timeout
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while not (self.url and self.token):
                if time.monotonic() > deadline or not selector.select(deadline - time.monotonic()):
                    self.stop()
                    raise DemoCentralError(
                        f"the demo central server did not start within {self._timeout:.0f} s"
                    )
                chunk = os.read(fd, 4096)
                if not chunk:
                    self.stop()
                    log_tail = self.log_path.read_text(errors="replace").strip()[-500:]
                    raise DemoCentralError(f"the demo central server exited: {log_tail}")
                received += chunk
                text = received.decode("utf-8", errors="replace")
                if found := re.search(r"listening on (\S+)", text):
                    self.url = found.group(1)
                if found := re.search(r"demo token (\S+) .*\n", text):
                    self.token = found.group(1)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
