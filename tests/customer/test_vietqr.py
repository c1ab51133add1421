"""The VietQR codec: the NAPAS sample, round trips, corruption, and agreement with an independent decoder.

Hand-made payloads are sealed with the CRC of `vietnam-qr-pay`, not ours, so a bug in our CRC cannot hide
behind fixtures built with it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import string
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from vietnam_qr_pay import QRPay, VietQRService
from vietnam_qr_pay.crc16 import crc16ccitt

from kiosk.customer.vietqr import VietQR, VietQRError, VietQRErrorReason, crc16_ccitt_false, decode, encode

NAPAS_SAMPLE = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
    "530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E"
)
NAPAS_VALUE = VietQR(
    bank_bin="970403",
    account_number="0011012345678",
    amount=180000,
    purpose="thanh toan don hang",
    bill_number="NPS6869",
    dynamic=True,
)

# The NAPAS sample as nested fields; `_payload` turns it (or a variant) back into a sealed string.
Fields = dict[str, Any]
NAPAS_FIELDS: Fields = {
    "00": "01",
    "01": "12",
    "38": {"00": "A000000727", "01": {"00": "970403", "01": "0011012345678"}, "02": "QRIBFTTA"},
    "53": "704",
    "54": "180000",
    "58": "VN",
    "62": {"01": "NPS6869", "08": "thanh toan don hang"},
}


def _tlvs(fields: Fields) -> str:
    out = ""
    for tag, value in fields.items():
        text = value if isinstance(value, str) else _tlvs(value)
        out += f"{tag}{len(text):02d}{text}"
    return out


def _seal(body: str) -> str:
    body += "6304"
    return body + f"{crc16ccitt(body):04X}"


def _payload(fields: Fields = NAPAS_FIELDS, /, **changes: str | None) -> str:
    """The sealed payload of `fields`, with changes keyed by path: `t38_01_00="9704031"`; None removes."""
    copy: Fields = _deep_copy(fields)
    for path, value in changes.items():
        *parents, last = path.removeprefix("t").split("_")
        node = copy
        for tag in parents:
            node = node[tag]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return _seal(_tlvs(copy))


def _deep_copy(fields: Fields) -> Fields:
    return {tag: value if isinstance(value, str) else _deep_copy(value) for tag, value in fields.items()}


def _reason(payload: str) -> VietQRErrorReason:
    with pytest.raises(VietQRError) as caught:
        decode(payload)
    assert str(caught.value), "every rejection carries a message for the log"
    assert caught.value.reason in get_args(VietQRErrorReason)
    return caught.value.reason


# ---------------------------------------------------------------- the known-good sample and the CRC


def test_crc_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1


def test_crc_of_empty_input_is_the_initial_value() -> None:
    assert crc16_ccitt_false(b"") == 0xFFFF


def test_test_helpers_rebuild_the_napas_sample() -> None:
    assert _payload() == NAPAS_SAMPLE


def test_napas_sample_decodes() -> None:
    assert decode(NAPAS_SAMPLE) == NAPAS_VALUE


def test_napas_sample_reencodes_byte_for_byte() -> None:
    assert encode(decode(NAPAS_SAMPLE)) == NAPAS_SAMPLE


def test_static_qr_without_amount_or_reference() -> None:
    qr = VietQR(
        bank_bin="970436", account_number="1234", amount=None, purpose=None, bill_number=None, dynamic=False
    )
    payload = encode(qr)
    # No tag 54 and no tag 62 at all: exactly the mandatory fields.
    assert payload == _seal(
        "000201010211" + "38480010A00000072701180006970436010412340208QRIBFTTA53037045802VN"
    )
    assert decode(payload) == qr


def test_unknown_top_level_tags_and_62_subtags_are_ignored() -> None:
    # Merchant name (59), city (60), a UTF-8 alternate-language template (64), terminal label (62/07).
    fields = {**_deep_copy(NAPAS_FIELDS), "59": "EVN", "60": "HA NOI", "64": {"00": "vi", "01": "Điện lực"}}
    fields["62"]["07"] = "KIOSK01"
    assert decode(_seal(_tlvs(fields))) == NAPAS_VALUE


# ---------------------------------------------------------------- specific rejections


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        pytest.param(NAPAS_SAMPLE[:-4] + "2E2F", "bad_crc", id="wrong-crc"),
        pytest.param(NAPAS_SAMPLE[:-4] + "2e2e", "bad_crc", id="lowercase-crc"),
        pytest.param(NAPAS_SAMPLE[:-8] + "6305" + NAPAS_SAMPLE[-4:] + "0", "bad_crc", id="crc-length-5"),
        pytest.param(NAPAS_SAMPLE[:-8] + "5802VN" + NAPAS_SAMPLE[-8:], "duplicate_tag", id="duplicate-58"),
        pytest.param(NAPAS_SAMPLE + "0000", "malformed_tlv", id="field-after-crc"),
        pytest.param(NAPAS_SAMPLE + "\n", "malformed_tlv", id="trailing-newline"),
        pytest.param(NAPAS_SAMPLE.lower(), "bad_crc", id="lowercased-payload"),
        pytest.param("", "malformed_tlv", id="empty"),
        pytest.param("hello, world", "malformed_tlv", id="garbage"),
        pytest.param("https://vietqr.net/970403/0011012345678", "malformed_tlv", id="url"),
        pytest.param(" " + NAPAS_SAMPLE, "malformed_tlv", id="leading-space"),
        pytest.param("0002016304FFFF", "bad_crc", id="short-wrong-crc"),
        pytest.param(_seal("000201"), "missing_field", id="only-00-and-crc"),
        pytest.param(_seal(_tlvs(NAPAS_FIELDS))[:-8] + "6304", "malformed_tlv", id="crc-value-missing"),
        # The nested lengths lie; the CRC is right, so only the strict nested parse can notice.
        pytest.param(
            _seal(NAPAS_SAMPLE[:-8].replace("01270006", "01260006")), "malformed_tlv", id="38/01-len"
        ),
        pytest.param(
            _seal(NAPAS_SAMPLE[:-8].replace("0006970403", "0007970403")), "malformed_tlv", id="38/01/00-len"
        ),
        pytest.param(_seal(NAPAS_SAMPLE[:-8].replace("0107NPS", "0106NPS")), "malformed_tlv", id="62/01-len"),
        pytest.param(
            _seal(NAPAS_SAMPLE[:-8].replace("0208QRIB", "0209QRIB")), "malformed_tlv", id="38/02-len"
        ),
        pytest.param(_payload(t62="0800"), "malformed_tlv", id="62-zero-length-subfield"),
    ],
)
def test_structural_rejections(payload: str, reason: VietQRErrorReason) -> None:
    assert _reason(payload) == reason


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param({"t38": None}, "missing_field", id="no-38"),
        pytest.param({"t01": None}, "missing_field", id="no-01"),
        pytest.param({"t53": None}, "missing_field", id="no-53"),
        pytest.param({"t58": None}, "missing_field", id="no-58"),
        pytest.param({"t38_02": None}, "missing_field", id="no-service"),
        pytest.param({"t38_01_01": None}, "missing_field", id="no-account"),
        pytest.param({"t00": "02"}, "unsupported_format", id="format-02"),
        pytest.param({"t01": "13"}, "unsupported_format", id="method-13"),
        pytest.param({"t38_03": "X"}, "unsupported_format", id="unknown-38-subtag"),
        pytest.param({"t38_00": "A000000775"}, "wrong_guid", id="vnpay-guid"),
        pytest.param({"t38_02": "QRPUSH"}, "bad_service", id="service"),
        pytest.param({"t38_01_00": "9704031"}, "bad_bank_bin", id="bin-7-digits"),
        pytest.param({"t38_01_00": "97040"}, "bad_bank_bin", id="bin-5-digits"),
        pytest.param({"t38_01_00": "97040A"}, "bad_bank_bin", id="bin-letter"),
        pytest.param({"t38_01_01": "0011-0123"}, "bad_account", id="account-dash"),
        pytest.param({"t38_01_01": "1" * 20}, "bad_account", id="account-20"),
        pytest.param({"t53": "840"}, "bad_currency", id="currency-840"),
        pytest.param({"t58": "US"}, "bad_country", id="country-US"),
        pytest.param({"t54": "0"}, "bad_amount", id="amount-0"),
        pytest.param({"t54": "12.5"}, "bad_amount", id="amount-decimal"),
        pytest.param({"t54": "180000.00"}, "bad_amount", id="amount-trailing-decimals"),
        pytest.param({"t54": "-5"}, "bad_amount", id="amount-negative"),
        pytest.param({"t54": "+5"}, "bad_amount", id="amount-plus"),
        pytest.param({"t54": "0180000"}, "bad_amount", id="amount-leading-zero"),
        pytest.param({"t54": "1_000"}, "bad_amount", id="amount-underscore"),
        pytest.param({"t54": "١٢٣"}, "bad_amount", id="amount-arabic-digits"),
        pytest.param({"t54": "1" * 14}, "bad_amount", id="amount-14-digits"),
        pytest.param({"t54": None}, "bad_amount", id="dynamic-without-amount"),
        pytest.param({"t62_08": "thanh toán hóa đơn"}, "bad_purpose", id="purpose-diacritics"),
        pytest.param({"t62_08": "x" * 26}, "bad_purpose", id="purpose-26"),
        pytest.param({"t62_08": " thanh toan"}, "bad_purpose", id="purpose-leading-space"),
        pytest.param({"t62_08": "line\nbreak"}, "bad_purpose", id="purpose-control"),
        pytest.param({"t62_01": "NPS 6869 "}, "bad_bill_number", id="bill-trailing-space"),
    ],
)
def test_field_rejections(changes: dict[str, str | None], reason: VietQRErrorReason) -> None:
    assert _reason(_payload(**changes)) == reason


def test_first_field_must_be_00() -> None:
    fields = {"01": "12", **{k: v for k, v in NAPAS_FIELDS.items() if k != "01"}}
    assert _reason(_seal(_tlvs(fields))) == "unsupported_format"


def test_duplicate_subtag_rejected() -> None:
    body = _tlvs(NAPAS_FIELDS).replace("62340107NPS6869", "62450107NPS68690107NPS6870")
    assert _reason(_seal(body)) == "duplicate_tag"


_VALID = {
    "bank_bin": "970403",
    "account_number": "0011012345678",
    "amount": 180000,
    "purpose": "tien dien",
    "bill_number": None,
    "dynamic": True,
}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param({"bank_bin": "9704031"}, "bad_bank_bin", id="bin-7-digits"),
        pytest.param({"bank_bin": 970403}, "bad_bank_bin", id="bin-int"),
        pytest.param({"account_number": ""}, "bad_account", id="account-empty"),
        pytest.param({"account_number": "Số 1"}, "bad_account", id="account-unicode"),
        pytest.param({"amount": 0}, "bad_amount", id="amount-0"),
        pytest.param({"amount": -5}, "bad_amount", id="amount-negative"),
        pytest.param({"amount": 12.5}, "bad_amount", id="amount-float"),
        pytest.param({"amount": True}, "bad_amount", id="amount-bool"),
        pytest.param({"amount": 10**13}, "bad_amount", id="amount-14-digits"),
        pytest.param({"amount": None}, "bad_amount", id="dynamic-without-amount"),
        pytest.param({"purpose": "tiền điện"}, "bad_purpose", id="purpose-diacritics"),
        pytest.param({"purpose": ""}, "bad_purpose", id="purpose-empty"),
        pytest.param({"purpose": "x" * 26}, "bad_purpose", id="purpose-26"),
        pytest.param({"bill_number": "HD\t1"}, "bad_bill_number", id="bill-tab"),
        pytest.param({"service": "QRPUSH"}, "bad_service", id="service"),
        pytest.param({"currency": "840"}, "bad_currency", id="currency-840"),
        pytest.param({"country": "US"}, "bad_country", id="country-US"),
    ],
)
def test_invalid_values_cannot_be_built(changes: dict[str, object], reason: VietQRErrorReason) -> None:
    with pytest.raises(VietQRError) as caught:
        VietQR(**{**_VALID, **changes})  # type: ignore[arg-type]
    assert caught.value.reason == reason


def test_encode_rechecks_a_value_altered_after_construction() -> None:
    qr = dataclasses.replace(NAPAS_VALUE)
    object.__setattr__(qr, "amount", 0)  # what `frozen` cannot stop
    with pytest.raises(VietQRError) as caught:
        encode(qr)
    assert caught.value.reason == "bad_amount"


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="CRC"):
        decode(NAPAS_SAMPLE[:-4] + "0000")


# ---------------------------------------------------------------- properties

_DIGITS = string.digits
_ASCII_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
_REFERENCE = st.text(_ASCII_PRINTABLE, min_size=1, max_size=25).filter(lambda s: s == s.strip(" "))


@st.composite
def vietqrs(draw: st.DrawFn) -> VietQR:
    amount = draw(st.none() | st.integers(1, 10**13 - 1))
    return VietQR(
        bank_bin=draw(st.text(_DIGITS, min_size=6, max_size=6)),
        account_number=draw(st.text(_DIGITS + string.ascii_letters, min_size=1, max_size=19)),
        amount=amount,
        purpose=draw(st.none() | _REFERENCE),
        bill_number=draw(st.none() | _REFERENCE),
        dynamic=amount is not None and draw(st.booleans()),
        service=draw(st.sampled_from(["QRIBFTTA", "QRIBFTTC"])),
    )


_FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(vietqrs())
def test_round_trip(qr: VietQR) -> None:
    payload = encode(qr)
    assert payload.isascii()
    assert decode(payload) == qr
    assert encode(decode(payload)) == payload


@_FAST
@given(vietqrs(), st.data())
def test_any_single_character_substitution_is_rejected(qr: VietQR, data: st.DataObject) -> None:
    # CRC-16 catches every error burst of up to 16 bits, so an ASCII substitution can never slip through;
    # a non-ASCII one lands in a field whose charset we check.
    payload = encode(qr)
    index = data.draw(st.integers(0, len(payload) - 1), label="index")
    char = data.draw(st.characters().filter(lambda c: c != payload[index]), label="char")
    with pytest.raises(VietQRError):
        decode(payload[:index] + char + payload[index + 1 :])


@_FAST
@given(vietqrs(), st.data())
def test_truncation_is_rejected(qr: VietQR, data: st.DataObject) -> None:
    payload = encode(qr)
    cut = data.draw(st.integers(0, len(payload) - 1), label="cut")
    with pytest.raises(VietQRError):
        decode(payload[:cut])


def test_every_deletion_and_truncation_of_the_sample_is_rejected() -> None:
    for index in range(len(NAPAS_SAMPLE)):
        with pytest.raises(VietQRError):
            decode(NAPAS_SAMPLE[:index] + NAPAS_SAMPLE[index + 1 :])
        with pytest.raises(VietQRError):
            decode(NAPAS_SAMPLE[:index])


# Random text rarely gets past the first field, so half the inputs are runs of digit-led chunks that do.
_TLV_ISH = st.lists(
    st.text(_DIGITS, min_size=4, max_size=4) | st.text(_ASCII_PRINTABLE, max_size=12), max_size=16
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text() | _TLV_ISH)
@example("\ud800")
@example("0002016304")
@example("00020163041D0A")
def test_decode_only_ever_raises_vietqr_error(text: str) -> None:
    with contextlib.suppress(VietQRError):
        decode(text)


@_FAST
@given(vietqrs())
def test_independent_decoder_accepts_our_payloads(qr: VietQR) -> None:
    theirs = QRPay(encode(qr))
    assert theirs.is_valid
    assert theirs.provider.guid == "A000000727"
    assert theirs.provider.service == qr.service
    assert theirs.consumer.bank_bin == qr.bank_bin
    assert theirs.consumer.bank_number == qr.account_number
    assert theirs.amount == (None if qr.amount is None else str(qr.amount))
    assert theirs.additional_data.purpose == qr.purpose
    assert theirs.additional_data.bill_number == qr.bill_number
    assert theirs.init_method == ("12" if qr.dynamic else "11")
    assert (theirs.currency, theirs.nation) == ("704", "VN")


@_FAST
@given(vietqrs())
def test_we_decode_the_independent_encoders_payloads(qr: VietQR) -> None:
    theirs = QRPay.init_viet_qr(
        bank_bin=qr.bank_bin,
        bank_number=qr.account_number,
        amount=None if qr.amount is None else str(qr.amount),
        purpose=qr.purpose,
        service=VietQRService(qr.service),
    )
    # It has no bill number, and marks a code dynamic exactly when it has an amount.
    expected = dataclasses.replace(qr, bill_number=None, dynamic=qr.amount is not None)
    assert decode(theirs.build()) == expected
