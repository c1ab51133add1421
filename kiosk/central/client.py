"""The kiosk's async client for the central API (contract v1, ``contract/openapi.json``).

One method per endpoint, each returning a frozen model from :mod:`kiosk.central.models` or raising one
of the known failures of :mod:`kiosk.central.errors`; no ``httpx`` or ``pydantic`` exception ever
leaves this module.

Retries are made only where repeating a request cannot do anything twice:

* ``GET`` calls;
* ``POST /v1/payments/{id}/cancel`` and ``POST /v1/otp/{id}/verify``, idempotent by contract (a repeated
  verification with the right code answers the first one; with a wrong code, a repeat after a lost
  answer spends one more of the code's attempts, as a repeated submission does);
* staff calls and their answer, idempotent by the ``call_id`` the kiosk chose;
* ``POST`` calls that carry an ``Idempotency-Key`` (payments, service requests, outage reports). The
  caller chooses the key and stores it *before* calling, so that after a crash it can repeat the call
  with the same key; this client never invents one, and sends the same key on every retry.

Never retried: ``POST /v1/otp`` (a second attempt would send a second SMS and trips the central's
resend limit), heartbeats (the next beat replaces a lost one) and the demo's ``/v1/sim/*`` calls
(a repeated bank notice is a different event).

A retry happens after a timeout, a transport error (DNS, refused, reset) or a 502/503/504 — what a
load balancer or a restarting central answers — and waits ``backoff(attempt)`` seconds first. After
the last attempt the failure is :class:`~kiosk.central.errors.Unavailable`. A 500 is not retried: it
is a bug on the central, not a passing condition. A 429 is not retried either: the central asks a
person to wait (an OTP resend) or to stop (a locked OTP).

A connection the TLS layer refuses (the central's certificate expired, for another host, signed by an
authority the kiosk does not trust) is :class:`~kiosk.central.errors.Unavailable` with the reason in words,
and is not retried: the certificate will be the same a second later. ``ca_file`` names the authorities to
trust instead of the public ones, for a central whose certificate the power company signs itself;
``pin_sha256`` accepts only one certificate, checked during the handshake, before the token is sent.

Nothing from a response body is logged or put in an exception message: bodies hold customers' names
and addresses.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import ssl
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Self

import kiosk
from kiosk.central import errors
from kiosk.central.answers import (
    HEADER_SAFE,
    RETRYABLE_STATUSES,
    M,
    PinMismatch,
    certificate_problem,
    default_backoff,
    error_for,
    parse_answer,
    path_segment,
)
from kiosk.central.central_time import CentralTime
from kiosk.central.errors import (
    BadResponse,
    CentralError,
    InvalidInput,
    Unavailable,
)
from kiosk.central.lean_httpx import without_extras
from kiosk.config import CentralSettings

if TYPE_CHECKING:
    import httpx

    # Each method imports the model it reads at its first call: the models (~55 ms of pydantic classes) are
    # loaded with the kiosk's first request, after the first paint, not while the kiosk starts.
    from kiosk.central.models import (
        BillFilter,
        BillList,
        BillPaymentQr,
        Consumption,
        Customer,
        FieldValue,
        Granularity,
        Health,
        Heartbeat,
        HeartbeatAck,
        KioskChanges,
        Otp,
        OtpPurpose,
        OtpVerification,
        OutageList,
        OutageReport,
        OutageReportKind,
        Payment,
        PaymentMethod,
        PaymentMethods,
        ServiceList,
        ServiceRequest,
        StaffCall,
        StaffCallAck,
        Tariffs,
    )

log = logging.getLogger(__name__)

Method = Literal["GET", "POST"]

# The longest hold ``GET /v1/payments/{id}?wait=`` may ask of the central (contract v1).
MAX_WAIT_SECONDS = 30


def _tls_context(ca_file: Path | None, pin_sha256: str | None) -> ssl.SSLContext | bool:
    """What httpx verifies the central's certificate with: ``True`` is httpx's default (certifi's authorities,
    or SSL_CERT_FILE's); a CA file replaces them. A pin adds a check of the certificate itself."""
    if ca_file is None and pin_sha256 is None:
        return True
    with without_extras():
        import httpx

    context = (
        ssl.create_default_context(cafile=str(ca_file)) if ca_file is not None else httpx.create_ssl_context()
    )
    if pin_sha256 is not None:
        context.sslobject_class = _pinned(pin_sha256)
    return context


def _pinned(pin_sha256: str) -> type[ssl.SSLObject]:
    # sslobject_class is the stdlib's hook into the handshake of the memory-BIO connections that asyncio's
    # TLS (anyio, under httpx) makes: the pin is checked once the handshake has verified the chain and the host,
    # before a byte of the request, the token among them, is sent. anyio re-raises an SSLError as is, httpcore
    # turns it into a ConnectError, and certificate_problem() finds it in the chain.
    class PinnedSSLObject(ssl.SSLObject):
        def do_handshake(self) -> None:
            super().do_handshake()
            certificate = self.getpeercert(binary_form=True)
            if certificate is None or hashlib.sha256(certificate).hexdigest() != pin_sha256:
                raise PinMismatch("the central's certificate is not the pinned one")

    return PinnedSSLObject


class CentralClient:
    """Async client for the central API; one per kiosk, closed with :meth:`aclose` or ``async with``.

    ``timeout`` applies to each attempt; a call may take up to ``(retries + 1) * timeout`` plus the
    backoff waits. ``backoff(attempt)`` gives the seconds to wait before retry number ``attempt``
    (1-based) and ``sleep`` does the waiting; tests inject both so that nothing really waits.
    ``ca_file`` (PEM) replaces the public certificate authorities as the ones the central's certificate
    must be signed by; ``pin_sha256`` (64 lower-case hex digits) is the SHA-256 of the one certificate the
    central may present, checked on top of that.
    """

    @classmethod
    def for_settings(
        cls, central: CentralSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> Self:
        """The client for the configured central (``transport``: a test's)."""
        return cls(
            central.url,
            central.token.get_secret_value(),
            timeout=central.timeout_seconds,
            retries=central.retries,
            transport=transport,
            ca_file=central.ca_file,
            pin_sha256=central.pin_sha256,
        )

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff: Callable[[int], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        ca_file: Path | None = None,
        pin_sha256: str | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if not HEADER_SAFE.fullmatch(token):
            raise ValueError("the kiosk token must be printable ASCII without spaces")
        self._timeout = timeout
        self._retries = retries
        self.central_time = CentralTime()
        self._backoff = backoff or default_backoff
        self._sleep = sleep
        # httpx and the connection pool (with the SSL context of the public authorities, some tens of
        # milliseconds to load) come with the first request, after the kiosk's window is on screen. A CA file
        # or pin is read now: a wrong one stops the start with its reason.
        self._base_url, self._token, self._transport = base_url, token, transport
        self._verify = _tls_context(ca_file, pin_sha256)
        self._pool: httpx.AsyncClient | None = None

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._pool is None:
            with without_extras():
                import httpx

                self._pool = httpx.AsyncClient(
                    base_url=self._base_url,
                    headers={
                        "Authorization": f"Bearer {self._token}",
                        "Accept": "application/json",
                        "User-Agent": f"evn-kiosk/{kiosk.__version__}",
                    },
                    timeout=httpx.Timeout(self._timeout),
                    transport=self._transport,
                    follow_redirects=False,
                    verify=self._verify,
                )
        return self._pool

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()

    # -------------------------------------------------------------- kiosks and reference data
    async def health(self) -> Health:
        """Liveness of the central (needs no token, but gets it like every call)."""
        from kiosk.central.models import Health

        return await self._call(Health, "GET", "/v1/health", retry=True)

    async def heartbeat(self, kiosk_id: str, heartbeat: Heartbeat) -> HeartbeatAck:
        """Report this kiosk's status. Not retried: the next beat replaces a lost one."""
        from kiosk.central.models import HeartbeatAck

        return await self._call(
            HeartbeatAck,
            "POST",
            "/v1/kiosks/{kiosk_id}/heartbeat",
            path={"kiosk_id": kiosk_id},
            body=heartbeat.model_dump(mode="json"),
            retry=False,
        )

    async def call_staff(self, kiosk_id: str, call: StaffCall) -> StaffCallAck:
        """Tell the office that a customer at this kiosk wants staff. Idempotent by ``call.call_id`` (a
        retry makes no second call), so retried. :class:`Conflict` ``call_id_reused`` if the id was used
        for another call."""
        from kiosk.central.models import StaffCallAck

        return await self._call(
            StaffCallAck,
            "POST",
            "/v1/kiosks/{kiosk_id}/staff-calls",
            path={"kiosk_id": kiosk_id},
            body=call.model_dump(mode="json"),
            retry=True,
        )

    async def staff_call_answered(self, kiosk_id: str, call_id: str) -> None:
        """Staff reached the kiosk. Idempotent (a repeat keeps the first time), so retried.
        :class:`NotFound` ``staff_call_not_found`` for a call the central never received."""
        await self._exchange(
            "POST",
            "/v1/kiosks/{kiosk_id}/staff-calls/{call_id}/answered",
            path={"kiosk_id": kiosk_id, "call_id": call_id},
            retry=True,
        )

    async def kiosk_changes(
        self, kiosk_id: str, since: datetime, *, cursor: str | None = None, limit: int | None = None
    ) -> KioskChanges:
        """One page of what changed for this kiosk at or after ``since`` (the central's clock: the ``now`` of
        the last complete answer, never the kiosk's own): the payments it created, the requests and outage
        reports it submitted. ``cursor`` is the ``next_cursor`` of the page before; ``limit`` at most 500
        (the central's default otherwise). A read, so retried. :class:`Unauthorized` ``wrong_kiosk`` for
        another kiosk's id. :meth:`all_kiosk_changes` reads every page."""
        from kiosk.central.models import KioskChanges

        if since.tzinfo is None or since.utcoffset() is None:
            raise ValueError("since is the central's time, with its offset (a naive time names no clock)")
        params = {"since": since.isoformat()}
        if cursor is not None:
            params["cursor"] = cursor
        if limit is not None:
            params["limit"] = str(limit)
        return await self._call(
            KioskChanges,
            "GET",
            "/v1/kiosks/{kiosk_id}/changes",
            path={"kiosk_id": kiosk_id},
            params=params,
            retry=True,
        )

    async def all_kiosk_changes(
        self, kiosk_id: str, since: datetime, *, page_size: int | None = None
    ) -> KioskChanges:
        """Every change at or after ``since``, page after page, as one answer: the lists of all pages in order,
        the ``now`` of the last page (the next ``since``) and no ``next_cursor``. A failure on any page raises,
        and the caller asks again from the same ``since``: nothing is half-read."""
        page = await self.kiosk_changes(kiosk_id, since, limit=page_size)
        payments, requests, reports = list(page.payments), list(page.requests), list(page.outage_reports)
        while page.next_cursor is not None:
            page = await self.kiosk_changes(kiosk_id, since, cursor=page.next_cursor, limit=page_size)
            payments += page.payments
            requests += page.requests
            reports += page.outage_reports
        return page.model_copy(
            update={"payments": payments, "requests": requests, "outage_reports": reports, "since": since}
        )

    async def tariffs(self) -> Tariffs:
        from kiosk.central.models import Tariffs

        return await self._call(Tariffs, "GET", "/v1/tariffs", retry=True)

    async def check_access(self) -> Health:
        """The central's health, once it has also accepted this kiosk's token (health alone needs none).
        Raises :class:`Unauthorized` for a refused token, another :class:`CentralError` when unreachable."""
        health = await self.health()
        await self.tariffs()
        return health

    # -------------------------------------------------------------- customers
    async def customer(self, code: str) -> Customer:
        from kiosk.central.models import Customer

        return await self._call(Customer, "GET", "/v1/customers/{code}", path={"code": code}, retry=True)

    async def bills(self, code: str, status: BillFilter = "unpaid") -> BillList:
        from kiosk.central.models import BillList

        return await self._call(
            BillList,
            "GET",
            "/v1/customers/{code}/bills",
            path={"code": code},
            params={"status": status},
            retry=True,
        )

    async def consumption(self, code: str, granularity: Granularity = "month") -> Consumption:
        from kiosk.central.models import Consumption

        return await self._call(
            Consumption,
            "GET",
            "/v1/customers/{code}/consumption",
            path={"code": code},
            params={"granularity": granularity},
            retry=True,
        )

    # -------------------------------------------------------------- payments
    async def payment_methods(self) -> PaymentMethods:
        from kiosk.central.models import PaymentMethods

        return await self._call(PaymentMethods, "GET", "/v1/payment-methods", retry=True)

    async def create_payment(
        self, customer_code: str, bill_ids: Sequence[str], method: PaymentMethod, idempotency_key: str
    ) -> Payment:
        """Ask for a QR payment of the given (oldest unpaid) bills; retried safely under the same key."""
        from kiosk.central.models import Payment

        if isinstance(bill_ids, str):
            raise TypeError("bill_ids is a sequence of bill ids, not one string")
        return await self._call(
            Payment,
            "POST",
            "/v1/payments",
            body={"customer_code": customer_code, "bill_ids": list(bill_ids), "method": method},
            idempotency_key=idempotency_key,
            retry=True,
        )

    async def payment(self, payment_id: str, wait: float = 0) -> Payment:
        """The payment as the central has it. ``wait`` > 0 is a long poll: a central that knows it holds its
        answer while the payment is pending, until its status changes or ``wait`` seconds pass (rounded up to
        whole seconds, at most :data:`MAX_WAIT_SECONDS`); one that does not answers at once, as for 0. That
        attempt's read timeout is the wait plus the usual timeout, so the normal timeout never cuts the
        central's hold short. A read, so retried as any other."""
        from kiosk.central.models import Payment

        if not 0 <= wait <= MAX_WAIT_SECONDS:
            raise ValueError(f"wait is 0 to {MAX_WAIT_SECONDS} seconds, not {wait!r}")
        seconds = math.ceil(wait)
        return await self._call(
            Payment,
            "GET",
            "/v1/payments/{payment_id}",
            path={"payment_id": payment_id},
            params={"wait": str(seconds)} if seconds else None,
            read_timeout=seconds + self._timeout if seconds else None,
            retry=True,
        )

    async def cancel_payment(self, payment_id: str) -> Payment:
        """Cancel a pending payment; idempotent by contract, so retried."""
        from kiosk.central.models import Payment

        return await self._call(
            Payment, "POST", "/v1/payments/{payment_id}/cancel", path={"payment_id": payment_id}, retry=True
        )

    async def bill_payment_qr(self, bill_id: str) -> BillPaymentQr:
        """The VietQR to print on a bill's notice. Reading it changes nothing on the central, so it is
        retried; :class:`Conflict` ``bill_already_paid`` once the bill is paid."""
        from kiosk.central.models import BillPaymentQr

        return await self._call(
            BillPaymentQr, "GET", "/v1/bills/{bill_id}/payment-qr", path={"bill_id": bill_id}, retry=True
        )

    # -------------------------------------------------------------- services and requests
    async def services(self) -> ServiceList:
        from kiosk.central.models import ServiceList

        return await self._call(ServiceList, "GET", "/v1/services", retry=True)

    async def send_otp(
        self, purpose: OtpPurpose, *, phone: str | None = None, customer_code: str | None = None
    ) -> Otp:
        """Send a one-time code to ``phone`` or to the phone on the account ``customer_code``.

        Never retried: a second attempt would send a second SMS. After :class:`Unavailable` the SMS may
        or may not have gone; the customer can ask again once the resend delay has passed.
        """
        from kiosk.central.models import Otp

        return await self._call(
            Otp,
            "POST",
            "/v1/otp",
            body={"purpose": purpose, "phone": phone, "customer_code": customer_code},
            retry=False,
        )

    async def verify_otp(self, otp_id: str, code: str) -> OtpVerification:
        """Check the code the customer typed, without using it up: once verified it confirms one request
        until ``valid_until`` (7 days), so the request may wait in the outbox. Idempotent, so retried.

        A wrong code is :class:`InvalidInput` ``otp_invalid`` (``attempts_left`` in its details), then
        :class:`RateLimited` ``otp_locked``; ``otp_expired``, ``otp_used`` and ``otp_wrong_purpose`` are
        :class:`InvalidInput` too, a code never sent :class:`NotFound` ``otp_not_found``."""
        from kiosk.central.models import OtpVerification

        return await self._call(
            OtpVerification,
            "POST",
            "/v1/otp/{otp_id}/verify",
            path={"otp_id": otp_id},
            body={"code": code},
            retry=True,
        )

    async def submit_request(
        self,
        service_code: str,
        customer_code: str | None,
        fields: Mapping[str, FieldValue],
        otp_id: str,
        otp_code: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> ServiceRequest:
        """Submit a service request confirmed by the OTP; retried safely under the same key.

        ``client_reference`` is the kiosk's own reference (``K`` + 9 characters), printed on the slip
        while the request may still be queued; the request can then be looked up by it. Sent only when
        given. :class:`Conflict` ``client_reference_reused`` if another key already used it.
        """
        from kiosk.central.models import ServiceRequest

        body: dict[str, object] = {
            "service_code": service_code,
            "customer_code": customer_code,
            "fields": dict(fields),
            "otp_id": otp_id,
            "otp_code": otp_code,
        }
        if client_reference is not None:
            body["client_reference"] = client_reference
        return await self._call(
            ServiceRequest, "POST", "/v1/requests", body=body, idempotency_key=idempotency_key, retry=True
        )

    async def request_status(self, tracking_code: str) -> ServiceRequest:
        """A request by its tracking code (``YC…``) or the kiosk's client reference (``K…``)."""
        from kiosk.central.models import ServiceRequest

        return await self._call(
            ServiceRequest,
            "GET",
            "/v1/requests/{tracking_code}",
            path={"tracking_code": tracking_code},
            retry=True,
        )

    # -------------------------------------------------------------- outages
    async def outages(self, customer_code: str) -> OutageList:
        from kiosk.central.models import OutageList

        return await self._call(
            OutageList, "GET", "/v1/outages", params={"customer_code": customer_code}, retry=True
        )

    async def report_outage(
        self,
        customer_code: str,
        kind: OutageReportKind,
        description: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> OutageReport:
        """Report an outage or a danger; retried safely under the same key. ``client_reference`` as for
        :meth:`submit_request`."""
        from kiosk.central.models import OutageReport

        body: dict[str, object] = {"customer_code": customer_code, "kind": kind, "description": description}
        if client_reference is not None:
            body["client_reference"] = client_reference
        return await self._call(
            OutageReport,
            "POST",
            "/v1/outage-reports",
            body=body,
            idempotency_key=idempotency_key,
            retry=True,
        )

    # -------------------------------------------------------------- plumbing
    async def _call(
        self,
        model: type[M],
        method: Method,
        template: str,
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, object] | None = None,
        idempotency_key: str | None = None,
        read_timeout: float | None = None,
        retry: bool,
    ) -> M:
        response = await self._exchange(
            method,
            template,
            path=path,
            params=params,
            body=body,
            idempotency_key=idempotency_key,
            read_timeout=read_timeout,
            retry=retry,
        )
        return parse_answer(model, response, f"{method} {template}")

    async def _exchange(
        self,
        method: Method,
        template: str,
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, object] | None = None,
        idempotency_key: str | None = None,
        read_timeout: float | None = None,
        retry: bool,
    ) -> httpx.Response:
        """Send the request, retrying if allowed; the 2xx response, or the known failure raised.

        ``template`` names the endpoint in logs and messages (``GET /v1/customers/{code}``) without the
        customer's code; ``path`` fills it in, each value escaped as one path segment. ``read_timeout``
        replaces the client's timeout for waiting on the answer (a long poll's); connecting keeps the usual one.
        """
        endpoint = f"{method} {template}"
        url = template.format_map({name: path_segment(value) for name, value in (path or {}).items()})
        headers: dict[str, str] = {}
        if idempotency_key is not None:
            if not HEADER_SAFE.fullmatch(idempotency_key):
                # The central answers the same code for a missing or malformed key.
                raise InvalidInput(
                    "idempotency_key_required", "an Idempotency-Key must be printable ASCII without spaces"
                )
            headers["Idempotency-Key"] = idempotency_key
        attempts = 1 + (self._retries if retry else 0)
        http = self._http  # first: it imports httpx
        import httpx

        timeout = (
            httpx.USE_CLIENT_DEFAULT
            if read_timeout is None
            else httpx.Timeout(self._timeout, read=read_timeout)
        )
        waited = self._timeout if read_timeout is None else read_timeout
        for attempt in range(1, attempts + 1):
            failure: CentralError
            cause: Exception | None = None
            try:
                response = await http.request(
                    method, url, params=params, json=body, headers=headers or None, timeout=timeout
                )
            except httpx.TimeoutException as exc:
                failure = Unavailable(errors.TIMEOUT, f"{endpoint}: no answer within {waited:g} s")
                cause = exc
            except httpx.TransportError as exc:
                refused = certificate_problem(exc)
                if refused is not None:
                    # Raised at once: another attempt would meet the same certificate.
                    raise Unavailable(errors.UNREACHABLE, f"{endpoint}: {refused}", reason=refused) from exc
                failure = Unavailable(
                    errors.UNREACHABLE, f"{endpoint}: cannot reach the central ({type(exc).__name__})"
                )
                cause = exc
            except httpx.HTTPError as exc:
                # DecodingError (a body that does not match its Content-Encoding), TooManyRedirects.
                raise BadResponse(
                    errors.CONTRACT_MISMATCH, f"{endpoint}: unreadable answer ({type(exc).__name__})"
                ) from exc
            else:
                # Any answer says what time it is on the central, which its promises are measured by.
                self.central_time.observe_header(response.headers.get("Date"))
                if 200 <= response.status_code <= 299:
                    return response
                failure = error_for(response, endpoint)
                if response.status_code not in RETRYABLE_STATUSES:
                    raise failure
            if attempt == attempts:
                raise failure from cause
            delay = self._backoff(attempt)
            # The code and status only: an error message from the central may name the customer.
            log.warning(
                "%s: attempt %d of %d failed (%s, HTTP %s); retrying in %.1f s",
                endpoint, attempt, attempts, failure.code, failure.status, delay,
            )  # fmt: skip
            await self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover
