"""The report's data files: reading and validating them.

Every export is a JSON object with ``schema`` and ``version``; :func:`validate_export`
dispatches on ``schema`` to the document's model (:mod:`ggmm_build.documents.models`,
where every layout is described) and raises ``ValueError`` naming the path of the first
bad field (``ggmm-comparison.summary[3].rmse_test``). Packed arrays are described in
:mod:`ggmm.packing`; snapshot files in :mod:`ggmm.snapshots`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .models import EXPORT_MODELS, EXPORT_VERSION

__all__ = ["validate_export", "load_export", "attach_timings", "EXPORT_MODELS", "EXPORT_VERSION"]


def _where(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a path: ``summary[3].rmse_test``."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


#: A problem that starts with the path of a field inside the model that raised it (``points[0].seed: ...``).
_RELATIVE = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*): (.*)$", re.S)


def _located(error: ErrorDetails) -> tuple[str, str]:
    """The path of the bad field and what is wrong with it, from one pydantic error."""
    where = _where(tuple(error["loc"]))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        return where, "missing"
    if error["type"] == "value_error":
        relative = _RELATIVE.match(message)
        if relative:
            return f"{where}.{relative.group(1)}", relative.group(2)
        return where, message
    if "input" in error:
        shown = repr(error["input"])
        return where, f"{message}, got {shown if len(shown) <= 40 else shown[:37] + '...'}"
    return where, message


def validate_export(doc: Any) -> str:
    """Check an export document against its model; return its schema name.

    Raises
    ------
    ValueError
        Naming the path of the first bad field and what is wrong with it.
    """
    from ggmm.snapshots import SCHEMA_VERSION

    if not isinstance(doc, dict):
        raise ValueError(f"(document): expected an object, got {type(doc).__name__}")
    schema = doc.get("schema")
    if schema not in EXPORT_MODELS:
        raise ValueError(f"(document).schema: must be one of {', '.join(sorted(EXPORT_MODELS))}, got {schema!r}")
    expected = SCHEMA_VERSION if schema == "ggmm-snapshots" else EXPORT_VERSION
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError(f"{schema}.version: expected an integer, got {version!r}")
    if version != expected:
        raise ValueError(f"{schema}.version: this code reads version {expected}, got {version}")
    try:
        EXPORT_MODELS[schema].model_validate(doc)
    except ValidationError as exc:
        where, problem = _located(exc.errors(include_url=False)[0])
        raise ValueError(f"{schema}{where}: {problem}") from None
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
