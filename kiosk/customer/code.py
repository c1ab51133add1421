"""Customer codes (mã khách hàng): check what a customer types, group it for reading, find it in a scan.

A code is two letters naming the power corporation, then 11 digits: ``PE01000123456``. The kiosk checks a
code before asking the central for it, so that a typo gets a plain answer on the keypad screen ("3 more
digits", "PZ is not a customer code prefix") instead of a round trip and a generic "not found".

The rule mirrors the reference server's (``kiosk_central.accounts.CODE_PATTERN`` and
``CORPORATION_BY_PREFIX``); an import-linter contract keeps the kiosk from importing the server, so a test
compares the two instead.

Pure Python and no customer-visible text: the screens translate :class:`CodeProblem` and the scan results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import parse_qsl, unquote, urlsplit

from kiosk.customer.vietqr import VietQRError, decode

if TYPE_CHECKING:
    from collections.abc import Mapping

    # Only the type: the models module brings pydantic, and this module stays plain stdlib.
    from kiosk.central.models import CorporationCode

__all__ = [
    "CODE_LENGTH",
    "CORPORATION_BY_PREFIX",
    "DIGITS",
    "PREFIXES",
    "CitizenId",
    "CodeCheck",
    "CodeProblem",
    "FoundCode",
    "NotACustomerCode",
    "ScanReading",
    "check_code",
    "code_from_scan",
    "group_code",
    "normalise_code",
    "scanned_text",
]

CORPORATION_BY_PREFIX: Mapping[str, CorporationCode] = MappingProxyType(
    {
        "PA": "EVNNPC", "PH": "EVNNPC", "PM": "EVNNPC", "PN": "EVNNPC",
        "PB": "EVNSPC", "PK": "EVNSPC",
        "PC": "EVNCPC", "PP": "EVNCPC", "PQ": "EVNCPC",
        "PD": "EVNHANOI",
        "PE": "EVNHCMC",
    }
)  # fmt: skip
"""Which corporation a prefix belongs to; a prefix not listed belongs to none, so the code is not one."""

PREFIXES: tuple[str, ...] = tuple(sorted(CORPORATION_BY_PREFIX))
DIGITS = 11
CODE_LENGTH = 2 + DIGITS

# People and printed bills separate groups with these; none of them is ever part of a code.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.]+")
_LETTER = re.compile(r"[A-Z]")
_DIGITS_ONLY = re.compile(r"[0-9]*")
# A code-shaped token inside longer text: compact (PE01000123456), or grouped as a bill prints it
# (PE01 000 123 456, also with dots or dashes). Never glued to letters or digits, so a longer number or
# word is not cut down to a code; a grouped one may not run on into another digit group either.
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"([A-Za-z]{2}[0-9]{11})(?![A-Za-z0-9])"
    r"|([A-Za-z]{2}[0-9]{2}(?:[ .\-][0-9]{3}){3})(?![A-Za-z0-9]|[ .\-][0-9])"
    r")"
)
_GROUP_SEPARATOR = re.compile(r"[ .\-]")
# Scanners configured to report the symbology put a three-character AIM identifier first: "]Q1", "]C0".
_AIM_IDENTIFIER = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_CITIZEN_ID_NUMBER = re.compile(r"[0-9]{12}")
# Control characters a scanner may put around the text (CR, LF, STX/ETX, GS), and spaces.
_EDGE_NOISE = "".join(map(chr, range(0x21))) + "\x7f"


class CodeProblem(StrEnum):
    """What is wrong with a (possibly half-typed) code; each value maps to one sentence on the screen."""

    NO_PREFIX = "no_prefix"
    """The text does not start with two letters: empty, one letter so far, or digits first."""
    UNKNOWN_PREFIX = "unknown_prefix"
    """Starts with letters that begin no known prefix (``PZ``, ``X``): not a code of any corporation."""
    NOT_DIGITS = "not_digits"
    """Something other than a digit after the two letters."""
    TOO_SHORT = "too_short"
    """Prefix fine, fewer than 11 digits: see :attr:`CodeCheck.digits_missing`."""
    TOO_LONG = "too_long"
    """More than 11 digits: probably a digit typed twice, or another number from the bill."""


@dataclass(frozen=True)
class CodeCheck:
    """The verdict on some text as a customer code, detailed enough for a keypad screen to guide with."""

    code: str
    """The text as checked: without spaces, dashes and dots, upper case. Send this one to the central."""
    problem: CodeProblem | None
    """None when the text is a complete, well-formed code."""
    on_track: bool
    """Everything so far can still begin a valid code: while typing, show progress rather than an error."""
    digits_missing: int
    """How many more digits the code needs; 0 once complete, or when the text cannot become a code."""

    @property
    def complete(self) -> bool:
        """A well-formed code with a known prefix (whether the account exists is the central's answer)."""
        return self.problem is None

    @property
    def corporation(self) -> CorporationCode | None:
        """The corporation the prefix names, as soon as the two letters are known; else None."""
        return CORPORATION_BY_PREFIX.get(self.code[:2])


def normalise_code(text: str) -> str:
    """``pe01-000 123.456`` → ``PE01000123456``: what a person types or reads off a bill, in one form."""
    return _SEPARATORS.sub("", text).upper()


def check_code(text: str) -> CodeCheck:
    """Check ``text`` (normalised first) as a customer code, complete or still being typed."""
    code = normalise_code(text)
    prefix, digits = code[:2], code[2:]

    def verdict(problem: CodeProblem | None, *, on_track: bool) -> CodeCheck:
        missing = max(0, DIGITS - len(digits)) if on_track else 0
        return CodeCheck(code, problem, on_track, missing)

    if not prefix:
        return verdict(CodeProblem.NO_PREFIX, on_track=True)
    if not _LETTER.fullmatch(prefix[0]):
        return verdict(CodeProblem.NO_PREFIX, on_track=False)
    if not any(known.startswith(prefix[0]) for known in PREFIXES):
        return verdict(CodeProblem.UNKNOWN_PREFIX, on_track=False)
    if len(prefix) == 1:
        return verdict(CodeProblem.NO_PREFIX, on_track=True)
    if not _LETTER.fullmatch(prefix[1]):
        return verdict(CodeProblem.NO_PREFIX, on_track=False)
    if prefix not in CORPORATION_BY_PREFIX:
        return verdict(CodeProblem.UNKNOWN_PREFIX, on_track=False)
    if not _DIGITS_ONLY.fullmatch(digits):  # [0-9], not str.isdigit: "²" and "٣" are digits to Python
        return verdict(CodeProblem.NOT_DIGITS, on_track=False)
    if len(digits) < DIGITS:
        return verdict(CodeProblem.TOO_SHORT, on_track=True)
    if len(digits) > DIGITS:
        return verdict(CodeProblem.TOO_LONG, on_track=False)
    return verdict(None, on_track=True)


def group_code(code: str) -> str:
    """``PE01000123456`` → ``PE01 000 123 456``, so a customer can compare it with the bill at a glance.

    The first group is the prefix and the next two digits, then groups of three, as far as the text goes:
    it works on half-typed codes too. Only spaces are added; normalise first if a person typed ``code``.
    """
    if len(code) <= 4:
        return code
    head, tail = code[:4], code[4:]
    return " ".join([head, *(tail[i : i + 3] for i in range(0, len(tail), 3))])


# ---------------------------------------------------------------------------------------------- scans
@dataclass(frozen=True)
class FoundCode:
    """The scan holds one well-formed customer code (normalised)."""

    code: str


@dataclass(frozen=True)
class NotACustomerCode:
    """Nothing in the scan is a customer code, or it holds two different ones and we will not guess."""


@dataclass(frozen=True)
class CitizenId:
    """The QR of a citizen identity card (CCCD), shown by mistake: the screen asks for the bill instead.

    Deliberately carries nothing from the card: the ID number, name and birth date must not travel on.
    """


ScanReading: TypeAlias = FoundCode | NotACustomerCode | CitizenId


def scanned_text(text: str) -> str:
    """What a scanner read, without what scanners add: line ends and control characters at the edges, and an
    AIM symbology prefix (``]Q1``) before the data."""
    text = text.strip(_EDGE_NOISE).strip()
    if _AIM_IDENTIFIER.match(text):
        text = text[3:].strip()
    return text


def code_from_scan(text: str) -> ScanReading:
    """What a scanner read off a paper (a bill, or by mistake something else). Never raises.

    Accepted, in this order: a citizen-ID QR (recognised so the screen can say so); the bare code, in any
    case and with spaces, dashes or dots; a URL with a query parameter whose value is a code; a VietQR
    whose references (tag 62, sub-tags 08 and 01) hold a code; any other text with exactly one code-shaped
    token with a known prefix. Two different codes are ambiguous: the customer picks by typing instead.
    """
    text = scanned_text(text)
    if _is_citizen_id(text):
        return CitizenId()
    bare = check_code(text)
    if bare.complete:
        return FoundCode(bare.code)
    for candidates in (_codes_in_url(text), _codes_in_vietqr(text)):
        if candidates is not None:
            return _one(candidates)
    return _one(_codes_in_text(text))


def _is_citizen_id(text: str) -> bool:
    # The CCCD QR: "<12-digit ID>|<old 9-digit ID or empty>|<name>|<birth date>|<sex>|<address>|<issued>".
    fields = text.split("|")
    return len(fields) >= 2 and _CITIZEN_ID_NUMBER.fullmatch(fields[0]) is not None


def _codes_in_url(text: str) -> list[str] | None:
    """Codes in the query values of an http(s) URL; None if ``text`` is not such a URL."""
    try:
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            return None
        values = [value for _, value in parse_qsl(parts.query, keep_blank_values=True)]
    except ValueError:  # urlsplit refuses e.g. a malformed IPv6 host: then it is just text
        return None
    found = [check.code for check in map(check_code, values) if check.complete]
    # No parameter is exactly a code: one may still sit in the path (".../tra-cuu/PE01000123456") or
    # inside a longer value ("?q=ma+kh+PE01000123456").
    return found or _codes_in_text(unquote(text.replace("+", " ")))


def _codes_in_vietqr(text: str) -> list[str] | None:
    """Codes in the references of a VietQR payload; None if ``text`` is not a VietQR we can read."""
    if not text.startswith("000201"):
        return None
    try:
        qr = decode(text)
    except VietQRError:
        # Not one we can trust (bad CRC, another scheme): treated as text, where a code glued into TLV
        # fields is not found, since a token may not touch other digits.
        return None
    found: list[str] = []
    for reference in (qr.purpose, qr.bill_number):
        if reference is not None:
            found += _codes_in_text(reference)
    return found


def _codes_in_text(text: str) -> list[str]:
    codes = (
        _GROUP_SEPARATOR.sub("", compact or grouped).upper() for compact, grouped in _TOKEN.findall(text)
    )
    return [code for code in codes if code[:2] in CORPORATION_BY_PREFIX]


def _one(codes: list[str]) -> ScanReading:
    distinct = set(codes)
    if len(distinct) == 1:
        return FoundCode(distinct.pop())
    return NotACustomerCode()
