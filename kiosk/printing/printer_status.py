"""The printer's closed status type, and how ESC/POS status bytes map onto it.

Pure and byte-level, so every mapping is unit-tested without a printer. The bit meanings are Epson's
(``DLE EOT n`` real-time status, ``GS r 1`` buffered paper status); the common clones copy them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeAlias, assert_never

__all__ = [
    "FaultKind",
    "PrinterFault",
    "PrinterState",
    "PrinterStatus",
    "decode_buffered_paper",
    "decode_realtime",
    "describe",
    "is_printable",
]


class PrinterState(StrEnum):
    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    # The printer did not answer, answered nonsense, or cannot answer over this connection. Never "ready":
    # a receipt sent to an unknown printer is not a receipt the customer holds.
    UNKNOWN = "unknown"


FaultKind = Literal[
    "cutter",  # the autocutter jammed (DLE EOT 3 bit 3)
    "mechanical",  # DLE EOT 3 bit 2, e.g. the print head mechanism
    "unrecoverable",  # DLE EOT 3 bit 5: needs a power cycle and a technician
    "overheat",  # DLE EOT 3 bit 6: auto-recoverable, the head is too hot; it resumes by itself
    "driver",  # our side: the driver library for this connection type is missing or failed
]


@dataclass(frozen=True)
class PrinterFault:
    """The printer reports an error of ``kind``; it will not print until it is cleared."""

    kind: FaultKind

    def __str__(self) -> str:
        return f"error({self.kind})"


PrinterStatus: TypeAlias = PrinterState | PrinterFault
"""The closed status type: match on the :class:`PrinterState` members and ``PrinterFault(kind=...)``."""

# Every DLE EOT reply has bit 1 and bit 4 set and bits 0 and 7 clear; anything else is not a status byte
# (an automatic status back packet, line noise, a printer in another emulation) and must not be read as one.
_FIXED_MASK = 0b1001_0011
_FIXED_VALUE = 0b0001_0010


def _is_status_byte(value: int | None) -> bool:
    return value is not None and value & _FIXED_MASK == _FIXED_VALUE


def decode_realtime(
    printer: int | None,
    offline_cause: int | None = None,
    error_cause: int | None = None,
    paper: int | None = None,
) -> PrinterStatus:
    """The status from the replies to ``DLE EOT 1``, ``2``, ``3`` and ``4`` (``None``: no reply).

    ``offline_cause`` is consulted only when the printer says it is offline, ``error_cause`` only when the
    offline cause is an error, ``paper`` only when it is online - the order the printer is asked in.
    """
    if not _is_status_byte(printer):
        return PrinterState.UNKNOWN
    assert printer is not None
    if printer & 0x08:
        if not _is_status_byte(offline_cause):
            return PrinterState.OFFLINE
        assert offline_cause is not None
        if offline_cause & 0x04:
            return PrinterState.COVER_OPEN
        if offline_cause & 0x20:
            return PrinterState.PAPER_OUT
        if offline_cause & 0x40:
            return _decode_error(error_cause)
        return PrinterState.OFFLINE
    if not _is_status_byte(paper):
        return PrinterState.UNKNOWN
    assert paper is not None
    if paper & 0x60:
        return PrinterState.PAPER_OUT
    if paper & 0x0C:
        return PrinterState.PAPER_NEAR_END
    return PrinterState.READY


def _decode_error(error_cause: int | None) -> PrinterStatus:
    if not _is_status_byte(error_cause):
        return PrinterState.OFFLINE
    assert error_cause is not None
    if error_cause & 0x08:
        return PrinterFault("cutter")
    if error_cause & 0x20:
        return PrinterFault("unrecoverable")
    if error_cause & 0x40:
        return PrinterFault("overheat")
    return PrinterFault("mechanical")


def decode_buffered_paper(reply: int | None) -> PrinterStatus:
    """The reply to ``GS r 1``; it arrives only after the printer has processed everything sent before it,
    which is what makes it a confirmation that a job went through, unlike the real-time ``DLE EOT``."""
    if reply is None or reply & 0b1001_0000:  # bits 4 and 7 are fixed at 0 in a GS r 1 reply
        return PrinterState.UNKNOWN
    if reply & 0x0C:
        return PrinterState.PAPER_OUT
    if reply & 0x03:
        return PrinterState.PAPER_NEAR_END
    return PrinterState.READY


def is_printable(status: PrinterStatus) -> bool:
    """Whether a job may be sent: ready, or paper near its end (staff are told, the customer is served)."""
    return status in (PrinterState.READY, PrinterState.PAPER_NEAR_END)


def describe(status: PrinterStatus) -> str:
    """One English line for operators: what the printer says and, when it cannot print, what to do."""
    match status:
        case PrinterState.READY:
            return "printer ready"
        case PrinterState.PAPER_NEAR_END:
            return "printer ready, but the paper roll is nearly used up: put a new roll in soon"
        case PrinterState.PAPER_OUT:
            return "printer out of paper: open the cover, put in a new roll, close the cover"
        case PrinterState.COVER_OPEN:
            return "printer cover open: close the cover until it clicks"
        case PrinterState.OFFLINE:
            return "printer offline or unreachable: check its power, cable or network, and the printer URI"
        case PrinterState.UNKNOWN:
            return (
                "printer not answering status requests: check the cable and power, and that the URI names a "
                "two-way connection (usb://, serial://, tcp://)"
            )
        case PrinterFault(kind="cutter"):
            return "printer cutter jammed: open the cover, clear the paper, close the cover"
        case PrinterFault(kind="overheat"):
            return "printer head too hot: wait a few minutes, it resumes by itself"
        case PrinterFault(kind="driver"):
            return "printer driver failed: see the kiosk log, check that the connection's Python package is installed"
        case PrinterFault(kind=kind):
            return f"printer error ({kind}): switch the printer off and on; if it persists, call a technician"
        case _:
            assert_never(status)
