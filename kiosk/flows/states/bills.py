"""The screens of looking up an account and its bills: typing or scanning the customer code, the account, a bill's
detail, the paid history, consumption, choosing bills to pay, a printed bill notice, and why a lookup failed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from kiosk.customer.code import UnitChoice, is_unit_code
from kiosk.flows.states.frame import (
    Feature,
)

if TYPE_CHECKING:
    from kiosk.central.models import (
        Bill,
        BillList,
        Consumption,
        Customer,
        Tariffs,
    )


# ---------------------------------------------------------------------------------------------- bill lookup
class EntryStep(StrEnum):
    """Where the customer is in typing a code: its unit first (one tap, or typed), then the 7 digits."""

    UNIT = "unit"  # the kiosk's units as one-tap choices, and "another unit"
    UNIT_KEYBOARD = "unit_keyboard"  # another unit's code typed on a letter and digit keyboard
    NUMBER = "number"  # the unit is known: the 7-digit keypad


@dataclass(frozen=True)
class EnterCode:
    """The customer-code keypad. What has been typed lives here, not in the widget, so that Back, a language
    switch or an idle warning return to exactly what the customer typed, and a wipe forgets it. ``purpose`` is
    the journey the code is for (the bills, the outages in the area, a service request).

    A code is a unit code (6 characters) then 7 digits. ``units`` are the units the kiosk serves (from its
    configuration), offered as one tap each; ``typing_unit`` is set when the customer chose "another unit" and
    types its code, so that deleting goes back into that code rather than to the choices."""

    unit: str = ""
    digits: str = ""
    purpose: Feature = Feature.BILLS
    typing_unit: bool = False
    units: tuple[UnitChoice, ...] = ()

    @property
    def step(self) -> EntryStep:
        if is_unit_code(self.unit):
            return EntryStep.NUMBER
        if self.typing_unit or self.unit or not self.units:
            return EntryStep.UNIT_KEYBOARD
        return EntryStep.UNIT

    @property
    def typed(self) -> str:
        """The code as typed so far, unit and digits."""
        return self.unit + self.digits

    @property
    def unit_name(self) -> str | None:
        """The name of the chosen unit, if it is one the kiosk offers."""
        return next((u.name for u in self.units if u.code == self.unit), None)


class LookupProblem(StrEnum):
    """Why the kiosk cannot show what was asked for; each has its own explanation and next step."""

    NOT_FOUND = "not_found"  # the central knows no such customer
    INVALID_CODE = "invalid_code"  # not shaped like a customer code (the central or the kiosk says so)
    NOT_A_BILL = "not_a_bill"  # a scan that holds no customer code
    ID_CARD = "id_card"  # a citizen ID card was scanned instead of a bill
    UNREACHABLE = "unreachable"  # network down, central not answering in time
    BAD_ANSWER = "bad_answer"  # the central answered something the kiosk cannot read
    BUSY = "busy"  # the central asks to wait
    KIOSK_REFUSED = "kiosk_refused"  # the central does not accept this kiosk: staff must fix it
    PRINT_FAILED = "print_failed"  # the bill notice could not be printed


@dataclass(frozen=True)
class LookupFailed:
    problem: LookupProblem
    code: str | None
    can_retry: bool


@dataclass(frozen=True)
class AccountOverview:
    """Who the account is and what it owes (the central's unpaid bills, oldest first)."""

    customer: Customer
    unpaid: BillList


@dataclass(frozen=True)
class BillDetail:
    """One bill. ``payable``: how many bills "Pay this bill" would pay, this one and every older unpaid one
    (older debts are paid first); 0 where it cannot be paid from here (paid, awaiting confirmation)."""

    customer: Customer
    bill: Bill
    tariffs: (
        Tariffs | None
    )  # for the standard tier sizes the explanation quotes; None if the central had none
    payable: int = 0


@dataclass(frozen=True)
class PaidHistory:
    customer: Customer
    bills: tuple[Bill, ...]  # newest first, at most the last 12 months


@dataclass(frozen=True)
class ConsumptionHistory:
    customer: Customer
    monthly: Consumption
    daily: Consumption | None  # remote-read meters only


@dataclass(frozen=True)
class ChooseBills:
    """Which unpaid bills to pay; `selected` is always the oldest N (older debts are paid first)."""

    customer: Customer
    unpaid: BillList
    selected: int


@dataclass(frozen=True)
class BillNoticePrinted:
    """A real printer confirmed the bill notice (a preview printer shows the page instead)."""

    code: str
