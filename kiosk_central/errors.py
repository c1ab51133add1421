"""Errors the API answers with: an HTTP status and a machine-readable code the kiosk maps to a message."""

from __future__ import annotations


class ApiError(Exception):
    """An expected failure of a request (bad input, unknown id, a rule that forbids it)."""

    def __init__(self, status: int, code: str, message: str, **details: object) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def not_found(code: str, message: str, **details: object) -> ApiError:
    return ApiError(404, code, message, **details)


def invalid(code: str, message: str, **details: object) -> ApiError:
    return ApiError(422, code, message, **details)


def conflict(code: str, message: str, **details: object) -> ApiError:
    return ApiError(409, code, message, **details)
