"""The widgets' JavaScript (assets/js/*.js, ES modules) against the Python library, under Node.

Python writes what ``ggmm`` computes (densities, posteriors, marginal grids, log Gamma, formulas,
packed arrays, the network layout, the playground's samples, the bundle choice, the real snapshots'
steps) into a temporary folder; the Node tests in ``tests/js/widgets_*.test.js`` load the same
inputs into the widgets' modules and must agree. The explorer's sampler is the playground's
(``assets/js/playground/ggmm.js``), checked statistically in tests/test_playground_math.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ggmm_build.figures import formula_html, formula_latex
from ggmm_build.figures.ground_truth import marginal_mixture
from ggmm_build.figures.network import network_layout
from scipy.special import gammaln

from ggmm import GeneralizedGaussianMixture, get_preset
from ggmm.packing import pack, unpack

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the JavaScript maths cannot run")

MIXTURES: dict[str, GeneralizedGaussianMixture] = {
    "original p=2": get_preset("original").mixture,
    "laplace p=1": get_preset("laplace").mixture,
    "flat p=4": get_preset("flat").mixture,
    "heavy p=0.5": GeneralizedGaussianMixture(
        [[-1.0, 0.5], [1.5, -0.5]], [[0.4, 0.7], [0.9, 0.3]], [0.35, 0.65], p=0.5
    ),
    "trivariate p=1.5": get_preset("trivariate").mixture,
    "1-D, p per component": GeneralizedGaussianMixture(
        [[-1.0], [2.0], [0.3]], [[0.5], [1.2], [0.2]], [0.2, 0.5, 0.3], p=[0.7, 3.0, 2.0]
    ),
}
# six components in three dimensions: more than the playground takes in either
SIX = GeneralizedGaussianMixture(
    [[-2.0, -2.0, 0.5], [-1.0, 1.5, 0.0], [0.0, 0.0, -1.0], [1.0, -1.5, 1.0], [2.0, 2.0, 0.0], [0.5, 2.5, -0.5]],
    [[0.4, 0.5, 0.6], [0.3, 0.7, 0.4], [0.6, 0.6, 0.6], [0.5, 0.3, 0.2], [0.9, 0.4, 0.5], [0.25, 0.35, 0.45]],
    [0.1, 0.2, 0.15, 0.25, 0.2, 0.1],
    p=[1.5, 2.0, 2.5, 1.0, 3.0, 0.8],
)
LAYERS = [[2, 5, 1], [2, 3, 3, 1], [3, 1], [1, 4, 2], [2, 8, 3, 1]]


def _points(m: GeneralizedGaussianMixture, n: int = 300) -> np.ndarray:
    """Samples plus points far in the tails and exactly on the centers."""
    X, _ = m.sample(n, seed=3)
    far = np.random.default_rng(4).uniform(-9, 9, size=(50, m.n_features))
    return np.concatenate([X, far, m.centers])


def _mixture_cases() -> list[dict[str, Any]]:
    cases = []
    for name, m in MIXTURES.items():
        X = _points(m)
        cases.append(
            {
                "name": name,
                "mixture": m.to_dict(),
                "x": X.tolist(),
                "pdf": m.pdf(X).tolist(),
                "logpdf": m.logpdf(X).tolist(),
                "posterior": m.posterior(X[:100]).tolist(),
            }
        )
    return cases


def _grid_cases() -> list[dict[str, Any]]:
    cases = []
    for name in ("original p=2", "trivariate p=1.5"):
        m = MIXTURES[name]
        two = marginal_mixture(m) if m.n_features > 2 else m
        g = two.grid([[-3.0, 3.0], [-2.5, 3.5]], (31, 27))
        cases.append(
            {
                "name": name,
                "mixture": m.to_dict(),
                "xs": g.axes[0].tolist(),
                "ys": g.axes[1].tolist(),
                "z": g.z.tolist(),
                "marginal": two.to_dict(),
            }
        )
    return cases


def _explorer_cases() -> list[dict[str, Any]]:
    """Mixtures as the explorer holds them, their (x1, x2) marginal as ggmm computes it, points on it."""
    cases = []
    for name, m in [*((n, MIXTURES[n]) for n in ("original p=2", "trivariate p=1.5", "heavy p=0.5")), ("six", SIX)]:
        two = marginal_mixture(m) if m.n_features > 2 else m
        X, _ = m.sample(40, seed=5)
        cases.append(
            {
                "name": name,
                "mixture": m.to_dict(),
                "marginal": two.to_dict(),
                "points": X.tolist(),
                "surface": two.pdf(X[:, :2]).tolist(),
                "weights": (m.weights / m.weights.sum()).tolist(),
                "mean_p": float(np.mean(m.p)),
            }
        )
    return cases


def _sampler_cases() -> list[dict[str, Any]]:
    """The playground's seeded samples as its Python port (build/pages/playground_port.py) draws them."""
    from ggmm_build.pages.playground_port import sample

    cases = []
    for k, name in enumerate(("original p=2", "heavy p=0.5", "flat p=4")):
        m = MIXTURES[name].to_dict()
        m["p"] = list(np.broadcast_to(m["p"], len(m["weights"])).astype(float))
        cases.append({"mixture": m, "n": 300, "seed": 11 + k, "x": sample(m, 300, 11 + k).tolist()})
    return cases


