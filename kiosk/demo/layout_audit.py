"""`kiosk check-layout`: the layout rule (:mod:`kiosk.views.layout_rule`) measured on every gallery screen state,
at every text size, panel size, language and theme, with the figures a reviewer asks for: cases checked, cases
that needed paging, and every breach."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.demo.gallery import SIZES, GalleryError, gallery_kiosk, run_offscreen, show_scenario
from kiosk.language.codes import LANGUAGES

if TYPE_CHECKING:
    from kiosk.flows.states import ScreenState
    from kiosk.shell.app import KioskApp


@dataclass(frozen=True)
class Case:
    """One screen state in one language, text size, theme and panel size, and what broke the rule there."""

    screen: str
    language: str
    text_size: str
    theme: str
    size: str
    paged: bool
    breaches: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.screen} {self.language} {self.size} {self.text_size} text {self.theme}"


@dataclass
class Audit:
    cases: list[Case] = field(default_factory=list)

    @property
    def failed(self) -> list[Case]:
        return [case for case in self.cases if case.breaches]

    @property
    def paged(self) -> list[Case]:
        return [case for case in self.cases if case.paged]

    def summary(self) -> str:
        return f"{len(self.cases)} cases checked, {len(self.paged)} paged, {len(self.failed)} breaking the layout rule"


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", action="append", default=[], metavar="SCREEN", help="only these screens")
    parser.set_defaults(handler=check_layout_command)


def check_layout_command(args: argparse.Namespace) -> int:
    try:
        audit = run_offscreen(lambda: audit_gallery(only=args.only))
    except GalleryError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    for case in audit.failed:
        for breach in case.breaches:
            print(f"{case}: {breach}")  # noqa: T201
    print(audit.summary())  # noqa: T201
    return 1 if audit.failed else 0


async def audit_gallery(*, only: Sequence[str] = ()) -> Audit:
    """Every gallery scenario (or those of ``only``) through :func:`audit_screen`."""
    audit = Audit()
    async with gallery_kiosk(only) as (kiosk_app, states):
        kiosk_app.window.show()
        for name, state in states.items():
            audit.cases += await audit_screen(kiosk_app, name, state)
    return audit


async def audit_screen(kiosk_app: KioskApp, name: str, state: ScreenState) -> list[Case]:
    """One screen state in each language, theme, text size and panel size. The larger text sizes are measured
    in assisted mode, whose own bar takes room from the screen: the worst case for every text size above
    normal (a customer who only chose larger text has that room too)."""
    from kiosk.flows.session import Contrast, TextSize
    from kiosk.shell.event_loop import qt_caught_up

    window = kiosk_app.window
    cases: list[Case] = []
    await show_scenario(kiosk_app, name, state)
    for language in LANGUAGES:
        if kiosk_app.session.language != language:
            window.language_toggled.emit()
        for contrast in Contrast:
            for text_size in TextSize:
                if text_size is TextSize.NORMAL:
                    kiosk_app.assisted.end()
                elif not kiosk_app.session.assisted:
                    kiosk_app.assisted.start(by_staff=False)
                kiosk_app.session.text_size = text_size
                kiosk_app.session.contrast = contrast
                kiosk_app.assisted.restyle()
                for size_name, size in SIZES.items():
                    window.resize(*size)
                    await qt_caught_up(12)
                    found = window.layout_breaches()
                    if (window.width(), window.height()) != size:
                        found.append(
                            f"the window needs {window.width()}x{window.height()} px on a {size[0]}x{size[1]} panel"
                        )
                    cases.append(
                        Case(
                            name,
                            language,
                            text_size.value,
                            contrast.value,
                            size_name,
                            window.current_page_is_paged(),
                            tuple(found),
                        )
                    )
    kiosk_app.assisted.end()
    return cases
