"""Intervals stay inside the metric's range; verdicts come from the paired test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ggmm.stats import adjusted_verdict, bootstrap_interval, holm, paired_difference, verdict


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


# -- many comparisons at once ------------------------------------------------------


def holm_step_down(p: list[float], alpha: float) -> set[int]:
    """Holm's procedure as first stated: walk the sorted p-values, reject while p_(k) <= alpha / (m - k + 1)."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    rejected: set[int] = set()
    for k, i in enumerate(order):
        if p[i] > alpha / (len(p) - k):
            break
        rejected.add(i)
    return rejected


def test_holm_by_hand() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04; times 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04; running maximum:
    # 0.02, 0.03, 0.06, 0.06; back in the order given:
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # ties and the cap at 1: sorted 0.01, 0.2, 0.2, 0.5, 0.9; times 5..1: 0.05, 0.8, 0.6, 1.0, 0.9;
    # running maximum 0.05, 0.8, 0.8, 1.0, 1.0
    assert holm([0.5, 0.2, 0.2, 0.01, 0.9]) == pytest.approx([1.0, 0.8, 0.8, 0.05, 1.0])
    assert holm([0.03]) == [0.03]  # a family of one is not adjusted
    assert holm([]) == []


def test_holm_rejects_what_the_step_down_procedure_rejects() -> None:
    rng = np.random.default_rng(1)
    for _ in range(300):
        m = int(rng.integers(1, 25))
        p = (rng.uniform(0, 1, m) ** rng.uniform(1, 6)).tolist()  # many small ones, some ties by rounding
        p = [round(v, 3) for v in p]
        adjusted = holm(p)
        for alpha in (0.01, 0.05, 0.1):
            assert {i for i, q in enumerate(adjusted) if q <= alpha} == holm_step_down(p, alpha)


def test_holm_is_monotone_and_never_lowers_a_p_value() -> None:
    rng = np.random.default_rng(2)
    for _ in range(200):
        p = rng.uniform(0, 1, int(rng.integers(2, 30))) ** 3
        adjusted = np.array(holm(p))
        assert np.all(adjusted >= p) and np.all(adjusted <= 1.0)
        order = np.argsort(p, kind="stable")
        assert np.all(np.diff(adjusted[order]) >= 0), "a smaller p never gets a larger adjusted p"
        # a larger family never adjusts less
        assert np.all(np.array(holm(np.append(p, 0.5)))[:-1] >= adjusted - 1e-15)
    with pytest.raises(ValueError, match="p_values"):
        holm([0.2, 1.5])


def test_paired_p_value_is_the_paired_t_test_and_agrees_with_the_interval() -> None:
    from scipy import stats

    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(2, 15))
        a = rng.normal(0, 1, n)
        b = a + rng.normal(rng.normal(0, 0.5), 0.5, n)
        diff = paired_difference(a, b)
        assert diff["p_value"] == pytest.approx(stats.ttest_rel(a, b).pvalue, rel=1e-9)
        assert (diff["p_value"] < 0.05) == (diff["verdict"] != "tied")
    assert paired_difference([1.0, 2.0], [1.5, 2.5])["p_value"] == 0.0  # the same difference on every seed
    assert paired_difference([1.0, 2.0], [1.0, 2.0])["p_value"] == 1.0


def test_adjusted_verdict_keeps_the_verdict_or_ties() -> None:
    better = {"mean": -0.2, "lo": -0.3, "hi": -0.1, "verdict": "better"}
    assert adjusted_verdict(better, 0.01) == "better"
    assert adjusted_verdict(better, 0.05) == "tied"  # at the level: not below it
    assert adjusted_verdict({"mean": 0.2}, 0.049) == "worse"
    assert adjusted_verdict({"mean": 0.2}, 0.3) == "tied"
    with pytest.raises(ValueError, match="p_adjusted"):
        adjusted_verdict(better, 1.2)


