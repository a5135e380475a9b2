"""Shared pieces of the pykan-based estimators: scaling, the forward pass, edge bookkeeping.

Conventions
-----------
* Inputs are mapped from the domain ``bounds`` to ``[-1, 1]`` per axis before they reach
  the network (:class:`BoxScaler`); edge curves of layer 0 are mapped back to data units.
* Edges are numbered once, for the initial network: layer by layer, input node by input
  node, output node by output node (:func:`edge_list`). Pruning (:mod:`._kan_trainer`) sets
  masks and never reshapes the network, so an edge keeps its number through every stage.
* Parameters counted for a KAN (:func:`n_live_parameters`): for every live spline edge its
  ``grid + k`` B-spline coefficients plus its two scales (``scale_base``, ``scale_sp``);
  for every edge fixed to a symbolic function its four affine parameters. Pruned edges and
  the (frozen) node affine parameters are not counted.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch

__all__ = ["BoxScaler", "edge_list"]

_CACHE_ATTRS = (
    "acts",
    "acts_premult",
    "spline_preacts",
    "spline_postsplines",
    "spline_postacts",
    "acts_scale",
    "acts_scale_spline",
    "subnode_actscale",
    "edge_actscale",
    "cache_data",
)


class BoxScaler:
    """Affine map of the box ``bounds`` onto ``[-1, 1]^D``.

    Parameters
    ----------
    bounds : ndarray of shape (D, 2)
    """

    def __init__(self, bounds: np.ndarray) -> None:
        self.center = (bounds[:, 0] + bounds[:, 1]) / 2.0
        self.half = (bounds[:, 1] - bounds[:, 0]) / 2.0

    def to_unit(self, X: np.ndarray) -> torch.Tensor:
        """Data (N, D) -> network inputs (N, D) as float32 tensor."""
        return torch.as_tensor((np.asarray(X, dtype=float) - self.center) / self.half, dtype=torch.float32)

    def from_unit(self, U: np.ndarray, dim: int) -> np.ndarray:
        """Network input values of axis ``dim`` back to data units."""
        values: np.ndarray = np.asarray(U) * self.half[dim] + self.center[dim]
        return values

    def from_unit_all(self, U: np.ndarray) -> np.ndarray:
        """Network inputs (N, D) back to data units."""
        values: np.ndarray = np.asarray(U, dtype=float) * self.half + self.center
        return values

    @property
    def log_volume(self) -> float:
        """log of the box volume in data units."""
        return float(np.sum(np.log(2.0 * self.half)))


def edge_list(width: list[int]) -> list[tuple[int, int, int]]:
    """Edges (layer, in, out) of a KAN with the given widths, in the fixed snapshot order."""
    return [
        (layer, i, j) for layer in range(len(width) - 1) for i in range(width[layer]) for j in range(width[layer + 1])
    ]


def lean_forward(model: Any, U: torch.Tensor) -> torch.Tensor:
    """The spline part of pykan's ``MultKAN.forward`` without its bookkeeping, shape (N, n_out).

    The same arithmetic as pykan (``coef2curve`` on each layer, silu residual, masks, node
    affine maps) minus the cached copies of every activation, which make pykan's forward on
    a small batch several times slower. Valid while no edge is symbolic.
    """
    from kan.spline import coef2curve

    x = U[:, model.input_id.long()]
    for layer_id, layer in enumerate(model.act_fun):
        spline = coef2curve(x_eval=x, grid=layer.grid, coef=layer.coef, k=layer.k)  # (N, in, out)
        y = layer.scale_base[None] * layer.base_fun(x)[:, :, None] + layer.scale_sp[None] * spline
        x = (layer.mask[None] * y).sum(dim=1)
        x = model.subnode_scale[layer_id][None, :] * x + model.subnode_bias[layer_id][None, :]
        x = model.node_scale[layer_id][None, :] * x + model.node_bias[layer_id][None, :]
    return x


def forward(model: Any, U: torch.Tensor) -> torch.Tensor:
    """The network's output during training, with gradients, shape (N, n_out).

    A plain torch module, or a pykan model with symbolic edges in use (the symbolic step's
    refit), is called; any other pykan model goes through the fast path (:mod:`._fastkan`),
    which reads pykan's own parameters. When the trainer asks for regularization
    (``model.want_reg``), the regularizer of the same forward pass is left in ``model.last_reg``.
    """
    if not hasattr(model, "act_fun") or _has_symbolic(model):
        out: torch.Tensor = model(U)
        return out
    from ._fastkan import fast_forward, fast_forward_with_reg

    if getattr(model, "want_reg", False):
        out, model.last_reg = fast_forward_with_reg(model, U)
        return out
    return fast_forward(model, U)


def update_grid(model: Any, x: torch.Tensor) -> None:
    """pykan's grid update from the samples ``x``, on the path :func:`forward` trains the model on.

    A pykan model with symbolic edges in use updates through pykan itself; any other goes
    through :func:`._fastkan.fast_update_grid` (the same rule and refit, with the fast basis).
    """
    if _has_symbolic(model):
        with torch.no_grad():
            model.update_grid_from_samples(x)
        return
    from ._fastkan import fast_update_grid

    fast_update_grid(model, x)


def _has_symbolic(model: Any) -> bool:
    return bool(model.symbolic_enabled) and any(bool((s.mask.data > 0).any()) for s in model.symbolic_fun)


def evaluate(model: Any, U: torch.Tensor, chunk: int = 65536) -> torch.Tensor:
    """Network output (N,) without gradients, leaving pykan's cached activations untouched."""
    if not hasattr(model, "act_fun"):  # a plain torch module
        with torch.inference_mode():
            return torch.cat([model(U[s : s + chunk])[:, 0] for s in range(0, max(len(U), 1), chunk)])
    if not _has_symbolic(model) and all(w[1] == 0 for w in model.width):
        with torch.inference_mode():
            return torch.cat([lean_forward(model, U[s : s + chunk])[:, 0] for s in range(0, max(len(U), 1), chunk)])
    saved = {name: getattr(model, name, None) for name in _CACHE_ATTRS}
    save_act = model.save_act
    model.save_act = False
    try:
        with torch.inference_mode():
            out = torch.cat([model(U[s : s + chunk])[:, 0] for s in range(0, max(len(U), 1), chunk)])
    finally:
        model.save_act = save_act
        for name, value in saved.items():
            setattr(model, name, value)
    return out


