"""The demo's keys, for someone trying the kiosk on their own computer, where no phone can pay the loopback
central, no SMS reaches a phone and no scanner is plugged in: F2 "scans" what the screen asks for, F3 has the
simulated bank pay the QR on screen, F4 types the code the SMS gateway "sent", and Ctrl+Q quits."""

from __future__ import annotations

import sys

from PySide6.QtGui import QKeySequence, QShortcut

from kiosk.demo.simulator import DemoClient
from kiosk.devices.scanner import FakeScanner
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Feature
from kiosk.flows.states.payment import PayByQr
from kiosk.flows.states.requests import ConfirmOtp, ScanIdCard, TrackRequest
from kiosk.shell.app import KioskApp
from kiosk.shell.routes import STAFF_KEY

__all__ = ["DEMO_BILL_SCAN", "DEMO_ID_CARD_SCAN", "DEMO_OUTAGE_SCAN", "DEMO_TRACKING_SCAN", "DemoKeys"]

DEMO_BILL_SCAN = "PE01000123456"  # the demo customer with several unpaid bills
# What F2 "scans" on the ID card screen and on the tracking screen: a made-up card, the demo request.
DEMO_ID_CARD_SCAN = (
    "079088001234||Nguyễn Thị Hương|15041988|Nữ|12 Lý Tự Trọng, Phường Bến Nghé, TP Hồ Chí Minh|20052021"
)
DEMO_TRACKING_SCAN = "YCA7K3M9Q2"
DEMO_OUTAGE_SCAN = "PA12000345678"  # a mountain district with planned outages


class DemoKeys:
    def __init__(self, kiosk_app: KioskApp) -> None:
        self._kiosk = kiosk_app
        # The demo kiosk is built with the demo's client (kiosk.demo.run): it also plays the bank and the SMS.
        assert isinstance(kiosk_app.client, DemoClient)
        self._simulator = kiosk_app.client

    def install(self) -> None:
        """Binds the keys on the kiosk's window and says so on standard error."""
        window, kiosk_app = self._kiosk.window, self._kiosk
        window.allow_close = True
        QShortcut(QKeySequence("Ctrl+Q"), window).activated.connect(lambda: kiosk_app.stop())
        _say("demo mode; press Ctrl+Q to quit")
        if isinstance(kiosk_app.scanner, FakeScanner):
            QShortcut(QKeySequence("F2"), window).activated.connect(self.scan)
            _say("press F2 to scan what the screen asks for (bill, ID card, slip)")
        QShortcut(QKeySequence("F3"), window).activated.connect(self.pay)
        _say("press F3 to have the demo bank pay the QR on screen")
        QShortcut(QKeySequence("F4"), window).activated.connect(self.type_code)
        _say("press F4 to type the SMS code on the code screen")
        _say(f"press {STAFF_KEY} for staff mode (demo PIN 1234)")

    def pay(self) -> None:
        """The simulated bank transfers the amount of the QR on screen (what the customer's app does).

        One transfer per QR: its transaction id is made from the payment's reference, so pressing F3 again
        is the bank's notice sent again, which the central records once (not a second payment to refund)."""
        state = self._kiosk.navigator.current
        if isinstance(state, PayByQr) and state.payment.reference is not None:
            reference, amount = state.payment.reference, state.payment.amount

            async def transfer() -> None:
                await self._simulator.sim_bank_transfer(reference, amount, transaction_id=f"DEMO-{reference}")

            self._kiosk.intents.run(transfer)

    def type_code(self) -> None:
        """Types the code the demo's SMS gateway "sent" (what the customer reads on their phone)."""
        state = self._kiosk.navigator.current
        if isinstance(state, ConfirmOtp):
            otp_id = state.otp_id

            async def type_code() -> None:
                sms = await self._simulator.sim_otp(otp_id)
                for digit in sms.code:
                    self._kiosk.requests.otp_key(digit)

            self._kiosk.intents.run(type_code)

    def scan(self) -> None:
        """ "Scans" the paper the screen asks for: an ID card, a request slip, or a bill."""
        scanner = self._kiosk.scanner
        if not isinstance(scanner, FakeScanner):
            return
        state = self._kiosk.navigator.current
        if isinstance(state, ScanIdCard):
            scanner.scan(DEMO_ID_CARD_SCAN)
        elif isinstance(state, TrackRequest):
            scanner.scan(DEMO_TRACKING_SCAN)
        elif not isinstance(state, EnterCode) or state.purpose is Feature.BILLS:
            scanner.scan(DEMO_BILL_SCAN)
        else:
            scanner.scan(DEMO_OUTAGE_SCAN)


def _say(line: str) -> None:
    print(f"kiosk: {line}", file=sys.stderr)  # noqa: T201 - the demo talks to the person at the terminal
