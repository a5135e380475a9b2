"""A multilayer perceptron on the KAN regression task, as the neural baseline.

Same fitting points (samples plus domain points, fresh each step), same target and loss
(squared density error with an exponential output plus the weighted log-density term),
same optimizer and number of steps as :class:`~ggmm.estimators.KANRegressor`'s train and
retrain stages together; only the network differs. Choose ``hidden`` to match the KAN's
parameter count (about the same, or about ten times more).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from ..snapshots import FrameState, SnapshotRecorder
from ._pykan import pykan_sandbox
from .kan_regression import RegressionOutputs
from .task import TaskData

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
    steps : int, default 700
        Adam steps (KANRegressor's ``steps + retrain_steps``).
    lr : float, default 0.03
    activation : {"silu", "tanh", "relu"}, default "tanh"
        (tanh at lr 0.03 was the most reliable of silu/tanh at lr 0.003-0.05 on the
        "original" preset, seeds 0 and 1, both sizes.)
    domain_points, resample_domain, output, log_weight, test_points
        As in :class:`~ggmm.estimators.KANRegressor`.
    threads : int, default 1

    Attributes
    ----------
    normalized : bool
        False.
    """

    normalized = False

    def __init__(self, hidden: Sequence[int] = (12, 12), steps: int = 700, lr: float = 0.03,
                 activation: str = "tanh", domain_points: float = 0.5, resample_domain: bool = True,
                 output: str = "exp", log_weight: float = 0.1, test_points: int = 256, threads: int = 1) -> None:
        if activation not in _ACTIVATIONS:
            raise ValueError(f"The parameter 'activation' must be one of {sorted(_ACTIVATIONS)}, "
                             f"but got {activation!r}.")
        if output not in ("exp", "linear"):
            raise ValueError(f"The parameter 'output' must be 'exp' or 'linear', but got {output!r}.")
        self.hidden = [int(h) for h in hidden]
        if not self.hidden or min(self.hidden) < 1:
            raise ValueError(f"The parameter 'hidden' must be a non-empty list of positive widths, "
                             f"but got {hidden!r}.")
        self.steps, self.lr, self.activation = int(steps), float(lr), activation
        self.domain_points, self.resample_domain = float(domain_points), bool(resample_domain)
        self.output, self.log_weight = output, float(log_weight)
        self.test_points, self.threads = int(test_points), int(threads)
        self._model: torch.nn.Module | None = None

    def _network(self, D: int) -> torch.nn.Sequential:
        sizes, layers = [D, *self.hidden], []
        for a, b in zip(sizes, sizes[1:], strict=False):
            layers += [torch.nn.Linear(a, b), _ACTIVATIONS[self.activation]()]
        layers.append(torch.nn.Linear(sizes[-1], 1))
        return torch.nn.Sequential(*layers)

    def fit(self, data: TaskData, seed: int, recorder: SnapshotRecorder | None = None,
            progress: Callable[[int, int], None] | None = None) -> MLPRegressor:
        """Fit on ``data`` (density values of ``data.mixture`` at the fitting points).

        A recorder gets losses and density frames; an MLP has no edges, so E = 0.
        """
        D = data.n_features
        problem = self._prepare(data, seed, recorder)[0]
        scaler = self._scaler
        every = max(1, self.steps // 50)
        with pykan_sandbox(seed, self.threads) as box:
            progress = box.unmuted(progress)
            model = self._network(D)
            optimizer = torch.optim.Adam(model.parameters(), lr=self.lr)
            if recorder is not None:
                grid_u = scaler.to_unit(recorder.grid_points())
                shape = recorder.truth.shape
                S = recorder.curve_samples

                def frame() -> FrameState:
                    return FrameState(width=[D, *self.hidden, 1],
                                      density=problem.density_unit(model, grid_u).reshape(shape),
                                      edge_x=np.zeros((0, S)), edge_y=np.zeros((0, S)),
                                      importance=np.zeros(0), live=np.zeros(0, dtype=int))

                recorder.start(self.steps, [D, *self.hidden, 1], [], "rmse")
                recorder.boundary(0, "train", problem.train_loss(model), problem.test_loss(model), frame())
            for step in range(1, self.steps + 1):
                optimizer.zero_grad()
                objective, train_loss = problem.objective(model, step)
                objective.backward()
                optimizer.step()
                if not np.isfinite(train_loss):
                    raise FloatingPointError(f"Training diverged at step {step} (loss {train_loss}).")
                if recorder is not None:
                    recorder.step(step, "train", train_loss, lambda: problem.test_loss(model), frame)
                if progress is not None and (step % every == 0 or step == self.steps):
                    progress(step, self.steps)
            if recorder is not None:
                recorder.boundary(self.steps, "train", problem.train_loss(model), problem.test_loss(model),
                                  frame(), start=0)
        self._model, self._problem = model, problem
        return self

    @property
    def n_parameters(self) -> int:
        """Weights and biases."""
        return int(sum(p.numel() for p in self._require_fit().parameters()))

