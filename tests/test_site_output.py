"""What a language folder of _site keeps (build/site/output.py) and the plotly.js bundles the site
serves (build/site/assets.py)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from ggmm_build.figures.widgets import PLOTLY_BUNDLES, plotly_bundle
from ggmm_build.site import assets as site_assets
from ggmm_build.site import output as site_output

ROOT = Path(__file__).resolve().parents[1]


def _write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def output(tmp_path: Path) -> tuple[Path, Path]:
    """A project with one page's posters beside its source and a rendered language folder."""
    project = tmp_path / "project"
    out = project / "_site" / "en"
    _write(project / "report" / "a_files" / "figure-static" / "f-en-poster-narrow.png")
    page = (
        '<html><body><div data-ggmm-widget="figure" data-ggmm-plotly="basic">'
        '<picture><source srcset="a_files/figure-static/f-en-poster-narrow.png">'
        '<img src="a_files/figure-static/f-en-poster.png"></picture></div>'
        '<div data-src="data/training/used.json"></div>'
        '<script src="../site_libs/lib/used.js"></script></body></html>'
    )
    _write(out / "report" / "a.html", page)
    _write(out / "report" / "b.html", '<div data-ggmm-plotly="cartesian"></div>')
    _write(out / "report" / "a_files" / "figure-static" / "f-en-poster.png")
    _write(out / "report" / "a_files" / "figure-static" / "f-zh-poster.png")
    _write(out / "report" / "pdf" / "doc_files" / "figure-static" / "print-en.png")
    for name in ("basic", "cartesian", "gl3d", "full"):
        _write(out / "assets" / "vendor" / f"plotly-{name}.min.js", name)
    _write(out / "report" / "data" / "training" / "used.json")
    _write(out / "report" / "data" / "training" / "unused.json")
    _write(out / "site_libs" / "lib" / "used.js", "load('helper.js')")
    _write(out / "site_libs" / "lib" / "helper.js")
    _write(out / "site_libs" / "lib" / "unused.js")
    _write(out / "site_libs" / "lib" / "used.js.map")
    _write(out / "site_libs" / "lib" / "font.woff")
    return project, out


def test_prune_keeps_what_pages_use(output: tuple[Path, Path]) -> None:
    project, out = output
    counts = site_output.prune(out, project)
    kept = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert kept == [
        "assets/vendor/plotly-basic.min.js",
        "assets/vendor/plotly-cartesian.min.js",
        "report/a.html",
        "report/a_files/figure-static/f-en-poster-narrow.png",
        "report/a_files/figure-static/f-en-poster.png",
        "report/b.html",
        "report/data/training/used.json",
        "site_libs/lib/font.woff",
        "site_libs/lib/helper.js",
        "site_libs/lib/used.js",
    ]
    assert counts["copied"] == 1, "the poster named only in srcset is copied in"
    again = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    site_output.prune(out, project)
    assert again == kept == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], None),
        (["basic"], "basic"),
        (["basic", "cartesian"], "cartesian"),
        (["gl3d"], "gl3d"),
        (["gl3d", "basic"], "full"),
        (["full", "basic"], "full"),
    ],
)
def test_page_bundle(names: list[str], expected: str | None) -> None:
    assert site_output.page_bundle(names) == expected


