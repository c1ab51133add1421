"""What an operator reads about the central's certificate: `kiosk doctor` (the installed console script) and the
start of `kiosk run` name a refused certificate in words, and plain http:// across the network is refused, or
accepted with a warning when `central.allow_insecure_http` says so. The centrals are `kiosk central --tls-cert`
processes on loopback (tests/helpers/tls.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.central import RunningCentral
from tests.helpers.tls import Certificates, TlsCentral, fingerprint, make_certificates, tls_central

UNTRUSTED = (
    "the central's certificate is signed by an authority this kiosk does not trust"
    " (set central.ca_file to the authority's certificate)"
)
REFUSED = {
    "expired": "the central's certificate has expired (or this kiosk's clock is wrong)",
    "other_host": "the central's certificate is for another host (check central.url)",
    "unknown_ca": UNTRUSTED,
}


def kiosk(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The console script pip installed, as an operator runs it, with nothing of this machine's config."""
    script = Path(sys.executable).with_name("kiosk")
    found = str(script) if script.exists() else shutil.which("kiosk")
    assert found, "the `kiosk` console script is not installed: pip install -e ."
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }
    return subprocess.run([found, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def write_config(home: Path, url: str, token: str, central_extra: str = "") -> Path:
    path = home / "kiosk.toml"
    path.write_text(
        f'kiosk_id = "TEST-01"\ndata_dir = "{home / "data"}"\n\n[speech]\nengine = "none"\n\n'
        f'[central]\nurl = "{url}"\ntoken = "{token}"\nretries = 0\ntimeout_seconds = 5.0\n{central_extra}\n'
    )
    return path


def line(output: str, start: str) -> str:
    found = [text for text in output.splitlines() if text.startswith(start)]
    assert len(found) == 1, output
    return found[0]


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("certificates"))


@pytest.fixture(scope="module", params=["good", *REFUSED])
def served(request: pytest.FixtureRequest, certificates: Certificates) -> Iterator[tuple[str, TlsCentral]]:
    with tls_central(getattr(certificates, request.param)) as central:
        yield request.param, central


def test_doctor_accepts_a_good_certificate_and_names_what_is_wrong_with_a_bad_one(
    served: tuple[str, TlsCentral], certificates: Certificates, tmp_path: Path
) -> None:
    kind, central = served
    config = write_config(tmp_path, central.url, central.token, f'ca_file = "{certificates.ca_file}"')
    result = kiosk("doctor", "--config", str(config), home=tmp_path)
    assert line(result.stdout, "OK    tls ") == (
        f"OK    tls       https://, the central's certificate checked against the authorities in"
        f" {certificates.ca_file}"
    )
    if kind == "good":
        assert result.returncode == 0, result.stdout + result.stderr
        assert line(result.stdout, "OK    central ").endswith("answers (ok) and accepts the token")
        return
    assert result.returncode == 1, result.stdout + result.stderr
    assert line(result.stdout, "FAIL  central ") == (
        f"FAIL  central   {central.url} cannot be trusted: {REFUSED[kind]}"
        ' — see "The central\'s certificate" in docs/deployment.md'
    )
    assert central.token not in result.stdout + result.stderr


@pytest.mark.parametrize("served", ["good", "expired"], indirect=True)  # the words are doctor's, tested above
def test_the_start_says_why_the_certificate_was_refused(
    served: tuple[str, TlsCentral], certificates: Certificates, tmp_path: Path
) -> None:
    """`kiosk run` uses central.ca_file, and says in words why it starts without the central."""
    kind, central = served
    config = write_config(tmp_path, central.url, central.token, f'ca_file = "{certificates.ca_file}"')
    result = kiosk("run", "--smoke", "--config", str(config), home=tmp_path)
    if kind == "good":
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("ready in ")
        return
    assert result.returncode != 0
    assert f"the central system at {central.url} is not reachable" in result.stderr
    assert REFUSED[kind] in result.stderr


@pytest.mark.parametrize("served", ["good"], indirect=True)
def test_doctor_names_a_certificate_that_is_not_the_pinned_one(
    served: tuple[str, TlsCentral], certificates: Certificates, tmp_path: Path
) -> None:
    _, central = served
    pinned = f'ca_file = "{certificates.ca_file}"\npin_sha256 = "{fingerprint(certificates.unknown_ca)}"'
    result = kiosk(
        "doctor", "--config", str(write_config(tmp_path, central.url, central.token, pinned)), home=tmp_path
    )
    assert result.returncode == 1
    assert line(result.stdout, "OK    tls ").endswith(f"{certificates.ca_file} and central.pin_sha256")
    assert line(result.stdout, "FAIL  central ").startswith(
        f"FAIL  central   {central.url} cannot be trusted: the central's certificate is not the one"
        " central.pin_sha256 names"
    )


def test_doctor_without_ca_file_refuses_an_authority_of_the_operators_own(
    certificates: Certificates, tmp_path: Path
) -> None:
    with tls_central(certificates.good) as central:
        result = kiosk("doctor", "--config", str(write_config(tmp_path, central.url, "t0ken")), home=tmp_path)
    assert result.returncode == 1
    assert "OK    tls       https://, the central's certificate checked against the public authorities" in (
        result.stdout
    )
    assert f"FAIL  central   {central.url} cannot be trusted: {UNTRUSTED}" in result.stdout


# 0.0.0.0 is not a loopback address (the rule sees a central across the network), yet Linux connects it to this
# machine: a central reached over plain http:// "across the network" with no network.
def across_the_network(central: RunningCentral) -> str:
    return central.url.replace("127.0.0.1", "0.0.0.0")


def test_plain_http_across_the_network_is_refused_without_allow_insecure_http(
    central: RunningCentral, tmp_path: Path
) -> None:
    config = write_config(tmp_path, across_the_network(central), central.token)
    result = kiosk("doctor", "--config", str(config), home=tmp_path)
    assert result.returncode == 1
    assert line(result.stdout, "FAIL  config ").startswith(
        "FAIL  config    config key 'central.url': must be an https:// URL"
    )
    run = kiosk("run", "--smoke", "--config", str(config), home=tmp_path)
    assert run.returncode == 2
    assert "config key 'central.url': must be an https:// URL" in run.stderr


def test_allow_insecure_http_is_accepted_with_a_warning(central: RunningCentral, tmp_path: Path) -> None:
    config = write_config(tmp_path, across_the_network(central), central.token, "allow_insecure_http = true")
    result = kiosk("doctor", "--config", str(config), home=tmp_path)
    assert result.returncode == 0, result.stdout  # a warning, not a failure
    assert line(result.stdout, "WARN  tls ") == (
        "WARN  tls       plain http:// across the network (central.allow_insecure_http): the token and"
        " customers' data travel unencrypted — give the central an https:// address, then remove"
        " central.allow_insecure_http"
    )
    assert line(result.stdout, "OK    central ").endswith("answers (ok) and accepts the token")
    assert result.stdout.splitlines()[-1] == "all checks passed (1 to look at: WARN)"
    run = kiosk("run", "--smoke", "--config", str(config), home=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "central.allow_insecure_http: the token and customers' data go to" in run.stderr


def test_plain_http_to_this_machine_needs_no_permission(central: RunningCentral, tmp_path: Path) -> None:
    result = kiosk(
        "doctor", "--config", str(write_config(tmp_path, central.url, central.token)), home=tmp_path
    )
    assert result.returncode == 0, result.stdout
    assert "OK    tls       plain http:// to a central on this machine (loopback)" in result.stdout
