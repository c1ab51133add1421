"""`kiosk central --workers 2`, run as the operator runs it (the installed console script), on each database:
the rules that decide money hold across worker processes, and payment news crosses from one worker to another.

Each race is run many times over, so that requests land on both workers (the kernel hands each connection to
whichever worker accepts first): 0 violations is the only passing result.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kiosk_central.db import Connection, open_database
from tests.helpers.tls import make_certificates
from tests.test_documented_commands import kiosk_script, user_env

ROUNDS = 6  # races of each kind per run


@dataclass(frozen=True)
class Workers:
    url: str
    token: str
    database: str
    process: subprocess.Popen[str]
    first_lines: str


def _start(home: Path, *args: str, **env: str) -> Workers:
    process = subprocess.Popen(
        [kiosk_script(), "central", "--demo", "--port", "0", "--workers", "2", *args],
        env=user_env(home, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    url = token = ""
    while not (url and token and any("data in" in line for line in lines)):
        line = process.stdout.readline()
        assert line, (
            f"`kiosk central --workers 2` ended early: {process.stderr.read() if process.stderr else ''}"
        )
        lines.append(line)
        if match := re.search(r"listening on (https?://\S+)", line):
            url = match.group(1)
        if match := re.search(r"demo token (\S+)", line):
            token = match.group(1)
    return Workers(url, token, env.get("KIOSK_CENTRAL_DATABASE_URL", ""), process, "".join(lines))


def _stop(workers: Workers) -> subprocess.CompletedProcess[str]:
    workers.process.send_signal(signal.SIGTERM)
    out, err = workers.process.communicate(timeout=30)
    return subprocess.CompletedProcess(workers.process.args, workers.process.returncode, out, err)


@pytest.fixture
def workers(tmp_path: Path, database_url: str) -> Iterator[Workers]:
    """A demo central of two worker processes on a fresh database of each kind, the URL given by the environment
    (as the deployment guide has it: a password stays off the command line)."""
    started = _start(tmp_path, KIOSK_CENTRAL_DATABASE_URL=database_url)
    try:
        _wait_for_both_workers(started)
        yield started
    finally:
        if started.process.poll() is None:
            _stop(started)


def _wait_for_both_workers(workers: Workers) -> None:
    deadline = time.monotonic() + 60
    while len(_children(workers.process.pid)) < 2:
        assert time.monotonic() < deadline, "two worker processes did not start"
        time.sleep(0.1)
    # Each worker answers once it has built its app; the socket was listening before.
    with httpx.Client(base_url=workers.url, timeout=30) as http:
        for _ in range(10):
            assert http.get("/v1/health").status_code == 200


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _client(workers: Workers) -> httpx.AsyncClient:
    # No connection reuse: each request is a new connection, which either worker may accept.
    return httpx.AsyncClient(
        base_url=workers.url,
        headers={"Authorization": f"Bearer {workers.token}"},
        timeout=60,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


async def _unpaid(http: httpx.AsyncClient, code: str) -> list[dict[str, object]]:
    answer = await http.get(f"/v1/customers/{code}/bills")
    answer.raise_for_status()
    bills: list[dict[str, object]] = answer.json()["bills"]
    return bills


def _create(http: httpx.AsyncClient, code: str, bill_ids: list[object], key: str) -> object:
    return http.post(
        "/v1/payments",
        json={"customer_code": code, "bill_ids": bill_ids, "method": "vietqr"},
        headers={"Idempotency-Key": key},
    )


async def _notice(
    http: httpx.AsyncClient, reference: str, amount: int, transaction_id: str
) -> httpx.Response:
    return await http.post(
        "/v1/sim/bank-transfers",
        json={"transaction_id": transaction_id, "reference": reference, "amount": amount},
    )


def _violations(database: str) -> list[str]:
    """What the database holds against the rules: a bill paid twice, money applied twice to one payment, a paid
    payment without its money, money applied to bills that are not paid by it."""
    db = open_database(database)
    try:

        def look(conn: Connection) -> list[str]:
            found = []
            for payment_id, n in conn.execute(
                "SELECT payment_id, count(*) FROM bank_transfers WHERE outcome = 'applied' AND payment_id IS NOT NULL"
                " GROUP BY payment_id"
            ).fetchall():
                if n != 1:
                    found.append(f"payment {payment_id} had money applied {n} times")
            paid = {r[0] for r in conn.execute("SELECT id FROM payments WHERE status = 'paid'")}
            applied = {
                r[0]
                for r in conn.execute(
                    "SELECT payment_id FROM bank_transfers WHERE outcome = 'applied' AND payment_id IS NOT NULL"
                )
            }
            if paid != applied:
                found.append(
                    f"paid payments {sorted(paid)} are not those with money applied {sorted(applied)}"
                )
            for bill_id, paid_by in conn.execute(
                "SELECT id, paid_by FROM bills WHERE paid_by LIKE 'pay_%'"
            ).fetchall():
                if paid_by not in paid:
                    found.append(f"bill {bill_id} is paid by {paid_by}, which is not a paid payment")
            return found

        return db.read(look)
    finally:
        db.close()


@pytest.mark.asyncio
async def test_exactly_once_across_two_worker_processes(workers: Workers) -> None:
    codes = ["PE01000123456", "PD02000234567", "PA12000345678", "PQ01000678901", "PC03000567890"]
    outcomes: Counter[str] = Counter()
    async with _client(workers) as http:
        for round_ in range(ROUNDS):
            code = codes[round_ % len(codes)]
            bills = await _unpaid(http, code)
            if not bills:
                continue
            oldest = [bills[0]["id"]]
            # The same key, eight times at once: one payment.
            same_key = await asyncio.gather(
                *(_create(http, code, oldest, f"same-key-{round_:03d}") for _ in range(8))
            )
            assert {a.status_code for a in same_key} <= {200, 201}, [a.text for a in same_key]
            assert sorted(a.status_code for a in same_key).count(201) == 1
            assert len({a.json()["id"] for a in same_key}) == 1
            first = same_key[0].json()
            # The same bills under other keys, at once: refused while the first is live.
            others = await asyncio.gather(
                *(_create(http, code, oldest, f"other-{round_:03d}-{n}") for n in range(6))
            )
            assert {a.json()["error"]["code"] for a in others} == {"payment_in_progress"}
            # The bank's notice racing the kiosk's cancel, and the same notice's money twice (two transactions).
            notice = _notice(http, first["reference"], first["amount"], f"FT{round_:06d}A")
            again = _notice(http, first["reference"], first["amount"], f"FT{round_:06d}B")
            cancel = http.post(f"/v1/payments/{first['id']}/cancel")
            got = await asyncio.gather(notice, again, cancel)
            reasons = sorted(str(g.json().get("reason")) for g in got[:2])
            outcomes[",".join(reasons) + f"|cancel {got[2].status_code}"] += 1
            # One transfer applied, the other a refund, whichever order: the bill was collected once.
            assert [g.json()["outcome"] for g in got[:2]].count("applied") == 1, [g.text for g in got]
            final = (await http.get(f"/v1/payments/{first['id']}")).json()
            assert final["status"] == "paid"
    assert _violations(workers.database) == []
    assert sum(outcomes.values()) >= ROUNDS - 1


@pytest.mark.asyncio
async def test_payment_news_crosses_from_one_worker_to_the_other(workers: Workers) -> None:
    """Ten long polls, each on its own connection, and the notices on others: whichever worker holds a poll and
    whichever takes the notice, every poll is answered paid long before its wait is up."""
    codes = ["PE01000123456", "PD02000234567", "PA12000345678", "PQ01000678901", "PC03000567890"]
    async with _client(workers) as http:
        made = []
        for n, code in enumerate(codes):
            bills = await _unpaid(http, code)
            answer = await _create(http, code, [bills[0]["id"]], f"news-{n:03d}")
            made.append(answer.json())

        async def poll(payment_id: str) -> tuple[str, float]:
            started = time.monotonic()
            answer = await http.get(f"/v1/payments/{payment_id}", params={"wait": 25})
            return answer.json()["status"], time.monotonic() - started

        polls = [asyncio.create_task(poll(p["id"])) for p in made for _ in range(2)]
        await asyncio.sleep(1.0)
        assert not any(p.done() for p in polls), "a pending payment's poll waits"
        for n, p in enumerate(made):
            assert (await _notice(http, p["reference"], p["amount"], f"FTNEWS{n:04d}")).json()[
                "outcome"
            ] == "applied"
        answered = await asyncio.wait_for(asyncio.gather(*polls), 30)
    assert {status for status, _ in answered} == {"paid"}
    assert max(took for _, took in answered) < 10


def test_the_demo_clock_is_refused_with_two_workers_and_the_url_is_not_printed(
    tmp_path: Path, postgres_url: str
) -> None:
    secret_url = postgres_url  # with the test role's password in it
    started = _start(tmp_path, KIOSK_CENTRAL_DATABASE_URL=secret_url)
    try:
        _wait_for_both_workers(started)
        with httpx.Client(base_url=started.url, headers={"Authorization": f"Bearer {started.token}"}) as http:
            answer = http.post("/v1/sim/clock", json={"seconds": 60})
        assert answer.status_code == 409
        assert answer.json()["error"]["code"] == "clock_fixed"
        assert "2 worker(s)" in started.first_lines
        password = httpx.URL(secret_url).password
        assert password
        assert password not in started.first_lines
    finally:
        stopped = _stop(started)
    assert password not in stopped.stdout + stopped.stderr


def test_two_workers_stop_on_sigterm_even_with_a_long_poll_held(tmp_path: Path) -> None:
    started = _start(tmp_path)
    _wait_for_both_workers(started)
    with httpx.Client(
        base_url=started.url, headers={"Authorization": f"Bearer {started.token}"}, timeout=60
    ) as http:
        bills = http.get("/v1/customers/PE01000123456/bills").json()["bills"]
        made = http.post(
            "/v1/payments",
            json={"customer_code": "PE01000123456", "bill_ids": [bills[0]["id"]], "method": "vietqr"},
            headers={"Idempotency-Key": "held-poll-0001"},
        ).json()

    def hold() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the stop ends it: that is the point
            httpx.get(
                f"{started.url}/v1/payments/{made['id']}?wait=30",
                headers={"Authorization": f"Bearer {started.token}"},
                timeout=40,
            )

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(1.0)
    began = time.monotonic()
    stopped = _stop(started)
    took = time.monotonic() - began
    holder.join(timeout=40)
    assert stopped.returncode == 0, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert took < 15, f"stopping took {took:.1f} s: the held poll kept it"
    assert _children(started.process.pid) == []
    assert not Path(f"/proc/{started.process.pid}").exists()


def test_a_production_central_on_postgresql_with_the_url_on_the_command_line(
    tmp_path: Path, postgres_url: str
) -> None:
    """`kiosk central --db postgresql://… --token …` (the deployment guide: it works, though the environment is the
    better place for the password): an empty production database, created at start, serving its kiosk's token."""
    process = subprocess.Popen(
        [
            kiosk_script(),
            "central",
            "--port",
            "0",
            "--workers",
            "2",
            "--db",
            postgres_url,
            "--token",
            "HN-01=hn-kiosk-token-0123456789",
        ],
        env=user_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = ""
    while not url:
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
        if match := re.search(r"listening on (http://\S+) \(production\)", line):
            url = match.group(1)
    try:
        with httpx.Client(
            base_url=url, headers={"Authorization": "Bearer hn-kiosk-token-0123456789"}, timeout=30
        ) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    answer = http.get("/v1/customers/PE01000123456")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            assert answer.status_code == 404
            assert answer.json()["error"]["code"] == "customer_not_found"
            assert http.post("/v1/sim/clock", json={"seconds": 1}).status_code == 404  # no demo here
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_a_central_that_cannot_reach_its_database_says_so_without_the_password(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    result = subprocess.run(
        [kiosk_script(), "central", "--port", "0", "--token", "HN-01=hn-kiosk-token-0123456789"],
        env=user_env(
            tmp_path, KIOSK_CENTRAL_DATABASE_URL=f"postgresql://kiosk:s3cret-pw@127.0.0.1:{port}/central"
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("kiosk central: "), result.stderr
    assert "Traceback" not in result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr


def test_two_workers_serve_https_with_the_centrals_own_certificate(tmp_path: Path) -> None:
    """`kiosk central --workers 2 --tls-cert … --tls-key …` (docs/deployment.md, a small site without a proxy):
    every worker serves https:// with the certificate, whichever takes the connection."""
    certificates = make_certificates(tmp_path)
    pem = str(certificates.good)
    started = _start(tmp_path, "--host", "127.0.0.1", "--tls-cert", pem, "--tls-key", pem)
    try:
        assert started.url.startswith("https://")
        deadline = time.monotonic() + 60
        while len(_children(started.process.pid)) < 2:
            assert time.monotonic() < deadline, "two worker processes did not start"
            time.sleep(0.1)
        answered = 0
        # A new connection (and TLS handshake) each time: both workers are asked.
        trust = ssl.create_default_context(cafile=str(certificates.ca_file))
        for _ in range(10):
            with httpx.Client(verify=trust, timeout=30) as http:
                answer = http.get(f"{started.url}/v1/health")
            answered += answer.status_code == 200
        assert answered == 10
    finally:
        stopped = _stop(started)
    assert stopped.returncode == 0, stopped.stderr
