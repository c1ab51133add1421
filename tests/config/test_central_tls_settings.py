"""`central.url`, `central.ca_file`, `central.allow_insecure_http`: the token crosses the network only encrypted,
unless an operator says otherwise in so many words (docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme

from kiosk.config import ConfigError, load_settings

TOKEN = "tok-SECRET-4f2a9c"


def config(directory: Path, central: str) -> Path:
    path = directory / "kiosk.toml"
    path.write_text(f'kiosk_id = "HCM-Q1-01"\n\n[central]\ntoken = "{TOKEN}"\n{central}\n', encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path)}


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8700", "http://127.8.9.10", "http://[::1]:8700/api", "https://central.test"]
)
def test_plain_http_to_this_machine_and_https_anywhere_need_no_permission(
    url: str, tmp_path: Path, env: dict[str, str]
) -> None:
    central = load_settings(config(tmp_path, f'url = "{url}"'), env).central
    assert central.url == url
    assert not central.sends_token_in_clear


@pytest.mark.parametrize(
    "url",
    [
        "http://kiosk-api.example.vn",
        "http://10.20.30.40:8700",
        "http://192.168.1.5",
        # A name is not an address: what `localhost` resolves to is the resolver's business.
        "http://localhost:8700",
        "http://[fe80::1]:8700",
    ],
)
def test_plain_http_across_the_network_is_refused_by_default(
    url: str, tmp_path: Path, env: dict[str, str]
) -> None:
    path = config(tmp_path, f'url = "{url}"')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env)
    assert caught.value.key == "central.url"
    assert caught.value.source == str(path)
    assert "must be an https:// URL" in caught.value.problem
    assert "central.allow_insecure_http = true" in caught.value.problem
    assert TOKEN not in str(caught.value)


def test_allow_insecure_http_accepts_it_and_says_the_token_travels_in_clear(
    tmp_path: Path, env: dict[str, str]
) -> None:
    path = config(tmp_path, 'allow_insecure_http = true\nurl = "http://kiosk-api.example.vn"')
    central = load_settings(path, env).central
    assert central.url == "http://kiosk-api.example.vn"
    assert central.sends_token_in_clear


def test_allow_insecure_http_may_come_from_the_environment_whatever_the_order(
    tmp_path: Path, env: dict[str, str]
) -> None:
    # The key is after `url` in the file, and from another source: the check sees both all the same.
    path = config(tmp_path, 'url = "http://kiosk-api.example.vn"')
    central = load_settings(path, {**env, "KIOSK__CENTRAL__ALLOW_INSECURE_HTTP": "true"}).central
    assert central.sends_token_in_clear
    with pytest.raises(ConfigError, match=r"central\.url"):
        load_settings(path, {**env, "KIOSK__CENTRAL__ALLOW_INSECURE_HTTP": "false"})


@pytest.fixture
def ca_pem(tmp_path: Path) -> Path:
    pem = tmp_path / "central-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(pem))
    return pem


def test_a_ca_file_is_taken_as_an_absolute_path(ca_pem: Path, tmp_path: Path, env: dict[str, str]) -> None:
    path = config(tmp_path, f'url = "https://central.test"\nca_file = "{ca_pem}"')
    assert load_settings(path, env).central.ca_file == ca_pem
    from_env = {**env, "KIOSK__CENTRAL__CA_FILE": str(ca_pem)}
    assert load_settings(config(tmp_path, 'url = "https://central.test"'), from_env).central.ca_file == ca_pem


def test_a_ca_file_under_home_is_found_in_the_home_loaded_with(
    ca_pem: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    path = config(tmp_path, f'url = "https://central.test"\nca_file = "~/{ca_pem.name}"')
    assert load_settings(path, env).central.ca_file == ca_pem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("/nonexistent/central-ca.pem", "does not exist"),
        ("central-ca.pem", "must be an absolute path (or start with ~/)"),
        ("{not_pem}", "holds no PEM certificate"),
        ("{directory}", "cannot be read"),
    ],
)
def test_a_ca_file_that_cannot_be_used_is_named_at_load(
    value: str, problem: str, tmp_path: Path, env: dict[str, str]
) -> None:
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("this is not a certificate\n")
    value = value.format(not_pem=not_pem, directory=tmp_path)
    path = config(tmp_path, f'url = "https://central.test"\nca_file = "{value}"')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env)
    assert caught.value.key == "central.ca_file"
    assert problem in caught.value.problem


FINGERPRINT = (
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
)


@pytest.mark.parametrize("written", [FINGERPRINT, FINGERPRINT.replace(":", "").lower()])
def test_a_pin_is_kept_as_64_lower_case_hex_digits(written: str, tmp_path: Path, env: dict[str, str]) -> None:
    path = config(tmp_path, f'url = "https://central.test"\npin_sha256 = "{written}"')
    assert load_settings(path, env).central.pin_sha256 == FINGERPRINT.replace(":", "").lower()


@pytest.mark.parametrize(
    ("central", "problem"),
    [
        ('url = "https://central.test"\npin_sha256 = "AB:CD"', "must be a SHA-256 fingerprint"),
        (f'url = "https://central.test"\npin_sha256 = "{FINGERPRINT}:00"', "must be a SHA-256 fingerprint"),
        (f'url = "http://127.0.0.1:8700"\npin_sha256 = "{FINGERPRINT}"', "https://"),
    ],
)
def test_a_pin_that_cannot_be_used_is_named_at_load(
    central: str, problem: str, tmp_path: Path, env: dict[str, str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(config(tmp_path, central), env)
    assert caught.value.key == "central.pin_sha256"
    assert problem in caught.value.problem
