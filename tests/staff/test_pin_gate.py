"""The staff PIN gate: free slips, growing waits, a lockout that even the right PIN cannot pass, kept through a
restart, failing closed on a damaged file and surviving a clock that goes back. Real hashing (at the lowest
iteration count the config accepts), a fake clock, no sleeps."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import kiosk.staff.pin_gate as pin_gate_module
from kiosk.config import hash_pin, verify_pin
from kiosk.config.staff_pin import MIN_PIN_HASH_ITERATIONS
from kiosk.language.catalogs import Translator
from kiosk.staff.pin_gate import (
    FREE_TRIES,
    LOCKOUT,
    LOCKOUT_AFTER,
    MAX_WAIT,
    WAITS,
    PinCheck,
    PinGate,
    PinVerdict,
    pin_check_message,
)

PIN = "48151623"
WRONG = "90210777"
START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class VerifySpy:
    """Counts the hashes: a refusal made by the policy must not cost (or reveal) one."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, pin: str, pin_hash: str) -> bool:
        self.calls += 1
        return verify_pin(pin, pin_hash)


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN, iterations=MIN_PIN_HASH_ITERATIONS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "staff-pin-state.json"


@pytest.fixture
def gate(pin_hash: str, state_file: Path, clock: FakeClock) -> PinGate:
    return PinGate(pin_hash, state_file, clock=clock)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> VerifySpy:
    spy = VerifySpy()
    monkeypatch.setattr(pin_gate_module, "verify_pin", spy)
    return spy


async def wrong_pins(gate: PinGate, clock: FakeClock, count: int) -> list[PinCheck]:
    """``count`` wrong PINs, each typed as soon as the gate takes one again."""
    checks = []
    for _ in range(count):
        clock.advance(gate.status().wait_seconds)
        checks.append(await gate.check(WRONG))
    return checks


