"""The staff PIN gate: whether a PIN may be tried now, and checking one against ``staff.pin_hash``.

A kiosk stands in a public hall, so anyone can tap the discreet gesture and guess. The hash is slow on purpose
(:func:`kiosk.config.hash_pin`), but a 4-digit PIN has only 10,000 values: what makes guessing hopeless is the
policy below, which the gate enforces before any hashing and keeps in a small file, so that pulling the plug
does not hand a guesser a fresh set of tries.

The PIN itself is never stored, logged, or put in an exception or a repr; log lines say only how many wrong
PINs came in a row. Qt-free: the staff flow calls :meth:`PinGate.check` from the event loop and the hashing
runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Final, assert_never

from kiosk.config import verify_pin
from kiosk.language.catalogs import Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.staff.state_file import write_json_atomically

__all__ = [
    "FREE_TRIES",
    "LOCKOUT",
    "LOCKOUT_AFTER",
    "MAX_WAIT",
    "STATE_FILE_NAME",
    "WAITS",
    "PinCheck",
    "PinGate",
    "PinVerdict",
    "pin_check_message",
]

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------- policy
FREE_TRIES: Final = 3
"""Wrong PINs in a row that cost nothing: staff mistype on a touch screen, often with a queue watching."""
WAITS: Final[tuple[timedelta, ...]] = tuple(timedelta(seconds=s) for s in (5, 15, 30, 60, 120, 300))
"""The wait before the next try is taken after the 4th, 5th, ... 9th wrong PIN in a row. Short at first (a
flustered staff member loses seconds), then long enough that trying many PINs takes longer than asking for
the right one; each stays under :data:`LOCKOUT`."""
LOCKOUT_AFTER: Final = 10
"""After this many wrong PINs in a row the gate locks. The count is not reset when the lockout ends: each
further wrong PIN locks it again, so past this point a guesser gets one try per lockout, not ten."""
LOCKOUT: Final = timedelta(minutes=15)
"""With one try per lockout once locked, about 96 guesses a day: trying every 4-digit PIN takes months of
standing at the kiosk. Short enough that staff who mistyped on a busy morning are not locked out for the day
(only the right PIN resets the count)."""
MAX_WAIT: Final = LOCKOUT
"""No refusal lasts longer than this from the moment it is given, whatever the clock did (see
:meth:`PinGate.status`)."""

STATE_FILE_NAME: Final = "staff-pin-state.json"
_STATE_VERSION: Final = 1


def _wait_after(failures: int) -> timedelta:
    """How long after the last wrong PIN the next try is refused, with ``failures`` wrong in a row."""
    if failures >= LOCKOUT_AFTER:
        return LOCKOUT
    if failures <= FREE_TRIES:
        return timedelta(0)
    return WAITS[failures - FREE_TRIES - 1]


def _utc_now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------------- verdicts
class PinVerdict(StrEnum):
    OPEN = "open"  # status(): a PIN may be tried now; check(): it was the right one
    WRONG = "wrong"  # check(): it was hashed and is not the right one (counted)
    WAIT = "wait"  # refused without hashing: too soon after the last wrong PIN (not counted)
    LOCKED = "locked"  # refused without hashing, even the right PIN: too many wrong in a row (not counted)
    NOT_SET = "not_set"  # no staff.pin_hash in the config: staff mode is unavailable on this kiosk


@dataclass(frozen=True)
class PinCheck:
    """What the gate says. ``wait_seconds``: how long until a PIN is taken again (WRONG, WAIT, LOCKED),
    rounded up. ``tries_before_lockout``: wrong PINs, the next one included, until the gate locks (None when
    that does not apply). ``locked_until``: aware UTC, for LOCKED."""

    verdict: PinVerdict
    wait_seconds: int = 0
    tries_before_lockout: int | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class _State:
    failures: int  # wrong PINs in a row
    last_failure_at: datetime | None  # aware UTC


_CLEAR = _State(0, None)


def _seconds(delta: timedelta) -> int:
    return max(0, math.ceil(delta.total_seconds()))


def _tries_left(failures: int) -> int:
    return max(LOCKOUT_AFTER - failures, 1)


class PinGate:
    """The staff PIN policy for one kiosk; one instance, made at start. Not thread-safe: call it from the
    event loop."""

    def __init__(
        self,
        pin_hash: str | None,
        state_file: Path,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        """``pin_hash`` as loaded settings hold it (validated there), None when no PIN is configured.
        ``state_file`` keeps the count of wrong PINs; ``clock`` gives aware datetimes."""
        self._pin_hash = pin_hash
        self._path = state_file
        self._clock = clock
        self._checking = asyncio.Lock()
        self._state = self._load()

    @classmethod
    def in_data_dir(
        cls, pin_hash: str | None, data_dir: Path, *, clock: Callable[[], datetime] = _utc_now
    ) -> PinGate:
        return cls(pin_hash, data_dir / STATE_FILE_NAME, clock=clock)

    def __repr__(self) -> str:
        # Not the hash: a hash of a short numeric PIN is cheap to brute-force offline.
        return f"<PinGate {self._path} failures={self._state.failures}>"

    # ------------------------------------------------------------------ asking
    def status(self) -> PinCheck:
        """Whether a PIN may be tried now: OPEN (with the tries left before a lockout), WAIT, LOCKED or
        NOT_SET. Cheap: no hashing, no file access."""
        if self._pin_hash is None:
            return PinCheck(PinVerdict.NOT_SET)
        return self._refusal(self._now()) or PinCheck(
            PinVerdict.OPEN, tries_before_lockout=_tries_left(self._state.failures)
        )

    async def check(self, pin: str) -> PinCheck:
        """Check ``pin``, unless the policy refuses any PIN now (then it is not hashed, and not counted).

        Checks run one at a time: a second tap on "OK" while one is being hashed waits for its verdict and is
        then judged against the count it left."""
        if self._pin_hash is None:
            return PinCheck(PinVerdict.NOT_SET)
        async with self._checking:
            refusal = self._refusal(self._now())
            if refusal is not None:
                log.info("staff PIN not checked: %s", refusal.verdict)
                return refusal
            pin_hash = self._pin_hash
            # A closure, not arguments: at DEBUG qasync's executor logs the arguments of what it runs.
            right = await asyncio.to_thread(lambda: verify_pin(pin, pin_hash))
            now = self._now()
            if right:
                had = self._state.failures
                self._state = _CLEAR
                if had:
                    await asyncio.to_thread(self._save, self._state)
                log.info("staff PIN accepted")
                return PinCheck(PinVerdict.OPEN, tries_before_lockout=LOCKOUT_AFTER)
            failures = self._state.failures + 1
            self._state = _State(failures, now)
            await asyncio.to_thread(self._save, self._state)
            wait = _wait_after(failures)
            if failures >= LOCKOUT_AFTER:
                log.warning(
                    "staff PIN refused (%d in a row): locked for %d minutes",
                    failures,
                    LOCKOUT // timedelta(minutes=1),
                )
                return PinCheck(PinVerdict.LOCKED, wait_seconds=_seconds(wait), locked_until=now + wait)
            log.warning("staff PIN refused (%d in a row)", failures)
            return PinCheck(
                PinVerdict.WRONG, wait_seconds=_seconds(wait), tries_before_lockout=_tries_left(failures)
            )

    # ------------------------------------------------------------------ the policy
    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the PIN gate's clock must give aware datetimes")
        return now.astimezone(UTC)

    def _refusal(self, now: datetime) -> PinCheck | None:
        state = self._state
        if state.last_failure_at is None:
            return None
        if now < state.last_failure_at:
            # The clock went back (an NTP correction on a kiosk whose RTC battery is flat can move it by
            # years). Counting from the stored time would refuse PINs until the clock catches up, so the
            # last failure counts as now: a full wait from here, never more than MAX_WAIT. Kept in memory
            # only; the next wrong or right PIN writes it.
            self._state = state = _State(state.failures, now)
            log.warning("staff PIN gate: the clock went back; the current wait restarts from now")
        assert state.last_failure_at is not None
        until = state.last_failure_at + _wait_after(state.failures)
        if now >= until:
            return None
        seconds = _seconds(min(until - now, MAX_WAIT))
        if state.failures >= LOCKOUT_AFTER:
            return PinCheck(PinVerdict.LOCKED, wait_seconds=seconds, locked_until=until)
        return PinCheck(
            PinVerdict.WAIT, wait_seconds=seconds, tries_before_lockout=_tries_left(state.failures)
        )

    # ------------------------------------------------------------------ the file
    def _load(self) -> _State:
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return _CLEAR  # first start, or a new data directory
        except OSError as exc:
            return self._fail_closed(f"cannot be read ({exc.strerror})")
        except ValueError:  # UnicodeDecodeError
            return self._fail_closed("is not UTF-8 text")
        try:
            return _parse(text)
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            # The type only: the message of a ValueError can quote the file.
            return self._fail_closed(f"is not a PIN state ({type(exc).__name__})")

    def _fail_closed(self, problem: str) -> _State:
        """A state that cannot be read might have held a count just short of a lockout (or been damaged on
        purpose): lock for the lockout time from now rather than start from zero."""
        log.error(
            "staff PIN state %s %s: staff mode locked for %d minutes",
            self._path,
            problem,
            LOCKOUT // timedelta(minutes=1),
        )
        state = _State(LOCKOUT_AFTER, self._now())
        # Written at once, so that restarting in a loop does not restart the lockout each time either.
        self._save(state)
        return state

    def _save(self, state: _State) -> None:
        """Replace the state file atomically and durably (a power cut leaves the old one or the new one).
        A failure is logged, not raised: the count still holds in memory, and the staff screen stays up."""
        data = {
            "version": _STATE_VERSION,
            "failures": state.failures,
            "last_failure_at": None if state.last_failure_at is None else state.last_failure_at.isoformat(),
        }
        problem: str | None = None
        try:
            write_json_atomically(self._path, data)
        except OSError as exc:
            problem = exc.strerror or type(exc).__name__
        if problem is not None:
            # An expected failure (disk full, read-only card): no traceback, the reason is the news.
            log.error("staff PIN state %s cannot be written (%s)", self._path, problem)


def _parse(text: str) -> _State:
    raw = json.loads(text)
    if not isinstance(raw, dict) or raw.get("version") != _STATE_VERSION:
        raise ValueError("unknown format")
    failures, last = raw["failures"], raw["last_failure_at"]
    if type(failures) is not int or failures < 0:
        raise ValueError("failures")
    if last is None:
        if failures:
            raise ValueError("failures without a time")
        return _CLEAR
    if not isinstance(last, str):
        raise TypeError("last_failure_at")
    moment = datetime.fromisoformat(last)
    if moment.tzinfo is None:
        raise ValueError("naive last_failure_at")
    return _State(failures, moment.astimezone(UTC))


# ---------------------------------------------------------------------------------------------- text
def pin_check_message(tr: Translator, check: PinCheck) -> str:
    """What the PIN keypad says for ``check``, in ``tr``'s language (OPEN: the prompt)."""
    minutes = math.ceil(check.wait_seconds / 60)
    match check.verdict:
        case PinVerdict.OPEN:
            return tr._("staff_pin.prompt")
        case PinVerdict.WRONG if check.wait_seconds >= 60:
            return tr.ngettext("staff_pin.wrong_wait_minutes", minutes)
        case PinVerdict.WRONG if check.wait_seconds > 0:
            return tr.ngettext("staff_pin.wrong_wait_seconds", check.wait_seconds)
        case PinVerdict.WRONG:
            return tr.ngettext("staff_pin.wrong", check.tries_before_lockout or 1)
        case PinVerdict.WAIT if check.wait_seconds >= 60:
            return tr.ngettext("staff_pin.wait_minutes", minutes)
        case PinVerdict.WAIT:
            return tr.ngettext("staff_pin.wait_seconds", check.wait_seconds)
        case PinVerdict.LOCKED:
            until = check.locked_until or datetime.now(UTC) + timedelta(seconds=check.wait_seconds)
            return tr._("staff_pin.locked", time=tr.time(until.astimezone(VIETNAM)))
        case PinVerdict.NOT_SET:
            return tr._("staff_pin.not_set")
        case _:
            assert_never(check.verdict)
