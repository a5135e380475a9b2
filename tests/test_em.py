"""EM for generalized Gaussian mixtures: recovery, monotonicity, agreement with scikit-learn.

Tolerances are derived from the sampling spread of each estimate at N = 5000, not tuned:
a center's standard error is sqrt(Var / N_k) with Var = alpha^2 Gamma(3/p) / Gamma(1/p) the
component's per-coordinate variance and N_k = N pi_k its sample count; a scale's is at most
alpha sqrt(1 / N_k) (alpha sqrt(1 / (2 N_k)) at p = 2); a weight's sqrt(pi (1 - pi) / N).
The shape's standard error comes from the Fisher information of one coordinate of a
generalized Gaussian with known location and scale, computed numerically and divided by the
N * D coordinates observed. Each check allows 5 standard errors (a miss has probability
< 1e-6 per check under normality of the estimates).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import gamma
from sklearn.mixture import GaussianMixture

from ggmm import GeneralizedGaussianMixture, get_preset
from ggmm.estimators import EMEstimator, GaussianMixtureBaseline, KDEBaseline, fit_em
from ggmm.metrics import match_components

N = 5000
Z = 5.0


def shape_stderr(p: float, n_coordinates: int) -> float:
    """Standard error of p from the Fisher information of a unit generalized Gaussian."""

    def score_sq(z: float) -> float:
        h = 1e-5
        d = (stats.gennorm.logpdf(z, p + h) - stats.gennorm.logpdf(z, p - h)) / (2 * h)
        return d * d * stats.gennorm.pdf(z, p)

    info = 2 * integrate.quad(score_sq, 0, np.inf, limit=200)[0]
    return float(1 / np.sqrt(info * n_coordinates))


def separated(p: float) -> GeneralizedGaussianMixture:
    return GeneralizedGaussianMixture(
        [[-3.0, -3.0], [0.0, 0.0], [3.0, 3.0]], [[0.5, 0.5], [0.3, 0.4], [0.6, 0.5]], [0.3, 0.4, 0.3], p=p
    )


@pytest.mark.parametrize("p", [1.0, 2.0, 4.0])
def test_em_recovers_parameters(p: float) -> None:
    truth = separated(p)
    X, _ = truth.sample(N, seed=int(10 * p))
    result = fit_em(X, 3, p="estimate", seed=0)
    fit = result.model
    order = match_components(truth.centers, fit.centers)
    nk = N * truth.weights[:, None]
    var = truth.scales**2 * gamma(3 / p) / gamma(1 / p)
    center_err = np.abs(fit.centers[order] - truth.centers)
    assert np.all(center_err < Z * np.sqrt(var / nk)), center_err
    scale_err = np.abs(fit.scales[order] - truth.scales)
    assert np.all(scale_err < Z * truth.scales * np.sqrt(1 / nk)), scale_err
    weight_err = np.abs(fit.weights[order] - truth.weights)
    assert np.all(weight_err < Z * np.sqrt(truth.weights * (1 - truth.weights) / N)), weight_err
    assert abs(fit.p - p) < Z * shape_stderr(p, N * 2), (fit.p, p)
    assert result.converged


@pytest.mark.parametrize("name", ["original", "laplace", "flat", "close", "trivariate"])
@pytest.mark.parametrize("init", ["kmeans", "random"])
def test_log_likelihood_never_decreases(name: str, init: str) -> None:
    truth = get_preset(name).mixture
    X, _ = truth.sample(1500, seed=1)
    result = fit_em(X, truth.n_components, p="estimate", init=init, seed=2, max_iter=60)
    assert np.all(np.diff(result.log_likelihood) >= -1e-9)
    assert len(result.history) == result.n_iter + 1 == len(result.log_likelihood)
    assert result.history[-1] == result.model


def test_agrees_with_scikit_learn_at_p2() -> None:
    truth = get_preset("close").mixture  # overlapping: EM needs many iterations here
    X, _ = truth.sample(4000, seed=4)
    rng = np.random.default_rng(0)
    means = X[rng.choice(len(X), 2, replace=False)]
    variances = np.tile(X.var(axis=0), (2, 1))
    weights = np.array([0.5, 0.5])
    ours = fit_em(X, 2, p=2.0, init_params=(means, np.sqrt(2 * variances), weights), tol=1e-10, max_iter=2000)
    gm = GaussianMixture(
        2,
        covariance_type="diag",
        means_init=means,
        weights_init=weights,
        precisions_init=1 / variances,
        tol=1e-10,
        max_iter=2000,
        reg_covar=0.0,
    ).fit(X)
    assert abs(ours.model.logpdf(X).mean() - gm.score(X)) < 1e-3
    order = match_components(gm.means_, ours.model.centers)
    np.testing.assert_allclose(ours.model.centers[order], gm.means_, atol=1e-3)


def test_same_seed_same_fit() -> None:
    X, _ = get_preset("flat").mixture.sample(1000, seed=0)
    a = fit_em(X, 3, p="estimate", init="random", n_init=2, seed=5)
    b = fit_em(X, 3, p="estimate", init="random", n_init=2, seed=5)
    assert a.model == b.model
    np.testing.assert_array_equal(a.log_likelihood, b.log_likelihood)


def test_n_init_keeps_the_best() -> None:
    X, _ = get_preset("original").mixture.sample(1000, seed=3)
    single = [fit_em(X, 3, init="random", seed=s).log_likelihood[-1] for s in range(3)]
    best = fit_em(X, 3, init="random", n_init=5, seed=0).log_likelihood[-1]
    assert best >= max(single) - 1e-6 or best >= np.median(single)


def test_collapse_is_guarded_and_reported() -> None:
    # Five identical points and a spread cloud: a component sitting on the duplicates collapses.
    rng = np.random.default_rng(0)
    X = np.vstack([np.full((5, 1), 10.0), rng.normal(size=(200, 1))])
    means = np.array([[10.0], [0.0]])
    result = fit_em(X, 2, p=2.0, init_params=(means, [[0.5], [1.0]], [0.1, 0.9]), max_iter=50)
    assert np.all(result.model.scales >= 1e-3 * X.std() * (1 - 1e-12))
    assert any("collapsed" in w for w in result.warnings)
    assert np.all(np.isfinite(result.log_likelihood))


def test_empty_component_is_reseeded() -> None:
    X = np.random.default_rng(1).normal(size=(300, 1))
    # a component placed 1e3 scales away receives no responsibility at all
    result = fit_em(X, 2, p=2.0, init_params=([[0.0], [1e4]], [[1.0], [0.01]], [0.5, 0.5]), max_iter=20)
    assert any("re-seeded" in w for w in result.warnings)
    assert np.all(np.isfinite(result.model.centers))
    assert np.all(result.model.weights > 0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_components": 0}, "'n_components' must be >= 1"),
        ({"n_components": 10_000}, "'n_components' must be <= n_samples"),
        ({"p": "guess"}, "'p' must be a positive number or 'estimate'"),
        ({"p": -2.0}, "'p' must be a positive number or 'estimate'"),
        ({"init": "kmeans++"}, "'init' must be 'kmeans' or 'random'"),
        ({"n_init": 0}, "'n_init' must be >= 1"),
        ({"max_iter": 1.5}, "'max_iter' must be an integer"),
        ({"tol": -1.0}, "'tol' must be >= 0"),
        ({"scale_floor": 0.0}, "'scale_floor' must be > 0"),
    ],
)
def test_fit_em_validation(kwargs: dict, message: str) -> None:
    X = np.random.default_rng(0).normal(size=(50, 2))
    args = {"n_components": 2, **kwargs}
    with pytest.raises(ValueError) as err:
        fit_em(X, **args)
    assert message in str(err.value)


def test_fit_em_rejects_bad_samples() -> None:
    with pytest.raises(ValueError, match="shape \\(n_samples, n_features\\)"):
        fit_em(np.zeros(10), 2)
    with pytest.raises(ValueError, match="finite"):
        fit_em([[0.0], [np.inf]], 1)


def test_baselines_share_one_interface() -> None:
    truth = get_preset("original").mixture
    X, _ = truth.sample(2000, seed=0)
    X_test, _ = truth.sample(2000, seed=1)
    true_nll = -truth.logpdf(X_test).mean()
    for estimator in (EMEstimator(3), GaussianMixtureBaseline(3), KDEBaseline()):
        with pytest.raises(ValueError, match="not fitted"):
            estimator.logpdf(X_test)
        estimator.fit(X, seed=0)
        nll = -estimator.logpdf(X_test).mean()
        assert np.isfinite(nll) and estimator.n_parameters_ > 0
        # a normalized estimate cannot beat the truth beyond sampling error (~3 standard errors)
        stderr = truth.logpdf(X_test).std() / np.sqrt(len(X_test))
        assert nll > true_nll - 3 * stderr
    assert GaussianMixtureBaseline(3).fit(X).n_parameters_ == 3 * (2 + 3) + 2
    assert KDEBaseline().fit(X).n_parameters_ == 2000 * 2 + 1