def test_shared_bundles_are_kept_once(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    _write(site / "en" / "report" / "a.html", '<div data-ggmm-plotly="basic"></div>')
    _write(site / "zh" / "report" / "a.html", '<div data-ggmm-plotly="basic"></div>')
    _write(site / "zh" / "report" / "b.html", '<div data-ggmm-plotly="gl3d"></div><div data-ggmm-plotly="basic">')
    _write(site / "en" / "assets" / "vendor" / "plotly-basic.min.js", "b")
    _write(site / "zh" / "assets" / "vendor" / "plotly-basic.min.js", "b")
    _write(site / "zh" / "assets" / "vendor" / "plotly-full.min.js", "f")
    _write(site / "assets" / "vendor" / "plotly-gl3d.min.js", "old")
    expected = ["plotly-basic.min.js", "plotly-full.min.js"]
    assert site_output.share_bundles(site, ["en", "zh"]) == expected
    assert sorted(p.name for p in (site / "assets" / "vendor").iterdir()) == expected
    assert not (site / "en" / "assets" / "vendor").exists()
    assert site_output.share_bundles(site, ["en", "zh"]) == expected, "a second run (nothing rendered) keeps them"
    (site / "assets" / "vendor" / "plotly-full.min.js").unlink()
    _write(tmp_path / "vendor" / "plotly-full.min.js", "f")
    assert site_output.share_bundles(site, ["en", "zh"], tmp_path / "vendor") == expected, (
        "a bundle lost from the site comes back from the build's copy"
    )


#: Loads assets/js/loader.js (copied to argv[2]) under Node with a document whose one container needs the
#: basic bundle; a script loads when its URL ends with one of argv[3:]. Prints every script URL requested.
LOADER_DRIVER = r"""
const [loader, ...loadable] = process.argv.slice(2);
const requested = [];
const container = { getAttribute: (name) => (name === "data-ggmm-plotly" ? "basic" : null) };
globalThis.document = {
  readyState: "loading", addEventListener() {}, querySelectorAll: () => [container],
  createElement: () => ({}),
  head: { appendChild(s) {
    requested.push(s.src);
    setTimeout(() => (loadable.some((end) => s.src.endsWith(end)) ? s.onload() : s.onerror()), 0);
  } },
};
await import(new URL("file://" + loader));
await globalThis.GGMMLoader.plotly().catch(() => {});
console.log(JSON.stringify(requested));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize(
    ("folder", "loadable", "expected"),
    [
        # a page of a language folder: the bundle both languages share, first
        ("site/en/assets/js", ["/site/assets/vendor/plotly-basic.min.js"], ["/site/assets/vendor/plotly-basic.min.js"]),
        # the shared copy missing: the language folder's own
        (
            "site/zh/assets/js",
            ["/site/zh/assets/vendor/plotly-basic.min.js"],
            ["/site/assets/vendor/plotly-basic.min.js", "/site/zh/assets/vendor/plotly-basic.min.js"],
        ),
        # no partial bundle anywhere: the full one, shared first
        (
            "site/en/assets/js",
            ["/site/en/assets/vendor/plotly-full.min.js"],
            [
                "/site/assets/vendor/plotly-basic.min.js",
                "/site/en/assets/vendor/plotly-basic.min.js",
                "/site/assets/vendor/plotly-full.min.js",
                "/site/en/assets/vendor/plotly-full.min.js",
            ],
        ),
        # outside a language folder (the gallery): only the bundles beside the loader
        (
            "gallery/assets/js",
            ["/gallery/assets/vendor/plotly-basic.min.js"],
            ["/gallery/assets/vendor/plotly-basic.min.js"],
        ),
    ],
)
def test_loader_looks_for_shared_bundles_first(
    tmp_path: Path, folder: str, loadable: list[str], expected: list[str]
) -> None:
    loader = tmp_path / folder / "loader.js"
    loader.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "assets" / "js" / "loader.js", loader)
    driver = _write(tmp_path / "driver.mjs", LOADER_DRIVER)
    done = subprocess.run(
        ["node", str(driver), str(loader), *loadable], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    requested = json.loads(done.stdout)
    assert [url.removeprefix(tmp_path.as_uri()) for url in requested] == expected


# ---------------------------------------------------------------------------
# plotly.js bundles
# ---------------------------------------------------------------------------


def test_bundle_choice_follows_the_trace_types() -> None:
    assert plotly_bundle(["scatter"]) == "basic"
    assert plotly_bundle(["scatter", "heatmap"]) == "cartesian"
    assert plotly_bundle(["surface", "scatter3d"]) == "gl3d"
    assert plotly_bundle(["surface", "contour"]) == "full"
    assert list(PLOTLY_BUNDLES)[-1] == "full" and PLOTLY_BUNDLES["full"] is None


def test_package_json_pins_the_partial_bundles_exactly() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    pins = package["dependencies"]
    assert set(pins) == {f"plotly.js-{name}-dist-min" for name in PLOTLY_BUNDLES if name != "full"}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in pins.values()), pins
    assert len(set(pins.values())) == 1
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in pins.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    drawn_with = site_assets.bundle_version(site_assets.full_bundle())
    if drawn_with != next(iter(pins.values())):
        warnings.warn(
            f"plotly.py draws with plotly.js {drawn_with} but package.json pins "
            f"{next(iter(pins.values()))}: pages fall back to the full bundle until the pins follow",
            stacklevel=1,
        )


def test_bundles_of_another_version_are_not_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drawn_with = site_assets.bundle_version(site_assets.full_bundle())
    good = tmp_path / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
    stale = tmp_path / "node_modules" / "plotly.js-cartesian-dist-min" / "plotly-cartesian.min.js"
    _write(good, f"/**\n* plotly.js (basic - minified) v{drawn_with}\n*/")
    _write(stale, "/**\n* plotly.js (cartesian - minified) v0.0.1\n*/")
    installed = site_assets.install_bundles(tmp_path)
    assert set(installed) == {"full", "basic"}
    reported = capsys.readouterr().err
    assert "plotly.js-cartesian-dist-min" in reported and "plotly.js 0.0.1" in reported and "not used" in reported
    assert (tmp_path / "assets" / "vendor" / "plotly-basic.min.js").read_text() == good.read_text()
    assert not (tmp_path / "assets" / "vendor" / "plotly-cartesian.min.js").exists()
