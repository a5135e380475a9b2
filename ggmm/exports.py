"""The report's data files: their schemas, checked in plain Python.

Every export is a JSON object with ``schema`` and ``version``; :func:`validate_export`
dispatches on ``schema`` and raises ``ValueError`` naming the path of the first bad
field (``comparison.summary[3].rmse_test.lo``). Packed arrays are described in
:mod:`ggmm.packing`; snapshot files in :mod:`ggmm.snapshots`.

Schemas (version 1)
-------------------
ggmm-presets
    ``presets``: list of {name, title {en, zh}, mixture (GeneralizedGaussianMixture.to_dict),
    bounds (D x 2), samples {x: packed (n, D), labels: [int]}, grid: {x, y, density packed (ny, nx)} or null}.
ggmm-comparison
    ``profile``, ``n_seeds``, ``datasets`` [{name, title, dim, n_components}], ``methods``
    [{name, family, label}], ``metrics``, ``summary`` [{dataset, method, family, n_params,
    rmse_test, rmse_grid: interval, nll: interval or null}], ``runs`` [{dataset, method, seed,
    rmse_test, rmse_grid, nll, nll_stderr, truth_nll (same test points), n_params, param_errors}],
    ``truth_nll`` {dataset: interval};
    an interval is {mean, lo, hi, n}, the 95% t-interval of the mean over seeds.
ggmm-em-history
    ``runs`` [{dataset, init, seed, truth, samples packed (n, D), converged, warnings,
    iterations [{iter, log_likelihood, mixture}]}].
ggmm-recovered
    ``datasets`` [{dataset, seed, truth, em, kan (mixtures), errors {em, kan}, curves
    [{component, dim, x, learned, fitted, center, scale, p}], readback, symbolic or null}].
ggmm-manifest
    ``profile``, ``plan`` (hash of every job entry and the code version), ``code_version``,
    ``n_jobs``, ``files`` (the exports written with it), ``versions`` (package versions).
ggmm-timings
    ``summary`` [{dataset, method, seconds: interval}], ``symbolic`` [{dataset, method, seconds}],
    ``jobs`` [{kind, dataset, method, seed, seconds}]. Wall times differ from run to run, so
    they live here and nowhere else: every other export is byte-identical between two cold
    builds. :func:`load_export` attaches them to a comparison read from the same folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .distribution import GeneralizedGaussianMixture
from .packing import unpack

__all__ = ["validate_export", "load_export", "attach_timings", "EXPORT_SCHEMAS"]

FAMILIES = ("KAN", "MLP", "classical")


def _fail(path: str, message: str) -> None:
    raise ValueError(f"{path}: {message}")


def _get(obj: Any, key: str, path: str, kind: type | tuple[type, ...], nullable: bool = False) -> Any:
    if not isinstance(obj, dict):
        _fail(path, f"expected an object, got {type(obj).__name__}")
    if key not in obj:
        _fail(f"{path}.{key}", "missing")
    value = obj[key]
    if value is None and nullable:
        return None
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        _fail(f"{path}.{key}", f"expected {kind}, got a boolean")
    if not isinstance(value, kind):
        _fail(f"{path}.{key}", f"expected {getattr(kind, '__name__', kind)}, got {type(value).__name__}")
    return value


def _number(obj: Any, key: str, path: str, nullable: bool = False) -> float | None:
    value = _get(obj, key, path, (int, float), nullable)
    if value is not None and not np.isfinite(value):
        _fail(f"{path}.{key}", f"must be finite, got {value}")
    return value


def _packed(obj: Any, key: str, path: str, ndim: int) -> np.ndarray:
    try:
        array = unpack(_get(obj, key, path, dict))
    except ValueError as exc:
        _fail(f"{path}.{key}", str(exc))
    if array.ndim != ndim:
        _fail(f"{path}.{key}", f"expected {ndim} dimensions, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        _fail(f"{path}.{key}", "holds non-finite values")
    return array


def _mixture(obj: Any, key: str, path: str) -> GeneralizedGaussianMixture:
    try:
        return GeneralizedGaussianMixture.from_dict(_get(obj, key, path, dict))
    except ValueError as exc:
        _fail(f"{path}.{key}", str(exc))
    raise AssertionError  # unreachable


def _bilingual(obj: Any, key: str, path: str) -> None:
    text = _get(obj, key, path, dict)
    for lang in ("en", "zh"):
        _get(text, lang, f"{path}.{key}", str)


def _interval(obj: Any, key: str, path: str, nullable: bool = False) -> None:
    value = _get(obj, key, path, dict, nullable)
    if value is None:
        return
    p = f"{path}.{key}"
    mean, lo, hi = (_number(value, k, p) for k in ("mean", "lo", "hi"))
    if not lo <= mean <= hi:  # type: ignore[operator]
        _fail(p, f"expected lo <= mean <= hi, got {lo}, {mean}, {hi}")
    if _get(value, "n", p, int) < 1:
        _fail(f"{p}.n", "must be >= 1")


def _presets(doc: dict[str, Any], path: str) -> None:
    for i, entry in enumerate(_get(doc, "presets", path, list)):
        p = f"{path}.presets[{i}]"
        _get(entry, "name", p, str)
        _bilingual(entry, "title", p)
        mixture = _mixture(entry, "mixture", p)
        bounds = np.asarray(_get(entry, "bounds", p, list), dtype=float)
        if bounds.shape != (mixture.n_features, 2):
            _fail(f"{p}.bounds", f"expected shape ({mixture.n_features}, 2), got {bounds.shape}")
        samples = _get(entry, "samples", p, dict)
        x = _packed(samples, "x", f"{p}.samples", 2)
        labels = _get(samples, "labels", f"{p}.samples", list)
        if x.shape[1] != mixture.n_features or len(labels) != x.shape[0]:
            _fail(f"{p}.samples", f"x has shape {x.shape} and {len(labels)} labels")
        grid = _get(entry, "grid", p, dict, nullable=True)
        if grid is not None:
            density = _packed(grid, "density", f"{p}.grid", 2)
            nx, ny = len(_get(grid, "x", f"{p}.grid", list)), len(_get(grid, "y", f"{p}.grid", list))
            if density.shape != (ny, nx):
                _fail(f"{p}.grid.density", f"expected shape ({ny}, {nx}), got {density.shape}")
            if np.any(density < 0):
                _fail(f"{p}.grid.density", "holds negative densities")


def _comparison(doc: dict[str, Any], path: str) -> None:
    _get(doc, "profile", path, str)
    if _get(doc, "n_seeds", path, int) < 1:
        _fail(f"{path}.n_seeds", "must be >= 1")
    datasets = set()
    for i, d in enumerate(_get(doc, "datasets", path, list)):
        datasets.add(_get(d, "name", f"{path}.datasets[{i}]", str))
        _bilingual(d, "title", f"{path}.datasets[{i}]")
        _get(d, "dim", f"{path}.datasets[{i}]", int)
        _get(d, "n_components", f"{path}.datasets[{i}]", int)
    methods = set()
    for i, m in enumerate(_get(doc, "methods", path, list)):
        methods.add(_get(m, "name", f"{path}.methods[{i}]", str))
        if _get(m, "family", f"{path}.methods[{i}]", str) not in FAMILIES:
            _fail(f"{path}.methods[{i}].family", f"must be one of {FAMILIES}")
        _bilingual(m, "label", f"{path}.methods[{i}]")
    for i, s in enumerate(_get(doc, "summary", path, list)):
        p = f"{path}.summary[{i}]"
        if _get(s, "dataset", p, str) not in datasets:
            _fail(f"{p}.dataset", "not listed in datasets")
        if _get(s, "method", p, str) not in methods:
            _fail(f"{p}.method", "not listed in methods")
        _get(s, "n_params", p, int)
        _interval(s, "rmse_test", p)
        _interval(s, "rmse_grid", p)
        _interval(s, "nll", p, nullable=True)
        if "seconds" in s:  # attached from timings.json by load_export
            _interval(s, "seconds", p, nullable=True)
    for i, r in enumerate(_get(doc, "runs", path, list)):
        p = f"{path}.runs[{i}]"
        _get(r, "seed", p, int)
        for key in ("rmse_test", "rmse_grid"):
            if _number(r, key, p) < 0:  # type: ignore[operator]
                _fail(f"{p}.{key}", "must be >= 0")
        _number(r, "nll", p, nullable=True)
        _get(r, "param_errors", p, dict, nullable=True)
    truth = _get(doc, "truth_nll", path, dict)
    for name in datasets:
        _interval(truth, name, f"{path}.truth_nll")


def _em_history(doc: dict[str, Any], path: str) -> None:
    for i, run in enumerate(_get(doc, "runs", path, list)):
        p = f"{path}.runs[{i}]"
        _get(run, "dataset", p, str)
        if _get(run, "init", p, str) not in ("kmeans", "random"):
            _fail(f"{p}.init", "must be kmeans or random")
        truth = _mixture(run, "truth", p)
        if _packed(run, "samples", p, 2).shape[1] != truth.n_features:
            _fail(f"{p}.samples", "wrong number of columns")
        iterations = _get(run, "iterations", p, list)
        if not iterations:
            _fail(f"{p}.iterations", "is empty")
        for j, it in enumerate(iterations):
            _number(it, "log_likelihood", f"{p}.iterations[{j}]")
            _mixture(it, "mixture", f"{p}.iterations[{j}]")


def _recovered(doc: dict[str, Any], path: str) -> None:
    for i, d in enumerate(_get(doc, "datasets", path, list)):
        p = f"{path}.datasets[{i}]"
        _get(d, "dataset", p, str)
        for key in ("truth", "em", "kan"):
            _mixture(d, key, p)
        errors = _get(d, "errors", p, dict)
        for key in ("em", "kan"):
            _get(errors, key, f"{p}.errors", dict)
        for j, c in enumerate(_get(d, "curves", p, list)):
            q = f"{p}.curves[{j}]"
            n = len(_get(c, "x", q, list))
            for key in ("learned", "fitted"):
                if len(_get(c, key, q, list)) != n:
                    _fail(f"{q}.{key}", f"expected {n} values like x")
        _get(d, "symbolic", p, dict, nullable=True)


def _timings(doc: dict[str, Any], path: str) -> None:
    for i, s in enumerate(_get(doc, "summary", path, list)):
        _interval(s, "seconds", f"{path}.summary[{i}]")
    for i, s in enumerate(_get(doc, "symbolic", path, list)):
        _number(s, "seconds", f"{path}.symbolic[{i}]")
    for i, j in enumerate(_get(doc, "jobs", path, list)):
        if _number(j, "seconds", f"{path}.jobs[{i}]") < 0:  # type: ignore[operator]
            _fail(f"{path}.jobs[{i}].seconds", "must be >= 0")


def _manifest(doc: dict[str, Any], path: str) -> None:
    _get(doc, "profile", path, str)
    _get(doc, "plan", path, str)
    _get(doc, "code_version", path, int)
    for i, name in enumerate(_get(doc, "files", path, list)):
        if not isinstance(name, str) or name.startswith("/") or ".." in name:
            _fail(f"{path}.files[{i}]", f"expected a relative file name, got {name!r}")
    _get(doc, "versions", path, dict)


def _snapshots(doc: dict[str, Any], path: str) -> None:
    from .snapshots import validate_snapshots

    validate_snapshots(doc)


EXPORT_SCHEMAS = {
    "ggmm-presets": _presets,
    "ggmm-comparison": _comparison,
    "ggmm-em-history": _em_history,
    "ggmm-recovered": _recovered,
    "ggmm-timings": _timings,
    "ggmm-snapshots": _snapshots,
    "ggmm-manifest": _manifest,
}


def validate_export(doc: Any) -> str:
    """Check an export document; return its schema name.

    Raises
    ------
    ValueError
        Naming the path of the first bad field.
    """
    if not isinstance(doc, dict):
        _fail("(document)", f"expected a JSON object, got {type(doc).__name__}")
    schema = _get(doc, "schema", "(document)", str)
    if schema not in EXPORT_SCHEMAS:
        _fail("(document).schema", f"unknown schema {schema!r}; known: {sorted(EXPORT_SCHEMAS)}")
    if _get(doc, "version", schema, int) != 1:
        _fail(f"{schema}.version", f"this code reads version 1, got {doc['version']}")
    EXPORT_SCHEMAS[schema](doc, schema)
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
    return doc
