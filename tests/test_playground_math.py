"""The playground's JavaScript KAN (assets/js/playground/) is pykan's KAN.

Python writes fixtures with pykan in torch float64 (initial parameters, inputs, and pykan's
own basis, forward pass, loss, autograd gradients, grid update, refine, a 200-step Adam
trace with grid updates, and the density estimator's normalizer) into a temporary folder;
the Node tests in tests/js/ load the same parameters and must agree. The sampler is checked
statistically against ``ggmm`` and step for step against the explorer's sampler.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from ggmm import GeneralizedGaussianMixture
from ggmm.estimators._pykan import new_kan, pykan_sandbox, refine_kan
from ggmm.estimators.kan_density import _DensityProblem

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
STEPS = 200
REG = ("edge_forward_spline_n", 1.0, 2.0, 0.0, 0.0)

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the JavaScript maths cannot run")


def _layout(model) -> dict:
    """A pykan model's parameters as nested lists (the playground's model() layout)."""
    layers = []
    for layer_id, layer in enumerate(model.act_fun):
        layers.append(
            {
                "grid": layer.grid.tolist(),
                "coef": layer.coef.tolist(),
                "scale_base": layer.scale_base.tolist(),
                "scale_sp": layer.scale_sp.tolist(),
                "mask": layer.mask.tolist(),
                "node_scale": model.node_scale[layer_id].tolist(),
                "node_bias": model.node_bias[layer_id].tolist(),
                "subnode_scale": model.subnode_scale[layer_id].tolist(),
                "subnode_bias": model.subnode_bias[layer_id].tolist(),
            }
        )
    return {"width": [w[0] for w in model.width], "k": model.k, "layers": layers}


def _grads(model) -> list[dict]:
    return [
        {
            "coef": layer.coef.grad.tolist(),
            "scale_base": layer.scale_base.grad.tolist(),
            "scale_sp": layer.scale_sp.grad.tolist(),
        }
        for layer in model.act_fun
    ]


def _due(local: int, steps: int) -> bool:
    every = max(1, steps // 20)
    return local < steps // 2 and local % every == 0


def _case(width, grid, k, seed, lamb, box) -> dict:
    """One network: its parameters, inputs and everything pykan computes from them."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.rand(240, width[0], generator=gen, dtype=torch.float64) * 2.4 - 1.2  # some points off the grid
    y = torch.exp(-4.0 * (x**2).sum(dim=1))
    scale = float(y.var())
    model = new_kan(width, grid, k, seed, box.ckpt_path)
    case = {
        "width": width,
        "grid": grid,
        "k": k,
        "lamb": lamb,
        "x": x.tolist(),
        "y": y.tolist(),
        "scale": scale,
        "model": _layout(model),
    }
    from kan.spline import B_batch

    case["basis"] = B_batch(x, model.act_fun[0].grid, k=k).tolist()  # (n, in, G + k)
    out = model(x)[:, 0]
    reg = model.get_reg(*REG)
    objective = torch.mean((out - y) ** 2) / scale + lamb * reg
    objective.backward()
    case.update(out=out.tolist(), reg=float(reg.detach()), objective=float(objective.detach()), grads=_grads(model))
    model.zero_grad()
    with torch.no_grad():
        updated = new_kan(width, grid, k, seed, box.ckpt_path)
        updated.update_grid_from_samples(x)
    case["updated"] = _layout(updated)
    # refine a network whose grids cover its inputs (after a grid update): where a B-spline's
    # support holds no input the least-squares problem is rank-deficient, and torch's default
    # driver (gelsy, called without column pivoting) then returns run-dependent answers (all
    # zeros, or a partial solution); the playground takes the minimum-norm solution there
    refined = refine_kan(updated, 2 * grid, x, box.ckpt_path)
    case["refined"] = _layout(refined)
    case["refined_out"] = refined(x)[:, 0].tolist()
    model.attribute(plot=False)
    case["edge_scores"] = [s.T.tolist() for s in model.edge_scores]
    case["node_scores"] = [s.tolist() for s in model.node_scores]
    return case


def _trace_regression(box) -> dict:
    width, grid, k, seed, lamb, lr = [2, 5, 1], 5, 3, 3, 1e-3, 0.02
    gen = torch.Generator().manual_seed(11)
    x = torch.rand(300, 2, generator=gen, dtype=torch.float64) * 2 - 1
    y = torch.exp(-3.0 * ((x[:, 0] - 0.3) ** 2 + (x[:, 1] + 0.2) ** 2)) + 0.5 * torch.exp(-8 * (x**2).sum(dim=1))
    scale = float(y.var())
    model = new_kan(width, grid, k, seed, box.ckpt_path)
    start = _layout(model)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    losses = []
    for local in range(STEPS):
        if _due(local, STEPS):
            with torch.no_grad():
                model.update_grid_from_samples(x)
        opt.zero_grad()
        out = model(x)[:, 0]
        mse = torch.mean((out - y) ** 2)
        objective = mse / scale + lamb * model.get_reg(*REG)
        objective.backward()
        opt.step()
        losses.append(float(objective.detach()))
    return {
        "model": start,
        "x": x.tolist(),
        "y": y.tolist(),
        "scale": scale,
        "lamb": lamb,
        "lr": lr,
        "objective": losses,
    }


