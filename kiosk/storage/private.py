"""The kiosk's files are the customer's business: readable by the kiosk's own user only.

A kiosk started outside systemd (by hand, from a desktop session, by a display manager) inherits whatever umask
its parent had, often 022: journals, outbox and printouts would be readable by every account on the machine.
So the kiosk sets its own umask before it writes anything (files 0600, directories 0700), and tightens a data
directory (and what is in it) made before this rule, or by an installer with looser modes.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "keep_files_private", "user_cache_dir"]

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
_UMASK = 0o077


def user_cache_dir(part: str) -> Path:
    """The kiosk's cache directory for ``part`` (``$XDG_CACHE_HOME/evn-kiosk/PART``): per user, so that nobody
    else can change what the kiosk loads from it; its users create it 0700."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "evn-kiosk" / part


def keep_files_private(data_dir: Path) -> None:
    """From now on every file this process creates is its user's only; ``data_dir`` (created if missing) and
    everything already in it is made so too."""
    os.umask(_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True)
    _tighten(data_dir, PRIVATE_DIR_MODE)
    for root, dirs, files in os.walk(data_dir):
        for name in dirs:
            _tighten(Path(root) / name, PRIVATE_DIR_MODE)
        for name in files:
            _tighten(Path(root) / name, PRIVATE_FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    # Never follow a link out of the data directory (it may point at a file the kiosk does not own).
    if not path.is_symlink() and path.stat().st_mode & 0o777 != mode:
        path.chmod(mode)
