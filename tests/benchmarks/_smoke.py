"""What the benchmarks' smoke mode shares: a tiny experiment config (classical methods, one dataset).

Smoke mode runs every benchmark's code at sizes that take seconds, so that a benchmark broken by a
change fails the test suite (``tests/test_benchmarks_smoke.py``); its figures mean nothing.
"""

from __future__ import annotations

from pathlib import Path

TINY_PROFILE = "tiny"

TINY_CONFIG = """
[tuning]
candidates = 2

[profiles.tiny]
seeds = [0]
tuning_seeds = [100]
n_train = 200
n_test = 200
n_validation = 100
grid_resolution = 10
grid_resolution_3d = 4
workers = 1
datasets = ["original"]
methods = ["em", "kde"]
preset_samples = 10

[methods.em]
estimator = "EMEstimator"
family = "classical"
label = { en = "EM", zh = "EM 算法" }
params = { p = "estimate", init = "kmeans" }

[methods.kde]
estimator = "KDEBaseline"
family = "classical"
label = { en = "KDE", zh = "核密度" }
"""


def tiny_config(folder: Path) -> Path:
    """Write the tiny config into ``folder``; returns its path."""
    path = folder / "tiny.toml"
    path.write_text(TINY_CONFIG, encoding="utf-8")
    return path
