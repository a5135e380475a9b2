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
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

import ggmm.estimators as estimators
from ggmm import GeneralizedGaussianMixture
from ggmm.estimators import EstimatorTags, FitReport
from ggmm.generate import random_mixture
from ggmm.metrics import density_rmse, heldout_nll, parameter_errors

from .tuning import bracket, budget_params, ordered_axes, successive_halving

Progress = Callable[[int, int], None]


def data_seed(dataset: str, seed: int) -> int:
    """The seed of a dataset's samples: every method sees the same data for a given seed."""
    return zlib.crc32(f"{dataset}/{seed}".encode())


def draw_samples(
    mixture: GeneralizedGaussianMixture, n_first: int, n_second: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Two independent samples of ``mixture`` (training, then test or validation samples).

    They come from independent streams of one ``numpy.random.SeedSequence(seed)``.
    """
    first, second = np.random.SeedSequence(seed).spawn(2)
    X1, _ = mixture.sample(n_first, np.random.default_rng(first))
    X2, _ = mixture.sample(n_second, np.random.default_rng(second))
    return X1, X2


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


def evaluation_grid(bounds: Any, resolution: int) -> np.ndarray:
    """Grid nodes over ``bounds``, shape (resolution ** D, D), "ij" order."""
    axes = [np.linspace(lo, hi, resolution) for lo, hi in bounds]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def _finite_density(model: Any, X: np.ndarray, what: str) -> np.ndarray:
    values = np.asarray(model.density(X), dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise RuntimeError(f"{what}: the estimated density has negative or non-finite values")
    return values


def validation_score(model: Any, X_val: np.ndarray, truth: GeneralizedGaussianMixture) -> float:
    """What tuning minimizes: held-out NLL (density estimators) or density RMSE (regressors)."""
    if model.tags.normalized:
        return heldout_nll(model.logpdf(X_val))[0]
    return density_rmse(_finite_density(model, X_val, "validation"), truth.pdf(X_val))


def tune_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Successive halving over the candidate settings on the tuning seeds' validation samples
    (:mod:`.tuning`); the best of the last rung is chosen."""
    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    start = time.perf_counter()
    ticker = _Ticker(progress, job)

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

    out = _halving(job, score)
    return {**out, "score": "nll" if job["normalized"] else "rmse", "seconds": time.perf_counter() - start}


class _Ticker:
    """Progress over the fits successive halving can make at most (every candidate at every rung)."""

    def __init__(self, progress: Progress | None, job: dict[str, Any]) -> None:
        self.progress, self.done = progress, 0
        self.total = len(job["candidates"]) * len(job["seeds"]) * len(job.get("rungs", [1.0]))

    def tick(self) -> None:
        self.done += 1
        if self.progress:
            self.progress(min(self.done, self.total), self.total)


def _halving(job: dict[str, Any], score: Callable[[dict[str, Any], float], float]) -> dict[str, Any]:
    """Successive halving, then :func:`.tuning.bracket` on the choice; the extension's settings
    are appended to the candidates, scored at the last rung (the full budget)."""
    budgeted = bool(estimator_tags(job["estimator"]).budget)
    res = successive_halving(job["candidates"], score, job.get("rungs", [1.0]), job.get("keep", 1.0), budgeted)
    candidates, scores, rung = list(job["candidates"]), list(res["scores"]), list(res["rung"])
    failed: list[dict[str, Any]] = []

    def full(candidate: dict[str, Any]) -> float:
        try:
            return score(candidate, 1.0)
        except (RuntimeError, ValueError, FloatingPointError) as exc:  # a diverging setting loses, with its reason
            failed.append({"candidate": candidate, "error": str(exc)})
            return math.inf

    ext = bracket(
        candidates[res["chosen"]], scores[res["chosen"]], ordered_axes(candidates), full, job.get("extensions", 0)
    )
    last = len(res["rungs"]) - 1
    finite = [x if math.isfinite(x) else None for x in scores + ext["scores"]]  # JSON has no inf or NaN
    return {
        "candidates": candidates + ext["candidates"],
        "scores": finite,
        "rung": rung + [last] * len(ext["candidates"]),
        "rungs": res["rungs"],
        "chosen": ext["chosen"],
        "axes": ext["axes"],
        "n_extended": len(ext["candidates"]),
        "failed": failed,
    }


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
        "rmse_test": density_rmse(_finite_density(model, X_test, where), truth.pdf(X_test)),
        "rmse_grid": density_rmse(_finite_density(model, grid, where), truth.pdf(grid)),
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


def _symbolic_measures(
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
    symbolic = _symbolic_measures(model, report, truth, X_train, X_test)
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


def original_sampler(mixture: GeneralizedGaussianMixture, n: int, seed: int) -> np.ndarray:
    """The original coursework's sampler: ``c + alpha * sign(u) |u| ** (1/p)``, u uniform on [-1, 1].

    Its draws never leave ``[c - alpha, c + alpha]``: not a generalized Gaussian.
    """
    rng = np.random.default_rng(seed)
    labels = rng.choice(mixture.n_components, size=n, p=mixture.weights)
    u = rng.uniform(-1.0, 1.0, size=(n, mixture.n_features))
    p = mixture.shapes[labels][:, None]
    return mixture.centers[labels] + mixture.scales[labels] * np.sign(u) * np.abs(u) ** (1.0 / p)


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
        "symbolic": _symbolic_measures(model, model.fit_report(), truth, X_train, X_test),
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

Density = Callable[[np.ndarray], np.ndarray]


def law_fits(
    job: dict[str, Any], params: dict[str, Any], X: np.ndarray, truth: GeneralizedGaussianMixture, seed: int
) -> list[dict[str, Any]]:
    """Fit one family of the scaling law along its sizes.

    A KAN regressor is fitted once with grid extension over ``job["sizes"]`` (the grids);
    an MLP regressor once per width in ``job["sizes"]``, every hidden layer taking it.

    Returns
    -------
    list of dict
        Per size: ``size``, ``n_params``, ``best_step`` and ``density`` (a callable).
    """
    K = truth.n_components
    scaling = estimator_tags(job["estimator"]).scaling
    if scaling == "grid":
        model = build_estimator(job["estimator"], {**params, "grid_schedule": list(job["sizes"])}, K)
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
        raise ValueError(f"{job['estimator']} has no scaling family")
    out = []
    depth = len(build_estimator(job["estimator"], params, K).get_params()["hidden"])
    for width in job["sizes"]:
        model = build_estimator(job["estimator"], {**params, "hidden": [width] * depth}, K)
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


def scaling_tune_job(job: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Score every candidate setting on the tuning seeds' validation samples; pick the lowest mean.

    The score is the held-out NLL of a density estimator, or the log of a regressor's
    validation RMSE; for the scaling law (``job["sizes"]``) it is averaged over every size,
    so one setting serves the whole family.
    """
    truth = GeneralizedGaussianMixture.from_dict(job["mixture"])
    start, cpu = time.perf_counter(), time.process_time()
    ticker = _Ticker(progress, job)

    def score(candidate: dict[str, Any], fraction: float) -> float:
        mine = []
        for seed in job["seeds"]:
            X, X_val = draw_samples(truth, job["n_train"], job["n_validation"], data_seed(job["dataset"], seed))
            params = budget_params({**job["params"], **candidate}, fraction, estimator_tags(job["estimator"]).budget)
            if job["sizes"] is not None:
                target = truth.pdf(X_val)
                mine += [
                    math.log(density_rmse(f["density"](X_val), target)) for f in law_fits(job, params, X, truth, seed)
                ]
            else:
                model = build_estimator(job["estimator"], params, truth.n_components)
                fit(model, X, truth, seed)
                value = validation_score(model, X_val, truth)
                mine.append(value if job["normalized"] else math.log(value))
            ticker.tick()
        return float(np.mean(mine))

    out = _halving(job, score)
    return {
        **out,
        "score": "nll" if job["normalized"] else "log_rmse",
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
    }


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
    fits = law_fits(job, job["params"], X_train, truth, job["seed"])
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    target = truth.pdf(X_test)
    points = []
    for f in fits:
        where = f"{job['method']} at size {f['size']} (seed {job['seed']})"
        density = np.asarray(f["density"](X_test), dtype=float)
        if not np.all(np.isfinite(density)) or np.any(density < 0):
            raise RuntimeError(f"{where}: the estimated density has negative or non-finite values")
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
    result["rmse_rel"] = density_rmse(_finite_density(model, X_test, where), target) / float(
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
