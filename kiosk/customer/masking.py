"""One way to mask a customer's identifiers wherever the screen shows them (a passer-by can read it).

A phone number keeps its first two digits (every mobile number starts 0x) and its last three: ``0912345678`` →
``09•• ••• 678``; a citizen ID number keeps its first three (the province of birth) and its last three:
``079123456234`` → ``079 ••• ••• 234``; a passport number keeps its letter and its last three: ``C1234567`` →
``C••••567``. They are grouped as the keypad showed them while the customer typed, so the customer compares like
with like. A value the central already masked (``091*****78``) is masked again by the same rule, so one phone
reads the same everywhere (``09•• ••• •78``: the central gave one digit fewer).

Only identifiers are masked here. The review of a service request masks the name, the address and the other
personal answers too, and shows them whole only while the customer holds "Xem đầy đủ" (the rule and why:
docs/privacy.md, "Over the customer's shoulder"; the masks: :func:`kiosk.requests.form.masked`).
"""

from __future__ import annotations

from typing import Final

__all__ = ["MASK", "MASK_CHARACTERS", "mask_id_number", "mask_phone"]

MASK: Final = "•"
"""What the kiosk puts in place of a hidden character."""

MASK_CHARACTERS: Final = frozenset("•*●∙·")
"""What the central (``*``) and the kiosk (``•``) put in place of hidden characters."""

_PHONE_GROUPS: Final = (4, 3)  # then the rest: 0912 345 678
_ID_GROUP: Final = 3  # 079 123 456 234


def mask_phone(phone: str) -> str:
    """``0912345678`` → ``09•• ••• 678``; the central's ``091*****78`` → ``09•• ••• •78``."""
    chars = _hide(_characters(phone), head=2, tail=3)
    groups, rest = [], chars
    for size in _PHONE_GROUPS:
        if len(rest) <= size:
            break
        groups.append(rest[:size])
        rest = rest[size:]
    groups.append(rest)
    return " ".join("".join(group) for group in groups if group)


def mask_id_number(number: str) -> str:
    """``079123456234`` → ``079 ••• ••• 234``; a passport number ``C1234567`` → ``C••••567`` (it is read as
    printed, without groups)."""
    chars = _characters(number)
    if all(c.isdigit() or c in MASK_CHARACTERS for c in chars):
        hidden = _hide(chars, head=3, tail=3)
        return " ".join("".join(hidden[i : i + _ID_GROUP]) for i in range(0, len(hidden), _ID_GROUP))
    return "".join(_hide(chars, head=1, tail=3))


def _characters(value: str) -> list[str]:
    return [c for c in value if c.isalnum() or c in MASK_CHARACTERS]


def _hide(chars: list[str], *, head: int, tail: int) -> list[str]:
    """Every character but the first ``head`` and the last ``tail`` hidden; all of them when the value is too
    short to hide anything in between."""
    if len(chars) <= head + tail:
        return [MASK] * len(chars)
    kept = {*range(head), *range(len(chars) - tail, len(chars))}
    return [MASK if i not in kept or c in MASK_CHARACTERS else c for i, c in enumerate(chars)]
