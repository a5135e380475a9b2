"""Every estimator ``ggmm.estimators`` exports follows one contract (``ggmm.estimators.base``).

Each class goes through the same checks at tiny sizes: scikit-learn's conventions (``fit``
returns self, ``get_params``/``set_params``/``clone``), determinism, clear errors on bad
samples, its declared tags honoured, and its one fit report. A new estimator is picked up
here without any change (a tiny setting in :data:`TINY` only keeps it quick).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import sklearn.base

import ggmm.estimators as estimators
from ggmm import get_preset
from ggmm.estimators import BaseEstimator, EarlyStopping, FitReport, MLPRegressor, NotFittedError, data_box
from ggmm.snapshots import SnapshotRecorder, validate_snapshots

TRUTH = get_preset("original").mixture
X, _ = TRUTH.sample(200, seed=0)
X_CHECK, _ = TRUTH.sample(50, seed=1)

#: Small settings that keep each fit under a second or two (the defaults otherwise).
TINY: dict[str, dict[str, Any]] = {
    "KANDensityEstimator": {"steps": 10, "grid": 5, "quad_points": 16},
    "KAMixtureKAN": {"steps": 10, "grid": 10},
    "KANRegressor": {"steps": 10, "retrain_steps": 5, "refine_grid": 6},
    "MLPRegressor": {"hidden": [8], "steps": 20},
}

EXPORTED = sorted(
    name
    for name in estimators.__all__
    if isinstance(getattr(estimators, name), type)
    and issubclass(getattr(estimators, name), BaseEstimator)
    and getattr(estimators, name) is not BaseEstimator
)
#: The exported estimators and those in a module of their own (found by name)
CLASSES = sorted(estimators.estimator_names())


def test_the_registry_lists_every_estimator() -> None:
    """The estimators the package ships (``ESTIMATORS``) are exactly the exported estimator classes."""
    assert sorted(estimators.ESTIMATORS) == EXPORTED


def test_an_estimator_in_a_module_of_its_own_is_found_by_name() -> None:
    """The example estimator is not listed or imported by the package, and still found (one new file)."""
    assert "HistogramDensity" not in estimators.ESTIMATORS and "HistogramDensity" in CLASSES
    assert estimators.module_name("HistogramDensity") == "histogram_density"
    assert estimators.module_name("KDEPlus") == "kde_plus"
    assert estimators.estimator_class("HistogramDensity") is estimators.HistogramDensity


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("NoSuchDensity", "no ggmm/estimators/no_such_density.py"),
        ("histogram", "not one of EMEstimator"),
        ("_Private", "not one of EMEstimator"),
        ("FitReport", "no ggmm/estimators/fit_report.py"),
    ],
)
def test_an_unknown_estimator_name_says_where_it_was_looked_for(name: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        estimators.estimator_class(name)


def make(name: str) -> Any:
    cls = getattr(estimators, name)
    params = dict(TINY.get(name, {}))
    if cls.tags.n_components:
        params["n_components"] = TRUTH.n_components
    return cls(**params)


def fit_kwargs(est: Any) -> dict[str, Any]:
    return {} if est.tags.normalized else {"target": TRUTH.pdf}


def recorder() -> SnapshotRecorder:
    grid = TRUTH.grid(data_box(X, 0.2), 12)
    return SnapshotRecorder(grid.axes[0], grid.axes[1], grid.z, cadence=2)


class Fitted:
    """Two fits of one class with the same seed: the first with a progress callback and a
    recorder where tagged, the second plain."""

    def __init__(self, name: str) -> None:
        self.calls: list[tuple[int, int]] = []
        self.recorder = recorder()
        self.first, self.second = make(name), make(name)
        extra: dict[str, Any] = {}
        if self.first.tags.progress:
            extra["progress"] = lambda done, total: self.calls.append((done, total))
        if self.first.tags.snapshots is not None:
            extra["recorder"] = self.recorder
        self.returned = self.first.fit(X, seed=3, **fit_kwargs(self.first), **extra)
        self.second.fit(X, seed=3, **fit_kwargs(self.second))


_FITTED: dict[str, Fitted] = {}


def fitted(name: str) -> Fitted:
    if name not in _FITTED:
        _FITTED[name] = Fitted(name)
    return _FITTED[name]


@pytest.mark.parametrize("name", CLASSES)
def test_fit_returns_self_and_is_deterministic(name: str) -> None:
    f = fitted(name)
    assert f.returned is f.first
    assert isinstance(f.first.n_parameters_, int) and f.first.n_parameters_ > 0
    density = f.first.density(X_CHECK)
    assert density.shape == (len(X_CHECK),) and np.all(np.isfinite(density)) and np.all(density >= 0)
    # the same seed gives the same density, whether or not progress and snapshots were taken
    np.testing.assert_array_equal(density, f.second.density(X_CHECK))


@pytest.mark.parametrize("name", CLASSES)
def test_unfitted_use_is_refused(name: str) -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        make(name).density(X_CHECK)
    with pytest.raises(NotFittedError):
        make(name).fit_report()


@pytest.mark.parametrize(
    "bad, problem",
    [
        (X[None], "shape"),
        (X[:, 0], "shape"),
        (np.where(np.arange(len(X))[:, None] == 5, np.nan, X), "finite"),
        (X[:1], "sample"),
    ],
    ids=["3-D", "1-D", "NaN", "one sample"],
)
@pytest.mark.parametrize("name", CLASSES)
def test_bad_samples_raise_a_clear_error(name: str, bad: np.ndarray, problem: str) -> None:
    est = make(name)
    with pytest.raises(ValueError, match=problem):
        est.fit(bad, seed=0, **fit_kwargs(est))


@pytest.mark.parametrize("name", CLASSES)
def test_params_round_trip_through_sklearn(name: str) -> None:
    est = make(name)
    params = est.get_params()
    twin = sklearn.base.clone(est)
    assert type(twin) is type(est) and twin.get_params() == params
    assert twin.set_params(**params) is twin and twin.get_params() == params
    with pytest.raises(ValueError, match="Invalid parameter"):
        twin.set_params(no_such_parameter=1)
    # hyperparameters only: a clone of a fitted estimator is unfitted
    assert sklearn.base.clone(fitted(name).first).n_parameters_ is None


@pytest.mark.parametrize("name", CLASSES)
def test_tags_name_real_parameters(name: str) -> None:
    tags, params = getattr(estimators, name).tags, make(name).get_params()
    assert tags.kind in ("density", "regressor")
    assert tags.n_components == ("n_components" in params)
    assert set(tags.budget) <= set(params) and all(isinstance(params[p], int) for p in tags.budget)
    assert tags.scaling in (None, "grid", "width")
    assert tags.scaling != "grid" or "grid_schedule" in params
    assert tags.scaling != "width" or "hidden" in params


@pytest.mark.parametrize("name", CLASSES)
def test_kind_decides_target_and_logpdf(name: str) -> None:
    est = make(name)
    if est.tags.normalized:
        assert isinstance(est, estimators.DensityEstimator)
        np.testing.assert_allclose(np.exp(fitted(name).first.logpdf(X_CHECK)), fitted(name).first.density(X_CHECK))
    else:
        assert isinstance(est, estimators.DensityRegressor) and not hasattr(est, "logpdf")
        with pytest.raises(TypeError, match="target"):
            est.fit(X, seed=0)


def midpoint_integral(logpdf: Callable[[np.ndarray], np.ndarray], box: np.ndarray, n: int) -> float:
    """The midpoint rule with n x n cells over a 2-D box."""
    axes = [lo + (np.arange(n) + 0.5) * (hi - lo) / n for lo, hi in box]
    mesh = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 2)
    cell = float(np.prod((box[:, 1] - box[:, 0]) / n))
    return float(np.exp(logpdf(mesh)).sum() * cell)


@pytest.mark.parametrize("name", [n for n in CLASSES if getattr(estimators, n).tags.normalized])
def test_density_estimators_integrate_to_one(name: str) -> None:
    """The integral over a box around the samples, by the midpoint rule, is 1 within the rule's
    own error estimate: the change from n to 2n cells per axis (discretization; the midpoint
    rule's error shrinks 4-fold, so the change bounds the finer rule's error) plus the change
    from the box to one twice as wide (the mass outside the box, which decays at least
    geometrically for every estimator's tails)."""
    est = fitted(name).first
    box, wide = data_box(X, 0.5), data_box(X, 1.5)
    coarse, fine = midpoint_integral(est.logpdf, wide, 200), midpoint_integral(est.logpdf, wide, 400)
    inner = midpoint_integral(est.logpdf, box, 400)
    tolerance = abs(fine - coarse) + abs(fine - inner)
    assert abs(fine - 1.0) <= tolerance + 1e-9, (fine, coarse, inner)


@pytest.mark.parametrize("name", CLASSES)
def test_progress_and_snapshots_iff_tagged(name: str) -> None:
    f = fitted(name)
    tags = f.first.tags
    if tags.progress:
        assert f.calls and all(0 <= done <= total for done, total in f.calls)
    else:
        with pytest.raises(TypeError, match="progress"):
            make(name).fit(X, seed=0, progress=lambda done, total: None, **fit_kwargs(f.first))
    if tags.snapshots is not None:
        doc = f.recorder.to_dict({"dataset": "original", "method": name, "task": tags.snapshots, "seed": 3})
        validate_snapshots(doc)
        assert len(f.recorder.frames) >= 2
    else:
        with pytest.raises(TypeError, match="recorder"):
            make(name).fit(X, seed=0, recorder=recorder(), **fit_kwargs(f.first))


@pytest.mark.parametrize("name", CLASSES)
def test_fit_report_is_the_one_record(name: str) -> None:
    est = fitted(name).first
    report = est.fit_report()
    assert type(report) is FitReport and report.n_parameters == est.n_parameters_
    assert (report.mixture is not None) == est.tags.mixture
    if report.mixture is not None:
        assert report.mixture.n_components == TRUTH.n_components and report.mixture.n_features == 2
    if est.tags.neural:
        assert report.n_steps is not None and report.best_steps and report.stages


def test_early_stopping_keeps_the_best_state_and_stops_after_patience() -> None:
    stopper = EarlyStopping(patience=30, every=10)
    losses = {10: 1.0, 20: 0.5, 30: 0.6, 40: 0.7, 50: 0.8}
    stopped = [step for step, loss in losses.items() if stopper.update(step, loss, lambda s=step: s)]
    assert stopper.best_step == 20 and stopper.best_state == 20 and stopped == [50]
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)


def test_networks_stop_early_on_the_validation_loss() -> None:
    est = MLPRegressor(hidden=[8], steps=3000, patience=50).fit(X, target=TRUTH.pdf, seed=0)
    assert est.fit_report().best_steps == {"train": est.best_steps_["train"]}
    assert est.best_steps_["train"] < 3000
