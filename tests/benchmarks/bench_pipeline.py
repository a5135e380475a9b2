"""Pipeline timings and export sizes: cold quick profile, warm builds, published snapshot files.

``--smoke``: the tiny config of ``_smoke.py`` instead of the quick profile, no full-profile build.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _smoke import TINY_PROFILE, tiny_config
from ggmm_build.cache import Cache, job_key
from ggmm_build.config import load_config
from ggmm_build.pipeline import DEFAULT_CACHE_DIR, DEFAULT_DATA_DIR, plan_jobs, run_pipeline


def _timed(**kwargs: Any) -> float:
    start = time.perf_counter()
    run_pipeline(quiet=True, **kwargs)
    return time.perf_counter() - start


def main(smoke: bool = False) -> list[tuple[str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        which = {"profile": TINY_PROFILE, "config": tiny_config(base)} if smoke else {"profile": "quick"}
        cold = _timed(data_dir=base / "d1", cache_dir=base / "c", **which)
        warm = _timed(data_dir=base / "d2", cache_dir=base / "c", **which)
        if not (base / "d2" / "manifest.json").is_file():
            raise RuntimeError("the warm build wrote no exports")
    name = which["profile"]
    rows.append((f"{name} profile, cold (budget 90 s for quick)", f"{cold:.1f} s"))
    rows.append((f"{name} profile, warm", f"{warm:.2f} s  ({warm / cold:.3f} of cold)"))
    full = load_config("full")
    cache = Cache(DEFAULT_CACHE_DIR)
    if smoke:
        rows.append(("full profile, warm `make data`", "skipped in smoke mode"))
    elif all(cache.path(job_key(job)).exists() for job in plan_jobs(full)):
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(
                (
                    "full profile, warm `make data` (budget 5 s)",
                    f"{_timed(profile='full', data_dir=Path(tmp), cache_dir=DEFAULT_CACHE_DIR):.2f} s",
                )
            )
    else:
        rows.append(("full profile, warm `make data`", "skipped: the full profile is not cached on this machine"))
    for path in sorted((DEFAULT_DATA_DIR / "training").glob("*.json")):
        raw = path.read_bytes()
        rows.append(
            (
                f"published {path.name} (budget 1.5 MB gzipped)",
                f"{len(raw) / 1e6:.2f} MB raw, {len(gzip.compress(raw, 9)) / 1e6:.2f} MB gzipped",
            )
        )
    return rows


if __name__ == "__main__":
    for label, value in main(smoke="--smoke" in sys.argv[1:]):
        print(f"{label:<48} {value}")
