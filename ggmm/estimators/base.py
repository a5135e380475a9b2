"""The one estimator contract, in the manner of scikit-learn.

Every estimator is a :class:`BaseEstimator` (scikit-learn's ``BaseEstimator``, so
``get_params``, ``set_params`` and ``sklearn.base.clone`` work), constructed with its
hyperparameters only, stored unchanged under their own names. It declares what it is and
what ``fit`` takes in the class attribute ``tags`` (:class:`EstimatorTags`), and it reports
what it learned beyond the density through one method, :meth:`BaseEstimator.fit_report`,
returning one record (:class:`FitReport`). The pipeline (``build/jobs.py``) reads only the
tags and the record.

``fit(X, *, seed=0, **fit_params) -> self``
    ``X`` of shape (N, D) are samples of the unknown distribution. Regressors
    (``tags.kind == "regressor"``, which fit known density values, the original coursework's
    task) also take ``target``, a callable giving the true density at any points: the one
    place where the truth enters. ``progress`` (``tags.progress``) and ``recorder``
    (``tags.snapshots``) are taken only where tagged. Bad samples (wrong shape, NaN, too
    few) raise ``ValueError`` naming the problem.
``density(X) -> (N,)``
    The estimated density, >= 0 and finite.
``logpdf(X) -> (N,)`` (density estimators only)
    A normalized log-density on all of R^D.
``n_parameters_``
    Learned parameters, set by ``fit``; every fitted attribute ends with ``_``.
``fit_report() -> FitReport``
    What the fit learned and how it went; the fields the estimator does not produce are None.
``fit_work(N, D) -> dict``
    The work a fit would need where it can outgrow a machine (quadrature nodes, kernel
    evaluations), known before fitting; empty for most estimators.

The neural estimators hold out ``validation_fraction`` of ``X`` and stop on the
validation loss (:class:`EarlyStopping`); nothing else they see ever comes from test
data. :func:`check_is_fitted` is the one "is it fitted" check.

Adding an estimator
-------------------
One new module in ``ggmm/estimators/``, named after its class (``HistogramDensity`` in
``histogram_density.py``: :func:`ggmm.estimators.module_name`), plus one method entry in
``build/experiments.toml`` (named in a profile's ``methods`` to run it); neither the package's
``__init__`` nor the pipeline changes. ``ggmm/estimators/histogram_density.py`` is such an
estimator, kept as the example (the study does not run it): a histogram mixed with a wide
Gaussian, declaring ``tags = EstimatorTags(kind="density")`` and reporting its parameter count,
and in ``build/experiments.toml``::

    [methods.histogram]
    estimator = "HistogramDensity"
    family = "classical"
    label = { en = "Histogram", zh = "直方图" }
    params = { bins = 10 }

The tags say which of the pipeline's paths apply (the true K is passed as
``n_components`` only with ``tags.n_components``; a progress callback only with
``tags.progress``; a snapshot recorder only with ``tags.snapshots``); the contract test
(``tests/test_estimator_contract.py``) runs every estimator, exported or found by name, through the same checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
import sklearn.base

from .._validation import check_samples
from .contract import EstimatorTags, FitReport

__all__ = [
    "BaseEstimator",
    "DensityEstimator",
    "DensityMixin",
    "DensityRegressor",
    "EarlyStopping",
    "Estimator",
    "EstimatorTags",
    "FitReport",
    "NotFittedError",
    "check_is_fitted",
    "data_box",
    "split_validation",
]

Progress = Callable[[int, int], None]


class NotFittedError(ValueError):
    """An estimator was used before ``fit``."""


def check_is_fitted(estimator: Any) -> None:
    """Raise :class:`NotFittedError` unless ``estimator`` has been fitted (has ``n_parameters_``)."""
    if getattr(estimator, "n_parameters_", None) is None:
        raise NotFittedError(f"{type(estimator).__name__} is not fitted yet; call fit(X) first.")


@runtime_checkable
class Estimator(Protocol):
    """What every estimator offers once fitted."""

    tags: ClassVar[EstimatorTags]
    n_parameters_: int

    def fit(self, X: Any, *, seed: int = 0, **fit_params: Any) -> Estimator: ...

    def density(self, X: Any) -> np.ndarray: ...

    def fit_report(self) -> FitReport: ...


@runtime_checkable
class DensityEstimator(Estimator, Protocol):
    """An estimator of a normalized density from samples alone."""

    def logpdf(self, X: Any) -> np.ndarray: ...


@runtime_checkable
class DensityRegressor(Protocol):
    """A model fitted to known density values at the samples and over their domain; not normalized."""

    tags: ClassVar[EstimatorTags]
    n_parameters_: int

    def fit(
        self, X: Any, *, target: Callable[[np.ndarray], np.ndarray], seed: int = 0, **fit_params: Any
    ) -> DensityRegressor: ...

    def density(self, X: Any) -> np.ndarray: ...

    def fit_report(self) -> FitReport: ...


class BaseEstimator(sklearn.base.BaseEstimator):  # type: ignore[misc]
    """scikit-learn's estimator base with the contract's tags, fit report and fit work.

    Subclasses set ``tags`` and store every constructor argument unchanged under its name
    (validation may raise, but must not replace the value), so that ``get_params``,
    ``set_params`` and ``sklearn.base.clone`` round-trip.
    """

    tags: ClassVar[EstimatorTags] = EstimatorTags()
    n_parameters_: int | None = None

    def fit_report(self) -> FitReport:
        """What the fit learned beyond the density (:class:`FitReport`); subclasses add their fields."""
        check_is_fitted(self)
        return FitReport(n_parameters=int(self.n_parameters_ or 0))

    def fit_work(self, n_samples: int, n_features: int) -> dict[str, int]:
        """The work a fit on ``n_samples`` samples in ``n_features`` dimensions needs, by measure.

        Only measures that can outgrow a machine are reported: ``"quadrature_nodes"`` (the
        largest grid a numerical normalization evaluates) and ``"kernel_evaluations"`` (the
        pairwise kernel evaluations of a bandwidth search). Callers compare them with
        declared limits before fitting.

        Parameters
        ----------
        n_samples, n_features : int
            N and D of the training samples.

        Returns
        -------
        work : dict
            Measure name -> amount; empty when nothing grows faster than the data.
        """
        return {}


class DensityMixin:
    """``density`` as the exponential of ``logpdf``."""

    def logpdf(self, X: Any) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def density(self, X: Any) -> np.ndarray:
        """Estimated density, shape (N,), >= 0 and finite."""
        density: np.ndarray = np.exp(self.logpdf(X))
        return density


# ---------------------------------------------------------------------------
# Helpers shared by the neural estimators
# ---------------------------------------------------------------------------


def data_box(X: Any, margin: float) -> np.ndarray:
    """The samples' bounding box widened by ``margin`` times its width on every side.

    Parameters
    ----------
    X : array-like of shape (N, D)
    margin : float
        >= 0, a fraction of each axis's sample range.

    Returns
    -------
    bounds : ndarray of shape (D, 2)
        ``[low, high]`` per dimension; every sample lies strictly inside when margin > 0.
    """
    X = check_samples(X)
    if not margin >= 0:
        raise ValueError(f"The parameter 'margin' must be >= 0, but got {margin!r}.")
    lo, hi = X.min(axis=0), X.max(axis=0)
    width = np.maximum(hi - lo, 1e-9)
    return np.stack([lo - margin * width, hi + margin * width], axis=1)


def split_validation(X: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A random split of the samples into fitting and validation parts.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    fraction : float
        Share of the samples held out, in (0, 0.5].
    seed : int

    Returns
    -------
    X_fit : ndarray of shape (N - M, D)
    X_val : ndarray of shape (M, D)
        ``M = max(1, round(fraction * N))``.
    """
    if not 0 < fraction <= 0.5:
        raise ValueError(f"The parameter 'validation_fraction' must be in (0, 0.5], but got {fraction!r}.")
    if len(X) < 4:
        raise ValueError(f"At least 4 samples are needed to hold some out for validation, but got {len(X)}.")
    order = np.random.default_rng([seed, 0x5A11D]).permutation(len(X))
    n_val = max(1, int(round(fraction * len(X))))
    return X[order[n_val:]], X[order[:n_val]]


