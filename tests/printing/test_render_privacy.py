"""The renderer keeps the lines it drew for the next printout only where they are the printout's own words:
a customer's name, code or amounts must not outlive their session in the kiosk's memory (docs/privacy.md)."""

from __future__ import annotations

from collections.abc import Iterator

from kiosk.printing import render as renderer
from kiosk.printing.document import (
    Banner,
    Barcode,
    Document,
    KeyValue,
    Note,
    QrCode,
    Table,
    Text,
    Title,
    Total,
)
from kiosk.printing.render import forget_drawn_text, render
from kiosk.printing.samples import sample_documents

NAME = "Nguyễn V** Canary"
CODE = "PE0100CANARY7"
AMOUNT = "9.876.543 đ canary"
ROW = "Bậc canary"
QR = "https://evn.example/lookup?code=PE0100CANARY7"


def customer_document() -> Document:
    return Document(
        (
            Title("BIÊN NHẬN THANH TOÁN", "Tổng công ty Điện lực"),
            Banner("CHƯA THANH TOÁN"),
            Text(NAME, bold=True, align="center"),
            KeyValue("Mã khách hàng", CODE),
            Table(("Bậc", "kWh", "Thành tiền"), ((ROW, "50", AMOUNT),)),
            Total("Tổng cộng", AMOUNT),
            QrCode(QR, "Quét để tra cứu"),
            Barcode("CANARY7"),  # the barcode's digits under it are a customer's code too
            Note("Cảm ơn quý khách đã sử dụng điện an toàn, tiết kiệm."),
        )
    )


def kept_texts() -> Iterator[str]:
    for key in renderer._text_memory._items:
        assert isinstance(key, tuple)
        yield from (part for part in key if isinstance(part, str))


def test_a_printout_leaves_only_its_own_words_in_memory() -> None:
    forget_drawn_text()
    for dots in (384, 576):
        render(customer_document(), dot_width=dots)
    kept = " ".join(kept_texts())
    for value in (NAME, CODE, AMOUNT, ROW, "Canary", "CANARY", "canary", "9.876.543"):
        assert value not in kept
    # ... while the printout's own words are kept, which is what makes the next receipt fast.
    for label in ("Mã khách hàng", "Thành tiền", "Tổng cộng", "Quét để tra cứu", "CHƯA THANH TOÁN"):
        assert label in kept


def test_the_sample_documents_still_render_the_same_from_memory() -> None:
    forget_drawn_text()
    for name, document in sample_documents().items():
        first = render(document, dot_width=576)
        again = render(document, dot_width=576)
        assert again.preview.tobytes() == first.preview.tobytes(), name
