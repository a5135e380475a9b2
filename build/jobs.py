"""The units of work of the pipeline, each a pure function of a JSON-able job entry.

* ``run``: fit one method on one dataset with one seed and measure it;
* ``training``: one recorded training run (snapshots for the training-progress viewer);
* ``em_history``: one EM fit with every iteration's parameters.

The job entry is what the cache key hashes, so everything that shapes a result is in it.
Parametric methods are given the true number of components K.
"""

from __future__ import annotations

import inspect
import time
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

import ggmm.estimators as estimators
from ggmm import GeneralizedGaussianMixture
from ggmm.estimators.task import TaskData
from ggmm.metrics import density_rmse, heldout_nll, parameter_errors

Progress = Callable[[int, int], None]

#: Estimators that are fitted on the samples alone (``fit(X, seed)``, ``logpdf``).
SAMPLE_ESTIMATORS = ("EMEstimator", "GaussianMixtureBaseline", "KDEBaseline")


def data_seed(dataset: str, seed: int) -> int:
    """The seed of a dataset's samples: every method sees the same data for a given seed."""
    return zlib.crc32(f"{dataset}/{seed}".encode())


class SampleEstimatorAdapter:
    """Gives a classical estimator the neural estimators' interface."""

    normalized = True

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def fit(self, data: TaskData, seed: int, recorder: Any = None, progress: Progress | None = None) -> Any:
        self.inner.fit(data.X_train, seed=seed)
        if progress:
            progress(1, 1)
        return self

    def density(self, X: np.ndarray) -> np.ndarray:
        return np.exp(self.inner.logpdf(X))

    def logpdf(self, X: np.ndarray) -> np.ndarray:
        return self.inner.logpdf(X)

    @property
    def n_parameters(self) -> int:
        return self.inner.n_parameters

    @property
    def mixture(self) -> GeneralizedGaussianMixture | None:
        return getattr(self.inner, "model", None)


def build_estimator(estimator: str, params: dict[str, Any], n_components: int) -> Any:
    """Instantiate ``ggmm.estimators.<estimator>`` with the config's params and the true K if it takes one."""
    cls = getattr(estimators, estimator)
    kwargs = dict(params)
    if "n_components" in inspect.signature(cls.__init__).parameters:
        kwargs["n_components"] = n_components
    instance = cls(**kwargs)
    return SampleEstimatorAdapter(instance) if estimator in SAMPLE_ESTIMATORS else instance


def task_data(job: dict[str, Any]) -> TaskData:
    """The samples of a job's dataset and seed."""
    mixture = GeneralizedGaussianMixture.from_dict(job["mixture"])
    return TaskData.draw(mixture, job["bounds"], job["n_train"], job["n_test"],
                         data_seed(job["dataset"], job["seed"]))


def evaluation_grid(mixture: GeneralizedGaussianMixture, bounds: Any, resolution: int) -> np.ndarray:
    """Grid nodes over ``bounds``, shape (resolution ** D, D), "ij" order."""
    axes = [np.linspace(lo, hi, resolution) for lo, hi in bounds]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def _finite_density(model: Any, X: np.ndarray, what: str) -> np.ndarray:
    values = np.asarray(model.density(X), dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise RuntimeError(f"{what}: the estimated density has negative or non-finite values")
    return values


def run_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Fit one method on one dataset and seed; return its measurements."""
    data = task_data(job)
    truth = data.mixture
    model = build_estimator(job["estimator"], job["params"], truth.n_components)
    start = time.perf_counter()
    model.fit(data, seed=job["seed"], progress=progress)
    seconds = time.perf_counter() - start
    where = f"{job['method']} on {job['dataset']} (seed {job['seed']})"
    grid = evaluation_grid(truth, job["bounds"], job["grid_resolution"])
    result: dict[str, Any] = {
        "rmse_test": density_rmse(_finite_density(model, data.X_test, where), truth.pdf(data.X_test)),
        "rmse_grid": density_rmse(_finite_density(model, grid, where), truth.pdf(grid)),
        "nll": None,
        "nll_stderr": None,
        "truth_nll": heldout_nll(truth.logpdf(data.X_test))[0],
        "n_params": int(model.n_parameters),
        "seconds": seconds,
        "param_errors": None,
        "mixture": None,
        "readback": None,
    }
    if model.normalized:
        result["nll"], result["nll_stderr"] = heldout_nll(model.logpdf(data.X_test))
    mixture = model.mixture
    if mixture is not None:
        result["mixture"] = mixture.to_dict()
        result["param_errors"] = parameter_errors(truth, mixture)
    if hasattr(model, "readback"):  # the learned curves (the mixture is already in result["mixture"])
        result["readback"] = {"curves": model.readback()["curves"]}
    return result


#: The snapshot ``run.task`` of each neural estimator.
TRAINING_TASKS = {"KANRegressor": "regression", "MLPRegressor": "regression", "KANDensityEstimator": "density",
                  "KAMixtureKAN": "ka"}


def training_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """One recorded training run on a 2-D dataset: the snapshot document (and the symbolic fit)."""
    from ggmm.snapshots import SnapshotRecorder, validate_snapshots

    data = task_data(job)
    grid = data.mixture.grid(job["bounds"], job["grid_resolution"])
    recorder = SnapshotRecorder(grid.axes[0], grid.axes[1], grid.z)
    model = build_estimator(job["estimator"], job["params"], data.mixture.n_components)
    start = time.perf_counter()
    model.fit(data, seed=job["seed"], recorder=recorder, progress=progress)
    seconds = time.perf_counter() - start
    task = TRAINING_TASKS[job["estimator"]]
    snapshots = recorder.to_dict({"dataset": job["dataset"], "method": job["method"], "task": task,
                                  "seed": job["seed"]})
    validate_snapshots(snapshots)
    symbolic = model.symbolic() if hasattr(model, "symbolic") else None
    return {"snapshots": snapshots, "symbolic": symbolic, "seconds": seconds}


def em_history_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """One EM fit, keeping every iteration's parameters."""
    data = task_data(job)
    start = time.perf_counter()
    result = estimators.fit_em(data.X_train, data.mixture.n_components, p="estimate", init=job["init"],
                               seed=job["seed"])
    if progress:
        progress(1, 1)
    return {
        "samples": data.X_train.tolist(),
        "log_likelihood": result.log_likelihood.tolist(),
        "history": [m.to_dict() for m in result.history],
        "converged": result.converged,
        "warnings": result.warnings,
        "seconds": time.perf_counter() - start,
    }


KINDS: dict[str, Callable[[dict[str, Any], Progress | None], dict[str, Any]]] = {
    "run": run_job,
    "training": training_job,
    "em_history": em_history_job,
}


def execute(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Run any job by its ``kind``."""
    return KINDS[job["kind"]](job, progress)
