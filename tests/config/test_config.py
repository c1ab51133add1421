"""The kiosk's settings: where the file is found, what wins over what, that every mistake an operator can make
is a ConfigError naming the key and the problem, that secrets stay out of messages, and that
``docs/configuration.md`` documents exactly the keys there are.

Every test passes its own environment with ``HOME`` in ``tmp_path``: nothing here reads the real home
directory or the real config file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import trustme
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined

from kiosk.config import (
    CONFIG_ENV_VAR,
    ENV_PREFIX,
    KEYS,
    ConfigError,
    Settings,
    config_path,
    default_config_file,
    default_data_dir,
    hash_pin,
    load_settings,
    verify_pin,
)
from kiosk.config.settings import PRINTER_SCHEMES, SCANNER_SCHEMES

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "configuration.md"

TOKEN = "tok-SECRET-4f2a9c"
# Well-formed, made from a PIN nobody knows; loading checks the format only, so no test pays for PBKDF2 here.
PIN_HASH = (
    "pbkdf2_sha256$600000$74d52eb922140d98b075012053b06afd"
    "$fe013b59e0faa584e68039ba422fd07811ca24a3053e0aa9e5f1576213ced347"
)
MINIMAL = f"""\
kiosk_id = "HCM-Q1-01"

[central]
url = "https://central.test"
token = "{TOKEN}"
"""
REQUIRED = {"kiosk_id": "HCM-Q1-01", "central.url": "https://central.test", "central.token": TOKEN}
SECRET_KEYS = ("central.token", "staff.pin_hash")
TEXT_KEYS = ("kiosk_id", "location_name", "central.url", "central.token", "printer.uri", "printer.profile")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path)}


def env_var(key: str) -> str:
    return ENV_PREFIX + key.upper().replace(".", "__")


def write(directory: Path, text: str, name: str = "kiosk.toml") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(
    path: Path | None, env: Mapping[str, str], overrides: Mapping[str, object] | None = None
) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env, overrides=overrides)
    return caught.value


def override_error(env: Mapping[str, str], **overrides: object) -> ConfigError:
    """The error for the required keys plus ``overrides`` (dotted keys written with ``__`` for ``.``)."""
    return load_error(None, env, {**REQUIRED, **{k.replace("__", "."): v for k, v in overrides.items()}})


def value_at(settings: Settings, key: str) -> object:
    value: object = settings
    for part in key.split("."):
        value = getattr(value, part)
    return value


def outcome(
    path: Path | None, env: Mapping[str, str], overrides: Mapping[str, object] | None = None
) -> object:
    """The settings, or the ConfigError; any other exception escapes (and fails the test)."""
    try:
        return load_settings(path, env, overrides=overrides)
    except ConfigError as error:
        return error


def chain(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


# ---------------------------------------------------------------------------------------------- loading
def test_a_minimal_file_loads_with_the_documented_defaults(tmp_path: Path, env: dict[str, str]) -> None:
    settings = load_settings(write(tmp_path, MINIMAL), env)

    assert settings.kiosk_id == "HCM-Q1-01"
    assert settings.location_name == ""
    assert settings.central.url == "https://central.test"
    assert settings.central.token.get_secret_value() == TOKEN
    assert settings.central.timeout_seconds == 10.0
    assert settings.central.retries == 2
    assert settings.printer.uri is None
    assert settings.printer.width_mm == 80
    assert settings.printer.profile is None
    assert settings.printer.text_mode is False
    assert settings.scanner.uri is None
    assert settings.ui.default_language == "vi"
    assert settings.ui.orientation == "auto"
    assert settings.ui.hide_cursor is True
    assert settings.ui.text_size == "normal"
    assert settings.ui.contrast == "standard"
    assert settings.idle.warning_after_seconds == 60
    assert settings.idle.countdown_seconds == 20
    assert settings.staff.pin_hash is None
    assert settings.data_dir == tmp_path / ".local" / "share" / "evn-kiosk"


def test_without_a_file_the_environment_alone_is_enough(env: dict[str, str]) -> None:
    env |= {env_var(key): value for key, value in REQUIRED.items()}
    settings = load_settings(None, env)
    assert (settings.kiosk_id, settings.central.url) == ("HCM-Q1-01", "https://central.test")


def test_the_default_data_dir_follows_xdg_data_home(tmp_path: Path) -> None:
    data_home = tmp_path / "data-home"
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(data_home)}
    assert default_data_dir(env) == data_home / "evn-kiosk"
    assert load_settings(None, env, overrides=REQUIRED).data_dir == data_home / "evn-kiosk"
    # The XDG spec says a relative value is invalid and must be ignored.
    assert default_data_dir({"HOME": str(tmp_path), "XDG_DATA_HOME": "rel"}) == (
        tmp_path / ".local" / "share" / "evn-kiosk"
    )


def test_settings_are_frozen(env: dict[str, str]) -> None:
    settings = load_settings(None, env, overrides=REQUIRED)
    with pytest.raises(ValidationError):
        settings.kiosk_id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        settings.central.url = "https://evil.test"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        settings.idle.countdown_seconds = 1  # type: ignore[misc]
    assert settings.kiosk_id == "HCM-Q1-01"


# ---------------------------------------------------------------------------------------------- lookup
@pytest.fixture
def three_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An explicit file, one named by KIOSK_CONFIG, and the XDG one, all present."""
    xdg = write(tmp_path / ".config" / "evn-kiosk", MINIMAL)
    return write(tmp_path / "explicit", MINIMAL), write(tmp_path / "from-env", MINIMAL), xdg


