"""What staff change on the kiosk itself and what must survive a restart: the kiosk's default language.

The config file is the operator's and is read-only to the kiosk; a staff choice made on the screen is kept
beside the journals in ``data_dir`` instead, written atomically so a power cut leaves the old or the new one.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import get_args

from kiosk.language.codes import Language
from kiosk.staff.state_file import write_json_atomically

log = logging.getLogger(__name__)

PREFERENCES_FILE_NAME = "staff_preferences.json"


class StaffPreferences:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._data = self._read()

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> StaffPreferences:
        return cls(data_dir / PREFERENCES_FILE_NAME)

    @property
    def default_language(self) -> Language | None:
        """The language staff chose for new customers; None: the config's ``ui.default_language``."""
        value = self._data.get("default_language")
        return value if value in get_args(Language) else None  # type: ignore[return-value]

    def set_default_language(self, language: Language) -> None:
        """Kept at once, durably (it blocks on fsync: call it off the GUI thread)."""
        self._data["default_language"] = language
        self._write()

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # Only a preference: the config's default serves until staff choose again.
            log.warning("staff preferences in %s unreadable; using the config's defaults", self.path)
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self) -> None:
        write_json_atomically(self.path, self._data)
