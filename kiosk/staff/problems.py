"""Words for the error codes that the outbox keeps, so that staff read what went wrong ("Không kết nối được hệ
thống trung tâm"), not a code (``unreachable``, ``invalid_fields``).

The codes are the central client's and the central's own (:mod:`kiosk.central.errors`, the contract); a code
this table does not know (a newer central's) is still shown, in words that say it is an error code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from kiosk.language.catalogs import N_

# The codes as kiosk.central.errors and kiosk.requests.courier (BUG) spell them, written out: the staff screens
# import this table, and views import no central client and no outbox (tests/staff/test_problems.py checks them).
UNREACHABLE: Final = "unreachable"
TIMEOUT: Final = "timeout"
UNKNOWN: Final = "unknown"
INVALID_JSON: Final = "invalid_json"
CONTRACT_MISMATCH: Final = "contract_mismatch"
UNEXPECTED_STATUS: Final = "unexpected_status"
BUG: Final = "kiosk_error"

_WRONG_ADDRESS: Final = N_("staff.problem.wrong_address")
_WRONG_VERSION: Final = N_("staff.problem.wrong_version")
_CONFIRMATION: Final = N_("staff.refusal.confirmation_code")
_CUSTOMER: Final = N_("staff.refusal.customer_code")

SEND_PROBLEMS: Final[Mapping[str, str]] = {
    UNREACHABLE: N_("staff.problem.unreachable"),
    TIMEOUT: N_("staff.problem.timeout"),
    "unauthorized": N_("staff.problem.unauthorized"),
    BUG: N_("staff.problem.kiosk_error"),
    # The route is missing: another service, or a central too old, at the configured address.
    UNKNOWN: _WRONG_ADDRESS,
    "not_found": _WRONG_ADDRESS,
    "method_not_allowed": _WRONG_ADDRESS,
    "http_error": _WRONG_ADDRESS,
    INVALID_JSON: _WRONG_VERSION,
    CONTRACT_MISMATCH: _WRONG_VERSION,
    UNEXPECTED_STATUS: _WRONG_VERSION,
}
"""Why an item is still waiting to be sent: the last try's error code, in words."""

REFUSALS: Final[Mapping[str, str]] = {
    "invalid_fields": N_("staff.refusal.invalid_fields"),
    "invalid_request": N_("staff.refusal.invalid_fields"),
    "otp_invalid": _CONFIRMATION,
    "otp_expired": _CONFIRMATION,
    "otp_used": _CONFIRMATION,
    "otp_not_found": _CONFIRMATION,
    "otp_wrong_purpose": _CONFIRMATION,
    "otp_locked": _CONFIRMATION,
    "customer_not_found": _CUSTOMER,
    "invalid_customer_code": _CUSTOMER,
    "service_not_found": N_("staff.refusal.service"),
}
"""Why the central refused an item (staff call the customer back): its error code, in words."""


def send_problem(code: str) -> str:
    """The msgid that says why sending failed; it takes the ``code`` field (shown only for unknown codes)."""
    return SEND_PROBLEMS.get(code, N_("staff.problem.other"))


def refusal(code: str) -> str:
    """The msgid that says why the central refused; it takes the ``code`` field (shown only for unknown codes)."""
    return REFUSALS.get(code, N_("staff.refusal.other"))


__all__ = ["REFUSALS", "SEND_PROBLEMS", "refusal", "send_problem"]
