"""The known ways a call to the central can fail, as a small closed set of exceptions.

:class:`~kiosk.central.client.CentralClient` raises only these (never an ``httpx`` or ``pydantic``
exception), so the UI can map each to a screen or a retry and treat anything else as a bug. ``code`` is
the central's machine-readable error code (``customer_not_found``, ``otp_invalid``…; see
``docs/central-api.md``) or one of the client-side codes below; the UI picks its translated text by
``code``, never by ``message``, which is English for operators and logs.

Messages never contain a response body: bodies can hold customers' names and addresses.
"""

# The names say what happened, as the screens do; an `Error` suffix would add nothing (N818). RUF100 too,
# because checks run with and without the N rules.
# ruff: noqa: N818, RUF100

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

# Client-side codes, for failures that carry no code from the central.
UNKNOWN = "unknown"
"""The central (or something in front of it) answered an error that is not in the contract's shape."""
TIMEOUT = "timeout"
"""No answer in time, after every retry allowed."""
UNREACHABLE = "unreachable"
"""No connection: network down, DNS, connection refused or dropped, proxy failure, or a central whose certificate
the kiosk refused (:attr:`Unavailable.reason` then says why; the code stays this one, which the staff screens
already put in words)."""
INVALID_JSON = "invalid_json"
"""A successful answer whose body is not JSON."""
CONTRACT_MISMATCH = "contract_mismatch"
"""A successful answer whose JSON does not have the shape the contract promises."""
UNEXPECTED_STATUS = "unexpected_status"
"""An HTTP status the contract does not use (a redirect, 1xx)."""


class CentralError(Exception):
    """A known failure of a call to the central.

    ``status`` is the HTTP status when there was an answer, ``None`` when there was none.
    ``details`` are the central's structured details (e.g. ``attempts_left``), read-only.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: Mapping[str, object] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: Mapping[str, object] = MappingProxyType(dict(details or {}))
        self.status = status

    def __str__(self) -> str:
        where = f"HTTP {self.status}" if self.status is not None else "no answer"
        return f"{self.code} ({where}): {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status!r})"


class NotFound(CentralError):
    """404: no such customer, bill, payment, service or request (or a demo-only endpoint off demo)."""


class InvalidInput(CentralError):
    """400/422: the central refused what was sent (a malformed code, a wrong OTP, invalid fields…)."""


class Unauthorized(CentralError):
    """401: this kiosk's token is missing or not accepted; 403: it is another kiosk's (the kiosk id and the
    token do not belong together). Staff must reconfigure the kiosk."""


class Conflict(CentralError):
    """409: refused by the current state (a bill already paid, a payment in progress, a reused key)."""


class RateLimited(CentralError):
    """429: try again later, or never for this resource (``otp_locked``).

    ``retry_after`` is when asking again may succeed, if the central said so: from the
    ``resend_after`` detail of ``otp_resend_too_soon`` (the central's clock), else from a
    ``Retry-After`` header. The client never retries these by itself: a new SMS is the customer's
    decision.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: Mapping[str, object] | None = None,
        status: int | None = None,
        retry_after: datetime | None = None,
    ) -> None:
        super().__init__(code, message, details=details, status=status)
        self.retry_after = retry_after


class Unavailable(CentralError):
    """The central could not be reached or failed (timeout, network, 5xx), after the retries allowed.

    For a call that changes something and is not idempotent (sending an OTP), the change may or may
    not have happened.

    ``reason`` says in words why a connection was refused when the kiosk can tell (the central's
    certificate has expired, is for another host, is signed by an authority the kiosk does not trust),
    for ``kiosk doctor`` and the log; customers' screens show the same "unavailable" screen either way.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: Mapping[str, object] | None = None,
        status: int | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(code, message, details=details, status=status)
        self.reason = reason


class BadResponse(CentralError):
    """The central answered something outside the contract: not JSON, a wrong shape, a status it
    does not use. A bug or version mismatch on one side; retrying will not help."""


__all__ = [
    "CONTRACT_MISMATCH",
    "INVALID_JSON",
    "TIMEOUT",
    "UNEXPECTED_STATUS",
    "UNKNOWN",
    "UNREACHABLE",
    "BadResponse",
    "CentralError",
    "Conflict",
    "InvalidInput",
    "NotFound",
    "RateLimited",
    "Unauthorized",
    "Unavailable",
]
