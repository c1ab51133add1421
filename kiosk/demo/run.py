"""`kiosk run --demo` (or just `kiosk --demo`): the kiosk against the reference central started on loopback with
demo data, its printouts as PNG previews, the demo's keys, and a way out (Ctrl+Q)."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from kiosk.config import ConfigError, config_path, load_settings
from kiosk.demo.central import DemoCentral, DemoCentralError
from kiosk.demo.keys import DemoKeys
from kiosk.demo.settings import DEMO_STAFF_PIN_HASH, demo_overrides
from kiosk.demo.simulator import DemoClient
from kiosk.shell.build import central_client
from kiosk.shell.run import Mode, fail, reporting_exit_status, run_gui
from kiosk.shell.stopping import ExitStatus

__all__ = ["run_demo"]


def run_demo(args: argparse.Namespace) -> int:
    def run() -> int:
        with tempfile.TemporaryDirectory(prefix="kiosk-demo-") as scratch:
            demo_dir = Path(scratch)
            try:
                with DemoCentral(demo_dir / "central.sqlite3") as central:
                    overrides = demo_overrides(central.url, central.token, demo_dir)
                    overrides["staff.pin_hash"] = DEMO_STAFF_PIN_HASH
                    try:
                        settings = load_settings(
                            config_path(args.config, os.environ), os.environ, overrides=overrides
                        )
                    except ConfigError as exc:
                        return fail(str(exc), ExitStatus.CONFIG)

                    mode = Mode(
                        windowed=args.windowed,
                        smoke=args.smoke,
                        allow_quit=True,
                        hide_cursor=False,
                        on_shown=lambda kiosk_app: DemoKeys(kiosk_app).install(),
                        client=lambda settings: central_client(settings, DemoClient),
                    )
                    return run_gui(settings, mode)
            except DemoCentralError as exc:
                return fail(str(exc))
        raise AssertionError("unreachable")

    return reporting_exit_status(run)
