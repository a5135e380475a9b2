"""Successive halving: the one tuning scheme every family goes through.

Every candidate setting is first trained on a share of its step limits (the first rung's
fraction), scored on the tuning seeds' validation samples, and only the best ``keep`` share
goes on to the next rung, whose budget is larger; the last rung trains with the full limits.
A family whose estimator declares no step limit (``tags.budget`` of its class, see
``ggmm.estimators.EstimatorTags``: nothing to shorten) is scored once, at full cost.
The scheme and its numbers are declared in ``build/experiments.toml`` (``[tuning]``).

A grid cannot show that its best value is best when that value is one of its ends. So when
the chosen setting sits on an end of an ordered hyperparameter's grid (a learning rate, a
spline grid size, a penalty), :func:`bracket` extends that axis one step beyond the end, by
the grid's own spacing, and trains the new setting with the full limits; it repeats while the
new end wins, until the choice lies inside the grid, the next value would cross a hard bound
(a value must stay positive: a penalty of 0 or a grid of 1 interval is as far as that end
goes), or ``extensions`` steps were taken on that axis.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

__all__ = ["Ticker", "bracket", "budget_params", "extend_value", "halving", "ordered_axes", "successive_halving"]


def budget_params(params: dict[str, Any], fraction: float, budget: tuple[str, ...]) -> dict[str, Any]:
    """``params`` with every step limit scaled by ``fraction`` (rounded up, at least 1).

    Parameters
    ----------
    params : dict
        An estimator's constructor arguments.
    fraction : float
        In (0, 1]; 1 leaves ``params`` unchanged.
    budget : tuple of str
        The names of the estimator's step limits (its class's ``tags.budget``).
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"The parameter 'fraction' must be in (0, 1], but got {fraction!r}.")
    return {
        k: (max(1, math.ceil(v * fraction)) if k in budget and isinstance(v, int) else v) for k, v in params.items()
    }


def successive_halving(
    candidates: list[dict[str, Any]],
    score: Callable[[dict[str, Any], float], float],
    rungs: list[float],
    keep: float,
    budgeted: bool = True,
) -> dict[str, Any]:
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
            alive = alive[: max(1, math.ceil(keep * len(alive)))]
    return {"scores": scores, "rung": reached, "chosen": alive[0], "rungs": list(plan)}


def ordered_axes(candidates: list[dict[str, Any]]) -> dict[str, list[float]]:
    """The ordered hyperparameters of a grid: every name whose values are all numbers
    (booleans excluded) and take at least two distinct values, with those values sorted."""
    axes: dict[str, list[float]] = {}
    for name in sorted({k for c in candidates for k in c}):
        values: list[Any] = [c.get(name) for c in candidates]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values) and len(set(values)) > 1:
            axes[name] = sorted(set(values))
    return axes


def extend_value(values: list[float], end: str) -> float | int | None:
    """The next value beyond the ``end`` ("low" or "high") of an ordered axis, or None at a hard bound.

    The step is the grid's own: on a grid of at least three values the ratio between the end
    and the value two places in (so a 1-3-10 grid goes on 0.3, 1, 3, ...), on two values their
    ratio. A low end at 0 or below is a hard bound, and so is an integer axis whose next value
    rounds to one it already has or below 1; a high end above 0 steps by the difference when
    the ratio is undefined (the value below it is 0).
    """
    if end not in ("low", "high"):
        raise ValueError(f"The parameter 'end' must be 'low' or 'high', but got {end!r}.")
    vals = sorted(values)
    if len(vals) < 2:
        raise ValueError(f"An ordered axis needs at least two values, but got {values!r}.")
    integer = all(isinstance(v, int) for v in vals)
    if end == "low":
        if vals[0] <= 0:
            return None
        pair = (vals[0], vals[2]) if len(vals) >= 3 else (vals[0], vals[1])
        new = (vals[1] if len(vals) >= 3 else vals[0]) * pair[0] / pair[1]
    else:
        pair = (vals[-1], vals[-3]) if len(vals) >= 3 else (vals[-1], vals[-2])
        base = vals[-2] if len(vals) >= 3 else vals[-1]
        new = base * pair[0] / pair[1] if pair[1] > 0 else vals[-1] + (vals[-1] - vals[-2])
    if integer:
        rounded = math.floor(new + 0.5)
        return None if rounded < 1 or rounded in vals else int(rounded)
    return float(f"{new:.6g}")


