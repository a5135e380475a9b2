"""The report's data files: their layouts, checked in plain Python.

Every export is a JSON object with ``schema`` and ``version``; :func:`validate_export`
dispatches on ``schema`` and raises ``ValueError`` naming the path of the first bad
field (``ggmm-comparison.summary[3].rmse_test.lo``), through the one shared
:class:`ggmm.checking.Checker`. Packed arrays are described in :mod:`ggmm.packing`;
snapshot files in :mod:`ggmm.snapshots`.

Layouts (version 2)
-------------------
An *interval* is ``{mean, lo, hi, n}``: the mean over seeds and its 95% percentile
bootstrap interval (:func:`ggmm.stats.bootstrap_interval`). A *paired difference* is
the output of :func:`ggmm.stats.paired_difference` (``p_value`` included).

ggmm-presets
    ``presets``: list of {name, title {en, zh}, mixture (GeneralizedGaussianMixture.to_dict),
    bounds (D x 2), samples {x: packed (n, D), labels: [int]}, grid: {x, y, density packed (ny, nx)} or null}.
ggmm-comparison
    ``profile``, ``n_seeds``, ``seeds``, ``datasets`` [{name, title, dim, n_components}],
    ``methods`` [{name, family, label, normalized}], ``metrics``, ``summary`` [{dataset,
    method, family, n_params, rmse_test, rmse_grid: interval, nll, nll_gap: interval or
    null}], ``runs`` [{dataset, method, seed, rmse_test, rmse_grid, nll, nll_gap,
    nll_stderr, truth_nll (same test points), n_params, param_errors, param_errors_init
    (the KA-structured KAN's starting point read back, or null), best_steps, stages
    ({stage: {best_step, steps, limit, patience, reason ("patience" or "limit"), best_loss,
    optimizer}} for networks, else null), bandwidth}], ``comparisons`` [{dataset, name, a, b,
    metric, label, role ("primary" or "secondary"), **paired difference, family (its Holm family), p_adjusted,
    verdict_adjusted (the verdict at the adjusted p: the verdict or "tied"), borderline
    (the two verdicts differ)}], ``correction`` {method ("holm"), family ("all" or
    "comparison"), level, families [{name, role, comparisons, n_tests}]}, ``truth_nll``
    {dataset: interval}.
ggmm-tuning
    ``tuning_seeds``, ``n_validation``, ``candidates_budget``, ``scheme`` {name
    ("successive-halving"), rungs (budget fractions), keep, extensions}, ``entries`` [{dataset,
    method, score ("nll" or "rmse"), candidates [settings: the declared grid, then the
    extension's], scores [float, or null where a setting's fit failed or diverged] (each at
    the last rung it reached), rung [int] (that rung), rungs, chosen, axes {name: {values,
    status ("inside", "bound" or "limit")}}, n_extended, failed [{candidate, error}]}].
ggmm-em-history
    ``runs`` [{dataset, init, seed, truth, samples packed (n, D), converged, warnings,
    iterations [{iter, log_likelihood, mixture}]}].
ggmm-recovered
    ``datasets`` [{dataset, seed, truth, em, kan (mixtures), weights_init, errors {em, kan},
    curves [{component, dim, x, learned, fitted, center, scale, p}], across_seeds {seeds,
    kan, em: {error: interval}, paired {error: paired difference}, p_signed, weights_moved},
    symbolic or null}], ``generated`` [{p, mixture_seed, n_train, truth, kan, em, errors
    {kan, em}, nll {kan, em, truth}}].
ggmm-original
    ``runs`` [{dataset, method, seed, n_train, n_test, params, min_density,
    negative_share, max_density_truth, sample_range, rmse_test, symbolic or null}].
ggmm-scaling
    ``profile``; ``law`` (or null): {dataset, title, n_train, n_test, seeds, paper_alpha (k +
    1), kan, mlp (method names), families [{method, family, label, size_name ("grid" or
    "width"), sizes, fit (a *power-law fit* of test RMSE against parameter count),
    alpha {mean, lo, hi, n} (minus the slope), paper_position ("below", "inside", "above":
    where paper_alpha lies against alpha), summary [{size, n_params, rmse_test:
    interval}], fits, ran_to_cap (how many of the fits were still improving at their step
    limit; a lower bound for the KAN), ran_to_cap_by_size [{size, fits, ran_to_cap}],
    local_alpha [{from_size, to_size, from_x, to_x, mean, lo, hi, n, p_value, values}] (the
    exponent between consecutive sizes, paired over seeds), floor {size, n_params, rmse_test:
    interval, fits, ran_to_cap} or null (from the first size whose local exponent's interval
    reaches 0), fit_below_floor (a *power-law fit* up to the floor's size) or null,
    alpha_below_floor {mean, lo, hi, n} or null, paper_position_below_floor or null,
    curvature {quadratic, lo, hi, stderr, t, df, p_value, curved} or null (the quadratic
    term of log RMSE in log N_params)}], points [{method, family, seed, size, n_params,
    rmse_test, best_step, ran_to_cap}],
    paired_alpha (paired difference of the per-seed exponents, KAN - MLP) or null, tuning
    [tuning entries]}; ``cost`` (or null): {p, n_components, mixture_seed, dims,
    dim_samples, sample_dim, sample_sizes, seeds, n_test, limits {measure: int}, methods
    [{name, family, label, normalized}], mixtures [{dim, dataset, mixture}], points [{method,
    dim, n_train, seed, feasible, limit ({measure, amount, limit} or null), work, nll_gap,
    rmse_rel, n_params, n_steps}], cells [{method, dim, n_train, feasible, limit, n_params,
    nll_gap, rmse_rel: interval or null}], tuning [tuning entries]}. A *power-law fit* is
    the output of :func:`ggmm.stats.power_law_fit`. :func:`load_export` attaches the
    ``scaling`` part of the ``timings.json`` beside it as ``timings``.
ggmm-manifest
    ``profile``, ``plan`` (hash of every job entry and of the code), ``code`` (hash of the
    sources of the modules the jobs and the exporter run; older exports carry a hand-bumped
    ``code_version`` instead), ``n_jobs``, ``files`` (the exports written with it),
    ``versions`` (package versions).
ggmm-timings
    ``summary`` [{dataset, method, seconds: interval}], ``symbolic`` [{dataset, method, seconds}],
    ``jobs`` [{kind, dataset, method, seed, seconds}], ``scaling`` {measure ("cpu_seconds"),
    law [{method, seed, seconds, cpu_seconds}], cost [{method, dim, n_train, seed, feasible,
    seconds, cpu_seconds}], fits [{method, sweep ("samples" or "dims"), fit (a power-law fit
    of CPU seconds) or null, reason}]} (absent in exports older than the scaling
    experiments). Wall times differ from run to run, so they live here and nowhere else:
    every other export is byte-identical between two cold builds. :func:`load_export`
    attaches them to a comparison or scaling document read from the same folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ggmm.checking import Checker

__all__ = ["validate_export", "load_export", "attach_timings", "EXPORT_SCHEMAS", "EXPORT_VERSION"]

EXPORT_VERSION = 2
FAMILIES = ("KAN", "MLP", "classical")
_PAIRED_KEYS = ("mean", "lo", "hi")


def _paired(c: Checker, obj: Any, path: str) -> None:
    c.table(obj, path)
    for key in _PAIRED_KEYS:
        c.number(obj, key, path)
    if not obj["lo"] <= obj["mean"] <= obj["hi"]:
        c.fail(path, f"expected lo <= mean <= hi, got {obj['lo']}, {obj['mean']}, {obj['hi']}")
    n = c.integer(c.get(obj, "n", path, int), f"{path}.n", 2)
    wins = [c.integer(c.get(obj, k, path, int), f"{path}.{k}", 0) for k in ("wins_a", "wins_b", "ties")]
    if sum(wins) != n:
        c.fail(path, f"wins_a + wins_b + ties = {sum(wins)}, expected n = {n}")
    c.one_of(c.get(obj, "verdict", path, str), f"{path}.verdict", ("better", "worse", "tied"))


def _adjusted(c: Checker, obj: dict[str, Any], path: str) -> None:
    """A paired comparison's p-values and its verdict after the multiplicity adjustment."""
    p_value = c.number(obj, "p_value", path, minimum=0)
    p_adjusted = c.number(obj, "p_adjusted", path, minimum=0)
    if not p_value <= p_adjusted <= 1.0:
        c.fail(f"{path}.p_adjusted", f"expected p_value <= p_adjusted <= 1, got {p_value} and {p_adjusted}")
    c.one_of(c.get(obj, "role", path, str), f"{path}.role", ("primary", "secondary"))
    c.get(obj, "family", path, str)
    adjusted = c.one_of(c.get(obj, "verdict_adjusted", path, str), f"{path}.verdict_adjusted",
                        ("better", "worse", "tied"))
    if adjusted not in (obj["verdict"], "tied"):
        c.fail(f"{path}.verdict_adjusted", f"an adjustment can only keep the verdict {obj['verdict']!r} or make it "
                                           f"'tied', got {adjusted!r}")
    if c.get(obj, "borderline", path, bool) != (adjusted != obj["verdict"]):
        c.fail(f"{path}.borderline", "should be true exactly when verdict and verdict_adjusted differ")


