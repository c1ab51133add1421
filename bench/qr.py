"""What showing a payment QR costs the GUI thread, against a baseline measured in the same run.

The baseline is what any image of the code's size costs however the code is made: a blank image of the
screen's largest side (600 px), filled white and painted once; every row is given as a multiple of it.
Measured (GUI-thread CPU, ``time.thread_time()``, median) for payloads of the central's shape, each a new one
(a payment's code is new each time):

- the matrix (``qr_matrix``), the image (``QrCodeView._draw``), and the two as the screen does them
  (``set_payload``) at the screen's largest and smallest sides;
- ``set_payload`` again with the same payload (Back to the screen, a change of language or text size).

The same script measures an older checkout: ``PYTHONPATH=/path/to/checkout python3 bench/qr.py``.

    QT_QPA_PLATFORM=offscreen python3 bench/qr.py [--repeat 40]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from kiosk.customer.vietqr import VietQR, encode
from kiosk.views.parts.qr_code import QrCodeView, qr_matrix
from kiosk.views.payment.pay_by_qr import QR_MIN_SIDE_PX, QR_SIDE_PX

_REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def payloads(seed: int) -> Iterator[str]:
    """Payment payloads shaped like the central's (kiosk_central/payments.py): dynamic, an amount, a reference."""
    rng = random.Random(seed)
    while True:
        yield encode(
            VietQR(
                bank_bin=rng.choice(["970436", "970415", "970418", "970403"]),
                account_number=str(rng.randrange(10**9, 10**13)),
                amount=rng.randrange(50_000, 5_000_000),
                purpose="KIOSK" + "".join(rng.choice(_REFERENCE_LETTERS) for _ in range(10)),
                bill_number=None,
                dynamic=True,
            )
        )


def _median_ms(function: Callable[[str], object], repeat: int, fresh: Iterator[str]) -> float:
    function(next(fresh))  # warm up: imports and first-use caches are not what is measured
    times = []
    for _ in range(repeat):
        payload = next(fresh)
        start = time.thread_time()
        function(payload)
        times.append(time.thread_time() - start)
    return statistics.median(times) * 1000


def blank(side: int) -> QImage:
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    target = QImage(side, side, QImage.Format.Format_RGB32)
    painter = QPainter(target)
    painter.drawImage(0, 0, image)
    painter.end()
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    fresh = payloads(23)
    rows: list[tuple[str, float]] = []
    base = _median_ms(lambda _: blank(QR_SIDE_PX), args.repeat, fresh)
    rows.append((f"baseline: blank {QR_SIDE_PX} px image", base))
    rows.append(("matrix (qr_matrix)", _median_ms(qr_matrix, args.repeat, fresh)))
    for side in (QR_SIDE_PX, QR_MIN_SIDE_PX):
        view = QrCodeView(side)
        draw_times: list[float] = []
        for _ in range(args.repeat):
            view.set_payload(next(fresh))  # the matrix, measured above; here only the image is timed
            start = time.thread_time()
            view._draw()
            draw_times.append(time.thread_time() - start)
        rows.append((f"image at {side} px (_draw)", statistics.median(draw_times) * 1000))
        rows.append(
            (f"set_payload at {side} px, new payload", _median_ms(view.set_payload, args.repeat, fresh))
        )
        again = next(fresh)

        def show_again(_: str, again: str = again, view: QrCodeView = view) -> None:
            view.set_payload(again)

        same = _median_ms(show_again, args.repeat, fresh)
        rows.append((f"set_payload at {side} px, same payload", same))
    print(f"{'GUI-thread CPU, median of ' + str(args.repeat):<40} {'ms':>7} {'x baseline':>11}")
    for name, ms in rows:
        print(f"{name:<40} {ms:>7.2f} {ms / base:>11.2f}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
