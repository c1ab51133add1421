"""Certificates for the TLS tests (trustme: a CA of the tests' own), and the reference central serving one of them
as an operator starts it: `kiosk central --demo --tls-cert … --tls-key …`, a process on loopback."""

from __future__ import annotations

import hashlib
import re
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import trustme

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Certificates:
    """``ca_file``: the authority the kiosk is told to trust. Each other file holds a server's key and its
    certificate chain (PEM), for 127.0.0.1 unless its name says otherwise."""

    ca_file: Path
    good: Path
    expired: Path
    other_host: Path
    unknown_ca: Path


def make_certificates(directory: Path) -> Certificates:
    ca, stranger = trustme.CA(), trustme.CA()
    files = {
        "good": ca.issue_cert(HOST),
        # Valid for a year, which ended long ago: only the expiry is wrong with it.
        "expired": ca.issue_cert(HOST, not_before=datetime(2020, 1, 1), not_after=datetime(2021, 1, 1)),
        "other_host": ca.issue_cert("other.example"),
        "unknown_ca": stranger.issue_cert(HOST),
    }
    paths = {name: directory / f"{name}.pem" for name in files}
    for name, cert in files.items():
        cert.private_key_and_cert_chain_pem.write_to_path(str(paths[name]))
    ca_file = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Certificates(ca_file=ca_file, **paths)


def fingerprint(pem: Path) -> str:
    """The SHA-256 of the server certificate in ``pem`` (the first one), as `openssl x509 -fingerprint -sha256`
    prints it: AB:CD:…"""
    first = re.search(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", pem.read_text(), re.DOTALL)
    assert first
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(first.group(0))).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


@dataclass(frozen=True)
class TlsCentral:
    url: str
    token: str


@contextmanager
def tls_central(pem: Path) -> Iterator[TlsCentral]:
    """`kiosk central --demo` serving https:// with the key and certificate chain in ``pem``."""
    tls = ["--tls-cert", str(pem), "--tls-key", str(pem)]
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "central", "--demo", "--host", HOST, "--port", "0", *tls],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        url = re.search(r"listening on (\S+)", process.stdout.readline())
        token = re.search(r"demo token (\S+)", process.stdout.readline())
        assert url, process.stderr.read() if process.stderr else ""
        assert token
        yield TlsCentral(url.group(1), token.group(1))
    finally:
        process.terminate()
        process.wait(timeout=20)
