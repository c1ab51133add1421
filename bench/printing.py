"""Render time of a payment receipt at 80 mm, against a baseline measured in the same run.

The baseline is the part of rendering no layout can avoid: a blank 1-bit image of the receipt's size,
converted to the printer's raster format the way python-escpos does. The ratio says what the layout and
text drawing cost on top, independent of how fast this machine is.

    python3 bench/printing.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from PIL import Image, ImageOps

from kiosk.printing.render import render
from kiosk.printing.samples import sample_documents

DOT_WIDTH = 576


def _median_ms(function: Callable[[], object], repeat: int) -> float:
    function()  # warm up: font loading and caches are not what is measured
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    receipt = sample_documents()["payment_receipt"]
    height = render(receipt, dot_width=DOT_WIDTH).height_dots

    def blank() -> bytes:
        image = Image.new("1", (DOT_WIDTH, height), 1)
        return ImageOps.invert(image.convert("L")).convert("1").tobytes()

    def receipt_job() -> bytes:
        job = render(receipt, dot_width=DOT_WIDTH)
        return ImageOps.invert(job.preview.convert("L")).convert("1").tobytes()

    baseline = _median_ms(blank, args.repeat)
    measured = _median_ms(receipt_job, args.repeat)
    sys.stdout.write(
        f"payment receipt, 80 mm ({DOT_WIDTH}x{height} dots), median of {args.repeat}:\n"
        f"  blank image baseline: {baseline:8.2f} ms\n"
        f"  rendered receipt:     {measured:8.2f} ms\n"
        f"  ratio:                {measured / baseline:8.1f}x\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
