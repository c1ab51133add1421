"""Importing the kiosk's modules without PySide6 reading the source of each one into memory.

# WORKAROUND: https://bugreports.qt.io/browse/PYSIDE-2029
Once PySide6 is imported, it looks at every module imported after it for the text "PySide6" (to know which
modules its ``__feature__`` switches apply to) with ``inspect.getsource``, which keeps every line of every
module in ``linecache`` for the life of the process: some 12 MiB and a few percent of the kiosk's start for its
~600 modules. The same question is answered here by reading the file's bytes, which keeps nothing. The answer
is the same, so PySide6's features (which the kiosk does not use) would behave as before.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import PySide6  # noqa: F401 - installs the import hook this module replaces the source reading of


def _mod_uses_pyside(module: ModuleType) -> bool:
    path = getattr(module, "__file__", None)
    if not path or not path.endswith(".py"):  # built-in and compiled modules: as inspect.getsource fails
        return False
    try:
        return b"PySide6" in Path(path).read_bytes()
    except OSError:
        return False


def read_no_source_on_import() -> None:
    feature = sys.modules.get("shibokensupport.feature")
    # Another PySide6 may have no such hook, or another name for it: it is then left as it is.
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        setattr(feature, "_mod_uses_pyside", _mod_uses_pyside)  # noqa: B010 - a module without type information
