"""`kiosk doctor`: checks a kiosk's installation, one line per check, each failure with what to do about it.

Written for the technician on site: it runs without the GUI, never prints a secret, and its exit status is
non-zero when anything fails, so that provisioning scripts and monitoring can run it too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO
from urllib.parse import urlsplit

from kiosk.assets import FONT_FILES, FONTS_DIR, TRANSLATIONS_DIR
from kiosk.config import ConfigError, Settings, config_path, load_settings

LOW_DISK_BYTES = 100_000_000
"""Below this much free space on the data directory's disk, `kiosk doctor` warns (a journal write needs little,
but logs and print previews share the disk)."""

# WARN: works, but something about it should not stay so; the exit status does not count it as a failure.
Outcome = Literal["OK", "WARN", "FAIL", "SKIP"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    outcome: Outcome
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.outcome:<4}  {self.name:<9} {self.detail}"
        return f"{text} — {self.fix}" if self.fix else text


def _ok(name: str, detail: str) -> CheckResult:
    return CheckResult(name, "OK", detail)


def _fail(name: str, detail: str, fix: str) -> CheckResult:
    return CheckResult(name, "FAIL", detail, fix)


# ---------------------------------------------------------------------------------------------- checks
def check_config(path: Path | None, env: Mapping[str, str]) -> tuple[CheckResult, Settings | None]:
    where = str(path) if path is not None else "environment only (no config file found)"
    try:
        settings = load_settings(path, env)
    except ConfigError as exc:
        return _fail("config", str(exc), "fix it as docs/configuration.md describes"), None
    return _ok("config", f"{where}: kiosk {settings.kiosk_id}"), settings


def check_assets() -> list[CheckResult]:
    from kiosk.language.catalogs import CatalogError, Translator, check

    results: list[CheckResult] = []
    missing = [f.name for f in FONT_FILES if not f.is_file() or f.stat().st_size == 0]
    if missing:
        results.append(_fail("fonts", f"missing in {FONTS_DIR}: {', '.join(missing)}", "reinstall the kiosk"))
    else:
        results.append(_ok("fonts", f"{len(FONT_FILES)} font files in {FONTS_DIR}"))
    try:
        Translator.load(TRANSLATIONS_DIR)
        problems = check()
    except CatalogError as exc:
        problems = [str(exc)]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        results.append(
            _fail(
                "catalogs",
                problems[0] + more,
                "reinstall the kiosk or run `python -m kiosk.language.catalogs check`",
            )
        )
    else:
        results.append(_ok("catalogs", f"Vietnamese and English complete in {TRANSLATIONS_DIR}"))
    return results


def check_data_dir(data_dir: Path) -> CheckResult:
    probe = data_dir / ".doctor-probe.sqlite3"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(probe) as db:
            db.execute("CREATE TABLE IF NOT EXISTS probe (x)")
            db.execute("INSERT INTO probe VALUES (1)")
        db.close()
    except (OSError, sqlite3.Error) as exc:
        return _fail(
            "data", f"{data_dir} is not writable ({exc})", "create it and give the kiosk user write access"
        )
    finally:
        with contextlib.suppress(OSError):
            probe.unlink(missing_ok=True)
    free = shutil.disk_usage(data_dir).free
    if free < LOW_DISK_BYTES:
        return CheckResult(
            "data",
            "WARN",
            f"{data_dir} is writable, but its disk has {free / 1_000_000:.1f} MB free: a full disk stops payments"
            " and saved requests",
            "free space on that disk (old logs; never the journals)",
        )
    return _ok("data", f"{data_dir} is writable ({free / 1_000_000_000:.1f} GB free)")


def check_journals(settings: Settings) -> list[CheckResult]:
    """Each journal as `kiosk run` checks it at start (missing though its marker says it existed, damaged,
    read-only, locked, a full disk), and whether a kiosk holds the data directory now. Changes nothing."""
    from kiosk.payments import journal as payments
    from kiosk.printing import journal as prints
    from kiosk.requests import outbox
    from kiosk.storage.data_dir_lock import holder_of
    from kiosk.storage.journal_file import check_journal, marker_path

    data_dir = settings.data_dir
    held, pid = holder_of(data_dir)
    holder = f" (PID {pid})" if pid is not None else ""
    results = [
        _ok("lock", f"a kiosk is running on {data_dir}{holder}")
        if held
        else _ok("lock", f"no kiosk is running on {data_dir}")
    ]
    journals = (
        ("payments", payments.JOURNAL_FILE_NAME, "payment journal", payments.SCHEMA_VERSION),
        ("outbox", outbox.OUTBOX_FILE_NAME, "request outbox", outbox.SCHEMA_VERSION),
        ("prints", prints.JOURNAL_FILE_NAME, "print journal", prints.SCHEMA_VERSION),
    )
    for check_name, file_name, name, version in journals:
        path = data_dir / file_name
        if check_name == "prints" and settings.printer.uri is None and not marker_path(path).exists():
            results.append(CheckResult(check_name, "SKIP", "no printer configured: no print journal"))
            continue
        found = check_journal(path, name=name, version=version)
        if found.state in ("ok", "new"):
            results.append(_ok(check_name, found.detail))
        else:
            results.append(_fail(check_name, f"{found.state}: {found.detail}", found.fix))
    return results


def check_tls(settings: Settings) -> CheckResult:
    """How the kiosk talks to the central: encrypted, or in clear where that is allowed."""
    central = settings.central
    if urlsplit(central.url).scheme == "https":
        trusted = f"the authorities in {central.ca_file}" if central.ca_file else "the public authorities"
        pinned = " and central.pin_sha256" if central.pin_sha256 else ""
        return _ok("tls", f"https://, the central's certificate checked against {trusted}{pinned}")
    if central.sends_token_in_clear:
        return CheckResult(
            "tls",
            "WARN",
            "plain http:// across the network (central.allow_insecure_http): the token and customers' data"
            " travel unencrypted",
            "give the central an https:// address, then remove central.allow_insecure_http",
        )
    return _ok("tls", "plain http:// to a central on this machine (loopback): nothing leaves it")


async def check_central(settings: Settings) -> CheckResult:
    from kiosk.central import CentralClient
    from kiosk.central.errors import CentralError, Unauthorized, Unavailable

    url = settings.central.url
    async with CentralClient.for_settings(settings.central.model_copy(update={"retries": 0})) as client:
        try:
            health = await client.check_access()
        except Unauthorized:
            return _fail(
                "central", f"{url} refused this kiosk's token", "ask the central's operator for a new token"
            )
        except CentralError as exc:
            if isinstance(exc, Unavailable) and exc.reason is not None:
                # The reason says what to look at (the clock, central.ca_file, central.url).
                fix = 'see "The central\'s certificate" in docs/deployment.md'
                return _fail("central", f"{url} cannot be trusted: {exc.reason}", fix)
            return _fail("central", f"{url} is not reachable ({exc})", "check the network and central.url")
    return _ok("central", f"{url} answers ({health.status}) and accepts the token")


async def check_printer(settings: Settings) -> CheckResult:
    if settings.printer.uri is None:
        return CheckResult("printer", "SKIP", "no printer configured (printer.uri): no printed receipts")
    from kiosk.devices.printer_check import check_printer as printer_check

    result = await printer_check(settings.printer)
    if result.ok:
        return _ok("printer", result.detail)
    return _fail("printer", result.detail, "see docs/printing.md")


def check_scanner(settings: Settings) -> CheckResult:
    uri = settings.scanner.uri
    if uri is None:
        return CheckResult(
            "scanner", "SKIP", "no scanner configured (scanner.uri): customers type their code"
        )
    scheme, _, rest = uri.partition("://")
    if scheme == "fake":
        return _ok("scanner", "fake scanner (demo and tests)")
    device = Path(rest.split("?", 1)[0])
    if not device.exists():
        return _fail("scanner", f"{device} does not exist", "plug the scanner in or fix scanner.uri")
    if not os.access(device, os.R_OK):
        return _fail("scanner", f"{device} is not readable", "add the kiosk user to the device's group")
    return _ok("scanner", f"{device} is present and readable")


async def run_checks(path: Path | None, env: Mapping[str, str]) -> list[CheckResult]:
    config_result, settings = check_config(path, env)
    results = [config_result, *check_assets()]
    if settings is None:
        skipped = "data, journals, tls, central, printer, scanner"
        return [*results, CheckResult("others", "SKIP", f"{skipped}: need a valid config first")]
    data = check_data_dir(settings.data_dir)
    results.append(data)
    if data.outcome == "OK":
        results.extend(check_journals(settings))
    else:
        results.append(CheckResult("journals", "SKIP", "need a writable data directory first"))
    results.append(check_tls(settings))
    device_checks: list[Callable[[Settings], Awaitable[CheckResult]]] = [check_central, check_printer]
    results.extend(await asyncio.gather(*(check(settings) for check in device_checks)))
    results.append(check_scanner(settings))
    return results


# ---------------------------------------------------------------------------------------------- command
def configure_doctor_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="the config to check (default: as `kiosk run` finds it)")
    parser.set_defaults(handler=doctor_command)


def doctor_command(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    path = config_path(args.config, os.environ)
    results = asyncio.run(run_checks(path, os.environ))
    for result in results:
        print(result.line(), file=out)
    failed = [r for r in results if r.outcome == "FAIL"]
    warned = sum(r.outcome == "WARN" for r in results)
    warnings = f" ({warned} to look at: WARN)" if warned else ""
    print(
        f"{len(failed)} of {len(results)} checks failed{warnings}"
        if failed
        else f"all checks passed{warnings}",
        file=out,
    )
    return 1 if failed else 0


__all__ = ["CheckResult", "configure_doctor_parser", "run_checks"]
