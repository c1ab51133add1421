"""The kiosk's settings: a typed, frozen :class:`Settings` loaded once from a TOML file plus environment
overrides, then passed down to whatever needs it. There is no module-level instance: the app, ``kiosk
doctor`` and the tests each call :func:`load_settings` with the environment they mean.

Every problem is a :class:`ConfigError` that names the key (``central.url``) and says what is wrong in
plain words, because the person reading it is an operator with a screwdriver, not a developer. The keys,
their defaults and the lookup order are documented in ``docs/configuration.md``; keep the two in step.

This module is Qt-free and cheap to import: ``kiosk doctor`` uses it without starting the GUI.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import os
import re
import secrets
import tomllib
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Union, get_args, get_origin
from urllib.parse import urlsplit

import pydantic
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

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


class CentralSettings(_Section):
    """How to reach the power company's central API."""

    url: str
    token: SecretStr
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    retries: int = Field(default=2, ge=0, le=10)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
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
        return value

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
            _parse_pin_hash(value)
        return value


class SpeechSettings(_Section):
    """Spoken guidance in assisted mode (see docs/speech.md)."""

    engine: Literal["speechd", "mock", "none"] = "speechd"


class HeartbeatSettings(_Section):
    """The kiosk's status report to the central (version, printer, pending payments, outbox, last activity)."""

    every_seconds: float = Field(default=60.0, ge=10, le=3600)


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

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path, info: ValidationInfo) -> Path:
        if value.parts[:1] == ("~",):
            context = info.context if isinstance(info.context, Mapping) else {}
            home = context.get("home")
            value = Path(home).joinpath(*value.parts[1:]) if home else value.expanduser()
        if not value.is_absolute():
            # Relative to what? A service's working directory is rarely what the operator pictured.
            raise ValueError("must be an absolute path (or start with ~/)")
        return value


# ---------------------------------------------------------------------------------------------- staff PIN
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
    iterations, salt, expected = _parse_pin_hash(pin_hash)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest, expected)


def _parse_pin_hash(pin_hash: str) -> tuple[int, bytes, bytes]:
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


# ---------------------------------------------------------------------------------------------- where
def _home(env: Mapping[str, str]) -> Path:
    return Path(env["HOME"]) if env.get("HOME") else Path.home()


def _xdg_dir(env: Mapping[str, str], variable: str, fallback: str) -> Path:
    # XDG Base Directory spec: a relative value is invalid and must be ignored. Kiosks run Linux, so the
    # XDG layout is the platform's; platformdirs is not a dependency and would add nothing here.
    value = env.get(variable, "")
    return Path(value) if value and Path(value).is_absolute() else _home(env) / fallback


def default_config_file(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/evn-kiosk/kiosk.toml``, by default ``~/.config/evn-kiosk/kiosk.toml``."""
    return _xdg_dir(env, "XDG_CONFIG_HOME", ".config") / APP_DIR_NAME / CONFIG_FILE_NAME


def default_data_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/evn-kiosk``, by default ``~/.local/share/evn-kiosk``."""
    return _xdg_dir(env, "XDG_DATA_HOME", ".local/share") / APP_DIR_NAME


def config_path(explicit: Path | None, env: Mapping[str, str]) -> Path | None:
    """The config file to load: ``--config``, else ``$KIOSK_CONFIG``, else the platform's config file if it
    exists, else ``None`` (settings then come from the environment and overrides alone).

    A file named by ``--config`` or ``$KIOSK_CONFIG`` is returned even if missing, so that
    :func:`load_settings` reports it instead of silently running on defaults.
    """
    if explicit is not None:
        return explicit
    if env.get(CONFIG_ENV_VAR):
        return Path(env[CONFIG_ENV_VAR])
    candidate = default_config_file(env)
    return candidate if candidate.is_file() else None


# ---------------------------------------------------------------------------------------------- loading
def _leaf_fields(model: type[BaseModel], prefix: str = "") -> dict[str, FieldInfo]:
    leaves: dict[str, FieldInfo] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            leaves |= _leaf_fields(annotation, f"{prefix}{name}.")
        else:
            leaves[f"{prefix}{name}"] = field
    return leaves


# Every settable key, dotted. Derived from the models, so it cannot drift from them.
KEYS: Mapping[str, FieldInfo] = types.MappingProxyType(_leaf_fields(Settings))
_TABLES = tuple(
    name
    for name, field in Settings.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
)


def _takes_text(annotation: object) -> bool:
    """Whether a key holds text, so that an environment value is taken verbatim (a token ``123456`` or a
    kiosk id ``2025`` stays text), rather than read as a TOML number or boolean."""
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_takes_text(arg) for arg in get_args(annotation) if arg is not type(None))
    if get_origin(annotation) is Literal:
        return all(isinstance(arg, str) for arg in get_args(annotation))
    return annotation in (str, SecretStr, Path)


def _env_value(raw: str, field: FieldInfo) -> object:
    if _takes_text(field.annotation):
        return raw
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        # Validation then says what kind of value the key wants, quoting this one. RecursionError: tomllib
        # parses nested arrays recursively, so a value of a few thousand "[" exhausts the stack.
        return raw
    return value if isinstance(value, bool | int | float) else raw


def _unknown_key(key: str) -> str:
    close = difflib.get_close_matches(key, list(KEYS), n=1)
    return f"unknown key (did you mean {close[0]!r}?)" if close else "unknown key (see docs/configuration.md)"


