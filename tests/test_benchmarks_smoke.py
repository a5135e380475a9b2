"""Every benchmark still runs: ``tests/benchmarks/run.py --smoke`` in a subprocess, as ``make bench`` would.

Smoke mode runs each ``bench_*.py`` at tiny sizes and judges no figure, so a change that breaks a
benchmark (a renamed function, a moved asset, a page that never settles) fails the suite instead of
going unnoticed until someone next measures. The browser benchmark is left out, like the browser
tests, only where Debian's chromium is not installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "tests" / "benchmarks" / "run.py"
CHROMIUM = Path("/usr/bin/chromium")  # what the browser benchmark drives (as tests/conftest.py)


def test_every_benchmark_runs_in_smoke_mode(tmp_path: Path) -> None:
    names = sorted(p.stem.removeprefix("bench_") for p in RUN.parent.glob("bench_*.py"))
    assert names, "no benchmark found"
    if not CHROMIUM.exists():
        names.remove("browser")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, str(RUN), "--smoke", *names],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = done.stdout + done.stderr
    assert "FAILED" not in done.stdout and done.returncode == 0, report
    # each benchmark printed its header, then at least one figure before its own run time
    sections = {block.split("\n", 1)[0]: block for block in ("\n" + done.stdout).split("\n== ")[1:]}
    for name in names:
        assert f"{name} (smoke)" in sections, f"benchmark {name} did not run:\n{report}"
        rows = [
            line
            for line in sections[f"{name} (smoke)"].splitlines()[1:]
            if line.startswith("   ") and not re.fullmatch(r"   \(\d+\.\d s\)", line)
        ]
        assert rows, f"benchmark {name} printed no figure:\n{report}"
