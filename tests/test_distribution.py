"""The generalized Gaussian mixture: density, validation, serialization, posterior."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import integrate, stats

from ggmm import PRESETS, GeneralizedGaussianMixture, get_preset

SHAPES = [0.5, 1.0, 2.0, 4.0, 8.0]


def one_d(p: float) -> GeneralizedGaussianMixture:
    return GeneralizedGaussianMixture([[-1.0], [1.5]], [[0.7], [0.4]], [0.45, 0.55], p=p)


@pytest.mark.parametrize("p", SHAPES)
def test_pdf_integrates_to_one_in_1d(p: float) -> None:
    m = one_d(p)
    f = lambda x: float(m.pdf([[x]])[0])  # noqa: E731
    # split at the centers, where the density has a kink for p <= 1
    total = sum(
        integrate.quad(f, a, b, limit=200, epsabs=1e-12)[0] for a, b in [(-np.inf, -1.0), (-1.0, 1.5), (1.5, np.inf)]
    )
    assert total == pytest.approx(1.0, abs=1e-7)


def graded_rule(lo: float, hi: float, kinks: list[float], n_panels: int = 20, order: int = 16):
    """Composite Gauss-Legendre nodes and weights on [lo, hi], panels graded geometrically
    towards each kink (the centers, where the density is not smooth for p <= 1)."""
    edges = {lo, hi}
    for c in kinks:
        for r in np.geomspace(1e-7, hi - lo, n_panels):
            edges.update(x for x in (c - r, c + r) if lo < x < hi)
    edges = np.array(sorted(edges))
    t, w = np.polynomial.legendre.leggauss(order)
    a, b = edges[:-1, None], edges[1:, None]
    return ((b - a) / 2 * t + (a + b) / 2).ravel(), ((b - a) / 2 * w).ravel()


@pytest.mark.parametrize("p", SHAPES)
def test_pdf_integrates_to_one_in_2d(p: float) -> None:
    m = GeneralizedGaussianMixture([[-1.0, 0.5], [1.0, -0.5]], [[0.6, 0.4], [0.5, 0.8]], [0.3, 0.7], p=p)
    # A tensor-product quadrature over a box holding all but 1e-12 of each component's mass.
    (x_lo, x_hi), (y_lo, y_hi) = m.default_bounds(mass=1 - 1e-12)
    xs, wx = graded_rule(x_lo, x_hi, [-1.0, 1.0])
    ys, wy = graded_rule(y_lo, y_hi, [0.5, -0.5])
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    density = m.pdf(np.stack([X.ravel(), Y.ravel()], axis=1)).reshape(X.shape)
    assert wx @ density @ wy == pytest.approx(1.0, abs=1e-6)


def test_special_cases_match_scipy() -> None:
    x = np.linspace(-6, 6, 101)[:, None]
    laplace = GeneralizedGaussianMixture([[0.3]], [[1.7]], [1.0], p=1.0)
    np.testing.assert_allclose(laplace.pdf(x), stats.laplace.pdf(x[:, 0], 0.3, 1.7), rtol=1e-12)
    sigma = 0.8
    gauss = GeneralizedGaussianMixture([[-0.2]], [[np.sqrt(2) * sigma]], [1.0], p=2.0)
    np.testing.assert_allclose(gauss.pdf(x), stats.norm.pdf(x[:, 0], -0.2, sigma), rtol=1e-12)
    for p in SHAPES:
        m = GeneralizedGaussianMixture([[0.0]], [[1.3]], [1.0], p=p)
        np.testing.assert_allclose(m.pdf(x), stats.gennorm.pdf(x[:, 0], p, scale=1.3), rtol=1e-12)


def test_product_of_dimensions() -> None:
    m = GeneralizedGaussianMixture([[0.0, 1.0]], [[1.0, 2.0]], [1.0], p=1.5)
    X = np.array([[0.3, -2.0], [1.0, 4.0]])
    expected = stats.gennorm.pdf(X[:, 0], 1.5, 0.0, 1.0) * stats.gennorm.pdf(X[:, 1], 1.5, 1.0, 2.0)
    np.testing.assert_allclose(m.pdf(X), expected, rtol=1e-12)


def test_far_tails_are_finite() -> None:
    m = get_preset("original").mixture
    X = np.array([[60.0, -60.0], [1e3, 1e3]])
    assert np.all(m.pdf(X) == 0.0)  # underflows...
    assert np.all(np.isfinite(m.logpdf(X)))  # ...but the log density stays finite
    post = m.posterior(X)
    assert np.all(np.isfinite(post))
    np.testing.assert_allclose(post.sum(axis=1), 1.0)


def test_posterior_rows_sum_to_one_and_agree_with_labels() -> None:
    m = get_preset("original").mixture
    X, labels = m.sample(3000, seed=3)
    post = m.posterior(X)
    assert post.shape == (3000, 3)
    np.testing.assert_allclose(post.sum(axis=1), 1.0, atol=1e-12)
    # components are > 10 scales apart: the posterior mode is the generating label
    assert np.mean(post.argmax(axis=1) == labels) == 1.0


def test_component_logpdf_shape_and_values() -> None:
    m = get_preset("trivariate").mixture
    X, _ = m.sample(10, seed=0)
    comp = m.component_logpdf(X)
    assert comp.shape == (10, 3)
    k = 1
    expected = sum(stats.gennorm.logpdf(X[:, d], m.shapes[k], m.centers[k, d], m.scales[k, d]) for d in range(3))
    np.testing.assert_allclose(comp[:, k], expected, rtol=1e-12)


def test_grid_matches_pdf_and_integrates() -> None:
    preset = get_preset("original")
    g = preset.mixture.grid(preset.bounds, resolution=(201, 151))
    assert g.density.shape == (201, 151) and g.z.shape == (151, 201)
    i, j = 37, 90
    point = [[g.axes[0][i], g.axes[1][j]]]
    assert g.density[i, j] == pytest.approx(preset.mixture.pdf(point)[0])
    assert g.density.sum() * g.cell_volume == pytest.approx(1.0, abs=2e-3)


def test_immutable() -> None:
    m = get_preset("original").mixture
    with pytest.raises(AttributeError):
        m.weights = np.ones(3) / 3  # type: ignore[misc]
    with pytest.raises(ValueError):
        m.centers[0, 0] = 5.0


def test_save_load_round_trip(tmp_path) -> None:
    for preset in PRESETS.values():
        path = tmp_path / f"{preset.name}.json"
        preset.mixture.save(path)
        again = GeneralizedGaussianMixture.load(path)
        assert again == preset.mixture
        np.testing.assert_array_equal(again.centers, preset.mixture.centers)
        assert json.loads(path.read_text()) == preset.mixture.to_dict()
    per_component = GeneralizedGaussianMixture([[0.1], [2.0 / 3.0]], [[0.3], [1e-3]], [0.25, 0.75], p=[1.1, 7.3])
    assert GeneralizedGaussianMixture.from_dict(per_component.to_dict()) == per_component
    assert isinstance(per_component.p, np.ndarray)


def test_same_seed_same_samples() -> None:
    m = get_preset("close").mixture
    X1, y1 = m.sample(500, seed=11)
    X2, y2 = m.sample(500, seed=11)
    X3, _ = m.sample(500, seed=12)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_n_parameters() -> None:
    assert get_preset("original").mixture.n_parameters == 2 * 3 * 2 + 2 + 1
    m = GeneralizedGaussianMixture([[0.0], [1.0]], [[1.0], [1.0]], [0.5, 0.5], p=[1.0, 2.0])
    assert m.n_parameters == 2 * 2 + 1 + 2


GOOD = dict(centers=[[0.0, 0.0], [1.0, 1.0]], scales=[[1.0, 1.0], [0.5, 0.5]], weights=[0.4, 0.6], p=2.0)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"centers": [0.0, 1.0]}, "'centers' should have 2 dimension"),
        ({"scales": [[1.0, 1.0]]}, "'scales' should have the shape of 'centers'"),
        ({"weights": [0.2, 0.3, 0.5]}, "'weights' should have shape (2,)"),
        ({"centers": [[0.0, np.nan], [1.0, 1.0]]}, "'centers' must be finite"),
        ({"scales": [[1.0, np.inf], [0.5, 0.5]]}, "'scales' must be finite"),
        ({"scales": [[1.0, 0.0], [0.5, 0.5]]}, "'scales' must be > 0"),
        ({"scales": [[1.0, -1.0], [0.5, 0.5]]}, "'scales' must be > 0"),
        ({"p": 0.0}, "'p' must be > 0"),
        ({"p": -1.0}, "'p' must be > 0"),
        ({"p": [1.0, 2.0, 3.0]}, "'p' should be a number or have shape (2,)"),
        ({"p": float("nan")}, "'p' must be finite"),
        ({"weights": [-0.1, 1.1]}, "'weights' must be non-negative"),
        ({"weights": [0.4, 0.5]}, "sum(weights) = 0.9000000"),
        ({"centers": np.zeros((0, 2)), "scales": np.zeros((0, 2)), "weights": []}, "must not be empty"),
        ({"centers": np.zeros((2, 0)), "scales": np.zeros((2, 0))}, "'centers' must not be empty"),
        ({"centers": "abc"}, "'centers' must be numeric"),
    ],
)
def test_validation(change: dict, message: str) -> None:
    with pytest.raises(ValueError) as err:
        GeneralizedGaussianMixture(**{**GOOD, **change})
    assert message in str(err.value)


def test_normalize_weights_is_explicit() -> None:
    m = GeneralizedGaussianMixture(GOOD["centers"], GOOD["scales"], [2.0, 3.0], normalize_weights=True)
    np.testing.assert_allclose(m.weights, [0.4, 0.6])
    with pytest.raises(ValueError, match="positive sum"):
        GeneralizedGaussianMixture(GOOD["centers"], GOOD["scales"], [0.0, 0.0], normalize_weights=True)


def test_evaluation_and_sampling_validation() -> None:
    m = GeneralizedGaussianMixture(**GOOD)
    with pytest.raises(ValueError, match="2 feature column"):
        m.pdf(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="finite"):
        m.logpdf([[np.nan, 0.0]])
    with pytest.raises(ValueError, match="'n' must be >= 1"):
        m.sample(0, seed=0)
    with pytest.raises(ValueError, match="'n' must be an integer"):
        m.sample(2.5, seed=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'bounds'"):
        m.grid([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="missing the key"):
        GeneralizedGaussianMixture.from_dict({"centers": [[0.0]]})
    with pytest.raises(ValueError, match="'name' must be one of"):
        get_preset("nope")


def test_pickle_round_trip() -> None:
    import pickle

    m = get_preset("trivariate").mixture
    assert pickle.loads(pickle.dumps(m)) == m
