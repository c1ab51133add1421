"""DLE EOT / GS r replies to the closed status type, including replies that are not status bytes."""

from __future__ import annotations

import pytest

from kiosk.printing.printer_status import (
    PrinterFault,
    PrinterState,
    PrinterStatus,
    decode_buffered_paper,
    decode_realtime,
    is_printable,
)


@pytest.mark.parametrize(
    ("replies", "expected"),
    [
        ((0x12, None, None, 0x12), PrinterState.READY),
        ((0x12, None, None, 0x1E), PrinterState.PAPER_NEAR_END),
        ((0x12, None, None, 0x72), PrinterState.PAPER_OUT),
        ((0x1A, 0x32, None, None), PrinterState.PAPER_OUT),
        ((0x1A, 0x16, None, None), PrinterState.COVER_OPEN),
        ((0x1A, 0x12, None, None), PrinterState.OFFLINE),
        ((0x1A, None, None, None), PrinterState.OFFLINE),
        ((0x1A, 0x52, 0x1A, None), PrinterFault("cutter")),
        ((0x1A, 0x52, 0x32, None), PrinterFault("unrecoverable")),
        ((0x1A, 0x52, 0x52, None), PrinterFault("overheat")),
        ((0x1A, 0x52, 0x16, None), PrinterFault("mechanical")),
        ((None, None, None, None), PrinterState.UNKNOWN),
        ((0x12, None, None, None), PrinterState.UNKNOWN),  # online, but no paper answer: not "ready"
        ((0x00, None, None, 0x12), PrinterState.UNKNOWN),  # fixed bits wrong: not a status byte
        ((0xFF, None, None, 0x12), PrinterState.UNKNOWN),
        ((0x12, None, None, 0x41), PrinterState.UNKNOWN),
    ],
)
def test_realtime_replies(replies: tuple[int | None, ...], expected: PrinterStatus) -> None:
    assert decode_realtime(*replies) == expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (0x00, PrinterState.READY),
        (0x03, PrinterState.PAPER_NEAR_END),
        (0x0C, PrinterState.PAPER_OUT),
        (0x0F, PrinterState.PAPER_OUT),
        (None, PrinterState.UNKNOWN),
        (0x12, PrinterState.UNKNOWN),  # a DLE EOT reply arriving late is not a GS r reply
    ],
)
def test_buffered_paper_replies(reply: int | None, expected: PrinterStatus) -> None:
    assert decode_buffered_paper(reply) == expected


def test_only_ready_and_near_end_are_printable() -> None:
    printable = {s for s in [*PrinterState, PrinterFault("cutter")] if is_printable(s)}
    assert printable == {PrinterState.READY, PrinterState.PAPER_NEAR_END}
