"""Fitting one estimator and measuring it: what every job kind does with a built estimator.

Nothing here names an estimator class: what a fit passes and reads comes from the model's
declared ``tags`` and its :meth:`fit_report` record (the runner, ``jobs.py``, builds the
estimators from the config's names).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ggmm import GeneralizedGaussianMixture
from ggmm.estimators import EstimatorTags, FitReport
from ggmm.metrics import density_rmse, heldout_nll

__all__ = ["Progress", "finite_density", "fit", "law_fits", "symbolic_measures", "validation_score"]

Progress = Callable[[int, int], None]


def fit(
    model: Any,
    X: np.ndarray,
    truth: GeneralizedGaussianMixture,
    seed: int,
    progress: Progress | None = None,
    recorder: Any = None,
) -> float:
    """Fit ``model`` on samples ``X`` (regressors also get ``truth.pdf`` as target); return the seconds.

    ``progress`` reaches estimators tagged to report it (the neural ones); the others report
    once, at the end. ``recorder`` is for estimators tagged to record snapshots.
    """
    tags: EstimatorTags = model.tags
    fit_params: dict[str, Any] = {}
    if tags.progress and progress is not None:
        fit_params["progress"] = progress
    if recorder is not None:
        if tags.snapshots is None:
            raise ValueError(f"{type(model).__name__} does not record snapshots")
        fit_params["recorder"] = recorder
    if not tags.normalized:
        fit_params["target"] = truth.pdf
    start = time.perf_counter()
    model.fit(X, seed=seed, **fit_params)
    if progress is not None and not tags.progress:
        progress(1, 1)
    return time.perf_counter() - start


def finite_density(density: Callable[[np.ndarray], Any], X: np.ndarray, what: str) -> np.ndarray:
    """``density(X)``, checked to be finite and non-negative (``what`` names the run in the error)."""
    values = np.asarray(density(X), dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise RuntimeError(f"{what}: the estimated density has negative or non-finite values")
    return values


def validation_score(model: Any, X_val: np.ndarray, truth: GeneralizedGaussianMixture) -> float:
    """What tuning minimizes: held-out NLL (density estimators) or density RMSE (regressors)."""
    if model.tags.normalized:
        return heldout_nll(model.logpdf(X_val))[0]
    return density_rmse(finite_density(model.density, X_val, "validation"), truth.pdf(X_val))


def symbolic_measures(
    model: Any, report: FitReport, truth: GeneralizedGaussianMixture, X_train: np.ndarray, X_test: np.ndarray
) -> dict[str, Any] | None:
    """The symbolic formula's test RMSE against the best constant fitted on the training samples;
    None without a symbolic formula."""
    if not report.symbolic or report.symbolic_density is None:
        return None
    target = truth.pdf(X_test)
    constant = float(np.mean(truth.pdf(X_train)))  # minimizes the squared error over the training samples
    return {
        **report.symbolic,
        "rmse": density_rmse(report.symbolic_density(X_test), target),
        "rmse_spline": density_rmse(model.density(X_test), target),
        "rmse_constant": density_rmse(np.full_like(target, constant), target),
        "constant": constant,
    }


def law_fits(
    scaling: str | None,
    make: Callable[[dict[str, Any]], Any],
    params: dict[str, Any],
    sizes: list[int],
    X: np.ndarray,
    truth: GeneralizedGaussianMixture,
    seed: int,
) -> list[dict[str, Any]]:
    """Fit one family of the scaling law along its sizes.

    ``scaling`` is the estimator's declared scaling family (``tags.scaling``) and ``make``
    builds the estimator from parameters. A ``"grid"`` family (KAN regressor) is fitted once
    with grid extension over ``sizes`` (the grids); a ``"width"`` family (MLP regressor) once
    per width in ``sizes``, every hidden layer taking it.

    Returns
    -------
    list of dict
        Per size: ``size``, ``n_params``, ``best_step`` and ``density`` (a callable).
    """
    if scaling == "grid":
        model = make({**params, "grid_schedule": list(sizes)})
        fit(model, X, truth, seed)
        return [
            {
                "size": g["grid"],
                "n_params": g["n_parameters"],
                "best_step": g["best_step"],
                "stage": g["stage"],
                "density": g["density"],
            }
            for g in model.fit_report().grid_path or []
        ]
    if scaling != "width":
        raise ValueError(f"scaling family {scaling!r}: expected 'grid' or 'width'")
    out = []
    depth = len(make(params).get_params()["hidden"])
    for width in sizes:
        model = make({**params, "hidden": [width] * depth})
        fit(model, X, truth, seed)
        report: FitReport = model.fit_report()
        best_steps, stages = report.best_steps or {}, report.stages or {}
        out.append(
            {
                "size": width,
                "n_params": report.n_parameters,
                "best_step": best_steps["train"],
                "stage": stages["train"],
                "density": model.density,
            }
        )
    return out
