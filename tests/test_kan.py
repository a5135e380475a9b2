"""KAN estimators: wrapper hygiene, the regression remedy, normalization, likelihood sanity and
read-back of the KA-structured model. Quick hyperparameters throughout; fixed seeds."""

from __future__ import annotations

import os
import random
import sys

import numpy as np
import pytest
import torch

from ggmm import get_preset
from ggmm.estimators import EMEstimator, KAMixtureKAN, KANDensityEstimator, KANRegressor, TaskData
from ggmm.estimators.kan_density import midpoint_grid

QUICK_REG = dict(steps=150, retrain_steps=100, refine_grid=8)
QUICK_DENSITY = dict(steps=150, grid=8, quad_points=24)
QUICK_KA = dict(steps=200, grid=30, quad_points=200)


@pytest.fixture(scope="module")
def original() -> TaskData:
    preset = get_preset("original")
    return TaskData.draw(preset.mixture, preset.bounds, 1000, 500, seed=0)


@pytest.fixture(scope="module")
def original_2000() -> TaskData:
    preset = get_preset("original")
    return TaskData.draw(preset.mixture, preset.bounds, 2000, 2000, seed=1)


def fine_grid(bounds: np.ndarray, n: int) -> np.ndarray:
    """Midpoints of an n x n partition of the box, shape (n * n, 2)."""
    U = midpoint_grid(n, bounds.shape[0]).numpy().astype(float)
    return bounds[:, 0] + (U + 1.0) / 2.0 * (bounds[:, 1] - bounds[:, 0])


def box_integral(estimator, bounds: np.ndarray, n: int) -> float:
    return float(estimator.density(fine_grid(bounds, n)).mean() * np.prod(bounds[:, 1] - bounds[:, 0]))


# ---------------------------------------------------------------------------
# Wrapper hygiene
# ---------------------------------------------------------------------------


def _rng_states() -> tuple:
    return np.random.get_state(), random.getstate(), torch.get_rng_state()


