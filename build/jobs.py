"""The units of work of the pipeline, each a pure function of a JSON-able job entry.

* ``tune``: fit every candidate setting of one method on one dataset's tuning seeds and
  score it on their validation samples;
* ``run``: fit one method on one dataset with one seed and measure it on the test samples;
* ``training``: one recorded training run (snapshots for the training-progress viewer);
* ``em_history``: one EM fit with every iteration's parameters;
* ``original``: the original coursework's method, reproduced and measured;
* ``readback``: the KA-structured KAN's read-back on a generated (non-preset) mixture;
* ``scaling_tune``: the tuning of a scaling experiment's method (every size of the scaling
  law, or the one tuning cell of the cost study);
* ``scaling_law``: one family (KAN with grid extension, or MLPs of growing width) along its
  sizes, on one seed: test RMSE and parameter count per size;
* ``scaling_cost``: one method on one (D, N) cell of the cost study and one seed: fit time
  and held-out accuracy, or the declared limit that kept it from running.

The job entry is what the cache key hashes, so everything that shapes a result is in it.
Every job runs with single-threaded BLAS (:func:`execute`): a BLAS library splits large
products across its threads, and the split changes the last digits of EM's results, so a
job's result would otherwise depend on the machine's core count and on the executor (Dask's
workers start with one BLAS thread, a local process with one per core). Parallelism comes
from running jobs side by side.

Parametric methods are given the true number of components K. Every estimator follows one
contract (``ggmm.estimators.base``): density estimators see the training samples only;
regressors also get the true density as ``target``. What the jobs pass and read is decided
by the estimator class's declared ``tags`` (:class:`~ggmm.estimators.EstimatorTags`) and
its one :meth:`fit_report` record (:class:`~ggmm.estimators.FitReport`), nothing else.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

import ggmm.estimators as estimators
from ggmm import GeneralizedGaussianMixture
from ggmm.estimators import EstimatorTags, FitReport
from ggmm.generate import random_mixture
from ggmm.metrics import density_rmse, heldout_nll, parameter_errors

from .fitting import Progress, finite_density, fit, law_fits, symbolic_measures, validation_score
from .samples import data_seed, draw_samples, evaluation_grid, original_sampler
from .tuning import Ticker, budget_params, halving


def estimator_tags(estimator: str) -> EstimatorTags:
    """The declared tags of ``ggmm.estimators.<estimator>``."""
    tags: EstimatorTags = getattr(estimators, estimator).tags
    return tags


def build_estimator(estimator: str, params: dict[str, Any], n_components: int) -> Any:
    """Instantiate ``ggmm.estimators.<estimator>`` with the config's params and the true K if tagged to take it."""
    cls = getattr(estimators, estimator)
    kwargs = dict(params)
    if cls.tags.n_components:
        kwargs["n_components"] = n_components
    return cls(**kwargs)


def tune_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Successive halving over the candidate settings on the tuning seeds' validation samples
    (:mod:`.tuning`); the best of the last rung is chosen."""
    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    start = time.perf_counter()
    ticker = Ticker(progress, job)

    def score(candidate: dict[str, Any], fraction: float) -> float:
        mine = []
        for seed in job["seeds"]:
            X, X_val = draw_samples(truth, job["n_train"], job["n_validation"], data_seed(job["dataset"], seed))
            params = budget_params({**job["params"], **candidate}, fraction, estimator_tags(job["estimator"]).budget)
            model = build_estimator(job["estimator"], params, truth.n_components)
            fit(model, X, truth, seed)
            mine.append(validation_score(model, X_val, truth))
            ticker.tick()
        return float(np.mean(mine))

    out = halving(job, score, bool(estimator_tags(job["estimator"]).budget))
    return {**out, "score": "nll" if job["normalized"] else "rmse", "seconds": time.perf_counter() - start}


def run_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Fit one method on one dataset and seed; return its measurements."""
    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    X_train, X_test = draw_samples(truth, job["n_train"], job["n_test"], data_seed(job["dataset"], job["seed"]))
    model = build_estimator(job["estimator"], job["params"], truth.n_components)
    seconds = fit(model, X_train, truth, job["seed"], progress)
    where = f"{job['method']} on {job['dataset']} (seed {job['seed']})"
    grid = evaluation_grid(job["bounds"], job["grid_resolution"])
    report: FitReport = model.fit_report()
    result: dict[str, Any] = {
        "rmse_test": density_rmse(finite_density(model.density, X_test, where), truth.pdf(X_test)),
        "rmse_grid": density_rmse(finite_density(model.density, grid, where), truth.pdf(grid)),
        "nll": None,
        "nll_stderr": None,
        "truth_nll": heldout_nll(truth.logpdf(X_test))[0],
        "n_params": report.n_parameters,
        "seconds": seconds,
        "param_errors": None,
        "mixture": None,
        "readback": None,
        "best_steps": report.best_steps,
        "stages": report.stages,
        "bandwidth": report.bandwidth,
        "weights_init": report.weights_init,
    }
    if model.tags.normalized:
        result["nll"], result["nll_stderr"] = heldout_nll(model.logpdf(X_test))
    if report.mixture is not None:
        result["mixture"] = report.mixture.to_dict()
        result["param_errors"] = parameter_errors(truth, report.mixture)
    start = report.mixture_init
    result["param_errors_init"] = None if start is None else parameter_errors(truth, start)
    if report.curves is not None:  # the learned curves (the mixture is already in result["mixture"])
        result["readback"] = {"curves": report.curves}
    return result


