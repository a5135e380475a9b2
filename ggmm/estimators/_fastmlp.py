"""The MLP regressor's training path: one flat parameter tensor and one compiled objective.

:class:`FlatMLP` gathers a ``torch.nn.Sequential`` perceptron's weights and biases into one
float32 tensor and makes the module's parameters views of it, so the module (the model of
record: evaluation, validation, snapshots, pickling) always holds the values being
trained, and an optimizer steps one tensor. :meth:`FlatMLP.objective` evaluates the
regression objective and its gradient in one call of :func:`._mlpkernel.objective`, sets
the gradient on the flat tensor itself and returns the loss without a graph (the protocol
:func:`._training.train_stage` allows): Adam and L-BFGS step on it unchanged, and no
autograd pass runs.
"""

from __future__ import annotations

import numpy as np
import torch

from . import _mlpkernel
from ._regression import LOG_DENSITY_CAP, RegressionProblem

__all__ = ["FlatMLP", "fusable"]

_CODES = {torch.nn.Tanh: "tanh", torch.nn.SiLU: "silu", torch.nn.ReLU: "relu"}


def _layout(model: torch.nn.Module) -> tuple[list[int], str] | None:
    """``([D, *hidden, 1], activation)`` of a float32 Linear/activation stack, else None."""
    if not isinstance(model, torch.nn.Sequential) or len(model) < 3 or len(model) % 2 == 0:
        return None
    linears, units = list(model)[0::2], list(model)[1::2]
    if not all(type(m) is torch.nn.Linear and m.bias is not None for m in linears):
        return None
    names = {_CODES.get(type(m)) for m in units}
    if len(names) != 1 or None in names or linears[-1].out_features != 1:
        return None
    sizes = [linears[0].in_features] + [m.out_features for m in linears]
    if any(m.in_features != a for m, a in zip(linears, sizes, strict=False)):
        return None
    if any(p.dtype != torch.float32 for p in model.parameters()):
        return None
    return sizes, names.pop()  # type: ignore[return-value]


def fusable(model: torch.nn.Module) -> bool:
    """Whether :class:`FlatMLP` can train ``model`` (a float32 tanh/silu/relu perceptron)."""
    return _layout(model) is not None


class FlatMLP:
    """A perceptron's parameters as one tensor, and its regression objective in one call.

    Parameters
    ----------
    model : torch.nn.Sequential
        ``Linear, act, Linear, act, ..., Linear(., 1)`` in float32 (see :func:`fusable`).

    Attributes
    ----------
    theta : torch.Tensor
        Every weight and bias (a leaf that requires grad); the module's parameters are views of it.
    """

    def __init__(self, model: torch.nn.Module) -> None:
        layout = _layout(model)
        if layout is None:
            raise ValueError("FlatMLP needs a float32 Sequential of Linear layers and tanh, silu or relu units.")
        sizes, name = layout
        self.model = model
        self.sizes = np.asarray(sizes, dtype=np.int64)
        self.code = _mlpkernel.ACTIVATIONS[name]
        self._x_val: tuple[torch.Tensor, np.ndarray] | None = None
        params = list(model.parameters())
        with torch.no_grad():
            self.theta = torch.cat([p.detach().reshape(-1) for p in params]).requires_grad_(True)
        start = 0
        for p in params:
            p.data = self.theta.data[start : start + p.numel()].view_as(p)
            start += p.numel()

    def release(self) -> None:
        """Give the module's parameters storage of their own again (the values stay)."""
        for p in self.model.parameters():
            p.data = p.data.clone()

    def objective(self, problem: RegressionProblem, step: int) -> tuple[torch.Tensor, float]:
        """``problem.objective(model, step)``, computed by the compiled kernel; sets ``theta.grad``."""
        x, p, log_target = problem.fitting_points(step)
        value, mse, gradient = _mlpkernel.objective(
            self.theta.detach().numpy(),
            self.sizes,
            self.code,
            np.ascontiguousarray(x.numpy().T),
            p.numpy(),
            log_target.numpy(),
            np.float32(problem.offset),
            problem.scale,
            problem.log_weight,
            np.float32(LOG_DENSITY_CAP),
            problem.output == "exp",
        )
        self.theta.grad = torch.from_numpy(gradient)
        return torch.from_numpy(np.array(value, dtype=np.float32)), float(np.sqrt(mse))

    def validation_loss(self, problem: RegressionProblem) -> float:
        """``problem.validation_loss(model)``, with the network's output from the compiled forward pass."""
        if self._x_val is None or self._x_val[0] is not problem.x_val:
            self._x_val = (problem.x_val, np.ascontiguousarray(problem.x_val.numpy().T))
        raw = _mlpkernel.predict(self.theta.detach().numpy(), self.sizes, self.code, self._x_val[1])
        return problem.rmse_of_raw(torch.from_numpy(raw), problem.p_val)
