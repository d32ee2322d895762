"""The shipped snapshot is reproducible from ../shared/data and ships as package data."""

from __future__ import annotations

import fnmatch
import gzip
import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from optimizer.catalog import Catalog, schema
from optimizer.catalog.build import build_snapshot
from optimizer.catalog.catalog import PACKAGED_SNAPSHOT

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


def _package_data_patterns() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return list(config["tool"]["setuptools"]["package-data"]["*"])


def _shipped_packages() -> list[str]:
    from setuptools import find_namespace_packages  # type: ignore[import-untyped]

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return find_namespace_packages(where=str(ROOT), include=include)


@pytest.mark.parametrize(
    "package_dir", ["optimizer/catalog/data", "optimizer/catalog/build/reference"]
)
def test_data_files_ship_as_package_data(package_dir: str) -> None:
    patterns = _package_data_patterns()
    package = package_dir.replace("/", ".")
    assert package in _shipped_packages(), f"{package} is not picked up as a package"
    files = [p for p in (ROOT / package_dir).iterdir() if p.is_file()]
    assert files
    for path in files:
        assert any(fnmatch.fnmatch(path.name, pat) for pat in patterns), path.name


def test_snapshot_is_reachable_through_importlib_resources() -> None:
    data = resources.files("optimizer.catalog").joinpath("data")
    manifest = json.loads(data.joinpath("manifest.json").read_text("utf-8"))
    for info in manifest["tables"].values():
        assert data.joinpath(info["file"]).is_file()
    assert set(manifest["tables"]) == set(schema.TABLES)
    assert Catalog.load().snapshot_date.isoformat() == manifest["snapshot_date"]
