"""One validator for parsed documents (the snapshot files; the exports and the experiment config have models).

A :class:`Checker` walks a parsed JSON or TOML document and raises, on the first bad
field, an error naming its path (``comparison.summary[3].rmse_test.lo``) and the problem.
Each document type supplies only its layout; the checks themselves live here once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NoReturn, cast

import numpy as np

from .packing import PACKED_DTYPES, unpack

__all__ = ["Checker"]

Kind = type | tuple[type, ...]


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Checker:
    """Raise ``error(prefix + path + ": " + problem)`` for the first bad field.

    Parameters
    ----------
    prefix : str
        Put before every path (e.g. the file name).
    error : type of ValueError
        The exception raised.
    """

    def __init__(self, prefix: str = "", error: type[ValueError] = ValueError) -> None:
        self.prefix, self.error = prefix, error

    def fail(self, path: str, problem: str) -> NoReturn:
        """Raise the error for ``path``."""
        raise self.error(f"{self.prefix}{path or '(document)'}: {problem}")

    # -- scalars and containers ----------------------------------------------

    def kind(self, value: Any, path: str, kind: Kind, nullable: bool = False) -> Any:
        """``value`` itself when it has type ``kind`` (bools are not numbers; numbers are finite)."""
        if value is None and nullable:
            return None
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            self.fail(path, f"expected {self._name(kind)}, got a boolean")
        if not isinstance(value, kind):
            self.fail(path, f"expected {self._name(kind)}, got {type(value).__name__} {self._short(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(path, f"must be finite, got {value}")
        return value

    def get(self, obj: Any, key: str, path: str, kind: Kind, nullable: bool = False) -> Any:
        """``obj[key]`` checked with :meth:`kind`; ``obj`` must be an object holding ``key``."""
        self.table(obj, path)
        if key not in obj:
            self.fail(_join(path, key), "missing")
        return self.kind(obj[key], _join(path, key), kind, nullable)

    def table(self, value: Any, path: str) -> dict[str, Any]:
        """``value`` when it is an object (a TOML table)."""
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {type(value).__name__} {self._short(value)}")
        return value

    def number(
        self, obj: Any, key: str, path: str, nullable: bool = False, minimum: float | None = None
    ) -> float | None:
        """A finite number ``obj[key]``, optionally at least ``minimum``."""
        value = self.get(obj, key, path, (int, float), nullable)
        if value is not None and minimum is not None and value < minimum:
            self.fail(_join(path, key), f"must be >= {minimum}, got {value}")
        return cast(float | None, value)

    def integer(self, value: Any, path: str, minimum: int | None = None) -> int:
        """An integer, optionally at least ``minimum``."""
        self.kind(value, path, int)
        if minimum is not None and value < minimum:
            self.fail(path, f"must be >= {minimum}, got {value}")
        return cast(int, value)

    def numbers(self, values: Any, path: str, length: int | None = None) -> list[float]:
        """A list of finite numbers, optionally of a given length."""
        self._list(values, path, length)
        for i, v in enumerate(values):
            self.kind(v, _join(path, i), (int, float))
        return cast(list[float], values)

    def integers(self, values: Any, path: str, length: int | None = None, minimum: int | None = None) -> list[int]:
        """A list of integers, optionally of a given length and at least ``minimum``."""
        self._list(values, path, length)
        for i, v in enumerate(values):
            self.integer(v, _join(path, i), minimum)
        return cast(list[int], values)

    def names(self, value: Any, path: str, allowed: Sequence[str], what: str) -> list[str]:
        """A non-empty list of distinct names from ``allowed``."""
        if not isinstance(value, list) or not value:
            self.fail(path, f"expected a non-empty list of {what} names, got {value!r}")
        for item in value:
            if item not in allowed:
                self.fail(path, f"unknown {what} {item!r}; known: {', '.join(allowed)}")
        if len(set(value)) != len(value):
            self.fail(path, f"lists a {what} twice: {value}")
        return list(value)

    def one_of(self, value: Any, path: str, allowed: Sequence[Any]) -> Any:
        """``value`` when it is one of ``allowed``."""
        if value not in allowed:
            self.fail(path, f"must be one of {', '.join(map(str, allowed))}, got {value!r}")
        return value

    def bilingual(self, obj: Any, key: str, path: str) -> dict[str, str]:
        """A ``{"en": text, "zh": text}`` object with both texts non-empty."""
        text = self.get(obj, key, path, dict)
        for lang in ("en", "zh"):
            if not self.get(text, lang, _join(path, key), str):
                self.fail(_join(_join(path, key), lang), "is empty")
        return cast(dict[str, str], text)

    # -- arrays and domain objects --------------------------------------------

    def packed(
        self,
        obj: Any,
        path: str,
        shape: Sequence[int | None] | None = None,
        dtypes: Sequence[str] = tuple(PACKED_DTYPES),
        non_negative: bool = False,
        ndim: int | None = None,
    ) -> np.ndarray:
        """A packed array (:mod:`ggmm.packing`), its shape, dtype, finiteness and sign checked."""
        self.table(obj, path)
        for key in ("dtype", "shape", "data"):
            if key not in obj:
                self.fail(_join(path, key), "missing")
        if obj["dtype"] not in dtypes:
            self.fail(_join(path, "dtype"), f"expected one of {list(dtypes)}, got {obj['dtype']!r}")
        got = self.integers(obj["shape"], _join(path, "shape"), minimum=0)
        if shape is not None and (
            len(got) != len(shape) or any(w is not None and w != n for w, n in zip(shape, got, strict=False))
        ):
            self.fail(_join(path, "shape"), f"expected {[('*' if s is None else s) for s in shape]}, got {got}")
        if ndim is not None and len(got) != ndim:
            self.fail(_join(path, "shape"), f"expected {ndim} dimensions, got {got}")
        try:
            array = unpack(obj)
        except ValueError as exc:
            self.fail(_join(path, "data"), str(exc))
        if not np.all(np.isfinite(array)):
            self.fail(_join(path, "data"), "holds NaN or inf")
        if non_negative and array.size and array.min() < 0:
            self.fail(_join(path, "data"), f"expected values >= 0, got minimum {float(array.min())}")
        return array

    def mixture(self, obj: Any, key: str, path: str) -> Any:
        """A mixture stored with ``GeneralizedGaussianMixture.to_dict``."""
        from .distribution import GeneralizedGaussianMixture

        try:
            return GeneralizedGaussianMixture.from_dict(self.get(obj, key, path, dict))
        except (ValueError, KeyError, TypeError) as exc:
            self.fail(_join(path, key), f"not a valid mixture: {exc}")

    def interval(self, obj: Any, key: str, path: str, nullable: bool = False) -> dict[str, Any] | None:
        """A summary ``{mean, lo, hi, n}`` with ``lo <= mean <= hi`` and ``n >= 1``."""
        value = self.get(obj, key, path, dict, nullable)
        if value is None:
            return None
        p = _join(path, key)
        mean, lo, hi = (self.number(value, k, p) for k in ("mean", "lo", "hi"))
        if not lo <= mean <= hi:  # type: ignore[operator]
            self.fail(p, f"expected lo <= mean <= hi, got {lo}, {mean}, {hi}")
        self.integer(self.get(value, "n", p, int), _join(p, "n"), 1)
        return cast(dict[str, Any], value)

    # -- internals --------------------------------------------------------------

    def _list(self, values: Any, path: str, length: int | None) -> None:
        if not isinstance(values, list):
            self.fail(path, f"expected an array, got {type(values).__name__}")
        if length is not None and len(values) != length:
            self.fail(path, f"expected {length} entries, got {len(values)}")

    @staticmethod
    def _name(kind: Kind) -> str:
        kinds = kind if isinstance(kind, tuple) else (kind,)
        names = {
            "int": "an integer",
            "float": "a number",
            "str": "a string",
            "dict": "an object",
            "list": "an array",
            "bool": "a boolean",
        }
        if set(kinds) == {int, float}:
            return "a number"
        return " or ".join(names.get(k.__name__, k.__name__) for k in kinds)

    @staticmethod
    def _short(value: Any) -> str:
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
