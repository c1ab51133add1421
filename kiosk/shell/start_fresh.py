"""`kiosk start-fresh JOURNAL --reason TEXT`: staff's explicit decision that the kiosk starts a journal empty.

The kiosk refuses to start when a journal it created is missing or empty (its marker says it existed): what the
journal held (payments in flight, paid payments, requests saved offline) may be lost, and only people can
check the central's records for what it was. Once they have, this command records their decision: it sets aside
what is left (the empty file, its -wal and -shm, the marker; nothing is deleted), appends the decision with its
reason to ``storage-decisions.log`` in the data directory and logs it; the next `kiosk run` creates the journal
anew. It refuses a journal that is not missing or empty (it never discards rows) and a data directory a
running kiosk holds.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from kiosk.config import ConfigError, config_path, load_settings
from kiosk.payments import journal as payments
from kiosk.printing import journal as prints
from kiosk.requests import outbox
from kiosk.shell.logs import configure_logging
from kiosk.shell.stopping import ExitStatus
from kiosk.storage.data_dir_lock import DataDirLockError, lock_data_dir
from kiosk.storage.journal_file import DECISIONS_FILE_NAME, accept_fresh_start

__all__ = ["JOURNALS", "configure_parser", "start_fresh_command"]

log = logging.getLogger(__name__)

# file name -> (what it is called, its schema version)
JOURNALS = {
    payments.JOURNAL_FILE_NAME: ("payment journal", payments.SCHEMA_VERSION),
    outbox.OUTBOX_FILE_NAME: ("request outbox", outbox.SCHEMA_VERSION),
    prints.JOURNAL_FILE_NAME: ("print journal", prints.SCHEMA_VERSION),
}


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("journal", choices=sorted(JOURNALS), help="the journal file the kiosk refused")
    parser.add_argument(
        "--reason",
        required=True,
        help="who checked what on the central (kept in storage-decisions.log and the log)",
    )
    parser.add_argument("--config", type=Path, help="the kiosk's config (default: as `kiosk run` finds it)")
    parser.set_defaults(handler=start_fresh_command)


def start_fresh_command(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    configure_logging(os.environ)
    try:
        settings = load_settings(config_path(args.config, os.environ), os.environ)
    except ConfigError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)  # noqa: T201 - the command line is the interface
        return ExitStatus.CONFIG
    if not args.reason.strip():
        print("kiosk: --reason must say who checked what on the central", file=sys.stderr)  # noqa: T201
        return ExitStatus.FAILED
    name, version = JOURNALS[args.journal]
    try:
        # A running kiosk has the journals open: it must be stopped first.
        with lock_data_dir(settings.data_dir):
            moved = accept_fresh_start(
                settings.data_dir / args.journal,
                name=name,
                version=version,
                reason=" ".join(args.reason.split()),
                now=datetime.now(UTC),
            )
    except (DataDirLockError, ValueError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)  # noqa: T201
        return ExitStatus.FAILED
    kept = ", ".join(path.name for path in moved) or "nothing"
    print(
        f"{name} {args.journal}: staff's decision recorded in {settings.data_dir / DECISIONS_FILE_NAME};"
        f" set aside: {kept}. The next `kiosk run` opens it as it is now, or creates it if it is gone.",
        file=out,
    )
    return ExitStatus.STOPPED
