"""Following a service request from its slip, typed or scanned: the central's history, a typo, a request still
waiting on this kiosk, and a central that cannot be reached."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.devices.scanner import FakeScanner
from kiosk.flows.states.bills import LookupFailed, LookupProblem
from kiosk.flows.states.requests import RequestStatus, TrackProblem, TrackRequest
from kiosk.requests.records import OutboxItem, OutboxKind, service_request_payload
from kiosk.shell.app import KioskApp
from tests.gui.conftest import close_kiosk
from tests.gui.kiosk_factory import free_port, kiosk_against
from tests.helpers.central import RunningCentral
from tests.helpers.screens import settle, type_tracking_code
from tests.helpers.widgets import tap, visible_texts

T = TypeVar("T")

DEMO_REQUEST = "YCA7K3M9Q2"  # the demo's open meter inspection, with a technician assigned


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.get_event_loop().run_until_complete(coroutine)


def track(kiosk: KioskApp, qtbot: QtBot, code: str) -> None:
    type_tracking_code(kiosk, qtbot, code)
    tap(qtbot, kiosk.window, "track-submit")
    settle(kiosk)


def scan(kiosk: KioskApp, text: str) -> None:
    scanner = kiosk.scanner
    assert isinstance(scanner, FakeScanner)
    assert scanner.scan(text)
    settle(kiosk)


def saved_request(kiosk: KioskApp) -> OutboxItem:
    """A request kept on this kiosk (taken while the network was down), not sent yet."""
    payload = service_request_payload(
        "meter_inspection", "PE01000123456", {"reason": "slow"}, "otp_x", "123456"
    )
    summary = {"service_code": "meter_inspection", "customer_code": "PE01000123456", "language": "vi"}
    return kiosk.outbox.add(OutboxKind.SERVICE_REQUEST, payload, summary)


@pytest.fixture
def closing(qapp: QApplication, qloop: asyncio.AbstractEventLoop) -> Iterator[list[KioskApp]]:
    kiosks: list[KioskApp] = []
    yield kiosks
    for app in kiosks:
        close_kiosk(app, qloop, qapp)
    kiosks.clear()
    gc.collect()


def test_the_demo_request_shows_its_service_status_due_date_and_history_newest_first(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    type_tracking_code(kiosk, qtbot, DEMO_REQUEST)
    code = kiosk.window.findChild(QLabel, "track-code")
    assert code is not None
    assert code.text() == DEMO_REQUEST
    tap(qtbot, kiosk.window, "track-submit")
    settle(kiosk)

    state = kiosk.navigator.current
    assert isinstance(state, RequestStatus)
    assert state.request is not None
    assert state.request.tracking_code == DEMO_REQUEST
    assert state.service is not None
    tr = kiosk.tr
    texts = visible_texts(kiosk.window)
    assert tr._("request_status.service", service=state.service.title.vi) in texts
    assert tr._("request_status.code", code=DEMO_REQUEST) in texts
    assert tr._("request_status.in_progress") in texts  # in words, not a colour
    assert tr._("request_status.due", date=tr.date(state.request.due_by)) in texts
    notes = [t for t in texts if t.startswith("Ngày ")]
    assert [n.split(": ", 1)[1] for n in notes] == [
        "Đã phân công nhân viên kiểm tra công tơ",
        "Đã tiếp nhận yêu cầu",
    ]

    tap(qtbot, kiosk.window, "nav-language")
    english = visible_texts(kiosk.window)
    assert "Being handled" in english
    assert [t.split(": ", 1)[1] for t in english if t.startswith("On ")] == [
        "A technician has been assigned",
        "Request received",
    ]

    tap(qtbot, kiosk.window, "status-another")
    assert kiosk.navigator.current == TrackRequest()


def test_a_mistyped_code_says_no_request_has_it_and_keeps_what_was_typed(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    track(kiosk, qtbot, "YCA7K3M9Q3")
    assert kiosk.navigator.current == TrackRequest("YCA7K3M9Q3", TrackProblem.NOT_FOUND)
    assert kiosk.tr._("track_request.not_found") in visible_texts(kiosk.window)
    assert kiosk.navigator.depth == 2  # the progress screen is gone, no failure screen in its place

    # Correcting it takes the message away and finds the request.
    tap(qtbot, kiosk.window, "track-key-backspace")
    assert kiosk.navigator.current == TrackRequest("YCA7K3M9Q")
    assert kiosk.tr._("track_request.not_found") not in visible_texts(kiosk.window)
    tap(qtbot, kiosk.window, "track-key-2")
    tap(qtbot, kiosk.window, "track-submit")
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, RequestStatus)


def test_the_keyboard_takes_at_most_12_characters_and_clears(kiosk: KioskApp, qtbot: QtBot) -> None:
    type_tracking_code(kiosk, qtbot, "ABCDEFGHJK2345")
    assert kiosk.navigator.current == TrackRequest("ABCDEFGHJK23")
    tap(qtbot, kiosk.window, "track-key-clear")
    assert kiosk.navigator.current == TrackRequest()
    assert not kiosk.window.findChild(QLabel, "track-problem").isVisible()  # type: ignore[union-attr]


def test_a_request_still_saved_on_this_kiosk_says_so_without_asking_the_central(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    item = saved_request(kiosk)
    track(kiosk, qtbot, item.reference)

    assert kiosk.navigator.current == RequestStatus(item.reference, None, None)
    assert kiosk.navigator.depth == 3  # no progress screen: nothing was asked of the central
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("request_status.queued") in texts
    assert kiosk.tr._("request_status.queued.body") in texts
    assert kiosk.tr._("request_status.code", code=item.reference) in texts


def test_a_delivered_requests_kiosk_reference_finds_its_history_by_tracking_code(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    item = saved_request(kiosk)
    # The courier delivered it; the central gave it the demo's tracking code.
    kiosk.outbox.delivered(item.id, DEMO_REQUEST, datetime.now(UTC))
    track(kiosk, qtbot, item.reference)
    state = kiosk.navigator.current
    assert isinstance(state, RequestStatus)
    assert state.request is not None
    assert state.request.tracking_code == DEMO_REQUEST


@pytest.mark.parametrize(
    "slip",
    [
        "http://central.example/track/YCA7K3M9Q2",
        "https://tracuu.evn.example/track/yca7-k3m9-q2/?lang=vi",
        "YCA7K3M9Q2",
    ],
)
def test_scanning_a_slips_qr_shows_the_request(kiosk: KioskApp, qtbot: QtBot, slip: str) -> None:
    tap(qtbot, kiosk.window, "tile-track_request")
    scan(kiosk, slip)
    state = kiosk.navigator.current
    assert isinstance(state, RequestStatus)
    assert state.reference == DEMO_REQUEST


def test_scanning_something_else_on_the_tracking_screen_says_what_to_scan(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    tap(qtbot, kiosk.window, "tile-track_request")
    scan(kiosk, "PE01000123456")  # a bill
    assert kiosk.navigator.current == TrackRequest(problem=TrackProblem.NOT_A_SLIP)
    assert kiosk.tr._("track_request.not_a_slip") in visible_texts(kiosk.window)


def test_an_unreachable_central_gives_the_usual_failure_with_try_again(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, closing: list[KioskApp], central: RunningCentral
) -> None:
    kiosk = kiosk_against(qapp, f"http://127.0.0.1:{free_port()}", tmp_path, retries=0, timeout_seconds=1.0)
    closing.append(kiosk)
    track(kiosk, qtbot, DEMO_REQUEST)
    state = kiosk.navigator.current
    assert isinstance(state, LookupFailed)
    assert state.problem is LookupProblem.UNREACHABLE
    assert state.can_retry
    assert kiosk.tr._("failed.unreachable") in visible_texts(kiosk.window)
    # Back returns to the code as typed.
    tap(qtbot, kiosk.window, "nav-back")
    assert kiosk.navigator.current == TrackRequest(DEMO_REQUEST)
