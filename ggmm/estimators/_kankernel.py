"""One compiled loop per KAN layer: edges, node sums and the edges' spreads, forward and backward.

:mod:`._fastkan` expresses a layer in tensor operations over ``(out_dim, in_dim, N)``
arrays; at the sizes this study trains, each of those operations costs more in passes over
memory than in arithmetic. Here a layer is one pass over its points, compiled by numba.

On each knot interval ``[t_j, t_{j+1})`` a B-spline of order ``k`` is a polynomial of degree
``k`` in ``u = x - t_j``. The coefficients of every basis function there follow from
Cox–de Boor's recursion applied to polynomials (pykan's arithmetic on the same clamped
knot window as :func:`._fastkan._local_basis`, with ``0/0 = 0``); per edge and interval
they combine with the edge's spline coefficients into ``k + 1`` numbers, so an edge at a
point costs one Horner evaluation. For each input and point: the interval (pykan's
half-open convention; outside ``[t_0, t_last)`` the spline is 0), ``silu(x)``, then every
edge leaving that input: the masked activation ``mask * (scale_base * silu(x) + scale_sp *
spline(x))``, its node's sum and the sums giving the edge's standard deviation over the
points (pykan's regularizer reads it). The backward pass walks the points once more,
accumulates the gradients of the polynomial coefficients and maps them back to the spline
coefficients.

The arithmetic runs in float64 and each result is rounded once to the tensors' precision,
so in float32 the results equal the tensor form's to float32 rounding and in float64 to
float64 rounding.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import torch

__all__ = ["basis", "compile_kernels", "layer"]


@numba.njit(cache=True, error_model="numpy")
def _interval_polys(grid, k):  # type: ignore[no-untyped-def]
    """``A[i, j, a, m]``: on interval ``j`` of input ``i``, function ``j - k + m`` is ``sum_a A u^a``."""
    in_dim, M = grid.shape
    J = M - 1
    A = np.zeros((in_dim, J, k + 1, k + 1))
    P = np.zeros((k + 1, k + 1))  # P[m, a]: function j - r + m at order r
    Q = np.zeros((k + 1, k + 1))
    for i in range(in_dim):
        for j in range(J):
            tj = np.float64(grid[i, j])
            P[:, :] = 0.0
            P[0, 0] = 1.0
            for r in range(1, k + 1):
                Q[:, :] = 0.0
                for m in range(r + 1):
                    f = j - r + m
                    if m >= 1:  # (x - t_f) / (t_{f+r} - t_f) * B_f^{r-1}
                        den = _knot(grid, i, f + r, M) - _knot(grid, i, f, M)
                        if den != 0.0:
                            lin = tj - _knot(grid, i, f, M)
                            for a in range(k + 1):
                                term = lin * P[m - 1, a]
                                if a >= 1:
                                    term += P[m - 1, a - 1]
                                Q[m, a] += term / den
                    if m <= r - 1:  # (t_{f+r+1} - x) / (t_{f+r+1} - t_{f+1}) * B_{f+1}^{r-1}
                        den = _knot(grid, i, f + r + 1, M) - _knot(grid, i, f + 1, M)
                        if den != 0.0:
                            lin = _knot(grid, i, f + r + 1, M) - tj
                            for a in range(k + 1):
                                term = lin * P[m, a]
                                if a >= 1:
                                    term -= P[m, a - 1]
                                Q[m, a] += term / den
                P[:, :] = Q
            for a in range(k + 1):
                for m in range(k + 1):
                    A[i, j, a, m] = P[m, a]
    return A


@numba.njit(cache=True, inline="always")
def _knot(grid, i, idx, M):  # type: ignore[no-untyped-def]
    if idx < 0:
        idx = 0
    if idx > M - 1:
        idx = M - 1
    return np.float64(grid[i, idx])


@numba.njit(cache=True, error_model="numpy")
def _edge_polys(A, coef, i, k):  # type: ignore[no-untyped-def]
    """``P[o, j, a]``: edge ``(i, o)``'s spline on interval ``j`` as ``sum_a P u^a``."""
    J = A.shape[1]
    out_dim, n_coef = coef.shape[1], coef.shape[2]
    P = np.zeros((out_dim, J, k + 1))
    for o in range(out_dim):
        for j in range(J):
            for m in range(k + 1):
                c = j - k + m
                if c >= 0 and c < n_coef:
                    w = np.float64(coef[i, o, c])
                    for a in range(k + 1):
                        P[o, j, a] += A[i, j, a, m] * w
    return P


