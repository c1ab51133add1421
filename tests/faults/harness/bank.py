"""The bank, as the fault tests drive it: it sends the central a notice for each transfer its customers make,
re-sends a notice whose acknowledgement it did not get (the same transaction id, sometimes two copies at
once), and keeps the ledger of every transaction the central acknowledged, which the money invariant
compares with the central's records.

Customers make mistakes the bank does not correct: a transfer of another amount than the QR's, or with a
reference that names nothing. Those are real money too, and the central must record them for refund.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from kiosk.demo.simulator import DemoClient, new_transaction_id

__all__ = ["Bank", "Notice"]


@dataclass(frozen=True)
class Notice:
    """One transfer as the bank knows it: its transaction id, the reference the customer typed or scanned,
    and the amount that left their account."""

    transaction_id: str
    reference: str
    amount: int


@dataclass
class Bank:
    client: DemoClient
    # Every transaction the central acknowledged at least once, in the order they were made.
    ledger: list[Notice] = field(default_factory=list)
    # What the central answered each first notice: "applied" or the reason it is due for refund.
    outcomes: Counter[str] = field(default_factory=Counter)
    resent: int = 0
    resent_concurrently: int = 0

    async def transfer(self, reference: str, amount: int, *, copies: int = 1) -> Notice:
        """A customer's transfer, its notice sent once or as ``copies`` racing copies (a bank's retry that
        overtakes its first attempt); the bank records the central's acknowledgement."""
        notice = Notice(new_transaction_id(), reference, amount)
        sends = [
            self.client.sim_bank_transfer(reference, amount, transaction_id=notice.transaction_id)
            for _ in range(copies)
        ]
        results = await asyncio.gather(*sends)
        if len({(r.id, r.outcome, r.reason) for r in results}) != 1:
            raise AssertionError(f"racing copies of one notice answered differently: {results}")
        self.ledger.append(notice)
        self.outcomes[results[0].reason or results[0].outcome] += 1
        if copies > 1:
            self.resent_concurrently += 1
        return notice

    async def resend(self, notice: Notice, *, copies: int = 1) -> None:
        """The acknowledgement of ``notice`` was lost on the bank's side: it sends the notice again, once
        or as ``copies`` racing copies (a bank's retry overtaking its own first attempt)."""
        sends = [
            self.client.sim_bank_transfer(
                notice.reference, notice.amount, transaction_id=notice.transaction_id
            )
            for _ in range(copies)
        ]
        await asyncio.gather(*sends)
        self.resent += copies
        if copies > 1:
            self.resent_concurrently += 1