def _presets(c: Checker, doc: dict[str, Any], path: str) -> None:
    for i, entry in enumerate(c.get(doc, "presets", path, list)):
        p = f"{path}.presets[{i}]"
        c.get(entry, "name", p, str)
        c.bilingual(entry, "title", p)
        mixture = c.mixture(entry, "mixture", p)
        bounds = c.get(entry, "bounds", p, list)
        if len(bounds) != mixture.n_features or any(len(c.numbers(b, f"{p}.bounds", 2)) != 2 for b in bounds):
            c.fail(f"{p}.bounds", f"expected shape ({mixture.n_features}, 2)")
        samples = c.get(entry, "samples", p, dict)
        x = c.packed(c.get(samples, "x", f"{p}.samples", dict), f"{p}.samples.x", (None, mixture.n_features))
        if len(c.integers(c.get(samples, "labels", f"{p}.samples", list), f"{p}.samples.labels")) != x.shape[0]:
            c.fail(f"{p}.samples", f"x has {x.shape[0]} rows and a different number of labels")
        grid = c.get(entry, "grid", p, dict, nullable=True)
        if grid is not None:
            nx = len(c.numbers(c.get(grid, "x", f"{p}.grid", list), f"{p}.grid.x"))
            ny = len(c.numbers(c.get(grid, "y", f"{p}.grid", list), f"{p}.grid.y"))
            c.packed(c.get(grid, "density", f"{p}.grid", dict), f"{p}.grid.density", (ny, nx), non_negative=True)