@dataclass
class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience`` steps; keep the best state.

    Parameters
    ----------
    patience : int
        Steps without an improvement of at least ``min_delta`` after which training stops.
    every : int
        The validation loss is computed every ``every`` steps (and at the last step).
    min_delta : float
        Smallest decrease that counts as an improvement.
    min_rel_delta : float
        Smallest decrease, as a share of the best loss's magnitude, that counts as an
        improvement (both thresholds apply; the larger wins).

    Attributes
    ----------
    best_loss, best_step : float, int
        The lowest validation loss seen and its step.
    history : list of (step, loss)
    """

    patience: int
    every: int = 10
    min_delta: float = 0.0
    min_rel_delta: float = 0.0
    best_loss: float = float("inf")
    best_step: int = 0
    best_state: Any = None
    history: list[tuple[int, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.patience < 1 or self.every < 1:
            raise ValueError(
                f"The parameters 'patience' and 'every' must be >= 1, but got {self.patience} and {self.every}."
            )

    def due(self, step: int, last: bool = False) -> bool:
        """Whether the validation loss should be computed after ``step``."""
        return last or step % self.every == 0

    def update(self, step: int, loss: float, state: Callable[[], Any]) -> bool:
        """Record the loss at ``step``; snapshot ``state()`` when it is the best so far.

        Returns
        -------
        stop : bool
            True when ``patience`` steps have passed since the best loss.
        """
        loss = float(loss)
        self.history.append((step, loss))
        margin = max(self.min_delta, self.min_rel_delta * abs(self.best_loss)) if np.isfinite(self.best_loss) else 0.0
        if np.isfinite(loss) and loss < self.best_loss - margin:
            self.best_loss, self.best_step, self.best_state = loss, step, state()
        return step - self.best_step >= self.patience