@numba.njit(cache=True, inline="always")
def _interval(g, xv, M):  # type: ignore[no-untyped-def]
    """pykan's interval of ``xv`` (``searchsorted(right=True) - 1``), -1 when outside ``[t_0, t_{M-1})``.

    The knots at or below ``xv`` are counted, without branches (a grid has a few dozen knots).
    """
    count = 0
    for m in range(M):
        count += g[m] <= xv
    j = count - 1
    return j if j <= M - 2 else -1


@numba.njit(cache=True, error_model="numpy")
def _forward(x, grid, coef, sb, ssp, mask, k, A, y, nodes, mean, std, where, sigmoid, x_mean, x_std):  # type: ignore[no-untyped-def]
    in_dim, N = x.shape
    out_dim = coef.shape[1]
    M = grid.shape[1]
    total = np.zeros((out_dim, N))
    for i in range(in_dim):
        s = 0.0
        for n in range(N):
            s += np.float64(x[i, n])
        mu = s / N
        sq = 0.0
        for n in range(N):
            d = np.float64(x[i, n]) - mu
            sq += d * d
        x_mean[i] = mu
        x_std[i] = np.sqrt(sq / (N - 1))
        g = grid[i]
        P = _edge_polys(A, coef, i, k)
        for n in range(N):
            xv = np.float64(x[i, n])
            j = _interval(g, x[i, n], M)
            where[i, n] = j
            sig = 1.0 / (1.0 + np.float64(np.exp(-x[i, n])))  # exp in the input's precision
            sigmoid[i, n] = sig
            base = xv * sig
            u = xv - np.float64(g[j]) if j >= 0 else 0.0
            for o in range(out_dim):
                spline = 0.0
                if j >= 0:
                    for a in range(k, -1, -1):
                        spline = spline * u + P[o, j, a]
                v = np.float64(mask[i, o]) * (np.float64(sb[i, o]) * base + np.float64(ssp[i, o]) * spline)
                y[o, i, n] = v
                total[o, n] += v
    for o in range(out_dim):
        for n in range(N):
            nodes[o, n] = total[o, n]
        for i in range(in_dim):
            s = 0.0
            for n in range(N):
                s += np.float64(y[o, i, n])
            mu = s / N
            sq = 0.0
            for n in range(N):
                d = np.float64(y[o, i, n]) - mu
                sq += d * d
            mean[o, i] = mu
            std[o, i] = np.sqrt(sq / (N - 1))


