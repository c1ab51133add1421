"""The kiosk's settings: every key, its type, its default and its checks (docs/configuration.md)."""

from __future__ import annotations

import ipaddress
import re
import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from kiosk.config.staff_pin import parse_pin_hash
from kiosk.language.codes import Language

APP_DIR_NAME = "evn-kiosk"
"""The directory name under the platform's config and data directories."""
CONFIG_FILE_NAME = "kiosk.toml"
ENV_PREFIX = "KIOSK__"
"""Environment overrides: ``KIOSK__CENTRAL__URL`` sets ``central.url``; ``KIOSK__KIOSK_ID`` sets ``kiosk_id``."""
CONFIG_ENV_VAR = "KIOSK_CONFIG"
"""Names the config file when ``--config`` is not given. One underscore: it is not a key override."""

Orientation = Literal["auto", "portrait", "landscape"]

PRINTER_SCHEMES = ("usb", "serial", "tcp", "file", "cups", "preview")
SCANNER_SCHEMES = ("hid", "serial", "fake")

# Keys whose values must never appear in a message, a log or a repr.
_SECRET_KEYS = frozenset({"central.token", "staff.pin_hash"})

# What may travel in an HTTP header; CentralClient refuses anything else, so refuse it here, by key name.
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")
# The kiosk id goes into URLs and receipts: keep it to what an operator can type and read back.
_KIOSK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class ConfigError(Exception):
    """The configuration cannot be used: ``key`` (dotted, ``central.url``) and what is wrong with it.

    ``key`` is empty for problems with the file as a whole (missing, unreadable, not TOML); ``source`` then
    names the file, and otherwise says where the bad value came from (the file, an environment variable).
    ``line`` is the line of a TOML syntax error. Secret values are never quoted.
    """

    def __init__(self, key: str, problem: str, *, source: str | None = None, line: int | None = None) -> None:
        self.key = key
        self.problem = problem
        self.source = source
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.key:
            return f"config file {self.source!r}: {self.problem}" if self.source else self.problem
        where = f"; set in {self.source}" if self.source else ""
        return f"config key {self.key!r}: {self.problem}{where}"


# ---------------------------------------------------------------------------------------------- settings
class _Section(BaseModel):
    # strict: TOML has types, so `retries = "2"` is a mistake worth reporting rather than guessing at.
    # hide_input_in_errors: a ValidationError that escapes anyway must not print the token.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, hide_input_in_errors=True)


def _check_uri(value: str | None, schemes: tuple[str, ...]) -> str | None:
    """Only the scheme is checked here; the device driver parses the rest and says what it dislikes."""
    if value is None:
        return None
    scheme, separator, _ = value.partition("://")
    if not separator or scheme.lower() not in schemes:
        choices = ", ".join(f"{s}://" for s in schemes)
        raise ValueError(f"must start with one of {choices}")
    return value


