"""Which ways to pay the kiosk offers, from the central's list of payment methods.

A NAPAS VietQR is one code that every Vietnamese banking app and the big wallets scan, so asking the customer
"which app?" before it would be a question without a consequence: whatever they tap, the same code appears.
The kiosk therefore offers one VietQR, whatever the central calls it, and names apps only as examples under
the code. A method with its own format (a wallet's QR, which only that wallet's app reads) is a real choice:
it is offered by the name the central gives it, and only when the central says its code is that format.

Qt-free: the payment flow decides from :func:`offered` whether there is a choice to make at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from kiosk.central.models import PayloadKind, PaymentMethodInfo

__all__ = ["KNOWN_PAYLOADS", "VIETQR", "VIETQR_APP_EXAMPLES", "offered"]

VIETQR: Final = "vietqr"
KNOWN_PAYLOADS: Final[frozenset[PayloadKind]] = frozenset({"vietqr", "provider_qr"})
"""Every ``PayloadKind`` (a test checks that none is missing), spelled out rather than read from the models so
that starting the kiosk does not import them."""

VIETQR_APP_EXAMPLES: Final = ("Agribank", "Vietcombank", "VietinBank", "BIDV", "MoMo", "ZaloPay", "ShopeePay")
"""Apps that scan a VietQR, named under the code as examples (brand names: not translated). Agribank first: it is
the bank of the countryside. Wallets are named here, under a VietQR, because their apps read VietQR; never as a
method of their own, whose code would have to be theirs."""


def offered(methods: Iterable[PaymentMethodInfo]) -> tuple[PaymentMethodInfo, ...]:
    """The ways to pay the customer is offered, in the central's order: one VietQR (the first the central lists;
    any more would make the same code) and each method with a provider's own QR. A payload kind this kiosk does
    not know (a newer central's) is left out: it could not show what the customer would scan."""
    chosen: list[PaymentMethodInfo] = []
    for method in methods:
        if method.payload_kind not in KNOWN_PAYLOADS:
            continue
        if method.payload_kind == VIETQR and any(m.payload_kind == VIETQR for m in chosen):
            continue
        chosen.append(method)
    return tuple(chosen)
