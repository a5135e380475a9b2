"""A Python port of the KAN playground page's seeded set-up.

The page's generator (:func:`mulberry32`) and sampler (:func:`sample`), its data for a task
(:func:`page_data`: split, domain box, extra domain points) and its initial network parameters
(:func:`initial_parameters`, kan.js's createKAN), as ``assets/js/playground/ggmm.js``,
``tasks.js`` and ``kan.js`` draw them: the same numbers for the same settings.
:mod:`.playground_training` trains the network from them with pykan;
tests/test_playground_experiments.py checks the port against the page's JavaScript.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["PageData", "initial_parameters", "mulberry32", "page_data", "sample"]


def mulberry32(seed: int):
    """The page's generator: floats in [0, 1) from a 32-bit seed."""
    state = seed & 0xFFFFFFFF

    def imul(a: int, b: int) -> int:
        return (a * b) & 0xFFFFFFFF

    def next_float() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        x = state
        x = imul(x ^ (x >> 15), x | 1)
        x ^= (x + imul(x ^ (x >> 7), x | 61)) & 0xFFFFFFFF
        return ((x ^ (x >> 14)) & 0xFFFFFFFF) / 4294967296.0

    return next_float


def _normal(rng) -> float:
    u, v = 1.0 - rng(), rng()
    return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v)


def _gamma(rng, shape: float) -> float:
    if shape < 1:
        return _gamma(rng, shape + 1) * math.pow(1.0 - rng(), 1.0 / shape)
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = _normal(rng)
        v = 1.0 + c * x
        if v <= 0:
            continue
        v = v * v * v
        u = 1.0 - rng()
        if u < 1 - 0.0331 * x * x * x * x:
            return d * v
        if math.log(u) < 0.5 * x * x + d * (1 - v + math.log(v)):
            return d * v


def sample(mixture: dict, n: int, seed: int) -> np.ndarray:
    """The page's samples, shape (n, 2)."""
    rng = mulberry32(seed)
    weights, ps = mixture["weights"], mixture["p"]
    total = float(sum(weights))
    out = np.empty((n, 2))
    for q in range(n):
        u, acc, k = rng() * total, 0.0, 0
        while k < len(weights) - 1:
            acc += weights[k]
            if u < acc:
                break
            k += 1
        for d in range(2):
            r = math.pow(_gamma(rng, 1.0 / ps[k]), 1.0 / ps[k])
            sign = -1.0 if rng() < 0.5 else 1.0
            out[q, d] = mixture["centers"][k][d] + sign * mixture["scales"][k][d] * r
    return out


def _js_round(x: float) -> int:
    return math.floor(x + 0.5)


@dataclass
class PageData:
    """What the page's session prepares for a task: unit coordinates and targets."""

    u_train: np.ndarray
    u_val: np.ndarray
    x_val: np.ndarray
    x_fit: np.ndarray
    box: np.ndarray
    log_volume: float
    y_fit: np.ndarray | None = None
    y_val: np.ndarray | None = None
    scale: float = 1.0
    # the density task's tail component (empty for regression)
    tail_center: np.ndarray = field(default_factory=lambda: np.zeros(0))
    tail_scale: np.ndarray = field(default_factory=lambda: np.zeros(0))
    eps: float = 0.0


def page_data(settings: dict) -> PageData:
    """The page's data for ``settings`` (keys as the page's session: mixture, samples, seed, task)."""
    from ggmm import GeneralizedGaussianMixture

    N, seed, task = settings["samples"], settings["seed"], settings["task"]
    x = sample(settings["mixture"], N, seed)
    rng = mulberry32(int(float(seed) * 2654435761.0 + 17.0) % 2**32)
    order = list(range(N))
    for a in range(N - 1, 0, -1):
        b = math.floor(rng() * (a + 1))
        order[a], order[b] = order[b], order[a]
    n_val = max(1, _js_round(0.2 * N))
    x_train, x_val = x[order[n_val:]], x[order[:n_val]]
    margin = 0.1 if task == "density" else 0.25
    lo, hi = x.min(axis=0), x.max(axis=0)
    width = np.maximum(hi - lo, 1e-9)
    box = np.stack([lo - margin * width, hi + margin * width], axis=1)
    center, half = box.mean(axis=1), (box[:, 1] - box[:, 0]) / 2
    to_unit = lambda v: (v - center) / half  # noqa: E731
    extra_rng = mulberry32((seed + 0x51ED) & 0xFFFFFFFF)
    n_extra = len(x_train) if task == "density" else _js_round(0.5 * len(x_train))
    extra = np.array([extra_rng() * 2 - 1 for _ in range(2 * n_extra)]).reshape(n_extra, 2)
    u_train = to_unit(x_train)
    data = PageData(
        u_train=u_train,
        u_val=to_unit(x_val),
        x_val=x_val,
        x_fit=np.vstack([u_train, extra]),
        box=box,
        log_volume=float(np.log(box[0, 1] - box[0, 0]) + np.log(box[1, 1] - box[1, 0])),
    )
    m = settings["mixture"]
    mixture = GeneralizedGaussianMixture(centers=m["centers"], scales=m["scales"], weights=m["weights"], p=m["p"])
    if task == "regression":
        data.y_fit = mixture.pdf(data.x_fit * half + center)
        data.y_val = mixture.pdf(x_val)
        data.scale = float(np.var(data.y_fit, ddof=1)) or 1.0
    else:
        data.tail_center = np.median(x, axis=0)
        data.tail_scale = np.maximum(np.mean(np.abs(x - data.tail_center), axis=0), 1e-6)
        data.eps = 4.0 / (N + 1)
    return data


def initial_parameters(width: list[int], grid: int, k: int, seed: int, noise_scale: float = 0.3) -> list[dict]:
    """The page's initial parameters (createKAN): per layer grid, coef, scale_base, scale_sp."""
    import torch
    from kan.spline import B_batch, extend_grid

    rng = mulberry32((seed ^ 0x2545F491) & 0xFFFFFFFF)
    layers = []
    for n_in, n_out in zip(width[:-1], width[1:], strict=True):
        knots = torch.tensor([[-1 + 2 * m / grid for m in range(grid + 1)]] * n_in, dtype=torch.float64)
        g = extend_grid(knots, k_extend=k)
        noise = np.array([(rng() - 0.5) * noise_scale / grid for _ in range((grid + 1) * n_in * n_out)])
        noise = noise.reshape(grid + 1, n_in, n_out)
        coef = np.zeros((n_in, n_out, grid + k))
        for i in range(n_in):
            A = B_batch(g[i, k:-k][:, None], g[i : i + 1], k=k)[:, 0, :].numpy()
            for j in range(n_out):
                coef[i, j] = np.linalg.lstsq(A, noise[:, i, j], rcond=None)[0]
        scale_base = np.array([(rng() * 2 - 1) / math.sqrt(n_in) for _ in range(n_in * n_out)]).reshape(n_in, n_out)
        layers.append(
            {
                "grid": g.numpy(),
                "coef": coef,
                "scale_base": scale_base,
                "scale_sp": np.full((n_in, n_out), 1 / math.sqrt(n_in)),
            }
        )
    return layers
