"""A kiosk-like process that writes rows to a journal and then waits to be killed (``kill -9``)::

    python -m tests.storage.writer KIND PATH ROWS [--pin-log]

It prints ``WROTE <n>`` once the rows are committed and then blocks reading stdin. ``--pin-log`` keeps a
second connection reading from before the writes, so that none of them can be copied from the write-ahead log
into the file: the process is as if killed between a commit and its copy.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from tests.storage.journals import KIND


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=sorted(KIND))
    parser.add_argument("path", type=Path)
    parser.add_argument("rows", type=int)
    parser.add_argument("--pin-log", action="store_true")
    args = parser.parse_args()
    kind = KIND[args.kind]
    journal = kind.open(args.path)
    if args.pin_log:
        reader = sqlite3.connect(args.path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute(f"SELECT count(*) FROM {kind.table}").fetchone()
    for n in range(args.rows):
        kind.write(journal, n)
    print(f"WROTE {args.rows}", flush=True)
    sys.stdin.read()  # until killed


if __name__ == "__main__":
    main()
