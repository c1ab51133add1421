"""The staff PIN as the configuration stores it: a salted PBKDF2 hash (``staff.pin_hash``), never the PIN."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

PIN_HASH_ALGORITHM = "pbkdf2_sha256"
PIN_HASH_ITERATIONS = 600_000
"""OWASP's 2023 figure for PBKDF2-HMAC-SHA256: a PIN has few digits, so each guess must be expensive."""
MIN_PIN_HASH_ITERATIONS = 100_000
_MAX_PIN_HASH_ITERATIONS = 10_000_000  # a typo of a few zeros must not freeze the staff screen for minutes
_PIN = re.compile(r"[0-9]{4,12}")
_PIN_HASH_FORMAT = f"{PIN_HASH_ALGORITHM}$<iterations>$<salt_hex>$<hash_hex>"


def hash_pin(pin: str, *, iterations: int = PIN_HASH_ITERATIONS) -> str:
    """The ``staff.pin_hash`` value for ``pin`` (4 to 12 digits), with a fresh random salt.

    Slow on purpose (about half a second): run it, and :func:`verify_pin`, off the GUI thread.
    """
    if not _PIN.fullmatch(pin):
        raise ValueError("a staff PIN is 4 to 12 digits")
    if not MIN_PIN_HASH_ITERATIONS <= iterations <= _MAX_PIN_HASH_ITERATIONS:
        raise ValueError(f"iterations must be {MIN_PIN_HASH_ITERATIONS} to {_MAX_PIN_HASH_ITERATIONS}")
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), salt, iterations)
    return f"{PIN_HASH_ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, pin_hash: str) -> bool:
    """Whether ``pin`` is the one ``pin_hash`` was made from; compared in constant time.

    Raises ``ValueError`` for a malformed ``pin_hash`` (loaded settings never hold one).
    """
    iterations, salt, expected = parse_pin_hash(pin_hash)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest, expected)


def parse_pin_hash(pin_hash: str) -> tuple[int, bytes, bytes]:
    parts = pin_hash.split("$")
    if len(parts) != 4 or parts[0] != PIN_HASH_ALGORITHM:
        raise ValueError(f"must look like {_PIN_HASH_FORMAT}")
    _, iterations_text, salt_hex, hash_hex = parts
    if not iterations_text.isascii() or not iterations_text.isdigit():
        raise ValueError(f"must look like {_PIN_HASH_FORMAT}: the iterations are not a number")
    iterations = int(iterations_text)
    if not MIN_PIN_HASH_ITERATIONS <= iterations <= _MAX_PIN_HASH_ITERATIONS:
        raise ValueError(
            f"has {iterations} iterations; it must have {MIN_PIN_HASH_ITERATIONS} to {_MAX_PIN_HASH_ITERATIONS}"
        )
    try:
        salt, digest = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
    except ValueError:
        raise ValueError(
            f"must look like {_PIN_HASH_FORMAT}: the salt and hash must be hexadecimal"
        ) from None
    if len(salt) < 8 or len(digest) != 32:
        raise ValueError(f"must look like {_PIN_HASH_FORMAT}: a salt of 8+ bytes and a 32-byte hash")
    return iterations, salt, digest
