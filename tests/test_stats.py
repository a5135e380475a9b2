"""Intervals stay inside the metric's range; verdicts come from the paired test."""

from __future__ import annotations

import numpy as np
import pytest

from ggmm.stats import bootstrap_interval, paired_difference, verdict


def t_interval(values: np.ndarray) -> tuple[float, float]:
    from scipy import stats

    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean() - half, values.mean() + half


def test_bootstrap_interval_never_leaves_the_range_of_a_skewed_metric() -> None:
    # five RMSEs of a method that sometimes lands in a bad local optimum: a t-interval on
    # these goes below 0, which no RMSE can
    rmse = np.array([0.02, 0.025, 0.03, 1.4, 0.021])
    assert t_interval(rmse)[0] < 0
    ci = bootstrap_interval(rmse)
    assert rmse.min() <= ci["lo"] <= ci["mean"] <= ci["hi"] <= rmse.max()
    assert ci["n"] == 5 and ci["mean"] == pytest.approx(rmse.mean())


def test_bootstrap_interval_is_reproducible_and_covers_about_95_percent() -> None:
    assert bootstrap_interval([1.0, 2.0, 4.0]) == bootstrap_interval([1.0, 2.0, 4.0])
    assert bootstrap_interval([3.0])["lo"] == bootstrap_interval([3.0])["hi"] == 3.0
    # coverage on normal samples of size 10: the percentile bootstrap is known to undercover a
    # little at small n; over 400 repetitions its coverage should lie in [0.85, 0.98]
    # (a binomial 400-trial band of +-3.5 standard errors around 0.92)
    rng = np.random.default_rng(0)
    covered = 0
    for _ in range(400):
        ci = bootstrap_interval(rng.normal(1.0, 1.0, 10), n_boot=2000, seed=int(rng.integers(1 << 30)))
        covered += ci["lo"] <= 1.0 <= ci["hi"]
    assert 0.85 <= covered / 400 <= 0.98


def test_paired_test_decides_where_unpaired_intervals_overlap() -> None:
    # Per-seed NLLs of two methods: the seeds differ a lot (test sets of varying difficulty),
    # but a is lower than b on every seed by about 0.01.
    base = np.array([2.40, 2.55, 2.47, 2.62, 2.51, 2.44, 2.58, 2.49, 2.53, 2.60])
    a = base + np.array([0.000, 0.002, -0.001, 0.001, 0.000, 0.002, -0.001, 0.001, 0.000, 0.001])
    b = base + 0.010
    lo_a, hi_a = t_interval(a)
    lo_b, hi_b = t_interval(b)
    assert lo_b < hi_a  # the two per-method intervals overlap: an unpaired reading says "tied"
    diff = paired_difference(a, b)
    assert diff["verdict"] == "better" and diff["hi"] < 0
    assert diff["wins_a"] == 10 and diff["wins_b"] == 0
    assert paired_difference(b, a)["verdict"] == "worse"


def test_paired_test_says_tied_when_the_differences_go_both_ways() -> None:
    a = np.array([1.0, 1.1, 0.9, 1.05, 0.95])
    b = np.array([1.02, 1.08, 0.93, 1.03, 0.96])
    diff = paired_difference(a, b)
    assert diff["verdict"] == "tied" and diff["lo"] < 0 < diff["hi"]
    assert diff["wins_a"] + diff["wins_b"] + diff["ties"] == 5


def test_log_scale_comparison_is_a_ratio() -> None:
    a = np.array([0.010, 0.012, 0.011, 0.009])
    b = 2.0 * a
    diff = paired_difference(a, b, log=True)
    assert diff["ratio"] == pytest.approx(0.5)
    assert diff["ratio_lo"] == pytest.approx(0.5) and diff["ratio_hi"] == pytest.approx(0.5)
    assert diff["verdict"] == "better"  # a is half of b on every seed
    with pytest.raises(ValueError, match="positive"):
        paired_difference([0.0, 1.0], [1.0, 1.0], log=True)


def test_verdict_words_and_bad_input() -> None:
    assert verdict({"lo": -0.3, "hi": -0.1}) == "better"
    assert verdict({"lo": 0.1, "hi": 0.3}) == "worse"
    assert verdict({"lo": -0.1, "hi": 0.3}) == "tied"
    with pytest.raises(ValueError, match="same length"):
        paired_difference([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="2 seeds"):
        paired_difference([1.0], [2.0])
    with pytest.raises(ValueError, match="finite"):
        bootstrap_interval([1.0, float("nan")])
