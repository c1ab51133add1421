"""Start-up time and memory of `kiosk run --smoke`, against a bare PySide6 window measured in the same run.

    python3 bench/startup.py [--runs 7]

Both programs print "ready in N ms" (process age when the first window is shown and the event loop has
handled what showing it queued), so the ratio compares like with like on a shared, noisy machine. The kiosk
talks to a reference central server started once beforehand; `--demo` start-up (which also starts that
server) is reported separately. Peak RSS is the process's own, from wait4().
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from kiosk.demo.central import DemoCentral

BASELINE = r"""
import os, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
w = QLabel("Xin chào"); w.resize(1920, 1080); w.show(); app.processEvents()
ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
uptime = float(Path("/proc/uptime").read_text().split()[0])
print(f"ready in {(uptime - ticks / os.sysconf('SC_CLK_TCK')) * 1000:.0f} ms")
"""


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(ready ms, peak RSS MiB) of one run."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stderr is not None
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    found = re.search(r"ready in (\d+) ms", out)
    if process.returncode != 0 or not found:
        raise SystemExit(f"{command} failed ({process.returncode}): {out}{err}")
    return float(found.group(1)), usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    kiosk = [sys.executable, "-m", "kiosk"]
    with tempfile.TemporaryDirectory() as tmp, DemoCentral(Path(tmp) / "central.sqlite3") as central:
        config = Path(tmp) / "kiosk.toml"
        config.write_text(
            f'kiosk_id = "BENCH"\ndata_dir = "{tmp}/data"\n[central]\nurl = "{central.url}"\n'
            f'token = "{central.token}"\n'
        )
        results: dict[str, list[tuple[float, float]]] = {"baseline": [], "kiosk": [], "kiosk --demo": []}
        for _ in range(args.runs):  # interleaved, so that a noisy moment hurts both sides alike
            results["baseline"].append(measure([sys.executable, "-c", BASELINE], env))
            results["kiosk"].append(measure([*kiosk, "run", "--smoke", "--config", str(config)], env))
            results["kiosk --demo"].append(measure([*kiosk, "run", "--demo", "--smoke"], env))
    base_ms = statistics.median(ms for ms, _ in results["baseline"])
    base_rss = statistics.median(rss for _, rss in results["baseline"])
    print(
        f"{'program':<14} {'ready ms (median)':>18} {'x baseline':>11} {'peak RSS MiB':>13} {'x baseline':>11}"
    )
    for name, runs in results.items():
        ms = statistics.median(m for m, _ in runs)
        rss = statistics.median(r for _, r in runs)
        print(f"{name:<14} {ms:>18.0f} {ms / base_ms:>11.2f} {rss:>13.0f} {rss / base_rss:>11.2f}")
    print(
        f"({args.runs} interleaved runs each; peak RSS is the largest of the process and the children it waited for)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