def test_config_option_wins_over_kiosk_config_and_the_xdg_file(
    three_files: tuple[Path, Path, Path], env: dict[str, str]
) -> None:
    explicit, named, _ = three_files
    assert config_path(explicit, {**env, CONFIG_ENV_VAR: str(named)}) == explicit


def test_kiosk_config_wins_over_the_xdg_file(
    three_files: tuple[Path, Path, Path], env: dict[str, str]
) -> None:
    _, named, _ = three_files
    assert config_path(None, {**env, CONFIG_ENV_VAR: str(named)}) == named


def test_the_xdg_file_is_used_when_it_exists(
    three_files: tuple[Path, Path, Path], env: dict[str, str]
) -> None:
    _, _, xdg = three_files
    assert default_config_file(env) == xdg
    assert config_path(None, env) == xdg
    assert config_path(None, {**env, CONFIG_ENV_VAR: ""}) == xdg


def test_xdg_config_home_moves_the_default_file(tmp_path: Path) -> None:
    elsewhere = write(tmp_path / "cfg" / "evn-kiosk", MINIMAL)
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    assert config_path(None, env) == elsewhere
    relative = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": "cfg"}
    assert default_config_file(relative) == tmp_path / ".config" / "evn-kiosk" / "kiosk.toml"


def test_no_file_anywhere_means_none(env: dict[str, str]) -> None:
    assert config_path(None, env) is None


@pytest.mark.parametrize("how", ["option", "variable"])
def test_a_named_file_that_is_missing_is_reported_not_skipped(
    how: str, tmp_path: Path, env: dict[str, str]
) -> None:
    write(tmp_path / ".config" / "evn-kiosk", MINIMAL)  # must not be fallen back on
    missing = tmp_path / "nope.toml"
    path = (
        config_path(missing, env)
        if how == "option"
        else config_path(None, {**env, CONFIG_ENV_VAR: str(missing)})
    )
    assert path == missing
    error = load_error(path, env)
    assert (error.key, error.problem, error.source) == ("", "not found", str(missing))
    assert str(error) == f"config file {str(missing)!r}: not found"


# ---------------------------------------------------------------------------------------------- precedence
def test_the_environment_wins_over_the_file_and_overrides_win_over_both(
    tmp_path: Path, env: dict[str, str]
) -> None:
    path = write(tmp_path, MINIMAL + "retries = 1\n")
    assert load_settings(path, env).central.retries == 1

    env[env_var("central.retries")] = "3"
    env[env_var("central.url")] = "https://from-env.test"
    settings = load_settings(path, env)
    assert (settings.central.retries, settings.central.url) == (3, "https://from-env.test")
    assert settings.central.token.get_secret_value() == TOKEN  # the rest of the file still applies

    settings = load_settings(path, env, overrides={"central.retries": 4})
    assert (settings.central.retries, settings.central.url) == (4, "https://from-env.test")


def test_an_error_says_where_the_bad_value_was_set(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, MINIMAL + "retries = 11\n")
    assert load_error(path, env).source == str(path)
    assert str(load_error(path, env)).endswith(f"; set in {path}")

    env[env_var("central.retries")] = "12"
    error = load_error(path, env)
    assert (error.key, error.source) == ("central.retries", "environment variable KIOSK__CENTRAL__RETRIES")

    error = load_error(path, env, {"central.retries": 13})
    assert (error.key, error.source, error.problem) == (
        "central.retries",
        "overrides",
        "must be at most 10 (got 13)",
    )


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("central.token", "123456"),
        ("kiosk_id", "2025"),
        ("location_name", "true"),
        ("location_name", "1.5"),
        ("printer.profile", "58"),
        ("central.token", "1e3"),
    ],
)
def test_environment_values_for_text_keys_stay_text(key: str, raw: str, env: dict[str, str]) -> None:
    env |= {env_var(k): v for k, v in REQUIRED.items()} | {env_var(key): raw}
    value = value_at(load_settings(None, env), key)
    if key in SECRET_KEYS:
        value = value.get_secret_value()  # type: ignore[attr-defined]
    assert value == raw


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("central.retries", "3", 3),
        ("central.timeout_seconds", "2.5", 2.5),
        ("central.timeout_seconds", "5", 5.0),
        ("ui.hide_cursor", "false", False),
        ("printer.text_mode", "true", True),
        ("printer.width_mm", "58", 58),
        ("ui.default_language", "en", "en"),
        ("idle.countdown_seconds", "300", 300),
    ],
)
def test_environment_values_for_typed_keys_are_read_as_toml(
    key: str, raw: str, expected: object, env: dict[str, str]
) -> None:
    env[env_var(key)] = raw
    assert value_at(load_settings(None, env, overrides=REQUIRED), key) == expected


