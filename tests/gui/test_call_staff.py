"""A customer presses "Call staff", on the real kiosk against the real central: a chime here, a banner on the
kiosk and one call at the office (however often it is pressed or sent), and "Back to what I was doing" returns
to exactly where the customer was, a QR payment included. With the central down the chime and the banner still
work, and the call reaches the office once the central answers again."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.central.staff_calls import BACKOFF_FIRST, StaffCalls
from kiosk.demo.simulator import DemoClient
from kiosk.devices.chime import FakeChime
from kiosk.flows.states.bills import AccountOverview, EnterCode
from kiosk.flows.states.frame import Home, PrintPreview, StaffCalled
from kiosk.flows.states.payment import PayByQr, PaymentReceived
from kiosk.shell.app import KioskApp
from tests.helpers.central import RunningCentral
from tests.helpers.faulty_transport import Fault, FaultyTransport
from tests.helpers.loop import Pauses, run, run_until
from tests.helpers.screens import SCREENS, type_code
from tests.helpers.widgets import settle, tap, visible_texts

CODE = "PE01000123456"


# ---------------------------------------------------------------------------------------------- helpers


def chime_of(kiosk: KioskApp) -> FakeChime:
    chime = kiosk.chime
    assert isinstance(chime, FakeChime)
    return chime


def banner_shown(kiosk: KioskApp) -> bool:
    banner = kiosk.window.findChild(QWidget, "staff-call-banner")
    assert banner is not None
    return banner.isVisibleTo(kiosk.window)


def open_calls(central: RunningCentral, kiosk_id: str) -> list[dict[str, Any]]:
    """The office's view (GET /v1/fleet) of the calls for staff at this kiosk that no one answered yet."""
    response = httpx.get(
        f"{central.url}/v1/fleet", headers={"Authorization": f"Bearer {central.fleet_token}"}, timeout=10.0
    )
    response.raise_for_status()
    return [c for c in response.json()["open_staff_calls"] if c["kiosk_id"] == kiosk_id]


def calls_received(central: RunningCentral) -> int:
    """Every call the central ever recorded, answered or not."""
    with sqlite3.connect(central.db_path) as conn:
        return int(conn.execute("SELECT count(*) FROM staff_calls").fetchone()[0])


def call_staff(kiosk: KioskApp, qtbot: QtBot) -> None:
    """Taps Call staff and waits until the office has the call."""
    tap(qtbot, kiosk.window, "nav-call-staff")
    assert kiosk.navigator.current == StaffCalled()
    run_until(lambda: kiosk.staff_calls.delivered)


def central_payment_status(central: RunningCentral, payment_id: str | None) -> str:
    with sqlite3.connect(central.db_path) as conn:
        return str(conn.execute("SELECT status FROM payments WHERE id = ?", (payment_id,)).fetchone()[0])


def stay_on_screen(kiosk: KioskApp) -> None:
    """The customer waits on the screen for a few payment status checks: the kiosk's loop runs meanwhile (the
    QR's countdown is on the kiosk's monotonic clock, so the time has to pass for real)."""
    run(asyncio.sleep(kiosk.settings.payment.poll_seconds * 3))


# ---------------------------------------------------------------------------------------------- calling
@pytest.mark.parametrize(
    ("screen", "name"),
    [
        ("home", "home"),
        ("enter-code", "enter_code"),
        ("pay-by-qr", "pay_by_qr"),
        ("outage-start", "outage_start"),
    ],
)
def test_call_staff_rings_shows_the_banner_and_reaches_the_office_once(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral, screen: str, name: str
) -> None:
    SCREENS[screen](kiosk, qtbot)
    chime = chime_of(kiosk)
    assert chime.rings == 0
    assert not banner_shown(kiosk)
    call_staff(kiosk, qtbot)
    assert chime.rings == 1
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("staff_called.heading") in texts
    assert kiosk.tr._("staff_called.body") in texts
    assert kiosk.tr._("staff_called.continue") in texts
    assert banner_shown(kiosk)
    assert kiosk.tr._("frame.staff_coming") in texts
    [call] = open_calls(central, kiosk.settings.kiosk_id)
    assert call["screen"] == name
    assert call["language"] == "vi"
    assert call["call_id"]
    assert calls_received(central) == 1


