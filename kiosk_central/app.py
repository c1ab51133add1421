"""The reference central server as a FastAPI application: routes, authentication and error mapping.

Route handlers are plain functions (FastAPI runs them in its thread pool); each does its work in one
database transaction through the modules beside this one: a write (`db.write`, serialised by the database) or a
read (`db.read`, a snapshot that takes no write lock). The one exception is a payment's long poll, which waits on
the event loop (kiosk_central.push) so that hundreds of open QR screens hold no threads.

Nothing that decides money lives in a worker's memory, so a central may run several worker processes; the demo's
clock does (one process's offset), so it does not move when there are several (409 `clock_fixed`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

import kiosk
from kiosk_central import (
    changes,
    demo,
    errors,
    fleet,
    ledger,
    outages,
    payments,
    schemas,
    service_requests,
    services_catalog,
    tariffs,
)
from kiosk_central.body_limit import BodyLimit
from kiosk_central.clock import Clock
from kiosk_central.date_header import DateHeader
from kiosk_central.db import Database, PostgresDatabase, open_database
from kiosk_central.grants import Grant
from kiosk_central.push import PaymentWatch, PostgresListener

log = logging.getLogger(__name__)

API_DESCRIPTION = """
The central API that self-service kiosks use: customer accounts and bills, QR payments, service
requests confirmed by OTP, outages, tariffs, kiosk heartbeats and customers' calls for staff.

* Every call needs `Authorization: Bearer <kiosk token>`; a missing or wrong token gets 401.
* A request body is at most 64 KiB (413 `payload_too_large`); a method a path does not take is 405
  with an `Allow` header.
* A kiosk's token belongs to one kiosk id: it serves customers and speaks for that kiosk only (its
  heartbeat, its calls for staff; 403 `wrong_kiosk` for another's). The office's fleet tokens read
  `GET /v1/fleet` and may mark a call answered, and serve no customer (403 `kiosk_token_required`);
  a kiosk's token reading the fleet gets 403 `fleet_role_required`.
* JSON is snake_case; amounts are whole đồng (integers); times are ISO 8601 with offset.
* Errors are `{"error": {"code", "message", "details"}}` with a machine-readable `code`.
* POSTs that create something take an `Idempotency-Key` header: the same key with the same body
  returns the same result; with a different body, 409 `idempotency_key_reused`.
* Fixed names: a payment request is `{customer_code, bill_ids, method}`; a payment has
  `id, status, amount, qr_payload, reference, expires_at` (status `pending`, `paid`, `expired`,
  `cancelled`); a bill has `id, period_start, period_end, kwh, tiers` (each `{kwh, unit_price,
  amount}`), `subtotal, vat_rate, vat_amount, total, due_date, status`; a bank transfer is
  `{transaction_id, reference, amount}`.
* Bills are paid oldest first, a bill with a live payment cannot get another, and a bill is marked
  paid at most once: money for bills already paid is recorded as refund due. A bank transfer is recorded
  once by its `transaction_id`: the bank's notice sent again is answered as the first.
* A bill's own QR (`GET /v1/bills/{bill_id}/payment-qr`, for its printed notice) is the same on
  every call and never expires; its money is applied or refunded like a payment's.
* A one-time code can be verified (`POST /v1/otp/{otp_id}/verify`) when the customer types it; a
  verified code then confirms one service request for 7 days instead of 5 minutes, so a request
  confirmed at a kiosk that is offline can be delivered from its outbox later.
* One-time codes are limited, against SMS pumping: one per phone per minute (`otp_resend_too_soon`), and
  (`otp_rate_limited`) 5 per phone per hour, 5 per kiosk token per minute and 30 per kiosk token per
  hour; a 429 says when asking again may succeed in `retry_after` and in the `Retry-After` header.
* Requests and outage reports may carry the kiosk's own `client_reference` (`K` + 9 characters),
  unique; requests can be looked up by it as by their tracking code.
