"""The browser-side code against the Python library: assets/js/ggmm.js and packing.js run in
headless Chromium (Playwright, ``page.evaluate``) on the same inputs as ggmm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ggmm_build.figures import formula_html, formula_latex
from ggmm_build.figures.ground_truth import marginal_mixture
from scipy import stats
from scipy.special import gammaln

from ggmm import GeneralizedGaussianMixture, get_preset
from ggmm.packing import pack, unpack

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]

MIXTURES: dict[str, GeneralizedGaussianMixture] = {
    "original p=2": get_preset("original").mixture,
    "laplace p=1": get_preset("laplace").mixture,
    "flat p=4": get_preset("flat").mixture,
    "heavy p=0.5": GeneralizedGaussianMixture([[-1.0, 0.5], [1.5, -0.5]], [[0.4, 0.7], [0.9, 0.3]], [0.35, 0.65],
                                              p=0.5),
    "trivariate p=1.5": get_preset("trivariate").mixture,
    "1-D, p per component": GeneralizedGaussianMixture([[-1.0], [2.0], [0.3]], [[0.5], [1.2], [0.2]],
                                                       [0.2, 0.5, 0.3], p=[0.7, 3.0, 2.0]),
}


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>")
    for name in ("packing.js", "ggmm.js"):
        page.add_script_tag(path=str(ROOT / "assets" / "js" / name))
    yield page
    page.close()


def _points(m: GeneralizedGaussianMixture, n: int = 400) -> np.ndarray:
    """Samples plus points far in the tails and exactly on the centers."""
    X, _ = m.sample(n, seed=3)
    rng = np.random.default_rng(4)
    far = rng.uniform(-9, 9, size=(50, m.n_features))
    return np.concatenate([X, far, m.centers])


@pytest.mark.parametrize("name", list(MIXTURES))
def test_density_agrees_with_python(page: Any, name: str) -> None:
    m = MIXTURES[name]
    X = _points(m)
    js = page.evaluate("([m, X]) => [Array.from(GGMM.pdf(m, X)), Array.from(GGMM.logpdf(m, X))]",
                       [m.to_dict(), X.tolist()])
    pdf, logpdf = np.array(js[0]), np.array(js[1])
    assert np.allclose(pdf, m.pdf(X), rtol=1e-6, atol=1e-12)
    assert np.max(np.abs(pdf - m.pdf(X))) < 1e-6
    assert np.max(np.abs(logpdf - m.logpdf(X))) < 1e-6


@pytest.mark.parametrize("name", list(MIXTURES))
def test_posterior_agrees_with_python(page: Any, name: str) -> None:
    m = MIXTURES[name]
    X = _points(m, 100)
    js = np.array(page.evaluate("([m, X]) => GGMM.posterior(m, X).map(r => Array.from(r))",
                                [m.to_dict(), X.tolist()]))
    assert np.allclose(js, m.posterior(X), atol=1e-9)


@pytest.mark.parametrize("name", ["original p=2", "trivariate p=1.5"])
def test_grid_is_the_x1_x2_density(page: Any, name: str) -> None:
    m = MIXTURES[name]
    two = marginal_mixture(m) if m.n_features > 2 else m
    g = two.grid([[-3.0, 3.0], [-2.5, 3.5]], (31, 27))
    z = np.array(page.evaluate("([m, xs, ys]) => GGMM.grid(m, xs, ys)",
                               [m.to_dict(), g.axes[0].tolist(), g.axes[1].tolist()]))
    assert z.shape == (27, 31)
    assert np.allclose(z, g.z, rtol=1e-9, atol=1e-15)


def test_lgamma(page: Any) -> None:
    x = np.concatenate([np.linspace(0.05, 1, 40), np.linspace(1, 30, 60)])
    js = np.array(page.evaluate("xs => xs.map(GGMM.lgamma)", x.tolist()))
    assert np.allclose(js, gammaln(x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 4.0])
def test_sampler_draws_the_generalized_gaussian(page: Any, p: float) -> None:
    """|x - c| / alpha = G^(1/p), G ~ Gamma(1/p, 1), random sign: the KS test accepts gennorm(p)."""
    c, alpha, n = 0.7, 1.3, 6000
    mixture = {"centers": [[c]], "scales": [[alpha]], "weights": [1.0], "p": p}
    x = np.array(page.evaluate("([m, n]) => GGMM.sample(m, n, 12345).x.map(r => r[0])", [mixture, n]))
    assert stats.kstest(x, stats.gennorm(p, loc=c, scale=alpha).cdf).pvalue > 1e-3
    outside = np.mean(np.abs(x - c) > alpha)  # the original sampler never left [c - alpha, c + alpha]
    expected = 2 * stats.gennorm.sf(1.0, p)
    assert outside == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / n))


def test_sampler_labels_follow_the_weights_and_are_seeded(page: Any) -> None:
    m = MIXTURES["1-D, p per component"]
    n = 6000
    labels = np.array(page.evaluate("([m, n]) => GGMM.sample(m, n, 7).labels", [m.to_dict(), n]))
    counts = np.bincount(labels, minlength=m.n_components)
    assert stats.chisquare(counts, m.weights * n).pvalue > 1e-3
    same = page.evaluate("m => JSON.stringify(GGMM.sample(m, 50, 3)) === JSON.stringify(GGMM.sample(m, 50, 3))",
                         m.to_dict())
    other = page.evaluate("m => JSON.stringify(GGMM.sample(m, 50, 3)) === JSON.stringify(GGMM.sample(m, 50, 4))",
                          m.to_dict())
    assert same and not other


@pytest.mark.parametrize("shape", [0.25, 0.5, 1.0, 2.5])
def test_gamma_sampler_moments(page: Any, shape: float) -> None:
    g = np.array(page.evaluate("a => { const r = GGMM.mulberry32(99); return Array.from({length: 40000}, "
                               "() => GGMM.gamma(r, a)); }", shape))
    assert np.all(g >= 0)
    assert stats.kstest(g, stats.gamma(shape).cdf).pvalue > 1e-3


@pytest.mark.parametrize("name", list(MIXTURES))
def test_formula_matches_python(page: Any, name: str) -> None:
    m = MIXTURES[name].to_dict()
    latex, html = page.evaluate("m => [GGMM.formulaLatex(m), GGMM.formulaHtml(m)]", m)
    assert latex == formula_latex(m)
    assert html == formula_html(m)


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_packing_decodes_like_numpy(page: Any, dtype: str) -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(0, 3, 200), [0.0, -0.0, 1e-7, -3e-6, 6.1e-5, 65504.0, -1.5, 2.0 ** -24]])
    arr = values.reshape(26, 8)
    packed = pack(arr, dtype)
    js = page.evaluate("p => { const a = GGMMPacking.unpack(p); return [a.shape, Array.from(a.data)]; }", packed)
    assert js[0] == [26, 8]
    assert np.array_equal(np.array(js[1], dtype=np.float32), unpack(packed).astype(np.float32).ravel())
    rows = page.evaluate("p => GGMMPacking.rows(GGMMPacking.unpack(p))", packed)
    assert np.array_equal(np.array(rows, dtype=np.float32), unpack(packed).astype(np.float32))


# ---------------------------------------------------------------------------
# The training viewer's network view and the loader agree with the Python side
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def widget_page(browser: Any) -> Iterator[Any]:
    """A blank page with the viewer's scripts and the loader (no containers, so nothing is built)."""
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>")
    for name in ("widget-common.js", "packing.js", "training-viewer.js", "loader.js"):
        page.add_script_tag(path=str(ROOT / "assets" / "js" / name))
    yield page
    page.close()


