"""The kiosk's settings: a typed, frozen :class:`Settings` loaded once from a TOML file plus environment
overrides, then passed down to whatever needs it. There is no module-level instance: the app, ``kiosk
doctor`` and the tests each call :func:`load_settings` with the environment they mean.

Every problem is a :class:`ConfigError` that names the key (``central.url``) and says what is wrong in
plain words, because the person reading it is an operator with a screwdriver, not a developer. The keys,
their defaults and the lookup order are documented in ``docs/configuration.md``; keep the two in step.

This module is Qt-free and cheap to import: ``kiosk doctor`` uses it without starting the GUI.
"""

from __future__ import annotations

from kiosk.config.loading import KEYS, config_path, default_config_file, default_data_dir, load_settings
from kiosk.config.settings import (
    CONFIG_ENV_VAR,
    ENV_PREFIX,
    CentralSettings,
    ConfigError,
    IdleSettings,
    Orientation,
    PrinterSettings,
    ScannerSettings,
    Settings,
    StaffSettings,
    UiSettings,
)
from kiosk.config.staff_pin import hash_pin, verify_pin

__all__ = [
    "CONFIG_ENV_VAR",
    "ENV_PREFIX",
    "KEYS",
    "CentralSettings",
    "ConfigError",
    "IdleSettings",
    "Orientation",
    "PrinterSettings",
    "ScannerSettings",
    "Settings",
    "StaffSettings",
    "UiSettings",
    "config_path",
    "default_config_file",
    "default_data_dir",
    "hash_pin",
    "load_settings",
    "verify_pin",
]