def test_the_call_says_the_customers_language(kiosk: KioskApp, qtbot: QtBot, central: RunningCentral) -> None:
    tap(qtbot, kiosk.window, "nav-language")
    tap(qtbot, kiosk.window, "tile-outages")
    call_staff(kiosk, qtbot)
    [call] = open_calls(central, kiosk.settings.kiosk_id)
    assert (call["screen"], call["language"]) == ("outage_start", "en")
    assert "Staff have been called. Someone is coming to help you." in visible_texts(kiosk.window)


def test_pressing_again_while_the_call_is_open_makes_no_second_call(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    call_staff(kiosk, qtbot)
    [first] = open_calls(central, kiosk.settings.kiosk_id)
    called_at = kiosk.staff_calls.open_since
    tap(qtbot, kiosk.window, "staff-called-continue")
    tap(qtbot, kiosk.window, "nav-back")
    assert kiosk.navigator.current == Home()
    # Impatient: from another screen, twice more.
    tap(qtbot, kiosk.window, "tile-outages")
    call_staff(kiosk, qtbot)
    tap(qtbot, kiosk.window, "staff-called-continue")
    call_staff(kiosk, qtbot)
    assert chime_of(kiosk).rings == 3  # each press is heard
    assert banner_shown(kiosk)
    assert kiosk.staff_calls.open_since == called_at
    assert open_calls(central, kiosk.settings.kiosk_id) == [first]  # the same call, its first screen
    assert calls_received(central) == 1


# ---------------------------------------------------------------------------------------------- coming back
def test_back_to_what_i_was_doing_returns_to_the_exact_screen(kiosk: KioskApp, qtbot: QtBot) -> None:
    type_code(kiosk, qtbot, "PE0100012")
    typing = kiosk.navigator.current
    assert isinstance(typing, EnterCode)
    depth = kiosk.navigator.depth
    call_staff(kiosk, qtbot)
    staff_button = kiosk.window.findChild(QWidget, "nav-call-staff")
    assert staff_button is not None
    assert not staff_button.isVisibleTo(kiosk.window)  # help is already coming
    tap(qtbot, kiosk.window, "staff-called-continue")
    assert kiosk.navigator.current == typing
    assert kiosk.navigator.depth == depth
    # The customer carries on where they were, the banner still on.
    for digit in "3456":
        tap(qtbot, kiosk.window, f"key-{digit}")
    tap(qtbot, kiosk.window, "code-submit")
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, AccountOverview)
    assert banner_shown(kiosk)


