"""How a customer reaches each screen built so far, for tests that visit them all."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from kiosk.flows.states.frame import Loading, Waiting
from kiosk.flows.states.payment import PayByQr
from kiosk.printing.samples import sample_documents
from kiosk.shell.app import KioskApp
from tests.helpers.requests import REQUEST_SCREENS, enter_code_on_keypad
from tests.helpers.widgets import settle, tap


def _staff(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-bills")
    tap(bot, kiosk.window, "nav-call-staff")


def _idle(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-outages")
    kiosk.idle.idle()


def _print_preview(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-bills")
    document = sample_documents(kiosk.settings.kiosk_id)["payment_receipt"]
    loop = asyncio.get_event_loop()
    loop.run_until_complete(
        kiosk.printouts.print_document(document, kind="payment_receipt", reference="test")
    )


SCREENS: dict[str, Callable[[KioskApp, QtBot], None]] = {
    "home": lambda kiosk, bot: None,
    "staff-called": _staff,
    "idle-warning": _idle,
    "print-preview": _print_preview,
}


# ---------------------------------------------------------------------------------------------- bill lookup
def type_code(kiosk: KioskApp, bot: QtBot, code: str) -> None:
    """From home, taps the bills tile, the unit (or "another unit" and its code) and each digit, as a customer
    does."""
    tap(bot, kiosk.window, "tile-bills")
    enter_code_on_keypad(kiosk, bot, code)


def open_account(kiosk: KioskApp, bot: QtBot, code: str = "PE01000123456") -> None:
    type_code(kiosk, bot, code)
    tap(bot, kiosk.window, "code-submit")
    settle(kiosk)


def _enter_code(kiosk: KioskApp, bot: QtBot) -> None:
    type_code(kiosk, bot, "PC05CC0789")


def _other_unit(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-bills")
    tap(bot, kiosk.window, "unit-other")


def _loading(kiosk: KioskApp, bot: QtBot) -> None:
    _enter_code(kiosk, bot)
    kiosk.navigator.go(Loading(Waiting.ACCOUNT, "PE01000123456"))


def _not_found(kiosk: KioskApp, bot: QtBot) -> None:
    type_code(kiosk, bot, "PE99999999999")
    tap(bot, kiosk.window, "code-submit")
    settle(kiosk)


def _bill_detail(kiosk: KioskApp, bot: QtBot) -> None:
    open_account(kiosk, bot)
    tap(bot, kiosk.window, "bill-row-2")


def _then(first: Callable[[KioskApp, QtBot], None], button: str) -> Callable[[KioskApp, QtBot], None]:
    def reach(kiosk: KioskApp, bot: QtBot) -> None:
        first(kiosk, bot)
        tap(bot, kiosk.window, button)
        settle(kiosk)

    return reach


def _remote_read_account(kiosk: KioskApp, bot: QtBot) -> None:
    open_account(kiosk, bot, "PC03000567890")


BILL_SCREENS: dict[str, Callable[[KioskApp, QtBot], None]] = {
    "enter-code-units": lambda kiosk, bot: tap(bot, kiosk.window, "tile-bills"),
    "enter-code-other-unit": _other_unit,
    "enter-code": _enter_code,
    "loading": _loading,
    "lookup-not-found": _not_found,
    "account": open_account,
    "account-nothing-due": lambda kiosk, bot: open_account(kiosk, bot, "PB05000456789"),
    "bill-detail": _bill_detail,
    "paid-history": _then(open_account, "account-history"),
    "consumption": _then(_remote_read_account, "account-consumption"),
    "consumption-table": _then(_then(_remote_read_account, "account-consumption"), "consumption-toggle"),
    "choose-bills": _then(open_account, "account-pay"),
    "bill-notice-preview": _then(_bill_detail, "bill-print"),
}
SCREENS.update(BILL_SCREENS)


# ---------------------------------------------------------------------------------------------- payment
def _to_qr(kiosk: KioskApp, bot: QtBot) -> None:
    # The reference central makes VietQR codes only: Continue on the bills shows the QR (no choice of app).
    _then(_then(open_account, "account-pay"), "choose-continue")(kiosk, bot)
    settle(kiosk)


def _received(kiosk: KioskApp, bot: QtBot) -> None:
    """The money arrives (the bank's notice, through the central's demo endpoint) while the QR is shown."""
    _to_qr(kiosk, bot)
    state = kiosk.navigator.current
    assert isinstance(state, PayByQr)
    assert state.payment.reference is not None
    loop = asyncio.get_event_loop()
    loop.run_until_complete(kiosk.client.sim_bank_transfer(state.payment.reference, state.payment.amount))
    loop.run_until_complete(kiosk.payments.followed())
    kiosk.navigator.back()  # from the receipt's preview to the screen that says it was received


PAYMENT_SCREENS: dict[str, Callable[[KioskApp, QtBot], None]] = {
    "pay-by-qr": _to_qr,
    "payment-cancelled": _then(_to_qr, "pay-cancel"),
    "payment-received": _received,
}
SCREENS.update(PAYMENT_SCREENS)


# ---------------------------------------------------------------------------------------------- service requests
SCREENS.update(REQUEST_SCREENS)


# ---------------------------------------------------------------------------------------------- outages, tracking
def type_on_keypad(bot: QtBot, kiosk: KioskApp, code: str) -> None:
    """On a customer-code keypad already on screen: the unit, then each digit."""
    enter_code_on_keypad(kiosk, bot, code)


def outage_area(choice: str, code: str) -> Callable[[KioskApp, QtBot], None]:
    """From home: the outages tile, ``choice`` (``outage-no-power``, ``outage-schedule``), the code, its area."""

    def reach(kiosk: KioskApp, bot: QtBot) -> None:
        tap(bot, kiosk.window, "tile-outages")
        tap(bot, kiosk.window, choice)
        type_on_keypad(bot, kiosk, code)
        tap(bot, kiosk.window, "code-submit")
        settle(kiosk)

    return reach


def type_tracking_code(kiosk: KioskApp, bot: QtBot, code: str) -> None:
    """From home: the tracking tile, then each character on the code keyboard."""
    tap(bot, kiosk.window, "tile-track_request")
    for character in code:
        tap(bot, kiosk.window, f"track-key-{character}")


def _tracked(code: str) -> Callable[[KioskApp, QtBot], None]:
    def reach(kiosk: KioskApp, bot: QtBot) -> None:
        type_tracking_code(kiosk, bot, code)
        tap(bot, kiosk.window, "track-submit")
        settle(kiosk)

    return reach


_NO_POWER_IN_TOWN = outage_area("outage-no-power", "PD02000234567")  # an emergency outage in progress

OUTAGE_SCREENS: dict[str, Callable[[KioskApp, QtBot], None]] = {
    "outage-start": lambda kiosk, bot: tap(bot, kiosk.window, "tile-outages"),
    "danger-hotline": _then(lambda kiosk, bot: tap(bot, kiosk.window, "tile-outages"), "outage-danger"),
    "outage-overview": _NO_POWER_IN_TOWN,
    "outage-schedule": outage_area("outage-schedule", "PA12000345678"),
    "report-outage": _then(_NO_POWER_IN_TOWN, "outages-report"),
    "outage-reported": _then(_then(_NO_POWER_IN_TOWN, "outages-report"), "report-my-house"),
    "danger-reported": _then(_then(_NO_POWER_IN_TOWN, "outages-report"), "report-danger"),
}
TRACK_SCREENS: dict[str, Callable[[KioskApp, QtBot], None]] = {
    "track-request": lambda kiosk, bot: type_tracking_code(kiosk, bot, "YCA7K3"),
    "track-request-not-found": _tracked("YCA7K3M9Q3"),
    "request-status": _tracked("YCA7K3M9Q2"),
}
SCREENS.update(OUTAGE_SCREENS)
SCREENS.update(TRACK_SCREENS)