def _trace_density(box) -> dict:
    """The density task's objective as ggmm/estimators/kan_density.py computes it, with the
    quadrature shifts written to the fixture."""
    width, grid, k, seed, lr, nq = [2, 4, 1], 6, 3, 5, 0.02, 20
    mixture = GeneralizedGaussianMixture(
        centers=[[-1.0, 0.0], [1.2, 0.8]], scales=[[0.5, 0.4], [0.3, 0.6]], weights=[0.6, 0.4], p=1.5
    )
    X, _ = mixture.sample(200, seed=4)
    lo, hi = X.min(axis=0), X.max(axis=0)
    center, half = (lo + hi) / 2, (hi - lo) / 2 * 1.2
    u = torch.as_tensor((X - center) / half, dtype=torch.float64)
    log_volume = float(np.sum(np.log(2 * half)))
    x_fit = torch.cat(
        [u, torch.rand(len(u), 2, generator=torch.Generator().manual_seed(9), dtype=torch.float64) * 2 - 1]
    )
    axis = -1.0 + (torch.arange(nq, dtype=torch.float64) + 0.5) * (2.0 / nq)
    quad = torch.stack([m.reshape(-1) for m in torch.meshgrid(axis, axis, indexing="ij")], dim=1)
    h = 2.0 / nq
    shifts = (torch.rand(STEPS, 2, generator=torch.Generator().manual_seed(8), dtype=torch.float64) - 0.5) * h
    model = new_kan(width, grid, k, seed, box.ckpt_path)
    start = _layout(model)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    losses = []
    n = len(u)
    for local in range(STEPS):
        if _due(local, STEPS):
            with torch.no_grad():
                model.update_grid_from_samples(x_fit)
        opt.zero_grad()
        out = model(torch.cat([u, quad + shifts[local]]))[:, 0]
        nll = -out[:n].mean() + torch.logsumexp(out[n:], dim=0) - np.log(len(quad)) + log_volume
        nll.backward()
        opt.step()
        losses.append(float(nll.detach()))
    # the estimator's own normalizer of the trained network, on its 48 x 48 training grid
    problem = _DensityProblem(u, X[:10], _Scaler(log_volume), None, 0.01, 48, seed)
    with torch.no_grad():
        log_z = float(problem._log_z(model(problem.quad.double())[:, 0]))
    return {
        "model": start,
        "u": u.tolist(),
        "x_fit": x_fit.tolist(),
        "nq": nq,
        "quad": quad.tolist(),
        "shifts": shifts.tolist(),
        "log_volume": log_volume,
        "lr": lr,
        "objective": losses,
        "trained": _layout(model),
        "log_z_48": log_z,
        "quad_48": problem.quad.double().tolist(),
    }


class _Scaler:
    """What the estimator's density problem reads of its scaler to normalize."""

    def __init__(self, log_volume: float) -> None:
        self.log_volume = log_volume


def _sampler_fixture() -> dict:
    mixtures = [
        {"centers": [[-1.0, 2.0], [1.5, -0.5]], "scales": [[0.7, 0.4], [0.3, 1.1]], "weights": [0.35, 0.65], "p": 1.0},
        {"centers": [[0.0, 0.0]], "scales": [[1.0, 2.0]], "weights": [1.0], "p": 0.7},
        {
            "centers": [[0.0, 0.0], [3.0, 3.0]],
            "scales": [[1.0, 1.0], [0.5, 0.5]],
            "weights": [0.5, 0.5],
            "p": [4.0, 2.0],
        },
    ]
    out = []
    for index, spec in enumerate(mixtures):
        mixture = GeneralizedGaussianMixture(
            centers=spec["centers"], scales=spec["scales"], weights=spec["weights"], p=spec["p"]
        )
        X, _ = mixture.sample(20000, seed=100 + index)
        grid = np.array([[-1.0, 0.5], [0.2, 0.1], [2.0, -3.0]])
        out.append({"mixture": spec, "python": X.tolist(), "pdf_at": grid.tolist(), "pdf": mixture.pdf(grid).tolist()})
    return {"mixtures": out}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("playground-fixtures")
    dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        with pykan_sandbox(0) as box:
            cases = [
                _case([2, 5, 1], 5, 3, 1, 0.0, box),
                _case([2, 3, 2, 1], 7, 2, 2, 0.01, box),
                _case([2, 2, 1], 3, 1, 3, 0.1, box),
            ]
            traces = {"regression": _trace_regression(box), "density": _trace_density(box)}
    finally:
        torch.set_default_dtype(dtype)
    (folder / "cases.json").write_text(json.dumps(cases))
    (folder / "traces.json").write_text(json.dumps(traces))
    (folder / "sampler.json").write_text(json.dumps(_sampler_fixture()))
    return folder


def test_javascript_agrees_with_pykan(fixtures: Path) -> None:
    """node --test tests/js/playground_*.test.js on the fixtures: every Node test passes (none skipped)."""
    env = {**os.environ, "PLAYGROUND_FIXTURES": str(fixtures)}
    files = sorted(str(path) for path in (ROOT / "tests" / "js").glob("playground_*.test.js"))
    result = subprocess.run(
        [NODE, "--test", "--test-reporter=spec", *files], capture_output=True, text=True, env=env, timeout=600, cwd=ROOT
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "# skipped 0" in report or "skipped 0" in report, report
    assert "# fail 0" in report or "fail 0" in report, report