@pytest.mark.parametrize(
    ("key", "raw", "problem"),
    [
        ("central.retries", "three", "must be a whole number (got 'three')"),
        ("central.retries", '"2"', "must be a whole number"),
        ("ui.hide_cursor", "yes", "must be true or false (got 'yes')"),
        ("ui.hide_cursor", "True", "must be true or false"),
        ("central.timeout_seconds", "[1, 2]", "must be a number"),
        ("printer.width_mm", "80mm", "must be 58 or 80"),
        # tomllib recurses on nested arrays: this must not escape as a RecursionError.
        pytest.param("idle.warning_after_seconds", "[" * 5000, "must be a whole number", id="deep-nesting"),
    ],
)
def test_bad_environment_values_name_the_key(key: str, raw: str, problem: str, env: dict[str, str]) -> None:
    env[env_var(key)] = raw
    error = override_error(env)
    assert error.key == key
    assert error.problem.startswith(problem)
    assert error.source == f"environment variable {env_var(key)}"


# ---------------------------------------------------------------------------------------------- errors
def _file_error(tmp_path: Path, env: Mapping[str, str], text: str) -> ConfigError:
    return load_error(write(tmp_path, text), env)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (f'kiosk_id = "K"\n[central]\ntoken = "{TOKEN}"\n', "central.url"),
        ('kiosk_id = "K"\n', "central.url"),
        ("", "kiosk_id"),
        ('kiosk_id = "K"\n[central]\nurl = "https://central.test"\n', "central.token"),
        (MINIMAL.replace('kiosk_id = "HCM-Q1-01"', ""), "kiosk_id"),
    ],
)
def test_a_missing_required_key_is_named(text: str, key: str, tmp_path: Path, env: dict[str, str]) -> None:
    error = _file_error(tmp_path, env, text)
    assert (error.key, error.problem) == (key, "is required")
    assert str(error).startswith(f"config key {key!r}: is required")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://central.test",
        "central.test",
        "http://",
        "https://central.test:99999",
        "https://central.test:port",
        "https://central.test/?kiosk=1",
        "https://central.test/#top",
        " https://central.test",
        "",
    ],
)
def test_a_bad_central_url_is_refused(url: str, env: dict[str, str]) -> None:
    error = override_error(env, central__url=url)
    assert error.key == "central.url"
    assert "must be an http:// or https:// URL" in error.problem


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8700", "https://kiosk-api.example.vn/base/path", "HTTPS://x.vn"]
)
def test_good_central_urls_load(url: str, env: dict[str, str]) -> None:
    # HTTPS: urlsplit lower-cases the scheme, so upper case is accepted, and kept as written.
    assert load_settings(None, env, overrides={**REQUIRED, "central.url": url}).central.url == url


@pytest.mark.parametrize(
    ("line", "table", "key", "problem"),
    [
        ('retries = "2"', "central", "central.retries", "must be a whole number (got '2')"),
        ("retries = 2.5", "central", "central.retries", "must be a whole number"),
        ("retries = true", "central", "central.retries", "must be a whole number"),
        ('timeout_seconds = "10"', "central", "central.timeout_seconds", "must be a number"),
        ('hide_cursor = "true"', "ui", "ui.hide_cursor", "must be true or false (got 'true')"),
        ("hide_cursor = 1", "ui", "ui.hide_cursor", "must be true or false"),
        ("uri = 5", "printer", "printer.uri", 'must be text (in "quotes" in the file) (got 5)'),
        ("width_mm = 60", "printer", "printer.width_mm", "must be 58 or 80 (got 60)"),
        ('width_mm = "80"', "printer", "printer.width_mm", "must be 58 or 80"),
        ('profile = ""', "printer", "printer.profile", "must not be empty"),
        ('default_language = "fr"', "ui", "ui.default_language", "must be 'vi' or 'en' (got 'fr')"),
        ('orientation = "Portrait"', "ui", "ui.orientation", "must be 'auto', 'portrait' or 'landscape'"),
        ("uri = 1", "scanner", "scanner.uri", "must be text"),
    ],
)
def test_a_value_of_the_wrong_type_or_choice_names_the_key(
    line: str, table: str, key: str, problem: str, tmp_path: Path, env: dict[str, str]
) -> None:
    # MINIMAL ends inside [central], so a central key is simply appended.
    text = MINIMAL + (f"{line}\n" if table == "central" else f"\n[{table}]\n{line}\n")
    error = _file_error(tmp_path, env, text)
    assert error.key == key
    assert error.problem == problem or error.problem.startswith(problem)
    assert str(error).startswith(f"config key {key!r}: {problem}")


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("kiosk_id = 2025\n[central]\n", "kiosk_id", "must be text"),
        (
            'kiosk_id = "K"\ncentral = "https://central.test"\n',
            "central",
            "must be a table ([central] in the file)",
        ),
        ('kiosk_id = "K"\ndata_dir = 5\n' + MINIMAL.split("\n", 1)[1], "data_dir", "must be a path"),
    ],
)
def test_a_top_level_value_of_the_wrong_type_names_the_key(
    text: str, key: str, problem: str, tmp_path: Path, env: dict[str, str]
) -> None:
    error = _file_error(tmp_path, env, text)
    assert error.key == key
    assert error.problem.startswith(problem)


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("idle.warning_after_seconds", 9, "must be at least 10 (got 9)"),
        ("idle.warning_after_seconds", 3601, "must be at most 3600 (got 3601)"),
        ("idle.warning_after_seconds", 0, "must be at least 10"),
        ("idle.countdown_seconds", 4, "must be at least 5 (got 4)"),
        ("idle.countdown_seconds", 301, "must be at most 300 (got 301)"),
        ("idle.countdown_seconds", -20, "must be at least 5"),
        ("central.timeout_seconds", 0, "must be more than 0"),
        ("central.timeout_seconds", 300.5, "must be at most 300"),
        ("central.retries", -1, "must be at least 0"),
        ("central.retries", 11, "must be at most 10"),
    ],
)
def test_out_of_range_values_are_refused(
    key: str, value: int | float, problem: str, env: dict[str, str]
) -> None:
    error = load_error(None, env, {**REQUIRED, key: value})
    assert error.key == key
    assert error.problem.startswith(problem)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("idle.warning_after_seconds", 10),
        ("idle.warning_after_seconds", 3600),
        ("idle.countdown_seconds", 5),
        ("idle.countdown_seconds", 300),
        ("central.timeout_seconds", 300),
        ("central.retries", 0),
    ],
)
def test_the_range_ends_are_allowed(key: str, value: int, env: dict[str, str]) -> None:
    assert value_at(load_settings(None, env, overrides={**REQUIRED, key: value}), key) == value


