"""The demo central's simulated outside world (``/v1/sim/``, answered only by `kiosk central --demo`): the bank
that says money arrived, a bill paid at a counter, the SMS gateway's delivered code, and the central's clock.

The demo kiosk uses it for its keys (F3 pays the QR on screen, F4 types the code), the gallery to make real
payments and requests, and the tests to play the customer's phone and the world around the kiosk. A real
central answers none of it.
"""

from __future__ import annotations

from kiosk.central.client import CentralClient
from kiosk.central.models import BankTransferResult, SimClock, SimOtp

__all__ = ["DemoClient"]


class DemoClient(CentralClient):
    """The central's client, with the demo central's simulation calls."""

    async def sim_bank_transfer(self, reference: str, amount: int) -> BankTransferResult:
        """Demo: the bank says ``amount`` arrived with ``reference``. Never retried (a second notice)."""
        return await self._call(
            BankTransferResult,
            "POST",
            "/v1/sim/bank-transfers",
            body={"reference": reference, "amount": amount},
            retry=False,
        )

    async def sim_counter_payment(self, bill_id: str) -> None:
        """Demo: the bill is paid through another channel."""
        await self._exchange("POST", "/v1/sim/counter-payments", body={"bill_id": bill_id}, retry=False)

    async def sim_otp(self, otp_id: str) -> SimOtp:
        """Demo: the code the SMS gateway would have delivered."""
        return await self._call(SimOtp, "GET", "/v1/sim/otps/{otp_id}", path={"otp_id": otp_id}, retry=False)

    async def sim_advance_clock(self, seconds: int) -> SimClock:
        """Demo: move the central's clock forward."""
        return await self._call(SimClock, "POST", "/v1/sim/clock", body={"seconds": seconds}, retry=False)
