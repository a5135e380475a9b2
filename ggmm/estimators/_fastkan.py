"""A lean forward pass for pykan's ``MultKAN``: the same network and arithmetic, fewer operations.

pykan's ``MultKAN.forward`` evaluates the whole B-spline basis recursively, keeps detached
copies of every activation for plotting and runs the symbolic branch. The functions here
read the model's own parameter tensors at every call (so Adam stepping them and pykan's
``update_grid_from_samples`` rewriting grids and coefficients keep working unchanged) and
compute only what the loss needs; pykan stays the model of record.

Two choices make it fast. Only the ``k + 1`` basis functions that can be nonzero at a
point are evaluated (pykan's Cox–de Boor arithmetic on that window), and activations are
laid out feature-major, ``(..., in_dim, N)``, so every tensor operation runs over long
contiguous rows of samples instead of short rows of basis functions.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["bspline_basis", "check_fast_model", "fast_forward", "fast_forward_with_reg"]


# -- the B-spline basis -----------------------------------------------------------------------


def _rows(x: torch.Tensor, grid: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Knot interval ``[t_j, t_{j+1})`` of each point, as a row of a per-interval table.

    Parameters
    ----------
    x : torch.Tensor of shape (in_dim, N)
    grid : torch.Tensor of shape (in_dim, M)

    Returns
    -------
    rows : torch.Tensor of shape (in_dim * N,), int64
        ``i * (M - 1) + j`` with ``j`` clamped to ``[0, M - 2]``.
    inside : torch.Tensor of shape (in_dim, N), bool
        ``t_0 <= x < t_{M-1}``; outside, every basis function is 0.
    """
    in_dim, M = grid.shape
    j = torch.searchsorted(grid, x, right=True) - 1
    inside = (j >= 0) & (j <= M - 2)
    rows = j.clamp_(0, M - 2) + (M - 1) * torch.arange(in_dim, device=x.device)[:, None]
    return rows.flatten(), inside


def _local_basis(
    x: torch.Tensor, grid: torch.Tensor, k: int, rows: torch.Tensor, inside: torch.Tensor, slopes: bool = False
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The ``k + 1`` basis functions that can be nonzero at each point, and their derivatives.

    Cox–de Boor from order 0 upwards on the window of functions ``j - k .. j`` of the
    interval ``j`` holding the point, with pykan's ``B_batch`` arithmetic: the same two
    terms in the same order, the neighbours outside the window entering as exact zeros, and
    ``nan_to_num`` at every order (0/0 from repeated knots). Entries for functions outside
    ``0 .. G + k - 1`` (in the extension intervals) are meaningless and must be dropped.

    Parameters
    ----------
    x : torch.Tensor of shape (in_dim, N)
    grid : torch.Tensor of shape (in_dim, M)
    k : int
    rows, inside : from :func:`_rows`
    slopes : bool
        Also return the derivatives in x.

    Returns
    -------
    values, slopes : torch.Tensor of shape (k + 1, in_dim, N); slopes is None unless asked
    """
    in_dim, M = grid.shape
    window = torch.arange(-k, k + 2, device=x.device)[:, None] + torch.arange(M - 1, device=x.device)
    table = grid[:, window.clamp(0, M - 1)].transpose(0, 1).reshape(2 * k + 2, in_dim * (M - 1))
    t = table.index_select(1, rows).view(2 * k + 2, *x.shape)  # t[m] is knot j - k + m
    above, below = x - t, t - x  # (2k + 2, in, N), the numerators of every order
    zero = x.new_zeros(1, *x.shape)
    values = inside.to(x.dtype)[None]
    derivatives = torch.zeros_like(values) if slopes else None
    for r in range(1, k + 1):  # values[s] is function j - r + s
        padded = torch.cat([zero, values, zero])
        spans = t[k : k + r + 2] - t[k - r : k + 2]  # spans[s] = t_{j+s} - t_{j-r+s}
        if r == k and slopes:
            ratio = padded / spans
            derivatives = torch.nan_to_num(k * (ratio[:-1] - ratio[1:]))
        left = above[k - r : k + 1] / spans[:-1]
        right = below[k + 1 : k + r + 2] / spans[1:]
        values = torch.nan_to_num(left * padded[:-1] + right * padded[1:])
    return values, derivatives


def bspline_basis(x: torch.Tensor, grid: torch.Tensor, k: int) -> torch.Tensor:
    """Every B-spline basis function of order ``k`` at ``x``: pykan's ``B_batch``, iteratively.

    Intervals are half-open, so a point on a knot belongs to the interval on its right, and
    a point outside ``[t_0, t_last)`` has an all-zero basis, as in pykan.

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
    xt = x.T.contiguous()
    rows, inside = _rows(xt, grid)
    values, _ = _local_basis(xt, grid, k, rows, inside)
    M = grid.shape[1]
    j = rows.view(xt.shape) % (M - 1)
    dense = values.new_zeros(*xt.shape, M + k - 1)  # functions -k .. G + 2k - 1
    dense.scatter_(2, j[:, :, None] + torch.arange(k + 1, device=x.device), values.permute(1, 2, 0))
    return dense[:, :, k : M - 1].transpose(0, 1)


class _Basis(torch.autograd.Function):
    """:func:`_local_basis` as one autograd node, (in_dim, N) -> (k + 1, in_dim, N); backward from the slopes."""

    @staticmethod
    def forward(
        ctx: Any, x: torch.Tensor, grid: torch.Tensor, k: int, rows: torch.Tensor, inside: torch.Tensor
    ) -> torch.Tensor:
        values, slopes = _local_basis(x, grid, k, rows, inside, slopes=ctx.needs_input_grad[0])
        ctx.save_for_backward(slopes)
        return values

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, None, None, None, None]:
        (slopes,) = ctx.saved_tensors
        return (grad * slopes).sum(dim=0) if ctx.needs_input_grad[0] else None, None, None, None, None


