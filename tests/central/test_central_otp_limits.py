"""One-time codes are limited against SMS pumping (every code is an SMS someone pays for): one per phone per
minute, 5 per phone per hour, 5 per kiosk token per minute and 30 per kiosk token per hour. A 429
`otp_rate_limited` says when asking again may succeed, in the body and in `Retry-After`; another kiosk's token
is not held back by this one's codes."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk_central.grants import Grant
from kiosk_central.service_requests import OtpLimits
from tests.helpers.central import KIOSK_ID, TOKEN, RunningCentral, running_central

OTHER_TOKEN = "another-kiosks-token"


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[RunningCentral]:
    """A central with the server's own limits, and two kiosks' tokens."""
    with running_central(
        tmp_path / "central.db",
        otp_limits=OtpLimits(),
        tokens={TOKEN: Grant(kiosk_id=KIOSK_ID), OTHER_TOKEN: Grant(kiosk_id="OTHER-01")},
    ) as server:
        yield server


def send(central: RunningCentral, phone: str, token: str = TOKEN) -> httpx.Response:
    return httpx.post(
        f"{central.url}/v1/otp",
        json={"purpose": "service_request", "phone": phone},
        headers={"Authorization": f"Bearer {token}"},
    )


def advance(central: RunningCentral, seconds: int) -> None:
    answer = httpx.post(
        f"{central.url}/v1/sim/clock",
        json={"seconds": seconds},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert answer.status_code < 300, answer.text


def refused(answer: httpx.Response, code: str) -> int:
    """The seconds ``Retry-After`` asks for, after checking the answer is that refusal."""
    assert answer.status_code == 429, answer.text
    assert answer.json()["error"]["code"] == code
    assert "retry_after" in answer.json()["error"]["details"]
    return int(answer.headers["Retry-After"])


def test_a_burst_of_codes_to_many_phones_from_one_token_is_stopped_at_five(limited: RunningCentral) -> None:
    answers = [send(limited, f"09120001{n:02d}") for n in range(20)]
    assert [a.status_code for a in answers[:5]] == [201] * 5
    wait = refused(answers[5], "otp_rate_limited")
    assert 1 <= wait <= 60
    assert all(a.status_code == 429 for a in answers[5:])
    # Another kiosk is not held back by this one's codes.
    assert send(limited, "0912000200", OTHER_TOKEN).status_code == 201
    # The minute over, codes go again.
    advance(limited, 61)
    assert send(limited, "0912000300").status_code == 201


def test_a_token_sends_at_most_thirty_codes_an_hour(limited: RunningCentral) -> None:
    sent = 0
    for minute in range(6):
        for n in range(5):
            assert send(limited, f"0913{minute:02d}00{n:02d}").status_code == 201
            sent += 1
        advance(limited, 61)
    assert sent == 30
    wait = refused(send(limited, "0913990000"), "otp_rate_limited")
    assert 60 < wait <= 3600
    advance(limited, wait)
    assert send(limited, "0913990000").status_code == 201


def test_one_phone_gets_at_most_five_codes_an_hour(limited: RunningCentral) -> None:
    started = time.monotonic()
    for _ in range(5):
        assert send(limited, "0914000001").status_code == 201
        advance(limited, 61)
    wait = refused(send(limited, "0914000001"), "otp_rate_limited")
    # The server's clock runs on between the calls too (seconds, on a loaded machine).
    assert 3600 - 5 * 61 - math.ceil(time.monotonic() - started) <= wait <= 3600
    # From another kiosk too: the limit is the phone's.
    refused(send(limited, "0914000001", OTHER_TOKEN), "otp_rate_limited")


def test_a_resend_too_soon_says_when_in_the_header_too(limited: RunningCentral) -> None:
    assert send(limited, "0915000001").status_code == 201
    assert 1 <= refused(send(limited, "0915000001"), "otp_resend_too_soon") <= 60
