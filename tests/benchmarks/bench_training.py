"""Time per optimizer step of whole fits, the training core's new path against the old one.

Each family is fitted on the same data with the same budget twice per round, alternating:
"old" is the path the study used before its training core was rewritten (pykan's own forward
for KANs, with its cached copies of every activation, and pykan's grid update; torch's autograd
through the MLP module; one target evaluation per step for the fresh domain points, with the
mixture's log densities reduced along rows; Adam's per-parameter loop), "new" is the current
path (the compiled KAN layers and grid update of ``ggmm.estimators._fastkan``, the MLP's
compiled objective of ``ggmm.estimators._fastmlp``, domain points drawn in blocks, the mixture's
log densities component by component, torch's fused Adam). Both run single-threaded, as jobs
do. The figure is the median over rounds of the paired ratio old / new of the CPU time per
step, so machine load cancels.

A third figure is the *bare step* of the fitted network in torch: its forward pass on the job's
fitting points, the squared error of the exponential output (for the density KAN its negative
log-likelihood on its samples and quadrature nodes), the backward pass and one Adam step, in a
plain loop (for a KAN the fast forward, with pykan's regularizer when the job has one),
nothing else: no fresh domain points or target, no validation, no snapshots, no early stopping.
old / bare is the largest per-step speed-up any training loop of these torch operations can
reach; new / bare below 1 (the MLPs) is a path that no longer runs them.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch

from ggmm import distribution, get_preset
from ggmm.components import component_log_norm
from ggmm.estimators import (
    KANDensityEstimator,
    KANRegressor,
    MLPRegressor,
    _kan_core,
    _kan_trainer,
    _regression,
    _training,
)
from ggmm.estimators import mlp as mlp_module
from ggmm.estimators._fastkan import fast_forward, fast_forward_with_reg


def row_major_component_logpdf(X: Any, centers: Any, scales: Any, p: Any) -> Any:
    """The mixture's component log densities as the old path computed them, reducing along rows."""
    log_prob = np.empty((X.shape[0], centers.shape[0]))
    for k in range(centers.shape[0]):
        z = np.abs(X - centers[k]) / scales[k]
        log_prob[:, k] = -np.power(z, p[k]).sum(axis=1)
    log_prob += component_log_norm(scales, p)
    return log_prob


@contextmanager
def old_path() -> Iterator[None]:
    """The training core as it was: pykan's forward, a target evaluation per step, per-parameter Adam."""
    saved = (_kan_core.forward, _regression.forward, _regression.RegressionProblem.BLOCK, _training.make_optimizer)
    grid_update = _kan_trainer.update_grid

    def pykan_grid_update(model: Any, x: torch.Tensor) -> None:
        with torch.no_grad():
            model.update_grid_from_samples(x)

    def pykan_forward(model: Any, U: torch.Tensor) -> torch.Tensor:
        out = model(U)
        if getattr(model, "want_reg", False):
            model.last_reg = model.get_reg("edge_forward_spline_n", 1.0, 2.0, 0.0, 0.0)
        return out

    def per_parameter_adam(params: Any, name: str, lr: float) -> torch.optim.Optimizer:
        if name == "adam":
            return torch.optim.Adam(params, lr=lr, foreach=False)
        return saved[3](params, name, lr)

    _kan_core.forward = _regression.forward = pykan_forward
    import ggmm.estimators.kan_density as kan_density

    density_forward = kan_density.forward
    kan_density.forward = pykan_forward
    _regression.RegressionProblem.BLOCK = 1
    _training.make_optimizer = per_parameter_adam
    _kan_trainer.update_grid = pykan_grid_update
    mlp_fusable = mlp_module.fusable
    mlp_module.fusable = lambda model: False
    component_logpdf = distribution.estimate_component_logpdf
    distribution.estimate_component_logpdf = row_major_component_logpdf
    try:
        yield
    finally:
        _kan_core.forward, _regression.forward, _regression.RegressionProblem.BLOCK, _training.make_optimizer = saved
        kan_density.forward = density_forward
        _kan_trainer.update_grid = grid_update
        mlp_module.fusable = mlp_fusable
        distribution.estimate_component_logpdf = component_logpdf


