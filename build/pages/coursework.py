"""What the reproduction of the original coursework measured (``original.json``), as its page states it."""

from __future__ import annotations

from .format import Facts
from .lookups import Doc

__all__ = ["original_facts"]


def original_facts(original: Doc) -> Facts:
    """What the original coursework's method gets wrong, as measured by the reproduction job."""
    run = original["runs"][0]
    symbolic = run.get("symbolic") or {}
    return Facts(
        {
            **{k: v for k, v in run.items() if k != "symbolic"},
            "negative_pct": 100.0 * run["negative_share"],
            "symbolic": symbolic or None,
            "symbolic_ratio": symbolic["rmse"] / symbolic["rmse_constant"] if symbolic else None,
            "sample_half_width": max(abs(v) for pair in run["sample_range"] for v in pair),
        }
    )
