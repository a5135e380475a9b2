"""Every density estimator's logpdf is a normalized density on all of R^D.

Checked on data whose samples reach far out (p = 0.7 has heavier tails than Laplace; p = 4
has a sharp edge), so there are training points near the edge of any box drawn around them:
the integral over a box three times the samples' range is 1 within 1e-3, no point is
clipped onto a box (the density keeps falling beyond it) and every training sample lies in
the region each estimator normalizes over.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ggmm import GeneralizedGaussianMixture
from ggmm.estimators import (
    EMEstimator,
    GaussianMixtureBaseline,
    KAMixtureKAN,
    KANDensityEstimator,
    KDEBaseline,
    data_box,
)


def mixture(p: float) -> GeneralizedGaussianMixture:
    return GeneralizedGaussianMixture([[-1.5, -1.0], [1.2, 1.0]], [[0.5, 0.4], [0.4, 0.6]], [0.45, 0.55], p=p)


def samples(p: float, n: int = 800, seed: int = 0) -> np.ndarray:
    return mixture(p).sample(n, seed=seed)[0]


def triple_box(X: np.ndarray) -> np.ndarray:
    """The box centred on the samples' range, three times as wide on every axis."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    mid, width = (lo + hi) / 2, hi - lo
    return np.stack([mid - 1.5 * width, mid + 1.5 * width], axis=1)


