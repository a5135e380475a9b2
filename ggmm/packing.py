"""Packed arrays: the compact array encoding used in every exported JSON file.

A packed array is ``{"dtype": "float16" | "float32", "shape": [d0, d1, ...], "data": str}``
where ``data`` is the base64 encoding of the array's little-endian, C-order bytes. The
browser decodes it with ``assets/js/packing.js``.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

__all__ = ["PACKED_DTYPES", "pack", "unpack", "is_packed"]

#: The dtypes a packed array may use, with their little-endian NumPy codes.
PACKED_DTYPES: dict[str, str] = {"float16": "<f2", "float32": "<f4"}


def pack(array: Any, dtype: str = "float16") -> dict[str, Any]:
    """Encode an array as a packed dict.

    Parameters
    ----------
    array : array-like of any shape
        Finite real values. float16 holds about 3 significant digits and magnitudes up
        to 65504; values beyond that are rejected rather than silently turned into inf.
    dtype : {"float16", "float32"}

    Returns
    -------
    packed : dict
        ``{"dtype": dtype, "shape": list of int, "data": base64 str}``.

    Raises
    ------
    ValueError
        On an unknown dtype, a non-numeric array or values not finite after the cast.
    """
    if dtype not in PACKED_DTYPES:
        raise ValueError(f"The parameter 'dtype' must be one of {sorted(PACKED_DTYPES)}, but got {dtype!r}.")
    try:
        values = np.asarray(array, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The parameter 'array' must be numeric, but got {type(array).__name__}.") from exc
    if not np.all(np.isfinite(values)):
        raise ValueError("The parameter 'array' must be finite, but it holds NaN or inf.")
    with np.errstate(over="ignore"):
        cast = np.ascontiguousarray(values.astype(PACKED_DTYPES[dtype]))
    if not np.all(np.isfinite(cast)):
        raise ValueError(f"The parameter 'array' overflows {dtype}: largest magnitude {np.abs(values).max():.6g}.")
    return {
        "dtype": dtype,
        "shape": [int(n) for n in values.shape],
        "data": base64.b64encode(cast.tobytes(order="C")).decode("ascii"),
    }


def is_packed(obj: Any) -> bool:
    """Whether ``obj`` looks like a packed array (keys and types only, data not decoded)."""
    return (
        isinstance(obj, dict)
        and set(obj) == {"dtype", "shape", "data"}
        and obj["dtype"] in PACKED_DTYPES
        and isinstance(obj["shape"], list)
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in obj["shape"])
        and isinstance(obj["data"], str)
    )


def unpack(packed: dict[str, Any]) -> np.ndarray:
    """Decode a packed dict back into an array.

    Parameters
    ----------
    packed : dict
        As returned by :func:`pack`.

    Returns
    -------
    array : ndarray of shape ``packed["shape"]``
        In the packed dtype (float16 or float32), native byte order, writable.

    Raises
    ------
    ValueError
        On missing keys, an unknown dtype, bad base64 or a byte count that does not
        match the shape.
    """
    if not isinstance(packed, dict):
        raise ValueError(f"The parameter 'packed' must be a dict, but got {type(packed).__name__}.")
    missing = {"dtype", "shape", "data"} - set(packed)
    if missing:
        raise ValueError(f"The parameter 'packed' is missing the key(s) {sorted(missing)}.")
    dtype = packed["dtype"]
    if dtype not in PACKED_DTYPES:
        raise ValueError(f"The field 'dtype' must be one of {sorted(PACKED_DTYPES)}, but got {dtype!r}.")
    shape = packed["shape"]
    if not isinstance(shape, (list, tuple)) or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise ValueError(f"The field 'shape' must be a list of non-negative integers, but got {shape!r}.")
    try:
        raw = base64.b64decode(packed["data"], validate=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"The field 'data' is not valid base64: {exc}") from exc
    itemsize = np.dtype(PACKED_DTYPES[dtype]).itemsize
    expected = int(np.prod(shape, dtype=np.int64)) * itemsize
    if len(raw) != expected:
        raise ValueError(
            f"The field 'data' holds {len(raw)} bytes, but shape {list(shape)} of {dtype} needs {expected}."
        )
    array = np.frombuffer(raw, dtype=PACKED_DTYPES[dtype]).reshape(shape)
    return array.astype(np.dtype(dtype), copy=True)
