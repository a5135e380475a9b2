"""Successive halving: the one tuning scheme every family goes through.

Every candidate setting is first trained on a share of its step limits (the first rung's
fraction), scored on the tuning seeds' validation samples, and only the best ``keep`` share
goes on to the next rung, whose budget is larger; the last rung trains with the full limits.
A family whose estimator has no step limit (nothing to shorten) is scored once, at full cost.
The scheme and its numbers are declared in ``build/experiments.toml`` (``[tuning]``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

__all__ = ["BUDGET_PARAMS", "budget_params", "successive_halving"]

#: Constructor arguments that are step limits: the rungs scale them.
BUDGET_PARAMS = ("steps", "retrain_steps")


def budget_params(params: dict[str, Any], fraction: float) -> dict[str, Any]:
    """``params`` with every step limit scaled by ``fraction`` (rounded up, at least 1).

    Parameters
    ----------
    params : dict
        An estimator's constructor arguments.
    fraction : float
        In (0, 1]; 1 leaves ``params`` unchanged.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"The parameter 'fraction' must be in (0, 1], but got {fraction!r}.")
    return {k: (max(1, math.ceil(v * fraction)) if k in BUDGET_PARAMS and isinstance(v, int) else v)
            for k, v in params.items()}


def successive_halving(candidates: list[dict[str, Any]], score: Callable[[dict[str, Any], float], float],
                       rungs: list[float], keep: float, budgeted: bool = True) -> dict[str, Any]:
    """Score ``candidates`` rung by rung, keeping the best ``keep`` share after each rung but the last.

    Parameters
    ----------
    candidates : list of dict
        The settings, in a stable order.
    score : callable
        ``score(candidate, fraction) -> float``, lower is better; ``fraction`` scales the step limits.
    rungs : list of float
        Increasing budget fractions ending at 1.
    keep : float
        Share of a rung's candidates that go on (at least one).
    budgeted : bool
        False when the estimator has no step limit: one rung at full budget.

    Returns
    -------
    dict
        ``scores`` (each candidate's score at the last rung it reached), ``rung`` (that rung's
        index), ``chosen`` (index of the best candidate of the last rung) and ``rungs``.
    """
    if not rungs or rungs[-1] != 1.0 or any(b <= a for a, b in zip(rungs, rungs[1:], strict=False)):
        raise ValueError(f"The rungs must increase and end at 1, but got {rungs!r}.")
    if not 0 < keep <= 1:
        raise ValueError(f"The parameter 'keep' must be in (0, 1], but got {keep!r}.")
    plan = rungs if budgeted else [1.0]
    alive = list(range(len(candidates)))
    scores: list[float] = [math.inf] * len(candidates)
    reached = [0] * len(candidates)
    for r, fraction in enumerate(plan):
        for i in alive:
            scores[i], reached[i] = float(score(candidates[i], fraction)), r
        alive.sort(key=lambda i: (scores[i], i))
        if r < len(plan) - 1:
            alive = alive[:max(1, math.ceil(keep * len(alive)))]
    return {"scores": scores, "rung": reached, "chosen": alive[0], "rungs": list(plan)}
