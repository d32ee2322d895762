"""The JSON Lines profile store: append-only, locked appends, torn tails, corruption, schema."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_profiler_scaling import make_profile

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.profiler.store import ProfileStore, default_state_dir, find_project_root

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_add_list_history_latest(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "state")
    assert store.list() == [] and store.latest("embed") is None
    first = make_profile(workload="embed", cpu_w=10, started_at=T0)
    failed = make_profile(workload="embed", cpu_w=99, exit_code=1, started_at=T0 + timedelta(1))
    other = make_profile(workload="chat", started_at=T0)
    for p in (first, failed, other):
        assert store.add(p) == 0
    assert [p.workload for p in store.list()] == ["embed", "embed", "chat"]
    assert store.history("embed") == [first, failed]
    assert store.latest("embed") == first  # the failed run is history, not a measurement
    assert store.latest("embed", include_failed=True) == failed
    assert store.workloads() == ["chat", "embed"]
    assert ProfileStore(tmp_path / "state").list() == store.list()  # it is on disk
    lines = (tmp_path / "state" / "profiles.jsonl").read_text().splitlines()
    assert len(lines) == 3 and all(
        json.loads(x)["schema"] == "cloudwright.profile/v1" for x in lines
    )


def test_measured_power_uses_newest_successful_profile(
    tmp_path: Path, fixture_catalog: Catalog
) -> None:
    store = ProfileStore(tmp_path)
    spec = fixture_catalog.instance("aws", "m5.large")
    assert store.measured_power(fixture_catalog, "embed", spec, 0.5) is None
    store.add(make_profile(workload="embed", cpu_w=10, started_at=T0))
    low = store.measured_power(fixture_catalog, "embed", spec, 0.5)
    store.add(make_profile(workload="embed", cpu_w=80, started_at=T0 + timedelta(1)))
    high = store.measured_power(fixture_catalog, "embed", spec, 0.5)
    assert low is not None and high is not None
    assert high.node_it_power_w > low.node_it_power_w
    assert "profile 'embed' 2026-11-21" in high.source


def test_unterminated_last_line_is_ignored_then_repaired(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    kept = make_profile(workload="embed")
    store.add(kept)
    torn = make_profile(workload="embed", cpu_w=5).to_json_line()[:57]
    with store.path.open("a") as handle:
        handle.write(torn)  # a writer that died mid-record
    assert store.list() == [kept]
    newer = make_profile(workload="chat")
    assert store.add(newer) == len(torn)
    assert store.list() == [kept, newer]
    assert store.path.read_text().count("\n") == 2


def test_a_file_that_is_only_a_torn_line(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.path.write_text('{"schema": "cloudwright.prof')
    assert store.list() == []
    store.add(make_profile())
    assert len(store.list()) == 1


def test_corrupt_complete_line_names_file_and_line(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.add(make_profile(workload="a"))
    with store.path.open("a") as handle:
        handle.write("{not json}\n")
    store.add(make_profile(workload="b"))
    with pytest.raises(DataError, match=r"profiles\.jsonl:2: not valid JSON"):
        store.list()


def test_invalid_record_names_the_field(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    record = json.loads(make_profile().to_json_line())
    record["energy"]["cpu_kwh"] = -1
    store.path.write_text(json.dumps(record) + "\n")
    with pytest.raises(DataError, match=r"profiles\.jsonl:1: energy\.cpu_kwh"):
        store.list()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    record = json.loads(make_profile().to_json_line())
    record["schema"] = "cloudwright.profile/v2"
    store.path.write_text(json.dumps(record) + "\n")
    with pytest.raises(DataError, match="newer than this Cloudwright"):
        store.list()


def test_cache_sees_appends_from_other_store_objects(tmp_path: Path) -> None:
    reader, writer = ProfileStore(tmp_path), ProfileStore(tmp_path)
    writer.add(make_profile(workload="a"))
    assert len(reader.list()) == 1
    writer.add(make_profile(workload="b"))
    assert [p.workload for p in reader.list()] == ["a", "b"]


def _append_many(directory: str, worker: int, count: int) -> None:
    store = ProfileStore(directory)
    for i in range(count):
        store.add(make_profile(workload=f"w{worker}", cpu_w=float(i + 1)))


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    workers, per_worker = 4, 25
    ctx = multiprocessing.get_context("fork")
    procs = [
        ctx.Process(target=_append_many, args=(str(tmp_path), w, per_worker))
        for w in range(workers)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    profiles = ProfileStore(tmp_path).list()  # every line parses: no interleaved writes
    assert len(profiles) == workers * per_worker
    for w in range(workers):
        watts = [p.average_power_w()["cpu"] for p in profiles if p.workload == f"w{w}"]
        assert watts == pytest.approx([float(i + 1) for i in range(per_worker)])  # in order


def test_project_root_and_home_override(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    nested = project / "a" / "b"
    nested.mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: x\n")
    assert find_project_root(nested) == project.resolve()
    assert default_state_dir(nested, env={}) == project.resolve() / ".cloudwright"
    assert default_state_dir(nested, env={"CLOUDWRIGHT_HOME": str(tmp_path / "h")}) == (
        tmp_path / "h"
    )
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    if find_project_root(lonely) is None:  # no marker anywhere above tmp
        assert default_state_dir(lonely, env={}) == lonely.resolve() / ".cloudwright"


def test_open_default_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDWRIGHT_HOME", str(tmp_path / "home"))
    store = ProfileStore.open_default()
    assert store.path == tmp_path / "home" / "profiles.jsonl"
    store.check_writable()
    assert (tmp_path / "home").is_dir()


def test_snapshot_answers_as_the_store_did_when_taken(
    tmp_path: Path, fixture_catalog: Catalog
) -> None:
    store = ProfileStore(tmp_path)
    spec = fixture_catalog.instance("aws", "m5.large")
    assert store.snapshot().measured_power(fixture_catalog, "embed", spec, 0.5) is None
    store.add(make_profile(workload="embed", cpu_w=10, started_at=T0))
    store.add(make_profile(workload="embed", cpu_w=80, started_at=T0 + timedelta(1)))
    snap = store.snapshot()
    store.add(make_profile(workload="embed", cpu_w=5, started_at=T0 + timedelta(2)))
    taken = snap.measured_power(fixture_catalog, "embed", spec, 0.5)
    assert taken is not None and "profile 'embed' 2026-11-21" in taken.source
    assert snap.measured_power(fixture_catalog, "other", spec, 0.5) is None
    now = store.measured_power(fixture_catalog, "embed", spec, 0.5)
    assert now is not None and now.node_it_power_w < taken.node_it_power_w
