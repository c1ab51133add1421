"""Searching what a kiosk wrote for personal data it should have erased: every byte of every file under a
directory, in the encodings text can take on disk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path


def encodings(value: str) -> list[bytes]:
    return [value.encode("utf-8"), value.encode("utf-16-le"), value.encode("utf-16-be")]


@dataclass
class Search:
    """Where the canaries were found, and how much was searched (for the figures a closing note gives)."""

    hits: list[str] = field(default_factory=list)
    files: int = 0
    size: int = 0


def search_files(
    root: Path, values: Iterable[str], *, skip: Callable[[Path], bool] = lambda _: False
) -> Search:
    """Every file under ``root`` (SQLite's -wal and -shm, printouts, temporary and settings files alike) but
    those ``skip`` names, read whole and searched for each of ``values``."""
    wanted = [(value, encodings(value)) for value in values if value]
    search = Search()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not skip(p)):
        raw = path.read_bytes()
        search.files += 1
        search.size += len(raw)
        search.hits += [
            f"{path.relative_to(root)}: {v}" for v, forms in wanted if any(f in raw for f in forms)
        ]
    return search
