"""The payment QR as the screen draws it (kiosk/views/parts/qr_code.py): with its fixed mask it still scans, read by
an independent decoder (zxing-cpp), at every side the screen gives it; every module is a block of whole pixels,
exactly as a rectangle per module would draw it; a payload shown again is not encoded again."""

from __future__ import annotations

import random
from io import BytesIO

import pytest
import qrcode  # type: ignore[import-untyped]
import qrcode.constants  # type: ignore[import-untyped]
import zxingcpp
from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from kiosk.customer.vietqr import VietQR, encode
from kiosk.views.parts.qr_code import MASK_PATTERN, QUIET_MODULES, QrCodeView, qr_matrix
from kiosk.views.payment.pay_by_qr import QR_MIN_SIDE_PX, QR_SIDE_PX

NAPAS_SAMPLE = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
    "530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E"
)


def payment_payloads(count: int) -> list[str]:
    """Payloads of the central's shape (kiosk_central/payments.py): dynamic, an amount, a reference."""
    rng = random.Random(23)
    return [
        encode(
            VietQR(
                bank_bin=rng.choice(["970436", "970415", "970418", "970403"]),
                account_number=str(rng.randrange(10**5, 10**19)),
                amount=rng.randrange(1_000, 99_000_000),
                purpose="KIOSK" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10)),
                bill_number=None,
                dynamic=True,
            )
        )
        for _ in range(count)
    ]


PAYLOADS = [NAPAS_SAMPLE, *payment_payloads(6), "https://kiosk.example.vn/receipts/KIOSKAB12CD34EF"]
# The screen's largest and smallest sides, and sides between that leave a remainder around the code.
SIDES = [QR_SIDE_PX, 517, 420, 333, QR_MIN_SIDE_PX]


def _pil(image: QImage) -> Image.Image:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(BytesIO(bytes(buffer.data())))


def _drawn(payload: str, side: int) -> QImage:
    view = QrCodeView(side)
    view.set_payload(payload, "mã QR")
    return view.grab().toImage()


@pytest.mark.parametrize("side", SIDES)
def test_the_drawn_code_scans_at_every_side_the_screen_gives_it(qapp: QApplication, side: int) -> None:
    for payload in PAYLOADS:
        decoded = [r.text for r in zxingcpp.read_barcodes(_pil(_drawn(payload, side)))]
        assert decoded == [payload], side


def test_the_mask_is_the_fixed_one_and_the_rest_as_before() -> None:
    """Only the mask differs from qrcode's own choice: same version, error correction and data."""
    for payload in PAYLOADS:
        fixed = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN
        )
        fixed.add_data(payload.encode("utf-8"))
        fixed.make(fit=True)
        searched = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        searched.add_data(payload.encode("utf-8"))
        searched.make(fit=True)
        matrix = qr_matrix(payload)
        assert matrix == tuple(tuple(row) for row in fixed.modules)
        assert len(matrix) == len(searched.modules)  # the same version


def test_a_payload_shown_again_is_not_encoded_again_and_nothing_keeps_it_but_the_view(
    qapp: QApplication,
) -> None:
    payload = payment_payloads(7)[-1]
    view = QrCodeView(420)
    view.set_payload(payload)
    matrix = view._matrix
    view.set_payload(payload)  # Back, or a change of language
    assert view._matrix is matrix
    assert qr_matrix(payload) is not qr_matrix(
        payload
    )  # no cache beyond the view: the payload is the customer's
    view.set_payload(None)  # the screen wiped
    assert view._matrix == ()


def _per_module(matrix: tuple[tuple[bool, ...], ...], side: int) -> QImage:
    """The code drawn a rectangle a module, as it was before: the reference for pixel-exactness."""
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    px = side // (len(matrix) + 2 * QUIET_MODULES)
    offset = (side - len(matrix) * px) // 2
    painter = QPainter(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(offset + x * px, offset + y * px, px, px, QColor("#000000"))
    painter.end()
    return image


@pytest.mark.parametrize("side", SIDES)
def test_every_module_is_whole_pixels_as_drawn_a_rectangle_a_module(qapp: QApplication, side: int) -> None:
    payload = PAYLOADS[1]
    view = QrCodeView(side)
    view.set_payload(payload)
    drawn = view._image.convertToFormat(QImage.Format.Format_RGB32)
    assert drawn == _per_module(qr_matrix(payload), side)
    assert view.module_px >= 4  # what a phone reads at arm's length, even at the smallest side


@pytest.mark.parametrize("dots", [3, 5, 7])
def test_the_fixed_mask_code_scans_as_a_receipt_prints_it(dots: int) -> None:
    """Receipts draw their own code (kiosk/printing/render.py, a 1-bit image at 3-7 dots a module): the same
    matrix printed that way scans too, should they share it."""
    for payload in PAYLOADS:
        matrix = qr_matrix(payload)
        modules = len(matrix) + 2 * QUIET_MODULES
        image = Image.new("1", (modules, modules), 1)
        for y, row in enumerate(matrix):
            for x, dark in enumerate(row):
                if dark:
                    image.putpixel((x + QUIET_MODULES, y + QUIET_MODULES), 0)
        image = image.resize((modules * dots, modules * dots), Image.Resampling.NEAREST)
        assert [r.text for r in zxingcpp.read_barcodes(image.convert("L"))] == [payload], dots