def _comparison(c: Checker, doc: dict[str, Any], path: str) -> None:
    c.get(doc, "profile", path, str)
    c.integer(c.get(doc, "n_seeds", path, int), f"{path}.n_seeds", 1)
    datasets = set()
    for i, d in enumerate(c.get(doc, "datasets", path, list)):
        datasets.add(c.get(d, "name", f"{path}.datasets[{i}]", str))
        c.bilingual(d, "title", f"{path}.datasets[{i}]")
        c.get(d, "dim", f"{path}.datasets[{i}]", int)
        c.get(d, "n_components", f"{path}.datasets[{i}]", int)
    methods = set()
    for i, m in enumerate(c.get(doc, "methods", path, list)):
        p = f"{path}.methods[{i}]"
        methods.add(c.get(m, "name", p, str))
        c.one_of(c.get(m, "family", p, str), f"{p}.family", FAMILIES)
        c.bilingual(m, "label", p)
    for i, s in enumerate(c.get(doc, "summary", path, list)):
        p = f"{path}.summary[{i}]"
        c.one_of(c.get(s, "dataset", p, str), f"{p}.dataset", sorted(datasets))
        c.one_of(c.get(s, "method", p, str), f"{p}.method", sorted(methods))
        c.get(s, "n_params", p, int)
        for key in ("rmse_test", "rmse_grid"):
            if c.interval(s, key, p)["lo"] < 0:  # type: ignore[index]
                c.fail(f"{p}.{key}.lo", "an RMSE interval cannot go below 0")
        c.interval(s, "nll", p, nullable=True)
        c.interval(s, "nll_gap", p, nullable=True)
        if "seconds" in s:  # attached from timings.json by load_export
            c.interval(s, "seconds", p, nullable=True)
    for i, r in enumerate(c.get(doc, "runs", path, list)):
        p = f"{path}.runs[{i}]"
        c.get(r, "seed", p, int)
        for key in ("rmse_test", "rmse_grid"):
            c.number(r, key, p, minimum=0)
        for key in ("nll", "nll_gap", "nll_stderr"):
            c.number(r, key, p, nullable=True)
        c.get(r, "param_errors", p, dict, nullable=True)
    for i, x in enumerate(c.get(doc, "comparisons", path, list)):
        p = f"{path}.comparisons[{i}]"
        c.one_of(c.get(x, "dataset", p, str), f"{p}.dataset", sorted(datasets))
        for side in ("a", "b"):
            c.one_of(c.get(x, side, p, str), f"{p}.{side}", sorted(methods))
        c.get(x, "metric", p, str)
        c.bilingual(x, "label", p)
        _paired(c, x, p)
        _adjusted(c, x, p)
    correction = c.get(doc, "correction", path, dict)
    c.one_of(c.get(correction, "method", f"{path}.correction", str), f"{path}.correction.method", ("holm",))
    families = {c.get(f, "name", f"{path}.correction.families[{i}]", str): c.get(f, "n_tests", f"{path}.correction"
                                                                                              f".families[{i}]", int)
                for i, f in enumerate(c.get(correction, "families", f"{path}.correction", list))}
    for name, n in families.items():
        counted = sum(x["family"] == name for x in doc["comparisons"])
        if counted != n:
            c.fail(f"{path}.correction.families", f"family {name!r} declares {n} tests, the comparisons hold {counted}")
    truth = c.get(doc, "truth_nll", path, dict)
    for name in datasets:
        c.interval(truth, name, f"{path}.truth_nll")


