"""One training loop for every neural estimator: a stage of optimizer steps with early stopping.

The KAN regressor (each of its training stages), the KAN density estimator, the
KA-structured KAN and the MLP all train through :func:`train_stage`. A stage takes at most
``steps`` optimizer steps, computes the validation loss every ``every`` steps, stops after
``patience`` steps without a relative improvement of at least ``rel_tol`` and keeps the
parameters of its best step. What happened is returned as a :class:`StageOutcome`: the
best step, the steps taken, the limit and why the stage ended (``"patience"``: the
validation loss stopped improving, i.e. the stage converged; ``"limit"``: the step limit
ended it).

Two optimizers: Adam (``lr`` its learning rate) and L-BFGS with a strong-Wolfe line search,
as pykan's own workflow trains KANs (one L-BFGS iteration per step, history 10, ``lr`` its
initial step length). The objective of a step must not change between the evaluations
L-BFGS makes within that step: objectives receive the step number and draw their random
points once per step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch

from .base import EarlyStopping

__all__ = ["OPTIMIZERS", "StageOutcome", "make_optimizer", "train_stage"]

#: The optimizers a neural estimator can train with.
OPTIMIZERS = ("adam", "lbfgs")

Objective = Callable[[int], tuple[torch.Tensor, float]]


@dataclass(frozen=True)
class StageOutcome:
    """How one training stage ended.

    Attributes
    ----------
    best_step : int
        The stage's step whose parameters were kept (0: the initial ones).
    steps : int
        Optimizer steps taken.
    limit : int
        The most steps the stage could take.
    patience : int
        Steps without improvement that end the stage.
    reason : {"patience", "limit"}
        "patience" when the validation loss stopped improving before the limit.
    best_loss : float
        The validation loss at ``best_step``.
    optimizer : {"adam", "lbfgs"}
    """

    best_step: int
    steps: int
    limit: int
    patience: int
    reason: str
    best_loss: float
    optimizer: str

    def record(self) -> dict[str, Any]:
        """The outcome as a plain dict (JSON-ready)."""
        out = asdict(self)
        out["best_loss"] = float(self.best_loss)
        return out


def check_optimizer(name: str) -> str:
    """``name`` if it is a known optimizer, else a ValueError naming the choices."""
    if name not in OPTIMIZERS:
        raise ValueError(f"The parameter 'optimizer' must be one of {list(OPTIMIZERS)}, but got {name!r}.")
    return name


def make_optimizer(params: Sequence[torch.Tensor], name: str, lr: float) -> torch.optim.Optimizer:
    """Adam or one-iteration L-BFGS with a strong-Wolfe line search.

    Adam steps several tensors with torch's multi-tensor (``foreach``) update and a single
    tensor (the MLP's flat parameters) with the plain one, which costs less for one tensor.
    Not torch's ``fused`` update: on the CPU it steps a non-contiguous tensor (a KAN's
    coefficients after a grid update are one) with the wrong gradients (measured with torch
    2.13; a test checks that strided and contiguous tensors get the same steps).
    """
    check_optimizer(name)
    if not lr > 0:
        raise ValueError(f"The learning rate must be > 0, but got {lr!r}.")
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, foreach=len(params) > 1)
    return torch.optim.LBFGS(
        params,
        lr=lr,
        max_iter=1,
        history_size=10,
        line_search_fn="strong_wolfe",
        tolerance_grad=1e-12,
        tolerance_change=1e-14,
    )


def train_stage(
    *,
    params: Sequence[torch.Tensor],
    objective: Objective,
    validate: Callable[[], float],
    get_state: Callable[[], Any],
    set_state: Callable[[Any], None],
    steps: int,
    lr: float,
    optimizer: str = "adam",
    patience: int = 100,
    every: int = 10,
    rel_tol: float = 0.0,
    first_step: int = 1,
    before_step: Callable[[int], None] | None = None,
    after_step: Callable[[int, float, float | None, bool], None] | None = None,
) -> StageOutcome:
    """Train ``params`` on ``objective`` for at most ``steps`` steps with early stopping.

    Parameters
    ----------
    params : sequence of tensors
        The trainable tensors.
    objective : callable
        ``objective(step) -> (loss tensor, train loss float)``; ``step`` is the global step
        number (``first_step`` for the stage's first step), the same for every evaluation
        within one step. An objective that computes its gradient itself sets the ``.grad``
        of ``params`` and returns a loss without a graph; otherwise the loss's backward
        pass gives the gradients.
    validate : callable
        The validation loss of the current parameters.
    get_state, set_state : callable
        Copy the parameters out (at a new best) and back in (at the end).
    steps, lr, optimizer, patience, every : as in the estimators
    rel_tol : float
        A validation loss counts as an improvement when it is below the best by more than
        ``rel_tol`` times the best's magnitude.
    first_step : int
        The global number of the stage's first step.
    before_step : callable, optional
        ``before_step(local)`` runs before step ``local`` (0-based), e.g. grid updates.
    after_step : callable, optional
        ``after_step(global_step, train_loss, validation_loss or None, stopping)`` after each step.

    Returns
    -------
    StageOutcome

    Raises
    ------
    FloatingPointError
        When the training loss becomes non-finite.
    """
    opt = make_optimizer(list(params), optimizer, lr)
    stopper = EarlyStopping(patience, every, min_rel_delta=rel_tol)
    taken = 0
    for local in range(steps):
        if before_step is not None:
            before_step(local)
        step = first_step + local
        train_loss = _one_step(opt, objective, step, optimizer)
        taken = local + 1
        if not np.isfinite(train_loss):
            raise FloatingPointError(f"Training diverged at step {step} (loss {train_loss}).")
        val: float | None = None
        stop = False
        if stopper.due(taken, last=taken == steps):
            val = validate()
            stop = stopper.update(taken, val, get_state)
        if after_step is not None:
            after_step(step, train_loss, val, stop)
        if stop:
            break
    if stopper.best_state is not None:
        set_state(stopper.best_state)
    reason = "patience" if taken - stopper.best_step >= patience else "limit"
    return StageOutcome(stopper.best_step, taken, steps, patience, reason, stopper.best_loss, optimizer)


def _one_step(opt: torch.optim.Optimizer, objective: Objective, step: int, optimizer: str) -> float:
    """One optimizer step; the training loss at the step's start."""
    if optimizer == "adam":
        _clear_gradients(opt)
        loss, train_loss = objective(step)
        if loss.requires_grad:
            loss.backward()
        opt.step()
        return train_loss
    first: list[float] = []

    def closure() -> torch.Tensor:
        _clear_gradients(opt)
        loss, value = objective(step)
        if not first:
            first.append(value)
        if torch.isfinite(loss) and loss.requires_grad:
            loss.backward()
        return loss

    opt.step(closure)  # type: ignore[arg-type]  # L-BFGS's closure may return the loss tensor
    return first[0]


def _clear_gradients(opt: torch.optim.Optimizer) -> None:
    """``opt.zero_grad(set_to_none=True)`` without its profiler bookkeeping (it runs every step)."""
    for group in opt.param_groups:
        for p in group["params"]:
            p.grad = None


def known(value: float) -> Callable[[], float]:
    """A validation loss already computed, in the form the snapshot recorder asks for (a callable)."""
    return lambda: value


def state_copier(tensors: Sequence[torch.Tensor]) -> tuple[Callable[[], Any], Callable[[Any], None]]:
    """``get_state`` and ``set_state`` for a fixed list of tensors."""
    tensors = list(tensors)

    def get() -> list[torch.Tensor]:
        return [t.detach().clone() for t in tensors]

    def put(state: list[torch.Tensor]) -> None:
        with torch.no_grad():
            for t, s in zip(tensors, state, strict=True):
                t.copy_(s)

    return get, put