def _expand_home(value: Path, info: ValidationInfo) -> Path:
    """``~/…`` against the home of the environment the settings are loaded with (tests give their own)."""
    if value.parts[:1] == ("~",):
        context = info.context if isinstance(info.context, Mapping) else {}
        home = context.get("home")
        return Path(home).joinpath(*value.parts[1:]) if home else value.expanduser()
    return value


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1): a request to it never leaves the machine.

    Names are not trusted, ``localhost`` included: what a name resolves to is up to the resolver's files and
    servers, and the question here is where the token may travel in clear."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CentralSettings(_Section):
    """How to reach the power company's central API, and how far to trust what answers."""

    # Declared before `url`, whose check reads it (pydantic validates fields in this order).
    allow_insecure_http: bool = False
    url: str
    token: SecretStr
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    retries: int = Field(default=2, ge=0, le=10)
    # Not strict: TOML and the environment give text. None: the public authorities the kiosk's TLS library
    # trusts (certifi's, or the file SSL_CERT_FILE names).
    ca_file: Path | None = Field(default=None, strict=False)
    pin_sha256: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str, info: ValidationInfo) -> str:
        problem = "must be an http:// or https:// URL"
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
        except ValueError:
            raise ValueError(problem) from None
        if parts.scheme not in ("http", "https") or not parts.hostname or value != value.strip():
            raise ValueError(problem)
        if parts.query or parts.fragment:
            raise ValueError(f"{problem} without ?query or #fragment")
        if (
            parts.scheme == "http"
            and not is_loopback_host(parts.hostname)
            and not info.data.get("allow_insecure_http", False)
        ):
            # Every request carries the kiosk's token, and answers carry customers' names and addresses.
            raise ValueError(
                "must be an https:// URL: over http:// the kiosk's token and its customers' data would cross"
                " the network unencrypted (plain http:// is accepted for a central on this machine, 127.0.0.1"
                " or ::1, or with central.allow_insecure_http = true)"
            )
        return value

    @field_validator("ca_file")
    @classmethod
    def _ca_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        value = _expand_home(value, info)
        if not value.is_absolute():
            raise ValueError("must be an absolute path (or start with ~/)")
        try:
            # Read now, so that a wrong path or a file that is not PEM is reported by its key at start and by
            # `kiosk doctor`, rather than as every later connection failing.
            ssl.create_default_context(cafile=str(value))
        except ssl.SSLError:  # before OSError, which it is a kind of
            raise ValueError("holds no PEM certificate (-----BEGIN CERTIFICATE-----)") from None
        except FileNotFoundError:
            raise ValueError("does not exist") from None
        except OSError as exc:
            raise ValueError(f"cannot be read ({exc.strerror})") from None
        return value

    @field_validator("pin_sha256")
    @classmethod
    def _fingerprint(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        # As `openssl x509 -noout -fingerprint -sha256` prints it (AB:CD:…), or without the colons; kept as
        # 64 lower-case hex digits, the form the client compares.
        digits = value.replace(":", "").lower()
        if not re.fullmatch(r"[0-9a-f]{64}", digits):
            raise ValueError("must be a SHA-256 fingerprint: 64 hexadecimal digits, with or without colons")
        url = info.data.get("url")
        if url is not None and urlsplit(url).scheme != "https":
            raise ValueError("pins the certificate of an https:// central.url: there is none over http://")
        return digits

    @property
    def sends_token_in_clear(self) -> bool:
        """Whether requests cross the network unencrypted (``allow_insecure_http`` in use)."""
        parts = urlsplit(self.url)
        return parts.scheme == "http" and not is_loopback_host(parts.hostname or "")

    @field_validator("token")
    @classmethod
    def _header_safe(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if not secret:
            raise ValueError("must not be empty")
        if not _HEADER_SAFE.fullmatch(secret):
            raise ValueError(
                "must be printable ASCII without spaces (copy it again from the central's operator)"
            )
        return value


class PrinterSettings(_Section):
    """The receipt printer; no ``uri`` means the kiosk has none and offers no printed receipts."""

    uri: str | None = None
    width_mm: Literal[58, 80] = 80
    profile: str | None = Field(default=None, min_length=1)
    text_mode: bool = False

    @field_validator("uri")
    @classmethod
    def _scheme(cls, value: str | None) -> str | None:
        return _check_uri(value, PRINTER_SCHEMES)


class ScannerSettings(_Section):
    """The barcode/QR scanner that reads customer codes off old bills; none if ``uri`` is not set."""

    uri: str | None = None

    @field_validator("uri")
    @classmethod
    def _scheme(cls, value: str | None) -> str | None:
        return _check_uri(value, SCANNER_SCHEMES)


class UiSettings(_Section):
    default_language: Language = "vi"
    orientation: Orientation = "auto"
    hide_cursor: bool = True
    # What each new customer starts with (they change both from the screen; staff set the kiosk's default).
    text_size: Literal["normal", "large", "largest"] = "normal"
    contrast: Literal["standard", "high"] = "standard"


class IdleSettings(_Section):
    """When an unattended session warns, then resets to the welcome screen (customer data leaves the screen)."""

    warning_after_seconds: int = Field(default=60, ge=10, le=3600)
    countdown_seconds: int = Field(default=20, ge=5, le=300)
    # Assisted mode: an elderly customer reads, listens and decides slowly; no time pressure.
    assisted_warning_after_seconds: int = Field(default=180, ge=30, le=3600)


class PaymentSettings(_Section):
    """How the kiosk follows a QR payment to its outcome, and what the receipt's QR opens."""

    poll_seconds: float = Field(default=2.0, ge=0.5, le=30)
    # 0: no long poll, the QR is polled every poll_seconds (a central or proxy known to break long requests).
    long_poll_seconds: int = Field(default=25, ge=0, le=30)
    watch_hours: int = Field(default=72, ge=1, le=720)
    receipt_lookup_url: str | None = Field(default=None, min_length=1)

    @field_validator("receipt_lookup_url")
    @classmethod
    def _lookup_url(cls, value: str | None) -> str | None:
        if value is not None and (
            "{reference}" not in value or not value.startswith(("https://", "http://"))
        ):
            raise ValueError("must be an http(s) URL containing {reference}")
        return value


class RequestSettings(_Section):
    """How a service request is sent, and what its slip's QR opens."""

    send_wait_seconds: float = Field(default=8.0, ge=1, le=60)
    tracking_url: str | None = Field(default=None, min_length=1)

    @field_validator("tracking_url")
    @classmethod
    def _tracking_url(cls, value: str | None) -> str | None:
        if value is not None and (
            "{reference}" not in value or not value.startswith(("https://", "http://"))
        ):
            raise ValueError("must be an http(s) URL containing {reference}")
        return value


class StaffSettings(_Section):
    # repr=False: a hash of a short numeric PIN is cheap to brute-force, so it stays out of logs too.
    pin_hash: str | None = Field(default=None, repr=False)
    # Staff mode closes after this long without a touch, so a staff member called away never leaves it open.
    timeout_seconds: int = Field(default=120, ge=30, le=1800)

    @field_validator("pin_hash")
    @classmethod
    def _format(cls, value: str | None) -> str | None:
        if value is not None:
            parse_pin_hash(value)
        return value


class SpeechSettings(_Section):
    """Spoken guidance in assisted mode (see docs/speech.md)."""

    engine: Literal["speechd", "mock", "none"] = "speechd"


class HeartbeatSettings(_Section):
    """The kiosk's status report to the central (version, printer, pending payments, outbox, last activity)."""

    every_seconds: float = Field(default=60.0, ge=10, le=3600)


# A unit code: a customer code's first 6 characters. kiosk.customer.code owns the rule, but the layers keep the
# config below it, so the corporation prefixes (PA, PB, PC, PD, PE, PH, PK, PM, PN, PP, PQ) are spelled out here
# and tests/config compares the two.
_UNIT_CODE = re.compile(r"P[ABCDEHKMNPQ][0-9A-Z]{4}")
MAX_UNITS = 8
"""As many units as the customer-code screen shows as one-tap choices without scrolling, in two columns."""


class UnitSettings(_Section):
    """A unit whose customers come to this kiosk: offered on the customer-code screen as one tap, by its name."""

    code: str
    # What fits on a choice button in large text; the name as the unit's bills print it ("Điện lực Hội An").
    name: str = Field(min_length=1, max_length=40)

    @field_validator("code")
    @classmethod
    def _unit_code(cls, value: str) -> str:
        if not _UNIT_CODE.fullmatch(value):
            raise ValueError(
                "must be a unit code: the first 6 characters of its customers' codes, capital letters and"
                " digits, starting with a corporation prefix (PA, PB, PC, PD, PE, PH, PK, PM, PN, PP, PQ),"
                ' e.g. "PC05CC"'
            )
        return value

    @field_validator("name")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if value != value.strip():
            raise ValueError("must not start or end with spaces")
        return value


class Settings(_Section):
    """Everything a kiosk is configured with. Frozen: built once at start, then only read."""

    kiosk_id: str
    location_name: str = Field(default="", max_length=100)
    hotline: str | None = Field(default=None, pattern=r"^[0-9]{3,12}$")
    central: CentralSettings
    printer: PrinterSettings = Field(default_factory=PrinterSettings)
    scanner: ScannerSettings = Field(default_factory=ScannerSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    idle: IdleSettings = Field(default_factory=IdleSettings)
    payment: PaymentSettings = Field(default_factory=PaymentSettings)
    requests: RequestSettings = Field(default_factory=RequestSettings)
    staff: StaffSettings = Field(default_factory=StaffSettings)
    speech: SpeechSettings = Field(default_factory=SpeechSettings)
    heartbeat: HeartbeatSettings = Field(default_factory=HeartbeatSettings)
    # Not strict: TOML gives a list, the settings keep a tuple (frozen all the way down).
    units: tuple[UnitSettings, ...] = Field(default=(), max_length=MAX_UNITS, strict=False)
    # No default here: load_settings supplies the platform's data directory from the environment it is
    # given, so that tests never touch the real one. Not strict: TOML and env give text, demo gives a Path.
    data_dir: Path = Field(strict=False)

    @field_validator("kiosk_id")
    @classmethod
    def _kiosk_id(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        if not _KIOSK_ID.fullmatch(value):
            raise ValueError(
                "must be letters, digits, '-', '_' or '.' (up to 64), starting with a letter or digit"
            )
        return value

    @field_validator("units")
    @classmethod
    def _each_unit_once(cls, value: tuple[UnitSettings, ...]) -> tuple[UnitSettings, ...]:
        codes = [unit.code for unit in value]
        twice = next((code for code in codes if codes.count(code) > 1), None)
        if twice is not None:
            raise ValueError(f"lists the unit {twice} twice")
        return value

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path, info: ValidationInfo) -> Path:
        value = _expand_home(value, info)
        if not value.is_absolute():
            # Relative to what? A service's working directory is rarely what the operator pictured.
            raise ValueError("must be an absolute path (or start with ~/)")
        return value
