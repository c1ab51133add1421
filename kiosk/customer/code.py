"""Customer codes (mã khách hàng): check what a customer types, group it for reading, find it in a scan.

A code is 13 characters: the code of the unit that manages the account (6 characters, letters and digits:
``PC05CC`` is Điện lực Hội An, ``PE0100`` Điện lực Sài Gòn), then the customer's 7-digit number:
``PC05CC0123456``. The unit code's first two letters name the power corporation (``PC`` is EVNCPC). The kiosk
checks a code before asking the central for it, so that a typo gets a plain answer on the keypad screen ("3
more digits", "PZ is not a customer code prefix") instead of a round trip and a generic "not found".

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
    "CODE_RULE",
    "CORPORATION_BY_PREFIX",
    "DIGITS",
    "PREFIXES",
    "UNIT_LENGTH",
    "CitizenId",
    "CodeCheck",
    "CodeProblem",
    "FoundCode",
    "NotACustomerCode",
    "ScanReading",
    "UnitChoice",
    "check_code",
    "code_from_scan",
    "group_code",
    "is_unit_code",
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
UNIT_LENGTH = 6
"""The unit code: the prefix, then 4 letters or digits (``PC05CC``, ``PE0100``, ``PNHL00``)."""
DIGITS = 7
"""The customer's number within the unit: digits only."""
CODE_LENGTH = UNIT_LENGTH + DIGITS
CODE_RULE = rf"P[{''.join(prefix[1] for prefix in PREFIXES)}][0-9A-Z]{{4}}[0-9]{{7}}"
"""A whole code, its prefix one of :data:`PREFIXES`; the contract states the same."""

_UNIT = re.compile(r"P[A-Z][0-9A-Z]{4}")
# People and printed bills separate groups with these; none of them is ever part of a code.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.]+")
_LETTER = re.compile(r"[A-Z]")
_UNIT_CHARACTERS = re.compile(r"[0-9A-Z]*")
_DIGITS_ONLY = re.compile(r"[0-9]*")
# A code-shaped token inside longer text. Never glued to letters or digits, so that a longer number or word is
# not cut down to a code; a grouped one may not run on into another digit group either. Three forms:
# compact, as the bill prints it (PC05CC0123456); the unit, then the number whole or as this kiosk groups it
# (PC05CC 012 3456, also with dots or dashes); and the grouping earlier versions of this kiosk printed on
# slips and receipts, for all-digit units (PE01 000 123 456).
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"([A-Za-z]{2}[0-9A-Za-z]{4}[0-9]{7})(?![A-Za-z0-9])"
    r"|([A-Za-z]{2}[0-9A-Za-z]{4}[ .\-][0-9]{3}[ .\-]?[0-9]{4})(?![A-Za-z0-9]|[ .\-][0-9])"
    r"|([A-Za-z]{2}[0-9]{2}(?:[ .\-][0-9]{3}){3})(?![A-Za-z0-9]|[ .\-][0-9])"
    r")"
)
_GROUP_SEPARATOR = re.compile(r"[ .\-]")
# Scanners configured to report the symbology put a three-character AIM identifier first: "]Q1", "]C0".
_AIM_IDENTIFIER = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_CITIZEN_ID_NUMBER = re.compile(r"[0-9]{12}")
# Control characters a scanner may put around the text (CR, LF, STX/ETX, GS), and spaces.
_EDGE_NOISE = "".join(map(chr, range(0x21))) + "\x7f"


@dataclass(frozen=True)
class UnitChoice:
    """A unit whose customers the kiosk serves, offered on the keypad as one tap: ``PC05CC``, "Điện lực Hội An".

    The name is the unit's own, as its bills print it: the same in every language."""

    code: str
    name: str


class CodeProblem(StrEnum):
    """What is wrong with a (possibly half-typed) code; each value maps to one sentence on the screen."""

    NO_PREFIX = "no_prefix"
    """The text does not start with two letters: empty, one letter so far, or digits first."""
    UNKNOWN_PREFIX = "unknown_prefix"
    """Starts with letters that begin no known prefix (``PZ``, ``X``): not a code of any corporation."""
    UNIT_INCOMPLETE = "unit_incomplete"
    """Prefix fine, fewer than 6 characters of the unit code: see :attr:`CodeCheck.unit_missing`."""
    BAD_UNIT_CHARACTER = "bad_unit_character"
    """Something other than a letter A-Z or a digit in the unit code (``PC05C@``, ``PA02ĐH``)."""
    NOT_DIGITS = "not_digits"
    """Something other than a digit among the 7 digits after the unit code."""
    TOO_SHORT = "too_short"
    """Unit code complete, fewer than 7 digits after it: see :attr:`CodeCheck.digits_missing`."""
    TOO_LONG = "too_long"
    """More than 7 digits after the unit code: probably a digit typed twice, or another number from the bill."""