def read_state(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def file_names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_the_policy_grows_and_stays_under_its_maximum() -> None:
    assert FREE_TRIES == 3
    assert LOCKOUT_AFTER == 10
    assert LOCKOUT == MAX_WAIT == timedelta(minutes=15)
    assert [w.total_seconds() for w in WAITS[:4]] == [5, 15, 30, 60]
    assert list(WAITS) == sorted(WAITS)
    assert len(WAITS) == LOCKOUT_AFTER - FREE_TRIES - 1  # one wait for each wrong PIN between
    assert max(WAITS) <= MAX_WAIT


@pytest.mark.asyncio
async def test_the_right_pin_opens(gate: PinGate) -> None:
    assert gate.status() == PinCheck(PinVerdict.OPEN, tries_before_lockout=LOCKOUT_AFTER)
    assert await gate.check(PIN) == PinCheck(PinVerdict.OPEN, tries_before_lockout=LOCKOUT_AFTER)


@pytest.mark.asyncio
async def test_the_first_three_wrong_pins_cost_nothing(gate: PinGate, clock: FakeClock) -> None:
    for number in (1, 2, 3):
        check = await gate.check(WRONG)
        assert check == PinCheck(PinVerdict.WRONG, tries_before_lockout=LOCKOUT_AFTER - number)
        assert gate.status().verdict is PinVerdict.OPEN
    assert await gate.check(PIN) == PinCheck(PinVerdict.OPEN, tries_before_lockout=LOCKOUT_AFTER)


@pytest.mark.asyncio
async def test_then_each_wrong_pin_makes_a_longer_wait(gate: PinGate, clock: FakeClock) -> None:
    await wrong_pins(gate, clock, FREE_TRIES)
    seen = []
    for number in range(FREE_TRIES + 1, LOCKOUT_AFTER):
        check = await gate.check(WRONG)
        wait = int(WAITS[number - FREE_TRIES - 1].total_seconds())
        assert check == PinCheck(PinVerdict.WRONG, wait, tries_before_lockout=LOCKOUT_AFTER - number)
        assert gate.status() == PinCheck(PinVerdict.WAIT, wait, tries_before_lockout=LOCKOUT_AFTER - number)
        clock.advance(wait - 0.5)
        assert gate.status() == PinCheck(PinVerdict.WAIT, 1, tries_before_lockout=LOCKOUT_AFTER - number)
        clock.advance(0.5)
        assert gate.status().verdict is PinVerdict.OPEN
        seen.append(wait)
    assert seen == [5, 15, 30, 60, 120, 300]


@pytest.mark.asyncio
async def test_a_pin_typed_during_a_wait_is_neither_hashed_nor_counted(
    gate: PinGate, clock: FakeClock, spy: VerifySpy
) -> None:
    await wrong_pins(gate, clock, FREE_TRIES + 1)  # the 4th starts a 5 s wait
    hashed = spy.calls
    clock.advance(2)
    for pin in (WRONG, PIN):  # even the right one: the policy answers before the hash is looked at
        assert await gate.check(pin) == PinCheck(PinVerdict.WAIT, 3, tries_before_lockout=6)
    assert spy.calls == hashed
    clock.advance(3)
    assert gate.status() == PinCheck(PinVerdict.OPEN, tries_before_lockout=6)


@pytest.mark.asyncio
async def test_ten_wrong_pins_in_a_row_lock_even_the_right_pin_out(
    gate: PinGate, clock: FakeClock, spy: VerifySpy
) -> None:
    checks = await wrong_pins(gate, clock, LOCKOUT_AFTER)
    assert [c.verdict for c in checks] == [PinVerdict.WRONG] * 9 + [PinVerdict.LOCKED]
    assert checks[-1] == PinCheck(PinVerdict.LOCKED, 900, locked_until=clock.now + LOCKOUT)
    hashed = spy.calls
    clock.advance(14 * 60)
    check = await gate.check(PIN)
    assert check == PinCheck(PinVerdict.LOCKED, 60, locked_until=clock.now + timedelta(minutes=1))
    assert gate.status() == check
    assert spy.calls == hashed


@pytest.mark.asyncio
async def test_the_lockout_ends_and_the_right_pin_then_resets_the_count(
    gate: PinGate, clock: FakeClock
) -> None:
    await wrong_pins(gate, clock, LOCKOUT_AFTER)
    clock.advance(LOCKOUT.total_seconds())
    # Still 10 wrong in a row: one more try before the next lockout, not ten.
    assert gate.status() == PinCheck(PinVerdict.OPEN, tries_before_lockout=1)
    assert await gate.check(PIN) == PinCheck(PinVerdict.OPEN, tries_before_lockout=LOCKOUT_AFTER)
    for number in (1, 2, 3):
        assert await gate.check(WRONG) == PinCheck(
            PinVerdict.WRONG, tries_before_lockout=LOCKOUT_AFTER - number
        )


@pytest.mark.asyncio
async def test_after_a_lockout_each_wrong_pin_locks_again(gate: PinGate, clock: FakeClock) -> None:
    await wrong_pins(gate, clock, LOCKOUT_AFTER)
    clock.advance(LOCKOUT.total_seconds())
    check = await gate.check(WRONG)
    assert check == PinCheck(PinVerdict.LOCKED, 900, locked_until=clock.now + LOCKOUT)


@pytest.mark.asyncio
async def test_the_right_pin_resets_the_count_mid_way(gate: PinGate, clock: FakeClock) -> None:
    await wrong_pins(gate, clock, 6)
    clock.advance(gate.status().wait_seconds)
    assert (await gate.check(PIN)).verdict is PinVerdict.OPEN
    checks = await wrong_pins(gate, clock, FREE_TRIES)
    assert [c.wait_seconds for c in checks] == [0, 0, 0]


@pytest.mark.asyncio
async def test_the_count_survives_a_restart(
    gate: PinGate, pin_hash: str, state_file: Path, clock: FakeClock
) -> None:
    await wrong_pins(gate, clock, FREE_TRIES + 1)
    restarted = PinGate(pin_hash, state_file, clock=clock)
    assert restarted.status() == PinCheck(PinVerdict.WAIT, 5, tries_before_lockout=6)
    await wrong_pins(restarted, clock, LOCKOUT_AFTER - FREE_TRIES - 1)
    clock.advance(60)
    again = PinGate(pin_hash, state_file, clock=clock)
    assert again.status() == PinCheck(PinVerdict.LOCKED, 840, locked_until=clock.now + timedelta(seconds=840))
    assert await again.check(PIN) == again.status()


@pytest.mark.asyncio
async def test_the_state_file_is_replaced_whole_and_holds_no_pin(
    gate: PinGate, state_file: Path, clock: FakeClock
) -> None:
    await wrong_pins(gate, clock, 2)
    assert read_state(state_file) == {"version": 1, "failures": 2, "last_failure_at": START.isoformat()}
    assert file_names(state_file.parent) == [state_file.name]  # no temporary file left over
    await gate.check(PIN)
    assert read_state(state_file)["failures"] == 0


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b"{}",
        b'{"version": 2, "failures": 0, "last_failure_at": null}',
        b'{"version": 1, "failures": -1, "last_failure_at": null}',
        b'{"version": 1, "failures": "3", "last_failure_at": "2026-11-23T03:00:00+00:00"}',
        b'{"version": 1, "failures": 3, "last_failure_at": null}',
        b'{"version": 1, "failures": 3, "last_failure_at": "yesterday"}',
        b'{"version": 1, "failures": 3, "last_failure_at": "2026-11-23T03:00:00"}',
        b'{"version": 1, "failures": 3, "last_failure_at": 1}',
        b"[" * 100_000,
    ],
)
def test_a_damaged_state_file_locks_for_the_lockout_time(
    pin_hash: str, state_file: Path, clock: FakeClock, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    state_file.parent.mkdir(parents=True)
    state_file.write_bytes(content)
    with caplog.at_level(logging.ERROR, logger="kiosk.staff.pin_gate"):
        gate = PinGate(pin_hash, state_file, clock=clock)
    assert gate.status() == PinCheck(PinVerdict.LOCKED, 900, locked_until=START + LOCKOUT)
    assert "staff mode locked for 15 minutes" in caplog.text
    # Rewritten as a lockout that started then, so that a restart neither clears nor prolongs it.
    clock.advance(600)
    assert PinGate(pin_hash, state_file, clock=clock).status().wait_seconds == 300
    clock.advance(300)
    assert gate.status() == PinCheck(PinVerdict.OPEN, tries_before_lockout=1)


@pytest.mark.asyncio
async def test_an_unreadable_and_unwritable_state_fails_closed_without_raising(
    pin_hash: str, tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    state_file = tmp_path / "a-directory"
    state_file.mkdir()
    gate = PinGate(pin_hash, state_file, clock=clock)
    assert gate.status().verdict is PinVerdict.LOCKED
    clock.advance(LOCKOUT.total_seconds())
    assert (await gate.check(PIN)).verdict is PinVerdict.OPEN
    assert "cannot be written" in caplog.text


@pytest.mark.asyncio
async def test_a_clock_that_goes_back_cannot_stretch_a_lockout(gate: PinGate, clock: FakeClock) -> None:
    await wrong_pins(gate, clock, LOCKOUT_AFTER)
    clock.now -= timedelta(days=365)  # NTP corrects a kiosk whose flat RTC battery left it a year ahead
    status = gate.status()
    assert status.verdict is PinVerdict.LOCKED
    assert status.wait_seconds == MAX_WAIT.total_seconds()
    clock.advance(LOCKOUT.total_seconds())
    assert gate.status().verdict is PinVerdict.OPEN


@pytest.mark.asyncio
async def test_a_clock_that_goes_back_cannot_stretch_a_wait(gate: PinGate, clock: FakeClock) -> None:
    await wrong_pins(gate, clock, FREE_TRIES + 2)  # a 15 s wait
    clock.now -= timedelta(hours=7)
    assert gate.status() == PinCheck(PinVerdict.WAIT, 15, tries_before_lockout=5)
    clock.advance(15)
    assert gate.status().verdict is PinVerdict.OPEN


@pytest.mark.asyncio
async def test_a_state_written_by_a_clock_far_ahead_is_capped_after_a_restart(
    pin_hash: str, state_file: Path, clock: FakeClock
) -> None:
    ahead = FakeClock(START + timedelta(days=400))
    await wrong_pins(PinGate(pin_hash, state_file, clock=ahead), ahead, LOCKOUT_AFTER)
    gate = PinGate(pin_hash, state_file, clock=clock)
    assert gate.status().wait_seconds == MAX_WAIT.total_seconds()
    clock.advance(LOCKOUT.total_seconds())
    assert gate.status().verdict is PinVerdict.OPEN


@pytest.mark.asyncio
async def test_checks_tapped_at_once_are_judged_one_after_the_other(
    gate: PinGate, clock: FakeClock, spy: VerifySpy
) -> None:
    await wrong_pins(gate, clock, FREE_TRIES)
    checks = await asyncio.gather(*(gate.check(WRONG) for _ in range(4)))
    assert [c.verdict for c in checks] == [PinVerdict.WRONG] + [PinVerdict.WAIT] * 3
    assert spy.calls == FREE_TRIES + 1


@pytest.mark.asyncio
async def test_the_pin_is_never_logged_stored_or_shown(
    pin_hash: str, state_file: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    gate = PinGate(pin_hash, state_file, clock=clock)
    checks = [await gate.check(PIN), *await wrong_pins(gate, clock, LOCKOUT_AFTER), await gate.check(PIN)]
    clock.advance(LOCKOUT.total_seconds())
    checks.append(await gate.check(PIN))
    assert "staff PIN refused (1 in a row)" in caplog.text
    assert "staff PIN refused (10 in a row): locked for 15 minutes" in caplog.text
    texts = [caplog.text, repr(gate), str(gate), *map(repr, checks), json.dumps(read_state(state_file))]
    for text in texts:
        assert PIN not in text
        assert WRONG not in text
        assert pin_hash.split("$")[-1] not in text


@pytest.mark.asyncio
async def test_without_a_pin_hash_staff_mode_is_unavailable(
    state_file: Path, clock: FakeClock, spy: VerifySpy
) -> None:
    gate = PinGate(None, state_file, clock=clock)
    assert gate.status() == PinCheck(PinVerdict.NOT_SET)
    assert await gate.check(PIN) == PinCheck(PinVerdict.NOT_SET)
    assert spy.calls == 0
    assert file_names(state_file.parent) == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_verdict_has_words_for_the_keypad(language: str) -> None:
    tr = Translator.load(language=language)  # type: ignore[arg-type]
    until = datetime(2026, 11, 23, 3, 15, tzinfo=UTC)  # 10:15 in Vietnam
    messages = {
        "open": pin_check_message(tr, PinCheck(PinVerdict.OPEN, tries_before_lockout=10)),
        "wrong": pin_check_message(tr, PinCheck(PinVerdict.WRONG, tries_before_lockout=1)),
        "wrong_wait": pin_check_message(tr, PinCheck(PinVerdict.WRONG, 15, tries_before_lockout=5)),
        "wrong_wait_long": pin_check_message(tr, PinCheck(PinVerdict.WRONG, 300, tries_before_lockout=1)),
        "wait": pin_check_message(tr, PinCheck(PinVerdict.WAIT, 1, tries_before_lockout=5)),
        "wait_long": pin_check_message(tr, PinCheck(PinVerdict.WAIT, 61, tries_before_lockout=1)),
        "locked": pin_check_message(tr, PinCheck(PinVerdict.LOCKED, 900, locked_until=until)),
        "not_set": pin_check_message(tr, PinCheck(PinVerdict.NOT_SET)),
    }
    assert not [m for m in messages.values() if m.startswith("staff_pin.")]
    assert len(set(messages.values())) == len(messages)
    assert "10:15" in messages["locked"]
    expected = {
        "vi": {
            "wrong": "Còn 1 lần",
            "wrong_wait": "15 giây",
            "wrong_wait_long": "5 phút",
            "wait_long": "2 phút",
        },
        "en": {
            "wrong": "1 try left",
            "wrong_wait": "15 seconds",
            "wrong_wait_long": "5 minutes",
            "wait": "1 second,",
        },
    }[language]
    for key, words in expected.items():
        assert words in messages[key]
