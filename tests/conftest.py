"""Shared fixtures. Tests get a small frozen catalog, never the shipped snapshot, unless they
say otherwise, so price refreshes do not churn them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.catalog.cache import CACHE_ENV

# Commands run by tests parse catalogs afresh (tests/test_catalog_cache.py covers the cache)
# and leave nothing under the home directory.
os.environ.setdefault(CACHE_ENV, "off")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def fixture_catalog() -> Catalog:
    return Catalog.load(FIXTURES / "catalog")


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip (CI has it; a bare clone may not)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA
