"""Reading the exported JSON files the figures are drawn from.

:func:`load_export` (read a file, check it, attach the fit times) is
:func:`ggmm_build.documents.exports.load_export`, re-exported for the pages' cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ggmm.packing import unpack

from ..documents.exports import load_export

__all__ = ["load_export", "check_export", "find_preset", "packed_array"]


def check_export(data: Any, schema: str | None = None) -> dict[str, Any]:
    """Check that ``data`` is a valid export (of ``schema`` if given), with
    :func:`ggmm_build.documents.exports.validate_export`.

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
    from ..documents.exports import validate_export

    if not isinstance(data, dict):
        raise ValueError(f"The parameter 'data' must be a dict (a parsed export), but got {type(data).__name__}.")
    if schema is not None and data.get("schema") != schema:
        raise ValueError(f"The field 'schema' should be {schema!r}, but got {data.get('schema')!r}.")
    validate_export(data)
    return data


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
