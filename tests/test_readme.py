"""The README's promises: its test command is the one CI runs, and its demo table is the real data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk_central.cli import demo_customers_markdown

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if "pytest" in line and not line.startswith("#"))
    assert command in README


def test_the_first_command_installs_and_runs_the_kiosk_in_demo_mode() -> None:
    # tests/shell/test_run_command.py runs `kiosk --demo --smoke` for real.
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    assert "python3 -m pip install -e . && kiosk --demo\n" in first_block


def test_the_demo_customers_table_matches_the_seed() -> None:
    assert demo_customers_markdown() in README


def test_kiosk_help_lists_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--help"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "central" in result.stdout
    assert "demo-customers" in result.stdout
