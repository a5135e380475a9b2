"""Run every benchmark (``bench_*.py`` beside this file) and print its figures.

Each benchmark module has ``main(smoke: bool = False) -> list[tuple[str, str]]`` returning
(label, value) rows, and runs as a script with an optional ``--smoke`` flag; times are given as
ratios measured within one run, since these machines are noisy. Every ``bench_*.py`` present is
run: a colleague's new benchmark joins by existing.

``--smoke`` runs each benchmark at tiny sizes and judges no figure: it only proves the benchmark
still runs (``tests/test_benchmarks_smoke.py`` does this in the test suite). The exit status is 1
when any benchmark failed.

Usage: ``run.py [--smoke] [name ...]`` (names without ``bench_``, e.g. ``browser em``).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks(names: list[str] | None = None) -> list[Path]:
    """The benchmark modules beside this file, optionally only those named."""
    found = sorted(HERE.glob("bench_*.py"))
    if names:
        unknown = set(names) - {p.stem.removeprefix("bench_") for p in found}
        if unknown:
            raise SystemExit(f"run.py: no benchmark named {', '.join(sorted(unknown))} in {HERE}")
        found = [p for p in found if p.stem.removeprefix("bench_") in names]
    return found


def run_one(path: Path, smoke: bool) -> bool:
    """Run one benchmark module's ``main`` and print its rows; False when it failed."""
    name = path.stem.removeprefix("bench_")
    print(f"== {name}{' (smoke)' if smoke else ''}", flush=True)
    start = time.perf_counter()
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        rows = module.main(smoke=True) if smoke else module.main()
    except Exception:  # report and go on with the other benchmarks
        print(f"   FAILED:\n{traceback.format_exc()}", flush=True)
        return False
    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        print(f"   {label:<{width}}  {value}", flush=True)
    print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no figure judged: does each one run?")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))  # the benchmarks share _smoke.py
    results = {path.stem: run_one(path, args.smoke) for path in benchmarks(args.names)}
    failed = sorted(name for name, ok in results.items() if not ok)
    if failed:
        print(f"failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
