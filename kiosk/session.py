"""The current customer's visit: everything the kiosk knows about the person at the screen.

One object per kiosk, reset by :meth:`CustomerSession.wipe` when the customer leaves (Home after a finished
journey, idle timeout). Holding it all in one place is what makes the wipe provable: a test fills every field,
wipes, and checks that nothing of the customer is left here or on any widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from kiosk.central.models import BillList, Customer
from kiosk.i18n import Language


@dataclass
class CustomerSession:
    default_language: Language = "vi"
    default_large_text: bool = False
    language: Language = "vi"
    large_text: bool = False
    started_at: datetime | None = None
    customer_code: str | None = None
    customer: Customer | None = None
    bills: BillList | None = None
    # Free-form progress of the current journey (step names, form drafts) that flows keep here so that a wipe
    # reaches it too.
    journey: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.language = self.default_language
        self.large_text = self.default_large_text

    @property
    def active(self) -> bool:
        """A customer is using the kiosk (anything beyond the untouched home screen)."""
        return self.started_at is not None

    def begin(self, now: datetime) -> None:
        if self.started_at is None:
            self.started_at = now

    def wipe(self) -> None:
        """Forget the customer: back to the defaults, as if the kiosk had just started."""
        defaults = CustomerSession(self.default_language, self.default_large_text)
        for f in fields(self):
            setattr(self, f.name, getattr(defaults, f.name))
