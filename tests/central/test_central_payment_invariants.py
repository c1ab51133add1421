"""Property-based: whatever kiosks, banks, counters, printed bill QRs and the clock do, no bill is
collected twice."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kiosk_central.clock import to_text
from kiosk_central.db import Connection
from tests.helpers.central import running_central
from tests.helpers.postgres import PostgresServer

CODES = ["PE01000123456", "PD02000234567", "PA12000345678"]


class PaymentWorld(RuleBasedStateMachine):
    # Where each example's central keeps its data: a new SQLite file, or a copy of PostgreSQL's demo database.
    postgres: PostgresServer | None = None

    def __init__(self) -> None:
        super().__init__()
        self._stack = ExitStack()
        if self.postgres is None:
            target: Path | str = Path(self._stack.enter_context(tempfile.TemporaryDirectory())) / "central.db"
        else:
            target = self._stack.enter_context(self.postgres.fresh_database(demo=True))
        self.central = self._stack.enter_context(running_central(target))
        self.http = self._stack.enter_context(
            httpx.Client(base_url=self.central.url, headers={"Authorization": f"Bearer {self.central.token}"})
        )
        self.payments: list[dict[str, Any]] = []
        self.bill_qrs: dict[str, dict[str, Any]] = {}
        self.keys = 0
        # Every notice the bank sent, with the central's first answer: the bank may send any again.
        self.notices: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def _notice(self, reference: str, amount: int) -> httpx.Response:
        notice = {"transaction_id": f"FT{len(self.notices):014d}", "reference": reference, "amount": amount}
        response = self.http.post("/v1/sim/bank-transfers", json=notice)
        if response.status_code == 200:
            self.notices.append((notice, response.json()))
        return response

    def teardown(self) -> None:
        self._stack.close()

    def _unpaid(self, code: str) -> list[str]:
        return [b["id"] for b in self.http.get(f"/v1/customers/{code}/bills").json()["bills"]]

    @rule(code=st.sampled_from(CODES), count=st.integers(1, 3), method=st.just("vietqr"))
    def create(self, code: str, count: int, method: str) -> None:
        bill_ids = self._unpaid(code)[:count]
        if not bill_ids:
            return
        self.keys += 1
        response = self.http.post(
            "/v1/payments",
            json={"customer_code": code, "bill_ids": bill_ids, "method": method},
            headers={"Idempotency-Key": f"key-{self.keys:06d}"},
        )
        assert response.status_code in (201, 409), response.text
        if response.status_code == 201:
            self.payments.append(response.json())

    @rule(data=st.data(), delta=st.sampled_from([0, 0, -1000]))
    def bank_notice(self, data: st.DataObject, delta: int) -> None:
        if self.payments:
            p = data.draw(st.sampled_from(self.payments))
            response = self._notice(p["reference"], p["amount"] + delta)
            assert response.status_code == 200, response.text

    @rule(data=st.data())
    def bank_notice_sent_again(self, data: st.DataObject) -> None:
        """The bank did not hear the acknowledgement and sends a notice again, whatever happened since."""
        if self.notices:
            notice, first = data.draw(st.sampled_from(self.notices))
            response = self.http.post("/v1/sim/bank-transfers", json=notice)
            assert response.status_code == 200, response.text
            assert response.json() == first

    @rule(code=st.sampled_from(CODES), data=st.data())
    def print_bill_qr(self, code: str, data: st.DataObject) -> None:
        bills = self.http.get(f"/v1/customers/{code}/bills", params={"status": "all"}).json()["bills"]
        bill = data.draw(st.sampled_from(bills[-4:]))
        response = self.http.get(f"/v1/bills/{bill['id']}/payment-qr")
        assert response.status_code == (409 if bill["status"] == "paid" else 200), response.text
        if response.status_code == 200:
            assert self.bill_qrs.setdefault(bill["id"], response.json()) == response.json()

    @rule(data=st.data(), delta=st.sampled_from([0, 0, -1000]))
    def bank_notice_for_bill_qr(self, data: st.DataObject, delta: int) -> None:
        if not self.bill_qrs:
            return
        qr = data.draw(st.sampled_from(sorted(self.bill_qrs.values(), key=lambda q: q["bill_id"])))
        [(paid_by,)] = self.central.values("SELECT paid_by FROM bills WHERE id = ?", (qr["bill_id"],))
        response = self._notice(qr["reference"], qr["amount"] + delta)
        assert response.status_code == 200, response.text
        if paid_by == qr["reference"]:
            expected = "duplicate"
        elif delta:
            expected = "amount_mismatch"
        elif paid_by is not None:
            expected = "bills_already_paid"
        else:
            expected = None
        assert response.json()["reason"] == expected
        assert response.json()["payment_id"] is None

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        if self.payments:
            p = data.draw(st.sampled_from(self.payments))
            assert self.http.post(f"/v1/payments/{p['id']}/cancel").status_code in (200, 409)

    @rule(code=st.sampled_from(CODES))
    def paid_at_counter(self, code: str) -> None:
        unpaid = self._unpaid(code)
        if unpaid:
            assert self.http.post("/v1/sim/counter-payments", json={"bill_id": unpaid[0]}).status_code == 204

    @rule(minutes=st.integers(1, 20))
    def time_passes(self, minutes: int) -> None:
        self.http.post("/v1/sim/clock", json={"seconds": minutes * 60})

    @invariant()
    def each_transaction_is_recorded_once(self) -> None:
        recorded = self.central.values("SELECT transaction_id FROM bank_transfers ORDER BY id")
        assert [t for (t,) in recorded] == [notice["transaction_id"] for notice, _ in self.notices]

    @invariant()
    def each_bill_is_collected_once(self) -> None:
        def check(db: Connection) -> None:
            applied = db.execute(
                """SELECT payment_id, count(*) FROM bank_transfers
                   WHERE outcome = 'applied' AND payment_id IS NOT NULL GROUP BY payment_id"""
            ).fetchall()
            assert all(n == 1 for _, n in applied)
            applied_ids = {pid for pid, _ in applied}
            paid = {pid for (pid,) in db.execute("SELECT id FROM payments WHERE status = 'paid'")}
            assert paid == applied_ids
            # Every bill paid through a payment belongs to exactly that one paid payment; a bill paid
            # any other way (counter, its own QR) to none.
            for bill_id, paid_by in db.execute("SELECT id, paid_by FROM bills WHERE paid_at IS NOT NULL"):
                owners = db.execute(
                    """SELECT p.id FROM payments p JOIN payment_bills pb ON pb.payment_id = p.id
                       WHERE pb.bill_id = ? AND p.status = 'paid'""",
                    (bill_id,),
                ).fetchall()
                assert [o[0] for o in owners] == ([paid_by] if paid_by.startswith("pay_") else [])
            # Every bill paid by its own QR got exactly one applied transfer, for its total, and no
            # applied transfer without a payment is anything else.
            by_qr = db.execute("SELECT id, paid_by, total FROM bills WHERE paid_by LIKE 'HD%'").fetchall()
            assert all(paid_by == "HD" + bill_id.replace("-", "") for bill_id, paid_by, _ in by_qr)
            qr_money = [
                tuple(r)
                for r in db.execute(
                    "SELECT reference, amount FROM bank_transfers WHERE outcome = 'applied' AND payment_id IS NULL"
                ).fetchall()
            ]
            assert sorted(qr_money) == sorted((paid_by, total) for _, paid_by, total in by_qr)
            # Money applied equals the bills it paid for.
            money_in = db.execute(
                "SELECT coalesce(sum(amount), 0) FROM bank_transfers WHERE outcome = 'applied'"
            )
            billed = db.execute(
                "SELECT coalesce(sum(total), 0) FROM bills WHERE paid_by LIKE 'pay_%' OR paid_by LIKE 'HD%'"
            )
            assert money_in.fetchone()[0] == billed.fetchone()[0]
            # No live payment (pending and not expired, by the central's clock) covers a paid bill.
            stale = db.execute(
                """SELECT count(*) FROM payments p JOIN payment_bills pb ON pb.payment_id = p.id
                   JOIN bills b ON b.id = pb.bill_id
                   WHERE p.status = 'pending' AND p.expires_at > ? AND b.paid_at IS NOT NULL""",
                (to_text(self.central.clock.now()),),
            ).fetchone()[0]
            assert stale == 0

        self.central.database.read(check)


WORLD = settings(
    max_examples=12, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_no_bill_is_collected_twice() -> None:
    run_state_machine_as_test(PaymentWorld, settings=WORLD)


def test_no_bill_is_collected_twice_on_postgresql(postgres: PostgresServer) -> None:
    world = type("PaymentWorldOnPostgres", (PaymentWorld,), {"postgres": postgres})
    run_state_machine_as_test(world, settings=WORLD)