def test_fit_leaves_no_folders_and_no_global_state(original: TaskData, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    np.random.seed(123)
    random.seed(456)
    torch.manual_seed(789)
    before = _rng_states()
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    est = KANRegressor(steps=20, retrain_steps=10, refine_grid=8,
                       stages=["train", "prune", "refine", "retrain", "symbolic"],
                       symbolic_lib=["x", "x^2", "exp", "abs"], symbolic_points=50)
    est.fit(original, seed=3)
    KANDensityEstimator(steps=5, grid=5, quad_points=16).fit(original, seed=3)
    KAMixtureKAN(steps=5, grid=10, quad_points=50).fit(original, seed=3)
    assert os.listdir(tmp_path) == []  # no ./model, ./figures, ./video or anything else
    after = _rng_states()
    np.testing.assert_array_equal(before[0][1], after[0][1])
    assert before[0][2:] == after[0][2:]
    assert before[1] == after[1]
    assert torch.equal(before[2], after[2])
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic


def test_same_seed_same_density_different_seed_differs(original: TaskData) -> None:
    X = fine_grid(original.bounds, 30)
    tiny = dict(steps=30, retrain_steps=20, refine_grid=8)
    a = KANRegressor(**tiny).fit(original, seed=5).density(X)
    b = KANRegressor(**tiny).fit(original, seed=5).density(X)
    c = KANRegressor(**tiny).fit(original, seed=6).density(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    d1 = KANDensityEstimator(steps=20, grid=5, quad_points=16).fit(original, seed=5).density(X)
    d2 = KANDensityEstimator(steps=20, grid=5, quad_points=16).fit(original, seed=5).density(X)
    np.testing.assert_array_equal(d1, d2)


def test_progress_is_called_sparingly_reaches_the_end_and_is_not_muted(original: TaskData, capsys) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        print(f"progress {done}/{total}", file=sys.stderr)

    KANRegressor(steps=120, retrain_steps=80, refine_grid=8).fit(original, seed=0, progress=progress)
    assert 1 <= len(calls) <= 55
    assert calls[-1][0] == calls[-1][1] == 200
    err = capsys.readouterr().err
    assert "progress 200/200" in err  # the pipeline's progress reaches stderr
    assert "checkpoint" not in err and "saving model" not in err  # pykan's own prints do not


# ---------------------------------------------------------------------------
# Requirement 1: density regression is non-negative and sensible on the whole domain
# ---------------------------------------------------------------------------


def test_original_failure_and_remedy_measured_on_a_fine_grid(original: TaskData) -> None:
    X = fine_grid(original.bounds, 160)
    truth = original.mixture.pdf(X)
    peak = truth.max()
    off_data = truth < 1e-3 * peak
    # The original's setting: density values at the samples (inside the blobs) only, linear output.
    plain = KANRegressor(**QUICK_REG, output="linear", domain_points=0.0, log_weight=0.0).fit(original, seed=0)
    raw = plain.predict_raw(X)
    # The remedy: exp output (log-density network) and fitting points over the whole domain.
    remedy = KANRegressor(**QUICK_REG).fit(original, seed=0)
    density = remedy.density(X)
    # The contrast, measured: the plain fit goes negative by a sizeable fraction of the peak and
    # puts spurious mass off the data; the remedy is >= 0 everywhere by construction and keeps
    # the off-data prediction below 10% of the peak (no spurious blob), with a much lower error.
    assert raw.min() < -0.1 * peak
    assert np.all(density >= 0) and np.all(np.isfinite(density))
    assert density[off_data].max() < 0.1 * peak
    rmse_plain = np.sqrt(np.mean((np.clip(raw, 0, None) - truth) ** 2))
    rmse_remedy = np.sqrt(np.mean((density - truth) ** 2))
    assert rmse_remedy < 0.25 * rmse_plain
    # density() keeps the interface's promise for the plain model too (clipped at 0)
    assert plain.density(X).min() >= 0


def test_regressor_is_not_normalized(original: TaskData) -> None:
    est = KANRegressor(steps=5, retrain_steps=5, refine_grid=6).fit(original, seed=0)
    assert est.normalized is False and est.mixture is None
    with pytest.raises(ValueError, match="not normalized"):
        est.logpdf(original.X_test)


def test_parameter_count_is_live_edges_times_coefficients_plus_scales(original: TaskData) -> None:
    est = KANRegressor(steps=5, stages=["train"], grid=5).fit(original, seed=0)
    # [2, 5, 1]: 15 edges, each grid + k = 8 coefficients and 2 scales
    assert est.n_parameters == 15 * (5 + 3 + 2)


def test_symbolic_step_reports_its_fit_honestly(original: TaskData) -> None:
    est = KANRegressor(**QUICK_REG, stages=["train", "prune", "refine", "retrain", "symbolic"],
                       symbolic_lib=["x", "x^2", "exp", "abs"], symbolic_points=100).fit(original, seed=0)
    result = est.symbolic()
    assert set(result) == {"formula_latex", "rmse", "rmse_constant", "seconds"}
    assert isinstance(result["formula_latex"], str) and result["formula_latex"]
    assert np.isfinite(result["rmse"]) and result["rmse_constant"] > 0 and result["seconds"] > 0
    # the estimator itself keeps the spline model
    truth = original.mixture.pdf(original.X_test)
    assert np.sqrt(np.mean((est.density(original.X_test) - truth) ** 2)) < result["rmse_constant"]


def test_stage_names_are_checked() -> None:
    with pytest.raises(ValueError, match="stages"):
        KANRegressor(stages=["prune", "train"])
    with pytest.raises(ValueError, match="symbolic"):
        KANRegressor(stages=["train", "symbolic", "retrain"])


# ---------------------------------------------------------------------------
# Requirement 2: density estimation from samples alone
# ---------------------------------------------------------------------------


def test_density_estimator_integrates_to_one_on_a_ten_times_finer_grid(original: TaskData) -> None:
    est = KANDensityEstimator(**QUICK_DENSITY).fit(original, seed=0)
    n = 10 * est.training_quad_points(2)
    assert abs(box_integral(est, original.bounds, n) - 1.0) < 1e-3
    assert est.normalized is True
    np.testing.assert_allclose(np.exp(est.logpdf(original.X_test)), est.density(original.X_test))


@pytest.mark.parametrize("preset_name", ["original", "laplace"])
def test_heldout_nll_is_not_better_than_the_truth(preset_name: str) -> None:
    preset = get_preset(preset_name)
    data = TaskData.draw(preset.mixture, preset.bounds, 2000, 2000, seed=2)
    est = KANDensityEstimator(**QUICK_DENSITY).fit(data, seed=0)
    # Paired comparison on the same test samples: d_n = log q(x_n) - log P(x_n). For a normalized
    # q, E[d] = -KL(P || q) <= 0; its sample mean has standard error std(d) / sqrt(M). A mean
    # above 3 standard errors would mean q "beats" the truth: mass hidden from the quadrature.
    d = est.logpdf(data.X_test) - preset.mixture.logpdf(data.X_test)
    stderr = d.std(ddof=1) / np.sqrt(len(d))
    assert d.mean() < 3 * stderr
    assert abs(box_integral(est, data.bounds, 10 * est.training_quad_points(2)) - 1.0) < 1e-3


def test_density_estimator_runs_in_three_dimensions() -> None:
    preset = get_preset("trivariate")
    data = TaskData.draw(preset.mixture, preset.bounds, 500, 200, seed=0)
    est = KANDensityEstimator(steps=30, grid=5, quad_points=10).fit(data, seed=0)
    dens = est.density(data.X_test)
    assert dens.shape == (200,) and np.all(np.isfinite(dens)) and np.all(dens >= 0)
    # 10x more points than the 10^3 training nodes: 22^3 = 10648
    assert abs(box_integral(est, data.bounds, 22) - 1.0) < 1e-3


# ---------------------------------------------------------------------------
# Requirement 3: the KA-structured model
# ---------------------------------------------------------------------------


def test_ka_mixture_recovers_the_original_parameters(original_2000: TaskData) -> None:
    data, truth = original_2000, original_2000.mixture
    est = KAMixtureKAN(n_components=3, **QUICK_KA).fit(data, seed=0)
    mixture = est.mixture
    order = np.array([np.argmin(((mixture.centers - c) ** 2).sum(axis=1)) for c in truth.centers])
    assert sorted(order) == [0, 1, 2]
    # Tolerance per coordinate: 5 standard errors of a center estimate, sigma_kd / sqrt(N w_k),
    # with sigma the component's standard deviation (alpha / sqrt(2) at p = 2). The peak of a
    # learned spline is a less efficient estimator than the parametric MLE; 5 SE leaves room for
    # an efficiency down to about one half while keeping the chance of a false alarm over the
    # six coordinates below 1e-2.
    sigma = truth.scales / np.sqrt(2.0)
    tol = 5.0 * sigma / np.sqrt(len(data.X_train) * truth.weights[:, None])
    assert np.all(np.abs(mixture.centers[order] - truth.centers) < tol)
    assert np.all(np.abs(mixture.weights[order] - truth.weights) < 0.05)
    # EM at the same N for reference: the read-back centers are within a few EM errors
    em = EMEstimator(3, p=2.0).fit(data.X_train, seed=0).model
    em_order = np.array([np.argmin(((em.centers - c) ** 2).sum(axis=1)) for c in truth.centers])
    assert np.all(np.abs(em.centers[em_order] - truth.centers) < tol)


def test_ka_readback_curves_and_normalization(original_2000: TaskData) -> None:
    data = original_2000
    est = KAMixtureKAN(n_components=3, **QUICK_KA).fit(data, seed=0)
    result = est.readback()
    assert len(result["curves"]) == 3 * 2
    for curve in result["curves"]:
        assert set(curve) == {"component", "dim", "x", "learned", "fitted", "center", "scale", "p"}
        x, learned, fitted = map(np.asarray, (curve["x"], curve["learned"], curve["fitted"]))
        assert x.shape == learned.shape == fitted.shape
        assert x.min() <= curve["center"] <= x.max()
        # the fitted generalized-Gaussian log-curve explains most of the learned curve's variance
        # over the live range (whose ends, the 0.5% and 99.5% responsibility-weighted quantiles,
        # hold few samples, so the spline is loosely determined there)
        assert np.corrcoef(learned, fitted)[0, 1] ** 2 > 0.95
    # normalized: 1-D quadrature of 200 nodes per axis in training, checked on 10x more points in 2-D
    n = int(np.ceil(np.sqrt(10) * 200))
    assert abs(box_integral(est, data.bounds, n) - 1.0) < 1e-3
    assert est.n_parameters == 3 * 2 * (30 + 3) + 2


# ---------------------------------------------------------------------------
# Full ("published") hyperparameters: slow, excluded by default
# ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("preset_name", ["original", "laplace"])
def test_full_density_estimator_is_normalized_and_not_better_than_truth(preset_name: str) -> None:
    preset = get_preset(preset_name)
    data = TaskData.draw(preset.mixture, preset.bounds, 2000, 2000, seed=0)
    est = KANDensityEstimator().fit(data, seed=0)
    d = est.logpdf(data.X_test) - preset.mixture.logpdf(data.X_test)
    assert d.mean() < 3 * d.std(ddof=1) / np.sqrt(len(d))  # see the quick test for the reasoning
    assert abs(box_integral(est, data.bounds, 10 * est.training_quad_points(2)) - 1.0) < 1e-3


@pytest.mark.slow
def test_full_ka_mixture_recovers_the_original_parameters(original_2000: TaskData) -> None:
    truth = original_2000.mixture
    mixture = KAMixtureKAN(n_components=3).fit(original_2000, seed=0).mixture
    order = np.array([np.argmin(((mixture.centers - c) ** 2).sum(axis=1)) for c in truth.centers])
    tol = 5.0 * truth.scales / np.sqrt(2.0) / np.sqrt(len(original_2000.X_train) * truth.weights[:, None])
    assert np.all(np.abs(mixture.centers[order] - truth.centers) < tol)
    assert np.all(np.abs(mixture.weights[order] - truth.weights) < 0.05)


# ---------------------------------------------------------------------------
# Small pieces
# ---------------------------------------------------------------------------


def test_lean_evaluation_matches_pykans_forward(original: TaskData) -> None:
    from ggmm.estimators._kan_core import lean_forward

    est = KANRegressor(steps=20, stages=["train", "prune"]).fit(original, seed=0)
    U = torch.as_tensor(fine_grid(original.bounds, 20) / 4.0, dtype=torch.float32)
    with torch.no_grad():
        torch.testing.assert_close(lean_forward(est.model, U), est.model(U), rtol=0, atol=1e-6)


def test_task_data_draw_is_seeded_and_validated() -> None:
    preset = get_preset("original")
    a = TaskData.draw(preset.mixture, preset.bounds, 50, 20, seed=3)
    b = TaskData.draw(preset.mixture, preset.bounds, 50, 20, seed=3)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train[:20], a.X_test)
    with pytest.raises(ValueError, match="bounds"):
        TaskData(preset.mixture, np.array([[1.0, -1.0], [0.0, 1.0]]), a.X_train, a.X_test)
    with pytest.raises(ValueError, match="X_test"):
        TaskData(preset.mixture, preset.bounds, a.X_train, np.zeros((5, 3)))
