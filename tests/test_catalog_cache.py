"""The on-disk cache of parsed catalog tables (`optimizer.catalog.cache`): the same frames as
a fresh parse, a new folder whenever the snapshot changes, and never an error of its own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.catalog.cache import CACHE_ENV, KEEP_SNAPSHOTS, default_cache_dir

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "catalog"
TABLES = ("offerings", "regions", "gpus", "egress", "unit_prices", "coefficients", "latency")


def snapshot(tmp_path: Path) -> Path:
    target = tmp_path / "snapshot"
    shutil.copytree(FIXTURE, target)
    return target


def assert_same(a: Catalog, b: Catalog) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(a.table(name), b.table(name), check_exact=True)
    pd.testing.assert_frame_equal(a.region_offerings, b.region_offerings, check_exact=True)
    for view in ("accelerator_offerings", "accelerator_region_offerings"):
        pd.testing.assert_frame_equal(getattr(a, view), getattr(b, view), check_exact=True)
    assert a.clouds() == b.clouds() and a.gpu_names() == b.gpu_names()
    assert {c: a.region_names(c) for c in a.clouds()} == {c: b.region_names(c) for c in b.clouds()}


def test_cached_frames_equal_a_fresh_parse(tmp_path: Path) -> None:
    snap, cache = snapshot(tmp_path), tmp_path / "cache"
    fresh = Catalog.load(snap)
    first = Catalog.load(snap, cache=cache)
    assert_same(first, fresh)
    (folder,) = cache.iterdir()
    stored = {p.name for p in folder.iterdir()}
    assert {f"{n}.pickle" for n in TABLES} | {"region_offerings.pickle"} <= stored
    assert_same(Catalog.load(snap, cache=cache), fresh)  # read back from the pickles
    views = {"accelerator_offerings", "accelerator_region_offerings", "offering_names"}
    assert {f"{v}.pickle" for v in views} <= {p.name for p in folder.iterdir()}


def test_the_accelerator_views_hold_every_accelerator_row_and_nothing_else(
    tmp_path: Path,
) -> None:
    catalog = Catalog.load(snapshot(tmp_path), cache=tmp_path / "cache")
    for full, view in (
        (catalog.offerings, catalog.accelerator_offerings),
        (catalog.region_offerings, catalog.accelerator_region_offerings),
    ):
        accelerated = full["gpu"].notna() & (full["gpu_count"].fillna(0) > 0)
        pd.testing.assert_frame_equal(view, full[accelerated])
        assert len(view) < len(full)  # the fixture lists CPU types too


def test_a_changed_table_file_gets_a_new_folder(tmp_path: Path) -> None:
    snap, cache = snapshot(tmp_path), tmp_path / "cache"
    _ = Catalog.load(snap, cache=cache).offerings
    table = next(snap.glob("coefficients.csv*"))
    stat = table.stat()
    os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    _ = Catalog.load(snap, cache=cache).offerings
    assert len(list(cache.iterdir())) == 2


def test_old_folders_are_pruned(tmp_path: Path) -> None:
    snap, cache = snapshot(tmp_path), tmp_path / "cache"
    table = next(snap.glob("gpus.csv*"))
    for step in range(KEEP_SNAPSHOTS + 2):
        stat = table.stat()
        os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns + (step + 1) * 10**9))
        _ = Catalog.load(snap, cache=cache).gpus
    assert len(list(cache.iterdir())) == KEEP_SNAPSHOTS


def test_a_torn_entry_is_rebuilt_and_an_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    snap, cache = snapshot(tmp_path), tmp_path / "cache"
    fresh = Catalog.load(snap)
    _ = Catalog.load(snap, cache=cache).offerings
    (folder,) = cache.iterdir()
    (folder / "offerings.pickle").write_bytes(b"\x80\x05torn")
    pd.testing.assert_frame_equal(Catalog.load(snap, cache=cache).offerings, fresh.offerings)
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    assert_same(Catalog.load(snap, cache=blocked / "cache"), fresh)


def test_default_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "off")
    assert default_cache_dir() is None
    monkeypatch.setenv(CACHE_ENV, "/somewhere")
    assert default_cache_dir() == Path("/somewhere")
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert default_cache_dir() == Path("/xdg/cloudwright/catalog")
