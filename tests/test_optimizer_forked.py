"""Rendering in forked processes (cloudwright/core/forked.py): the same pieces in the same order,
whatever the number of workers, and a failed child costs time, never output."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from cloudwright.core.forked import (
    Ahead,
    default_workers,
    render_ranges,
    run_ranges,
    shared_buffer,
)
from cloudwright.optimizer import explain
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.plan import load_plan, save_plan
from cloudwright.optimizer.planner import draft_plan, objective_spec, optimise, prepare
from cloudwright.optimizer.solver import metrics

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")


def _pieces(start: int, stop: int) -> Iterator[bytes]:
    for i in range(start, stop):
        yield f"piece {i} ".encode() * (i % 7 + 1)


@pytest.mark.parametrize("workers", [1, 2, 3, 5])
def test_every_worker_count_gives_the_same_pieces(workers: int) -> None:
    assert list(render_ranges(101, _pieces, workers)) == list(_pieces(0, 101))


def test_a_failing_child_has_its_range_rendered_again() -> None:
    parent = os.getpid()

    def flaky(start: int, stop: int) -> Iterator[bytes]:
        for i in range(start, stop):
            if os.getpid() != parent and i == stop - 1:
                raise RuntimeError("child fails on its last piece")
            yield str(i).encode()

    assert list(render_ranges(40, flaky, 3)) == [str(i).encode() for i in range(40)]


def test_small_plans_are_not_forked() -> None:
    assert default_workers(10) == 1


def test_a_plan_rendered_on_two_cores_is_byte_for_byte_the_same(
    fixture_catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workloads = [
        {"name": f"w{i}", "kind": "batch", "gpu": {"type": "A100-40GB", "count": 8}}
        for i in range(30)
    ]
    fleet = Fleet.model_validate({"version": 1, "workloads": workloads})
    problem = prepare(fleet, fixture_catalog)
    outcome = optimise(problem, objective_spec(problem))
    draft = draft_plan(problem, outcome, created_at=None)
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    save_plan(draft.head, one, rendered=draft.rendered(1))
    save_plan(draft.head, two, rendered=draft.rendered(2))
    assert one.read_bytes() == two.read_bytes()
    assert len(load_plan(two).assignments) == 30
    save_plan(draft.head, tmp_path / "plain.json", draft.assignments())
    assert (tmp_path / "plain.json").read_bytes() == one.read_bytes()
    # Windows of alternatives that end inside and at the ranges: the same plan.
    monkeypatch.setattr(explain, "ALTERNATIVES_CHUNK", 4)
    when = datetime.fromisoformat(draft.head.created_at)
    again = draft_plan(problem, outcome, created_at=when)
    save_plan(again.head, tmp_path / "three.json", rendered=again.rendered(3))
    assert (tmp_path / "three.json").read_bytes() == one.read_bytes()


def _shared(count: int) -> np.ndarray:
    return np.frombuffer(shared_buffer(count * 8), dtype=np.int64, count=count)


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
def test_children_fill_shared_arrays_as_one_process_would(workers: int) -> None:
    out = _shared(1001)
    out[:] = -1

    def square(lo: int, hi: int) -> None:
        out[lo:hi] = np.arange(lo, hi) ** 2

    run_ranges(1001, square, workers)
    assert np.array_equal(out, np.arange(1001) ** 2)


def test_a_failing_child_has_its_range_done_again() -> None:
    parent, out = os.getpid(), _shared(90)

    def flaky(lo: int, hi: int) -> None:
        out[lo:hi] = np.arange(lo, hi)
        if os.getpid() != parent:
            out[lo] = -7  # a half-done range, then the child fails
            os.kill(os.getpid(), 9)

    run_ranges(90, flaky, 3)
    assert np.array_equal(out, np.arange(90))


def test_candidate_metrics_filled_on_two_cores_equal_one_process(
    fixture_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    workloads = [
        {"name": f"w{i}", "kind": "inference", "gpu": {"type": "L4"}, "egress_gb_month": i}
        for i in range(40)
    ]
    fleet = Fleet.model_validate({"version": 1, "workloads": workloads})
    monkeypatch.setattr(metrics, "CHUNK_ROWS", 7)  # many chunks, ranges that split them
    monkeypatch.setattr(metrics, "default_workers", lambda count, minimum: 2)
    two = prepare(fleet, fixture_catalog).cands.metrics
    monkeypatch.setattr(metrics, "default_workers", lambda count, minimum: 1)
    one = prepare(fleet, fixture_catalog).cands.metrics
    assert len(one.total_usd) > 14
    for name in metrics.FULL:
        assert np.array_equal(getattr(one, name), getattr(two, name), equal_nan=True), name


def test_a_job_ahead_gives_its_value_from_the_child() -> None:
    parent = os.getpid()
    with Ahead(lambda: {"pid": os.getpid(), "xs": [1.5, None, True]}, dict, dict) as ahead:
        got = ahead.result()
    assert got["pid"] != parent and got["xs"] == [1.5, None, True]


def test_a_job_whose_child_fails_runs_here_and_raises_here() -> None:
    parent = os.getpid()

    def job() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return 7

    assert Ahead(job, int, int).result() == 7
    with pytest.raises(ZeroDivisionError):
        Ahead(lambda: 1 // 0, int, int).result()
    # A value marshal cannot carry: the child fails to send it, the parent does the job.
    assert Ahead(lambda: Path("x"), str, Path).result() == Path("x")


def test_a_child_never_asked_for_is_ended() -> None:
    import time

    started = time.monotonic()
    with Ahead(lambda: time.sleep(60), lambda _: 0, lambda _: None) as ahead:
        pid = ahead._pid
    assert pid is not None and time.monotonic() - started < 30
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left


def test_a_plan_prerendered_while_its_head_is_built_is_the_same(
    fixture_catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from cloudwright.optimizer import planner

    workloads = [
        {"name": f"w{i}", "kind": "batch", "gpu": {"type": "A100-40GB", "count": 8}}
        for i in range(30)
    ]
    problem = prepare(Fleet.model_validate({"version": 1, "workloads": workloads}), fixture_catalog)
    outcome = optimise(problem, objective_spec(problem))
    when = datetime.fromisoformat("2026-12-03T00:00:00+00:00")
    serial = draft_plan(problem, outcome, created_at=when)
    save_plan(serial.head, tmp_path / "serial.json", rendered=serial.rendered(1))
    monkeypatch.setattr(planner, "default_workers", lambda count: 2)  # any plan: forked
    early = draft_plan(problem, outcome, created_at=when, prerender=True)
    assert early.started is not None
    save_plan(early.head, tmp_path / "early.json", rendered=early.rendered())
    assert (tmp_path / "early.json").read_bytes() == (tmp_path / "serial.json").read_bytes()
    # A draft whose pieces are never read: closing it ends the children, removes their files.
    before = set(Path(tempfile.gettempdir()).glob("cloudwright-render-*"))
    unread = draft_plan(problem, outcome, created_at=when, prerender=True)
    assert unread.started is not None and unread.started._children
    unread.close()
    assert not unread.started._children
    assert set(Path(tempfile.gettempdir()).glob("cloudwright-render-*")) <= before
