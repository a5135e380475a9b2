"""A lean forward pass for pykan's ``MultKAN``: the same network and arithmetic, fewer operations.

pykan's ``MultKAN.forward`` evaluates the whole B-spline basis recursively, keeps detached
copies of every activation for plotting and runs the symbolic branch. The functions here
read the model's own parameter tensors at every call (so Adam stepping them and pykan's
``update_grid_from_samples`` rewriting grids and coefficients keep working unchanged) and
compute only what the loss needs; pykan stays the model of record.

Each layer is one compiled pass over its points (:mod:`._kankernel`): every edge's spline
as a polynomial on its knot interval, the node sums and the spreads pykan's regularizer
reads, with a backward pass of the same kind. The node affine maps and the regularizer's
small ``(out_dim, in_dim)`` arithmetic stay tensor operations. pykan's grid update
(:func:`fast_update_grid`) runs on the same path: the layers' inputs from the fast forward,
the basis from the kernel, pykan's own grid rule and least-squares refit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from . import _kankernel

__all__ = ["bspline_basis", "check_fast_model", "fast_forward", "fast_forward_with_reg", "fast_update_grid"]


# -- the B-spline basis -----------------------------------------------------------------------


def bspline_basis(x: torch.Tensor, grid: torch.Tensor, k: int) -> torch.Tensor:
    """Every B-spline basis function of order ``k`` at ``x``, from the kernel's interval polynomials.

    pykan's ``B_batch`` to rounding: intervals are half-open, so a point on a knot belongs to
    the interval on its right, and a point outside ``[t_0, t_last)`` has an all-zero basis.

    Parameters
    ----------
    x : torch.Tensor of shape (N, in_dim)
    grid : torch.Tensor of shape (in_dim, G + 2k + 1)
        Knots, with pykan's ``k`` extension points on each side.
    k : int
        Spline order.

    Returns
    -------
    torch.Tensor of shape (N, in_dim, G + k)
    """
    g = grid.detach().contiguous().numpy()
    values = _kankernel.basis(x.detach().T.contiguous().numpy(), g, k)  # (in_dim, N, G + k)
    return torch.from_numpy(np.ascontiguousarray(values.transpose(1, 0, 2))).to(x.dtype)


# -- the network -------------------------------------------------------------------------------


def check_fast_model(model: Any) -> None:
    """Raise ValueError unless ``model`` is a pure spline KAN (no multiplication nodes, no symbolic edge)."""
    if any(w[1] != 0 for w in model.width):
        raise ValueError(
            f"The fast forward has no multiplication nodes, but the model has width {model.width} "
            f"(a nonzero second entry is a multiplication node)."
        )
    for layer in model.act_fun:
        if not isinstance(layer.base_fun, torch.nn.SiLU):
            raise ValueError(
                f"The fast forward's base function is SiLU (pykan's default), but the model has {layer.base_fun}."
            )
    if model.symbolic_enabled and any(bool((s.mask.data != 0).any()) for s in model.symbolic_fun):
        raise ValueError(
            "The fast forward evaluates spline edges only, but the model has symbolic edges "
            "switched on (symbolic_enabled with a nonzero symbolic mask)."
        )


def _nodes(model: Any, layer_id: int, summed: torch.Tensor) -> torch.Tensor:
    """A layer's node sums (out_dim, N) through the subnode and node affine maps."""
    x = model.subnode_scale[layer_id][:, None] * summed + model.subnode_bias[layer_id][:, None]
    nodes: torch.Tensor = model.node_scale[layer_id][:, None] * x + model.node_bias[layer_id][:, None]
    return nodes


def fast_forward(model: Any, U: torch.Tensor) -> torch.Tensor:
    """pykan's ``model(U)`` for a spline-only KAN, without its cached activations.

    Parameters
    ----------
    model : kan.MultKAN
        No multiplication nodes and no symbolic edge in use (else ValueError).
    U : torch.Tensor of shape (N, n_in)

    Returns
    -------
    torch.Tensor of shape (N, n_out)
    """
    check_fast_model(model)
    x = U[:, model.input_id.long()].T.contiguous()
    for layer_id, layer in enumerate(model.act_fun):
        x = _nodes(model, layer_id, _kankernel.layer(layer, x)[0])
    return x.T


class _Penalty(torch.autograd.Function):
    """pykan's sparsity penalty from every layer's edge and input spreads, as one autograd node.

    Per layer, with ``s = spread / (input_spread + 0.1)`` of shape (out_dim, in_dim):
    ``lamb_l1 * sum(s)`` plus ``lamb_entropy`` times the mean row entropy and the mean column
    entropy, ``-sum p log2(p + 1e-4)`` of ``s`` divided by its row (column) sum plus one.
    Computed in float64 with numpy; the gradient is derived by hand.
    """

    @staticmethod
    def forward(ctx: Any, lamb_l1: float, lamb_entropy: float, *spreads: torch.Tensor) -> torch.Tensor:
        ctx.lambdas, ctx.layers, total = (lamb_l1, lamb_entropy), [], 0.0
        for edge, inputs in zip(spreads[::2], spreads[1::2], strict=True):
            e, d = edge.detach().numpy().astype(np.float64), inputs.detach().numpy().astype(np.float64) + 0.1
            s = e / d[None, :]
            rows, cols = s.sum(axis=1, keepdims=True) + 1.0, s.sum(axis=0, keepdims=True) + 1.0
            p_row, p_col = s / rows, s / cols
            entropy_row = -np.mean(np.sum(p_row * np.log2(p_row + 1e-4), axis=1))
            entropy_col = -np.mean(np.sum(p_col * np.log2(p_col + 1e-4), axis=0))
            total += lamb_l1 * s.sum() + lamb_entropy * (entropy_row + entropy_col)
            ctx.layers.append((e, d, rows, cols, p_row, p_col))
        ctx.dtype = spreads[0].dtype
        return torch.tensor(total, dtype=spreads[0].dtype)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[Any, ...]:
        lamb_l1, lamb_entropy = ctx.lambdas
        g, out = float(grad), []
        for e, d, rows, cols, p_row, p_col in ctx.layers:
            n_out, n_in = e.shape

            def slope(p: np.ndarray) -> np.ndarray:  # d/dp of p log2(p + 1e-4)
                value: np.ndarray = np.log2(p + 1e-4) + p / ((p + 1e-4) * np.log(2.0))
                return value

            f_row, f_col = slope(p_row), slope(p_col)
            d_row = -(f_row - np.sum(f_row * p_row, axis=1, keepdims=True)) / rows / n_out
            d_col = -(f_col - np.sum(f_col * p_col, axis=0, keepdims=True)) / cols / n_in
            g_s = g * (lamb_l1 + lamb_entropy * (d_row + d_col))
            g_edge = g_s / d[None, :]
            g_inputs = -np.sum(g_s * e, axis=0) / d**2
            out += [torch.from_numpy(g_edge).to(ctx.dtype), torch.from_numpy(g_inputs).to(ctx.dtype)]
        return (None, None, *out)


