"""Numbers formatted for inline use in the prose (Quarto inline expressions)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["Facts", "Inline", "fmt", "fmt_interval", "fmt_list", "fmt_sci"]


class Inline(str):
    """A string that prints without quotes, for Quarto inline expressions."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return str(self)


def fmt(value: float | None, digits: int = 3) -> Inline:
    """Format a number with ``digits`` significant digits (``"n/a"`` for None or NaN)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return Inline("n/a")
    if digits < 1:
        raise ValueError(f"The parameter 'digits' must be at least 1, but got {digits}.")
    value = float(value)
    if value == 0:
        return Inline("0")
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(digits - 1 - magnitude, 0)
    if abs(value) >= 10 ** (digits + 3) or abs(value) < 1e-4:
        return Inline(f"{value:.{digits - 1}e}")
    return Inline(f"{value:.{decimals}f}")


def fmt_list(values: Iterable[int], lang: str = "en") -> Inline:
    """Integers with thousands separators, joined the language's way: ``1,000, 4,000`` or ``1,000、4,000``."""
    return Inline(("、" if lang == "zh" else ", ").join(f"{int(v):,}" for v in values))


def fmt_sci(value: float) -> Inline:
    """A large count in powers of ten: ``1000000`` -> ``"10⁶"``, ``33554432`` -> ``"3.4 × 10⁷"``."""
    if not value > 0:
        raise ValueError(f"The parameter 'value' must be > 0, but got {value!r}.")
    exponent = int(math.floor(math.log10(value)))
    mantissa = value / 10**exponent
    sup = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return Inline(f"10{sup}" if round(mantissa, 1) == 1.0 else f"{mantissa:.1f} × 10{sup}")


def fmt_interval(stat: Mapping[str, Any] | None, digits: int = 3) -> Inline:
    """``"[lo, hi]"`` from a ``{"mean","lo","hi","n"}`` summary."""
    if not stat:
        return Inline("n/a")
    return Inline(f"[{fmt(stat.get('lo'), digits)}, {fmt(stat.get('hi'), digits)}]")


class Facts(dict):
    """A dict whose keys also read as attributes (``facts.n_seeds``); text values print without quotes.

    A key named like a dict method (``values``, ``items``...) is refused: ``facts.values``
    would give the method, which a page would print as ``<function ...>``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hidden = sorted(k for k in self if isinstance(k, str) and hasattr(dict, k))
        if hidden:
            raise ValueError(f"fact names {hidden} are dict methods: facts.{hidden[0]} would not read the fact")

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        return Inline(value) if isinstance(value, str) else value

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"no fact {key!r}; known: {sorted(self)}") from None
