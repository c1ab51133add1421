"""python-escpos's import-time side effects are contained: no stray temp directory, no root log handler."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QRawFont

from kiosk.assets import FONT_FILES
from kiosk.printing.samples import sample_documents

ROOT = Path(__file__).parents[2]


def test_import_uses_our_cache_dir_and_leaves_logging_alone(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env |= {"TMPDIR": str(tmp_path / "tmp"), "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    (tmp_path / "tmp").mkdir()
    code = (
        "import logging; from kiosk.devices.printer import import_escpos; import_escpos(); "
        "print(len(logging.getLogger().handlers))"
    )
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "0"
    assert list((tmp_path / "tmp").iterdir()) == []
    assert len(list((tmp_path / "cache" / "evn-kiosk" / "escpos").glob("*.capabilities.pickle"))) == 1


def test_the_embedded_font_has_every_character_the_printouts_use(qapp: object) -> None:
    used = {
        char
        for document in sample_documents().values()
        for char in document.to_json()
        if not char.isascii() or char.isprintable()
    }
    for path in FONT_FILES:
        font = QRawFont(str(path), 20)
        missing = sorted(c for c in used if not font.supportsCharacter(ord(c)))
        assert missing == [], f"{path.name} lacks {missing}"
