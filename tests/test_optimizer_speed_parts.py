"""The speed work's parts keep behaviour: the own sparse matrix computes what scipy.sparse did,
HiGHS through highspy gives linprog's optimum and duals, a streamed plan.json is the plan's
own dump, per-row metrics match the full computation, and `plan` imports neither
scipy.optimize nor scipy.sparse."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.plan import load_plan, save_plan
from cloudwright.optimizer.planner import (
    build_plan,
    draft_plan,
    objective_spec,
    optimise,
    prepare,
)
from cloudwright.optimizer.solver import highs
from cloudwright.optimizer.solver.metrics import compute_metrics
from cloudwright.optimizer.solver.sparse import RowMatrix, diagonal, hstack, vstack

NOW = datetime(2026, 6, 1, tzinfo=UTC)
FLEET: dict[str, Any] = {
    "version": 1,
    "objective": "cost",
    "max_spot_fraction": 0.5,
    "capacity": [{"cloud": "aws", "gpu": "H100", "max_gpus": 16}],
    "workloads": [
        {
            "name": f"job-{i}",
            "kind": "batch",
            "gpu": {"type": "H100", "count": 8},
            "nodes": 1 + i % 2,
            "hours_per_month": 300,
            "utilization": 0.7,
            "spot": i % 3 == 0,
        }
        for i in range(5)
    ],
}


def _random_matrix(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    dense = rng.normal(size=(rows, cols))
    dense[rng.random((rows, cols)) < 0.6] = 0.0
    return dense


def _from_dense(dense: np.ndarray) -> RowMatrix:
    r, c = np.nonzero(dense)
    return RowMatrix.from_triplets(r, c, dense[r, c], dense.shape)


def test_row_matrix_matches_scipy_sparse_bit_for_bit() -> None:
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(3)
    dense = _random_matrix(rng, 7, 40)
    ours, theirs = _from_dense(dense), sp.csr_matrix(dense)
    x, y = rng.normal(size=40), rng.normal(size=7)
    y[2] = 0.0  # a zero dual: the row is skipped, the sums stay exact
    assert np.array_equal(ours.dot(x), theirs @ x)
    assert np.array_equal(ours.tdot(y), theirs.T @ y)
    some = np.array([39, 0, 7, 7, 22, 3])  # any order, repeats allowed
    assert np.array_equal(ours.structure_tdot_at(some, y), ours.structure().tdot(y)[some])
    cols = np.array([1, 4, 5, 20, 39])
    assert np.array_equal(ours.take_columns(cols).toarray(), dense[:, cols])
    assert np.array_equal(ours.take_rows([4, 0]).toarray(), dense[[4, 0]])
    assert np.array_equal(ours.values_at(np.array([39, 1, 1])), dense[:, [39, 1, 1]])
    assert np.array_equal(ours.abs_max_per_row(), np.abs(dense).max(axis=1))
    assert np.array_equal(ours.used_columns(), (dense != 0).any(axis=0))
    start, index, value = ours.column_wise()
    csc = sp.csc_matrix(dense)
    assert np.array_equal(start, csc.indptr)
    assert np.array_equal(index, csc.indices)
    assert np.array_equal(value, csc.data)
    rows = [(np.flatnonzero(dense[k]), dense[k][np.flatnonzero(dense[k])]) for k in range(7)]
    assert np.array_equal(RowMatrix.from_rows(rows, 40).toarray(), dense)
    stacked = vstack([ours, hstack([ours.take_rows([0]).pad_columns(0)])])
    assert np.array_equal(stacked.toarray(), np.vstack([dense, dense[[0]]]))
    with_slack = hstack([ours, diagonal(-np.ones(7))])
    assert np.array_equal(with_slack.toarray(), np.hstack([dense, -np.eye(7)]))


def test_highspy_linprog_gives_scipys_optimum_and_duals() -> None:
    optimize = pytest.importorskip("scipy.optimize")
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(5)
    n = 30
    c = rng.uniform(1.0, 10.0, size=n)
    a_eq = np.zeros((6, n))
    for k in range(6):  # six "workloads" of five candidates each pick one
        a_eq[k, 5 * k : 5 * k + 5] = 1.0
    a_ub = rng.uniform(0.0, 1.0, size=(2, n))
    b_ub = np.array([2.0, 2.5])
    ours, why = highs.linprog(c, _from_dense(a_ub), b_ub, _from_dense(a_eq), np.ones(6))
    theirs = optimize.linprog(
        c, A_ub=sp.csr_matrix(a_ub), b_ub=b_ub, A_eq=sp.csr_matrix(a_eq), b_eq=np.ones(6),
        method="highs-ds",
    )  # fmt: skip
    assert ours is not None, why
    assert ours.fun == pytest.approx(theirs.fun, rel=1e-9)
    assert np.allclose(ours.ineq_duals, theirs.ineqlin.marginals, atol=1e-7)
    assert np.allclose(ours.eq_duals, theirs.eqlin.marginals, atol=1e-7)
    infeasible, why = highs.linprog(c, None, None, _from_dense(a_eq), -np.ones(6))
    assert infeasible is None and "HiGHS" in why


def test_streamed_plan_json_is_the_plans_own_dump(fixture_catalog: Catalog, tmp_path: Path) -> None:
    problem = prepare(Fleet.model_validate(FLEET), fixture_catalog)
    outcome = optimise(problem, objective_spec(problem))
    draft = draft_plan(problem, outcome, created_at=NOW)
    whole = build_plan(problem, outcome, created_at=NOW)
    save_plan(draft.head, tmp_path / "streamed.json", draft.assignments())
    text = (tmp_path / "streamed.json").read_text("utf-8")
    assert text == whole.model_dump_json(indent=2) + "\n"
    assert load_plan(tmp_path / "streamed.json") == whole
    assert draft.head.totals == whole.totals  # totals without building the assignments
    save_plan(draft.head, tmp_path / "empty.json", [])
    assert json.loads((tmp_path / "empty.json").read_text("utf-8"))["assignments"] == []


def test_metrics_at_rows_equal_the_full_computation(fixture_catalog: Catalog) -> None:
    problem = prepare(Fleet.model_validate(FLEET), fixture_catalog)
    cands = problem.cands
    full = compute_metrics(
        fixture_catalog,
        cands.table,
        cands.fleet,
        (cands.wl, cands.offer, cands.purchase),
        {},
        None,
    )
    rows = np.array([len(cands) - 1, 0, 3, 3])  # any order, repeats
    some = cands.metrics.at(rows)
    for name in ("hours", "compute_usd", "total_usd", "energy_kwh", "carbon_kg", "gpus"):
        assert np.array_equal(getattr(some, name), getattr(full, name)[rows]), name
    assert np.array_equal(cands.metrics.total_usd, full.total_usd)
    assert np.array_equal(cands.metrics.gpus, full.gpus)


def test_plan_command_imports_neither_scipy_optimize_nor_scipy_sparse(tmp_path: Path) -> None:
    """The plan path's import floor (scipy.optimize ~0.6 s, scipy.sparse ~0.15 s)."""
    root = Path(__file__).resolve().parent.parent
    probe = (
        "import sys\n"
        "from cloudwright.cli.app import main\n"
        f"sys.argv = ['cloudwright', 'plan', {str(root / 'examples/fleet.yaml')!r}, "
        f"'--out', {str(tmp_path / 'plan.json')!r}, '-f', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('scipy.optimize', 'scipy.sparse'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=root, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "plan.json").is_file()
