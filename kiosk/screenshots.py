"""`kiosk screenshots --out DIR`: every screen, in both languages and both orientations, as PNG files.

It drives the real kiosk (built by `build_kiosk`, against the demo central server) to each screen through the
same intents a customer's taps send, so a screenshot shows what a customer would see.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.i18n import LANGUAGES

if TYPE_CHECKING:
    from kiosk.app import KioskApp


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="directory for the PNG files")
    parser.add_argument("--only", action="append", default=[], metavar="SCREEN", help="only these screens")
    parser.set_defaults(handler=screenshots_command)


def screenshots_command(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Imported here so that `kiosk --help` does not load Qt.
    from PySide6.QtWidgets import QApplication

    from kiosk.app import LANDSCAPE, PORTRAIT, build_kiosk, demo_overrides
    from kiosk.config import load_settings
    from kiosk.demo_central import DemoCentral
    from kiosk.flows.navigation import ComingSoon, Feature, IdleWarning, PrintPreview, StaffCalled

    scenarios: dict[str, Callable[[KioskApp], None]] = {
        "home": lambda k: None,
        "coming-soon": lambda k: k.navigator.go(ComingSoon(Feature.REQUESTS)),
        "staff-called": lambda k: k.navigator.go(StaffCalled()),
        "idle-warning": lambda k: k.navigator.go(IdleWarning(17)),
        "print-preview": lambda k: k.navigator.go(PrintPreview(_sample_printout(k))),
    }
    unknown = set(args.only) - set(scenarios)
    if unknown:
        print(f"kiosk: no such screen: {', '.join(sorted(unknown))}", file=sys.stderr)  # noqa: T201
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    with (
        tempfile.TemporaryDirectory(prefix="kiosk-shots-") as tmp,
        DemoCentral(Path(tmp) / "c.sqlite3") as central,
    ):
        settings = load_settings(None, {}, overrides=demo_overrides(central.url, central.token, Path(tmp)))
        kiosk_app = build_kiosk(settings, qt_app)
        window = kiosk_app.window
        window.show()
        count = 0
        for name, reach in scenarios.items():
            if args.only and name not in args.only:
                continue
            for language in LANGUAGES:
                for orientation, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
                    kiosk_app.idle.end_session()
                    if language != kiosk_app.session.language:
                        window.language_toggled.emit()
                    reach(kiosk_app)
                    window.resize(*size)
                    qt_app.processEvents()
                    path = args.out / f"{name}-{language}-{orientation}.png"
                    if not window.grab().save(str(path)):
                        print(f"kiosk: could not write {path}", file=sys.stderr)  # noqa: T201
                        return 1
                    count += 1
        window.allow_close = True
        window.close()
    print(f"{count} screenshots in {args.out}")  # noqa: T201
    return 0


def _sample_printout(kiosk_app: KioskApp) -> Path:
    """The demo receipt as the preview printer saves it (rendered here directly: no event loop runs)."""
    from kiosk.devices.printer import NOMINAL_DOT_WIDTH
    from kiosk.printing.render import render_image
    from kiosk.printing.samples import sample_documents

    path = kiosk_app.settings.data_dir / "screenshot-receipt.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = sample_documents(kiosk_app.settings.kiosk_id)["payment_receipt"]
    render_image(document, dot_width=NOMINAL_DOT_WIDTH[kiosk_app.settings.printer.width_mm]).save(path)
    return path
