"""Argument checkers shared by the public API.

Each checker returns a clean float64 array or raises ``ValueError`` with a
message naming the argument, what was expected and what came.
"""

from __future__ import annotations

import numpy as np


def _fmt(value: object) -> str:
    text = np.array2string(np.asarray(value), precision=5, threshold=12) if not isinstance(value, str) else repr(value)
    return text


def as_float_array(value: object, name: str, ndim: int) -> np.ndarray:
    """Convert ``value`` to a finite float64 array with ``ndim`` dimensions.

    Parameters
    ----------
    value : array-like
        The argument as given.
    name : str
        The argument's name, used in error messages.
    ndim : int
        The required number of dimensions.

    Returns
    -------
    array : ndarray of float64
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The parameter '{name}' must be numeric, but got {value!r}.") from exc
    if array.ndim != ndim:
        raise ValueError(f"The parameter '{name}' should have {ndim} dimension(s), but got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"The parameter '{name}' must not be empty, but got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"The parameter '{name}' must be finite, but got {_fmt(array)}.")
    return array


def check_positive(array: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless every entry of ``array`` is > 0."""
    if np.any(array <= 0):
        raise ValueError(f"The parameter '{name}' must be > 0 everywhere, but got {_fmt(array)}.")


def check_samples(X: object, n_features: int | None = None, name: str = "X", min_samples: int = 1) -> np.ndarray:
    """Validate a sample matrix of shape (n_samples, n_features).

    A 1-D array is accepted only when ``n_features == 1`` and is reshaped to a column; at
    least ``min_samples`` rows are required.
    """
    try:
        array = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The parameter '{name}' must be numeric, but got {type(X).__name__}.") from exc
    if array.ndim == 1 and n_features == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(
            f"The parameter '{name}' should have shape (n_samples, n_features), but got shape {array.shape}."
        )
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(
            f"The parameter '{name}' should have {n_features} feature column(s), but got {array.shape[1]}."
        )
    if array.shape[0] == 0:
        raise ValueError(f"The parameter '{name}' must hold at least one sample, but got none.")
    if array.shape[0] < min_samples:
        raise ValueError(f"The parameter '{name}' must hold at least {min_samples} samples, but got {array.shape[0]}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"The parameter '{name}' must be finite, but it holds NaN or inf.")
    return array


def check_int(value: object, name: str, minimum: int) -> int:
    """Validate an integer argument that must be >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"The parameter '{name}' must be an integer, but got {value!r}.")
    if value < minimum:
        raise ValueError(f"The parameter '{name}' must be >= {minimum}, but got {value}.")
    return int(value)
