"""HiGHS through its own Python API (highspy): the LPs and MILPs of the solver paths.

`highspy` costs ~0.06 s to import beyond numpy; `scipy.optimize`, which wraps the same
solver, ~0.6 s, most of a small plan's run time. The calls mirror what scipy's `linprog`
(`highs-ds`, `highs-ipm`) and `milp` hand HiGHS — rows in the same order (LP: `≤` rows, then
`=` rows; MILP: `=` rows, then `≤` rows), column-wise matrix (rows ascending in a column), the same options — so the
solutions are the ones the scipy calls gave. Row duals keep scipy's sign convention (the
objective's derivative in each row's bound: ≤ 0 on a binding `≤` row when minimising).

Invariants: nothing reaches stdout (HiGHS's banner and a stray debug print in some MIP
builds are discarded, see `silence_native_stdout`); a model HiGHS cannot solve returns None
with HiGHS's own words for why.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np

from cloudwright.optimizer.solver.sparse import RowMatrix, vstack

_LIMIT_STATUSES = ("kTimeLimit", "kIterationLimit", "kSolutionLimit")


@dataclass(frozen=True)
class LpSolution:
    x: np.ndarray
    fun: float
    ineq_duals: np.ndarray  # per `≤` row (scipy's `ineqlin.marginals`)
    eq_duals: np.ndarray  # per `=` row (scipy's `eqlin.marginals`)


@dataclass(frozen=True)
class MilpSolution:
    x: np.ndarray | None  # None: no integer solution found
    optimal: bool  # False: stopped at a limit with a feasible solution (or none)
    fun: float
    message: str


@contextmanager
def silence_native_stdout() -> Iterator[None]:
    """Discard what HiGHS's C++ code writes to stdout while it runs.

    We ask HiGHS for silence (`output_flag` off) and read results from its return values;
    the banner and some builds' debug print in the MIP solver (HiGHS issue #2783) still
    reach fd 1, which would corrupt `--format json` on stdout and clutter the terminal."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no usable fd 1 (embedded interpreters): nothing to protect
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def linprog(
    c: np.ndarray,
    a_ub: RowMatrix | None,
    b_ub: np.ndarray | None,
    a_eq: RowMatrix,
    b_eq: np.ndarray,
    *,
    ipm: bool = False,
) -> tuple[LpSolution | None, str]:
    """min cᵀx s.t. a_ub·x ≤ b_ub, a_eq·x = b_eq, x ≥ 0: dual simplex, or interior point
    with crossover (`ipm`). Returns (solution, "") or (None, why)."""
    n_ub = 0 if a_ub is None or b_ub is None else len(b_ub)
    blocks = [a_eq] if a_ub is None or not n_ub else [a_ub, a_eq]
    lower = np.concatenate([np.full(n_ub, -highspy.kHighsInf), b_eq])
    upper = np.concatenate([b_ub if n_ub and b_ub is not None else np.zeros(0), b_eq])
    options: dict[str, bool | float | int | str] = {
        "solver": "ipm" if ipm else "simplex",
        "simplex_strategy": 1,
    }
    n = len(c)
    with silence_native_stdout():
        highs = _highs(options)
        _pass(highs, c, vstack(blocks), lower, upper, np.full(n, np.inf), None)
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            return None, _why(highs, status)
        solution = highs.getSolution()
        fun = float(highs.getInfo().objective_function_value)
    x = np.asarray(solution.col_value, dtype=np.float64)
    duals = np.asarray(solution.row_dual, dtype=np.float64)
    return LpSolution(x, fun, duals[:n_ub], duals[n_ub:]), ""


def milp(
    c: np.ndarray,
    a_eq: RowMatrix,
    b_eq: np.ndarray,
    a_ub: RowMatrix,
    b_ub: np.ndarray,
    *,
    upper: np.ndarray,
    integral: np.ndarray,
    time_limit_s: float,
    mip_rel_gap: float,
) -> MilpSolution:
    """min cᵀx s.t. a_eq·x = b_eq, a_ub·x ≤ b_ub, 0 ≤ x ≤ upper, x integral where
    `integral`."""
    n_ub = a_ub.shape[0]
    matrix = vstack([a_eq, a_ub]) if n_ub else a_eq
    lower = np.concatenate([b_eq, np.full(n_ub, -highspy.kHighsInf)])
    rows_upper = np.concatenate([b_eq, b_ub])
    options: dict[str, bool | float | int | str] = {
        "time_limit": float(time_limit_s),
        "mip_rel_gap": mip_rel_gap,
    }
    with silence_native_stdout():
        highs = _highs(options)
        _pass(highs, c, matrix, lower, rows_upper, upper, integral)
        highs.run()
        status = highs.getModelStatus()
        info = highs.getInfo()
        fun = float(info.objective_function_value)
        optimal = status == highspy.HighsModelStatus.kOptimal
        limited = status.name in _LIMIT_STATUSES and fun != highspy.kHighsInf
        if not (optimal or limited):
            return MilpSolution(None, False, float("nan"), _why(highs, status))
        x = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    return MilpSolution(x, optimal, fun, highs.modelStatusToString(status))


def _highs(options: dict[str, bool | float | int | str]) -> highspy.Highs:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("log_to_console", False)
    for key, value in options.items():
        highs.setOptionValue(key, value)
    return highs


def _pass(
    highs: highspy.Highs,
    c: np.ndarray,
    matrix: RowMatrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_upper: np.ndarray,
    integral: np.ndarray | None,
) -> None:
    lp = highspy.HighsLp()
    n, m = len(c), matrix.n_rows
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = np.ascontiguousarray(c, dtype=np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.where(np.isinf(col_upper), highspy.kHighsInf, col_upper).astype(np.float64)
    lp.row_lower_ = np.ascontiguousarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.ascontiguousarray(row_upper, dtype=np.float64)
    a = lp.a_matrix_
    a.format_ = highspy.MatrixFormat.kColwise
    a.num_col_, a.num_row_ = n, m
    start, index, value = matrix.column_wise()
    a.start_ = start.astype(np.int32)
    a.index_ = index.astype(np.int32)
    a.value_ = value
    if integral is not None and integral.any():
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[int(flag)] for flag in integral]
    highs.passModel(lp)


def _why(highs: highspy.Highs, status: highspy.HighsModelStatus) -> str:
    return f"HiGHS: {highs.modelStatusToString(status)}"
