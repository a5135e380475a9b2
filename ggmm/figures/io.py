"""Reading the exported JSON files the figures are drawn from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..packing import unpack

__all__ = ["KNOWN_SCHEMAS", "load_export", "check_export", "find_preset", "packed_array"]

#: Schema name -> supported version of every export the figures read.
KNOWN_SCHEMAS: dict[str, int] = {
    "ggmm-presets": 1,
    "ggmm-comparison": 1,
    "ggmm-em-history": 1,
    "ggmm-recovered": 1,
    "ggmm-snapshots": 1,
    "ggmm-timings": 1,
    "ggmm-manifest": 1,
}

# Top-level keys each schema must have (beyond "schema" and "version").
_REQUIRED: dict[str, tuple[str, ...]] = {
    "ggmm-presets": ("presets",),
    "ggmm-comparison": ("datasets", "methods", "metrics", "summary", "truth_nll"),
    "ggmm-em-history": ("runs",),
    "ggmm-recovered": ("datasets",),
    "ggmm-snapshots": ("run", "loss", "stages", "edges", "frames"),
    "ggmm-timings": ("summary", "jobs"),
    "ggmm-manifest": ("plan", "files"),
}


def check_export(data: Any, schema: str | None = None) -> dict[str, Any]:
    """Check that ``data`` is an export of a known schema (and of ``schema`` if given).

    Snapshot files are checked in depth with :func:`ggmm.snapshots.validate_snapshots`;
    the other exports by their schema name, version and top-level keys.

    Parameters
    ----------
    data : dict
        A parsed export.
    schema : str, optional
        The schema the caller expects, e.g. ``"ggmm-comparison"``.

    Returns
    -------
    data : dict
        The same object, for chaining.

    Raises
    ------
    ValueError
        Naming the bad field.
    """
    if not isinstance(data, dict):
        raise ValueError(f"The parameter 'data' must be a dict (a parsed export), but got {type(data).__name__}.")
    name = data.get("schema")
    if name not in KNOWN_SCHEMAS:
        raise ValueError(f"The field 'schema' must be one of {sorted(KNOWN_SCHEMAS)}, but got {name!r}.")
    if schema is not None and name != schema:
        raise ValueError(f"The field 'schema' should be {schema!r}, but got {name!r}.")
    if data.get("version") != KNOWN_SCHEMAS[name]:
        raise ValueError(
            f"The field 'version' of a {name} export must be {KNOWN_SCHEMAS[name]}, but got {data.get('version')!r}."
        )
    if name == "ggmm-snapshots":
        from ..snapshots import validate_snapshots

        validate_snapshots(data)
    else:
        missing = [key for key in _REQUIRED[name] if key not in data]
        if missing:
            raise ValueError(f"The {name} export is missing the field(s) {missing}.")
    return data


def load_export(path: str | Path) -> dict[str, Any]:
    """Read an exported JSON file and check it in depth (:func:`ggmm.exports.load_export`).

    A comparison gets the wall times of the ``timings.json`` beside it.

    Parameters
    ----------
    path : str or Path
        A file written by the pipeline (``report/data/*.json`` or a snapshot file).

    Returns
    -------
    data : dict
        The parsed document.

    Raises
    ------
    ValueError
        If the file is not JSON or not an export of a known schema and version.
    """
    from ..exports import load_export as load_checked

    return check_export(load_checked(path))


def find_preset(presets: dict[str, Any], name: str) -> dict[str, Any]:
    """The entry called ``name`` of a ``ggmm-presets`` export."""
    check_export(presets, "ggmm-presets")
    for entry in presets["presets"]:
        if entry["name"] == name:
            return entry
    names = [entry["name"] for entry in presets["presets"]]
    raise ValueError(f"The parameter 'name' must be one of {names}, but got {name!r}.")


def packed_array(packed: dict[str, Any]) -> np.ndarray:
    """Decode a packed array to float64 (see :mod:`ggmm.packing`)."""
    return unpack(packed).astype(float)
