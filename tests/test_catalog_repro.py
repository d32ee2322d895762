"""The shipped snapshot is reproducible from ../shared/data and is reachable as package data
(tests/test_packaging.py checks what the wheel holds)."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import pytest

from cloudwright.optimizer.catalog import Catalog, schema
from cloudwright.optimizer.catalog.build import build_snapshot
from cloudwright.optimizer.catalog.catalog import PACKAGED_SNAPSHOT

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_rebuild_from_reference_data_matches_shipped_snapshot(
    shared_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rebuilt"
    build_snapshot(shared_data / "catalog", shared_data, out)
    shipped = json.loads((PACKAGED_SNAPSHOT / "manifest.json").read_text("utf-8"))
    rebuilt = json.loads((out / "manifest.json").read_text("utf-8"))
    assert rebuilt["snapshot_date"] == shipped["snapshot_date"]
    assert rebuilt["latency_fit"] == shipped["latency_fit"]
    for name, info in shipped["tables"].items():
        new = gzip.decompress((out / info["file"]).read_bytes()).decode("utf-8")
        old = gzip.decompress((PACKAGED_SNAPSHOT / info["file"]).read_bytes()).decode("utf-8")
        assert new == old, f"table {name} differs from the shipped snapshot: rebuild and commit"
        assert rebuilt["tables"][name]["rows"] == info["rows"]


def test_snapshot_is_reachable_through_importlib_resources() -> None:
    data = resources.files("cloudwright.optimizer.catalog").joinpath("data")
    manifest = json.loads(data.joinpath("manifest.json").read_text("utf-8"))
    for info in manifest["tables"].values():
        assert data.joinpath(info["file"]).is_file()
    assert set(manifest["tables"]) == set(schema.TABLES)
    assert Catalog.load().snapshot_date.isoformat() == manifest["snapshot_date"]