def _rows(shifts: dict[tuple[str, str], float], seeds: int = 6) -> list[dict[str, Any]]:
    rng = np.random.default_rng(4)
    rows = []
    for dataset in ("d1", "d2"):
        base = rng.uniform(0.5, 1.5, seeds)
        for method in ("a", "b"):
            shift = shifts.get((dataset, method), 0.0)
            for s in range(seeds):
                noise = rng.normal(0, 0.01)
                rows.append(
                    {
                        "dataset": dataset,
                        "method": method,
                        "seed": s,
                        "nll": base[s] + shift + noise,
                        "rmse_test": np.exp(base[s] + shift + noise),
                        "rmse_grid": np.exp(base[s] + noise),
                    }
                )
    return rows


def test_paired_comparisons_adjust_within_each_declared_family() -> None:
    from ggmm_build.config import Comparison, Correction
    from ggmm_build.export import paired_comparisons

    label = {"en": "x", "zh": "x"}
    declared = [
        Comparison("nll", "a", "b", "nll", label),
        Comparison("rmse", "a", "b", "rmse_test", label),
        Comparison("grid", "a", "b", "rmse_grid", label, "secondary"),
    ]
    rows = _rows({("d1", "a"): -0.3, ("d2", "a"): 0.011})
    for family, n_families in (("all", 2), ("comparison", 3)):
        out, correction = paired_comparisons(rows, ["d1", "d2"], declared, Correction("holm", family))
        assert len(out) == 6 and len(correction["families"]) == n_families
        assert sum(f["n_tests"] for f in correction["families"]) == 6
        for f in correction["families"]:
            members = [x for x in out if x["family"] == f["name"]]
            assert {x["role"] for x in members} == {f["role"]}
            assert [x["p_adjusted"] for x in members] == pytest.approx(holm([x["p_value"] for x in members]))
        for x in out:
            assert x["verdict_adjusted"] in (x["verdict"], "tied")
            assert x["borderline"] == (x["verdict_adjusted"] != x["verdict"])
            assert x["verdict"] == verdict(x)
        assert {x["verdict"] for x in out if x["dataset"] == "d1" and x["role"] == "primary"} == {"better"}


def test_committed_comparisons_carry_their_adjustment(report_exports: Path) -> None:
    from ggmm_build.documents.exports import load_export

    doc = load_export(report_exports / "comparison.json")
    correction = doc["correction"]
    assert correction["method"] == "holm" and correction["level"] == 0.95
    for family in correction["families"]:
        members = [x for x in doc["comparisons"] if x["family"] == family["name"]]
        assert len(members) == family["n_tests"] and {x["role"] for x in members} == {family["role"]}
        # the exported p-values are rounded to 7 digits: Holm on them agrees to that precision
        assert [x["p_adjusted"] for x in members] == pytest.approx(holm([x["p_value"] for x in members]), rel=1e-5)
    for x in doc["comparisons"]:
        assert x["borderline"] == (x["verdict_adjusted"] != x["verdict"])
        assert x["verdict_adjusted"] == adjusted_verdict(x, x["p_adjusted"])
        assert (x["p_value"] < 0.05) == (x["verdict"] != "tied")
    # every regression comparison on test RMSE is read again on the grid RMSE, as a secondary comparison
    primary = {(x["dataset"], x["a"], x["b"]) for x in doc["comparisons"] if x["metric"] == "rmse_test"}
    grid = {(x["dataset"], x["a"], x["b"]) for x in doc["comparisons"] if x["metric"] == "rmse_grid"}
    assert primary == grid
    assert all(x["role"] == "secondary" for x in doc["comparisons"] if x["metric"] == "rmse_grid")


def test_the_full_profile_declares_its_correction() -> None:
    from ggmm_build.config import load_config

    profile = load_config("full")
    assert profile.correction.method == "holm" and profile.correction.family in ("all", "comparison")
    assert {c.role for c in profile.comparisons} == {"primary", "secondary"}
