"""The MLP regressor's whole objective in one compiled call: forward, loss and gradient.

A ``[D, *hidden, 1]`` perceptron with ``tanh``, ``silu`` or ``relu`` hidden units, on a few
thousand points, costs torch more in per-operation overhead and in its element-wise
``tanh`` than in its matrix products. Here one numba call takes the flat parameter vector
(torch's ``Linear`` order: each layer's ``(out, in)`` weight, then its bias) and the step's
points stored feature-major ``(D, N)``, and returns the objective of
:class:`~ggmm.estimators._regression.RegressionProblem`, the mean squared error and the
gradient with respect to every parameter. The matrix products go to BLAS (``np.dot``);
the element-wise work is loops over points, vectorized by the compiler.

``tanh`` is a rational approximation accurate to a few float32 units in the last place
(the one Eigen uses for float): the library's ``tanh`` is a scalar call the compiler cannot
vectorize. ``silu(z) = z * sigmoid(z)`` with ``sigmoid(z) = (1 + tanh(z / 2)) / 2``. The
arithmetic is float32 as in torch (a float64 accumulator would halve the vector width); the
loss's two sums accumulate in float64.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["ACTIVATIONS", "compile_kernels", "objective", "predict", "tanh"]

#: The hidden units the kernel computes, by the code it takes.
ACTIVATIONS = {"tanh": 0, "silu": 1, "relu": 2}

_FLAGS = {"contract", "reassoc", "nsz"}  # no assumption of finite values: a diverged loss stays NaN
_CLIP = np.float32(7.90531110763549805)  # beyond it the approximation rounds to +-1
_ONE, _HALF = np.float32(1.0), np.float32(0.5)


@numba.njit(cache=True, inline="always", fastmath=_FLAGS, error_model="numpy")
def _tanh(x):  # type: ignore[no-untyped-def]
    x = _CLIP if x > _CLIP else x
    x = -_CLIP if x < -_CLIP else x
    x2 = x * x
    p = np.float32(-2.76076847742355e-16)
    p = x2 * p + np.float32(2.00018790482477e-13)
    p = x2 * p + np.float32(-8.60467152213735e-11)
    p = x2 * p + np.float32(5.12229709037114e-08)
    p = x2 * p + np.float32(1.48572235717979e-05)
    p = x2 * p + np.float32(6.37261928875436e-04)
    p = x2 * p + np.float32(4.89352455891786e-03)
    q = np.float32(1.19825839466702e-06)
    q = x2 * q + np.float32(1.18534705686654e-04)
    q = x2 * q + np.float32(2.26843463243900e-03)
    q = x2 * q + np.float32(4.89352518554385e-03)
    return x * p / q


@numba.njit(cache=True, fastmath=_FLAGS, error_model="numpy")
def tanh(x):  # type: ignore[no-untyped-def]
    """The kernel's ``tanh`` of a float32 array (for tests and comparisons)."""
    out = np.empty_like(x)
    flat, dst = x.ravel(), out.ravel()
    for n in range(flat.size):
        dst[n] = _tanh(flat[n])
    return out


@numba.njit(cache=True, fastmath=_FLAGS, error_model="numpy")
def _activate(z, b, act, a):  # type: ignore[no-untyped-def]
    """``z += b`` per row (the pre-activation, kept for silu's gradient) and ``a = act(z)``."""
    H, N = z.shape
    for j in range(H):
        bj, zr, ar = b[j], z[j], a[j]
        if act == 0:
            for n in range(N):
                ar[n] = _tanh(zr[n] + bj)
        elif act == 1:
            for n in range(N):
                v = zr[n] + bj
                zr[n] = v
                ar[n] = v * (_HALF + _HALF * _tanh(_HALF * v))
        else:
            for n in range(N):
                v = zr[n] + bj
                ar[n] = v if v > 0 else np.float32(0.0)


@numba.njit(cache=True, fastmath=_FLAGS, error_model="numpy")
def _through_activation(da, z, a, act):  # type: ignore[no-untyped-def]
    """``da`` (gradient at a layer's outputs) becomes the gradient at its pre-activations."""
    H, N = da.shape
    for j in range(H):
        dr, zr, ar = da[j], z[j], a[j]
        if act == 0:
            for n in range(N):
                dr[n] *= _ONE - ar[n] * ar[n]
        elif act == 1:
            for n in range(N):
                v = zr[n]
                s = _HALF + _HALF * _tanh(_HALF * v)
                dr[n] *= s * (_ONE + v * (_ONE - s))
        else:
            for n in range(N):
                if not ar[n] > 0:
                    dr[n] = 0.0


