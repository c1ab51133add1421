"""Errors the API answers with: an HTTP status and a machine-readable code the kiosk maps to a message."""

from __future__ import annotations

import math
from datetime import datetime


class ApiError(Exception):
    """An expected failure of a request (bad input, unknown id, a rule that forbids it)."""

    def __init__(self, status: int, code: str, message: str, **details: object) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers: dict[str, str] = {}


def rate_limited(
    code: str, message: str, retry_after: datetime, now: datetime, **details: object
) -> ApiError:
    """429: asking again may succeed from ``retry_after`` on, said in the body (``retry_after``, ISO 8601) and
    in the ``Retry-After`` header (whole seconds, rounded up), as HTTP clients expect it."""
    error = ApiError(429, code, message, retry_after=retry_after.isoformat(), **details)
    error.headers["Retry-After"] = str(max(1, math.ceil((retry_after - now).total_seconds())))
    return error


def not_found(code: str, message: str, **details: object) -> ApiError:
    return ApiError(404, code, message, **details)


def invalid(code: str, message: str, **details: object) -> ApiError:
    return ApiError(422, code, message, **details)


def forbidden(code: str, message: str, **details: object) -> ApiError:
    return ApiError(403, code, message, **details)


def conflict(code: str, message: str, **details: object) -> ApiError:
    return ApiError(409, code, message, **details)
