"""Every estimator follows one contract (``ggmm.estimators.base``)."""

from __future__ import annotations

import numpy as np
import pytest

from ggmm import get_preset
from ggmm.estimators import (
    DensityEstimator,
    DensityRegressor,
    EarlyStopping,
    EMEstimator,
    GaussianMixtureBaseline,
    KAMixtureKAN,
    KANDensityEstimator,
    KANRegressor,
    KDEBaseline,
    MLPRegressor,
    NotFittedError,
)

TRUTH = get_preset("original").mixture
X, _ = TRUTH.sample(300, seed=0)

DENSITY = [
    lambda: EMEstimator(3),
    lambda: GaussianMixtureBaseline(3),
    lambda: KDEBaseline(),
    lambda: KANDensityEstimator(steps=10, grid=5, quad_points=16),
    lambda: KAMixtureKAN(3, steps=10, grid=10, quad_points=50),
]
REGRESSORS = [
    lambda: KANRegressor(steps=10, retrain_steps=5, refine_grid=6),
    lambda: MLPRegressor(hidden=[8], steps=20),
]


@pytest.mark.parametrize("make", DENSITY)
def test_density_estimators(make) -> None:
    est = make()
    with pytest.raises(NotFittedError, match="not fitted"):
        est.logpdf(X)
    assert est.normalized is True
    assert est.fit(X, seed=0) is est
    assert isinstance(est, DensityEstimator)
    assert isinstance(est.n_parameters_, int) and est.n_parameters_ > 0
    np.testing.assert_allclose(np.exp(est.logpdf(X[:20])), est.density(X[:20]))
    # hyperparameters only in the constructor; clone gives a fresh, unfitted copy
    twin = est.clone()
    assert twin.get_params() == est.get_params() and twin.n_parameters_ is None


@pytest.mark.parametrize("make", REGRESSORS)
def test_regressors_take_the_target_by_name(make) -> None:
    est = make()
    with pytest.raises(NotFittedError):
        est.density(X)
    assert est.normalized is False
    assert est.fit(X, target=TRUTH.pdf, seed=0) is est
    assert isinstance(est, DensityRegressor)
    assert np.all(est.density(X[:20]) >= 0) and est.n_parameters_ > 0
    assert set(est.best_steps_) >= {"train"}


def test_fitted_attributes_end_with_an_underscore() -> None:
    est = KAMixtureKAN(3, steps=10, grid=10, quad_points=50).fit(X, seed=0)
    for name in ("domain_", "weights_init_", "best_steps_", "n_parameters_", "mixture_", "weights_"):
        assert hasattr(est, name)
    em = EMEstimator(3).fit(X, seed=0)
    assert em.mixture_.n_components == 3 and em.result_.n_iter >= 1


def test_clone_rejects_unknown_parameters() -> None:
    with pytest.raises(ValueError, match="no parameter"):
        KDEBaseline().clone(kernel="tophat")


def test_early_stopping_keeps_the_best_state_and_stops_after_patience() -> None:
    stopper = EarlyStopping(patience=30, every=10)
    losses = {10: 1.0, 20: 0.5, 30: 0.6, 40: 0.7, 50: 0.8}
    stopped = [step for step, loss in losses.items() if stopper.update(step, loss, lambda s=step: s)]
    assert stopper.best_step == 20 and stopper.best_state == 20 and stopped == [50]
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)


def test_networks_stop_early_on_the_validation_loss() -> None:
    est = MLPRegressor(hidden=[8], steps=3000, patience=50).fit(X, target=TRUTH.pdf, seed=0)
    assert est.best_steps_["train"] < 3000
