"""The long fault run of docs/reliability.md, run as the docs write it (with a handful of scenarios): the command
works from a shell, both runners report, and nothing broke."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
DOC = ROOT / "docs" / "reliability.md"
BLOCK = re.compile(r"<!-- scale-up command:[^>]*-->\n```sh\n(?P<command>.*?)\n```", re.DOTALL)


def documented_command() -> str:
    match = BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert match is not None, "docs/reliability.md lost its scale-up command block"
    return match["command"]


@pytest.mark.slow
def test_the_documented_long_run_works_as_written(tmp_path: Path) -> None:
    command = documented_command()
    assert "PAYMENT_FAULT_SCENARIOS=10000" in command
    assert "OUTBOX_FAULT_SCENARIOS=10000" in command
    small = command.replace("_SCENARIOS=10000", "_SCENARIOS=6")
    for report in ("payment-faults.json", "outbox-faults.json"):
        small = small.replace(f"={report}", f"={tmp_path / report}")
    # The user's python3 is this interpreter (the one pip installed the kiosk for).
    small = re.sub(r"^python3 ", f"{sys.executable} ", small, flags=re.MULTILINE)
    done = subprocess.run(
        ["bash", "-c", small + " -p no:cacheprovider"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    for report in ("payment-faults.json", "outbox-faults.json"):
        summary = json.loads((tmp_path / report).read_text(encoding="utf-8"))
        assert (summary["scenarios"], summary["violations"]) == (6, 0), (report, summary)
