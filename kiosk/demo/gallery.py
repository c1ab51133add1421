"""`kiosk screenshots --out DIR`: every screen state the kiosk can show, in both languages, at each panel size, as
PNG files: how everyone reviews the product.

It builds the real kiosk (`build_kiosk`, against the demo central server, with the demo's client), shows each
scenario of :mod:`kiosk.demo.scenarios` through its navigator on the running event loop, and saves the window.
A screen state without a scenario, or a scenario that does not arrive, is an error, not a gap.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kiosk.demo.scenarios import gallery_states
from kiosk.language.codes import LANGUAGES
from kiosk.views.panels import LANDSCAPE, PORTRAIT, WINDOWED_LANDSCAPE

if TYPE_CHECKING:
    from kiosk.flows.states import ScreenState
    from kiosk.shell.app import KioskApp


SIZES: dict[str, tuple[int, int]] = {
    "portrait": PORTRAIT,
    "landscape": LANDSCAPE,
    "small": WINDOWED_LANDSCAPE,
}


T = TypeVar("T")


class GalleryError(Exception):
    """A screen the gallery promises could not be shown (a missing scenario, a state that did not arrive)."""


def run_offscreen(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Runs ``work`` on the kiosk's event loop in a Qt application that draws off screen (unless told to use a
    display): how the gallery's commands show every screen without a panel."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Imported here so that `kiosk --help` does not load Qt.
    from PySide6.QtWidgets import QApplication

    from kiosk.shell.event_loop import KioskEventLoop

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setQuitOnLastWindowClosed(False)
    loop = KioskEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return loop.run_until_complete(work())
    finally:
        asyncio.set_event_loop(None)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="directory for the PNG files")
    parser.add_argument("--only", action="append", default=[], metavar="SCREEN", help="only these screens")
    parser.add_argument(
        "--assisted",
        action="store_true",
        help="in assisted mode, at the largest text size and in high contrast (files end in -assisted)",
    )
    parser.add_argument(
        "--contact-sheet",
        action="store_true",
        help="also write one page per size with every screen as a labelled thumbnail (contact-sheet-SIZE.png)",
    )
    parser.set_defaults(handler=screenshots_command)


def screenshots_command(args: argparse.Namespace) -> int:
    try:
        shots = run_offscreen(lambda: render_gallery(args.out, only=args.only, assisted=args.assisted))
    except GalleryError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)  # noqa: T201
        return 2 if args.only else 1
    sheets = write_contact_sheets(shots, args.out, assisted=args.assisted) if args.contact_sheet else {}
    counts = {size: sum(1 for shot in shots if shot.size == size) for size in SIZES}
    sizes = ", ".join(f"{name} {count}" for name, count in counts.items())
    print(f"{sum(counts.values())} screenshots in {args.out} ({sizes})")  # noqa: T201
    for path, tiles in sheets.items():
        print(f"contact sheet {path}: {tiles} screens")  # noqa: T201
    return 0


@dataclass(frozen=True)
class Shot:
    """One saved screenshot: which screen (its scenario's name), in which language, at which size."""

    name: str
    language: str
    size: str
    path: Path


@asynccontextmanager
async def gallery_kiosk(only: Sequence[str] = ()) -> AsyncIterator[tuple[KioskApp, dict[str, ScreenState]]]:
    """The real kiosk (built by `build_kiosk`, against the demo central, with the demo's client) and its gallery
    scenarios by name (only those of ``only``, when given), stopped as `kiosk run` stops it afterwards. Raises
    GalleryError when a screen state has no scenario or ``only`` names an unknown screen."""
    from PySide6.QtWidgets import QApplication

    from kiosk.config import load_settings
    from kiosk.demo.central import DemoCentral
    from kiosk.demo.settings import demo_overrides
    from kiosk.demo.simulator import DemoClient
    from kiosk.shell.build import build_kiosk, central_client
    from kiosk.shell.lifecycle import shut_down

    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    with (
        tempfile.TemporaryDirectory(prefix="kiosk-shots-") as tmp,
        DemoCentral(Path(tmp) / "c.sqlite3") as central,
    ):
        settings = load_settings(None, {}, overrides=demo_overrides(central.url, central.token, Path(tmp)))
        kiosk_app = build_kiosk(settings, qt_app, client=central_client(settings, DemoClient))
        try:
            states = await gallery_states(kiosk_app, Path(tmp))
            check_coverage(states)
            unknown = set(only) - set(states)
            if unknown:
                raise GalleryError(f"no such screen: {', '.join(sorted(unknown))}")
            yield kiosk_app, {name: state for name, state in states.items() if not only or name in only}
        finally:
            await shut_down(kiosk_app)


async def show_scenario(kiosk_app: KioskApp, name: str, state: ScreenState) -> None:
    """Brings the kiosk to one scenario's screen state from home, as a customer's journey would leave it."""
    from kiosk.shell.routes import screen_for

    # The last scenario's QR (if any) is cancelled and the customer's place is back home. The look stays:
    # assisted mode keeps its look throughout.
    kiosk_app.payments.leave()
    kiosk_app.navigator.home()
    # Each scenario is a customer's fresh step: the idle time counts from here. Nobody touches the screen during
    # a long run, and the idle question, due at any moment, would otherwise replace the state to be shown.
    kiosk_app.clocks.customer.restart()
    kiosk_app.navigator.go(state)
    await asyncio.sleep(0)
    if kiosk_app.navigator.current != state or not isinstance(
        kiosk_app.window.current_screen, screen_for(state)
    ):
        raise GalleryError(
            f"screen {name!r} did not arrive (the kiosk shows {kiosk_app.navigator.current!r})"
        )


async def render_gallery(out: Path, *, only: Sequence[str] = (), assisted: bool = False) -> list[Shot]:
    """Drives the real kiosk to every screen state, and saves each in both languages at every size of
    :data:`SIZES` to ``out``; returns the files saved. Raises GalleryError when a screen state has no scenario,
    a scenario does not arrive where it says, or ``only`` names an unknown screen."""
    from kiosk.flows.session import Contrast, TextSize

    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before anything runs on the loop
    async with gallery_kiosk(only) as (kiosk_app, states):
        if assisted:
            kiosk_app.assisted.start(by_staff=False)
            kiosk_app.session.text_size = TextSize.LARGEST
            kiosk_app.session.contrast = Contrast.HIGH
            kiosk_app.assisted.restyle()
        kiosk_app.window.show()
        shots: list[Shot] = []
        for name, state in states.items():
            shots += await _shoot(kiosk_app, name, state, out, assisted=assisted)
    return shots


async def _shoot(
    kiosk_app: KioskApp, name: str, state: ScreenState, out: Path, *, assisted: bool
) -> list[Shot]:
    """One screen state, reached once and saved in each language at each size; the files saved."""
    from kiosk.shell.event_loop import qt_caught_up

    window = kiosk_app.window
    await show_scenario(kiosk_app, name, state)
    saved: list[Shot] = []
    suffix = "-assisted" if assisted else ""
    for language in LANGUAGES:
        if language != kiosk_app.session.language:
            window.language_toggled.emit()
        for size_name, size in SIZES.items():
            window.resize(*size)
            await qt_caught_up(6)
            path = out / f"{name}-{language}-{size_name}{suffix}.png"
            if not window.grab().save(str(path)):
                raise GalleryError(f"could not write {path}")
            saved.append(Shot(name, language, size_name, path))
    return saved


SHEET_COLUMNS = 8
THUMB_WIDTH = {"portrait": 200, "landscape": 320, "small": 320}
_LABEL_PX = 18
_GAP = 16


def write_contact_sheets(shots: Sequence[Shot], out: Path, *, assisted: bool) -> dict[Path, int]:
    """One page per size with every screenshot of that size as a thumbnail labelled with its screen's name and
    language, in the gallery's order (``contact-sheet-SIZE[-assisted].png``): the whole product at a glance, for
    a reviewer. Returns each page written and how many screens it shows. Needs a running QGuiApplication."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from kiosk.assets import FONT_FAMILY

    suffix = "-assisted" if assisted else ""
    written: dict[Path, int] = {}
    for size_name, (width, height) in SIZES.items():
        tiles = [shot for shot in shots if shot.size == size_name]
        if not tiles:
            continue
        thumb_w = THUMB_WIDTH[size_name]
        thumb_h = round(height * thumb_w / width)
        cell_w, cell_h = thumb_w + _GAP, thumb_h + _LABEL_PX * 2 + _GAP
        rows = -(-len(tiles) // SHEET_COLUMNS)
        sheet = QImage(SHEET_COLUMNS * cell_w + _GAP, rows * cell_h + _GAP, QImage.Format.Format_RGB32)
        sheet.fill(QColor("#FFFFFF"))
        painter = QPainter(sheet)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        font = QFont(FONT_FAMILY)
        font.setPixelSize(_LABEL_PX - 3)
        painter.setFont(font)
        painter.setPen(QColor("#111111"))
        for i, shot in enumerate(tiles):
            x = _GAP + (i % SHEET_COLUMNS) * cell_w
            y = _GAP + (i // SHEET_COLUMNS) * cell_h
            image = QImage(str(shot.path))
            if image.isNull():
                raise GalleryError(f"could not read {shot.path}")
            target = QRect(x, y, thumb_w, thumb_h)
            painter.drawImage(target, image)
            painter.drawRect(target.adjusted(0, 0, -1, -1))
            label = QRect(x, y + thumb_h + 2, thumb_w, _LABEL_PX * 2)
            painter.drawText(
                label, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, f"{shot.name} ({shot.language})"
            )
        painter.end()
        path = out / f"contact-sheet-{size_name}{suffix}.png"
        if not sheet.save(str(path)):
            raise GalleryError(f"could not write {path}")
        written[path] = len(tiles)
    return written


def check_coverage(states: Mapping[str, ScreenState]) -> None:
    """Every kind of screen state the kiosk can show has a scenario (and every reason a payment stops or a
    lookup fails, each a screen of its own words)."""
    from typing import get_args

    from kiosk.flows.states import ScreenState
    from kiosk.flows.states.bills import LookupFailed, LookupProblem
    from kiosk.flows.states.payment import PaymentEnd, PaymentStopped

    shown = {type(state) for state in states.values()}
    missing = sorted(kind.__name__ for kind in get_args(ScreenState) if kind not in shown)
    missing += sorted(
        f"PaymentStopped({why.value})"
        for why in PaymentEnd
        if not any(isinstance(s, PaymentStopped) and s.why is why for s in states.values())
    )
    missing += sorted(
        f"LookupFailed({problem.value})"
        for problem in LookupProblem
        if not any(isinstance(s, LookupFailed) and s.problem is problem for s in states.values())
    )
    if missing:
        raise GalleryError(f"screens without a gallery scenario: {', '.join(missing)}")
