"""The kiosk's side of the central API: an async client, its models and its known failures.

Qt-free, and independent of ``kiosk_central``: the kiosk knows the central only over HTTP.
"""

from kiosk.central.answers import default_backoff
from kiosk.central.client import CentralClient
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

__all__ = [
    "BadResponse",
    "CentralClient",
    "CentralError",
    "Conflict",
    "InvalidInput",
    "NotFound",
    "RateLimited",
    "Unauthorized",
    "Unavailable",
    "default_backoff",
]
