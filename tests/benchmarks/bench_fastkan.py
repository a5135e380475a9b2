"""One optimizer step (forward + backward + Adam) with pykan's forward against the fast path.

Both paths train their own copy of the same network on the same batch; steps alternate
old/new and the figure is the median of the paired time ratios (old / new), single-threaded
as the jobs run. Times are the thread's CPU time, which other processes on a shared machine
disturb far less than wall time. ``--smoke`` runs three steps at tiny sizes.
"""

from __future__ import annotations

import copy
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import torch

from ggmm.estimators._fastkan import fast_forward, fast_forward_with_reg
from ggmm.estimators._pykan import new_kan, pykan_sandbox

LAMB = 1e-2  # kan-small's sparsity weight


def regression_step(forward: str) -> Callable[[Any, torch.Tensor, torch.Tensor], torch.Tensor]:
    """kan-small's objective: squared error of the exponentiated output, plus the sparsity penalty."""

    def step(model: Any, x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if forward == "pykan":
            out = model(x)[:, 0]
            reg = model.get_reg("edge_forward_spline_n", 1.0, 2.0, 0.0, 0.0)
        else:
            y, reg = fast_forward_with_reg(model, x)
            out = y[:, 0]
        return torch.mean((torch.exp(out) - target) ** 2) + LAMB * reg

    return step


def density_step(forward: str, n_data: int) -> Callable[[Any, torch.Tensor, torch.Tensor], torch.Tensor]:
    """kan-density's objective: mean negative log-density with a quadrature normalizer, no penalty."""

    def step(model: Any, x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        out = (model(x) if forward == "pykan" else fast_forward(model, x))[:, 0]
        return -out[:n_data].mean() + torch.logsumexp(out[n_data:], dim=0)

    return step


def paired_ratio(
    width: list[int], grid: int, n: int, make: Callable[[str], Any], steps: int, warmup: int
) -> tuple[float, float, float]:
    """Median old/new time ratio over ``steps`` alternating steps, and the two median step times (ms)."""
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(n, width[0], generator=gen) * 2 - 1
    target = torch.exp(-(x**2).sum(dim=1))
    with pykan_sandbox(0) as box:
        old_model = new_kan(width, grid, 3, 0, box.ckpt_path)
        new_model = copy.deepcopy(old_model)
        runs = []
        for model, objective in ((old_model, make("pykan")), (new_model, make("fast"))):
            opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.01)

            def one(model: Any = model, objective: Any = objective, opt: Any = opt) -> float:
                t0 = time.thread_time()
                opt.zero_grad()
                objective(model, x, target).backward()
                opt.step()
                return time.thread_time() - t0

            runs.append(one)
        times: list[tuple[float, float]] = []
        for i in range(warmup + steps):
            pair = (runs[0](), runs[1]())
            if i >= warmup:
                times.append(pair)
    ratio = statistics.median(a / b for a, b in times)
    return ratio, 1e3 * statistics.median(a for a, _ in times), 1e3 * statistics.median(b for _, b in times)


def main(smoke: bool = False) -> list[tuple[str, str]]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        scale, steps, warmup = (0.02, 3, 0) if smoke else (1.0, 200, 20)
        n_reg, n_den, n_quad, n_big = (int(scale * n) for n in (1600 + 800, 1600, 64 * 64, 1000))
        cases = [
            ("(a) kan-small regression, [2,5,1], grid 5", [2, 5, 1], 5, n_reg, regression_step),
            ("(b) kan-density, [2,5,1], grid 10", [2, 5, 1], 10, n_den + n_quad, lambda f: density_step(f, n_den)),
            ("(c) regression, [2,5,1], grid 40", [2, 5, 1], 40, n_big, regression_step),
        ]
        rows = []
        for label, width, grid, n, make in cases:
            ratio, old_ms, new_ms = paired_ratio(width, grid, n, make, steps, warmup)
            rows.append((label, f"{ratio:.1f}x faster ({old_ms:.2f} ms -> {new_ms:.2f} ms per step, N = {n})"))
        return rows
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":
    for label, value in main(smoke="--smoke" in sys.argv[1:]):
        print(f"{label:<45}  {value}")
