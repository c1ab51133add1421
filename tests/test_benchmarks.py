"""Every benchmark docs/performance.md names, run as a user runs it (``python3 bench/NAME.py``) with small counts:
it must finish, exit 0 and print the figures the page quotes. (The figures themselves are not asserted: a shared
machine makes timings noise; the benchmarks report ratios against a baseline measured in the same run.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

# Each benchmark with small counts, and the figures its output must hold.
RUNS: dict[str, tuple[list[str], list[str]]] = {
    "qr.py": (["--repeat", "3"], [r"set_payload at 600 px, new payload\s+[\d.]+\s+[\d.]+"]),
    "printing.py": (
        ["--repeat", "2", "--jobs", "2"],
        [
            r"worst render p99, another customer's values each time: [\d.]+ ms",
            r"worst GUI lateness p99 while printing [\d.]+ ms",
        ],
    ),
    "startup.py": (
        ["--runs", "1"],
        [r"kiosk\s+\d+\s+[\d.]+\s+\d+\s+[\d.]+", r"kiosk --demo\s+\d+\s+[\d.]+\s+\d+\s+[\d.]+"],
    ),
    "gui.py": (
        ["--sessions", "1"],
        [
            r"choose bills -> pay by QR(\s+[\d.]+){3}",
            r"all visits: \d+; longest block per visit p50 [\d.]+ ms, p99 [\d.]+ ms",
        ],
    ),
    "soak.py": (
        ["--sessions", "2", "--warmup", "1", "--every", "2", "--config", "both"],
        [
            r"\[demo\] growth per 1,000 sessions \(0 -> 2\): RSS [+-][\d.]+ MiB",
            r"\[production\] growth per 1,000 sessions \(0 -> 2\): RSS [+-][\d.]+ MiB",
        ],
    ),
    "central_load.py": (
        # A few kiosks and screens for 3 s, on SQLite (and with 2 workers, and long polls, where the central has them).
        [
            "--kiosks",
            "20",
            "--screens",
            "4",
            "--lookups",
            "2",
            "--seconds",
            "3",
            "--warmup",
            "0.5",
            "--dwell",
            "1",
            "--clients",
            "1",
        ],
        [
            r"POST heartbeat(\s+[\d.]+){3}\s+\d+",
            r"GET payment \(poll\)(\s+[\d.]+){3}\s+\d+",
            r"bank notice -> kiosk knows p50 [\d.]+ ms, p99 [\d.]+ ms",
            r"sqlite:1\s+poll\s+[\d.]+\s+[\d.]+\s+1\.00x",
        ],
    ),
    "push.py": (
        ["--payments", "2"],
        [
            r"polling\s+\d+\s+[\d.]+\s+[\d.]+",
            r"push\s+\d+\s+[\d.]+\s+[\d.]+",
            r"push / polling: p50 [\d.]+x, p99 [\d.]+x",
        ],
    ),
    "events.py": (
        ["--events", "300", "--rounds", "1", "--changes", "2"],
        [r"KeyPress 'a'(\s+[\d.]+){5}", r"screen change \(\d+ events", r"\+[\d.]+ ms \([\d.]+x\)"],
    ),
}


def test_the_performance_page_names_every_benchmark() -> None:
    page = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    scripts = sorted(path.name for path in (ROOT / "bench").glob("*.py") if not path.name.startswith("_"))
    assert scripts == sorted(RUNS), "a benchmark without its run here (or a run of a benchmark that is gone)"
    for script in scripts:
        assert f"bench/{script}" in page, f"docs/performance.md does not document bench/{script}"


@pytest.mark.parametrize("script", sorted(RUNS))
def test_a_benchmark_runs_and_prints_its_figures(script: str) -> None:
    args, figures = RUNS[script]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for figure in figures:
        assert re.search(figure, done.stdout), f"{figure!r} not in:\n{done.stdout}"