def _tuning(c: Checker, doc: dict[str, Any], path: str) -> None:
    c.integers(c.get(doc, "tuning_seeds", path, list), f"{path}.tuning_seeds", minimum=0)
    budget = c.integer(c.get(doc, "candidates_budget", path, int), f"{path}.candidates_budget", 1)
    for i, e in enumerate(c.get(doc, "entries", path, list)):
        p = f"{path}.entries[{i}]"
        c.get(e, "dataset", p, str)
        c.get(e, "method", p, str)
        c.one_of(c.get(e, "score", p, str), f"{p}.score", ("nll", "rmse"))
        candidates = c.get(e, "candidates", p, list)
        extended = c.integer(c.get(e, "n_extended", p, int), f"{p}.n_extended", 0)
        if not 1 <= len(candidates) - extended <= budget:
            c.fail(f"{p}.candidates", f"expected 1 to {budget} declared settings, got {len(candidates) - extended}")
        _scores(c, c.get(e, "scores", p, list), f"{p}.scores", len(candidates))
        if c.get(e, "chosen", p, dict) not in candidates:
            c.fail(f"{p}.chosen", "is not one of the candidates")
        _axes(c, c.get(e, "axes", p, dict), f"{p}.axes")


def _scores(c: Checker, scores: list[Any], path: str, length: int) -> None:
    """Validation scores: numbers, or null for a setting whose fit failed."""
    if len(scores) != length:
        c.fail(path, f"expected {length} scores, got {len(scores)}")
    c.numbers([s for s in scores if s is not None], path)


def _axes(c: Checker, axes: dict[str, Any], path: str) -> None:
    for name, axis in axes.items():
        c.numbers(c.get(axis, "values", f"{path}.{name}", list), f"{path}.{name}.values")
        c.one_of(c.get(axis, "status", f"{path}.{name}", str), f"{path}.{name}.status", ("inside", "bound", "limit"))


def _em_history(c: Checker, doc: dict[str, Any], path: str) -> None:
    for i, run in enumerate(c.get(doc, "runs", path, list)):
        p = f"{path}.runs[{i}]"
        c.get(run, "dataset", p, str)
        c.one_of(c.get(run, "init", p, str), f"{p}.init", ("kmeans", "random"))
        truth = c.mixture(run, "truth", p)
        c.packed(c.get(run, "samples", p, dict), f"{p}.samples", (None, truth.n_features))
        iterations = c.get(run, "iterations", p, list)
        if not iterations:
            c.fail(f"{p}.iterations", "is empty")
        for j, it in enumerate(iterations):
            c.number(it, "log_likelihood", f"{p}.iterations[{j}]")
            c.mixture(it, "mixture", f"{p}.iterations[{j}]")


