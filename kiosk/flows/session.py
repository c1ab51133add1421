"""The current customer's visit: everything the kiosk knows about the person at the screen.

One object per kiosk, reset by :meth:`CustomerSession.wipe` when the customer leaves (Home after a finished
journey, idle timeout). Holding it all in one place is what makes the wipe provable: a test fills every field,
wipes, and checks that nothing of the customer is left here or on any widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from kiosk.language.codes import Language

if TYPE_CHECKING:
    from kiosk.central.models import BillList, Customer


class TextSize(StrEnum):
    """The three text sizes a customer (or staff, for them) can choose; assisted mode starts at LARGE."""

    NORMAL = "normal"
    LARGE = "large"
    LARGEST = "largest"

    def next(self) -> TextSize:
        """The size the text-size button moves to: larger, then back to normal."""
        sizes = list(TextSize)
        return sizes[(sizes.index(self) + 1) % len(sizes)]


class Contrast(StrEnum):
    STANDARD = "standard"  # dark text on white (at least 7:1 everywhere)
    HIGH = "high"  # light text on black, for glare and weak eyesight


NORMAL_SPEECH_RATE = 0.0
SLOWEST_SPEECH_RATE = -0.75  # espeak-ng's Vietnamese voice stops sounding natural below this
SPEECH_RATE_STEP = 0.25


@dataclass
class CustomerSession:
    default_language: Language = "vi"
    default_text_size: TextSize = TextSize.NORMAL
    default_contrast: Contrast = Contrast.STANDARD
    language: Language = "vi"
    text_size: TextSize = TextSize.NORMAL
    contrast: Contrast = Contrast.STANDARD
    # Assisted mode: larger text, spoken guidance, longer idle time. ``assisted_by_staff``: staff started it for
    # the customer beside them, and every transaction of this visit records that.
    assisted: bool = False
    assisted_by_staff: bool = False
    speech_rate: float = NORMAL_SPEECH_RATE
    started_at: datetime | None = None
    customer_code: str | None = None
    customer: Customer | None = None
    bills: BillList | None = None
    # Free-form progress of the current journey (step names, form drafts) that flows keep here so that a wipe
    # reaches it too.
    journey: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.language = self.default_language
        self.text_size = self.default_text_size
        self.contrast = self.default_contrast

    @property
    def active(self) -> bool:
        """A customer is using the kiosk (anything beyond the untouched home screen)."""
        return self.started_at is not None

    def start_assisted(self, *, by_staff: bool) -> None:
        self.assisted = True
        self.assisted_by_staff = self.assisted_by_staff or by_staff
        if self.text_size is TextSize.NORMAL:
            self.text_size = TextSize.LARGE

    def slower(self) -> None:
        """One step slower speech, down to the slowest that stays intelligible."""
        self.speech_rate = max(SLOWEST_SPEECH_RATE, self.speech_rate - SPEECH_RATE_STEP)

    def begin(self, now: datetime) -> None:
        if self.started_at is None:
            self.started_at = now

    def forget_customer(self) -> None:
        """Forget who the customer is and what they did (the account, the bills, the journey's drafts), keeping
        the visit's own settings: back at the home screen, the same customer may start another errand."""
        self.customer_code = None
        self.customer = None
        self.bills = None
        self.journey.clear()

    def wipe(self) -> None:
        """Forget the customer: back to the defaults, as if the kiosk had just started."""
        defaults = CustomerSession(self.default_language, self.default_text_size, self.default_contrast)
        for f in fields(self):
            setattr(self, f.name, getattr(defaults, f.name))
