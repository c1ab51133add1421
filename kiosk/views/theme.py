"""The kiosk's look: colours, sizes and the Qt style sheet built from them.

The palette is chosen for contrast first (WCAG AAA, at least 7:1 for every text/background pair a customer reads,
checked by a test) because the kiosk stands in bright offices and is used by customers with weak eyesight. Sizes
are in pixels on purpose: a kiosk screen is a known panel, and touch targets must be at least 64 px whatever the
platform's DPI guess is.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFontDatabase

from kiosk.assets import FONT_FAMILY, FONT_FILES
from kiosk.flows.session import Contrast, TextSize

MIN_TOUCH_PX = 64
BODY_PX = 26
LARGE_BODY_PX = 34
LARGEST_BODY_PX = 42
TEXT_PX = {TextSize.NORMAL: BODY_PX, TextSize.LARGE: LARGE_BODY_PX, TextSize.LARGEST: LARGEST_BODY_PX}


@dataclass(frozen=True)
class Palette:
    background: str = "#FFFFFF"
    text: str = "#111111"
    muted_text: str = "#3B3B3B"
    bar: str = "#0B3D91"  # the frame's title and navigation bars
    bar_text: str = "#FFFFFF"
    primary: str = "#0B3D91"
    primary_text: str = "#FFFFFF"
    secondary: str = "#E8EEF8"
    secondary_text: str = "#0B1F44"
    tile: str = "#F2F5FA"
    tile_border: str = "#0B3D91"
    tile_text: str = "#0B1F44"
    warning: str = "#FFF4CE"
    warning_text: str = "#3D2B00"
    danger: str = "#8A1010"
    danger_text: str = "#FFFFFF"
    focus: str = "#B35900"
    disabled: str = "#EDEDED"
    disabled_text: str = "#404040"
    rule: str = "#5A6B8C"  # lines between table rows and around cards (non-text: 3:1 is the bar)

    def text_pairs(self) -> dict[str, tuple[str, str]]:
        """Every (foreground, background) pair the style sheet puts text in, for the contrast test."""
        return {
            "body": (self.text, self.background),
            "muted": (self.muted_text, self.background),
            "bar": (self.bar_text, self.bar),
            "primary button": (self.primary_text, self.primary),
            "secondary button": (self.secondary_text, self.secondary),
            "tile": (self.tile_text, self.tile),
            "warning": (self.warning_text, self.warning),
            "danger": (self.danger_text, self.danger),
            "disabled button": (self.disabled_text, self.disabled),
            "chosen chip": (self.primary_text, self.primary),
            "chosen row": (self.text, self.tile),
            "pressed row": (self.text, self.secondary),
        }


DEFAULT_PALETTE = Palette()

HIGH_CONTRAST_PALETTE = Palette(
    background="#000000",
    text="#FFFFFF",
    muted_text="#E0E0E0",
    bar="#000000",
    bar_text="#FFFF00",  # yellow on black: the frame stands apart from the content without a colour fill
    primary="#FFFF00",
    primary_text="#000000",
    secondary="#000000",
    secondary_text="#FFFFFF",
    tile="#0A0A0A",
    tile_border="#FFFF00",
    tile_text="#FFFFFF",
    warning="#000000",
    warning_text="#FFE066",
    danger="#5C0000",
    danger_text="#FFFFFF",
    focus="#00E5FF",
    disabled="#1A1A1A",
    disabled_text="#C8C8C8",
    rule="#BFBFBF",
)
"""Light text on black, for glare on a window-lit panel and for weak eyesight (WCAG AAA, 7:1, like the default)."""


@dataclass(frozen=True)
class Look:
    """How the kiosk looks for the customer at the screen: their text size and contrast."""

    text_size: TextSize = TextSize.NORMAL
    contrast: Contrast = Contrast.STANDARD

    @property
    def body_px(self) -> int:
        return TEXT_PX[self.text_size]

    @property
    def palette(self) -> Palette:
        return HIGH_CONTRAST_PALETTE if self.contrast is Contrast.HIGH else DEFAULT_PALETTE


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def load_fonts() -> str:
    """Register the embedded font with Qt (needs a QGuiApplication) and return its family name.

    Raises FileNotFoundError naming the file when a font is missing: `--smoke` and `kiosk doctor` turn that into
    a message, because falling back to a system font can drop Vietnamese tone marks."""
    for path in FONT_FILES:
        if QFontDatabase.addApplicationFont(str(path)) < 0:
            raise FileNotFoundError(f"font file missing or unreadable: {path}")
    return FONT_FAMILY


def stylesheet(look: Look = Look()) -> str:
    """The application style sheet. Widgets pick their look by `role` property, never by colour in code."""
    p = look.palette
    body = look.body_px
    # At the largest size titles grow less than body text: a title that grew as much would not fit a line.
    largest = look.text_size is TextSize.LARGEST
    title = round(body * (1.35 if largest else 1.55))
    heading = round(body * (1.15 if largest else 1.25))
    small = round(body * 0.93)
    big_number = body * (3 if largest else 4)
    # The on-screen keyboard is a grid of keys that must fit a portrait panel's width: it stops growing at
    # the large size (its letters are already 53 px there).
    keys = min(body, LARGE_BODY_PX)
    key_title, key_small = round(keys * 1.55), round(keys * 0.93)
    # On a short panel a key is a finger's height (its letter still larger than body text at the normal size):
    # seven rows of keys must fit beside the question with the answer in view.
    compact_key = BODY_PX + 6
    touch = round(MIN_TOUCH_PX * (1 if look.text_size is TextSize.NORMAL else 1.25))
    # The frame's buttons stop growing at the large size: five of them must share a portrait panel's width.
    bar = min(body, LARGE_BODY_PX)
    # The focus ring comes last and names each role, to outdraw every role's border colour: buttons take the focus
    # from the keyboard only (see `TOUCH_FIRST_FOCUS`), and a keyboard user must see where Tab went on any button.
    return f"""