def _cases(smoke: bool) -> dict[str, Callable[[], Any]]:
    preset = get_preset("original")
    X, _ = preset.mixture.sample(200 if smoke else 2000, seed=0)
    pdf = preset.mixture.pdf
    steps = 4 if smoke else 300
    big = dict(patience=10**6)
    return {
        "KAN regression [2, 5, 1], G 5, lambda 0.01": lambda: KANRegressor(
            stages=["train"], steps=steps, lamb=0.01, **big
        ).fit(X, target=pdf),
        "KAN density [2, 5, 1], G 10": lambda: KANDensityEstimator(steps=steps, grid=10, **big).fit(X),
        "MLP [2, 12, 12, 1]": lambda: MLPRegressor(hidden=[12, 12], steps=steps * 2, **big).fit(X, target=pdf),
        "MLP [2, 44, 44, 1]": lambda: MLPRegressor(hidden=[44, 44], steps=steps * 2, **big).fit(X, target=pdf),
    }


def _per_step(fit: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    model = fit()
    return (time.process_time() - start) / model.n_steps_, model


def _bare_step(fitted: Any, steps: int) -> float:
    """CPU seconds per bare step of the fitted network (see the module's docstring)."""
    network = fitted.model_
    if hasattr(fitted, "problem_"):  # a regressor: its fitting points, the squared density error
        x, target = fitted.problem_.x_fit, fitted.problem_.p_fit

        def loss_of(out: torch.Tensor) -> torch.Tensor:
            return torch.mean((torch.exp(torch.clamp(out, max=12.0)) - target) ** 2)

    else:  # the density KAN: its samples and quadrature nodes, the negative log-likelihood
        problem = fitted._problem
        n = len(problem.x_data)
        x = torch.cat([problem.x_data, problem.quad])

        def loss_of(out: torch.Tensor) -> torch.Tensor:
            return -out[:n].mean() + torch.logsumexp(out[n:], dim=0)

    reg = bool(getattr(fitted, "lamb", 0.0))
    params = [p for p in network.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=1e-4, foreach=True)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        if hasattr(network, "act_fun"):
            out, penalty = fast_forward_with_reg(network, x) if reg else (fast_forward(network, x), 0.0)
        else:
            out, penalty = network(x), 0.0
        loss = loss_of(out[:, 0]) + 0.01 * penalty
        loss.backward()
        optimizer.step()

    step()
    start = time.process_time()
    for _ in range(steps):
        step()
    return (time.process_time() - start) / steps


def main(smoke: bool = False) -> list[tuple[str, str]]:
    rounds = 1 if smoke else 3
    rows = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for label, fit in _cases(smoke).items():
            fit()  # imports and first-call costs outside the clock
            ratios, new_ms, ceilings, overheads = [], [], [], []
            for _ in range(rounds):
                with old_path():
                    old, _ = _per_step(fit)
                new, fitted = _per_step(fit)
                bare = _bare_step(fitted, 4 if smoke else 200)
                ratios.append(old / new)
                new_ms.append(new * 1e3)
                ceilings.append(old / bare)
                overheads.append(new / bare)
            rows.append(
                (
                    f"{label}: old / new per step",
                    f"{statistics.median(ratios):.2f}x "
                    f"(new {statistics.median(new_ms):.2f} ms per step, median of {rounds})",
                )
            )
            rows.append(
                (
                    f"{label}: old / bare step (the most any loop can give)",
                    f"{statistics.median(ceilings):.2f}x (new / bare {statistics.median(overheads):.2f}x)",
                )
            )
    finally:
        torch.set_num_threads(threads)
    return rows


if __name__ == "__main__":
    for label, value in main(smoke="--smoke" in sys.argv):
        print(f"{label:<55} {value}")
