"""CentralClient against the reference central over https:// (`kiosk central --tls-cert --tls-key`), on loopback:
a certificate signed by the authority in ``ca_file`` is accepted; an expired one, one for another host and one
from an authority the kiosk does not trust are refused at once, with the reason in words for the operator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.central import errors
from kiosk.central.client import CentralClient
from kiosk.central.errors import Unavailable
from tests.helpers.central import RunningCentral
from tests.helpers.tls import Certificates, TlsCentral, fingerprint, make_certificates, tls_central

pytestmark = pytest.mark.asyncio

UNTRUSTED = "the central's certificate is signed by an authority this kiosk does not trust"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("certificates"))


def _central(certificates: Certificates, name: str) -> Iterator[TlsCentral]:
    with tls_central(getattr(certificates, name)) as central:
        yield central


@pytest.fixture(scope="module")
def good(certificates: Certificates) -> Iterator[TlsCentral]:
    yield from _central(certificates, "good")


@pytest.fixture(scope="module")
def expired(certificates: Certificates) -> Iterator[TlsCentral]:
    yield from _central(certificates, "expired")


@pytest.fixture(scope="module")
def other_host(certificates: Certificates) -> Iterator[TlsCentral]:
    yield from _central(certificates, "other_host")


@pytest.fixture(scope="module")
def unknown_ca(certificates: Certificates) -> Iterator[TlsCentral]:
    yield from _central(certificates, "unknown_ca")


class Waits:
    """Records the backoff waits instead of waiting: a refused certificate must cause none."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


async def refusal(central: TlsCentral, ca_file: Path | None, pin_sha256: str | None = None) -> Unavailable:
    waits = Waits()
    async with CentralClient(
        central.url, central.token, retries=2, sleep=waits, ca_file=ca_file, pin_sha256=pin_sha256
    ) as client:
        with pytest.raises(Unavailable) as caught:
            await client.check_access()
    assert waits.seconds == [], "retried a connection the certificate refused"
    assert caught.value.code == errors.UNREACHABLE  # the staff screens' words for it stay right
    assert caught.value.reason is not None
    assert caught.value.reason in str(caught.value)  # in the message, which the start-up log prints
    return caught.value


async def test_a_certificate_from_the_configured_authority_is_accepted(
    good: TlsCentral, certificates: Certificates
) -> None:
    assert good.url.startswith("https://127.0.0.1:")
    async with CentralClient(good.url, good.token, ca_file=certificates.ca_file) as client:
        assert (await client.check_access()).status == "ok"
        assert (await client.customer("PE01000123456")).code == "PE01000123456"


async def test_without_ca_file_only_public_authorities_are_trusted(good: TlsCentral) -> None:
    assert UNTRUSTED in (await refusal(good, None)).reason  # type: ignore[operator]


async def test_an_expired_certificate_is_refused_as_expired(
    expired: TlsCentral, certificates: Certificates
) -> None:
    reason = (await refusal(expired, certificates.ca_file)).reason
    assert reason == "the central's certificate has expired (or this kiosk's clock is wrong)"


async def test_a_certificate_for_another_host_is_refused_as_such(
    other_host: TlsCentral, certificates: Certificates
) -> None:
    reason = (await refusal(other_host, certificates.ca_file)).reason
    assert reason == "the central's certificate is for another host (check central.url)"


async def test_a_certificate_from_another_authority_is_refused_as_untrusted(
    unknown_ca: TlsCentral, certificates: Certificates
) -> None:
    reason = (await refusal(unknown_ca, certificates.ca_file)).reason
    assert reason is not None
    assert reason.startswith(UNTRUSTED)
    assert "central.ca_file" in reason


async def test_https_to_a_plain_http_central_says_it_does_not_answer_tls(
    central: RunningCentral, certificates: Certificates
) -> None:
    https_url = central.url.replace("http://", "https://")
    reason = (await refusal(TlsCentral(https_url, central.token), certificates.ca_file)).reason
    assert reason == "the central does not answer TLS at this address (is it an http:// server?)"


async def test_a_closed_port_has_no_certificate_reason_and_is_retried(certificates: Certificates) -> None:
    waits = Waits()
    async with CentralClient(
        "https://127.0.0.1:9", "t0ken", retries=1, sleep=waits, ca_file=certificates.ca_file
    ) as client:
        with pytest.raises(Unavailable) as caught:
            await client.health()
    assert caught.value.reason is None
    assert "cannot reach the central (ConnectError)" in str(caught.value)
    assert len(waits.seconds) == 1


def pin(pem: Path) -> str:
    """The fingerprint as central.pin_sha256 keeps it."""
    return fingerprint(pem).replace(":", "").lower()


async def test_the_pinned_certificate_is_accepted(good: TlsCentral, certificates: Certificates) -> None:
    async with CentralClient(
        good.url, good.token, ca_file=certificates.ca_file, pin_sha256=pin(certificates.good)
    ) as client:
        assert (await client.check_access()).status == "ok"


async def test_another_certificate_than_the_pinned_one_is_refused(
    good: TlsCentral, certificates: Certificates
) -> None:
    """Signed by the trusted authority, for the right host, valid: but not the one pinned."""
    refused = await refusal(good, certificates.ca_file, pin_sha256=pin(certificates.unknown_ca))
    assert refused.reason == "the central's certificate is not the one central.pin_sha256 names"


async def test_a_pin_does_not_replace_the_checks_of_the_chain(
    expired: TlsCentral, certificates: Certificates
) -> None:
    refused = await refusal(expired, certificates.ca_file, pin_sha256=pin(certificates.expired))
    assert refused.reason == "the central's certificate has expired (or this kiosk's clock is wrong)"
