"""The KAN playground's guided experiments: their settings, their runs and the export the page quotes.

:data:`EXPERIMENTS` are the runs the page's text discusses; :func:`run_experiments` trains
them in Python (:mod:`.playground_training`, from the page's set-up as
:mod:`.playground_port` ports it); :func:`source_digest` hashes the code their numbers depend
on; :func:`main` (``python -m ggmm_build.pages.playground``) writes ``report/data/playground.json``,
which :mod:`.playground_text` puts into words.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..syntax import function_code
from .playground_port import _gamma, _normal, initial_parameters, mulberry32, page_data, sample
from .playground_training import train_page_run

__all__ = ["EXPERIMENTS", "EXPORT", "main", "page_hash", "run_experiments", "source_digest"]

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "report" / "data" / "playground.json"
SCHEMA = "ggmm-playground"
VERSION = 2


_LAPLACE = {
    "centers": [[-1.5, -1.0], [1.5, 1.0]],
    "scales": [[0.6, 0.6], [0.4, 0.8]],
    "weights": [0.5, 0.5],
    "p": [1.0, 1.0],
}
_THREE = {
    "centers": [[-2.0, -2.0], [0.0, 0.0], [2.0, 2.0]],
    "scales": [[0.3, 0.3], [0.2, 0.2], [0.4, 0.4]],
    "weights": [0.3, 0.4, 0.3],
    "p": [2.0, 2.0, 2.0],
}
_TWO = {
    "centers": [[-1.5, 0.0], [1.5, 0.5]],
    "scales": [[0.5, 0.5], [0.5, 0.5]],
    "weights": [0.5, 0.5],
    "p": [2.0, 2.0],
}

#: The experiments: each a list of (variant id, settings overrides), run with the page's
#: defaults for the rest; ``prune_at`` prunes after that many steps and trains as many again.
EXPERIMENTS: list[dict[str, Any]] = [
    {
        "id": "grid_update",
        "mixture": _LAPLACE,
        "variants": [("on", {"gridUpdate": True}), ("off", {"gridUpdate": False})],
    },
    {"id": "grid_size", "mixture": _THREE, "variants": [("G5", {"grid": 5}), ("G20", {"grid": 20})]},
    {
        "id": "prune",
        "mixture": _TWO,
        "prune_at": 200,
        "variants": [("wide", {"width": [2, 8, 1], "lamb": 0.01, "steps": 200})],
    },
]
_BASE = {
    "samples": 1000,
    "seed": 1,
    "task": "density",
    "width": [2, 5, 1],
    "grid": 5,
    "k": 3,
    "lr": 0.02,
    "lamb": 0.0,
    "batch": 0,
    "gridUpdate": True,
    "steps": 300,
    "quad": 48,
}


def page_hash(settings: dict) -> str:
    """The page's URL hash for session settings (assets/js/playground/state.js reads it)."""
    m = settings["mixture"]
    fields = {
        "task": settings["task"],
        "n": settings["samples"],
        "seed": settings["seed"],
        "grid": settings["grid"],
        "order": settings["k"],
        "lr": settings["lr"],
        "lamb": settings["lamb"],
        "batch": settings["batch"],
        "steps": settings["steps"],
        "hidden": ",".join(str(h) for h in settings["width"][1:-1]),
        "gridupdate": 1 if settings["gridUpdate"] else 0,
        "centers": ";".join(",".join(f"{v:g}" for v in c) for c in m["centers"]),
        "scales": ";".join(",".join(f"{v:g}" for v in a) for a in m["scales"]),
        "weights": ";".join(f"{v:g}" for v in m["weights"]),
        "p": ";".join(f"{v:g}" for v in m["p"]),
    }
    return "&".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items())


def _truth_nll(settings: dict) -> float:
    """The held-out NLL of the true density on the page's validation samples."""
    from ggmm import GeneralizedGaussianMixture

    m = settings["mixture"]
    data = page_data(settings)
    mixture = GeneralizedGaussianMixture(centers=m["centers"], scales=m["scales"], weights=m["weights"], p=m["p"])
    return float(-np.mean(mixture.logpdf(data.x_val)))


def _maths_modules() -> list[str]:
    """The page's maths: tasks.js and every playground module it imports, directly or not (the
    KAN, its B-splines, least squares, training, grids and pruning, the sampler), not the
    page's UI (page.js, views.js, state.js, worker.js)."""
    import re

    folder = ROOT / "assets" / "js" / "playground"
    found: set[str] = set()
    todo = ["tasks.js"]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += re.findall(r'\bfrom\s+"\./([\w.-]+\.js)"', (folder / name).read_text(encoding="utf-8"))
    return sorted(found)


def source_digest() -> str:
    """A hash of what the experiments' numbers depend on: the page's maths (tasks.js and the
    modules it imports, :func:`_maths_modules`), the Python port and training code
    (:mod:`.playground_port`, :mod:`.playground_training`) and the experiments' code here (as
    syntax: layout, comments and docstrings do not count), the experiments' settings, and the
    versions of torch and pykan (not the page's markup or the text around the numbers)."""
    import hashlib
    from importlib import metadata

    h = hashlib.sha256()
    for name in _maths_modules():
        source = (ROOT / "assets" / "js" / "playground" / name).read_bytes().replace(b"\r\n", b"\n")
        h.update(name.encode() + b"\0" + source)
    for function in (
        mulberry32,
        _normal,
        _gamma,
        sample,
        page_data,
        initial_parameters,
        train_page_run,
        page_hash,
        _truth_nll,
        run_experiments,
    ):
        h.update(function_code(function).encode())
    h.update(repr((EXPERIMENTS, _BASE)).encode())
    for package in ("torch", "pykan"):
        try:
            h.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package}=absent".encode())
    return h.hexdigest()[:16]


def run_experiments(experiments: list[dict[str, Any]] = EXPERIMENTS) -> dict[str, Any]:
    """Train every variant of every experiment with pykan; the export document."""
    out = []
    for exp in experiments:
        variants = []
        for variant_id, overrides in exp["variants"]:
            settings = {**_BASE, "mixture": exp["mixture"], **overrides}
            prune_at = exp.get("prune_at")
            total = 2 * prune_at if prune_at else None
            t0 = time.process_time()
            result = train_page_run(settings, total=total, prune_at=prune_at)
            result.pop("trace", None)
            variants.append(
                {
                    "id": variant_id,
                    "hash": page_hash(settings),
                    "width": settings["width"],
                    "grid": settings["grid"],
                    "steps": total or settings["steps"],
                    "results": result,
                    "cpu_seconds": round(time.process_time() - t0, 1),
                }
            )
        settings = {**_BASE, "mixture": exp["mixture"]}
        out.append(
            {
                "id": exp["id"],
                "components": len(exp["mixture"]["weights"]),
                "p": exp["mixture"]["p"],
                "truth_nll": _truth_nll(settings),
                "variants": variants,
            }
        )
    return {"schema": SCHEMA, "version": VERSION, "code": source_digest(), "experiments": out}


def main(argv: list[str] | None = None) -> int:
    """``python -m ggmm_build.pages.playground``: run the guided experiments, write the export."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=EXPORT)
    parser.add_argument("--if-stale", action="store_true", help="only when the sources changed since the export")
    args = parser.parse_args(argv)
    if args.if_stale and args.out.exists():
        if json.loads(args.out.read_text(encoding="utf-8")).get("code") == source_digest():
            print(f"{args.out} is up to date", file=sys.stderr)
            return 0
    t0 = time.perf_counter()
    doc = run_experiments()
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