* A kiosk lists the payments it created and the requests and reports it submitted that changed since a time
  (`GET /v1/kiosks/{kiosk_id}/changes`, its own token only), paged, with the central's `now` to ask from next.
* A customer's call for staff (`POST /v1/kiosks/{kiosk_id}/staff-calls`) carries a `call_id` the kiosk
  chose: a retry with it makes no second call. `GET /v1/fleet` gives every kiosk's latest heartbeat and
  the calls for staff not answered yet.
* `/v1/sim/*` exists only on a reference server started with `--demo`.
"""

PRORATION_RULE = (
    "EVN's method (Circular 16/2014/TT-BCT): each tier's size is prorated as monthly tier kWh × N ÷ T ×"
    " households, rounded half up, where N is the days from the previous reading date to this reading"
    " date and T the calendar days of the month before the billing month (the reading date's month); a"
    " reading on the same day each month gets exactly the monthly sizes. When a price change falls strictly"
    " inside the period, the old prices get kWh × Nc ÷ N (rounded half up; Nc = days from the previous"
    " reading to the day the new price starts, which counts to the new price) and the new ones the rest,"
    " each part with tier sizes by its own days. One VAT rate for the whole bill: the one in force on the"
    " reading date."
)

T = TypeVar("T")

_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": schemas.ErrorResponse, "description": "Missing or wrong kiosk token"},
    403: {
        "model": schemas.ErrorResponse,
        "description": "The token may not do this: another kiosk's (`wrong_kiosk`), an office token serving"
        " customers (`kiosk_token_required`), a kiosk's token reading the fleet (`fleet_role_required`)",
    },
    404: {"model": schemas.ErrorResponse, "description": "Not found"},
    413: {"model": schemas.ErrorResponse, "description": "The body is over 64 KiB (`payload_too_large`)"},
    409: {"model": schemas.ErrorResponse, "description": "Conflicts with the current state"},
    422: {"model": schemas.ErrorResponse, "description": "Invalid input"},
}
_RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "model": schemas.ErrorResponse,
        "description": (
            "Wait (`otp_resend_too_soon`, `otp_rate_limited`: until `retry_after`, also in the `Retry-After`"
            " header) or stop (`otp_locked`)"
        ),
        "headers": {
            "Retry-After": {
                "description": "Seconds until asking again may succeed",
                "schema": {"type": "integer"},
            }
        },
    },
}


# The longest a payment's long poll is held (`?wait=`): under the 60 s a reverse proxy usually allows.
MAX_WAIT_SECONDS = 30
# How often a held long poll looks whether its kiosk is still there.
DISCONNECT_CHECK_SECONDS = 2.0


@dataclass(frozen=True)
class ServerSettings:
    # A SQLite file's path, or a database URL (postgresql://…, sqlite:///…): kiosk_central.db.open_database.
    database: Path | str
    tokens: Mapping[str, Grant]
    demo: bool = False
    payment_ttl: timedelta = timedelta(minutes=15)
    otp_limits: service_requests.OtpLimits = field(default_factory=service_requests.OtpLimits)
    # How many worker processes serve this database (`kiosk central --workers`); this is one of them.
    workers: int = 1


def _replayed(model: type[Any]) -> dict[int | str, dict[str, Any]]:
    """The 200 of a POST that creates with 201: its retry (the same key or id) answers what the first made."""
    return {200: {"model": model, "description": "A retry: what the first call made, made once"}}


def _error_response(exc: errors.ApiError) -> JSONResponse:
    body = schemas.ErrorResponse(
        error=schemas.ErrorBody(code=exc.code, message=exc.message, details=exc.details)
    )
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return JSONResponse(body.model_dump(mode="json"), status_code=exc.status, headers=headers | exc.headers)


def _idempotency_key(
    key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            min_length=8,
            max_length=128,
            description="Chosen by the kiosk and stored before the first attempt; reused on every retry.",
        ),
    ],
) -> str:
    return key


IdempotencyKey = Annotated[str, Depends(_idempotency_key)]
_CODE_HELP = "The customer code: the managing unit's 6 characters, then 7 digits."
CodeInPath = Annotated[
    str, PathParam(pattern=schemas.CUSTOMER_CODE_PATTERN, examples=["PC05CC0123456"], description=_CODE_HELP)
]
CodeInQuery = Annotated[
    str, Query(pattern=schemas.CUSTOMER_CODE_PATTERN, examples=["PC05CC0123456"], description=_CODE_HELP)
]


def _named_problem(where: tuple[object, ...], value: object) -> errors.ApiError | None:
    """The specific error for a wrong customer code or phone that the contract's patterns refuse, as the
    kiosk's lookups and OTP screen expect it, rather than a generic `invalid_request`."""
    if where in (("path", "code"), ("query", "customer_code")):
        return ledger.code_error(str(value))
    if where == ("body", "phone"):
        return service_requests.phone_error()
    return None


