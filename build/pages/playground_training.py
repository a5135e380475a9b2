"""The KAN playground page's run trained in Python, with pykan.

:func:`train_page_run` trains the network the page trains for the same settings, from the
set-up of :mod:`.playground_port` (same samples, split, quadrature shifts and initial
parameters), pruning as the page's button does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .playground_port import initial_parameters, mulberry32, page_data

__all__ = ["train_page_run"]


def _logsumexp(v: np.ndarray) -> float:
    m = float(np.max(v))
    return m + math.log(float(np.sum(np.exp(v - m))))


def _midpoints(nq: int) -> np.ndarray:
    axis = -1.0 + (np.arange(nq) + 0.5) * (2.0 / nq)
    return np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2)


def train_page_run(
    settings: dict, *, total: int | None = None, prune_at: int | None = None, record_every: int = 0
) -> dict:
    """Train the network the page trains for ``settings``, with pykan (float64, full batch).

    Parameters
    ----------
    settings : dict
        The page's session settings: mixture, samples, seed, task, width, grid, k, lr, lamb,
        gridUpdate, steps (full batch only).
    total : int or None
        Steps in all (default ``settings["steps"]``, the page's steps per run).
    prune_at : int or None
        Prune (the page's button: pykan's node then edge scores) after this many steps; a
        new stage starts there, as on the page (a fresh Adam, the grid schedule again).
    record_every : int
        Also record the train loss every this many steps (0: only the final values).

    Returns
    -------
    dict
        ``train_loss``, ``validation_loss`` (final), ``trace`` (step, train loss) and, when
        pruned, ``live_edges``, ``live_hidden`` and the validation loss just before pruning.
    """
    import torch

    from ggmm.estimators._kan_core import live_width
    from ggmm.estimators._pykan import mask_edges, new_kan, pykan_sandbox

    data = page_data(settings)
    width, grid, k, steps = list(settings["width"]), settings["grid"], settings["k"], settings["steps"]
    dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        with pykan_sandbox(settings["seed"]) as box:
            model = new_kan(width, grid, k, settings["seed"], box.ckpt_path)
            with torch.no_grad():
                start = initial_parameters(width, grid, k, settings["seed"])
                for layer, init in zip(model.act_fun, start, strict=True):
                    for name, value in init.items():
                        getattr(layer, name).data = torch.as_tensor(value, dtype=torch.float64).clone()
            x_fit = torch.as_tensor(data.x_fit)
            u_train = torch.as_tensor(data.u_train)
            quad = torch.as_tensor(_midpoints(48))
            h = 2.0 / 48
            shift_rng = mulberry32((settings["seed"] + 0xC0FFEE) & 0xFFFFFFFF)

            def validation() -> float:
                with torch.no_grad():
                    f = model(torch.as_tensor(data.u_val))[:, 0].numpy()
                    if settings["task"] == "regression":
                        return float(np.sqrt(np.mean((np.maximum(f, 0) - data.y_val) ** 2)))
                    log_z = _logsumexp(model(quad)[:, 0].numpy()) - math.log(len(quad)) + data.log_volume
                z = np.abs(data.x_val - data.tail_center) / data.tail_scale
                lt = -np.sum(z + np.log(2 * data.tail_scale), axis=1)
                lq = np.logaddexp(math.log1p(-data.eps) + f - log_z, math.log(data.eps) + lt)
                return float(-np.mean(lq))

            out: dict[str, Any] = {"trace": []}
            optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=settings["lr"])
            local, stage_steps, loss = 0, steps, float("nan")
            for step in range(steps if total is None else total):
                if prune_at is not None and step == prune_at:
                    out["validation_before_prune"] = validation()
                    model.get_act(x_fit)
                    model.attribute(plot=False)
                    keep = [torch.ones_like(layer.mask.data, dtype=torch.bool) for layer in model.act_fun]
                    for layer in range(1, len(model.act_fun)):
                        dead = model.node_scores[layer] <= 1e-2
                        keep[layer - 1][:, dead] = False
                        keep[layer][dead, :] = False
                    mask_edges(model, keep)
                    model.get_act(x_fit)
                    model.attribute(plot=False)
                    mask_edges(model, [(s.T > 3e-2) for s in model.edge_scores])
                    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=settings["lr"])
                    local = 0
                every = max(1, stage_steps // 20)
                if settings["gridUpdate"] and local < stage_steps // 2 and local % every == 0:
                    with torch.no_grad():
                        model.update_grid_from_samples(x_fit)
                optimizer.zero_grad()
                if settings["task"] == "regression":
                    out_fit = model(x_fit)[:, 0]
                    mse = torch.mean((out_fit - torch.as_tensor(data.y_fit)) ** 2)
                    objective, loss_t = mse / data.scale, torch.sqrt(mse)
                else:
                    sx, sy = (shift_rng() - 0.5) * h, (shift_rng() - 0.5) * h
                    f = model(torch.cat([u_train, quad + torch.tensor([sx, sy])]))[:, 0]
                    n = len(u_train)
                    objective = -f[:n].mean() + torch.logsumexp(f[n:], dim=0) - math.log(len(quad)) + data.log_volume
                    loss_t = objective
                if settings["lamb"] > 0:
                    reg = model.get_reg("edge_forward_spline_n", 1.0, 2.0, 0.0, 0.0)
                    objective = objective + settings["lamb"] * reg
                objective.backward()
                optimizer.step()
                local += 1
                loss = float(loss_t.detach())
                if record_every and (step + 1) % record_every == 0:
                    out["trace"].append([step + 1, loss])
            out["train_loss"] = loss
            out["validation_loss"] = validation()
            if prune_at is not None:
                out["live_edges"] = int(sum(int((layer.mask.data > 0).sum()) for layer in model.act_fun))
                out["live_hidden"] = live_width(model)[1:-1]
    finally:
        torch.set_default_dtype(dtype)
    return out