def _recovered(c: Checker, doc: dict[str, Any], path: str) -> None:
    for i, d in enumerate(c.get(doc, "datasets", path, list)):
        p = f"{path}.datasets[{i}]"
        c.get(d, "dataset", p, str)
        for key in ("truth", "em", "kan"):
            c.mixture(d, key, p)
        errors = c.get(d, "errors", p, dict)
        for key in ("em", "kan"):
            c.get(errors, key, f"{p}.errors", dict)
        for j, curve in enumerate(c.get(d, "curves", p, list)):
            q = f"{p}.curves[{j}]"
            n = len(c.numbers(c.get(curve, "x", q, list), f"{q}.x"))
            for key in ("learned", "fitted"):
                c.numbers(c.get(curve, key, q, list), f"{q}.{key}", n)
        across = c.get(d, "across_seeds", p, dict)
        for who in ("kan", "em"):
            for key, value in c.get(across, who, f"{p}.across_seeds", dict).items():
                c.interval({key: value}, key, f"{p}.across_seeds.{who}")
        for key, value in c.get(across, "paired", f"{p}.across_seeds", dict).items():
            _paired(c, value, f"{p}.across_seeds.paired.{key}")
        c.get(d, "symbolic", p, dict, nullable=True)
    for i, g in enumerate(c.get(doc, "generated", path, list)):
        p = f"{path}.generated[{i}]"
        c.number(g, "p", p, minimum=0)
        for key in ("truth", "kan", "em"):
            c.mixture(g, key, p)
        c.get(c.get(g, "errors", p, dict), "kan", f"{p}.errors", dict)


def _original(c: Checker, doc: dict[str, Any], path: str) -> None:
    for i, r in enumerate(c.get(doc, "runs", path, list)):
        p = f"{path}.runs[{i}]"
        for key in ("min_density", "negative_share", "max_density_truth", "rmse_test"):
            c.number(r, key, p)
        symbolic = c.get(r, "symbolic", p, dict, nullable=True)
        if symbolic is not None:
            c.get(symbolic, "formula_latex", f"{p}.symbolic", str)
            for key in ("rmse", "rmse_constant", "rmse_spline"):
                c.number(symbolic, key, f"{p}.symbolic", minimum=0)


def _timings(c: Checker, doc: dict[str, Any], path: str) -> None:
    for i, s in enumerate(c.get(doc, "summary", path, list)):
        c.interval(s, "seconds", f"{path}.summary[{i}]")
    for i, s in enumerate(c.get(doc, "symbolic", path, list)):
        c.number(s, "seconds", f"{path}.symbolic[{i}]")
    for i, j in enumerate(c.get(doc, "jobs", path, list)):
        c.number(j, "seconds", f"{path}.jobs[{i}]", minimum=0)
    if "scaling" in doc:
        _scaling_timings(c, c.get(doc, "scaling", path, dict), f"{path}.scaling")


SWEEPS = ("samples", "dims")
POSITIONS = ("below", "inside", "above")
WORK_MEASURES = ("quadrature_nodes", "kernel_evaluations")


def _scaling_timings(c: Checker, doc: dict[str, Any], path: str) -> None:
    c.one_of(c.get(doc, "measure", path, str), f"{path}.measure", ("cpu_seconds",))
    for part, keys in (("law", ("method",)), ("cost", ("method",))):
        for i, entry in enumerate(c.get(doc, part, path, list)):
            p = f"{path}.{part}[{i}]"
            for key in keys:
                c.get(entry, key, p, str)
            c.get(entry, "seed", p, int)
            for key in ("seconds", "cpu_seconds"):
                c.number(entry, key, p, minimum=0)
            if part == "cost":
                c.integer(c.get(entry, "dim", p, int), f"{p}.dim", 1)
                c.integer(c.get(entry, "n_train", p, int), f"{p}.n_train", 1)
                c.get(entry, "feasible", p, bool)
    for i, entry in enumerate(c.get(doc, "fits", path, list)):
        p = f"{path}.fits[{i}]"
        c.get(entry, "method", p, str)
        c.one_of(c.get(entry, "sweep", p, str), f"{p}.sweep", SWEEPS)
        fit = c.get(entry, "fit", p, dict, nullable=True)
        if fit is None:
            c.get(entry, "reason", p, str)
        else:
            _power_law(c, fit, f"{p}.fit")


def _power_law(c: Checker, fit: Any, path: str) -> None:
    c.table(fit, path)
    slope, lo, hi = (c.number(fit, key, path) for key in ("slope", "lo", "hi"))
    if not lo <= slope <= hi:  # type: ignore[operator]
        c.fail(path, f"expected lo <= slope <= hi, got {lo}, {slope}, {hi}")
    c.number(fit, "stderr", path, minimum=0)
    c.number(fit, "intercept", path)
    c.integer(c.get(fit, "df", path, int), f"{path}.df", 1)
    n_groups = c.integer(c.get(fit, "n_groups", path, int), f"{path}.n_groups", 1)
    c.integer(c.get(fit, "n", path, int), f"{path}.n", n_groups + 2)
    if c.number(fit, "x_min", path, minimum=0) > c.number(fit, "x_max", path, minimum=0):  # type: ignore[operator]
        c.fail(path, "expected x_min <= x_max")
    for j, g in enumerate(c.get(fit, "groups", path, list)):
        c.number(g, "slope", f"{path}.groups[{j}]")


