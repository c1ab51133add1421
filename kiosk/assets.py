"""Where the kiosk's read-only assets live.

`resources/` and `translations/` sit beside the package in the source tree, which is how kiosks are installed
(`pip install -e .` from a checkout, so an update is a `git pull`). `kiosk doctor` checks that they are there.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESOURCES_DIR = PROJECT_DIR / "resources"
FONTS_DIR = RESOURCES_DIR / "fonts"
TRANSLATIONS_DIR = PROJECT_DIR / "translations"

# The embedded UI and receipt font: Be Vietnam Pro (SIL OFL 1.1, licence beside the files), designed for
# Vietnamese, so every letter and stacked tone mark (ễ, ặ, ự) and the đồng sign ₫ are drawn as designed.
FONT_FAMILY = "Be Vietnam Pro"
FONT_FILES = (
    FONTS_DIR / "BeVietnamPro-Regular.ttf",
    FONTS_DIR / "BeVietnamPro-SemiBold.ttf",
    FONTS_DIR / "BeVietnamPro-Bold.ttf",
)