@given(value=st.integers(min_value=-(10**20), max_value=10**20))
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_whole_number_for_the_idle_warning_loads_or_names_the_range(
    env: dict[str, str], value: int
) -> None:
    result = outcome(None, env, {**REQUIRED, "idle.warning_after_seconds": value})
    if 10 <= value <= 3600:
        assert isinstance(result, Settings)
        assert result.idle.warning_after_seconds == value
    else:
        assert isinstance(result, ConfigError)
        assert result.key == "idle.warning_after_seconds"
        assert result.problem.startswith("must be at least 10" if value < 10 else "must be at most 3600")


@pytest.mark.parametrize(
    ("text", "key", "suggestion"),
    [
        (MINIMAL + 'urll = "https://x.test"\n', "central.urll", "did you mean 'central.url'?"),
        (MINIMAL + "retry = 3\n", "central.retry", "did you mean 'central.retries'?"),
        ('kiosk-id = "K"\n' + MINIMAL, "kiosk-id", "did you mean 'kiosk_id'?"),
        (
            MINIMAL + "[idle]\nwarning_after_second = 30\n",
            "idle.warning_after_second",
            "'idle.warning_after_seconds'",
        ),
        (MINIMAL + "[zzzz]\nqqq = 1\n", "zzzz", "unknown key (see docs/configuration.md)"),
    ],
)
def test_an_unknown_key_in_the_file_is_named_with_a_suggestion(
    text: str, key: str, suggestion: str, tmp_path: Path, env: dict[str, str]
) -> None:
    error = _file_error(tmp_path, env, text)
    assert error.key == key
    assert error.problem.startswith("unknown key")
    assert suggestion in error.problem


def test_an_unknown_environment_variable_is_refused_with_a_suggestion(env: dict[str, str]) -> None:
    env["KIOSK__CENTRAL__URLL"] = "https://central.test"
    error = override_error(env)
    assert error.key == "central.urll"
    assert error.problem == "unknown key (did you mean 'central.url'?)"
    assert error.source == "environment variable KIOSK__CENTRAL__URLL"


def test_variables_that_only_look_similar_are_ignored(env: dict[str, str]) -> None:
    env |= {"KIOSK_CENTRAL_URL": "x", "kiosk__central__url": "x", "MY_KIOSK__X": "x"}
    assert load_settings(None, env, overrides=REQUIRED).central.url == "https://central.test"


def test_a_table_given_as_an_environment_variable_is_refused(env: dict[str, str]) -> None:
    env["KIOSK__CENTRAL"] = "https://central.test"
    error = override_error(env)
    assert error.key == "central"
    assert "is a table" in error.problem
    assert "KIOSK__CENTRAL__" in error.problem


def test_a_table_that_the_file_made_a_value_cannot_take_an_environment_key(
    tmp_path: Path, env: dict[str, str]
) -> None:
    path = write(tmp_path, 'kiosk_id = "K"\ncentral = "oops"\n')
    env[env_var("central.url")] = "https://central.test"
    error = load_error(path, env)
    assert (error.key, error.problem, error.source) == ("central", "must be a table", str(path))


