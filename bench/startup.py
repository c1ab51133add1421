"""Start-up time and memory of `kiosk run --smoke`, against a bare PySide6 main window measured in the same run.

    python3 bench/startup.py [--runs 7]

Both programs print "ready in N ms": the process's age once its window is shown full screen, placed the same
way (the offscreen platform's screen), and the event loop has handled what showing it
queued. So the ratio compares like with like on a shared, noisy machine. The baseline is a bare ``QMainWindow``
(what any Qt kiosk must pay at least); the kiosk talks to a reference central server started once beforehand,
and ``--demo`` start-up (which also starts that server in-process) is reported on its own line. Peak RSS is the
process's own, from wait4(). The package is byte-compiled first, as an installed kiosk is, so the figures do not
include compiling the sources.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import kiosk
import kiosk_central
from kiosk.demo.central import DemoCentral

BASELINE = r"""
import os, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setGeometry(app.primaryScreen().geometry()); w.showFullScreen()
for _ in range(3): app.processEvents()
ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
uptime = float(Path("/proc/uptime").read_text().split()[0])
print(f"ready in {(uptime - ticks / os.sysconf('SC_CLK_TCK')) * 1000:.0f} ms")
"""


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(ready ms, peak RSS MiB) of one run."""
    with tempfile.TemporaryFile("w+") as errors:  # a file, so that a chatty stderr cannot block the child
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        assert process.stdout is not None
        out = process.stdout.read()
        # wait4, not Popen.wait: it gives the child's own resource usage with its status.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read()
    found = re.search(r"ready in (\d+) ms", out)
    if process.returncode != 0 or not found:
        raise SystemExit(f"{command} failed ({process.returncode}): {out}{err}")
    return float(found.group(1)), usage.ru_maxrss / 1024


def compile_packages() -> None:
    """Byte-compiles the kiosk and the central as an installed package would be (pip compiles on install)."""
    for package in (kiosk, kiosk_central):
        compileall.compile_dir(Path(package.__file__).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    compile_packages()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    kiosk_command = [sys.executable, "-m", "kiosk"]
    with tempfile.TemporaryDirectory() as tmp, DemoCentral(Path(tmp) / "central.sqlite3") as central:
        config = Path(tmp) / "kiosk.toml"
        config.write_text(
            f'kiosk_id = "BENCH"\ndata_dir = "{tmp}/data"\n[central]\nurl = "{central.url}"\n'
            f'token = "{central.token}"\n'
        )
        results: dict[str, list[tuple[float, float]]] = {"baseline": [], "kiosk": [], "kiosk --demo": []}
        measure(  # one run unmeasured: the first start after compiling pays for reading the files from disk
            [*kiosk_command, "run", "--smoke", "--config", str(config)], env
        )
        for _ in range(args.runs):  # interleaved, so that a noisy moment hurts every program alike
            results["baseline"].append(measure([sys.executable, "-c", BASELINE], env))
            results["kiosk"].append(measure([*kiosk_command, "run", "--smoke", "--config", str(config)], env))
            results["kiosk --demo"].append(measure([*kiosk_command, "run", "--demo", "--smoke"], env))
    base_ms = statistics.median(ms for ms, _ in results["baseline"])
    base_rss = statistics.median(rss for _, rss in results["baseline"])
    print(f"kiosk from {Path(kiosk.__file__).parent}")
    print(
        f"{'program':<14} {'ready ms (median)':>18} {'x baseline':>11} {'peak RSS MiB':>13} {'x baseline':>11}"
    )
    for name, runs in results.items():
        ms = statistics.median(m for m, _ in runs)
        rss = statistics.median(r for _, r in runs)
        print(f"{name:<14} {ms:>18.0f} {ms / base_ms:>11.2f} {rss:>13.0f} {rss / base_rss:>11.2f}")
    print(f"({args.runs} interleaved runs each; baseline: a bare QMainWindow shown full screen)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