@numba.njit(cache=True, error_model="numpy")
def _backward(  # type: ignore[no-untyped-def]
    x,
    grid,
    coef,
    sb,
    ssp,
    mask,
    k,
    A,
    y,
    mean,
    std,
    where,
    sigmoid,
    x_mean,
    x_std,
    g_nodes,
    g_std,
    g_x_std,
    g_x,
    g_coef,
    g_sb,
    g_ssp,
):
    in_dim, N = x.shape
    out_dim, n_coef = coef.shape[1], coef.shape[2]
    J = A.shape[1]
    spread = np.zeros((out_dim, in_dim))  # d std / d y = (y - mean) / ((N - 1) std)
    for o in range(out_dim):
        for i in range(in_dim):
            if g_std[o, i] != 0:  # an unused spread adds nothing, even where it is 0 (a masked edge)
                spread[o, i] = np.float64(g_std[o, i]) / ((N - 1) * std[o, i])
    for i in range(in_dim):
        g = grid[i]
        input_spread = np.float64(g_x_std[i]) / ((N - 1) * x_std[i]) if g_x_std[i] != 0 else 0.0
        P = _edge_polys(A, coef, i, k)
        gP = np.zeros((out_dim, J, k + 1))
        acc_sb = np.zeros(out_dim)
        acc_ssp = np.zeros(out_dim)
        for n in range(N):
            xv = np.float64(x[i, n])
            j = where[i, n]
            sig = sigmoid[i, n]
            base = xv * sig
            base_slope = sig * (1.0 + xv * (1.0 - sig))
            u = xv - np.float64(g[j]) if j >= 0 else 0.0
            gx = 0.0
            for o in range(out_dim):
                gv = np.float64(g_nodes[o, n])
                gv += spread[o, i] * (np.float64(y[o, i, n]) - mean[o, i])
                gm = gv * np.float64(mask[i, o])
                if gm == 0.0:
                    continue
                spline = 0.0
                slope = 0.0
                if j >= 0:
                    for a in range(k, -1, -1):
                        slope = slope * u + spline
                        spline = spline * u + P[o, j, a]
                    w = gm * np.float64(ssp[i, o])
                    power = 1.0
                    for a in range(k + 1):
                        gP[o, j, a] += w * power
                        power *= u
                acc_sb[o] += gm * base
                acc_ssp[o] += gm * spline
                gx += gm * (np.float64(sb[i, o]) * base_slope + np.float64(ssp[i, o]) * slope)
            g_x[i, n] = gx + input_spread * (xv - x_mean[i])
        for o in range(out_dim):
            g_sb[i, o] = acc_sb[o]
            g_ssp[i, o] = acc_ssp[o]
            for c in range(n_coef):
                total = 0.0
                for m in range(k + 1):
                    j = c + k - m
                    if j >= 0 and j < J:
                        for a in range(k + 1):
                            total += A[i, j, a, m] * gP[o, j, a]
                g_coef[i, o, c] = total


@numba.njit(cache=True, error_model="numpy")
def _basis_values(x, grid, k, A, out):  # type: ignore[no-untyped-def]
    in_dim, N = x.shape
    M = grid.shape[1]
    n_funcs = out.shape[2]
    for i in range(in_dim):
        for n in range(N):
            for f in range(n_funcs):
                out[i, n, f] = 0.0
            j = _interval(grid[i], x[i, n], M)
            if j < 0:
                continue
            u = np.float64(x[i, n]) - np.float64(grid[i, j])
            for m in range(k + 1):
                f = j - k + m
                if f >= 0 and f < n_funcs:
                    value = 0.0
                    for a in range(k, -1, -1):
                        value = value * u + A[i, j, a, m]
                    out[i, n, f] = value


def basis(x: np.ndarray, grid: np.ndarray, k: int) -> np.ndarray:
    """Every basis function at ``x`` (in_dim, N) on ``grid`` (in_dim, M): shape (in_dim, N, M - k - 1), float64."""
    out = np.empty((x.shape[0], x.shape[1], grid.shape[1] - k - 1))
    _basis_values(x, grid, k, _interval_polys(grid, k), out)
    return out


