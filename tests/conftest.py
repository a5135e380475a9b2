"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository's top folder."""
    return ROOT


@pytest.fixture(scope="session")
def quick_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the quick profile's exports, laid out like ``report/data``.

    Uses the folder named by ``GGMM_TEST_EXPORTS`` when set; otherwise runs the quick
    pipeline once per test session into a temporary folder.
    """
    given = os.environ.get("GGMM_TEST_EXPORTS")
    if given:
        return Path(given)
    from ggmm_build.pipeline import run_pipeline

    base = tmp_path_factory.mktemp("quick")
    run_pipeline(profile="quick", data_dir=base / "data", cache_dir=base / "cache", quiet=True)
    return base / "data"
