"""`kiosk display-session -- COMPOSITOR [ARGS] -- kiosk run ...`: the kiosk inside a compositor, with the kiosk's
own exit status.

Under systemd the kiosk runs inside cage (deploy/evn-kiosk.service). cage 0.1.4, Debian 12's, exits 0 whatever
its client did (measured: a client that exits 17 and one killed by SIGKILL both gave cage status 0), so systemd
could not tell a crash, which must restart the kiosk, from staff closing it, which must not. This command sits
between the two: it runs the compositor, lets the kiosk write its pid and then its exit status to a small file
(``KIOSK_EXIT_STATUS_FILE``), and exits with that status once the compositor is gone. A kiosk that ended
without writing one (killed, a crash inside Qt) gives :data:`NO_STATUS`.

It also passes systemd's SIGTERM (and SIGINT) to the kiosk itself rather than to the compositor: a compositor
that goes first takes the kiosk's display away in the middle of its clean stop. The unit sets
``KillMode=mixed`` so that systemd signals only this process.

No Qt here: this process only waits.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import FrameType

__all__ = [
    "EXIT_STATUS_FILE_VARIABLE",
    "NO_STATUS",
    "configure_parser",
    "read_exit_record",
    "write_exit_record",
]

EXIT_STATUS_FILE_VARIABLE = "KIOSK_EXIT_STATUS_FILE"
NO_STATUS = 70  # EX_SOFTWARE: the kiosk ended without saying how
STATUS_FILE_NAME = "kiosk-exit-status"


def write_exit_record(path: Path, record: str) -> None:
    """Replaces the record at ``path`` in one step (``running PID`` or ``exited STATUS``)."""
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(record + "\n", encoding="ascii")
    temporary.replace(path)


def read_exit_record(path: Path) -> tuple[str, int] | None:
    """The last record the kiosk wrote (``("running", pid)`` or ``("exited", status)``), or None."""
    try:
        word, number = path.read_text(encoding="ascii").split()
        return word, int(number)
    except (OSError, ValueError):
        return None


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--status-file",
        type=Path,
        help=f"where the kiosk writes its status (default: $RUNTIME_DIRECTORY/{STATUS_FILE_NAME}, "
        "else a new temporary directory)",
    )
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        metavar="-- COMPOSITOR ...",
        help="the compositor and its arguments, with `kiosk run ...` as its client",
    )
    parser.set_defaults(handler=display_session_command)


def display_session_command(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        print("kiosk display-session: name the compositor to run, after --", file=sys.stderr)  # noqa: T201
        return 2
    with contextlib.ExitStack() as cleanup:
        status_file: Path = args.status_file or _default_status_file(cleanup)
        status_file.unlink(missing_ok=True)
        return run_display_session(command, status_file)
    raise AssertionError("unreachable")


def _default_status_file(cleanup: contextlib.ExitStack) -> Path:
    runtime = os.environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
    if runtime:
        return Path(runtime) / STATUS_FILE_NAME
    return (
        Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-session-"))) / STATUS_FILE_NAME
    )


def run_display_session(command: list[str], status_file: Path) -> int:
    """Runs ``command`` until it ends; returns the kiosk's exit status (see the module's docstring)."""
    try:
        compositor = subprocess.Popen(command, env=os.environ | {EXIT_STATUS_FILE_VARIABLE: str(status_file)})
    except OSError as exc:
        print(f"kiosk display-session: cannot start {command[0]}: {exc}", file=sys.stderr)  # noqa: T201
        return NO_STATUS

    def pass_on(signum: int, _frame: FrameType | None) -> None:
        record = read_exit_record(status_file)
        target = record[1] if record is not None and record[0] == "running" else compositor.pid
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, signum)

    previous = {signum: signal.signal(signum, pass_on) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        returncode = compositor.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    record = read_exit_record(status_file)
    if record is not None and record[0] == "exited":
        return record[1]
    if returncode != 0:
        # The compositor itself failed (or was killed) before the kiosk could say anything.
        return returncode if returncode > 0 else 128 - returncode
    return NO_STATUS
