"""``kiosk print-test``: exit status and message for each printer condition."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.cli import main
from tests.printing.conftest import PAPER_OUT, SILENT, FakeNetworkPrinter
from tests.printing.escpos_stream import parse, raster_pages


@pytest.fixture(autouse=True)
def _no_real_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)


def test_ready_printer_prints_and_exits_0(
    net_printer: FakeNetworkPrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["print-test", "--printer", net_printer.uri, "--width", "58", "--kiosk-id", "KIOSK-7"]) == 0
    assert "confirmed" in capsys.readouterr().out
    (page,) = raster_pages(parse(net_printer.received))
    assert page.width == 384
    texts = {r.text for r in zxingcpp.read_barcodes(page.convert("L"))}
    assert "EVN-KIOSK PRINT TEST KIOSK-7" in texts


@pytest.mark.parametrize(("script", "message"), [(PAPER_OUT, "out of paper"), (SILENT, "not answering")])
def test_printer_problems_exit_1_with_a_clear_message(
    net_printer: FakeNetworkPrinter, capsys: pytest.CaptureFixture[str], script: object, message: str
) -> None:
    net_printer.script = script  # type: ignore[assignment]
    assert main(["print-test", "--printer", net_printer.uri, "--timeout", "0.2"]) == 1
    assert message in capsys.readouterr().err


def test_preview_saves_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print-test", "--printer", f"preview://{tmp_path}/out", "--width", "80"]) == 0
    (png,) = (tmp_path / "out").glob("*.png")
    with Image.open(png) as image:
        assert image.width == 576
    assert str(png) in capsys.readouterr().out


def test_bad_uri_or_no_printer_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print-test", "--printer", "lpt://1"]) == 2
    assert "unknown printer URI scheme" in capsys.readouterr().err
    assert main(["print-test"]) == 2