# Module level: with postponed annotations FastAPI resolves dependency annotations in module globals.
_bearer = HTTPBearer(auto_error=False, description="The kiosk's own token.")


def _token_fingerprint(request: Request) -> str:
    """Who asked, as the database keeps it: a digest of the (already checked) token, never the token."""
    token = request.headers.get("Authorization", "").partition(" ")[2]
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def authorised(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Grant:
    """What the caller's token may do (401 for no token or an unknown one)."""
    grants: Mapping[str, Grant] = request.app.state.grants
    grant = grants.get(creds.credentials) if creds is not None else None
    if grant is None:
        raise errors.ApiError(401, "unauthorized", "a valid kiosk token is required")
    return grant


# The grant of the token that asked: routes that record who made something take it.
KioskGrant = Annotated[Grant, Depends(authorised)]


def serving_customers(grant: Annotated[Grant, Depends(authorised)]) -> None:
    if grant.kiosk_id is None:
        raise errors.forbidden("kiosk_token_required", "only a kiosk's own token serves customers")


def as_kiosk(kiosk_id: str, grant: Annotated[Grant, Depends(authorised)]) -> None:
    if grant.kiosk_id != kiosk_id:
        raise errors.forbidden("wrong_kiosk", "a kiosk's token speaks for that kiosk only")


def as_kiosk_or_office(kiosk_id: str, grant: Annotated[Grant, Depends(authorised)]) -> None:
    if grant.kiosk_id != kiosk_id and not grant.fleet:
        raise errors.forbidden("wrong_kiosk", "a kiosk's token speaks for that kiosk only")


def office(grant: Annotated[Grant, Depends(authorised)]) -> None:
    if not grant.fleet:
        raise errors.forbidden("fleet_role_required", "the fleet is for the office's own tokens")


def create_app(settings: ServerSettings, clock: Clock | None = None) -> FastAPI:
    db = open_database(settings.database)
    clock = clock or Clock()
    db.initialise((lambda conn: demo.seed(conn, clock.now())) if settings.demo else None)
    watch = PaymentWatch()
    db.on_payment_changed(watch.wake)
    # How often a long poll looks at its payment again whatever it was told: every second on SQLite with several
    # workers, whose news does not cross processes; every ten seconds otherwise (a safety net only).
    recheck = 1.0 if settings.workers > 1 and not isinstance(db, PostgresDatabase) else 10.0

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        listener = PostgresListener(db.url, watch) if isinstance(db, PostgresDatabase) else None
        if listener is not None:
            listener.start()
        try:
            with watch.stopped_by_signals():
                yield
        finally:
            if listener is not None:
                await run_in_threadpool(listener.stop)
            await run_in_threadpool(db.close)

    app = FastAPI(
        lifespan=lifespan,
        title="Electricity customer kiosk — central API",
        version="1.0.0",
        description=API_DESCRIPTION,
        docs_url="/docs" if settings.demo else None,
        redoc_url=None,
    )
    app.state.grants = settings.tokens
    app.state.database = db
    app.add_middleware(BodyLimit)
    app.add_middleware(DateHeader, clock=clock)

    @app.exception_handler(errors.ApiError)
    async def _api_error(_: Request, exc: errors.ApiError) -> JSONResponse:
        return _error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        for wrong in exc.errors():
            named = _named_problem(tuple(wrong["loc"]), wrong.get("input", ""))
            if named is not None:
                return _error_response(named)
        if any(p["loc"][:2] == ["header", "Idempotency-Key"] for p in problems):
            return _error_response(
                errors.invalid(
                    "idempotency_key_required", "an Idempotency-Key header of 8–128 characters is needed"
                )
            )
        return _error_response(
            errors.invalid("invalid_request", "the request is not valid", problems=problems)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # A body that is not JSON at all (not even text): as invalid as any other body, and said so.
            return _error_response(errors.invalid("invalid_request", "the body is not valid JSON"))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        error = errors.ApiError(exc.status_code, code, str(exc.detail))
        # Starlette's 405 names the methods the path takes (`Allow`, RFC 9110): kept, not dropped.
        error.headers.update(exc.headers or {})
        return _error_response(error)

    tx = db.write
    read = db.read

    @app.get("/v1/health", tags=["kiosks"])
    def health() -> dict[str, str | bool]:
        """Unauthenticated liveness check, for kiosks waiting for the server and for monitoring."""
        return {"status": "ok", "version": kiosk.__version__, "demo": settings.demo}

    @app.get("/receipts/{reference}", include_in_schema=False, response_class=HTMLResponse)
    def receipt_page(reference: str) -> HTMLResponse:
        """What a customer's phone opens from the QR on a kiosk receipt: whether that payment arrived.

        Public (the phone has no kiosk token), so it shows only what the paper receipt already shows."""

        def work(c: Any) -> schemas.Payment | None:
            row = c.execute("SELECT id FROM payments WHERE reference = ?", (reference,)).fetchone()
            return None if row is None else payments.payment(c, row["id"], clock.now())

        found = read(work)
        return HTMLResponse(payments.receipt_page(reference, found), status_code=200 if found else 404)

    @app.get("/track/{reference}", include_in_schema=False, response_class=HTMLResponse)
    def track_page(reference: str) -> HTMLResponse:
        """What a customer's phone opens from the QR on a request slip: the request's status and history,
        by tracking code or by the kiosk's reference (printed while the request may still be queued).

        Public (the phone has no kiosk token), so it shows nothing personal."""
        found = read(lambda c: service_requests.find_request(c, reference))
        return HTMLResponse(service_requests.track_page(reference, found), status_code=200 if found else 404)

    @app.get("/fleet", include_in_schema=False, response_class=HTMLResponse)
    def fleet_page() -> HTMLResponse:
        """The office's view of its kiosks, for a phone: calls for staff, kiosks with no news, and what
        each kiosk last reported. No token (a browser has none) and nothing personal on it; see
        docs/central-api.md for putting it behind the office's own sign-in."""
        return HTMLResponse(fleet.fleet_page(read(lambda c: fleet.fleet(c, clock.now()))))

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(serving_customers)], responses=_ERROR_RESPONSES)
    # The kiosks' own reports and the office's view of them: who may call depends on the kiosk named.
    kiosks = APIRouter(prefix="/v1", dependencies=[Depends(authorised)], responses=_ERROR_RESPONSES)

    # -------------------------------------------------------------- customers
    @v1.get("/customers/{code}", tags=["customers"])
    def get_customer(code: CodeInPath) -> schemas.Customer:
        """The account, with personal data masked for a public screen."""
        return read(lambda c: ledger.customer(c, code))

    @v1.get("/customers/{code}/bills", tags=["customers"])
    def get_bills(code: CodeInPath, status: Literal["unpaid", "all"] = "unpaid") -> schemas.BillList:
        """Bills oldest first. `unpaid` lists every bill not yet paid (unpaid, pending_payment, overdue)."""

        ledger.check_code(code)
        now = clock.now()
        return read(lambda c: ledger.bills(c, code, status, now, clock.today()))

    @v1.get("/customers/{code}/consumption", tags=["customers"])
    def get_consumption(
        code: CodeInPath, granularity: Literal["month", "day"] = "month"
    ) -> schemas.Consumption:
        """kWh per billing month (all history), or per day for remote-read meters (last 62 days)."""
        return read(lambda c: ledger.consumption(c, code, granularity))

    # -------------------------------------------------------------- payments
    @v1.get("/payment-methods", tags=["payments"])
    def get_payment_methods() -> schemas.PaymentMethods:
        """How customers can pay, each method with the kind of QR it makes (`payload_kind`). This central makes
        NAPAS VietQR codes only, which every banking app and the big wallets scan: one method."""
        return schemas.PaymentMethods(methods=list(payments.PAYMENT_METHODS))

    @v1.post("/payments", tags=["payments"], status_code=201, responses=_replayed(schemas.Payment))
    def post_payment(
        body: schemas.PaymentCreate, key: IdempotencyKey, response: Response, grant: KioskGrant
    ) -> schemas.Payment:
        """Ask for a QR payment of the oldest unpaid bills. 201 when created, 200 for a replayed key."""
        result, created = tx(
            lambda c: payments.create(
                c, key, body, clock.now(), settings.payment_ttl, kiosk_id=grant.kiosk_id
            )
        )
        if not created:
            response.status_code = 200
        return result

    @v1.get("/payments/{payment_id}", tags=["payments"])
    async def get_payment(
        payment_id: str,
        request: Request,
        wait: Annotated[
            int,
            Query(
                ge=0,
                le=MAX_WAIT_SECONDS,
                description=(
                    "Seconds the central may hold the answer while the payment is `pending`: it answers as soon"
                    " as the status changes (the bank's notice, a cancel, expiry), or when the time is up, with"
                    " the payment as it stands. 0 (the default) answers at once. A kiosk keeps one such long"
                    " poll open while its QR is on screen instead of asking every second."
                ),
            ),
        ] = 0,
    ) -> schemas.Payment:
        """The payment as it stands, at once or when it changes (`wait`)."""
        deadline = time.monotonic() + wait
        # Interest is taken before each read and the event cleared then, so that news committed between the read
        # and the wait is not missed.
        with watch.interest(payment_id) as changed:
            while True:
                changed.clear()
                current = await run_in_threadpool(
                    read, lambda c: payments.payment(c, payment_id, clock.now())
                )
                left = deadline - time.monotonic()
                if current.status != "pending" or left <= 0 or watch.stopping:
                    return current
                # Expiry is news nobody sends: look again at expires_at by the central's clock (just after, so
                # that the read sees it expired), and every `recheck` seconds whatever was heard.
                until_expiry = (current.expires_at - clock.now()).total_seconds() + 0.01
                look_again = time.monotonic() + max(0.0, min(left, until_expiry, recheck))
                while not changed.is_set() and not watch.stopping and time.monotonic() < look_again:
                    with suppress(TimeoutError):
                        await asyncio.wait_for(
                            changed.wait(),
                            timeout=min(DISCONNECT_CHECK_SECONDS, look_again - time.monotonic()),
                        )
                    if await request.is_disconnected():
                        # The kiosk went away (or a proxy gave up on it): nobody is left to answer.
                        return current

    @v1.post("/payments/{payment_id}/cancel", tags=["payments"])
    def cancel_payment(payment_id: str) -> schemas.Payment:
        """Cancel a pending payment (idempotent). Money that still arrives is applied if bills are unpaid."""
        return tx(lambda c: payments.cancel(c, payment_id, clock.now()))

    @v1.get("/bills/{bill_id}/payment-qr", tags=["payments"])
    def get_bill_payment_qr(bill_id: str) -> schemas.BillPaymentQr:
        """The VietQR to print on a bill's notice, paid later from any banking app: the same on every
        call, it does not expire or mark the bill pending. 409 `bill_already_paid` once it is paid."""
        return read(lambda c: payments.bill_payment_qr(c, bill_id))

    # -------------------------------------------------------------- services and requests
    @v1.get("/services", tags=["requests"])
    def get_services() -> schemas.ServiceList:
        """The online services, each with its form schema and document checklist."""
        return schemas.ServiceList(services=list(services_catalog.SERVICES))

    @v1.post("/otp", tags=["requests"], status_code=201, responses=_RATE_LIMITED)
    def post_otp(body: schemas.OtpCreate, request: Request) -> schemas.Otp:
        """Send a one-time code by SMS to a phone, or to the phone on an account. Limited per phone and per
        kiosk token (`otp_rate_limited`, with `Retry-After`): see the API description."""
        limits, sender = settings.otp_limits, _token_fingerprint(request)

        def work(c: Any) -> service_requests.IssuedOtp:
            issued = service_requests.send_otp(c, body, clock.now(), sender=sender, limits=limits)
            if settings.demo:
                # What the demo's SMS gateway "delivered", in the database so that any worker can show it.
                c.execute(
                    "INSERT INTO sim_otps (otp_id, phone, code) VALUES (?, ?, ?)",
                    (issued.otp.id, issued.otp.phone, issued.code),
                )
            return issued

        issued = tx(work)
        # A real server hands the code to its SMS gateway here; it is never logged.
        log.info("one-time code %s sent to %s", issued.otp.id, issued.otp.phone)
        return issued.otp

    @v1.post("/otp/{otp_id}/verify", tags=["requests"], responses=_RATE_LIMITED)
    def post_otp_verify(otp_id: str, body: schemas.OtpVerify) -> schemas.OtpVerification:
        """Check the code the customer typed and record it as verified, without using it up: it then
        confirms one service request until `valid_until` (7 days), even after its 5-minute expiry.
        Idempotent: the right code again answers the same `verified_at`. A wrong code spends an attempt
        (`otp_invalid` with `attempts_left`, then 429 `otp_locked`)."""
        result = tx(lambda c: service_requests.verify_otp(c, otp_id, body.code, clock.now()))
        if isinstance(result, errors.ApiError):
            raise result
        return result

    @v1.post(
        "/requests",
        tags=["requests"],
        status_code=201,
        responses=_RATE_LIMITED | _replayed(schemas.ServiceRequest),
    )
    def post_request(
        body: schemas.RequestCreate, key: IdempotencyKey, response: Response, grant: KioskGrant
    ) -> schemas.ServiceRequest:
        """Submit a service request confirmed by the OTP: within its 5 minutes, or within 7 days of its
        verification. 201 when created, 200 for a replayed key; 409 `client_reference_reused` when
        another key already used the `client_reference`."""
        result, created, failure = tx(
            lambda c: service_requests.create_request(c, key, body, clock.now(), kiosk_id=grant.kiosk_id)
        )
        if failure is not None:
            raise failure
        assert result is not None
        if not created:
            response.status_code = 200
        return result

    @v1.get("/requests/{tracking_code}", tags=["requests"])
    def get_request(tracking_code: str) -> schemas.ServiceRequest:
        """A request's status and history, by the tracking code (`YC…`) or the kiosk's client reference
        (`K…`) printed on the slip; any case, spaces and dashes ignored."""

        def work(c: Any) -> schemas.ServiceRequest:
            found = service_requests.find_request(c, tracking_code)
            if found is None:
                wanted = service_requests.normalise_reference(tracking_code)
                raise errors.not_found("request_not_found", f"no request {wanted}", tracking_code=wanted)
            return found

        return read(work)

    # -------------------------------------------------------------- outages
    @v1.get("/outages", tags=["outages"])
    def get_outages(customer_code: CodeInQuery) -> schemas.OutageList:
        """Planned and current outages in the customer's area that have not ended."""
        return read(lambda c: outages.outages_for(c, customer_code, clock.now()))

    @v1.post("/outage-reports", tags=["outages"], status_code=201, responses=_replayed(schemas.OutageReport))
    def post_outage_report(
        body: schemas.OutageReportCreate, key: IdempotencyKey, response: Response, grant: KioskGrant
    ) -> schemas.OutageReport:
        """Report that the power is out, or that something is dangerous. 200 for a replayed key; 409
        `client_reference_reused` when another key already used the `client_reference`."""
        result, created = tx(lambda c: outages.report(c, key, body, clock.now(), kiosk_id=grant.kiosk_id))
        if not created:
            response.status_code = 200
        return result

    # -------------------------------------------------------------- tariffs and kiosks
    @v1.get("/tariffs", tags=["tariffs"])
    def get_tariffs() -> schemas.Tariffs:
        """The dated residential tariff schedules and VAT periods bills are computed from."""
        return schemas.Tariffs(
            residential=[
                schemas.TariffSchedule(
                    effective_from=s.effective_from,
                    decision=s.decision,
                    tiers=[
                        schemas.TariffTier(up_to_kwh=t.up_to_kwh, unit_price=t.unit_price) for t in s.tiers
                    ],
                )
                for s in tariffs.RESIDENTIAL_SCHEDULES
            ],
            vat=[
                schemas.VatPeriod(effective_from=v.effective_from, rate=float(v.rate), basis=v.basis)
                for v in tariffs.VAT_PERIODS
            ],
            proration=PRORATION_RULE,
        )

    @kiosks.post("/kiosks/{kiosk_id}/heartbeat", tags=["kiosks"], dependencies=[Depends(as_kiosk)])
    def post_heartbeat(kiosk_id: str, body: schemas.Heartbeat) -> schemas.HeartbeatAck:
        """The kiosk's status, every minute or so; the latest one is kept and shown on the fleet page."""
        return tx(lambda c: fleet.record_heartbeat(c, kiosk_id, body, clock.now()))

    @kiosks.post(
        "/kiosks/{kiosk_id}/staff-calls",
        tags=["kiosks"],
        status_code=201,
        dependencies=[Depends(as_kiosk)],
        responses=_replayed(schemas.StaffCallAck),
    )
    def post_staff_call(
        kiosk_id: str, body: schemas.StaffCallCreate, response: Response
    ) -> schemas.StaffCallAck:
        """A customer pressed "Call staff". Idempotent by `call_id`: 201 when recorded; a retry is 200 with
        the first `received_at` and makes no second call; the same `call_id` with another body is 409
        `call_id_reused`."""
        ack, created = tx(lambda c: fleet.call_staff(c, kiosk_id, body, clock.now()))
        if not created:
            response.status_code = 200
        return ack

    @kiosks.post(
        "/kiosks/{kiosk_id}/staff-calls/{call_id}/answered",
        tags=["kiosks"],
        status_code=204,
        dependencies=[Depends(as_kiosk_or_office)],
    )
    def post_staff_call_answered(
        kiosk_id: str, call_id: Annotated[str, PathParam(pattern=schemas.CALL_ID_PATTERN)]
    ) -> None:
        """Staff reached the kiosk (they opened staff mode on it), said by the kiosk itself or by the office.
        Idempotent: a repeat keeps the first time. 404 `staff_call_not_found` for a call the central never
        received."""
        tx(lambda c: fleet.answer_staff_call(c, kiosk_id, call_id, clock.now()))

    @kiosks.get("/kiosks/{kiosk_id}/changes", tags=["kiosks"], dependencies=[Depends(as_kiosk)])
    def get_kiosk_changes(
        kiosk_id: str,
        since: Annotated[
            schemas.QueryTime,
            Query(
                description=(
                    "Changes at or after this time, by the central's clock: the `now` of the last complete"
                    " answer (never the kiosk's clock); a time long past to rebuild everything. With an offset."
                )
            ),
        ],
        limit: Annotated[
            int, Query(ge=1, le=schemas.CHANGES_LIMIT, description="The most changes in this page.")
        ] = 200,
        cursor: Annotated[
            str | None,
            Query(
                pattern=schemas.CHANGES_CURSOR_PATTERN,
                description="The `next_cursor` of the page before, to read on from it (with the same `since`).",
            ),
        ] = None,
    ) -> schemas.KioskChanges:
        """The payments this kiosk created and the service requests and outage reports it submitted that
        changed at or after `since`, oldest change first, each as it stands now, with the central's `now`.
        For the kiosk's own token only (403 `wrong_kiosk`): what a kiosk reads at start and daily to learn of
        money that came after it stopped watching a payment, and to rebuild after its journal was lost."""
        return read(lambda c: changes.kiosk_changes(c, kiosk_id, since, clock.now(), limit, cursor))

    @kiosks.get("/fleet", tags=["kiosks"], dependencies=[Depends(office)])
    def get_fleet() -> schemas.Fleet:
        """Every kiosk that ever sent a heartbeat, with its latest one, and the calls for staff no one has
        answered yet: what the `/fleet` page shows. For the office's fleet tokens only (403
        `fleet_role_required` for a kiosk's)."""
        return read(lambda c: fleet.fleet(c, clock.now()))

    def demo_only() -> None:
        if not settings.demo:
            raise errors.not_found("not_found", "simulation endpoints exist only on a demo server")

    app.include_router(v1)
    app.include_router(kiosks)
    # Always routed (so /openapi.json is the same in both modes) but answering 404 outside demo mode.
    app.include_router(_sim_router([Depends(authorised), Depends(demo_only)], db, clock, settings.workers))
    return app


