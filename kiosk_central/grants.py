"""Who a bearer token is, and what it may do.

Each kiosk has a token of its own, bound to its kiosk id: with it the kiosk serves its customers and speaks for
itself (its heartbeat, its customers' calls for staff), never for another kiosk. The office's monitoring has
fleet tokens: they read every kiosk's state and open calls (`GET /v1/fleet`) and may mark a call answered, but
serve no customer. A token leaked from one kiosk therefore cannot hide another kiosk's trouble (a spoofed
heartbeat), answer its calls, or list the fleet's calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The kiosk's own rule for its id (kiosk.config.settings): a path segment that needs no escaping.
KIOSK_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
_KIOSK_ID = re.compile(KIOSK_ID_PATTERN)
# Long enough that guessing one is out of reach; short enough to type into a kiosk's config by hand.
_MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class Grant:
    """What one token may do: act as ``kiosk_id`` (None: as no kiosk), and read the fleet (``fleet``)."""

    kiosk_id: str | None = None
    fleet: bool = False


class TokenError(ValueError):
    """A token given to the server that cannot be accepted (said in words for the operator)."""


def kiosk_grants(pairs: Iterable[str]) -> dict[str, Grant]:
    """The kiosk tokens given as ``KIOSK_ID=TOKEN``."""
    grants: dict[str, Grant] = {}
    for pair in pairs:
        kiosk_id, equals, token = pair.partition("=")
        if not equals:
            raise TokenError(
                "a kiosk token is given with the kiosk it belongs to, as KIOSK_ID=TOKEN (the kiosk's kiosk_id)"
            )
        if not _KIOSK_ID.fullmatch(kiosk_id):
            raise TokenError(
                f"{kiosk_id!r} is not a kiosk id: letters, digits, '-', '_' or '.', up to 64, "
                "starting with a letter or digit"
            )
        _add(grants, token, Grant(kiosk_id=kiosk_id))
    return grants


def fleet_grants(tokens: Iterable[str]) -> dict[str, Grant]:
    """The office's tokens, which read the fleet and serve no customer."""
    grants: dict[str, Grant] = {}
    for token in tokens:
        _add(grants, token, Grant(fleet=True))
    return grants


def all_grants(*groups: Mapping[str, Grant]) -> dict[str, Grant]:
    """The groups together; a token in two of them is refused (one token, one holder)."""
    grants: dict[str, Grant] = {}
    for group in groups:
        for token, grant in group.items():
            _add(grants, token, grant)
    return grants


def _add(grants: dict[str, Grant], token: str, grant: Grant) -> None:
    if len(token) < _MIN_TOKEN_LENGTH or not token.isprintable() or " " in token:
        raise TokenError(f"a token is at least {_MIN_TOKEN_LENGTH} characters, without spaces")
    if token in grants:
        raise TokenError("the same token is given twice: each kiosk and each office tool has its own")
    grants[token] = grant
