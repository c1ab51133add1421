"""Static checks run with the tests, so CI and the README's one test command cover them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _run(*command: str) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff() -> None:
    _run(sys.executable, "-m", "ruff", "check", "--no-cache", ".")


def test_ruff_format() -> None:
    _run(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".")


@pytest.mark.slow
def test_mypy() -> None:
    _run(sys.executable, "-m", "mypy")


def test_import_contracts() -> None:
    """The layering of STYLE.md: a Qt-free core, a server that shares only the contract and the codec."""
    _run(
        sys.executable,
        "-c",
        "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
    )
