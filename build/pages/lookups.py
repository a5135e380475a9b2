"""Look-ups in ``comparison.json`` shared by the modules of facts (:mod:`.verdicts`, :mod:`.readback`).

A dataset's title and a method's label per language, a dataset checked against the export, a
method's summary row and its runs by seed, and a comparison's verdict before and after the
multiplicity adjustment; :data:`Doc`, the type of a loaded export every module of facts reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Doc = Mapping[str, Any]


def _titles(comparison: Doc) -> dict[str, dict[str, str]]:
    return {d["name"]: d["title"] for d in comparison["datasets"]}


def _labels(comparison: Doc) -> dict[str, dict[str, str]]:
    return {m["name"]: m["label"] for m in comparison["methods"]}


def _check_dataset(comparison: Doc, dataset: str) -> None:
    known = [d["name"] for d in comparison["datasets"]]
    if dataset not in known:
        raise ValueError(f"The parameter 'dataset' must be one of {known}, but got {dataset!r}.")


def _summary(comparison: Doc, dataset: str, method: str) -> Mapping[str, Any] | None:
    return next((s for s in comparison["summary"] if s["dataset"] == dataset and s["method"] == method), None)


def _raw(entry: Mapping[str, Any]) -> str:
    """A comparison's verdict before any multiplicity adjustment, as "better", "tied" or "worse"."""
    return "tied" if entry["verdict"] in ("tie", "tied") else entry["verdict"]


def _final(entry: Mapping[str, Any]) -> str:
    """The verdict the report states: after the multiplicity adjustment when the export has one."""
    verdict = entry.get("verdict_adjusted") or entry["verdict"]
    return "tied" if verdict in ("tie", "tied") else verdict


def _runs(comparison: Doc, dataset: str, method: str) -> dict[int, Mapping[str, Any]]:
    return {int(r["seed"]): r for r in comparison["runs"] if r["dataset"] == dataset and r["method"] == method}