def axis_rule(lo: float, hi: float, inner: tuple[float, float], cusps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Composite 5-point Gauss-Legendre nodes and weights on [lo, hi].

    Panels: 120 across the samples' range ``inner``, 40 on each side of it, and panels graded
    geometrically (down to 2^-14 of the range) on both sides of every cusp, where a density
    with p < 1 is not smooth; a panel then never straddles a cusp.
    """
    width = inner[1] - inner[0]
    breaks = [np.linspace(lo, inner[0], 41), np.linspace(*inner, 121), np.linspace(inner[1], hi, 41)]
    for c in cusps:
        breaks.append(c + np.concatenate([[0.0], width * 2.0 ** -np.arange(1, 15), -width * 2.0 ** -np.arange(1, 15)]))
    edges = np.unique(np.clip(np.concatenate(breaks), lo, hi))
    g, w = np.polynomial.legendre.leggauss(5)
    mid, half = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
    return (mid[:, None] + half[:, None] * g).ravel(), (half[:, None] * w).ravel()


def integral(logpdf, box: np.ndarray, inner: np.ndarray, cusps: np.ndarray) -> float:
    """The integral of exp(logpdf) over ``box`` by a tensor-product rule (see :func:`axis_rule`)."""
    (x, wx), (y, wy) = (axis_rule(*box[d], inner[d], cusps[:, d]) for d in range(2))
    total = 0.0
    for i in range(0, len(x), 200):  # in slabs, to keep memory small
        X = np.stack(np.meshgrid(x[i : i + 200], y, indexing="ij"), axis=-1).reshape(-1, 2)
        total += float((np.exp(logpdf(X)).reshape(-1, len(y)) * wx[i : i + 200, None] * wy[None, :]).sum())
    return total


def estimator_integral(est, X: np.ndarray) -> float:
    cusps = est.mixture_.centers if isinstance(est, EMEstimator) else np.zeros((0, 2))
    inner = np.stack([X.min(axis=0), X.max(axis=0)], axis=1)
    return integral(est.logpdf, triple_box(X), inner, cusps)


@pytest.mark.parametrize("p", [0.7, 1.0, 4.0])
def test_the_check_quadrature_is_exact_enough_on_the_truth(p: float) -> None:
    truth, X = mixture(p), samples(p)
    box = triple_box(X)
    cdf = [
        [stats.gennorm(p, loc=truth.centers[k, d], scale=truth.scales[k, d]).cdf for d in range(2)] for k in range(2)
    ]
    exact = sum(
        w * np.prod([cdf[k][d](box[d, 1]) - cdf[k][d](box[d, 0]) for d in range(2)])
        for k, w in enumerate(truth.weights)
    )
    inner = np.stack([X.min(axis=0), X.max(axis=0)], axis=1)
    assert abs(integral(truth.logpdf, box, inner, truth.centers) - exact) < 1e-5


FAST = {
    "ka-kan": lambda: KAMixtureKAN(n_components=2, steps=120, grid=16),
    "kan-density": lambda: KANDensityEstimator(steps=120, grid=8, quad_points=32),
    "em": lambda: EMEstimator(2),
    "gmm": lambda: GaussianMixtureBaseline(2),
    "kde": lambda: KDEBaseline(),
}


CASES = [(name, p) for name in ("ka-kan", "kan-density") for p in (0.7, 1.0, 4.0)]
CASES += [(name, 0.7) for name in ("em", "gmm", "kde")]  # normalized by construction: one heavy-tailed check


@pytest.mark.parametrize(("name", "p"), CASES)
def test_integrates_to_one_over_three_times_the_data_range(name: str, p: float) -> None:
    X = samples(p)
    est = FAST[name]().fit(X, seed=0)
    assert abs(estimator_integral(est, X) - 1.0) < 1e-3


@pytest.mark.parametrize("p", [0.7, 4.0])
@pytest.mark.parametrize("name", ["ka-kan", "kan-density"])
def test_no_clipping_the_density_decays_beyond_the_fitted_region(name: str, p: float) -> None:
    X = samples(p)
    est = FAST[name]().fit(X, seed=0)
    box = est.domain_
    assert np.all(X > box[:, 0]) and np.all(X < box[:, 1])  # no training point outside the normalized box
    width = box[:, 1] - box[:, 0]
    for axis in (0, 1):
        for side, sign in ((1, 1.0), (0, -1.0)):
            # walk outwards from the box edge along one axis, through the middle of the other
            t = box[axis, side] + sign * width[axis] * np.array([0.0, 0.05, 0.25, 1.0, 3.0])
            points = np.tile(X.mean(axis=0), (len(t), 1))
            points[:, axis] = t
            log_q = est.logpdf(points)
            assert np.all(np.isfinite(log_q))
            assert np.all(np.diff(log_q) < 0), (axis, side, log_q)  # a clipped density would stay flat
            assert log_q[-1] < log_q[0] - 2.0


def test_points_outside_the_box_are_not_given_the_boundary_density() -> None:
    X = samples(1.0)
    est = KAMixtureKAN(n_components=2, steps=80, grid=16).fit(X, seed=0)
    edge = np.array([[est.domain_[0, 1], X[:, 1].mean()]])
    far = edge + np.array([[5.0, 0.0]])
    assert est.logpdf(far)[0] < est.logpdf(edge)[0] - 2.0


def test_data_box_covers_the_samples_with_a_margin() -> None:
    X = samples(0.7)
    box = data_box(X, 0.1)
    width = X.max(axis=0) - X.min(axis=0)
    np.testing.assert_allclose(box[:, 0], X.min(axis=0) - 0.1 * width)
    np.testing.assert_allclose(box[:, 1], X.max(axis=0) + 0.1 * width)
    with pytest.raises(ValueError, match="margin"):
        data_box(X, -0.1)


def test_kde_bandwidth_is_chosen_by_cross_validation_and_beats_scotts_rule() -> None:
    from ggmm import get_preset

    truth = get_preset("original").mixture
    X, _ = truth.sample(2000, seed=3)
    X_test, _ = truth.sample(4000, seed=4)
    cv = KDEBaseline().fit(X, seed=0)
    scott = KDEBaseline(bandwidth="scott").fit(X, seed=0)
    assert cv.bandwidth_ < scott.bandwidth_  # Scott's rule oversmooths three separated blobs
    assert len(cv.cv_scores_) == 20 and scott.cv_scores_ is None
    d = cv.logpdf(X_test) - scott.logpdf(X_test)
    # paired on the same test points: the cross-validated KDE is better by many standard errors
    assert d.mean() > 5 * d.std(ddof=1) / np.sqrt(len(d))
