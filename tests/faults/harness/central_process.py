"""The reference central as a real OS process of its own, for :mod:`tests.faults.test_central_kill` to
``kill -9`` and start again on the same database file and port.

Two ways to start one:

``fork`` (the default)
    A launcher (``python -m tests.faults.harness.central_process``, exec'd once per test) has
    :mod:`kiosk_central` and uvicorn imported; for each start it forks a child that runs
    :func:`kiosk_central.cli.run_central` with the command line given, exactly as ``kiosk central`` does,
    its output going to a log file. A start then takes milliseconds instead of the interpreter's second,
    so a test can kill the central dozens of times. (Not a ``multiprocessing`` fork server: its preload
    list is one per test process, and the kiosk kill tests have theirs.)
``exec``
    ``python -m kiosk central ...``, the console script's own entry point, as a fresh interpreter.

Either way it is a separate process with its own SQLite connections on the file, and SIGKILL ends it with no
``finally``, no ``atexit`` and no checkpoint: what SQLite committed to the file and its WAL is what the next
start finds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LISTENING = "kiosk central: listening on "
START_TIMEOUT = 30.0


def free_port() -> int:
    """A free loopback port below Linux's ephemeral range (32768 and up), so that no client's outgoing
    connection takes it while the central is dead and the next start can bind it again."""
    for port in range(20000 + os.getpid() % 9000, 32000):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32000")


class CentralProcess:
    """``kiosk central --demo`` on ``db_path`` and a fixed ``port``, started, killed and started again.

    ``tokens`` are ``KIOSK_ID=TOKEN`` pairs. :meth:`start` returns once the central listens (its first start
    seeds the demo data before that); :meth:`kill` sends SIGKILL and returns once the process is gone.
    """

    def __init__(
        self,
        db_path: Path,
        tokens: Sequence[str],
        *,
        payment_ttl: int = 300,
        mode: str = "fork",
        port: int | None = None,
    ) -> None:
        if mode not in ("fork", "exec"):
            raise ValueError(f"mode {mode!r}: fork or exec")
        self.db_path = db_path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mode = mode
        self.argv = [
            "--demo",
            "--db",
            str(db_path),
            "--port",
            str(self.port),
            "--payment-ttl",
            str(payment_ttl),
        ]
        for pair in tokens:
            self.argv += ["--token", pair]
        self.log_dir = db_path.parent / f"{db_path.name}-logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.starts = 0
        self.pid: int | None = None
        self.log: Path | None = None
        self.up = False
        self._launcher: asyncio.subprocess.Process | None = None
        self._child: asyncio.subprocess.Process | None = None

    # ------------------------------------------------------------------------------------------ start
    async def spawn(self) -> int:
        """A new central process (not yet listening, perhaps): its pid."""
        if self.pid is not None:
            raise RuntimeError(f"central {self.pid} is still running")
        self.starts += 1
        self.log = self.log_dir / f"start-{self.starts:04d}.log"
        if self.mode == "exec":
            with self.log.open("wb") as out:
                self._child = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "kiosk", "central", *self.argv,
                    stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT, cwd=ROOT,
                )  # fmt: skip
            self.pid = self._child.pid
        else:
            self.log.write_bytes(b"")  # made (and emptied) here: a start is seen listening by its own line
            self.pid = await self._ask({"start": self.argv, "log": str(self.log)})
        self.up = False
        return self.pid

    async def wait_listening(self) -> None:
        """Until the central says it listens (its socket is bound and listening by then: connections
        made after it wait in the backlog until uvicorn serves them)."""
        assert self.log is not None
        deadline = time.monotonic() + START_TIMEOUT
        while LISTENING not in self.log_text():
            if time.monotonic() > deadline or not self._alive():
                raise AssertionError(f"the central (start {self.starts}) did not listen: {self.log_text()}")
            await asyncio.sleep(0.002)
        self.up = True

    async def start(self) -> None:
        await self.spawn()
        await self.wait_listening()

    def log_text(self) -> str:
        """What the current (or last) process said so far."""
        return "" if self.log is None else self.log.read_text(encoding="utf-8", errors="replace")

    def _alive(self) -> bool:
        if self.pid is None:
            return False
        try:
            with Path(f"/proc/{self.pid}/stat").open() as stat:
                return stat.read().rpartition(")")[2].split()[0] != "Z"
        except FileNotFoundError:
            return False

    # ------------------------------------------------------------------------------------------- kill
    async def kill(self) -> None:
        """SIGKILL, as a power cut or the OOM killer ends it; returns once the process is gone (its sockets
        closed by the kernel)."""
        assert self.pid is not None
        os.kill(self.pid, signal.SIGKILL)
        if self._child is not None:
            code = await self._child.wait()
            self._child = None
        else:
            code = await self._ask({"reap": self.pid})
        if code != -signal.SIGKILL:
            raise AssertionError(
                f"the central {self.pid} ended with {code}, not by the SIGKILL: see {self.log}"
            )
        self.pid = None
        self.up = False

    async def close(self) -> None:
        if self.pid is not None:
            await self.kill()
        if self._launcher is not None:
            assert self._launcher.stdin is not None
            self._launcher.stdin.close()
            await self._launcher.wait()
            self._launcher = None

    # --------------------------------------------------------------------------------------- launcher
    async def _ask(self, command: dict[str, object]) -> int:
        if self._launcher is None:
            self._launcher = await asyncio.create_subprocess_exec(
                sys.executable, "-m", __name__, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT
            )  # fmt: skip
        assert self._launcher.stdin is not None
        assert self._launcher.stdout is not None
        self._launcher.stdin.write((json.dumps(command) + "\n").encode())
        await self._launcher.stdin.drain()
        line = await asyncio.wait_for(self._launcher.stdout.readline(), START_TIMEOUT)
        if not line:
            raise AssertionError(f"the central launcher ended (exit {await self._launcher.wait()})")
        answer: int = json.loads(line)
        return answer


# ------------------------------------------------------------------------------------- the launcher


def _serve(argv: list[str], log: str) -> None:
    """In the forked child: ``kiosk central <argv>`` with its output in ``log``; never returns."""
    from kiosk_central.cli import configure_central_parser

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    code = 70
    try:
        parser = argparse.ArgumentParser(prog="kiosk central")
        configure_central_parser(parser)
        args = parser.parse_args(argv)
        code = args.handler(args)
    except BaseException as exc:  # the log says why; the test sees the process end without listening
        import traceback

        traceback.print_exception(exc)
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


async def _no_app(scope: object, receive: object, send: object) -> None:
    """The ASGI app the launcher loads uvicorn's configuration with, never served."""


def launcher() -> int:
    """Reads commands, one JSON object a line: ``{"start": argv, "log": path}`` forks a central and answers
    its pid; ``{"reap": pid}`` waits for that child to end and answers its status as a negative signal
    number or an exit code. At the end of its input it kills the children still running."""
    # Imported before any fork, so that each child starts serving at once: the server, and what uvicorn
    # imports only when it loads its configuration (its event loop, HTTP protocol and lifespan modules).
    import uvicorn

    import kiosk_central.app
    import kiosk_central.cli  # noqa: F401

    uvicorn.Config(_no_app, log_level="warning").load()

    children: set[int] = set()
    for line in sys.stdin:
        command = json.loads(line)
        if "start" in command:
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                _serve(command["start"], command["log"])
            children.add(pid)
            answer = pid
        else:
            pid = command["reap"]
            _, status = os.waitpid(pid, 0)
            children.discard(pid)
            answer = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        sys.stdout.write(f"{answer}\n")
        sys.stdout.flush()
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    sys.exit(launcher())
