"""Power cuts on the real kiosk against the real central: danger first and at once, the area's outages, reports
that reach the power company (or wait safely on the kiosk until they can), and the schedule on paper."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.demo.simulator import DemoClient
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Feature, Home, Loading, PrintPreview, Waiting
from kiosk.flows.states.outages import (
    DangerHotline,
    OutageOverview,
    OutageReported,
    OutageStart,
    ReportOutage,
)
from kiosk.requests.records import Delivery
from kiosk.shell.app import KioskApp
from kiosk.views.outages.outage_overview import OutageOverviewScreen
from tests.gui.conftest import close_kiosk
from tests.gui.kiosk_factory import free_port, kiosk_against
from tests.helpers.central import RunningCentral
from tests.helpers.screens import outage_area, settle, type_on_keypad
from tests.helpers.widgets import all_texts, tap, visible_texts

T = TypeVar("T")
W = TypeVar("W", bound=QWidget)

TOWN = "PD02000234567"  # Hà Nội: an emergency outage in progress in the area
MOUNTAIN = "PA12000345678"  # Lâm Bình, Tuyên Quang: a planned outage in 3 days, another in 9
PAID_UP = "PB05000456789"  # Cần Thơ: no outage at all


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.get_event_loop().run_until_complete(coroutine)


@pytest.fixture
def closing(qapp: QApplication, qloop: asyncio.AbstractEventLoop) -> Iterator[list[KioskApp]]:
    kiosks: list[KioskApp] = []
    yield kiosks
    for app in kiosks:
        close_kiosk(app, qloop, qapp)
    kiosks.clear()
    gc.collect()


def central_reports(central: RunningCentral) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(central.db_path) as conn:
        rows = conn.execute("SELECT customer_code, kind, client_reference FROM outage_reports ORDER BY rowid")
        return [(str(r[0]), str(r[1]), r[2]) for r in rows]


def widget(kiosk: KioskApp, cls: type[W], name: str) -> W:
    found = kiosk.window.findChild(cls, name)
    assert found is not None, name
    return found


def text_of(kiosk: KioskApp) -> str:
    return "\n".join(visible_texts(kiosk.window))


# ---------------------------------------------------------------------------------------------- danger
def test_danger_is_the_first_choice_and_one_tap_shows_the_hotline_before_any_code(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    tap(qtbot, kiosk.window, "tile-outages")
    assert kiosk.navigator.current == OutageStart()
    danger = widget(kiosk, QAbstractButton, "outage-danger")
    for other in ("outage-no-power", "outage-schedule"):
        button = widget(kiosk, QAbstractButton, other)
        first, then = danger.mapTo(kiosk.window, QPoint()), button.mapTo(kiosk.window, QPoint())
        assert (first.y(), first.x()) < (then.y(), then.x())  # first, reading down or across
        assert danger.height() * danger.width() > button.height() * button.width()
    assert kiosk.tr._("outage_start.danger") in visible_texts(kiosk.window)

    tap(qtbot, kiosk.window, "outage-danger")

    # At once, without waiting for anything: nothing was asked, nothing was fetched.
    assert kiosk.navigator.current == DangerHotline("1900545454")
    assert kiosk.navigator.depth == 3  # home, the outage choices, the hotline: no keypad in between
    texts = visible_texts(kiosk.window)
    assert "1900 545 454" in texts
    assert "114" in texts
    assert kiosk.tr._("danger.steps") in texts
    hotline = widget(kiosk, QLabel, "danger-hotline")
    assert hotline.font().pixelSize() >= 64
    tap(qtbot, kiosk.window, "nav-back")
    assert kiosk.navigator.current == OutageStart()


def test_without_a_hotline_the_danger_screen_says_to_call_the_number_on_the_bill(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    tap(qtbot, kiosk.window, "tile-outages")
    kiosk.navigator.go(DangerHotline(None))
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("danger.no_hotline") in texts
    assert kiosk.tr._("danger.steps_bill") in texts
    assert "114" in texts
    assert not widget(kiosk, QLabel, "danger-hotline").isVisible()


def test_a_danger_report_with_the_code_reaches_the_central_and_the_screen_says_so(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    tap(qtbot, kiosk.window, "tile-outages")
    tap(qtbot, kiosk.window, "outage-danger")
    tap(qtbot, kiosk.window, "danger-report")
    assert kiosk.navigator.current == EnterCode(purpose=Feature.OUTAGES, units=kiosk.bills.units)
    type_on_keypad(qtbot, kiosk, TOWN)
    tap(qtbot, kiosk.window, "code-submit")
    settle(kiosk)

    state = kiosk.navigator.current
    assert isinstance(state, DangerHotline)
    item = state.reported
    assert item is not None
    assert item.state is Delivery.DELIVERED
    assert central_reports(central) == [(TOWN, "danger", item.reference)]
    # The hotline of the customer's own corporation (Hà Nội), and the central's reference for the report.
    assert state.hotline == "19001288"
    assert "1900 1288" in visible_texts(kiosk.window)
    assert kiosk.tr._("danger.delivered", reference=item.reference) in visible_texts(kiosk.window)
    assert not widget(kiosk, QAbstractButton, "danger-report").isVisible()
    # Back leads out of the danger screen, not to the keypad (where the same danger could be sent again).
    tap(qtbot, kiosk.window, "nav-back")
    assert kiosk.navigator.current == OutageStart()


def test_a_danger_report_while_the_network_is_down_is_saved_and_the_hotline_stays(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, closing: list[KioskApp]
) -> None:
    kiosk = kiosk_against(qapp, f"http://127.0.0.1:{free_port()}", tmp_path, retries=0, timeout_seconds=1.0)
    closing.append(kiosk)
    tap(qtbot, kiosk.window, "tile-outages")
    tap(qtbot, kiosk.window, "outage-danger")
    tap(qtbot, kiosk.window, "danger-report")
    type_on_keypad(qtbot, kiosk, TOWN)
    tap(qtbot, kiosk.window, "code-submit")
    settle(kiosk)

    # No failure screen: the hotline never left, and the report waits on the kiosk.
    state = kiosk.navigator.current
    assert isinstance(state, DangerHotline)
    assert state.hotline == "1900545454"
    item = state.reported
    assert item is not None
    assert item.state is Delivery.QUEUED
    assert kiosk.outbox.pending() == [item]
    texts = visible_texts(kiosk.window)
    assert "1900 545 454" in texts
    assert kiosk.tr._("danger.queued", reference=item.reference) in texts


def test_danger_chosen_among_the_reports_shows_the_hotline_before_sending(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    outage_area("outage-no-power", TOWN)(kiosk, qtbot)
    tap(qtbot, kiosk.window, "outages-report")

    async def choose_danger() -> None:
        tap(qtbot, kiosk.window, "report-danger")
        await asyncio.sleep(0)
        state = kiosk.navigator.current
        assert isinstance(state, DangerHotline)
        assert state.reported is None  # the report is still on its way
        assert "1900 1288" in visible_texts(kiosk.window)
        assert kiosk.tr._("danger.sending") in visible_texts(kiosk.window)
        await kiosk.settle()

    run(choose_danger())
    state = kiosk.navigator.current
    assert isinstance(state, DangerHotline)
    assert state.reported is not None
    assert state.reported.state is Delivery.DELIVERED
    assert [kind for _, kind, _ in central_reports(central)] == ["danger"]


# ---------------------------------------------------------------------------------------------- the area
def test_no_power_in_town_shows_the_emergency_outage_in_progress_and_when_power_is_back(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    outage_area("outage-no-power", TOWN)(kiosk, qtbot)
    state = kiosk.navigator.current
    assert isinstance(state, OutageOverview)
    assert state.reporting
    assert [(o.id, o.kind, o.status) for o in state.outages] == [("OUT-PD0200-1", "emergency", "in_progress")]
    texts = text_of(kiosk)
    tr = kiosk.tr
    assert tr._("outage.status.now") in texts
    assert tr._("outage.kind.emergency") in texts
    assert tr._("outage.area", area="Phố Bà Triệu, Phố Lê Đại Hành") in texts
    assert tr._("outage.reason", reason="Sự cố cáp ngầm") in texts
    assert "Dự kiến có điện lại lúc" in texts
    assert tr._("outages.known_hint") in texts


def test_the_schedule_lists_the_outage_in_3_days_but_not_the_one_in_9(kiosk: KioskApp, qtbot: QtBot) -> None:
    outage_area("outage-schedule", MOUNTAIN)(kiosk, qtbot)
    state = kiosk.navigator.current
    assert isinstance(state, OutageOverview)
    assert not state.reporting
    assert [(o.id, o.status) for o in state.outages] == [("OUT-PA1200-1", "scheduled")]
    texts = text_of(kiosk)
    assert "Bảo dưỡng đường dây 22 kV" in texts
    assert "Thay máy biến áp" not in texts
    assert kiosk.tr._("outage.status.planned") in texts
    assert kiosk.tr._("outages.covers") in texts
    tap(qtbot, kiosk.window, "nav-language")
    assert "Reason: Maintenance of the 22 kV line" in visible_texts(kiosk.window)


def test_an_area_without_outages_says_so(kiosk: KioskApp, qtbot: QtBot) -> None:
    outage_area("outage-schedule", PAID_UP)(kiosk, qtbot)
    state = kiosk.navigator.current
    assert isinstance(state, OutageOverview)
    assert state.outages == ()
    assert kiosk.tr._("outages.none") in visible_texts(kiosk.window)


def test_printing_the_schedule_shows_the_preview_printers_page(kiosk: KioskApp, qtbot: QtBot) -> None:
    outage_area("outage-schedule", MOUNTAIN)(kiosk, qtbot)
    overview = kiosk.navigator.current
    tap(qtbot, kiosk.window, "outages-print")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, PrintPreview)
    assert state.image.is_file()
    tap(qtbot, kiosk.window, "nav-back")
    assert kiosk.navigator.current == overview


def test_a_kiosk_without_a_printer_offers_no_print(kiosk: KioskApp, qtbot: QtBot) -> None:
    outage_area("outage-schedule", MOUNTAIN)(kiosk, qtbot)
    assert widget(kiosk, QAbstractButton, "outages-print").isVisible()
    screen = kiosk.window.current_screen
    assert isinstance(screen, OutageOverviewScreen)
    screen.set_printing(False)
    kiosk.navigator.replace(kiosk.navigator.current)
    assert not widget(kiosk, QAbstractButton, "outages-print").isVisible()


# ---------------------------------------------------------------------------------------------- reports
def test_a_report_of_no_power_at_home_is_received_and_names_the_known_outage(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    outage_area("outage-no-power", TOWN)(kiosk, qtbot)
    tap(qtbot, kiosk.window, "outages-report")
    assert isinstance(kiosk.navigator.current, ReportOutage)
    assert widget(kiosk, QLabel, "report-known").isVisible()
    tap(qtbot, kiosk.window, "report-my-house")
    settle(kiosk)

    state = kiosk.navigator.current
    assert isinstance(state, OutageReported)
    assert state.kind == "my_house"
    assert state.item.state is Delivery.DELIVERED
    assert state.known is not None
    assert state.known.id == "OUT-PD0200-1"
    assert central_reports(central) == [(TOWN, "my_house", state.item.reference)]
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("outage_reported.delivered") in texts
    assert kiosk.tr._("outage_reported.reference", reference=state.item.reference) in texts
    assert widget(kiosk, QLabel, "reported-known").isVisible()
    tap(qtbot, kiosk.window, "reported-done")
    assert kiosk.navigator.depth == 1
    assert kiosk.session.customer is None


def test_a_report_while_the_central_is_unreachable_is_saved_told_honestly_and_sent_later(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    outage_area("outage-no-power", MOUNTAIN)(kiosk, qtbot)
    tap(qtbot, kiosk.window, "outages-report")
    # The network goes down between reading the area and reporting: the courier finds nobody listening.
    live = kiosk.courier.client
    dead = DemoClient(f"http://127.0.0.1:{free_port()}", central.token, timeout=1.0, retries=0)
    kiosk.courier.client = dead
    try:
        tap(qtbot, kiosk.window, "report-my-house")
        settle(kiosk)
    finally:
        kiosk.courier.client = live
        run(dead.aclose())

    state = kiosk.navigator.current
    assert isinstance(state, OutageReported)
    item = state.item
    assert item.state is Delivery.QUEUED
    assert state.known is None  # nothing in progress in the mountain district
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("outage_reported.queued") in texts
    assert kiosk.tr._("outage_reported.delivered") not in texts
    assert kiosk.tr._("outage_reported.reference", reference=item.reference) in texts
    assert central_reports(central) == []

    # The network is back: the courier's next attempt delivers it, under the reference the customer saw.
    delivered = run(kiosk.courier.deliver(item.id))
    assert delivered.state is Delivery.DELIVERED
    assert delivered.reference == item.reference
    assert central_reports(central) == [(MOUNTAIN, "my_house", item.reference)]


def test_a_report_being_sent_cannot_be_backed_out_of_and_leaving_home_keeps_it_safe(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    outage_area("outage-no-power", TOWN)(kiosk, qtbot)
    tap(qtbot, kiosk.window, "outages-report")

    async def leave() -> None:
        tap(qtbot, kiosk.window, "report-street")
        await asyncio.sleep(0)
        sending = kiosk.navigator.current
        assert sending == Loading(Waiting.SENDING_REPORT, TOWN)
        # Saved and on its way: there is no step to go back to, so Back is not offered at all.
        back = kiosk.window.findChild(QAbstractButton, "nav-back")
        assert back is not None
        assert not back.isVisible()
        assert kiosk.navigator.current is sending
        tap(qtbot, kiosk.window, "nav-home")
        await kiosk.settle()

    run(leave())
    assert kiosk.navigator.current == Home()  # the answer does not drag the customer back
    [item] = kiosk.outbox.all()
    assert (item.summary["kind"], item.state) == ("street", Delivery.DELIVERED)
    assert central_reports(central) == [(TOWN, "street", item.reference)]


def test_ending_the_session_wipes_the_customer_from_the_outage_screens(kiosk: KioskApp, qtbot: QtBot) -> None:
    outage_area("outage-no-power", TOWN)(kiosk, qtbot)
    tap(qtbot, kiosk.window, "outages-report")
    tap(qtbot, kiosk.window, "report-my-house")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, OutageReported)
    traces = ("PD0200 023 4567", "Phố Bà Triệu", "Sự cố cáp ngầm", state.item.reference)
    before = " ".join(all_texts(kiosk.window))
    assert all(trace in before for trace in traces), "shown before the wipe"
    tap(qtbot, kiosk.window, "reported-done")
    QApplication.processEvents()
    texts = " ".join(all_texts(kiosk.window))
    for trace in traces:
        assert trace not in texts
    assert kiosk.session.journey == {}