def test_an_unknown_override_is_refused(env: dict[str, str]) -> None:
    error = load_error(None, env, {**REQUIRED, "printer.url": "usb://04b8:0e15"})
    assert (error.key, error.source) == ("printer.url", "overrides")
    assert error.problem == "unknown key (did you mean 'printer.uri'?)"


@pytest.mark.parametrize(
    "uri",
    [
        "usb://04b8:0e15",
        "serial:///dev/ttyUSB0?baudrate=19200",
        "tcp://192.168.1.50:9100",
        "file:///dev/usb/lp0",
        "cups://receipts",
        "preview:///tmp/receipts",
        "USB://04b8:0e15",
    ],
)
def test_every_printer_uri_form_loads(uri: str, env: dict[str, str]) -> None:
    assert load_settings(None, env, overrides={**REQUIRED, "printer.uri": uri}).printer.uri == uri


@pytest.mark.parametrize(
    "uri", ["lpt://1", "/dev/usb/lp0", "http://printer.local", "usb:04b8:0e15", "", "hid://"]
)
def test_a_printer_uri_with_an_unknown_scheme_is_refused(uri: str, env: dict[str, str]) -> None:
    error = override_error(env, printer__uri=uri)
    assert error.key == "printer.uri"
    assert error.problem.startswith(
        "must start with one of usb://, serial://, tcp://, file://, cups://, preview://"
    )


@pytest.mark.parametrize("uri", ["hid://", "serial:///dev/ttyACM0?baudrate=9600", "fake://"])
def test_every_scanner_uri_form_loads(uri: str, env: dict[str, str]) -> None:
    assert load_settings(None, env, overrides={**REQUIRED, "scanner.uri": uri}).scanner.uri == uri


@pytest.mark.parametrize("uri", ["usb://0c2e:0b61", "/dev/hidraw0", "tcp://scanner:9100"])
def test_a_scanner_uri_with_an_unknown_scheme_is_refused(uri: str, env: dict[str, str]) -> None:
    error = override_error(env, scanner__uri=uri)
    assert error.key == "scanner.uri"
    assert error.problem.startswith("must start with one of hid://, serial://, fake://")


