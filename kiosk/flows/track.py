"""Following a service request: the code from the slip, typed or scanned, and where the request is now.

A slip carries the kiosk's own reference (``K…``) from the moment the request is saved, and its QR a link
ending in ``/track/<reference>``. While the request still waits in this kiosk's outbox, only the kiosk knows
it: the customer is told so, without asking the central. Once delivered, the central has its history, found
by the tracking code (``YC…``) or by the kiosk's reference.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote

from kiosk.central.errors import CentralError, InvalidInput, NotFound
from kiosk.flows.bill_lookup import BillLookupFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import Waiting
from kiosk.flows.states.requests import RequestStatus, TrackProblem, TrackRequest
from kiosk.requests.outbox import Outbox
from kiosk.requests.records import REFERENCE_ALPHABET, Delivery, OutboxKind, lookup_key

if TYPE_CHECKING:
    from kiosk.central.models import Service, ServiceList, ServiceRequest

__all__ = ["MAX_CODE_LENGTH", "TrackFlow", "TrackSource", "code_from_slip"]

log = logging.getLogger(__name__)

MAX_CODE_LENGTH = 12
"""Longer than any tracking code (10) or kiosk reference (10), so a stray extra key shows rather than being
swallowed, short enough that the display never wraps."""

KEYS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

# What a slip's QR holds: the tracking page's address, ending in /track/<code> (maybe a slash or a query
# after it), or, on slips from elsewhere, the bare code.
_TRACK_URL = re.compile(r"/track/([^/?#\s]+)/?(?:[?#]\S*)?$", re.IGNORECASE)
_BARE_CODE = re.compile(rf"YC[{REFERENCE_ALPHABET}]{{8}}|K[{REFERENCE_ALPHABET}]{{9}}")
_PLAIN = re.compile(r"[A-Z0-9]+")


def code_from_slip(text: str) -> str | None:
    """The tracking code (or kiosk reference) a slip's QR holds, normalised; None for anything else."""
    text = text.strip()
    found = _TRACK_URL.search(text)
    if found is not None:
        code = lookup_key(unquote(found.group(1)))
        return code if _PLAIN.fullmatch(code) and len(code) <= MAX_CODE_LENGTH else None
    code = lookup_key(text)
    return code if _BARE_CODE.fullmatch(code) else None


class TrackSource(Protocol):
    """What the flow needs from the central (:class:`kiosk.central.CentralClient` is one)."""

    async def request_status(self, tracking_code: str) -> ServiceRequest: ...

    async def services(self) -> ServiceList: ...


class TrackFlow:
    """The tracking keyboard, a scanned slip, and the request's status."""

    def __init__(
        self, source: TrackSource, bills: BillLookupFlow, navigator: Navigator, outbox: Outbox
    ) -> None:
        self._source = source
        self._bills = bills
        self._nav = navigator
        self._outbox = outbox
        self._services: dict[str, Service] | None = None  # the public catalogue, fetched once

    # ------------------------------------------------------------------ typing
    def start(self) -> None:
        self._nav.go(TrackRequest())

    def start_again(self) -> None:
        """From a request's status to an empty keyboard, for another slip."""
        if not isinstance(self._nav.current, RequestStatus):
            return
        self._nav.back()
        if isinstance(self._nav.current, TrackRequest):
            self._nav.replace(TrackRequest())
        else:
            self._nav.go(TrackRequest())

    def key(self, key: str) -> None:
        """A key of the code keyboard: a letter or digit, ``backspace`` or ``clear``. Any key takes the last
        problem away: the customer is correcting it."""
        current = self._nav.current
        if not isinstance(current, TrackRequest):
            return
        typed = current.typed
        if key == "backspace":
            typed = typed[:-1]
        elif key == "clear":
            typed = ""
        elif key in KEYS and len(typed) < MAX_CODE_LENGTH:
            typed += key
        self._nav.replace(TrackRequest(typed))

    # ------------------------------------------------------------------ scanning
    def accepts_scan(self) -> bool:
        return isinstance(self._nav.current, TrackRequest)

    async def scanned(self, text: str) -> None:
        if not self.accepts_scan():
            return
        code = code_from_slip(text)
        if code is None:
            self._nav.replace(TrackRequest(problem=TrackProblem.NOT_A_SLIP))
            return
        self._nav.replace(TrackRequest(code))
        await self.submit()

    # ------------------------------------------------------------------ the status
    async def submit(self) -> None:
        current = self._nav.current
        if not isinstance(current, TrackRequest):
            return
        code = lookup_key(current.typed)
        if not code:
            return
        if current.problem is not None:
            self._nav.replace(replace(current, problem=None))
        local = self._outbox.by_reference(code)
        if local is not None and local.state is not Delivery.DELIVERED:
            # Only this kiosk knows it (queued), or the central would not take it (refused): nothing to ask.
            service = self._cached(local.summary.get("service_code"))
            self._nav.go(
                RequestStatus(local.reference, None, service, refused=local.state is Delivery.REFUSED)
            )
            return
        if local is not None and local.kind is OutboxKind.SERVICE_REQUEST and local.tracking_code:
            code = local.tracking_code
        await self._ask(code, current.typed)

    async def _ask(self, code: str, typed: str) -> None:
        async def fetch() -> tuple[ServiceRequest, Service | None]:
            request, _ = await asyncio.gather(self._source.request_status(code), self._load_services())
            return request, self._cached(request.service_code)

        def on_error(error: CentralError) -> ScreenState | None:
            if isinstance(error, NotFound | InvalidInput):
                return TrackRequest(typed, TrackProblem.NOT_FOUND)
            return None

        # The progress and failure screens name a customer code; a tracking code is not one, so none is given.
        result = await self._bills.request(
            Waiting.REQUEST_STATUS, "", fetch, lambda: self._ask(code, typed), on_error=on_error
        )
        if result is not None:
            request, service = result
            self._nav.replace(RequestStatus(request.tracking_code, request, service))

    async def _load_services(self) -> None:
        """The catalogue, for the service's name. Without it the status is shown all the same."""
        if self._services is not None:
            return
        try:
            catalogue = await self._source.services()
        except CentralError as exc:
            log.info("services unavailable for the request status: %s", type(exc).__name__)
            return
        self._services = {service.code: service for service in catalogue.services}

    def _cached(self, service_code: str | None) -> Service | None:
        if self._services is None or service_code is None:
            return None
        return self._services.get(service_code)
