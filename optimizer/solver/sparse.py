"""A small compressed-sparse-row matrix: the coupling rows and the solver's models.

The placement's matrices are few rows (coupling: capacity pools, budget, spot share) by many
columns (10^5–10^7 candidates), or the models handed to HiGHS. `scipy.sparse` would do, but
costs ~0.15 s to import, a fifth of a small plan's run; the handful of operations the solver
needs are a few numpy calls each.

Arithmetic follows scipy.sparse's order exactly (a row's entries summed left to right, a
column's contributions in row order), so figures are bit-for-bit what scipy computed.

Invariants: entries are sorted by (row, column), at most one per position; explicit zeros are
kept only where a caller puts them (`from_triplets(..., drop_zeros=False)`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np


@dataclass(frozen=True)
class RowMatrix:
    indptr: np.ndarray  # int64, n_rows + 1: row k's entries are indptr[k]:indptr[k + 1]
    indices: np.ndarray  # int64 column of each entry
    data: np.ndarray  # float64 value of each entry
    n_cols: int

    # ---- construction -------------------------------------------------------------
    @classmethod
    def from_triplets(
        cls,
        rows: np.ndarray,
        cols: np.ndarray,
        vals: np.ndarray,
        shape: tuple[int, int],
        *,
        drop_zeros: bool = True,
    ) -> RowMatrix:
        """From (row, column, value) entries, each position given at most once."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        vals = np.asarray(vals, dtype=np.float64)
        if drop_zeros:
            keep = vals != 0
            rows, cols, vals = rows[keep], cols[keep], vals[keep]
        order = np.lexsort((cols, rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        indptr = np.zeros(shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
        return cls(indptr, cols, vals, shape[1])

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[np.ndarray, np.ndarray]], n_cols: int) -> RowMatrix:
        """From each row's (columns, values), columns ascending; zeros left out. No sort:
        at 10^7 entries a sort's temporaries would be most of the plan's memory."""
        kept = [(c, v) if v.all() else (c[v != 0], v[v != 0]) for c, v in rows]
        indptr = np.zeros(len(kept) + 1, dtype=np.int64)
        np.cumsum([len(c) for c, _ in kept], out=indptr[1:])
        if not kept:
            return cls(indptr, _ints(0), np.zeros(0), n_cols)
        cols = np.concatenate([c for c, _ in kept]).astype(np.int64, copy=False)
        vals = np.concatenate([v for _, v in kept]).astype(np.float64, copy=False)
        return cls(indptr, cols, vals, n_cols)

    @classmethod
    def empty(cls, n_rows: int, n_cols: int) -> RowMatrix:
        return cls(np.zeros(n_rows + 1, dtype=np.int64), _ints(0), np.zeros(0), n_cols)

    @classmethod
    def dense_row(cls, values: np.ndarray) -> RowMatrix:
        """One row holding `values` (zeros left out, as scipy's csr_matrix(dense) does)."""
        cols = np.flatnonzero(values)
        return cls(
            np.array([0, len(cols)], dtype=np.int64), cols, values[cols].astype(float), len(values)
        )

    # ---- shape --------------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_rows, self.n_cols)

    @property
    def nnz(self) -> int:
        return len(self.data)

    @property
    def row_ids(self) -> np.ndarray:
        """The row of every entry (built on each call: not kept beside 10^7 entries)."""
        return np.repeat(np.arange(self.n_rows, dtype=np.int64), np.diff(self.indptr))

    def _per_entry(self, values: np.ndarray) -> np.ndarray:
        """values[row of each entry]."""
        return np.repeat(np.asarray(values, dtype=np.float64), np.diff(self.indptr))

    # ---- products -----------------------------------------------------------------
    def dot(self, x: np.ndarray) -> np.ndarray:
        """self · x (one value per row), each row summed left to right."""
        out = np.zeros(self.n_rows)
        for k in range(self.n_rows):
            lo, hi = int(self.indptr[k]), int(self.indptr[k + 1])
            if hi > lo:  # cumsum adds in order, as scipy's row loop does
                out[k] = np.cumsum(self.data[lo:hi] * x[self.indices[lo:hi]])[-1]
        return out

    def tdot(self, y: np.ndarray) -> np.ndarray:
        """selfᵀ · y (one value per column): row by row, so each column's terms add in row
        order (as scipy's) with row-sized temporaries only; a row with y = 0 adds nothing."""
        out = np.zeros(self.n_cols)
        for k in range(self.n_rows):
            if y[k] == 0:
                continue
            cols, vals = self.row(k)
            out[cols] += vals * y[k]  # a row holds each column at most once
        return out

    def structure_tdot_at(self, columns: np.ndarray, y: np.ndarray) -> np.ndarray:
        """`structure().tdot(y)[columns]` without touching the other columns: each row's
        sorted columns are searched for `columns`, and the terms add in row order as
        `tdot`'s do (the same floats)."""
        out = np.zeros(len(columns))
        for k in range(self.n_rows):
            cols, _ = self.row(k)
            if y[k] == 0 or not len(cols):
                continue
            at = np.minimum(np.searchsorted(cols, columns), len(cols) - 1)
            out[cols[at] == columns] += y[k]
        return out

    def count_dot(self, columns: np.ndarray) -> np.ndarray:
        """self · x where x counts how often each column appears in `columns`."""
        return self.dot(np.bincount(columns, minlength=self.n_cols).astype(float))

    # ---- parts --------------------------------------------------------------------
    def row(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Columns and values of row k."""
        lo, hi = int(self.indptr[k]), int(self.indptr[k + 1])
        return self.indices[lo:hi], self.data[lo:hi]

    def take_rows(self, rows: Sequence[int] | np.ndarray) -> RowMatrix:
        picked = [self.row(int(k)) for k in rows]
        lengths = [len(c) for c, _ in picked]
        indptr = np.zeros(len(picked) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        cols = np.concatenate([c for c, _ in picked]) if picked else _ints(0)
        vals = np.concatenate([v for _, v in picked]) if picked else np.zeros(0)
        return RowMatrix(indptr, cols.astype(np.int64), vals.astype(float), self.n_cols)

    def take_columns(self, columns: np.ndarray) -> RowMatrix:
        """The columns `columns` (ascending, distinct), renumbered 0..len(columns)-1."""
        # int32 positions (columns < 2^31): half the bytes to write and gather at 10^7.
        position = np.full(self.n_cols, -1, dtype=np.int32)
        position[columns] = np.arange(len(columns), dtype=np.int32)
        new = position[self.indices]
        del position
        keep = new >= 0
        # Entries kept per row, counted row by row (a few rows): a running count over every
        # entry (10^7 of them) was most of the cost.
        bounds = self.indptr.tolist()
        counts = [int(np.count_nonzero(keep[lo:hi])) for lo, hi in pairwise(bounds)]
        indptr = np.zeros(self.n_rows + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return RowMatrix(indptr, new[keep].astype(np.int64), self.data[keep], len(columns))

    def scale_rows(self, scale: np.ndarray) -> RowMatrix:
        return RowMatrix(self.indptr, self.indices, self.data * self._per_entry(scale), self.n_cols)

    def pad_columns(self, extra: int) -> RowMatrix:
        """The same rows with `extra` empty columns after the last."""
        return RowMatrix(self.indptr, self.indices, self.data, self.n_cols + extra)

    def structure(self) -> RowMatrix:
        """1 where self has an entry."""
        return RowMatrix(self.indptr, self.indices, np.ones(self.nnz), self.n_cols)

    def abs_max_per_row(self) -> np.ndarray:
        out = np.zeros(self.n_rows)
        for k in range(self.n_rows):
            _, values = self.row(k)
            if len(values):
                out[k] = float(np.abs(values).max())
        return out

    def used_columns(self) -> np.ndarray:
        """Mask of the columns with a nonzero entry."""
        used = np.zeros(self.n_cols, dtype=bool)
        used[self.indices[self.data != 0]] = True
        return used

    def values_at(self, columns: np.ndarray) -> np.ndarray:
        """Dense (rows × len(columns)) values at the given columns (any order, repeats)."""
        out = np.zeros((self.n_rows, len(columns)))
        for k in range(self.n_rows):
            cols, vals = self.row(k)
            if not len(cols):
                continue
            at = np.minimum(np.searchsorted(cols, columns), len(cols) - 1)
            hit = cols[at] == columns
            out[k, hit] = vals[at[hit]]
        return out

    def toarray(self) -> np.ndarray:
        out = np.zeros(self.shape)
        out[self.row_ids, self.indices] = self.data
        return out

    def column_wise(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(start, row index, value) of the same matrix stored by column, rows ascending
        within each column: what HiGHS (and scipy's CSC) take."""
        order = np.lexsort((self.row_ids, self.indices))
        start = np.zeros(self.n_cols + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.indices, minlength=self.n_cols), out=start[1:])
        return start, self.row_ids[order], self.data[order]


def hstack(blocks: Sequence[RowMatrix]) -> RowMatrix:
    """Blocks side by side (the same number of rows)."""
    n_rows = blocks[0].n_rows
    offset = 0
    rows, cols, vals = [], [], []
    for block in blocks:
        rows.append(block.row_ids)
        cols.append(block.indices + offset)
        vals.append(block.data)
        offset += block.n_cols
    return RowMatrix.from_triplets(
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(vals),
        (n_rows, offset),
        drop_zeros=False,
    )


def vstack(blocks: Sequence[RowMatrix]) -> RowMatrix:
    """Blocks one above the other (the same number of columns)."""
    indptr = [np.zeros(1, dtype=np.int64)]
    base = 0
    for block in blocks:
        indptr.append(block.indptr[1:] + base)
        base += block.nnz
    return RowMatrix(
        np.concatenate(indptr),
        np.concatenate([b.indices for b in blocks]),
        np.concatenate([b.data for b in blocks]),
        blocks[0].n_cols,
    )


def diagonal(values: np.ndarray) -> RowMatrix:
    """A square matrix with `values` on its diagonal (zeros kept: a slack column stays)."""
    n = len(values)
    return RowMatrix(
        np.arange(n + 1, dtype=np.int64), np.arange(n, dtype=np.int64), values.astype(float), n
    )


def _ints(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)
