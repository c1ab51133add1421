"""How the kiosk reads the central's answers: a model checked against the contract, or a typed error from the
contract's error envelope (with ``Retry-After``); and how long to wait before a safe retry."""

from __future__ import annotations

import random
import re
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

import pydantic

from kiosk.central import errors
from kiosk.central.errors import (
    BadResponse,
    CentralError,
    Conflict,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)

if TYPE_CHECKING:
    import httpx

    # Only for the bound: the models are imported with the first answer parsed, not when the kiosk starts.
    from kiosk.central.models import CentralModel

M = TypeVar("M", bound="CentralModel")


RETRYABLE_STATUSES = frozenset({502, 503, 504})
"""Answers that mean "not now" from a proxy or a restarting central, rather than "no"."""


# What can travel in an HTTP header value: visible ASCII, no control characters.
HEADER_SAFE = re.compile(r"^[\x21-\x7e]+$")


def default_backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): about 0.5, 1, 2, 4, then 8 at most.

    Up to 25 % jitter is added so that a fleet of kiosks cut off together does not come back in step.
    """
    base = min(0.5 * 2.0 ** (attempt - 1), 8.0)
    return base * (1 + random.random() / 4)  # spreading load, not security


def path_segment(value: str) -> str:
    """``value`` as exactly one path segment: ``/``, ``?``, ``#``, ``%`` escaped, and ``.`` too, so that
    ``..`` cannot climb out of the route (httpx would otherwise normalise dot segments away)."""
    return quote(value, safe="").replace(".", "%2E")


class _ErrorBody(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore", defer_build=True)

    code: str
    message: str = ""
    details: dict[str, object] | None = None


class _ErrorEnvelope(pydantic.BaseModel):
    """The contract's error shape, ``{"error": {"code", "message", "details"}}``; lenient beyond ``code``."""

    model_config = pydantic.ConfigDict(extra="ignore", defer_build=True)

    error: _ErrorBody


def parse_error_body(content: bytes) -> _ErrorBody | None:
    try:
        return _ErrorEnvelope.model_validate_json(content).error
    except pydantic.ValidationError:
        return None


def aware(value: datetime) -> datetime | None:
    return value if value.tzinfo is not None and value.utcoffset() is not None else None


def retry_after_of(response: httpx.Response, details: Mapping[str, object]) -> datetime | None:
    """When the central says asking again may succeed: its ``resend_after`` or ``retry_after`` detail, else
    ``Retry-After``."""
    resend_after = details.get("resend_after", details.get("retry_after"))
    if isinstance(resend_after, str):
        try:
            return aware(datetime.fromisoformat(resend_after))
        except ValueError:
            pass
    header = response.headers.get("Retry-After", "").strip()
    if header.isdigit():
        return datetime.now(UTC) + timedelta(seconds=int(header))
    if header:
        try:
            return aware(parsedate_to_datetime(header))
        except (TypeError, ValueError):
            return None
    return None


def error_for(response: httpx.Response, endpoint: str) -> CentralError:
    """The known failure an unsuccessful answer stands for, by status; the code from the body if it has
    the contract's error shape, else ``unknown``."""
    status = response.status_code
    body = parse_error_body(response.content)
    if body is not None:
        code, message, details = body.code, body.message, body.details or {}
    else:
        code, message, details = (
            errors.UNKNOWN,
            f"{endpoint}: HTTP {status} without a contract error body",
            {},
        )
    if status in (400, 422):
        return InvalidInput(code, message, details=details, status=status)
    if status in (401, 403):
        # 403: the token is good but not this kiosk's (`wrong_kiosk`): a configuration only staff can fix.
        return Unauthorized(code, message, details=details, status=status)
    if status == 404:
        return NotFound(code, message, details=details, status=status)
    if status == 409:
        return Conflict(code, message, details=details, status=status)
    if status == 429:
        retry_after = retry_after_of(response, details)
        return RateLimited(code, message, details=details, status=status, retry_after=retry_after)
    if 500 <= status <= 599:
        return Unavailable(code, message, details=details, status=status)
    if not 400 <= status <= 499:
        # 1xx and 3xx (redirects are not followed: the central's URL is configured, not discovered).
        code, message = errors.UNEXPECTED_STATUS, f"{endpoint}: unexpected HTTP {status}"
    return BadResponse(code, message, details=details, status=status)


# OpenSSL's verification results (X509_V_ERR_*, include/openssl/x509_vfy.h) in the operator's words, with what to
# do about them; anything else is named by OpenSSL's own message.
_UNTRUSTED = (
    "the central's certificate is signed by an authority this kiosk does not trust"
    " (set central.ca_file to the authority's certificate)"
)
_VERIFY_WORDS: Mapping[int, str] = {
    2: _UNTRUSTED,  # unable to get issuer certificate
    9: "the central's certificate is not valid yet (or this kiosk's clock is wrong)",
    10: "the central's certificate has expired (or this kiosk's clock is wrong)",
    18: _UNTRUSTED,  # self-signed certificate
    19: _UNTRUSTED,  # self-signed certificate in the chain
    20: _UNTRUSTED,  # unable to get local issuer certificate
    21: _UNTRUSTED,  # unable to verify the first certificate
    23: "the central's certificate has been revoked",
    62: "the central's certificate is for another host (check central.url)",  # hostname mismatch
    64: "the central's certificate is for another host (check central.url)",  # IP address mismatch
}


class PinMismatch(ssl.SSLError):
    """The central's certificate passed verification but is not the one ``central.pin_sha256`` names."""


PIN_MISMATCH = "the central's certificate is not the one central.pin_sha256 names"


def certificate_problem(exc: BaseException) -> str | None:
    """Why the TLS handshake behind a failed connection was refused, in words for the operator; ``None`` when
    the failure was not such a refusal (refused, reset, DNS, a handshake cut short), which may pass.

    httpx wraps the ``ssl`` error in its own (and httpcore's) exceptions, so the chain is walked to find it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, PinMismatch):
            return PIN_MISMATCH
        if isinstance(current, ssl.SSLCertVerificationError):
            words = _VERIFY_WORDS.get(current.verify_code)
            return words or f"the central's certificate was refused ({current.verify_message})"
        if isinstance(current, ssl.SSLError) and current.reason == "WRONG_VERSION_NUMBER":
            return "the central does not answer TLS at this address (is it an http:// server?)"
        current = current.__cause__ or current.__context__
    return None


def parse_answer(model: type[M], response: httpx.Response, endpoint: str) -> M:
    try:
        return model.model_validate_json(response.content)
    except pydantic.ValidationError as exc:
        problems = exc.errors(include_url=False, include_input=False, include_context=False)
        if any(p["type"] == "json_invalid" for p in problems):
            code, message = errors.INVALID_JSON, f"{endpoint}: the answer is not JSON"
        else:
            code, message = errors.CONTRACT_MISMATCH, f"{endpoint}: the answer does not match the contract"
        # Only where and what kind: the offending values could be personal data.
        details = {
            "endpoint": endpoint,
            "problems": [
                {"loc": ".".join(str(part) for part in p["loc"]), "type": p["type"]} for p in problems
            ],
        }
        # `from None`: a ValidationError's text quotes the input, which must not reach a log.
        raise BadResponse(code, message, details=details, status=response.status_code) from None
