"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Debian's Chromium; the tests never download a browser of their own.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository's top folder."""
    return ROOT


@pytest.fixture(scope="session")
def report_exports() -> Path:
    """The exports the report is rendered from, laid out like ``report/data``.

    The committed ones (the published full profile, produced by real runs) unless
    ``GGMM_TEST_EXPORTS`` names another folder (for example a quick build's ``data/``).
    """
    given = os.environ.get("GGMM_TEST_EXPORTS")
    return Path(given) if given else ROOT / "report" / "data"


@pytest.fixture(scope="session")
def quick_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The quick profile of the real config built cold once per session (KANs included, a few
    minutes on 2 cores): its ``data/`` folder, next to its ``cache/``. For ``slow`` tests only."""
    from ggmm_build.pipeline import run_pipeline

    base = tmp_path_factory.mktemp("quick")
    run_pipeline(profile="quick", data_dir=base / "data", cache_dir=base / "cache", quiet=True)
    return base / "data"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (one per test module: the sync API allows one
    at a time). Skips with the reason when chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