class _Layer(torch.autograd.Function):
    """``(x, coef, scale_base, scale_sp) -> (node sums (out, N), edge std (out, in), input std (in,))``.

    The grid, the mask and ``k`` are constants; the standard deviations are over the points,
    with Bessel's correction, as ``torch.std``.
    """

    @staticmethod
    def forward(
        ctx: Any,
        x: torch.Tensor,
        coef: torch.Tensor,
        scale_base: torch.Tensor,
        scale_sp: torch.Tensor,
        grid: torch.Tensor,
        mask: torch.Tensor,
        k: int,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if x.dtype != coef.dtype:
            raise TypeError(f"The layer's input is {x.dtype} but its coefficients are {coef.dtype}.")
        xs, c, sb, ssp, g, mk = (t.detach().contiguous().numpy() for t in (x, coef, scale_base, scale_sp, grid, mask))
        out_dim = c.shape[1]
        in_dim, N = xs.shape
        y = np.empty((out_dim, in_dim, N), dtype=c.dtype)
        nodes = np.empty((out_dim, N), dtype=c.dtype)
        mean = np.empty((out_dim, in_dim))
        std = np.empty((out_dim, in_dim))
        where = np.empty((in_dim, N), dtype=np.int64)
        A = _interval_polys(g, k)
        sigmoid = np.empty((in_dim, N))
        x_mean, x_std = np.empty(in_dim), np.empty(in_dim)
        _forward(xs, g, c, sb, ssp, mk, k, A, y, nodes, mean, std, where, sigmoid, x_mean, x_std)
        ctx.k = k
        ctx.arrays = (xs, g, c, sb, ssp, mk, A, y, mean, std, where, sigmoid, x_mean, x_std)
        return torch.from_numpy(nodes), torch.from_numpy(std.astype(c.dtype)), torch.from_numpy(x_std.astype(c.dtype))

    @staticmethod
    def backward(
        ctx: Any, g_nodes: torch.Tensor | None, g_std: torch.Tensor | None, g_x_std: torch.Tensor | None
    ) -> tuple[Any, ...]:
        xs, g, c, sb, ssp, mk, A, y, mean, std, where, sigmoid, x_mean, x_std = ctx.arrays
        out_dim, (in_dim, N) = c.shape[1], xs.shape
        gn = g_nodes.contiguous().numpy() if g_nodes is not None else np.zeros((out_dim, N), c.dtype)
        gs = g_std.contiguous().numpy() if g_std is not None else np.zeros((out_dim, in_dim), c.dtype)
        gxs = g_x_std.contiguous().numpy() if g_x_std is not None else np.zeros(in_dim, c.dtype)
        g_x, g_coef, g_sb, g_ssp = np.empty_like(xs), np.empty_like(c), np.empty_like(sb), np.empty_like(ssp)
        _backward(
            xs,
            g,
            c,
            sb,
            ssp,
            mk,
            ctx.k,
            A,
            y,
            mean,
            std,
            where,
            sigmoid,
            x_mean,
            x_std,
            gn,
            gs,
            gxs,
            g_x,
            g_coef,
            g_sb,
            g_ssp,
        )
        grads = [torch.from_numpy(a) for a in (g_x, g_coef, g_sb, g_ssp)]
        return (
            *(t if need else None for t, need in zip(grads, ctx.needs_input_grad[:4], strict=True)),
            None,
            None,
            None,
        )


def layer(layer: Any, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One pykan ``KANLayer`` at ``x`` (in_dim, N): node sums (out_dim, N), edge and input spreads.

    The node sums are ``sum_i y[o, i]`` of the masked edge activations ``y`` of
    the layer (pykan's ``KANLayer.forward``); the spreads are ``torch.std(y, dim=2)`` and
    ``torch.std(x, dim=1)``.
    """
    out: tuple[torch.Tensor, torch.Tensor, torch.Tensor] = _Layer.apply(  # type: ignore[no-untyped-call]
        x, layer.coef, layer.scale_base, layer.scale_sp, layer.grid, layer.mask, layer.k
    )
    return out


def compile_kernels() -> None:
    """Compile (or load from numba's on-disk cache) every kernel for float32 and float64.

    The first call in a process on a new machine compiles for some seconds; a job runner calls
    this before its first job so that the time does not count as the job's.
    """
    k, in_dim, out_dim, N = 3, 2, 2, 4
    for dtype in (torch.float32, torch.float64):
        grid = torch.linspace(-2.0, 2.0, 5 + 2 * k + 1, dtype=dtype).repeat(in_dim, 1)
        x = torch.linspace(-1.0, 1.0, in_dim * N, dtype=dtype).reshape(in_dim, N).requires_grad_()
        coef = torch.ones(in_dim, out_dim, 5 + k, dtype=dtype, requires_grad=True)
        ones = torch.ones(in_dim, out_dim, dtype=dtype)
        nodes, std, x_std = _Layer.apply(x, coef, ones, ones, grid, ones, k)  # type: ignore[no-untyped-call]
        (nodes.sum() + std.sum() + x_std.sum()).backward()
        basis(x.detach().numpy(), grid.numpy(), k)