def bracket(
    chosen: dict[str, Any],
    chosen_score: float,
    axes: dict[str, list[float]],
    score: Callable[[dict[str, Any]], float],
    extensions: int,
) -> dict[str, Any]:
    """Extend every ordered axis on whose end ``chosen`` sits until the choice lies inside it.

    Parameters
    ----------
    chosen, chosen_score : dict, float
        The setting successive halving chose and its score at the full budget.
    axes : dict
        :func:`ordered_axes` of the grid (not modified).
    score : callable
        ``score(candidate) -> float`` at the full budget, lower is better.
    extensions : int
        At most this many new values per axis.

    Returns
    -------
    dict
        ``candidates`` and ``scores`` of the new settings in the order they were trained,
        ``chosen`` and ``score`` (the best setting found), and ``axes``: per axis its values
        tried and ``status``: "inside" (the choice has a tried value on either side), "bound"
        (on an end that is a hard bound) or "limit" (still on an end after ``extensions`` steps).
    """
    if extensions < 0:
        raise ValueError(f"The parameter 'extensions' must be at least 0, but got {extensions!r}.")
    best, best_score = dict(chosen), float(chosen_score)
    tried = {name: list(values) for name, values in axes.items()}
    new_candidates: list[dict[str, Any]] = []
    new_scores: list[float] = []
    status: dict[str, str] = {}
    for name in sorted(tried):
        steps = 0
        while True:
            values, value = tried[name], best[name]
            end = "low" if value == values[0] else "high" if value == values[-1] else None
            if end is None:
                status[name] = "inside"
                break
            new = extend_value(values, end)
            if new is None:
                status[name] = "bound"
                break
            if steps == extensions:
                status[name] = "limit"
                break
            candidate = {**best, name: new}
            value_score = float(score(candidate))
            steps += 1
            tried[name] = sorted(values + [new])
            new_candidates.append(candidate)
            new_scores.append(value_score)
            if value_score < best_score:
                best, best_score = candidate, value_score
    return {
        "candidates": new_candidates,
        "scores": new_scores,
        "chosen": best,
        "score": best_score,
        "axes": {name: {"values": tried[name], "status": status[name]} for name in sorted(tried)},
    }


class Ticker:
    """Progress over the fits successive halving can make at most (every candidate at every rung)."""

    def __init__(self, progress: Callable[[int, int], None] | None, job: dict[str, Any]) -> None:
        self.progress, self.done = progress, 0
        self.total = len(job["candidates"]) * len(job["seeds"]) * len(job.get("rungs", [1.0]))

    def tick(self) -> None:
        """One fit done."""
        self.done += 1
        if self.progress:
            self.progress(min(self.done, self.total), self.total)


def halving(job: dict[str, Any], score: Callable[[dict[str, Any], float], float], budgeted: bool) -> dict[str, Any]:
    """Successive halving, then :func:`.tuning.bracket` on the choice; the extension's settings
    are appended to the candidates, scored at the last rung (the full budget). ``budgeted``: the
    family declares step limits (a family without them is scored once, at full cost)."""
    res = successive_halving(job["candidates"], score, job.get("rungs", [1.0]), job.get("keep", 1.0), budgeted)
    candidates, scores, rung = list(job["candidates"]), list(res["scores"]), list(res["rung"])
    failed: list[dict[str, Any]] = []

    def full(candidate: dict[str, Any]) -> float:
        try:
            return score(candidate, 1.0)
        except (RuntimeError, ValueError, FloatingPointError) as exc:  # a diverging setting loses, with its reason
            failed.append({"candidate": candidate, "error": str(exc)})
            return math.inf

    ext = bracket(
        candidates[res["chosen"]], scores[res["chosen"]], ordered_axes(candidates), full, job.get("extensions", 0)
    )
    last = len(res["rungs"]) - 1
    finite = [x if math.isfinite(x) else None for x in scores + ext["scores"]]  # JSON has no inf or NaN
    return {
        "candidates": candidates + ext["candidates"],
        "scores": finite,
        "rung": rung + [last] * len(ext["candidates"]),
        "rungs": res["rungs"],
        "chosen": ext["chosen"],
        "axes": ext["axes"],
        "n_extended": len(ext["candidates"]),
        "failed": failed,
    }
