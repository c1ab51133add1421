"""`kiosk central` as an operator runs it: a separate process on loopback."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk_central.app import ServerSettings, create_app
from kiosk_central.db import SchemaVersionError
from tests.helpers.central import TOKEN, running_central


@pytest.fixture
def demo_process() -> Iterator[tuple[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "central", "--demo", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        url = re.search(r"listening on (\S+)", process.stdout.readline())
        token = re.search(r"demo token (\S+)", process.stdout.readline())
        assert url, process.stderr.read() if process.stderr else ""
        assert token
        yield url.group(1), token.group(1)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_demo_mode_prints_its_address_and_a_token_that_works(demo_process: tuple[str, str]) -> None:
    url, token = demo_process
    assert httpx.get(f"{url}/v1/health", timeout=10).json()["demo"] is True
    customer = httpx.get(
        f"{url}/v1/customers/PE01000123456", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert customer.status_code == 200
    assert customer.json()["name"] == "Nguyễn V** H***"


def test_production_mode_needs_tokens_and_a_database(tmp_path: Path) -> None:
    no_token = subprocess.run(
        [sys.executable, "-m", "kiosk", "central", "--db", str(tmp_path / "c.db")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert no_token.returncode == 2
    assert "--token" in no_token.stderr
    no_db = subprocess.run(
        [sys.executable, "-m", "kiosk", "central", "--token", f"HN-01={TOKEN}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert no_db.returncode == 2
    assert "--db" in no_db.stderr


def test_production_mode_has_no_simulation(tmp_path: Path) -> None:
    with running_central(tmp_path / "c.db", demo=False) as central:
        response = httpx.post(
            f"{central.url}/v1/sim/bank-transfers",
            json={"transaction_id": "FT1", "reference": "X", "amount": 1},
            headers={"Authorization": f"Bearer {central.token}"},
        )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_database_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    create_app(ServerSettings(database=db, tokens={}))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError):
        create_app(ServerSettings(database=db, tokens={}))


def test_demo_customers_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "demo-customers", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"PE01000123456"' in result.stdout


@pytest.mark.parametrize(
    ("token", "words"),
    [
        (TOKEN, "as KIOSK_ID=TOKEN"),  # a token that belongs to no kiosk
        ("HN-01=short", "at least 16 characters"),
        (f"HN 01={TOKEN}", "is not a kiosk id"),
    ],
)
def test_a_token_is_given_with_its_kiosk(tmp_path: Path, token: str, words: str) -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "kiosk", "central", "--db", str(tmp_path / "c.db"), "--token", token],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert words in refused.stderr
    assert TOKEN not in refused.stderr  # the operator's terminal may be shared; the token is not repeated


def test_one_token_is_one_holder(tmp_path: Path) -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "kiosk", "central", "--db", str(tmp_path / "c.db"),
         "--token", f"HN-01={TOKEN}", "--fleet-token", TOKEN],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "the same token is given twice" in refused.stderr
