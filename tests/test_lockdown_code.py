"""No code in the kiosk opens a way out to the operating system: no context menus, file, print or message
dialogs, other top-level windows, links opened in a browser, tray icons, or text widgets with their stock
context menu (cut, copy, paste... and, in some styles, more).

The event filter in kiosk/shell/lockdown.py swallows context menus at run time; this scan keeps the things it would
have to swallow out of the code in the first place, and names the file and line of each. It reads the syntax
tree, so comments and docstrings may name what they like.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
KIOSK = ROOT / "kiosk"

FORBIDDEN_NAMES = {
    "QMenu": "a context or pop-up menu",
    "QMenuBar": "a menu bar",
    "QFileDialog": "a file dialog (a file system browser)",
    "QPrintDialog": "a print dialog",
    "QPrintPreviewDialog": "a print preview dialog",
    "QPageSetupDialog": "a page setup dialog",
    "QAbstractPrintDialog": "a print dialog",
    "QMessageBox": "a message box (errors are full screens with a next step)",
    "QInputDialog": "an input dialog",
    "QColorDialog": "a colour dialog",
    "QFontDialog": "a font dialog",
    "QErrorMessage": "an error message dialog",
    "QProgressDialog": "a progress dialog",
    "QWizard": "a wizard dialog",
    "QDialog": "a dialog (screens are pages of the one kiosk window)",
    "QSystemTrayIcon": "a tray icon with its menu",
    "QDesktopServices": "opening URLs or files in other applications",
    "QWebEngineView": "a web browser",
    "QWebEnginePage": "a web browser",
}
TEXT_INPUTS = frozenset(
    {
        "QLineEdit",
        "QTextEdit",
        "QPlainTextEdit",
        "QTextBrowser",
        "QSpinBox",
        "QDoubleSpinBox",
        "QAbstractSpinBox",
        "QDateEdit",
        "QTimeEdit",
        "QDateTimeEdit",
        "QKeySequenceEdit",
    }
)
MENU_POLICIES = ("ActionsContextMenu", "CustomContextMenu", "DefaultContextMenu")
TOP_LEVEL_WINDOW_TYPES = ("Dialog", "Popup", "Tool", "ToolTip", "SplashScreen", "Sheet", "Drawer")
# `.exec()` runs a nested loop for a dialog or a menu; only the application's own loop may be run that way.
EXEC_ALLOWED_ON = frozenset({"QApplication", "QCoreApplication", "QGuiApplication", "qt_app", "app", "qapp"})


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _name(node: ast.AST) -> str | None:
    """The last name of ``QMessageBox`` or ``QtWidgets.QMessageBox``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _mentions(node: ast.AST, words: tuple[str, ...]) -> str | None:
    text = ast.unparse(node)
    return next((word for word in words if word in text), None)


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.offences: list[Offence] = []
        self._scopes: list[ast.AST] = []

    def _report(self, node: ast.AST, what: str) -> None:
        self.offences.append(Offence(self.path, getattr(node, "lineno", 0), what))

    # Scopes: a text input is allowed where the same function or class turns its context menu off.
    def _scoped(self, node: ast.AST) -> None:
        self._scopes.append(node)
        self.generic_visit(node)
        self._scopes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scoped(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._scoped(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            name = _name(base)
            if name in TEXT_INPUTS and not _turns_context_menu_off(node):
                self._report(
                    base, f"{node.name} subclasses {name} without setContextMenuPolicy(NoContextMenu)"
                )
        self._scoped(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name in FORBIDDEN_NAMES:
                self._report(node, f"imports {alias.name}: {FORBIDDEN_NAMES[alias.name]}")

    def visit_Name(self, node: ast.Name) -> None:
        self._check_name(node, node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._check_name(node, node.attr)
        if node.attr == "customContextMenuRequested":
            self._report(node, "customContextMenuRequested: a context menu of our own")
        if (
            isinstance(node.value, ast.Attribute | ast.Name)
            and _name(node.value) == "WindowType"
            and node.attr in TOP_LEVEL_WINDOW_TYPES
        ):
            self._report(node, f"Qt.WindowType.{node.attr}: a separate top-level window")
        self.generic_visit(node)

    def _check_name(self, node: ast.AST, name: str) -> None:
        if name in FORBIDDEN_NAMES:
            self._report(node, f"uses {name}: {FORBIDDEN_NAMES[name]}")

    def visit_Call(self, node: ast.Call) -> None:
        called = _name(node.func)
        if called in TEXT_INPUTS and not any(_turns_context_menu_off(scope) for scope in self._scopes[-1:]):
            self._report(node, f"makes a {called} without setContextMenuPolicy(NoContextMenu) next to it")
        elif called == "setContextMenuPolicy" and node.args:
            policy = _mentions(node.args[0], MENU_POLICIES)
            if policy is not None:
                self._report(node, f"setContextMenuPolicy({policy}): a context menu")
        elif called in ("setOpenExternalLinks", "setOpenLinks") and not _is_false(node):
            self._report(node, f"{called}: a link that opens a browser")
        elif called in ("exec", "exec_") and isinstance(node.func, ast.Attribute):
            receiver = ast.unparse(node.func.value)
            if receiver.split(".")[-1] not in EXEC_ALLOWED_ON:
                self._report(node, f"{receiver}.{called}(): a modal dialog or menu")
        elif called in ("popup", "open") and isinstance(node.func, ast.Attribute):
            receiver = ast.unparse(node.func.value)
            if "menu" in receiver.lower() or "dialog" in receiver.lower():
                self._report(node, f"{receiver}.{called}(): a menu or dialog")
        self.generic_visit(node)


def _is_false(call: ast.Call) -> bool:
    return bool(call.args) and isinstance(call.args[0], ast.Constant) and call.args[0].value is False


def _turns_context_menu_off(scope: ast.AST) -> bool:
    for node in ast.walk(scope):
        if (
            isinstance(node, ast.Call)
            and _name(node.func) == "setContextMenuPolicy"
            and node.args
            and "NoContextMenu" in ast.unparse(node.args[0])
        ):
            return True
    return False


def offences_in(source: str, path: str) -> list[Offence]:
    scanner = _Scanner(path)
    scanner.visit(ast.parse(source, filename=path))
    return scanner.offences


def _kiosk_sources() -> list[Path]:
    return sorted(p for p in KIOSK.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_kiosk_code_opens_no_way_out() -> None:
    offences = [
        offence
        for path in _kiosk_sources()
        for offence in offences_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not offences, "ways out of the kiosk:\n" + "\n".join(map(str, offences))


def test_the_scan_reads_the_whole_kiosk() -> None:
    names = {path.relative_to(KIOSK).as_posix() for path in _kiosk_sources()}
    assert {
        "shell/app.py",
        "shell/lockdown.py",
        "views/frame/main_window.py",
        "views/parts/widgets.py",
    } <= names


OFFENDING = {
    "message box": ("from PySide6.QtWidgets import QMessageBox\n", 1),
    "message box via module": ("import PySide6.QtWidgets as w\n\nw.QMessageBox.warning(None, 't', 'x')\n", 3),
    "file dialog": ("def pick():\n    return QFileDialog.getOpenFileName()\n", 2),
    "print dialog": ("dialog = QPrintDialog(printer)\n", 1),
    "print preview": ("QPrintPreviewDialog(printer).exec()\n", 1),
    "page setup": ("QPageSetupDialog(printer)\n", 1),
    "input dialog": ("text, ok = QInputDialog.getText(None, 'PIN', 'PIN')\n", 1),
    "colour dialog": ("QColorDialog.getColor()\n", 1),
    "font dialog": ("QFontDialog.getFont()\n", 1),
    "error message": ("QErrorMessage.qtHandler()\n", 1),
    "menu": ("menu = QMenu(self)\n", 1),
    "dialog subclass": ("class Confirm(QDialog):\n    pass\n", 1),
    "open a URL": ("QDesktopServices.openUrl(QUrl('https://evn.com.vn'))\n", 1),
    "tray icon": ("icon = QSystemTrayIcon()\n", 1),
    "exec of a dialog": ("def ask(confirm):\n    return confirm.exec()\n", 2),
    "actions context menu": ("w.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)\n", 1),
    "custom context menu": ("w.setContextMenuPolicy(Qt.CustomContextMenu)\n", 1),
    "context menu signal": ("w.customContextMenuRequested.connect(show)\n", 1),
    "line edit": ("def build():\n    field = QLineEdit()\n    return field\n", 2),
    "text edit subclass": ("class Notes(QPlainTextEdit):\n    pass\n", 1),
    "spin box": ("def build():\n    return QSpinBox()\n", 2),
    "line edit, menu off elsewhere": (
        "def a():\n    f = QLineEdit()\n\ndef b(g):\n    g.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)\n",
        2,
    ),
    "external links": ("label.setOpenExternalLinks(True)\n", 1),
    "popup window": ("w.setWindowFlags(Qt.WindowType.Popup)\n", 1),
    "dialog window": ("w.setWindowFlag(Qt.WindowType.Dialog, True)\n", 1),
}


@pytest.mark.parametrize(("source", "line"), list(OFFENDING.values()), ids=list(OFFENDING))
def test_the_scan_names_the_file_and_line_of_each_way_out(source: str, line: int) -> None:
    offences = offences_in(source, "kiosk/views/example.py")
    assert offences, "not caught"
    assert offences[0].line == line
    assert str(offences[0]).startswith(f"kiosk/views/example.py:{line}: ")


ALLOWED = {
    "line edit with its menu off": (
        "def build():\n"
        "    field = QLineEdit()\n"
        "    field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)\n"
        "    return field\n"
    ),
    "text edit subclass with its menu off": (
        "class Notes(QPlainTextEdit):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.setContextMenuPolicy(Qt.NoContextMenu)\n"
    ),
    "the application's own loop": "sys.exit(qt_app.exec())\n",
    "a docstring naming what is forbidden": '"""We never use QMessageBox or QMenu."""\n',
    "a context menu event swallowed": (
        "def contextMenuEvent(self, event: QContextMenuEvent) -> None:\n    event.accept()\n"
    ),
    "links that stay inside": "label.setOpenExternalLinks(False)\n",
    "the kiosk window's flags": (
        "w.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)\n"
    ),
}


@pytest.mark.parametrize("source", list(ALLOWED.values()), ids=list(ALLOWED))
def test_the_scan_allows_what_opens_nothing(source: str) -> None:
    assert offences_in(source, "kiosk/views/example.py") == []
