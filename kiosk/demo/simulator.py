"""The demo central's simulated outside world (``/v1/sim/``, answered only by `kiosk central --demo`): the bank
that says money arrived, a bill paid at a counter, the SMS gateway's delivered code, and the central's clock.

The demo kiosk uses it for its keys (F3 pays the QR on screen, F4 types the code), the gallery to make real
payments and requests, and the tests to play the customer's phone and the world around the kiosk. A real
central answers none of it.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from kiosk.central.client import CentralClient

if TYPE_CHECKING:
    # Imported by each call, as in CentralClient: the demo starts without the models too.
    from kiosk.central.models import BankTransferResult, SimClock, SimOtp

__all__ = ["DemoClient", "new_transaction_id"]


def new_transaction_id() -> str:
    """A made-up bank transaction id, in the shape of a Vietnamese bank's FT number (``FT`` + 14 digits)."""
    return "FT" + "".join(secrets.choice("0123456789") for _ in range(14))


class DemoClient(CentralClient):
    """The central's client, with the demo central's simulation calls."""

    async def sim_bank_transfer(
        self, reference: str, amount: int, *, transaction_id: str | None = None
    ) -> BankTransferResult:
        """Demo: the bank says ``amount`` arrived with ``reference``, in the transfer ``transaction_id``.

        The bank gives every transfer its own id and sends it on every notice of that transfer: the
        central records a transaction once, so the same id again is the notice re-sent (answered as the
        first). Without an id this is a new transfer (the customer paid again), with an id made up here.
        Never retried by the client: a test that means a re-sent notice sends it again with its id."""
        from kiosk.central.models import BankTransferResult

        return await self._call(
            BankTransferResult,
            "POST",
            "/v1/sim/bank-transfers",
            body={
                "transaction_id": transaction_id or new_transaction_id(),
                "reference": reference,
                "amount": amount,
            },
            retry=False,
        )

    async def sim_counter_payment(self, bill_id: str) -> None:
        """Demo: the bill is paid through another channel."""
        await self._exchange("POST", "/v1/sim/counter-payments", body={"bill_id": bill_id}, retry=False)

    async def sim_otp(self, otp_id: str) -> SimOtp:
        """Demo: the code the SMS gateway would have delivered."""
        from kiosk.central.models import SimOtp

        return await self._call(SimOtp, "GET", "/v1/sim/otps/{otp_id}", path={"otp_id": otp_id}, retry=False)

    async def sim_advance_clock(self, seconds: int) -> SimClock:
        """Demo: move the central's clock forward."""
        from kiosk.central.models import SimClock

        return await self._call(SimClock, "POST", "/v1/sim/clock", body={"seconds": seconds}, retry=False)