def _tuning_entries(c: Checker, entries: Any, path: str) -> None:
    for i, e in enumerate(c.kind(entries, path, list)):
        p = f"{path}[{i}]"
        c.get(e, "method", p, str)
        c.one_of(c.get(e, "score", p, str), f"{p}.score", ("nll", "log_rmse"))
        candidates = c.get(e, "candidates", p, list)
        _scores(c, c.get(e, "scores", p, list), f"{p}.scores", len(candidates))
        if c.get(e, "chosen", p, dict) not in candidates:
            c.fail(f"{p}.chosen", "is not one of the candidates")
        _axes(c, c.get(e, "axes", p, dict), f"{p}.axes")


def _scaling_law(c: Checker, law: dict[str, Any], path: str) -> None:
    c.get(law, "dataset", path, str)
    c.bilingual(law, "title", path)
    seeds = c.integers(c.get(law, "seeds", path, list), f"{path}.seeds", minimum=0)
    c.integer(c.get(law, "paper_alpha", path, int), f"{path}.paper_alpha", 1)
    methods = set()
    for i, f in enumerate(c.get(law, "families", path, list)):
        p = f"{path}.families[{i}]"
        methods.add(c.get(f, "method", p, str))
        c.one_of(c.get(f, "family", p, str), f"{p}.family", FAMILIES)
        c.bilingual(f, "label", p)
        c.one_of(c.get(f, "size_name", p, str), f"{p}.size_name", ("grid", "width"))
        sizes = c.integers(c.get(f, "sizes", p, list), f"{p}.sizes", minimum=1)
        _power_law(c, c.get(f, "fit", p, dict), f"{p}.fit")
        c.interval(f, "alpha", p)
        c.one_of(c.get(f, "paper_position", p, str), f"{p}.paper_position", POSITIONS)
        fits = c.integer(c.get(f, "fits", p, int), f"{p}.fits", 1)
        if not 0 <= c.integer(c.get(f, "ran_to_cap", p, int), f"{p}.ran_to_cap", 0) <= fits:
            c.fail(f"{p}.ran_to_cap", f"expected at most fits = {fits}")
        summary = c.get(f, "summary", p, list)
        if [s.get("size") for s in summary] != sizes:
            c.fail(f"{p}.summary", "expected one entry per size, in order")
        for j, s in enumerate(summary):
            c.integer(c.get(s, "n_params", f"{p}.summary[{j}]", int), f"{p}.summary[{j}].n_params", 1)
            if c.interval(s, "rmse_test", f"{p}.summary[{j}]")["lo"] < 0:  # type: ignore[index]
                c.fail(f"{p}.summary[{j}].rmse_test.lo", "an RMSE interval cannot go below 0")
        _law_shape(c, f, sizes, p)
    for i, pt in enumerate(c.get(law, "points", path, list)):
        p = f"{path}.points[{i}]"
        c.one_of(c.get(pt, "method", p, str), f"{p}.method", sorted(methods))
        c.one_of(c.get(pt, "seed", p, int), f"{p}.seed", seeds)
        c.integer(c.get(pt, "n_params", p, int), f"{p}.n_params", 1)
        c.number(pt, "rmse_test", p, minimum=0)
    paired = c.get(law, "paired_alpha", path, dict, nullable=True)
    if paired is not None:
        _paired(c, paired, f"{path}.paired_alpha")
    _tuning_entries(c, c.get(law, "tuning", path, list), f"{path}.tuning")


