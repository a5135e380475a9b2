"""The plotly.js bundles the site serves from ``assets/vendor/`` (never from a CDN).

``assets/js/loader.js`` loads, on a page that draws something, the smallest bundle that draws
it (see :data:`ggmm_build.figures.widgets.PLOTLY_BUNDLES`). The full bundle is the copy inside the plotly
Python package, so it always matches the figures plotly.py writes; the partial bundles come from
the npm packages ``plotly.js-<name>-dist-min`` that ``make setup`` installs (``package.json``
pins them). A partial bundle is used only when its version equals the full bundle's; otherwise
(or without npm) it is left out and the loader falls back to the full bundle.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import plotly

from ..figures.widgets import PLOTLY_BUNDLES

__all__ = ["VENDOR", "bundle_sources", "bundle_version", "full_bundle", "install_bundles"]

VENDOR = Path("assets/vendor")
_VERSION = re.compile(rb"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)")


def _log(message: str) -> None:
    print(f"site: {message}", file=sys.stderr, flush=True)


def full_bundle() -> Path:
    """The ``plotly.min.js`` inside the plotly Python package (the version its figures target)."""
    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.min.js not found in the plotly package at {path}")
    return path


def bundle_version(path: Path) -> str | None:
    """The plotly.js version a bundle's banner states, or None."""
    with path.open("rb") as handle:
        match = _VERSION.search(handle.read(400))
    return match.group(1).decode() if match else None


def bundle_sources(root: Path) -> dict[str, Path]:
    """Every bundle available to the site, by name: the full one and the matching npm partials."""
    full = full_bundle()
    wanted = bundle_version(full)
    sources = {"full": full}
    for name in PLOTLY_BUNDLES:
        if name == "full":
            continue
        path = root / "node_modules" / f"plotly.js-{name}-dist-min" / f"plotly-{name}.min.js"
        if not path.is_file():
            continue
        found = bundle_version(path)
        if found != wanted:
            _log(
                f"{path.relative_to(root)} is plotly.js {found}, plotly.py draws with {wanted}: not used "
                "(pages fall back to the full bundle; update package.json)"
            )
            continue
        sources[name] = path
    return sources


def install_bundles(root: Path) -> dict[str, Path]:
    """Copy the available bundles to ``assets/vendor/plotly-<name>.min.js`` (only when changed);
    remove bundles that are no longer available. Returns the installed files by name."""
    vendor = root / VENDOR
    vendor.mkdir(parents=True, exist_ok=True)
    installed = {}
    for name, source in bundle_sources(root).items():
        target = vendor / f"plotly-{name}.min.js"
        if (
            not target.is_file()
            or target.stat().st_size != source.stat().st_size
            or target.read_bytes() != source.read_bytes()
        ):
            shutil.copyfile(source, target)
            _log(f"copied {source.name} -> {target.relative_to(root)}")
        installed[name] = target
    for stale in vendor.glob("plotly-*.min.js"):
        if stale not in installed.values():
            stale.unlink()
    missing = sorted(set(PLOTLY_BUNDLES) - set(installed))
    if missing:
        _log(
            f"no partial plotly.js bundle for {missing} (run `make setup` with npm available); "
            "those pages load the full bundle"
        )
    return installed
