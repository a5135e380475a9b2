"""The estimator contract's two declarations: what a class is and takes, what a fit reports.

:class:`EstimatorTags` is set once per estimator class (``tags``); :class:`FitReport` is what
``fit_report()`` returns. The pipeline reads nothing else about an estimator; see
:mod:`ggmm.estimators.base` for the whole contract and how to add an estimator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from ..distribution import GeneralizedGaussianMixture

__all__ = ["EstimatorTags", "FitReport"]

Density = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class EstimatorTags:
    """What an estimator is and what its constructor and ``fit`` take, declared per class.

    Attributes
    ----------
    kind : {"density", "regressor"}
        A density estimator learns a normalized ``logpdf`` from samples alone; a regressor
        fits known density values and takes the true density as ``fit(..., target=...)``.
    n_components : bool
        The constructor takes ``n_components`` (parametric methods get the true K).
    progress : bool
        ``fit`` takes ``progress``, a callable ``(done, total)`` it calls as it goes.
    snapshots : {"regression", "density", "ka"} or None
        ``fit`` takes ``recorder`` (a :class:`ggmm.snapshots.SnapshotRecorder`, 2-D data) and
        records training snapshots; the value is the snapshot document's ``run.task``.
    mixture : bool
        :meth:`BaseEstimator.fit_report` reads the parameters back: ``mixture`` is a fitted
        generalized Gaussian mixture.
    budget : tuple of str
        The integer constructor arguments that are step limits (tuning's rungs scale them).
    scaling : {"grid", "width"} or None
        How a scaling law grows the model: ``"grid"`` fits once along ``grid_schedule``
        (the report's ``grid_path``); ``"width"`` refits with every width of ``hidden``.
    neural : bool
        A torch network: its first fit in a process pays one-time imports (torch, pykan),
        which timed fits warm up first.
    """

    kind: Literal["density", "regressor"] = "density"
    n_components: bool = False
    progress: bool = False
    snapshots: Literal["regression", "density", "ka"] | None = None
    mixture: bool = False
    budget: tuple[str, ...] = ()
    scaling: Literal["grid", "width"] | None = None
    neural: bool = False

    @property
    def normalized(self) -> bool:
        """Whether the estimator gives a normalized density (``logpdf``)."""
        return self.kind == "density"


@dataclass(frozen=True)
class FitReport:
    """What a fitted estimator reports beyond its density; a field it does not produce is None.

    Attributes
    ----------
    n_parameters : int
        Learned parameters.
    n_steps : int or None
        Optimizer steps taken over all stages (neural estimators).
    best_steps : dict or None
        Per training stage, the step whose parameters were kept.
    stages : dict or None
        Per stage, its outcome record (best step, steps taken, limit, why it stopped).
    bandwidth : float or None
        A kernel estimate's bandwidth (standardized units).
    mixture, mixture_init : GeneralizedGaussianMixture or None
        The fitted mixture, and the one read from the initial state (before training).
    weights_init : list of float or None
        Initial mixing weights.
    curves : list of dict or None
        The learned log-marginal curves the mixture was read from.
    symbolic : dict or None
        A symbolic formula (``formula_latex``, ``seconds``) of the fitted model.
    symbolic_density : callable or None
        The symbolic formula's density at points (N, D) -> (N,).
    grid_path : list of dict or None
        Grid extension: per grid, ``grid``, ``n_parameters``, ``best_step``, ``stage``,
        ``validation_rmse`` and ``density`` (that grid's network's density at points).
    """

    n_parameters: int
    n_steps: int | None = None
    best_steps: dict[str, int] | None = None
    stages: dict[str, dict[str, Any]] | None = None
    bandwidth: float | None = None
    mixture: GeneralizedGaussianMixture | None = None
    mixture_init: GeneralizedGaussianMixture | None = None
    weights_init: list[float] | None = None
    curves: list[dict[str, Any]] | None = None
    symbolic: dict[str, Any] | None = None
    symbolic_density: Density | None = None
    grid_path: list[dict[str, Any]] | None = None