def _sim_router(guards: list[Any], db: Database, clock: Clock, workers: int) -> APIRouter:
    """Endpoints that stand in for the outside world in demo mode: the bank, the SMS gateway, time."""
    sim = APIRouter(prefix="/v1/sim", tags=["simulation (demo only)"], dependencies=guards)

    @sim.post("/bank-transfers", responses=_ERROR_RESPONSES)
    def post_bank_transfer(body: schemas.BankTransfer) -> schemas.BankTransferResult:
        """The bank notifies that money arrived with this reference. Recorded once per `transaction_id`: the
        same notice again (its acknowledgement was lost) answers what the first did and records nothing; the
        same id with another reference or amount is 409 `transaction_id_reused`."""
        return db.write(lambda c: payments.receive_transfer(c, body, clock.now()))

    @sim.post("/counter-payments", status_code=204, responses=_ERROR_RESPONSES)
    def post_counter_payment(body: schemas.SimCounterPayment) -> None:
        """A bill is paid through another channel (a counter, another app)."""
        db.write(lambda c: payments.pay_elsewhere(c, body, clock.now()))

    @sim.get("/otps/{otp_id}", responses=_ERROR_RESPONSES)
    def get_sim_otp(otp_id: str) -> schemas.SimOtp:
        """The code the SMS gateway would have delivered."""
        row = db.read(lambda c: c.execute("SELECT * FROM sim_otps WHERE otp_id = ?", (otp_id,)).fetchone())
        if row is None:
            raise errors.not_found("otp_not_found", f"no code {otp_id} was sent")
        return schemas.SimOtp(otp_id=row["otp_id"], phone=row["phone"], code=row["code"])

    @sim.post("/clock", responses=_ERROR_RESPONSES)
    def post_clock(body: schemas.SimClockAdvance) -> schemas.SimClock:
        """Move the server's clock forward, to see expiry and due dates pass. Only on a central with one worker
        process (409 `clock_fixed` with several): the offset is that process's."""
        if workers > 1:
            raise errors.conflict(
                "clock_fixed",
                f"this demo central runs {workers} worker processes, each with its own clock: start it with"
                " --workers 1 to move its clock",
            )
        return schemas.SimClock(now=clock.advance(timedelta(seconds=body.seconds)))

    return sim


def iter_routes(app: FastAPI) -> Iterator[str]:
    """Method and path of every route, for `--help`-style listings and tests."""
    for route in app.routes:
        methods = getattr(route, "methods", None) or set()
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            yield f"{method} {getattr(route, 'path', '')}"
