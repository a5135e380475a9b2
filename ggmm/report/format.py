"""Numbers formatted for inline use in the prose (Quarto inline expressions)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Inline", "Numbers", "fmt", "fmt_interval"]


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


def fmt_interval(stat: Mapping[str, Any] | None, digits: int = 3) -> Inline:
    """``"[lo, hi]"`` from a ``{"mean","lo","hi","n"}`` summary."""
    if not stat:
        return Inline("n/a")
    return Inline(f"[{fmt(stat.get('lo'), digits)}, {fmt(stat.get('hi'), digits)}]")


@dataclass
class Numbers:
    """Headline numbers of one dataset, formatted for inline use in both languages.

    Every attribute is an :class:`Inline` string; ``*_en`` / ``*_zh`` pairs carry
    language-dependent text (method labels, verdicts). Build with :func:`numbers`.
    """

    values: dict[str, Inline] = field(default_factory=dict)

    def __getattr__(self, key: str) -> Inline:
        if key == "values":
            raise AttributeError(key)
        try:
            return self.values[key]
        except KeyError:
            raise AttributeError(f"no headline number {key!r}; known: {sorted(self.values)}") from None

    def __dir__(self) -> Iterable[str]:
        return sorted(self.values)
