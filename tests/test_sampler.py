"""The sampler draws from the density it claims: Kolmogorov-Smirnov tests per dimension.

Power: the original coursework drew |x - c| / alpha = |u| ** (1/p) with u ~ U(-1, 1), which
never leaves [c - alpha, c + alpha]. At p = 2 that misses P(|Z| > 1) = erfc(1) = 0.157 of the
mass of each component, so its Kolmogorov distance to the true CDF is at least ~0.05 for the
mixtures below. With n = 4000 the 0.1% critical value of the KS statistic is
1.95 / sqrt(4000) = 0.031, so the test rejects the bounded sampler with near certainty while a
correct sampler fails it with probability 0.001 per test (fixed seeds make each run deterministic).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ggmm import GeneralizedGaussianMixture, get_preset

N = 4000
ALPHA = 1e-3


def bounded_sampler(m: GeneralizedGaussianMixture, n: int, seed: int) -> np.ndarray:
    """The original's sampler, kept here only to show the test can tell it apart."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(m.n_components, size=n, p=m.weights)
    u = rng.uniform(-1, 1, size=(n, m.n_features))
    p = m.shapes[labels][:, None]
    return m.centers[labels] + m.scales[labels] * np.sign(u) * np.abs(u) ** (1 / p)


def ks_pvalues(m: GeneralizedGaussianMixture, X: np.ndarray) -> list[float]:
    return [stats.kstest(X[:, d], lambda x, d=d: m.marginal_cdf(x, d)).pvalue for d in range(m.n_features)]


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 4.0, 8.0])
def test_sampler_matches_marginals(p: float) -> None:
    m = GeneralizedGaussianMixture([[-1.0, 0.0], [1.0, 2.0]], [[0.6, 1.0], [0.4, 0.3]], [0.35, 0.65], p=p)
    X, _ = m.sample(N, seed=int(p * 10))
    assert min(ks_pvalues(m, X)) > ALPHA


@pytest.mark.parametrize("name", ["original", "laplace", "flat", "close", "trivariate"])
def test_sampler_matches_presets(name: str) -> None:
    m = get_preset(name).mixture
    X, _ = m.sample(N, seed=7)
    assert min(ks_pvalues(m, X)) > ALPHA


@pytest.mark.parametrize("p", [1.0, 2.0, 4.0])
def test_bounded_sampler_is_rejected(p: float) -> None:
    m = GeneralizedGaussianMixture([[-1.0, 0.0], [1.0, 2.0]], [[0.6, 1.0], [0.4, 0.3]], [0.35, 0.65], p=p)
    X = bounded_sampler(m, N, seed=1)
    assert max(ks_pvalues(m, X)) < ALPHA


def test_samples_leave_the_bounded_interval() -> None:
    m = GeneralizedGaussianMixture([[0.0]], [[1.0]], [1.0], p=2.0)
    X, _ = m.sample(N, seed=0)
    outside = np.mean(np.abs(X) > 1.0)
    expected = 0.157299  # erfc(1)
    assert abs(outside - expected) < 4 * np.sqrt(expected * (1 - expected) / N)


def test_labels_follow_weights() -> None:
    m = get_preset("original").mixture
    _, labels = m.sample(N, seed=5)
    counts = np.bincount(labels, minlength=3)
    assert stats.chisquare(counts, m.weights * N).pvalue > ALPHA
