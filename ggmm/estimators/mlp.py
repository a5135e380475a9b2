"""A multilayer perceptron on the KAN regression task, as the neural baseline.

Same fitting points (samples plus domain points, fresh each step), same target and loss
(squared density error with an exponential output plus the weighted log-density term),
same optimizer, same validation split and early stopping as
:class:`~ggmm.estimators.KANRegressor`; only the network differs. Choose ``hidden`` to
match the KAN's parameter count (about the same, or about ten times more). Its learning
rate and activation are tuned by the pipeline like every other family's hyperparameters
(``build/experiments.toml``), never on evaluated data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from ..snapshots import FrameState, SnapshotRecorder
from ._fastmlp import FlatMLP, fusable
from ._pykan import pykan_sandbox
from ._regression import RegressionOutputs, Target
from ._training import check_optimizer, known, state_copier, train_stage
from .base import EstimatorTags, FitReport

__all__ = ["MLPRegressor", "mlp_parameter_count"]

_ACTIVATIONS = {"silu": torch.nn.SiLU, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}


def mlp_parameter_count(D: int, hidden: Sequence[int]) -> int:
    """Weights and biases of a ``[D, *hidden, 1]`` MLP."""
    sizes = [D, *hidden, 1]
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False))


class MLPRegressor(RegressionOutputs):
    """A torch MLP regressing the density value at a point.

    Parameters
    ----------
    hidden : list of int, default [12, 12]
        Hidden widths. For D = 2: [12, 12] has 205 parameters (about a pruned [2, 5, 1]
        KAN), [44, 44] has 2157 (about ten times more).
    steps : int, default 3000
        Most Adam steps (early stopping usually ends training sooner).
    lr : float, default 0.01
    activation : {"silu", "tanh", "relu"}, default "tanh"
    domain_points, domain_margin, resample_domain, output, log_weight, validation_fraction, patience
        As in :class:`~ggmm.estimators.KANRegressor`.
    optimizer : {"adam", "lbfgs"}, default "adam"
        Adam, or L-BFGS with a strong-Wolfe line search (then ``lr`` is its initial step
        length, 1 in pykan's workflow, and the domain points are drawn once).
    rel_tol : float, default 0
        A validation loss improves when it is lower than the best by more than this share.
    validate_every : int, default 10
        Steps between validation losses.
    threads : int, default 1

    Attributes
    ----------
    model_ : torch.nn.Sequential
    n_parameters_ : int
        Weights and biases.
    best_steps_ : dict
        ``{"train": step}``: the step whose parameters were kept.
    n_steps_ : int
        Optimizer steps taken.
    stages_ : dict
        ``{"train": StageOutcome.record()}``: best step, steps taken, limit, why it stopped.
    """

    tags = EstimatorTags(
        kind="regressor", progress=True, snapshots="regression", budget=("steps",), scaling="width", neural=True
    )

    def __init__(
        self,
        hidden: Sequence[int] = (12, 12),
        steps: int = 3000,
        lr: float = 0.01,
        activation: str = "tanh",
        domain_points: float = 0.5,
        domain_margin: float = 0.25,
        resample_domain: bool = True,
        output: str = "exp",
        log_weight: float = 0.1,
        validation_fraction: float = 0.2,
        patience: int = 300,
        optimizer: str = "adam",
        rel_tol: float = 0.0,
        validate_every: int = 10,
        threads: int = 1,
    ) -> None:
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"The parameter 'activation' must be one of {sorted(_ACTIVATIONS)}, but got {activation!r}."
            )
        if output not in ("exp", "linear"):
            raise ValueError(f"The parameter 'output' must be 'exp' or 'linear', but got {output!r}.")
        self.hidden = hidden
        if not list(hidden) or min(hidden) < 1:
            raise ValueError(f"The parameter 'hidden' must be a non-empty list of positive widths, but got {hidden!r}.")
        self.steps, self.lr, self.activation = int(steps), float(lr), activation
        self.domain_points, self.domain_margin = float(domain_points), float(domain_margin)
        self.resample_domain = bool(resample_domain)
        self.output, self.log_weight = output, float(log_weight)
        self.validation_fraction, self.patience = float(validation_fraction), int(patience)
        self.optimizer = check_optimizer(optimizer)
        self.rel_tol, self.validate_every = float(rel_tol), int(validate_every)
        self.threads = int(threads)

    def _network(self, D: int) -> torch.nn.Sequential:
        sizes, layers = [D, *self.hidden], []
        for a, b in zip(sizes, sizes[1:], strict=False):
            layers += [torch.nn.Linear(a, b), _ACTIVATIONS[self.activation]()]
        layers.append(torch.nn.Linear(sizes[-1], 1))
        return torch.nn.Sequential(*layers)

    def fit(
        self,
        X: Any,
        *,
        target: Target,
        seed: int = 0,
        recorder: SnapshotRecorder | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> MLPRegressor:
        """Fit the density values ``target(x)`` at the samples ``X`` and over their domain.

        A recorder gets losses and density frames; an MLP has no edges, so E = 0.
        """
        problem = self._prepare(X, target, seed, recorder)[0]
        D = problem.x_fit.shape[1]
        scaler = self._scaler
        every = max(1, self.steps // 50)
        # the kernel's matrix products run in BLAS: as many threads as torch gets
        with pykan_sandbox(seed, self.threads) as box, threadpool_limits(self.threads, user_api="blas"):
            progress = box.unmuted(progress)
            model = self._network(D)
            if recorder is not None:
                grid_u = scaler.to_unit(recorder.grid_points())
                shape = recorder.truth.shape
                S = recorder.curve_samples

                def frame() -> FrameState:
                    return FrameState(
                        width=[D, *self.hidden, 1],
                        density=problem.density_unit(model, grid_u).reshape(shape),
                        edge_x=np.zeros((0, S)),
                        edge_y=np.zeros((0, S)),
                        importance=np.zeros(0),
                        live=np.zeros(0, dtype=int),
                    )

                recorder.start(self.steps, [D, *self.hidden, 1], [], "rmse")
                recorder.boundary(0, "train", problem.train_loss(model), problem.validation_loss(model), frame())
            # the compiled objective trains one flat parameter tensor the module's parameters view
            flat = FlatMLP(model) if fusable(model) else None
            params = [flat.theta] if flat is not None else list(model.parameters())
            get_state, set_state = state_copier(params)

            def objective(step: int) -> tuple[torch.Tensor, float]:
                if flat is not None:
                    return flat.objective(problem, step)
                return problem.objective(model, step)

            def validate() -> float:
                if flat is not None:
                    return flat.validation_loss(problem)
                return problem.validation_loss(model)

            def after(step: int, train_loss: float, val: float | None, stop: bool) -> None:
                if recorder is not None:
                    recorder.step(
                        step,
                        "train",
                        train_loss,
                        known(val) if val is not None else (lambda: problem.validation_loss(model)),
                        frame,
                    )
                if progress is not None and (step % every == 0 or step == self.steps or stop):
                    progress(step, self.steps)

            outcome = train_stage(
                params=params,
                objective=objective,
                validate=validate,
                get_state=get_state,
                set_state=set_state,
                steps=self.steps,
                lr=self.lr,
                optimizer=self.optimizer,
                patience=self.patience,
                every=self.validate_every,
                rel_tol=self.rel_tol,
                after_step=after,
            )
            if recorder is not None:
                recorder.boundary(
                    outcome.steps, "train", problem.train_loss(model), problem.validation_loss(model), frame(), start=0
                )
            if flat is not None:
                flat.release()
        self.model_, self.problem_ = model, problem
        self.best_steps_ = {"train": outcome.best_step}
        self.stages_ = {"train": outcome.record()}
        self.n_steps_ = outcome.steps
        self.n_parameters_ = int(sum(p.numel() for p in model.parameters()))
        return self

    def fit_report(self) -> FitReport:
        return replace(super().fit_report(), n_steps=self.n_steps_, best_steps=self.best_steps_, stages=self.stages_)
