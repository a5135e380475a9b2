"""Run every benchmark (``bench_*.py`` beside this file) and print its figures.

Each benchmark module has ``main() -> list[tuple[str, str]]`` returning (label, value) rows;
times are given as ratios measured within one run, since these machines are noisy.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    wanted = set(argv)
    failed = 0
    for path in sorted(here.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        try:
            rows = module.main()
        except Exception as exc:  # report and go on with the other benchmarks
            print(f"   FAILED: {type(exc).__name__}: {exc}", flush=True)
            failed += 1
            continue
        width = max((len(label) for label, _ in rows), default=0)
        for label, value in rows:
            print(f"   {label:<{width}}  {value}", flush=True)
        print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