* {{ font-family: "{FONT_FAMILY}"; font-size: {body}px; color: {p.text}; }}
QMainWindow, QWidget#screen, QStackedWidget {{ background: {p.background}; }}
QLabel {{ background: transparent; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: {p.background}; }}
QScrollBar:vertical {{ width: {touch}px; background: {p.secondary}; }}
QScrollBar::handle:vertical {{ background: {p.secondary_text}; min-height: {touch}px; border-radius: 8px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QLabel[role="title"] {{ font-size: {title}px; font-weight: 700; }}
QLabel[role="heading"] {{ font-size: {heading}px; font-weight: 700; }}
QLabel[role="muted"] {{ color: {p.muted_text}; font-size: {small}px; }}
QLabel[role="big-number"] {{ font-size: {big_number}px; font-weight: 700; }}
QLabel[role="notice"] {{
    background: {p.warning}; color: {p.warning_text}; border: 3px solid {p.warning_text};
    border-radius: 8px; padding: 16px;
}}
QWidget[role="bar"] {{ background: {p.bar}; }}
QWidget[role="curtain"] {{ background: {p.background}; }}
QWidget[role="pager"], QWidget[role="actions"] {{ background: {p.background}; border-top: 3px solid {p.rule}; }}
QWidget[role="bar"] QLabel {{ color: {p.bar_text}; }}
QPushButton {{
    min-height: {touch}px; min-width: {touch}px; padding: 8px 24px; border-radius: 10px;
    background: {p.secondary}; color: {p.secondary_text}; border: 3px solid {p.secondary_text};
    font-weight: 600;
}}
QPushButton:pressed {{ background: {p.secondary_text}; color: {p.secondary}; }}
QPushButton[role="primary"] {{ background: {p.primary}; color: {p.primary_text}; border-color: {p.primary}; }}
QPushButton[role="danger"] {{ background: {p.danger}; color: {p.danger_text}; border-color: {p.danger_text}; }}
QPushButton[role="danger"] QLabel {{ color: {p.danger_text}; }}
QPushButton[role="tile"] QLabel {{ color: {p.tile_text}; }}
QWidget[role="banner"] {{ background: {p.warning}; border-top: 4px solid {p.warning_text}; }}
QWidget[role="banner"] QLabel {{ color: {p.warning_text}; font-weight: 700; }}
QWidget[role="assist-bar"] {{ background: {p.tile}; border-top: 3px solid {p.tile_border}; }}
QWidget[role="bar"] QPushButton {{
    background: {p.secondary}; color: {p.secondary_text}; border-color: {p.bar_text}; font-size: {bar}px;
    padding: 8px 16px;
}}
QWidget[role="assist-bar"] QPushButton {{ font-size: {bar}px; padding: 8px 16px; }}
QWidget[role="bar"][compact="true"] QPushButton, QWidget[role="assist-bar"][compact="true"] QPushButton,
QWidget[compact="true"] QWidget[role="pager"] QPushButton {{
    min-height: {MIN_TOUCH_PX}px; padding: 2px 16px; font-size: {min(bar, BODY_PX + 4)}px;
}}
QWidget[compact="true"] QLabel[role="title"] {{ font-size: {min(heading, title)}px; }}
QWidget[compact="true"] QLabel[role="code"] {{ font-size: {title}px; }}
QWidget[compact="true"] QPushButton[role="key"] {{ min-height: {MIN_TOUCH_PX + 6}px; padding: 0 8px; }}
QWidget[compact="true"] QPushButton[role="kb-key"], QWidget[compact="true"] QPushButton[role="kb-word"],
QWidget[compact="true"] QPushButton[role="kb-tone"] {{
    min-height: {MIN_TOUCH_PX - 6}px; max-height: {MIN_TOUCH_PX - 6}px; padding: 0 4px;
}}
QWidget[compact="true"] QPushButton[role="kb-key"] {{ font-size: {compact_key}px; }}
QWidget[compact="true"] QPushButton[role="kb-word"] {{ font-size: {BODY_PX - 2}px; }}
QWidget[compact="true"] QLabel[role="kb-mark"] {{ font-size: {compact_key}px; }}
QWidget[compact="true"] QLabel[role="kb-name"] {{ font-size: {BODY_PX - 2}px; }}
QWidget[compact="true"] QWidget[role="actions"] QPushButton {{ min-height: {MIN_TOUCH_PX}px; padding: 2px 24px; }}
QLabel#assist-no-speech {{ font-size: {BODY_PX}px; }}
QPushButton[role="tile"] {{
    background: {p.tile}; color: {p.tile_text}; border: 4px solid {p.tile_border}; border-radius: 16px;
    font-size: {heading}px; font-weight: 700; padding: 24px; text-align: left;
}}
QPushButton[role="tile"]:pressed {{ background: {p.tile_border}; color: {p.tile}; }}
QPushButton:disabled {{ background: {p.disabled}; color: {p.disabled_text}; border: 3px dashed {p.disabled_text}; }}
QPushButton[role="key"] {{ font-size: {title}px; font-weight: 700; min-height: {round(touch * 1.4)}px; }}
QPushButton[role="chip"] {{ font-size: {heading}px; font-weight: 700; padding: 8px 12px; }}
QPushButton[role="chip"]:checked {{ background: {p.primary}; color: {p.primary_text}; border: 5px solid {p.focus}; }}
QPushButton[role="kb-key"], QPushButton[role="kb-word"], QPushButton[role="kb-tone"] {{
    padding: 0 4px; min-width: {touch - 14}px; min-height: {touch - 6}px; font-weight: 700;
}}
QPushButton[role="kb-key"] {{ font-size: {key_title}px; }}
QPushButton[role="kb-word"] {{ font-size: {key_small}px; }}
QPushButton[role="kb-word"]:checked {{
    background: {p.primary}; color: {p.primary_text}; border: 5px solid {p.focus}; min-height: {touch - 10}px;
}}
QPushButton[role="kb-tone"] {{ background: {p.tile}; border-color: {p.tile_border}; }}
QPushButton[role="kb-tone"]:pressed {{ background: {p.secondary}; border-color: {p.focus}; }}
QLabel[role="kb-mark"] {{ font-size: {key_title}px; font-weight: 700; }}
QLabel[role="kb-name"] {{ font-size: {key_small}px; font-weight: 700; }}
QPushButton[role="row"] {{
    background: {p.background}; color: {p.text}; border: 3px solid {p.rule}; border-radius: 12px;
    padding: 0; text-align: left;
}}
QPushButton[role="row"]:pressed {{ background: {p.secondary}; }}
QPushButton[role="row"]:checked {{ background: {p.tile}; border: 5px solid {p.primary}; }}
QLabel[role="code"] {{ font-size: {title + 8}px; font-weight: 700; letter-spacing: 2px; }}
QLabel[role="tag"] {{
    background: {p.secondary}; color: {p.secondary_text}; border: 2px solid {p.secondary_text};
    border-radius: 6px; padding: 6px 16px; font-weight: 700;
}}
QLabel[role="tag-danger"] {{
    background: {p.danger}; color: {p.danger_text}; border-radius: 6px; padding: 6px 16px; font-weight: 700;
}}
QLabel[role="tag-warning"] {{
    background: {p.warning}; color: {p.warning_text}; border: 2px solid {p.warning_text};
    border-radius: 6px; padding: 6px 16px; font-weight: 700;
}}
QLabel[role="cell-head"] {{ font-weight: 700; border-bottom: 3px solid {p.rule}; padding: 4px 8px; }}
QLabel[role="cell"] {{ border-bottom: 1px solid {p.rule}; padding: 4px 8px; }}
QLabel[role="cell-strong"] {{ font-weight: 700; padding: 4px 8px; }}
QLabel[role="choice"] {{ font-weight: 700; }}
QLabel[role="total"] {{ font-size: {heading}px; font-weight: 700; padding: 4px 8px; border-top: 3px solid {p.text}; }}
QWidget[role="card"] {{ background: {p.tile}; border-radius: 12px; }}
QProgressBar {{
    min-height: {touch // 2}px; border: 3px solid {p.primary}; border-radius: 8px; background: {p.background};
    color: transparent;
}}
QProgressBar::chunk {{ background: {p.primary}; }}
QPushButton:focus, QWidget[role="bar"] QPushButton:focus, QWidget[role="assist-bar"] QPushButton:focus,
QPushButton[role="primary"]:focus, QPushButton[role="danger"]:focus, QPushButton[role="tile"]:focus,
QPushButton[role="row"]:focus, QPushButton[role="chip"]:focus, QPushButton[role="key"]:focus {{
    border: 5px solid {p.focus};
}}
"""
