"""schemathesis against the reference central, over loopback: every operation of the contract, with every
check (server errors, undeclared statuses and headers, schema-valid requests refused, schema-invalid ones
accepted, answers that break the schema), must find nothing.

CI runs a short pass with a fixed seed. A longer one, or another seed, through the environment:
``KIOSK_FUZZ_EXAMPLES=500 KIOSK_FUZZ_SEED=random pytest tests/central/test_central_fuzzed_contract.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kiosk_central.db import is_postgresql
from tests.helpers.central import FLEET_TOKEN, KIOSK_ID, running_central

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "25"))
SEED = os.environ.get("KIOSK_FUZZ_SEED", "20261207")


def _schemathesis() -> str:
    beside_python = Path(sys.executable).with_name("schemathesis")
    found = str(beside_python) if beside_python.exists() else shutil.which("schemathesis")
    assert found, "schemathesis is in the test extras: pip install -e '.[test]'"
    return found


def _fuzz(url: str, token: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    command = [
        _schemathesis(),
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--continue-on-failure",
        "--workers",
        "1",
        "--no-color",
    ]
    if SEED != "random":
        command += ["--seed", SEED]
    environment = os.environ | {"KIOSK_TOKEN": token, "FLEET_TOKEN": FLEET_TOKEN, "KIOSK_ID": KIOSK_ID}
    # schemathesis keeps its hypothesis database and reports in the working directory: a temporary one.
    return subprocess.run(
        command, cwd=workdir, env=environment, capture_output=True, text=True, timeout=1800, check=False
    )


def test_schemathesis_finds_nothing(tmp_path: Path, demo_database_url: str) -> None:
    url = demo_database_url
    with running_central(url if is_postgresql(url) else Path(url)) as central:
        result = _fuzz(central.url, central.token, tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "No issues found" in report or "0 failures" in report or "passed" in report, report
    # Every operation the contract names was tried, none skipped for want of a way to call it.
    tested = next(line for line in report.splitlines() if line.strip().startswith("Tested:"))
    selected = next(line for line in report.splitlines() if line.strip().startswith("Selected:"))
    assert tested.split(":")[1].strip() == selected.split(":")[1].strip().split("/")[0], report
