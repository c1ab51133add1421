"""A broken promise, as the invariant checks of both fault suites report it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["InvariantError", "Violation"]


@dataclass(frozen=True)
class Violation:
    invariant: int
    message: str

    def __str__(self) -> str:
        return f"invariant {self.invariant}: {self.message}"


class InvariantError(AssertionError):
    def __init__(self, violations: Sequence[Violation], context: str = "") -> None:
        self.violations = tuple(violations)
        lines = "\n  ".join(str(v) for v in violations)
        super().__init__(f"{context}{' ' if context else ''}{len(violations)} violation(s):\n  {lines}")