@numba.njit(cache=True, fastmath=_FLAGS, error_model="numpy")
def _forward(theta, sizes, act, xT):  # type: ignore[no-untyped-def]
    """The raw output (N,), each layer's pre-activations and outputs, each layer's first parameter."""
    L = len(sizes) - 1
    N = xT.shape[1]
    zs, acts = [xT], [xT]  # per hidden layer: pre-activations and outputs (index 0: the input)
    w0 = 0
    starts = np.empty(L, np.int64)
    for layer in range(L - 1):
        fin, fout = sizes[layer], sizes[layer + 1]
        starts[layer] = w0
        W = theta[w0 : w0 + fout * fin].reshape((fout, fin))
        z = np.dot(W, acts[layer])
        a = np.empty_like(z)  # not z itself: writing in place defeats the vectorizer's alias check
        _activate(z, theta[w0 + fout * fin : w0 + fout * fin + fout], act, a)
        zs.append(z)
        acts.append(a)
        w0 += fout * fin + fout
    starts[L - 1] = w0
    last = acts[L - 1]
    fin = sizes[L - 1]
    raw = np.empty(N, np.float32)
    bias = theta[w0 + fin]
    for n in range(N):
        raw[n] = bias
    for i in range(fin):
        w, src = theta[w0 + i], last[i]
        for n in range(N):
            raw[n] += w * src[n]
    return raw, zs, acts, starts


@numba.njit(cache=True, fastmath=_FLAGS, error_model="numpy")
def predict(theta, sizes, act, xT):  # type: ignore[no-untyped-def]
    """The network's raw output at ``xT`` (D, N), float32 (N,)."""
    return _forward(theta, sizes, act, xT)[0]


@numba.njit(cache=True, fastmath=_FLAGS, error_model="numpy")
def objective(theta, sizes, act, xT, p, lt, offset, scale, log_weight, cap, exp_out):  # type: ignore[no-untyped-def]
    """The regression objective at ``xT``, its mean squared error and its gradient.

    Parameters
    ----------
    theta : float32 array
        Every weight and bias, in torch's ``Linear`` order, layer by layer.
    sizes : int64 array
        ``[D, *hidden, 1]``.
    act : int
        The hidden units' code in :data:`ACTIVATIONS`.
    xT : float32 array (D, N), C-contiguous
        The points.
    p, lt : float32 arrays (N,)
        The target density and its floored logarithm.
    offset : float32
        Added to the output before the exponential.
    scale, log_weight : float
        The objective is ``mse / scale + log_weight * mean((max(raw + offset, min lt) - lt)^2)``.
    cap : float32
        Largest exponent of the exponential output.
    exp_out : bool
        The exponential output (else the density is the raw output and the log term is off).

    Returns
    -------
    objective, mse : float
    grad : float32 array like ``theta``
    """
    L = len(sizes) - 1
    N = xT.shape[1]
    raw, zs, acts, starts = _forward(theta, sizes, act, xT)
    last = acts[L - 1]
    fin = sizes[L - 1]
    w0 = starts[L - 1]

    # the loss and its gradient with respect to the raw output
    g = np.empty(N, np.float32)
    lmin = lt[0]
    for n in range(N):
        lmin = lt[n] if lt[n] < lmin else lmin
    use_log = exp_out and log_weight > 0
    k_mse = np.float32(2.0 / (N * scale))
    k_log = np.float32(2.0 * log_weight / N)
    sse = 0.0
    slog = 0.0
    for n in range(N):
        if exp_out:
            v = raw[n] + offset
            d = np.float32(math.exp(cap if v > cap else v))
            e = d - p[n]
            gn = k_mse * e * d if v <= cap else np.float32(0.0)
            if use_log:
                c = (lmin if v < lmin else v) - lt[n]
                slog += c * c
                if v >= lmin:
                    gn += k_log * c
        else:
            e = raw[n] - p[n]
            gn = k_mse * e
        sse += e * e
        g[n] = gn
    mse = sse / N
    value = mse / scale + (log_weight * slog / N if use_log else 0.0)

    # backward: the output layer, then each hidden layer from the last
    grad = np.empty(len(theta), np.float32)
    da = np.empty((fin, N), np.float32)
    total = np.float32(0.0)
    for n in range(N):
        total += g[n]
    grad[w0 + fin] = total
    for i in range(fin):
        w, src, dst = theta[w0 + i], last[i], da[i]
        s = np.float32(0.0)
        for n in range(N):
            s += g[n] * src[n]
            dst[n] = w * g[n]
        grad[w0 + i] = s
    for layer in range(L - 2, -1, -1):
        fin, fout = sizes[layer], sizes[layer + 1]
        wl = starts[layer]
        bl = wl + fout * fin
        _through_activation(da, zs[layer + 1], acts[layer + 1], act)
        grad[wl:bl] = np.dot(da, acts[layer].T).ravel()
        for j in range(fout):
            s = np.float32(0.0)
            row = da[j]
            for n in range(N):
                s += row[n]
            grad[bl + j] = s
        if layer > 0:
            da = np.dot(theta[wl:bl].reshape((fout, fin)).T, da)
    return value, mse, grad


def compile_kernels() -> None:
    """Compile (or load from numba's on-disk cache) the kernel, before a worker's first job."""
    sizes = np.array([2, 3, 3, 1], dtype=np.int64)
    theta = np.full(int(np.sum((sizes[:-1] + 1) * sizes[1:])), 0.1, np.float32)
    xT = np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(2, 4)
    p = np.ones(4, np.float32)
    for code in ACTIVATIONS.values():
        for exp_out in (True, False):
            objective(theta, sizes, code, xT, p, p, np.float32(0.0), 1.0, 0.1, np.float32(12.0), exp_out)
        predict(theta, sizes, code, xT)
    tanh(p)
