"""One kiosk process per data directory: an operating-system lock held for the life of the process.

Two kiosks on one data directory (a second unit started by hand, `kiosk run` typed while the service runs) would
share the journals: the second's start-up reconcile cancels the QR a customer is scanning at the first. So
`kiosk run` takes an exclusive ``flock`` on ``kiosk.lock`` in the data directory before it opens any journal,
and a second process is refused at once, with the holder's PID (written in the file). The lock belongs to the
open file, so the kernel releases it when the process dies, however it dies: a stale file from a kill -9 never
keeps the next kiosk out.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path

__all__ = [
    "LOCK_FILE_NAME",
    "DataDirInUseError",
    "DataDirLock",
    "DataDirLockError",
    "holder_of",
    "lock_data_dir",
]

LOCK_FILE_NAME = "kiosk.lock"


class DataDirLockError(Exception):
    """The data directory's lock cannot be taken; the message says why and what to do."""


class DataDirInUseError(DataDirLockError):
    """Another process holds the data directory's lock."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        holder = f" (PID {pid})" if pid is not None else ""
        super().__init__(
            f"another kiosk process{holder} is already using the data directory {data_dir}; a second one would"
            " share its journals and cancel the payment a customer is making there — stop the other one"
            " (`systemctl status evn-kiosk`), or give this one another data_dir"
        )
        self.pid = pid


class DataDirLock:
    """The held lock; :meth:`release` (or the end of the process) gives it back."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor releases the flock
            self._fd = None

    def __enter__(self) -> DataDirLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def lock_data_dir(data_dir: Path) -> DataDirLock:
    """Takes the data directory's lock for this process, or raises :class:`DataDirInUseError` at once."""
    path = data_dir / LOCK_FILE_NAME
    try:
        # Not inherited by children (PEP 446): a helper process must not keep the lock after the kiosk died.
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise DataDirLockError(
            f"cannot create the lock file {path} ({exc.strerror}): the data directory is read-only or not the"
            " kiosk user's — give the kiosk's user write access to it, or run `kiosk doctor`"
        ) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        pid = _read_pid(fd)
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise DataDirInUseError(data_dir, pid) from exc
        raise DataDirLockError(f"cannot lock {path} ({exc.strerror})") from exc
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except OSError:
        pass  # the PID is only a courtesy to whoever is refused next; the lock is what counts
    return DataDirLock(path, fd)


def holder_of(data_dir: Path) -> tuple[bool, int | None]:
    """Whether a process holds the data directory's lock now, and its PID if it wrote one. For `kiosk doctor`:
    takes the lock for an instant when nobody holds it (never creates the file)."""
    path = data_dir / LOCK_FILE_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False, None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True, _read_pid(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False, None
    finally:
        os.close(fd)


def _read_pid(fd: int) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int(os.pread(fd, 32, 0).decode("ascii").strip())
    return None