def _read_file(path: Path) -> dict[str, object]:
    # Every ConfigError here is raised outside the `except` that caught the cause, so that no exception chain
    # (`__context__` too, which `from None` keeps) holds the file's text, the token among it: a
    # UnicodeDecodeError carries every byte of the file.
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")  # -sig: editors on Windows add a BOM
    except FileNotFoundError:
        problem = "not found"
    except IsADirectoryError:
        problem = "is a directory, not a file"
    except UnicodeDecodeError:
        problem = "is not UTF-8 text; save it as UTF-8"
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror})"
    else:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            # Python 3.11's error has no line attribute; its message ends "(at line 3, column 7)".
            match = re.search(r"at line (\d+)", str(exc))
            line = int(match.group(1)) if match else None
            error = ConfigError("", f"is not valid TOML: {exc}", source=source, line=line)
        raise error
    raise ConfigError("", problem, source=source)


def _set(data: dict[str, object], key: str, value: object, sources: dict[str, str], source: str) -> None:
    *tables, name = key.split(".")
    target = data
    for table in tables:
        existing = target.setdefault(table, {})
        if not isinstance(existing, dict):
            raise ConfigError(table, "must be a table", source=sources.get(table))
        target = existing
    target[name] = value
    sources[key] = source


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problem(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    match kind:
        case "missing":
            return "is required"
        case "literal_error":
            return f"must be {ctx['expected']}"
        case "int_type" | "int_parsing" | "int_from_float":
            return "must be a whole number"
        case "float_type" | "float_parsing" | "finite_number":
            return "must be a number"
        case "bool_type" | "bool_parsing":
            return "must be true or false"
        case "string_type":
            return 'must be text (in "quotes" in the file)'
        case "model_type" | "model_attributes_type" | "dict_type":
            return f"must be a table ([{'.'.join(str(p) for p in error['loc'])}] in the file)"
        case "path_type":
            return "must be a path"
        case "greater_than_equal":
            return f"must be at least {ctx['ge']}"
        case "greater_than":
            return f"must be more than {ctx['gt']}"
        case "less_than_equal":
            return f"must be at most {ctx['le']}"
        case "less_than":
            return f"must be less than {ctx['lt']}"
        case "string_too_short":
            return "must not be empty" if ctx.get("min_length") == 1 else f"is too short: {error['msg']}"
        case "string_too_long":
            return f"must be at most {ctx['max_length']} characters"
        case "value_error":
            return str(ctx["error"])
    message = error["msg"]
    return message[:1].lower() + message[1:]


def _config_error(error: ErrorDetails, sources: Mapping[str, str]) -> ConfigError:
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        problem = _unknown_key(key)
    else:
        problem = _problem(error)
        value = error.get("input")
        if (
            error["type"] != "missing"
            and key not in _SECRET_KEYS
            and isinstance(value, str | int | float | bool | Path)
        ):
            problem += f" (got {_describe(str(value) if isinstance(value, Path) else value)})"
    return ConfigError(key, problem, source=sources.get(key))


def load_settings(
    path: Path | None,
    env: Mapping[str, str] = os.environ,
    *,
    overrides: Mapping[str, object] | None = None,
) -> Settings:
    """Settings from the TOML file at ``path`` (if any), then ``KIOSK__TABLE__KEY`` variables of ``env``,
    then ``overrides`` (dotted keys, e.g. demo mode's ``{"central.url": ...}``), each winning over the
    one before. Raises :class:`ConfigError` for the first problem found.

    ``env`` also supplies ``HOME``/``XDG_DATA_HOME`` for the default ``data_dir`` and ``~``.
    """
    sources: dict[str, str] = {}
    data: dict[str, object] = {}
    if path is not None:
        data = _read_file(path)
        for key in list(data):
            sources[key] = str(path)
            table = data[key]
            if isinstance(table, dict):
                sources |= {f"{key}.{name}": str(path) for name in table}
    # Sorted, so that with several bad variables the one reported does not depend on the environment's order.
    for variable, raw in sorted(env.items()):
        if not variable.startswith(ENV_PREFIX):
            continue
        key = ".".join(variable[len(ENV_PREFIX) :].lower().split("__"))
        source = f"environment variable {variable}"
        field = KEYS.get(key)
        if field is None:
            problem = f"is a table; set its keys one by one, e.g. {variable}__..." if key in _TABLES else None
            raise ConfigError(key, problem or _unknown_key(key), source=source)
        _set(data, key, _env_value(raw, field), sources, source)
    for key, value in (overrides or {}).items():
        if key not in KEYS:
            raise ConfigError(key, _unknown_key(key), source="overrides")
        _set(data, key, value, sources, "overrides")
    data.setdefault("data_dir", str(default_data_dir(env)))
    for table in _TABLES:
        # A missing [central] is then reported as its missing keys, `central.url`, which says what to add.
        data.setdefault(table, {})
    try:
        return Settings.model_validate(data, context={"home": str(_home(env))})
    except pydantic.ValidationError as exc:
        error = _config_error(exc.errors()[0], sources)
    # Raised outside the `except`: the ValidationError holds the inputs, the token among them, and `from None`
    # would still keep it as `__context__`.
    raise error


__all__ = [
    "CONFIG_ENV_VAR",
    "ENV_PREFIX",
    "KEYS",
    "CentralSettings",
    "ConfigError",
    "IdleSettings",
    "Orientation",
    "PrinterSettings",
    "ScannerSettings",
    "Settings",
    "StaffSettings",
    "UiSettings",
    "config_path",
    "default_config_file",
    "default_data_dir",
    "hash_pin",
    "load_settings",
    "verify_pin",
]