@pytest.mark.parametrize("layers", [[2, 5, 1], [2, 3, 3, 1], [3, 1], [1, 4, 2], [2, 8, 3, 1]])
def test_network_layout_matches_python(widget_page: Any, layers: list[int]) -> None:
    """assets/js/training-viewer.js draws the network with the node and box positions of
    ggmm_build.figures.network.network_layout (edges listed in the snapshot's order)."""
    from ggmm_build.figures.network import network_layout

    edges = [{"layer": lay, "in": i, "out": j}
             for lay in range(len(layers) - 1) for i in range(layers[lay]) for j in range(layers[lay + 1])]
    js = widget_page.evaluate("([l, e]) => GGMMTrainingViewer.networkLayout(l, e)", [layers, edges])
    py = network_layout(layers, edges)
    assert np.allclose(np.array(js["boxes"]), py.boxes, atol=1e-12)
    assert len(js["nodes"]) == len(py.nodes)
    for js_nodes, py_nodes in zip(js["nodes"], py.nodes, strict=True):
        assert np.allclose(np.array(js_nodes), py_nodes, atol=1e-12)


def test_loader_chooses_the_bundle_the_build_keeps(widget_page: Any) -> None:
    """The bundle a page loads (assets/js/loader.js) is the one build/site/output.py keeps for it."""
    from itertools import combinations

    from ggmm_build.site.output import page_bundle

    names = ["basic", "cartesian", "gl3d", "full"]
    for k in range(len(names) + 1):
        for subset in combinations(names, k):
            js = widget_page.evaluate("n => GGMMLoader.bundleFor(n)", list(subset))
            assert js == page_bundle(subset), subset