def fast_forward_with_reg(
    model: Any, U: torch.Tensor, lamb_l1: float = 1.0, lamb_entropy: float = 2.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`fast_forward` and pykan's sparsity penalty on the same batch.

    The penalty is ``model.get_reg("edge_forward_spline_n", lamb_l1, lamb_entropy, 0.0, 0.0)``
    right after ``model(U)``: per layer, each edge's scale is the standard deviation over the
    batch of its whole masked activation (base branch included, symbolic part excluded)
    divided by its input's standard deviation plus 0.1.

    Parameters
    ----------
    model : kan.MultKAN
    U : torch.Tensor of shape (N, n_in)
    lamb_l1, lamb_entropy : float

    Returns
    -------
    out : torch.Tensor of shape (N, n_out)
    reg : torch.Tensor of shape ()
    """
    check_fast_model(model)
    x = U[:, model.input_id.long()].T.contiguous()
    spreads: list[torch.Tensor] = []
    for layer_id, layer in enumerate(model.act_fun):
        summed, edge_spread, input_spread = _kankernel.layer(layer, x)  # (out, N), (out, in), (in,)
        spreads += [edge_spread, input_spread]
        x = _nodes(model, layer_id, summed)
    reg: torch.Tensor = _Penalty.apply(lamb_l1, lamb_entropy, *spreads)  # type: ignore[no-untyped-call]
    return x.T, reg


# -- grid updates ------------------------------------------------------------------------------


def _layer_inputs(model: Any, U: torch.Tensor, upto: int) -> torch.Tensor:
    """The input (N, in_dim) of layer ``upto``: pykan's ``model.acts[upto]``."""
    x = U[:, model.input_id.long()].T.contiguous()
    for layer_id in range(upto):
        x = _nodes(model, layer_id, _kankernel.layer(model.act_fun[layer_id], x)[0])
    return x.T


def _update_layer_grid(layer: Any, x: torch.Tensor) -> None:
    """pykan's ``KANLayer.update_grid_from_samples(x)`` (mode "sample") with the kernel's basis.

    The new grid mixes the samples' quantiles with a uniform grid (``grid_eps``), is extended
    by ``k`` knots on each side, and the coefficients are refitted by least squares so the
    edges keep their curves at the sorted samples.
    """
    from kan.spline import extend_grid

    batch, k = x.shape[0], layer.k
    x_pos = torch.sort(x, dim=0)[0]
    y_eval = torch.einsum("ijk,jlk->ijl", bspline_basis(x_pos, layer.grid, k), layer.coef)
    num_interval = layer.grid.shape[1] - 1 - 2 * k
    ids = [int(batch / num_interval * i) for i in range(num_interval)] + [-1]
    grid_adaptive = x_pos[ids, :].permute(1, 0)
    h = (grid_adaptive[:, [-1]] - grid_adaptive[:, [0]]) / num_interval
    grid_uniform = grid_adaptive[:, [0]] + h * torch.arange(num_interval + 1)[None, :]
    grid = layer.grid_eps * grid_uniform + (1 - layer.grid_eps) * grid_adaptive
    layer.grid.data = extend_grid(grid, k_extend=k)
    in_dim, out_dim, n_coef = x.shape[1], y_eval.shape[2], layer.grid.shape[1] - k - 1
    mat = bspline_basis(x_pos, layer.grid, k).permute(1, 0, 2)[:, None, :, :].expand(in_dim, out_dim, batch, n_coef)
    layer.coef.data = torch.linalg.lstsq(mat, y_eval.permute(1, 2, 0).unsqueeze(dim=3)).solution[:, :, :, 0]


def fast_update_grid(model: Any, U: torch.Tensor) -> None:
    """pykan's ``model.update_grid_from_samples(U)`` on the fast path.

    Layer by layer, as pykan does: the inputs of layer ``l`` are recomputed after the layers
    before it were updated, then its grid and coefficients are rewritten in place (the
    parameter tensors stay the same objects, so an optimizer holding them keeps working).
    pykan's cached activations are not refreshed; code that reads them calls ``get_act``.
    """
    check_fast_model(model)
    with torch.no_grad():
        for layer_id, layer in enumerate(model.act_fun):
            _update_layer_grid(layer, _layer_inputs(model, U, layer_id))
