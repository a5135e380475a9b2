"""The KAN regressor's stages and default symbolic library, and the checks of its parameters.

The stages a :class:`~ggmm.estimators.kan_regression.KANRegressor` may list (``stages``,
checked by :func:`_check_stages`), its grid extension (``grid_schedule``, checked by
:func:`_check_schedule`) and the pykan functions its "symbolic" stage tries by default. The
stages themselves are run by :class:`~ggmm.estimators._kan_trainer.Trainer` and the symbolic
step (:mod:`ggmm.estimators.kan_symbolic`).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["DEFAULT_SYMBOLIC_LIB"]

#: pykan symbolic library used by the "symbolic" stage (includes abs, x^2 and exp).
DEFAULT_SYMBOLIC_LIB = ("x", "x^2", "x^3", "x^4", "exp", "abs", "gaussian", "tanh", "sin")
_STAGE_NAMES = ("train", "prune", "refine", "retrain", "symbolic")


def _check_stages(stages: Sequence[str]) -> list[str]:
    stages = list(stages)
    if not stages or any(s not in _STAGE_NAMES for s in stages):
        raise ValueError(f"The parameter 'stages' must be a non-empty list of {_STAGE_NAMES}, but got {stages!r}.")
    if stages[0] != "train":
        raise ValueError(f"The parameter 'stages' must start with 'train', but got {stages!r}.")
    if "symbolic" in stages and stages[-1] != "symbolic":
        raise ValueError(f"The stage 'symbolic' must come last, but got {stages!r}.")
    return stages


def _check_schedule(schedule: Sequence[int], stages: list[str]) -> list[int]:
    grids = list(schedule)
    if (
        not grids
        or any(isinstance(g, bool) or not isinstance(g, int) or g < 2 for g in grids)
        or any(b <= a for a, b in zip(grids, grids[1:], strict=False))
    ):
        raise ValueError(
            f"The parameter 'grid_schedule' must be a non-empty, increasing list of integers >= 2, "
            f"but got {schedule!r}."
        )
    if stages != ["train"]:
        raise ValueError(
            f"A 'grid_schedule' replaces the refine and retrain stages: 'stages' must be ['train'], but got {stages!r}."
        )
    return grids
