"""Small JSON files the kiosk keeps beside its journals (the staff PIN count, staff's preferences)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def write_json_atomically(path: Path, data: object) -> None:
    """Replace ``path`` with ``data`` atomically and durably: a power cut leaves the old file or the new one.
    Raises ``OSError``; blocks on fsync, so call it off the GUI thread."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary: Path | None = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file)
            file.flush()
            os.fsync(file.fileno())
        Path(name).replace(path)
        temporary = None
        # The rename itself is durable only once the directory is synced.
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
