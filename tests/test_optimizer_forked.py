"""Rendering in forked processes (optimizer/forked.py): the same pieces in the same order,
whatever the number of workers, and a failed child costs time, never output."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.forked import default_workers, render_ranges
from cloudwright.optimizer.plan import load_plan, save_plan
from cloudwright.optimizer.planner import draft_plan, objective_spec, optimise, prepare

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
    fixture_catalog: Catalog, tmp_path: Path
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