def test_back_from_the_call_to_the_qr_keeps_following_the_payment(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    SCREENS["pay-by-qr"](kiosk, qtbot)
    qr = kiosk.navigator.current
    assert isinstance(qr, PayByQr)
    call_staff(kiosk, qtbot)
    stay_on_screen(kiosk)  # staff take a moment to come
    tap(qtbot, kiosk.window, "staff-called-continue")
    back = kiosk.navigator.current
    assert isinstance(back, PayByQr)
    assert back.payment.id == qr.payment.id
    # The customer pays on their phone: the kiosk must notice, as it does without the call.
    assert qr.payment.reference is not None
    run(kiosk.client.sim_bank_transfer(qr.payment.reference, qr.payment.amount))
    run_until(lambda: isinstance(kiosk.navigator.current, PrintPreview | PaymentReceived), timeout=5.0)
    assert banner_shown(kiosk)


def test_going_home_from_the_call_over_the_qr_cancels_the_payment(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    SCREENS["pay-by-qr"](kiosk, qtbot)
    qr = kiosk.navigator.current
    assert isinstance(qr, PayByQr)
    call_staff(kiosk, qtbot)
    tap(qtbot, kiosk.window, "nav-home")
    run(kiosk.payments.followed())
    settle(kiosk)
    # As leaving the QR any other way does (tests/gui/test_payment.py): nobody will scan it now.
    assert central_payment_status(central, qr.payment.payment_id) == "cancelled"
    assert kiosk.keeper.in_flight_bill_ids() == frozenset()


def test_walking_away_after_calling_staff_from_the_qr_cancels_it_with_the_wipe(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    SCREENS["pay-by-qr"](kiosk, qtbot)
    qr = kiosk.navigator.current
    assert isinstance(qr, PayByQr)
    call_staff(kiosk, qtbot)
    kiosk.idle.idle()
    for _ in range(kiosk.settings.idle.countdown_seconds):
        kiosk.idle.tick()
    assert kiosk.navigator.current == Home()
    run(kiosk.payments.followed())
    settle(kiosk)
    # The next customer must not find this customer's bills held by a QR nobody will scan.
    assert central_payment_status(central, qr.payment.payment_id) == "cancelled"
    assert kiosk.keeper.in_flight_bill_ids() == frozenset()


def test_the_banner_stays_through_the_journey_and_goes_with_the_idle_wipe(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    call_staff(kiosk, qtbot)
    tap(qtbot, kiosk.window, "staff-called-continue")
    assert banner_shown(kiosk)
    tap(qtbot, kiosk.window, "nav-language")
    assert "Staff have been called. Someone is coming to help you." in visible_texts(kiosk.window)
    tap(qtbot, kiosk.window, "nav-back")
    tap(qtbot, kiosk.window, "tile-outages")
    tap(qtbot, kiosk.window, "outage-danger")
    assert banner_shown(kiosk)
    kiosk.idle.idle()
    assert banner_shown(kiosk)  # the warning is still this customer's
    for _ in range(kiosk.settings.idle.countdown_seconds):
        kiosk.idle.tick()
    assert kiosk.navigator.current == Home()
    assert not banner_shown(kiosk)
    assert kiosk.tr._("frame.staff_coming") not in visible_texts(kiosk.window)


# ---------------------------------------------------------------------------------------------- central down
class Network:
    """The kiosk's network to the central: down (every request lost) or up."""

    def __init__(self) -> None:
        self.down = True

    def __call__(self, request: httpx.Request) -> Fault | None:
        return Fault.LOSE_REQUEST if self.down else None


@pytest.fixture
def network(kiosk: KioskApp, central: RunningCentral) -> Iterator[tuple[Network, Pauses, FaultyTransport]]:
    """The kiosk's staff calls go through a network that the test takes down and brings back (the app's
    ``staff_calls`` is replaced by one on that network, with waits the test controls)."""
    network, pauses = Network(), Pauses()
    transport = FaultyTransport(network)
    client = DemoClient(central.url, central.token, retries=0, transport=transport)
    kiosk.staff_calls = StaffCalls(client, kiosk.settings.kiosk_id, sleep=pauses.sleep)
    yield network, pauses, transport
    run(kiosk.staff_calls.stop())
    run(client.aclose())


def test_with_the_central_down_the_chime_and_banner_work_and_the_call_goes_once_it_is_back(
    kiosk: KioskApp,
    qtbot: QtBot,
    central: RunningCentral,
    network: tuple[Network, Pauses, FaultyTransport],
) -> None:
    net, pauses, transport = network
    tap(qtbot, kiosk.window, "tile-bills")
    tap(qtbot, kiosk.window, "nav-call-staff")
    assert chime_of(kiosk).rings == 1
    assert kiosk.navigator.current == StaffCalled()
    assert banner_shown(kiosk)
    run_until(lambda: len(pauses.asked) == 1)  # the first attempt failed; it waits to try again
    assert pauses.asked == [BACKOFF_FIRST]
    assert not kiosk.staff_calls.delivered
    assert kiosk.staff_calls.open_since is not None
    assert open_calls(central, kiosk.settings.kiosk_id) == []
    # Back to the journey: the banner stays, and a second press sends no second call.
    tap(qtbot, kiosk.window, "staff-called-continue")
    assert banner_shown(kiosk)
    tap(qtbot, kiosk.window, "nav-call-staff")
    assert chime_of(kiosk).rings == 2
    # Still down for the second attempt, then back.
    pauses.release()
    run_until(lambda: len(pauses.asked) == 2)
    net.down = False
    pauses.release()
    run_until(lambda: kiosk.staff_calls.delivered)
    [call] = open_calls(central, kiosk.settings.kiosk_id)
    assert call["screen"] == "enter_code"
    assert calls_received(central) == 1
    sent = [path for method, path, _ in transport.log if method == "POST"]
    assert len(sent) == 3
    assert banner_shown(kiosk)