def training_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """One recorded training run on a 2-D dataset: the snapshot document (and the symbolic fit)."""
    from ggmm.snapshots import SnapshotRecorder, validate_snapshots

    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    X_train, X_test = draw_samples(truth, job["n_train"], job["n_test"], data_seed(job["dataset"], job["seed"]))
    grid = truth.grid(job["bounds"], job["grid_resolution"])
    # Early stopping decides the run's length, and the recorder's cadence must know it to keep
    # ~100 frames: a first fit without a recorder finds the length, the recorded fit repeats it
    # exactly (same seed, deterministic algorithms, the recorder only reads the model).
    tags = estimator_tags(job["estimator"])
    if tags.snapshots is None:
        raise ValueError(f"{job['estimator']} does not record snapshots")
    probe = build_estimator(job["estimator"], job["params"], truth.n_components)
    fit(probe, X_train, truth, job["seed"])
    probe_steps = probe.fit_report().n_steps
    if probe_steps is None:
        raise ValueError(f"{job['estimator']} does not report its steps")
    recorder = SnapshotRecorder(grid.axes[0], grid.axes[1], grid.z, cadence=max(1, probe_steps // 100))
    model = build_estimator(job["estimator"], job["params"], truth.n_components)
    seconds = fit(model, X_train, truth, job["seed"], progress, recorder=recorder)
    report: FitReport = model.fit_report()
    if report.n_steps != probe_steps:
        raise RuntimeError(
            f"the recorded run took {report.n_steps} steps, the probe {probe_steps}: recording changed the training"
        )
    snapshots = recorder.to_dict(
        {"dataset": job["dataset"], "method": job["method"], "task": tags.snapshots, "seed": job["seed"]}
    )
    validate_snapshots(snapshots)
    symbolic = symbolic_measures(model, report, truth, X_train, X_test)
    return {"snapshots": snapshots, "symbolic": symbolic, "seconds": seconds}


def em_history_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """One EM fit, keeping every iteration's parameters."""
    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    X_train, _ = draw_samples(truth, job["n_train"], job["n_test"], data_seed(job["dataset"], job["seed"]))
    start = time.perf_counter()
    result = estimators.fit_em(X_train, truth.n_components, p="estimate", init=job["init"], seed=job["seed"])
    if progress:
        progress(1, 1)
    return {
        "samples": X_train.tolist(),
        "log_likelihood": result.log_likelihood.tolist(),
        "history": [m.to_dict() for m in result.history],
        "converged": result.converged,
        "warnings": result.warnings,
        "seconds": time.perf_counter() - start,
    }


def original_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """The original coursework's method: its sampler, regression on the samples only, its stages.

    Measured: the lowest predicted density on the plotting grid (off the data the linear
    output goes negative), the test RMSE at correct samples, and the symbolic formula's test
    RMSE against the best constant.
    """
    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    X_train = original_sampler(truth, job["n_train"], data_seed(job["dataset"], job["seed"]))
    _, X_test = draw_samples(truth, job["n_train"], job["n_test"], data_seed(job["dataset"], job["seed"]))
    model = build_estimator(job["estimator"], job["params"], truth.n_components)
    seconds = fit(model, X_train, truth, job["seed"], progress)
    grid = evaluation_grid(job["bounds"], job["grid_resolution"])
    raw = model.predict_raw(grid)
    return {
        "min_density": float(raw.min()),
        "negative_share": float(np.mean(raw < 0)),
        "max_density_truth": float(truth.pdf(grid).max()),
        "sample_range": [[float(a), float(b)] for a, b in zip(X_train.min(axis=0), X_train.max(axis=0), strict=True)],
        "rmse_test": density_rmse(model.density(X_test), truth.pdf(X_test)),
        "symbolic": symbolic_measures(model, model.fit_report(), truth, X_train, X_test),
        "seconds": seconds,
    }


def readback_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """The KA-structured KAN and EM on a generated mixture: parameter errors of both."""
    truth = random_mixture(job["dim"], job["n_components"], job["p"], job["mixture_seed"])
    X_train, X_test = draw_samples(truth, job["n_train"], job["n_test"], job["mixture_seed"])
    model = build_estimator(job["estimator"], job["params"], truth.n_components)
    seconds = fit(model, X_train, truth, job["seed"], progress)
    em = estimators.EMEstimator(truth.n_components).fit(X_train, seed=job["seed"])
    kan, em_mixture = model.fit_report().mixture, em.fit_report().mixture
    if kan is None or em_mixture is None:
        raise ValueError(f"{job['estimator']} does not read the mixture's parameters back")
    return {
        "truth": truth.to_dict(),
        "kan": kan.to_dict(),
        "em": em_mixture.to_dict(),
        "errors": {"kan": parameter_errors(truth, kan), "em": parameter_errors(truth, em_mixture)},
        "nll": {
            "kan": heldout_nll(model.logpdf(X_test))[0],
            "em": heldout_nll(em.logpdf(X_test))[0],
            "truth": heldout_nll(truth.logpdf(X_test))[0],
        },
        "seconds": seconds,
    }


# ---------------------------------------------------------------------------
# The scaling experiments
# ---------------------------------------------------------------------------


def scaling_tune_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Score every candidate setting on the tuning seeds' validation samples; pick the lowest mean.

    The score is the held-out NLL of a density estimator, or the log of a regressor's
    validation RMSE; for the scaling law (``job["sizes"]``) it is averaged over every size,
    so one setting serves the whole family.
    """
    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    start, cpu = time.perf_counter(), time.process_time()
    ticker = Ticker(progress, job)

    def score(candidate: dict[str, Any], fraction: float) -> float:
        mine = []
        for seed in job["seeds"]:
            X, X_val = draw_samples(truth, job["n_train"], job["n_validation"], data_seed(job["dataset"], seed))
            params = budget_params({**job["params"], **candidate}, fraction, estimator_tags(job["estimator"]).budget)
            if job["sizes"] is not None:
                target = truth.pdf(X_val)
                mine += [math.log(density_rmse(f["density"](X_val), target)) for f in _law(job, params, X, truth, seed)]
            else:
                model = build_estimator(job["estimator"], params, truth.n_components)
                fit(model, X, truth, seed)
                value = validation_score(model, X_val, truth)
                mine.append(value if job["normalized"] else math.log(value))
            ticker.tick()
        return float(np.mean(mine))

    out = halving(job, score, bool(estimator_tags(job["estimator"]).budget))
    return {
        **out,
        "score": "nll" if job["normalized"] else "log_rmse",
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
    }


def _law(
    job: dict[str, Any], params: dict[str, Any], X: np.ndarray, truth: GeneralizedGaussianMixture, seed: int
) -> list[dict[str, Any]]:
    """:func:`.fitting.law_fits` for the job's estimator and sizes."""
    name, K = job["estimator"], truth.n_components
    return law_fits(
        estimator_tags(name).scaling, lambda p: build_estimator(name, p, K), params, job["sizes"], X, truth, seed
    )


def warm_up(estimator: str) -> None:
    """Pay a neural estimator's one-time imports before a clock starts.

    The first ``torch.use_deterministic_algorithms`` call of a process imports torch's
    compiler stack and the first KAN imports pykan (several seconds together): timed
    fits must not include them.
    """
    if not estimator_tags(estimator).neural:
        return
    from ggmm.estimators._pykan import pykan_sandbox

    with pykan_sandbox(0):
        import kan  # noqa: F401


def scaling_law_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """One family of the scaling law on one seed: test RMSE and parameter count per size."""
    warm_up(job["estimator"])
    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    X_train, X_test = draw_samples(truth, job["n_train"], job["n_test"], data_seed(job["dataset"], job["seed"]))
    start, cpu = time.perf_counter(), time.process_time()
    fits = _law(job, job["params"], X_train, truth, job["seed"])
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    target = truth.pdf(X_test)
    points = []
    for f in fits:
        where = f"{job['method']} at size {f['size']} (seed {job['seed']})"
        density = finite_density(f["density"], X_test, where)
        points.append(
            {
                "size": f["size"],
                "n_params": f["n_params"],
                "best_step": f["best_step"],
                "stage": f["stage"],
                "rmse_test": density_rmse(density, target),
            }
        )
    if progress:
        progress(1, 1)
    return {"points": points, "seconds": seconds, "cpu_seconds": cpu_seconds}


def over_limit(work: dict[str, int], limits: dict[str, int]) -> dict[str, Any] | None:
    """The first measure of ``work`` (by name) beyond its declared limit, or None."""
    for measure in sorted(work):
        if measure in limits and work[measure] > limits[measure]:
            return {"measure": measure, "amount": int(work[measure]), "limit": int(limits[measure])}
    return None


def scaling_cost_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """One method on one (D, N) cell and seed: CPU and wall time of the fit, held-out accuracy.

    Before fitting, the estimator's :meth:`~ggmm.estimators.BaseEstimator.fit_work` is
    checked against the declared limits; a fit beyond one is not run and the result says
    which limit and by how much. Accuracy: the held-out NLL minus the true density's on the
    same test points (density estimators) and the relative RMSE of the density at the test
    points, ``RMSE / sqrt(mean(P ** 2))`` (every method).
    """
    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    model = build_estimator(job["estimator"], job["params"], truth.n_components)
    work = {k: int(v) for k, v in model.fit_work(job["n_train"], job["dim"]).items()}
    result: dict[str, Any] = {
        "feasible": True,
        "limit": over_limit(work, job["limits"]),
        "work": work,
        "nll": None,
        "truth_nll": None,
        "nll_gap": None,
        "rmse_rel": None,
        "n_params": None,
        "n_steps": None,
        "seconds": 0.0,
        "cpu_seconds": 0.0,
    }
    if result["limit"] is not None:
        result["feasible"] = False
        if progress:
            progress(1, 1)
        return result
    X_train, X_test = draw_samples(truth, job["n_train"], job["n_test"], data_seed(job["dataset"], job["seed"]))
    warm_up(job["estimator"])
    cpu = time.process_time()
    result["seconds"] = fit(model, X_train, truth, job["seed"], progress)
    result["cpu_seconds"] = time.process_time() - cpu
    where = f"{job['method']} on {job['dataset']}, N = {job['n_train']} (seed {job['seed']})"
    target = truth.pdf(X_test)
    result["rmse_rel"] = density_rmse(finite_density(model.density, X_test, where), target) / float(
        np.sqrt(np.mean(target**2))
    )
    result["truth_nll"] = heldout_nll(truth.logpdf(X_test))[0]
    if model.tags.normalized:
        result["nll"] = heldout_nll(model.logpdf(X_test))[0]
        result["nll_gap"] = result["nll"] - result["truth_nll"]
    report: FitReport = model.fit_report()
    result["n_params"] = report.n_parameters
    result["n_steps"] = report.n_steps
    return result


KINDS: dict[str, Callable[[dict[str, Any], Progress | None], dict[str, Any]]] = {
    "tune": tune_job,
    "run": run_job,
    "training": training_job,
    "em_history": em_history_job,
    "original": original_job,
    "readback": readback_job,
    "scaling_tune": scaling_tune_job,
    "scaling_law": scaling_law_job,
    "scaling_cost": scaling_cost_job,
}


def execute(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Run any job by its ``kind``, with one BLAS thread (see the module docstring)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return KINDS[job["kind"]](job, progress)