@dataclass(frozen=True)
class CodeCheck:
    """The verdict on some text as a customer code, detailed enough for a keypad screen to guide with."""

    code: str
    """The text as checked: without spaces, dashes and dots, upper case. Send this one to the central."""
    problem: CodeProblem | None
    """None when the text is a complete, well-formed code."""
    on_track: bool
    """Everything so far can still begin a valid code: while typing, show progress rather than an error."""
    unit_missing: int
    """How many more characters the unit code needs; 0 once it has 6, or when the text cannot become a code."""
    digits_missing: int
    """How many more digits the code needs after its unit code (all 7 while the unit code is incomplete); 0
    once complete, or when the text cannot become a code."""

    @property
    def complete(self) -> bool:
        """A well-formed code with a known prefix (whether the account exists is the central's answer)."""
        return self.problem is None

    @property
    def unit(self) -> str | None:
        """The unit code, once all 6 characters are there and can begin a code; else None."""
        unit = self.code[:UNIT_LENGTH]
        return unit if is_unit_code(unit) else None

    @property
    def corporation(self) -> CorporationCode | None:
        """The corporation the prefix names, as soon as the two letters are known; else None."""
        return CORPORATION_BY_PREFIX.get(self.code[:2])


def normalise_code(text: str) -> str:
    """``pc05cc-012 3456`` → ``PC05CC0123456``: what a person types or reads off a bill, in one form."""
    return _SEPARATORS.sub("", text).upper()


def is_unit_code(text: str) -> bool:
    """Whether ``text`` (already normalised) is a whole unit code with a known prefix: ``PC05CC``, ``PE0100``."""
    return _UNIT.fullmatch(text) is not None and text[:2] in CORPORATION_BY_PREFIX


def check_code(text: str) -> CodeCheck:
    """Check ``text`` (normalised first) as a customer code, complete or still being typed."""
    code = normalise_code(text)
    prefix, unit_rest, digits = code[:2], code[2:UNIT_LENGTH], code[UNIT_LENGTH:]

    def verdict(problem: CodeProblem | None, *, on_track: bool) -> CodeCheck:
        if not on_track:
            return CodeCheck(code, problem, on_track, 0, 0)
        unit_missing = max(0, UNIT_LENGTH - len(code))
        return CodeCheck(code, problem, on_track, unit_missing, max(0, DIGITS - len(digits)))

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
    # [0-9A-Z], not str.isalnum: "Đ", "²" and "٣" are letters and digits to Python, never part of a code.
    if not _UNIT_CHARACTERS.fullmatch(unit_rest):
        return verdict(CodeProblem.BAD_UNIT_CHARACTER, on_track=False)
    if len(code) < UNIT_LENGTH:
        return verdict(CodeProblem.UNIT_INCOMPLETE, on_track=True)
    if not _DIGITS_ONLY.fullmatch(digits):
        return verdict(CodeProblem.NOT_DIGITS, on_track=False)
    if len(digits) < DIGITS:
        return verdict(CodeProblem.TOO_SHORT, on_track=True)
    if len(digits) > DIGITS:
        return verdict(CodeProblem.TOO_LONG, on_track=False)
    return verdict(None, on_track=True)


def group_code(code: str) -> str:
    """``PC05CC0123456`` → ``PC05CC 012 3456``, so a customer can compare it with the bill at a glance.

    The bill prints the code unbroken; the space after the unit code shows its two parts (the unit the customer
    chose, the number they typed), and the 7 digits are split 3 + 4, as people read a number of that length
    aloud, so that each part is short enough to hold in mind while looking back at the paper. It works on
    half-typed codes too. Only spaces are added; normalise first if a person typed ``code``.
    """
    if len(code) <= UNIT_LENGTH:
        return code
    unit, digits = code[:UNIT_LENGTH], code[UNIT_LENGTH:]
    return " ".join([unit, *(part for part in (digits[:3], digits[3:]) if part)])


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
    codes = (_GROUP_SEPARATOR.sub("", "".join(forms)).upper() for forms in _TOKEN.findall(text))
    return [code for code in codes if check_code(code).complete]


def _one(codes: list[str]) -> ScanReading:
    distinct = set(codes)
    if len(distinct) == 1:
        return FoundCode(distinct.pop())
    return NotACustomerCode()
