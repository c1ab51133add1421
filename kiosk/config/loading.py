"""Loading the configuration once: where the file is, the TOML file, ``KIOSK__SECTION__KEY`` environment
overrides, and errors that name the key and where its value came from."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Union, get_args, get_origin

import pydantic
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from kiosk.config.settings import (
    _SECRET_KEYS,
    APP_DIR_NAME,
    CONFIG_ENV_VAR,
    CONFIG_FILE_NAME,
    ENV_PREFIX,
    ConfigError,
    Settings,
)


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
    # A list too: `KIOSK__UNITS=[{code = "PC05CC", name = "Điện lực Hội An"}]` (TOML's inline tables).
    return value if isinstance(value, bool | int | float | list) else raw


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
            loc = error["loc"]
            if loc and isinstance(loc[-1], int):  # an entry of a list of tables: [[units]]
                return f"must be a table ([[{'.'.join(str(p) for p in loc[:-1])}]] in the file)"
            return f"must be a table ([{'.'.join(str(p) for p in loc)}] in the file)"
        case "tuple_type" | "list_type":
            return f"must be a list of tables ([[{'.'.join(str(p) for p in error['loc'])}]] in the file)"
        case "too_long":
            return f"may list at most {ctx['max_length']}"
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


def _within(loc: tuple[int | str, ...]) -> tuple[str, str]:
    """The key an error is under, and where inside its value: ``("units", 1, "code")`` is the key ``units``,
    "entry 2, code" (counted from 1, as an operator counts the ``[[units]]`` tables in the file)."""
    parts = [str(part) for part in loc]
    for end in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:end]) in KEYS:
            inner = (f"entry {int(part) + 1}" if part.isdigit() else part for part in parts[end:])
            return ".".join(parts[:end]), ", ".join(inner)
    return ".".join(parts), ""


def _config_error(error: ErrorDetails, sources: Mapping[str, str]) -> ConfigError:
    key, within = _within(error["loc"])
    if error["type"] == "extra_forbidden":
        problem = "unknown key" if within else _unknown_key(key)
    else:
        problem = _problem(error)
        value = error.get("input")
        if (
            error["type"] != "missing"
            and key not in _SECRET_KEYS
            and isinstance(value, str | int | float | bool | Path)
        ):
            problem += f" (got {_describe(str(value) if isinstance(value, Path) else value)})"
    return ConfigError(key, f"{within}: {problem}" if within else problem, source=sources.get(key))


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
