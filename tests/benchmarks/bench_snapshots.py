"""Snapshot budgets of the published training-progress run.

The published run: KANRegressor with its default ("full") hyperparameters and every stage,
on the "original" preset (N_train = 2000), plotting grid 50 x 50. Reported:

* recording overhead, two ways within one process: (a) the time spent inside the recorder's
  calls (frame payloads and per-step validation losses included) over the rest of the same run;
  (b) the wall time of the run with a recorder over the same run without one (stages
  without "symbolic", which does not depend on the recorder), best of three each;
* frames, and the JSON size raw and gzipped (budgets: >= 100 frames, <= 1.5 MB gzipped,
  overhead <= 15%).

``--smoke``: 300 samples, a 10 x 10 grid and a few steps per stage, one repetition.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from typing import Any

from ggmm import get_preset
from ggmm.estimators import KANRegressor
from ggmm.snapshots import SnapshotRecorder

STAGES_NO_SYMBOLIC = ["train", "prune", "refine", "retrain"]


class _TimedRecorder(SnapshotRecorder):
    """A recorder that adds up the time spent in its own calls (callbacks included)."""

    seconds = 0.0

    def step(self, *args, **kwargs):  # type: ignore[override]
        start = time.perf_counter()
        try:
            return super().step(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start

    def boundary(self, *args, **kwargs):  # type: ignore[override]
        start = time.perf_counter()
        try:
            return super().boundary(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


#: The published run's sizes, and the smoke mode's.
FULL = {"n": 2000, "grid": 50, "repeats": 3, "params": {}}
SMOKE = {
    "n": 300,
    "grid": 10,
    "repeats": 1,
    "params": {"steps": 6, "retrain_steps": 4, "patience": 3, "symbolic_points": 50, "symbolic_steps": 3},
}


def _recorder(preset, grid_points: int, cls=SnapshotRecorder, cadence: int | None = None) -> SnapshotRecorder:
    grid = preset.mixture.grid(preset.bounds, grid_points)
    return cls(grid.axes[0], grid.axes[1], grid.z, cadence=cadence)


def main(smoke: bool = False) -> list[tuple[str, str]]:
    size: dict[str, Any] = SMOKE if smoke else FULL
    params = size["params"]
    preset = get_preset("original")
    X, _ = preset.mixture.sample(size["n"], seed=0)
    X_test, _ = preset.mixture.sample(size["n"], seed=1)
    target = preset.mixture.pdf
    rows: list[tuple[str, str]] = []

    plain, recorded = [], []
    for _ in range(size["repeats"]):
        start = time.perf_counter()
        KANRegressor(stages=STAGES_NO_SYMBOLIC, **params).fit(X, target=target, seed=0)
        plain.append(time.perf_counter() - start)
        rec = _recorder(preset, size["grid"])
        start = time.perf_counter()
        KANRegressor(stages=STAGES_NO_SYMBOLIC, **params).fit(X, target=target, seed=0, recorder=rec)
        recorded.append(time.perf_counter() - start)
    rows.append((f"fit without recorder (s, best of {size['repeats']})", f"{min(plain):.2f}"))
    rows.append((f"fit with recorder (s, best of {size['repeats']})", f"{min(recorded):.2f}"))
    rows.append(("overhead, wall-time ratio", f"{min(recorded) / min(plain) - 1:.1%} (budget 15%)"))

    probe = KANRegressor(stages=[*STAGES_NO_SYMBOLIC, "symbolic"], **params).fit(X, target=target, seed=0)
    rec = _recorder(preset, size["grid"], _TimedRecorder, cadence=max(1, probe.n_steps_ // 100))
    est = KANRegressor(stages=[*STAGES_NO_SYMBOLIC, "symbolic"], **params)
    start = time.perf_counter()
    est.fit(X, target=target, seed=0, recorder=rec)
    total = time.perf_counter() - start
    symbolic_seconds = est.stage_seconds_.get("symbolic", 0.0)
    training = total - rec.seconds - symbolic_seconds
    rows.append(("published run, all stages (s)", f"{total:.2f} (budget 90)"))
    rows.append(("  of which symbolic step (s)", f"{symbolic_seconds:.2f}"))
    rows.append(("overhead, in-run ratio (recorder / training)", f"{rec.seconds / training:.1%} (budget 15%)"))
    text = json.dumps(
        rec.to_dict({"dataset": "original", "method": "kan", "task": "regression", "seed": 0}), separators=(",", ":")
    )
    rows.append(("frames", f"{rec.n_frames} (budget >= 100), cadence {rec.cadence}"))
    rows.append(("JSON raw (MB)", f"{len(text) / 1e6:.3f}"))
    rows.append(("JSON gzipped (MB)", f"{len(gzip.compress(text.encode())) / 1e6:.3f} (budget 1.5)"))
    truth = target(X_test)
    formula = ((est.symbolic_density(X_test) - truth) ** 2).mean() ** 0.5
    constant = ((target(X).mean() - truth) ** 2).mean() ** 0.5
    rows.append(("symbolic formula test RMSE / best constant", f"{formula:.4f} / {constant:.4f}"))
    return rows


if __name__ == "__main__":
    for label, value in main(smoke="--smoke" in sys.argv[1:]):
        print(f"{label:<48} {value}")