def _packing_cases() -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(0, 3, 200), [0.0, -0.0, 1e-7, -3e-6, 6.1e-5, 65504.0, -1.5, 2.0**-24]])
    arr = values.reshape(26, 8)
    cases = []
    for dtype in ("float16", "float32"):
        packed = pack(arr, dtype)
        cases.append(
            {"dtype": dtype, "packed": packed, "values": unpack(packed).astype(np.float32).astype(float).tolist()}
        )
    return cases


def _network_cases() -> list[dict[str, Any]]:
    cases = []
    for layers in LAYERS:
        edges = [
            {"layer": lay, "in": i, "out": j}
            for lay in range(len(layers) - 1)
            for i in range(layers[lay])
            for j in range(layers[lay + 1])
        ]
        py = network_layout(layers, edges)
        cases.append(
            {
                "layers": layers,
                "edges": edges,
                "boxes": np.asarray(py.boxes).tolist(),
                "nodes": [np.asarray(n).tolist() for n in py.nodes],
            }
        )
    return cases


def _snapshot_cases(report_exports: Path) -> list[dict[str, Any]]:
    """The steps and stages of the published snapshots and, per snapshot, the first one with the same
    step and stage (what a link to it opens)."""
    cases = []
    for path in sorted((report_exports / "training").glob("*.json")):
        snap = json.loads(path.read_text(encoding="utf-8"))
        frames = [{"step": f["step"], "stage": f["stage"]} for f in snap["frames"]]
        first = [next(j for j, g in enumerate(frames) if g == f) for f in frames]
        first_step = [next(j for j, g in enumerate(frames) if g["step"] == f["step"]) for f in frames]
        cases.append({"name": path.stem, "frames": frames, "first": first, "first_step": first_step})
    return cases


def _bundle_cases() -> list[dict[str, Any]]:
    from ggmm_build.site.output import page_bundle

    names = ["basic", "cartesian", "gl3d", "full"]
    return [
        {"names": list(subset), "bundle": page_bundle(subset)}
        for k in range(len(names) + 1)
        for subset in combinations(names, k)
    ]


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory, report_exports: Path) -> Path:
    folder = tmp_path_factory.mktemp("widgets-js")
    lgamma_x = np.concatenate([np.linspace(0.05, 1, 40), np.linspace(1, 30, 60)])
    doc = {
        "mixtures": _mixture_cases(),
        "grids": _grid_cases(),
        "explorer": _explorer_cases(),
        "sampler": _sampler_cases(),
        "packing": _packing_cases(),
        "networks": _network_cases(),
        "snapshots": _snapshot_cases(report_exports),
        "bundles": _bundle_cases(),
        "lgamma": {"x": lgamma_x.tolist(), "values": gammaln(lgamma_x).tolist()},
        "formulas": [
            {
                "name": name,
                "mixture": m.to_dict(),
                "latex": formula_latex(m.to_dict()),
                "html": formula_html(m.to_dict()),
            }
            for name, m in MIXTURES.items()
        ],
    }
    assert doc["snapshots"], "the exports hold training snapshots"
    (folder / "widgets.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def test_widget_maths_agree_with_ggmm(fixtures: Path) -> None:
    """node --test tests/js/widgets_*.test.js on the fixtures: every Node test passes, none skipped."""
    files = sorted(str(path) for path in (ROOT / "tests" / "js").glob("widgets_*.test.js"))
    assert len(files) >= 3
    env = {**os.environ, "WIDGET_FIXTURES": str(fixtures)}
    result = subprocess.run(
        [NODE, "--test", "--test-reporter=tap", *files], capture_output=True, text=True, env=env, timeout=600, cwd=ROOT
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "# skipped 0" in report and "# fail 0" in report, report
    passed = int(report.split("# pass ")[1].split()[0])
    assert passed >= 15, report