@pytest.mark.parametrize(
    ("kiosk_id", "ok"),
    [
        ("HCM-Q1-01", True),
        ("a", True),
        ("k.1_x", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("-x", False),
        ("has space", False),
        ("Kiốt", False),
        ("", False),
        ("a/b", False),
    ],
)
def test_kiosk_ids(kiosk_id: str, ok: bool, env: dict[str, str]) -> None:
    overrides = {**REQUIRED, "kiosk_id": kiosk_id}
    if ok:
        assert load_settings(None, env, overrides=overrides).kiosk_id == kiosk_id
    else:
        assert load_error(None, env, overrides).key == "kiosk_id"


def test_a_long_location_name_is_refused(env: dict[str, str]) -> None:
    assert (
        load_settings(None, env, overrides={**REQUIRED, "location_name": "Đ" * 100}).location_name
        == "Đ" * 100
    )
    error = override_error(env, location_name="Đ" * 101)
    assert error.key == "location_name"
    assert error.problem.startswith("must be at most 100 characters (got 'ĐĐĐ")
    assert error.problem.endswith("...)")  # a long value is cut short in the message


@pytest.mark.parametrize(
    ("pin_hash", "problem"),
    [
        ("123456", "must look like pbkdf2_sha256$<iterations>$<salt_hex>$<hash_hex>"),
        ("md5$600000$" + "ab" * 16 + "$" + "cd" * 32, "must look like"),
        ("pbkdf2_sha256$lots$" + "ab" * 16 + "$" + "cd" * 32, "the iterations are not a number"),
        ("pbkdf2_sha256$1000$" + "ab" * 16 + "$" + "cd" * 32, "has 1000 iterations"),
        ("pbkdf2_sha256$600000$" + "zz" * 16 + "$" + "cd" * 32, "must be hexadecimal"),
        ("pbkdf2_sha256$600000$" + "ab" * 4 + "$" + "cd" * 32, "a salt of 8+ bytes and a 32-byte hash"),
        ("pbkdf2_sha256$600000$" + "ab" * 16 + "$" + "cd" * 16, "a 32-byte hash"),
        (PIN_HASH + "$", "must look like"),
    ],
)
def test_a_malformed_pin_hash_is_refused_without_quoting_it(
    pin_hash: str, problem: str, env: dict[str, str]
) -> None:
    error = override_error(env, staff__pin_hash=pin_hash)
    assert error.key == "staff.pin_hash"
    assert problem in error.problem
    assert pin_hash not in str(error)
    with pytest.raises(ValueError, match=re.escape(problem)):
        verify_pin("1234", pin_hash)


def test_a_file_that_is_not_toml_is_named_with_its_line(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, f'kiosk_id = "K"\n\n[central\nurl = "https://central.test"\ntoken = "{TOKEN}"\n')
    error = load_error(path, env)
    assert (error.key, error.source, error.line) == ("", str(path), 3)
    assert error.problem.startswith("is not valid TOML: ")
    assert "line 3" in error.problem
    assert str(error).startswith(f"config file {str(path)!r}: is not valid TOML")


def test_a_directory_is_not_a_config_file(tmp_path: Path, env: dict[str, str]) -> None:
    error = load_error(tmp_path, env)
    assert (error.key, error.problem, error.source) == ("", "is a directory, not a file", str(tmp_path))


def test_a_file_with_a_byte_order_mark_loads(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes(('location_name = "Điện lực Hà Nội"\n' + MINIMAL).encode("utf-8-sig"))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_settings(path, env).location_name == "Điện lực Hà Nội"


def test_a_file_that_is_not_utf8_is_refused_without_its_bytes(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes(MINIMAL.encode("ascii") + b'location_name = "Caf\xe9"\n')
    error = load_error(path, env)
    assert (error.key, error.source) == ("", str(path))
    assert "is not UTF-8" in error.problem
    # A UnicodeDecodeError carries every byte of the file, the token among them.
    assert error.__cause__ is None
    assert error.__context__ is None


# ---------------------------------------------------------------------------------------------- secrets
@pytest.mark.parametrize(
    ("text", "overrides", "key"),
    [
        pytest.param(MINIMAL + "retries = 99\n", {}, "central.retries", id="another-key-is-wrong"),
        pytest.param(MINIMAL.replace(TOKEN, TOKEN + " x"), {}, "central.token", id="token-with-a-space"),
        pytest.param(MINIMAL.replace(f'"{TOKEN}"', "98765432101"), {}, "central.token", id="token-not-text"),
        pytest.param(MINIMAL, {"central.token": TOKEN + "\n"}, "central.token", id="token-with-newline"),
        pytest.param(MINIMAL, {"central.token": ["list", TOKEN]}, "central.token", id="token-a-list"),
        pytest.param(MINIMAL, {"staff.pin_hash": PIN_HASH + "00"}, "staff.pin_hash", id="pin-hash-bad"),
        pytest.param(MINIMAL, {"staff.pin_hash": 98765432101}, "staff.pin_hash", id="pin-hash-not-text"),
        pytest.param(
            MINIMAL + "[staff]\npin_hash = " + f'"{PIN_HASH}"\n[idle]\ncountdown_seconds = 1\n',
            {},
            "idle.countdown_seconds",
            id="pin-hash-present",
        ),
        pytest.param(MINIMAL + "tokn = 1\n", {}, "central.tokn", id="unknown-key"),
        pytest.param(MINIMAL + "[central\n", {}, "", id="not-toml"),
    ],
)
def test_secrets_never_appear_in_an_error_or_its_chain(
    text: str, overrides: dict[str, object], key: str, tmp_path: Path, env: dict[str, str]
) -> None:
    error = load_error(write(tmp_path, text), env, overrides)
    assert error.key == key
    assert error.__cause__ is None
    assert error.__context__ is None
    for secret in (TOKEN, "98765432101", PIN_HASH, PIN_HASH.rsplit("$", 1)[1]):
        for shown in (str(error), repr(error), error.problem, *map(str, error.args)):
            assert secret not in shown


def test_a_bad_secret_from_the_environment_is_not_quoted(env: dict[str, str]) -> None:
    env[env_var("central.token")] = "tok SECRET with spaces"
    error = load_error(None, env, {k: v for k, v in REQUIRED.items() if k != "central.token"})
    assert error.key == "central.token"
    assert "SECRET" not in str(error)
    assert all(link is error for link in chain(error))


def test_secrets_never_appear_in_the_settings_repr(env: dict[str, str]) -> None:
    settings = load_settings(None, env, overrides={**REQUIRED, "staff.pin_hash": PIN_HASH})
    assert settings.staff.pin_hash == PIN_HASH
    digest = PIN_HASH.rsplit("$", 1)[1]
    for shown in (
        repr(settings),
        str(settings),
        repr(settings.central),
        repr(settings.staff),
        str(settings.staff),
    ):
        assert TOKEN not in shown
        assert digest not in shown


# ---------------------------------------------------------------------------------------------- data_dir
def test_a_data_dir_under_home_uses_the_given_home(tmp_path: Path, env: dict[str, str]) -> None:
    def data_dir(value: str) -> Path:
        return load_settings(None, env, overrides={**REQUIRED, "data_dir": value}).data_dir

    assert data_dir("~/x") == tmp_path / "x"
    assert data_dir("~/a/b") == tmp_path / "a" / "b"
    assert data_dir("~") == tmp_path
    assert data_dir("/var/lib/evn-kiosk") == Path("/var/lib/evn-kiosk")


def test_a_data_dir_under_home_in_the_file_uses_the_given_home(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "etc", 'data_dir = "~/kiosk-data"\n' + MINIMAL)
    assert load_settings(path, env).data_dir == tmp_path / "kiosk-data"


@pytest.mark.parametrize("value", ["data", "./data", "", "~other/data", "data/~"])
def test_a_relative_data_dir_is_refused(value: str, env: dict[str, str]) -> None:
    error = override_error(env, data_dir=value)
    assert error.key == "data_dir"
    assert error.problem.startswith("must be an absolute path (or start with ~/)")


# ---------------------------------------------------------------------------------------------- any text
@given(value=st.text(max_size=80))
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_for_the_kiosk_id_loads_verbatim_or_names_kiosk_id(env: dict[str, str], value: str) -> None:
    variables = {**env, **{env_var(k): v for k, v in REQUIRED.items()}, env_var("kiosk_id"): value}
    result = outcome(None, variables)
    if isinstance(result, ConfigError):
        assert result.key == "kiosk_id"
        assert result.problem
    else:
        assert isinstance(result, Settings)
        assert result.kiosk_id == value


@given(key=st.sampled_from(sorted(KEYS)), value=st.text(max_size=40))
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_in_any_variable_loads_or_names_its_key(env: dict[str, str], key: str, value: str) -> None:
    variables = {**env, **{env_var(k): v for k, v in REQUIRED.items()}, env_var(key): value}
    result = outcome(None, variables)
    if isinstance(result, ConfigError):
        assert result.key == key
        assert result.source == f"environment variable {env_var(key)}"
        assert result.__context__ is None
        if key in SECRET_KEYS:
            assert "(got" not in result.problem
    else:
        assert isinstance(result, Settings)
        loaded = value_at(result, key)
        if key in TEXT_KEYS:
            assert getattr(loaded, "get_secret_value", lambda: loaded)() == value


# ---------------------------------------------------------------------------------------------- staff PIN
def test_a_pin_hash_round_trips_and_loads(env: dict[str, str]) -> None:
    pin_hash = hash_pin("2468", iterations=100_000)
    assert pin_hash.startswith("pbkdf2_sha256$100000$")
    assert verify_pin("2468", pin_hash)
    assert not verify_pin("2469", pin_hash)
    assert (
        load_settings(None, env, overrides={**REQUIRED, "staff.pin_hash": pin_hash}).staff.pin_hash
        == pin_hash
    )


@pytest.mark.parametrize("pin", ["123", "1" * 13, "12a4", "", "١٢٣٤", " 1234"])
def test_hash_pin_refuses_what_is_not_a_pin(pin: str) -> None:
    with pytest.raises(ValueError, match="4 to 12 digits"):
        hash_pin(pin, iterations=100_000)


@pytest.mark.parametrize("iterations", [99_999, 10_000_001, 0])
def test_hash_pin_refuses_too_few_or_too_many_iterations(iterations: int) -> None:
    with pytest.raises(ValueError, match="iterations must be"):
        hash_pin("1234", iterations=iterations)


# ---------------------------------------------------------------------------------------------- the docs
DOC_TEXT = DOC.read_text(encoding="utf-8")
_SECTIONS = re.split(r"^### ", DOC_TEXT, flags=re.MULTILINE)[1:]


def _documented() -> dict[str, str]:
    """Each key section of docs/configuration.md, by the key in its heading."""
    sections: dict[str, str] = {}
    for section in _SECTIONS:
        heading, _, body = section.partition("\n")
        match = re.fullmatch(r"`([a-z0-9_.]+)`", heading.strip())
        assert match, f"a key heading is `a.key` in backquotes: {heading!r}"
        assert match.group(1) not in sections, f"{match.group(1)} is documented twice"
        sections[match.group(1)] = body.split("\n## ", 1)[0]
    return sections


DOCUMENTED = _documented()


def _bullet(key: str, name: str) -> str:
    match = re.search(rf"^- \*\*{name}:\*\* (.+(?:\n  .+)*)", DOCUMENTED[key], flags=re.MULTILINE)
    assert match, f"docs/configuration.md: `{key}` has no '- **{name}:**' line"
    return " ".join(match.group(1).split())


def _toml_blocks() -> list[str]:
    return re.findall(r"^```toml\n(.*?)^```", DOC_TEXT, flags=re.MULTILINE | re.DOTALL)


def _as_toml(value: object) -> object:
    """A loaded value as TOML writes it: a tuple of tables (``units``) as a list of tables."""
    if isinstance(value, tuple):
        return [_as_toml(item) for item in value]
    if isinstance(value, BaseModel):
        return value.model_dump()
    return value


def test_the_docs_document_exactly_the_keys_there_are() -> None:
    assert set(DOCUMENTED) - set(KEYS) == set(), "documented keys that do not exist"
    assert set(KEYS) - set(DOCUMENTED) == set(), "keys missing from docs/configuration.md"


@pytest.mark.parametrize("key", sorted(KEYS))
def test_each_documented_key_says_its_type_default_range_and_example(key: str) -> None:
    for name in ("Type", "Default", "Allowed", "Example"):
        assert _bullet(key, name)
    assert len(DOCUMENTED[key].split("- **Type:**")[0].strip()) > 20, (
        f"`{key}` needs a sentence on what it does"
    )


@pytest.mark.parametrize("key", sorted(KEYS))
def test_each_documented_default_is_the_real_one(key: str, tmp_path: Path) -> None:
    field, documented = KEYS[key], _bullet(key, "Default")
    if key == "data_dir":
        assert documented.startswith("`~/.local/share/evn-kiosk`")
        assert default_data_dir({"HOME": str(tmp_path)}) == tmp_path / ".local/share/evn-kiosk"
    elif field.default is PydanticUndefined:
        assert documented == "required"
    elif field.default is None:
        assert documented == "not set"
    else:
        match = re.match(r"`([^`]+)`", documented)
        assert match, f"`{key}`: the default is given in backquotes"
        assert tomllib.loads(f"v = {match.group(1)}")["v"] == _as_toml(field.default)


RANGED_KEYS = sorted(
    key
    for key, field in KEYS.items()
    if any(hasattr(m, b) for m in field.metadata for b in ("ge", "gt", "le"))
)


@pytest.mark.parametrize("key", RANGED_KEYS)
def test_each_documented_range_is_the_real_one(key: str) -> None:
    allowed = _bullet(key, "Allowed")
    for constraint in KEYS[key].metadata:
        for bound in ("ge", "gt", "le"):
            if hasattr(constraint, bound):
                assert f"{getattr(constraint, bound):g}" in allowed, f"`{key}`: {bound} not documented"


# The CA file the examples name: loading reads it, so the tests put a real one in its place.
DOCUMENTED_CA_FILE = "/etc/evn-kiosk/central-ca.pem"


def _with_a_real_ca_file(text: str, directory: Path) -> str:
    pem = directory / "central-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(pem))
    assert DOCUMENTED_CA_FILE in text
    return text.replace(DOCUMENTED_CA_FILE, str(pem))


@pytest.mark.parametrize("key", sorted(KEYS))
def test_each_documented_example_loads(key: str, env: dict[str, str], tmp_path: Path) -> None:
    example = _bullet(key, "Example")
    if key == "central.ca_file":
        example = _with_a_real_ca_file(example, tmp_path)
    match = re.match(r"`([a-z0-9_]+) = ([^`]+)`", example)
    assert match, f"`{key}`: the example is one line of TOML in backquotes"
    name, value = match.group(1), tomllib.loads(f"v = {match.group(2)}")["v"]
    assert name == key.rsplit(".", 1)[-1]
    loaded = value_at(load_settings(None, env, overrides={**REQUIRED, key: value}), key)
    if key in ("data_dir", "central.ca_file"):
        value = Path(value)
    elif key == "central.pin_sha256":  # kept in the form the client compares
        value = value.replace(":", "").lower()
    assert _as_toml(getattr(loaded, "get_secret_value", lambda: loaded)()) == value


def test_the_complete_example_sets_every_key_and_loads(tmp_path: Path, env: dict[str, str]) -> None:
    complete, minimal = _toml_blocks()[:2]

    def keys(table: Mapping[str, object], prefix: str = "") -> set[str]:
        found: set[str] = set()
        for name, value in table.items():
            found |= keys(value, f"{prefix}{name}.") if isinstance(value, dict) else {prefix + name}
        return found

    assert keys(tomllib.loads(complete)) == set(KEYS)
    settings = load_settings(write(tmp_path, _with_a_real_ca_file(complete, tmp_path)), env)
    assert settings.printer.uri == "usb://04b8:0e15"
    assert settings.staff.pin_hash == PIN_HASH  # the placeholder the tests use too
    assert load_settings(write(tmp_path, minimal, "minimal.toml"), env).kiosk_id == settings.kiosk_id


def test_the_documented_environment_variables_name_real_keys() -> None:
    rows = re.findall(r"^\| `(KIOSK__[A-Z0-9_]+)` \| `([a-z0-9_.]+)` \|$", DOC_TEXT, flags=re.MULTILINE)
    assert len(rows) >= 3
    for variable, key in rows:
        assert key in KEYS
        assert variable == env_var(key)


@pytest.mark.parametrize(
    ("key", "schemes"), [("printer.uri", PRINTER_SCHEMES), ("scanner.uri", SCANNER_SCHEMES)]
)
def test_the_documented_uri_forms_are_the_accepted_schemes(
    key: str, schemes: tuple[str, ...], env: dict[str, str]
) -> None:
    forms = re.findall(r"^\| `([a-z]+)://([^`]*)` \|", DOCUMENTED[key], flags=re.MULTILINE)
    assert {scheme for scheme, _ in forms} == set(schemes)
    for scheme in schemes:
        assert f"`{scheme}://`" in _bullet(key, "Allowed")


def test_the_docs_say_what_happens_on_a_bad_config() -> None:
    assert "exits with status 2" in DOC_TEXT
    assert "kiosk doctor" in DOC_TEXT
    assert "config key '" in DOC_TEXT
    assert """python3 -c "from kiosk.config import hash_pin; print(hash_pin('123456'))\"""" in DOC_TEXT
    assert "KIOSK_CONFIG" in DOC_TEXT
