"""The one table from screen state to screen and binding (kiosk.shell.routes) is complete, and stays so:

- every kind of screen state has a screen and a binding;
- every intent (signal) each screen can emit is bound to something: a forgotten connection is a screen whose
  buttons do nothing;
- a screen state added to the union without a route (or without spoken guidance) fails mypy, shown here by
  checking the real modules with a shadow of the states module that adds one.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import get_args
from unittest.mock import MagicMock

import pytest
from PySide6.QtCore import QMetaMethod
from PySide6.QtWidgets import QApplication

from kiosk.flows.states import ScreenState
from kiosk.language.catalogs import Translator
from kiosk.shell.routes import route, screen_for
from kiosk.views.parts.screen import Screen

ROOT = Path(__file__).parent.parent.parent
STATES = get_args(ScreenState)


def instance_of(kind: type) -> ScreenState:
    """A state of ``kind`` for matching only (the table matches on the class, not the fields)."""
    state: ScreenState = object.__new__(kind)
    return state


def own_signals(screen: Screen) -> list[QMetaMethod]:
    """The signals a screen's class declares (not QWidget's own)."""
    meta = screen.metaObject()
    base = Screen.staticMetaObject.methodCount()
    return [
        meta.method(i) for i in range(base, meta.methodCount())
        if meta.method(i).methodType() == QMetaMethod.MethodType.Signal
    ]  # fmt: skip


def test_every_screen_state_has_a_screen() -> None:
    assert len(STATES) >= 40
    for kind in STATES:
        screen = screen_for(instance_of(kind))
        assert issubclass(screen, Screen), kind


@pytest.mark.parametrize("kind", STATES, ids=lambda kind: kind.__name__)
def test_every_intent_of_every_screen_is_bound(qapp: QApplication, kind: type) -> None:
    target = route(instance_of(kind))
    screen = target.screen(Translator.load())
    signals = own_signals(screen)
    target.bind(screen, MagicMock(name="wiring"))
    unbound = [bytes(s.methodSignature()).decode() for s in signals if not screen.isSignalConnected(s)]
    assert unbound == [], f"{target.screen.__name__}: signals bound to nothing"
    screen.deleteLater()


def test_a_state_without_a_route_is_refused_at_run_time() -> None:
    @dataclass(frozen=True)
    class Unrouted:
        pass

    with pytest.raises(AssertionError):
        route(Unrouted())  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_state_added_without_a_route_or_guidance_fails_mypy(tmp_path: Path) -> None:
    states = ROOT / "kiosk" / "flows" / "states" / "__init__.py"
    text = states.read_text(encoding="utf-8")
    shadow = tmp_path / "states.py"
    new_state = "@dataclass(frozen=True)\nclass NewScreen:\n    pass\n\n\n"
    with_new_state = text.replace("ScreenState = (\n", new_state + "ScreenState = (\n    NewScreen\n    | ")
    dataclasses = "from __future__ import annotations\n\nfrom dataclasses import dataclass\n"
    shadow.write_text(
        with_new_state.replace("from __future__ import annotations\n", dataclasses), encoding="utf-8"
    )
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--shadow-file", str(states), str(shadow),
            "kiosk/shell/routes.py", "kiosk/guidance/__init__.py",
        ],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "kiosk/shell/routes.py" in result.stdout, result.stdout
    assert '"assert_never"' in result.stdout, result.stdout
    assert "kiosk/guidance/__init__.py" in result.stdout, result.stdout
    # ...and without the new state, both are clean (the failure above is the new state's, nothing else).
    clean = subprocess.run(
        [sys.executable, "-m", "mypy", "kiosk/shell/routes.py", "kiosk/guidance/__init__.py"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert clean.returncode == 0, clean.stdout