def _spline(x: torch.Tensor, grid: torch.Tensor, coef: torch.Tensor, k: int) -> torch.Tensor:
    """pykan's ``coef2curve``: every edge's spline at ``x``, summed over the nonzero window only.

    Parameters
    ----------
    x : torch.Tensor of shape (in_dim, N)
    grid : torch.Tensor of shape (in_dim, M)
    coef : torch.Tensor of shape (in_dim, out_dim, G + k)

    Returns
    -------
    torch.Tensor of shape (out_dim, in_dim, N)
    """
    rows, inside = _rows(x, grid)
    values: torch.Tensor = _Basis.apply(x, grid, k, rows, inside)  # type: ignore[no-untyped-call]  # (k + 1, in, N)
    in_dim, out_dim, _ = coef.shape
    windows = torch.nn.functional.pad(coef, (k, k)).unfold(2, k + 1, 1)  # (in, out, M - 1, k + 1)
    table = windows.permute(3, 1, 0, 2).reshape((k + 1) * out_dim, -1)  # (k + 1) * out rows, in * (M - 1) columns
    picked = table.index_select(1, rows).view(k + 1, out_dim, *x.shape)
    spline: torch.Tensor = (picked * values[:, None]).sum(dim=0)
    return spline


# -- the network -------------------------------------------------------------------------------


def check_fast_model(model: Any) -> None:
    """Raise ValueError unless ``model`` is a pure spline KAN (no multiplication nodes, no symbolic edge)."""
    if any(w[1] != 0 for w in model.width):
        raise ValueError(
            f"The fast forward has no multiplication nodes, but the model has width {model.width} "
            f"(a nonzero second entry is a multiplication node)."
        )
    if model.symbolic_enabled and any(bool((s.mask.data != 0).any()) for s in model.symbolic_fun):
        raise ValueError(
            "The fast forward evaluates spline edges only, but the model has symbolic edges "
            "switched on (symbolic_enabled with a nonzero symbolic mask)."
        )


def _edges(layer: Any, x: torch.Tensor) -> torch.Tensor:
    """One layer's masked edge activations (pykan's ``KANLayer.forward``).

    Parameters
    ----------
    layer : kan.KANLayer
    x : torch.Tensor of shape (in_dim, N)

    Returns
    -------
    torch.Tensor of shape (out_dim, in_dim, N)
    """
    spline = _spline(x, layer.grid, layer.coef, layer.k)
    y = layer.scale_base.T[:, :, None] * layer.base_fun(x)[None] + layer.scale_sp.T[:, :, None] * spline
    masked: torch.Tensor = layer.mask.T[:, :, None] * y
    return masked


def _nodes(model: Any, layer_id: int, y: torch.Tensor) -> torch.Tensor:
    """A layer's edges (out_dim, in_dim, N) summed into its nodes, then the subnode and node affine maps.

    Returns
    -------
    torch.Tensor of shape (out_dim, N)
    """
    x = y.sum(dim=1)
    x = model.subnode_scale[layer_id][:, None] * x + model.subnode_bias[layer_id][:, None]
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
        x = _nodes(model, layer_id, _edges(layer, x))
    return x.T


def _reg_term(scale: torch.Tensor, lamb_l1: float, lamb_entropy: float) -> torch.Tensor:
    """pykan's ``reg`` contribution of one layer: L1 plus row and column entropies of (out_dim, in_dim)."""
    l1 = torch.sum(scale)
    p_row = scale / (torch.sum(scale, dim=1, keepdim=True) + 1)
    p_col = scale / (torch.sum(scale, dim=0, keepdim=True) + 1)
    entropy_row = -torch.mean(torch.sum(p_row * torch.log2(p_row + 1e-4), dim=1))
    entropy_col = -torch.mean(torch.sum(p_col * torch.log2(p_col + 1e-4), dim=0))
    return lamb_l1 * l1 + lamb_entropy * (entropy_row + entropy_col)


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
    reg: Any = 0.0
    for layer_id, layer in enumerate(model.act_fun):
        y = _edges(layer, x)  # (out, in, N)
        reg = reg + _reg_term(torch.std(y, dim=2) / (torch.std(x, dim=1) + 0.1)[None, :], lamb_l1, lamb_entropy)
        x = _nodes(model, layer_id, y)
    return x.T, reg