def _law_shape(c: Checker, f: dict[str, Any], sizes: list[int], p: str) -> None:
    """A law family's local exponents, floor, fit below the floor and curvature."""
    local = c.get(f, "local_alpha", p, list)
    if [(e.get("from_size"), e.get("to_size")) for e in local] != list(zip(sizes, sizes[1:], strict=False)):
        c.fail(f"{p}.local_alpha", "expected one entry per pair of consecutive sizes, in order")
    for j, e in enumerate(local):
        q = f"{p}.local_alpha[{j}]"
        mean, lo, hi = (c.number(e, key, q, nullable=True) for key in ("mean", "lo", "hi"))
        if lo is not None and not lo <= mean <= hi:  # type: ignore[operator]
            c.fail(q, f"expected lo <= mean <= hi, got {lo}, {mean}, {hi}")
    floor = c.get(f, "floor", p, dict, nullable=True)
    if floor is not None:
        c.one_of(c.get(floor, "size", f"{p}.floor", int), f"{p}.floor.size", sizes)
        if c.interval(floor, "rmse_test", f"{p}.floor")["lo"] < 0:  # type: ignore[index]
            c.fail(f"{p}.floor.rmse_test.lo", "an RMSE interval cannot go below 0")
    fit = c.get(f, "fit_below_floor", p, dict, nullable=True)
    if fit is not None:
        if floor is None:
            c.fail(f"{p}.fit_below_floor", "a fit below the floor needs a floor")
        _power_law(c, fit, f"{p}.fit_below_floor")
        c.interval(f, "alpha_below_floor", p)
        c.one_of(c.get(f, "paper_position_below_floor", p, str), f"{p}.paper_position_below_floor", POSITIONS)
    curvature = c.get(f, "curvature", p, dict, nullable=True)
    if curvature is not None:
        for key in ("quadratic", "lo", "hi", "t"):
            c.number(curvature, key, f"{p}.curvature")
        c.number(curvature, "p_value", f"{p}.curvature", minimum=0)
        c.get(curvature, "curved", f"{p}.curvature", bool)


def _scaling_cost(c: Checker, cost: dict[str, Any], path: str) -> None:
    dims = c.integers(c.get(cost, "dims", path, list), f"{path}.dims", minimum=1)
    sizes = c.integers(c.get(cost, "sample_sizes", path, list), f"{path}.sample_sizes", minimum=1)
    c.integers(c.get(cost, "seeds", path, list), f"{path}.seeds", minimum=0)
    c.number(cost, "p", path, minimum=0)
    for measure, value in c.get(cost, "limits", path, dict).items():
        c.one_of(measure, f"{path}.limits", WORK_MEASURES)
        c.integer(value, f"{path}.limits.{measure}", 1)
    methods = set()
    for i, m in enumerate(c.get(cost, "methods", path, list)):
        p = f"{path}.methods[{i}]"
        methods.add(c.get(m, "name", p, str))
        c.one_of(c.get(m, "family", p, str), f"{p}.family", FAMILIES)
        c.bilingual(m, "label", p)
        c.get(m, "normalized", p, bool)
    for i, m in enumerate(c.get(cost, "mixtures", path, list)):
        p = f"{path}.mixtures[{i}]"
        if c.mixture(m, "mixture", p).n_features != c.one_of(c.get(m, "dim", p, int), f"{p}.dim", dims):
            c.fail(f"{p}.mixture", "its dimension differs from dim")
    for part in ("points", "cells"):
        for i, pt in enumerate(c.get(cost, part, path, list)):
            p = f"{path}.{part}[{i}]"
            c.one_of(c.get(pt, "method", p, str), f"{p}.method", sorted(methods))
            c.one_of(c.get(pt, "dim", p, int), f"{p}.dim", dims)
            c.integer(c.get(pt, "n_train", p, int), f"{p}.n_train", 1)
            feasible = c.get(pt, "feasible", p, bool)
            limit = c.get(pt, "limit", p, dict, nullable=True)
            if feasible == (limit is not None):
                c.fail(f"{p}.limit", "a cell is either run (no limit) or refused by a limit")
            if limit is not None:
                c.one_of(c.get(limit, "measure", f"{p}.limit", str), f"{p}.limit.measure", WORK_MEASURES)
                amount = c.integer(c.get(limit, "amount", f"{p}.limit", int), f"{p}.limit.amount", 0)
                if amount <= c.integer(c.get(limit, "limit", f"{p}.limit", int), f"{p}.limit.limit", 1):
                    c.fail(f"{p}.limit", f"the amount {amount} does not exceed the limit")
            if part == "points":
                c.number(pt, "nll_gap", p, nullable=True)
                c.number(pt, "rmse_rel", p, nullable=True, minimum=0)
                if feasible and pt["rmse_rel"] is None:
                    c.fail(f"{p}.rmse_rel", "missing for a cell that ran")
            else:
                c.interval(pt, "nll_gap", p, nullable=True)
                c.interval(pt, "rmse_rel", p, nullable=True)
    if sizes != sorted(set(sizes)):
        c.fail(f"{path}.sample_sizes", "expected increasing sizes")
    _tuning_entries(c, c.get(cost, "tuning", path, list), f"{path}.tuning")


