"""Which ways to pay the kiosk offers from the central's list: one VietQR, whatever it is called, and a
provider's own code only as what it is."""

from __future__ import annotations

from typing import get_args

from kiosk.central.models import Label, PayloadKind, PaymentMethodInfo
from kiosk.payments.methods import KNOWN_PAYLOADS, VIETQR_APP_EXAMPLES, offered


def method(code: str, kind: str) -> PaymentMethodInfo:
    return PaymentMethodInfo(method=code, label=Label(vi=code, en=code), payload_kind=kind)


VIETQR = method("vietqr", "vietqr")
WALLET = method("wallet", "provider_qr")


def test_the_kiosk_knows_every_payload_kind_of_the_contract() -> None:
    # Spelled out in kiosk.payments.methods so that the start imports no models: a kind added to the models
    # and not there would be left out of every offer.
    assert set(get_args(PayloadKind)) == KNOWN_PAYLOADS


def test_one_vietqr_is_the_only_way_to_pay_and_there_is_nothing_to_choose() -> None:
    assert offered([VIETQR]) == (VIETQR,)


def test_apps_named_over_a_vietqr_are_one_code_offered_once() -> None:
    # An older central listed apps as methods, every one the same VietQR: one code, under the first name.
    apps = [method("vietqr", "vietqr"), method("momo", "vietqr"), method("zalopay", "vietqr")]
    assert offered(apps) == (apps[0],)


def test_a_providers_own_code_is_a_choice_beside_the_vietqr_in_the_centrals_order() -> None:
    assert offered([WALLET, VIETQR]) == (WALLET, VIETQR)
    other = method("other_wallet", "provider_qr")
    assert offered([VIETQR, WALLET, other]) == (VIETQR, WALLET, other)


def test_a_kind_of_code_this_kiosk_cannot_show_is_left_out() -> None:
    assert offered([method("tap", "nfc"), VIETQR]) == (VIETQR,)
    assert offered([method("tap", "nfc")]) == ()
    assert offered([]) == ()


def test_the_example_apps_include_banks_and_wallets_but_no_other_scheme() -> None:
    assert "Agribank" in VIETQR_APP_EXAMPLES
    assert {"MoMo", "ZaloPay"} <= set(VIETQR_APP_EXAMPLES)
    # VNPAY's own QR is another scheme: its name under a VietQR would invite the confusion the issue reported.
    assert not any("vnpay" in app.casefold() for app in VIETQR_APP_EXAMPLES)
