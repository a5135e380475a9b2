"""The protocol as run, as the pages state it: the evaluated seeds of ``comparison.json`` and
the tuning's seeds, validation size and budget (``tuning.json``). Plain values, no wording.
"""

from __future__ import annotations

from .format import Facts
from .lookups import Doc

__all__ = ["seeds_text", "tuning_facts"]


def seeds_text(comparison: Doc) -> Facts:
    """The evaluated seeds of the comparison."""
    seeds = sorted({int(run["seed"]) for run in comparison["runs"]})
    return Facts({"listed": ", ".join(str(s) for s in seeds), "count": len(seeds)})


def tuning_facts(tuning: Doc) -> Facts:
    """The tuning protocol as run: seeds, validation size, budget and how many settings were tried."""
    entries = tuning["entries"]
    return Facts(
        {
            "seeds": tuning["tuning_seeds"],
            "n_validation": tuning["n_validation"],
            "budget": tuning["candidates_budget"],
            "n_entries": len(entries),
            "n_methods": len({e["method"] for e in entries}),
            "n_fits": sum(len(e["candidates"]) for e in entries) * len(tuning["tuning_seeds"]),
        }
    )