def _scaling(c: Checker, doc: dict[str, Any], path: str) -> None:
    c.get(doc, "profile", path, str)
    law = c.get(doc, "law", path, dict, nullable=True)
    if law is not None:
        _scaling_law(c, law, f"{path}.law")
    cost = c.get(doc, "cost", path, dict, nullable=True)
    if cost is not None:
        _scaling_cost(c, cost, f"{path}.cost")
    timings = c.get(doc, "timings", path, dict, nullable=True) if "timings" in doc else None
    if timings is not None:
        _scaling_timings(c, timings, f"{path}.timings")


def _manifest(c: Checker, doc: dict[str, Any], path: str) -> None:
    c.get(doc, "profile", path, str)
    c.get(doc, "plan", path, str)
    c.get(doc, "code", path, str) if "code" in doc else c.get(doc, "code_version", path, int)
    for i, name in enumerate(c.get(doc, "files", path, list)):
        if not isinstance(name, str) or name.startswith("/") or ".." in name:
            c.fail(f"{path}.files[{i}]", f"expected a relative file name, got {name!r}")
    c.get(doc, "versions", path, dict)


def _snapshots(c: Checker, doc: dict[str, Any], path: str) -> None:
    from ggmm.snapshots import validate_snapshots

    validate_snapshots(doc)


def _playground(c: Checker, doc: dict[str, Any], path: str) -> None:
    """The KAN playground's guided experiments (build/pages/playground.py)."""
    c.get(doc, "code", path, str)
    for i, exp in enumerate(c.get(doc, "experiments", path, list)):
        p = f"{path}.experiments[{i}]"
        c.get(exp, "id", p, str)
        c.number(exp, "truth_nll", p)
        for j, variant in enumerate(c.get(exp, "variants", p, list)):
            q = f"{p}.variants[{j}]"
            c.get(variant, "hash", q, str)
            results = c.get(variant, "results", q, dict)
            for key in ("train_loss", "validation_loss"):
                c.number(results, key, f"{q}.results")


EXPORT_SCHEMAS = {
    "ggmm-presets": _presets,
    "ggmm-comparison": _comparison,
    "ggmm-tuning": _tuning,
    "ggmm-em-history": _em_history,
    "ggmm-recovered": _recovered,
    "ggmm-original": _original,
    "ggmm-timings": _timings,
    "ggmm-scaling": _scaling,
    "ggmm-snapshots": _snapshots,
    "ggmm-manifest": _manifest,
    "ggmm-playground": _playground,
}


def validate_export(doc: Any) -> str:
    """Check an export document; return its schema name.

    Raises
    ------
    ValueError
        Naming the path of the first bad field.
    """
    from ggmm.snapshots import SCHEMA_VERSION

    c = Checker()
    c.table(doc, "(document)")
    schema = c.one_of(c.get(doc, "schema", "(document)", str), "(document).schema", sorted(EXPORT_SCHEMAS))
    expected = SCHEMA_VERSION if schema == "ggmm-snapshots" else EXPORT_VERSION
    if c.get(doc, "version", schema, int) != expected:
        c.fail(f"{schema}.version", f"this code reads version {expected}, got {doc['version']}")
    EXPORT_SCHEMAS[schema](c, doc, schema)
    return schema


def attach_timings(comparison: dict[str, Any], timings: dict[str, Any]) -> dict[str, Any]:
    """Add each summary row's wall time (``seconds``: interval) from a ``ggmm-timings`` export.

    Returns a new comparison document; rows without a timing get ``seconds: None``.
    """
    seconds = {(row["dataset"], row["method"]): row["seconds"] for row in timings["summary"]}
    summary = [{**row, "seconds": seconds.get((row["dataset"], row["method"]))} for row in comparison["summary"]]
    return {**comparison, "summary": summary}


def load_export(path: str | Path) -> dict[str, Any]:
    """Read and validate one export file.

    A ``ggmm-comparison`` document gets the wall times of the ``timings.json`` beside it
    (see :func:`attach_timings`) when that file exists.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"The export {path} does not exist; run `make data` first.") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"The export {path} is not valid JSON: {exc}") from None
    try:
        validate_export(doc)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    timings = path.with_name("timings.json")
    if doc["schema"] == "ggmm-comparison" and timings.exists():
        doc = attach_timings(doc, load_export(timings))
    if doc["schema"] == "ggmm-scaling":
        doc = {**doc, "timings": load_export(timings).get("scaling") if timings.exists() else None}
    return doc
