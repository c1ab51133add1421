"""A crash still ends `kiosk run` with a failure: an error that escapes the kiosk is not a clean stop, and the
status file `kiosk display-session` reads says so (systemd then restarts the kiosk)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.shell import run as run_module
from kiosk.shell.display_session import EXIT_STATUS_FILE_VARIABLE, read_exit_record
from kiosk.shell.stopping import ExitStatus
from tests.helpers.central import RunningCentral


class KioskBugError(Exception):
    pass


def test_an_error_escaping_the_kiosk_is_a_failure_in_the_status_file(
    qapp: QApplication, central: RunningCentral, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'kiosk_id = "T-1"\ndata_dir = "{tmp_path / "data"}"\n'
        f'[central]\nurl = "{central.url}"\ntoken = "{central.token}"\n',
        encoding="utf-8",
    )
    status_file = tmp_path / "status"
    monkeypatch.setenv(EXIT_STATUS_FILE_VARIABLE, str(status_file))

    async def broken(_kiosk: object) -> str | None:
        raise KioskBugError("a bug at start")

    monkeypatch.setattr(run_module, "check_central", broken)
    args = argparse.Namespace(demo=False, windowed=True, config=config, smoke=False)
    with pytest.raises(KioskBugError):
        run_module.run_kiosk(args)
    assert read_exit_record(status_file) == ("exited", ExitStatus.FAILED)
