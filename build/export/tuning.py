"""The tuning export: every tuning job's candidates, scores, rungs and choice."""

from __future__ import annotations

from typing import Any

from ..config import Profile
from .format import EXPORT_VERSION, Pairs


def tuning_export(profile: Profile, tunes: Pairs) -> dict[str, Any]:
    """Every tuning job: the candidates, their validation scores and the setting chosen."""
    return {
        "schema": "ggmm-tuning",
        "version": EXPORT_VERSION,
        "profile": profile.name,
        "tuning_seeds": list(profile.tuning_seeds),
        "n_validation": profile.n_validation,
        "candidates_budget": profile.candidates,
        "scheme": {
            "name": "successive-halving",
            "rungs": profile.rungs,
            "keep": profile.keep,
            "extensions": profile.extensions,
        },
        "entries": tuning_entries(tunes),
    }


def tuning_entries(tunes: Pairs) -> list[dict[str, Any]]:
    return [
        {
            "dataset": job["dataset"],
            "method": job["method"],
            "score": res["score"],
            "candidates": res["candidates"],
            "scores": res["scores"],
            "chosen": res["chosen"],
            "rung": res["rung"],
            "rungs": res["rungs"],
            "axes": res["axes"],
            "n_extended": res["n_extended"],
            "failed": res["failed"],
        }
        for job, res in tunes
    ]