def clone_model(model: Any) -> Any:
    """A deep copy of a pykan model (its cached activations, which hold autograd graphs, are
    left out of the copy and kept on the original)."""
    names = (
        *_CACHE_ATTRS,
        "node_scores",
        "edge_scores",
        "subnode_scores",
        "node_scores_all",
        "edge_scores_all",
        "subnode_scores_all",
    )
    saved = {name: getattr(model, name, None) for name in names}
    try:
        for name in names:
            setattr(model, name, None)
        return copy.deepcopy(model)
    finally:
        for name, value in saved.items():
            setattr(model, name, value)


def live_edges(model: Any) -> list[torch.Tensor]:
    """Per layer, a bool (in, out) tensor: edge is live (spline or symbolic part switched on)."""
    out = []
    for layer, sym in zip(model.act_fun, model.symbolic_fun, strict=True):
        named = torch.tensor([[name != "0" for name in row] for row in sym.funs_name], dtype=torch.bool)
        out.append((layer.mask.data > 0) | ((sym.mask.data > 0) & named).T)
    return out


def live_width(model: Any) -> list[int]:
    """Live nodes per layer: an input with a live outgoing edge, a hidden node with live edges on
    both sides, an output with a live incoming edge."""
    live = live_edges(model)
    widths = [int(live[0].any(dim=1).sum())]
    for layer in range(1, len(live)):
        widths.append(int((live[layer - 1].any(dim=0) & live[layer].any(dim=1)).sum()))
    widths.append(int(live[-1].any(dim=0).sum()))
    return widths


def n_live_parameters(model: Any) -> int:
    """Trainable parameters actually used (see the module notes)."""
    total = 0
    for layer, sym in zip(model.act_fun, model.symbolic_fun, strict=True):
        n_coef = layer.coef.shape[-1]
        total += int((layer.mask.data > 0).sum()) * (n_coef + 2)
        total += int((sym.mask.data > 0).sum()) * 4
    return total


def edge_curves(
    model: Any, samples: int, scaler: BoxScaler, edges: list[tuple[int, int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Every edge's activation sampled over its live input range.

    The range of node i in layer l is the range of its value over the last batch pykan
    cached (the training inputs). Spline and symbolic parts are both included.

    Returns
    -------
    x, y : ndarray of shape (E, samples)
    """
    xs, ys = np.zeros((len(edges), samples)), np.zeros((len(edges), samples))
    grid = torch.linspace(0.0, 1.0, samples)[:, None]
    per_layer = []
    with torch.no_grad():
        for layer_id, layer in enumerate(model.act_fun):
            acts = model.acts[layer_id]
            lo, hi = acts.min(dim=0).values, acts.max(dim=0).values
            t = lo[None, :] + (hi - lo)[None, :] * grid
            _, _, post, _ = layer(t)
            sym = model.symbolic_fun[layer_id]
            if bool((sym.mask.data > 0).any()):
                post = post + sym(t)[1]
            per_layer.append((t.numpy(), post.numpy()))
    for e, (layer_id, i, j) in enumerate(edges):
        t, post = per_layer[layer_id]
        xs[e] = scaler.from_unit(t[:, i], i) if layer_id == 0 else t[:, i]
        ys[e] = post[:, j, i]
    return xs, ys


def edge_importance(model: Any, edges: list[tuple[int, int, int]]) -> np.ndarray:
    """pykan's attribution score of every edge (``attribute()`` on the cached batch), shape (E,)."""
    model.attribute(plot=False)
    scores = [s.detach().numpy() for s in model.edge_scores]  # (out, in) per layer
    return np.array([scores[layer][j, i] for layer, i, j in edges], dtype=float)
