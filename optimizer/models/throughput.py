"""Work-sized workloads: how many chips of a family do the work of N H100s.

A workload with `gpu: {type: [...], h100_equivalents: N}` asks for the work rate of N H100
(SXM) GPUs. For each family it may run on, the ratio r (work per chip ÷ work per H100 chip)
is the workload's own `throughput: {family: r}` (user-given) or else the catalog's
`throughput` table (MLPerf, the row marked `preferred` for the workload's kind); the H100
itself is 1 by definition. The family then needs ceil(N ÷ r) chips, rounded up to whole
nodes (a node's GPUs, a TPU slice's chips): nodes = ceil(chips ÷ chips per node). Families
without a ratio are left out with the reason; no ratio is ever assumed.

Workload kinds map to MLPerf as: training → Training (chip-hours); inference → Inference,
Server scenario (latency-bounded serving); batch → Inference, Offline scenario (throughput).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from weakref import WeakKeyDictionary

import numpy as np

from cloudwright.core.errors import InfeasibleError

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog


class _Gpu(Protocol):
    @property
    def type(self) -> list[str]: ...
    @property
    def h100_equivalents(self) -> float | None: ...


class _Offers(Protocol):
    @property
    def gpu(self) -> np.ndarray: ...
    @property
    def gpu_count(self) -> np.ndarray: ...


class Workload(Protocol):
    """What sizing reads of a fleet workload (models sit below the fleet layer)."""

    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def gpu(self) -> _Gpu: ...
    @property
    def throughput(self) -> dict[str, float] | None: ...


REFERENCE = "H100"
USER_GIVEN = "user-given"  # the workload's own `throughput` entry
# workload kind → (throughput-table kind, MLPerf Inference scenario or None)
KIND_ROWS: dict[str, tuple[str, str | None]] = {
    "training": ("training", None),
    "inference": ("inference", "Server"),
    "batch": ("inference", "Offline"),
}


@dataclass(frozen=True)
class Ratio:
    """Work per chip of `family` relative to one H100, and where that figure comes from."""

    family: str
    value: float
    source: str  # USER_GIVEN, "reference", or the table row's repo@commit
    benchmark: str | None = None
    round: str | None = None
    method: str = ""

    @property
    def user_given(self) -> bool:
        return self.source == USER_GIVEN

    def label(self) -> str:
        """`0.495 (MLPerf gpt3 v4.0)`, `0.45 (user-given)`, `1 (H100 reference)`."""
        if self.user_given:
            return f"{self.value:g} (user-given)"
        if self.benchmark is None:
            return f"{self.value:g} (H100 reference)"
        return f"{self.value:g} (MLPerf {self.benchmark} {self.round})"


_MEASURED: WeakKeyDictionary[Catalog, dict[tuple[str, str | None], dict[str, Ratio]]] = (
    WeakKeyDictionary()
)


def measured(catalog: Catalog, kind: str) -> dict[str, Ratio]:
    """family → the catalog's preferred MLPerf ratio for a workload of `kind`."""
    key = KIND_ROWS[kind]
    per_catalog = _MEASURED.setdefault(catalog, {})
    if key not in per_catalog:
        table = catalog.throughput
        rows = table[table["preferred"].fillna(False).astype(bool) & (table["kind"] == key[0])]
        if key[1] is not None:
            rows = rows[rows["scenario"] == key[1]]
        per_catalog[key] = {
            str(r["family"]): Ratio(
                str(r["family"]),
                float(r["ratio"]),
                f"{r['source']} ({r['source_date']})",
                str(r["benchmark"]),
                str(r["round"]),
                str(r["method"]),
            )
            for r in rows.to_dict("records")
        }
    return per_catalog[key]


def ratio_for(catalog: Catalog, w: Workload, family: str) -> Ratio | None:
    """The ratio `w` uses for `family`: its own, else MLPerf's, else (H100) 1; None: none."""
    given = (w.throughput or {}).get(family)
    if given is not None:
        return Ratio(family, float(given), USER_GIVEN)
    if family == REFERENCE:
        return Ratio(family, 1.0, "reference: one H100 is one H100-equivalent")
    return measured(catalog, w.kind).get(family)


def missing_reason(family: str, kind: str) -> str:
    return (
        f"{family} has no measured throughput ratio for {kind}; give one: "
        f"throughput: {{{family}: 0.45}}"
    )


def split_families(catalog: Catalog, w: Workload) -> tuple[list[str], list[str]]:
    """(families of `w` with a ratio, reasons for those without one)."""
    rated, reasons = [], []
    for family in w.gpu.type:
        if ratio_for(catalog, w, family) is None:
            reasons.append(missing_reason(family, w.kind))
        else:
            rated.append(family)
    return rated, reasons


def chips_for(h100_equivalents: float, ratio: float) -> int:
    # 1e-9 keeps 64 ÷ 0.5 from becoming 129 through float noise.
    return max(1, math.ceil(h100_equivalents / ratio - 1e-9))


def nodes_for(h100_equivalents: float, ratio: float, chips_per_node: int) -> int:
    return max(1, math.ceil(chips_for(h100_equivalents, ratio) / max(chips_per_node, 1)))


@dataclass(frozen=True)
class WorkSizing:
    """Per-workload ratios of the work-sized workloads of a fleet, for row-wise sizing."""

    h100_equivalents: dict[int, float]  # workload index → N
    ratios: dict[int, dict[str, Ratio]]  # workload index → family → ratio

    @classmethod
    def of(cls, catalog: Catalog, workloads: Sequence[Workload]) -> WorkSizing:
        equivalents, ratios = {}, {}
        for i, w in enumerate(workloads):
            if w.gpu.h100_equivalents is None:
                continue
            equivalents[i] = float(w.gpu.h100_equivalents)
            found = {f: ratio_for(catalog, w, f) for f in w.gpu.type}
            ratios[i] = {f: r for f, r in found.items() if r is not None}
        return cls(equivalents, ratios)

    def sized(self, i: int) -> bool:
        return i in self.h100_equivalents

    def nodes_one(self, i: int, family: str, chips_per_node: int) -> int:
        """Nodes of one offer of work-sized workload `i` (its family must have a ratio)."""
        ratio = self.ratios[i][family]
        return nodes_for(self.h100_equivalents[i], ratio.value, chips_per_node)

    def drop_oversized(
        self,
        workloads: Sequence[Workload],
        table: _Offers,
        rows: tuple[np.ndarray, np.ndarray, np.ndarray],
        limit: int,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`rows` (workload, offer, purchase) without the work-sized ones needing more than
        `limit` nodes; InfeasibleError when a workload has no row left."""
        wl, offer, buy = rows
        nodes = self.nodes(wl, table.gpu[offer], table.gpu_count[offer], np.ones(len(wl)))
        keep = nodes <= limit
        if keep.all():
            return rows
        left = np.bincount(wl[keep], minlength=len(workloads))
        for i in self.h100_equivalents:
            if left[i] == 0:
                w = workloads[i]
                raise InfeasibleError(
                    f"workload {w.name}: {w.gpu.h100_equivalents:g} H100-equivalents need more "
                    f"than {limit} nodes on every offer of {'/'.join(w.gpu.type)}",
                    hint="split it into several workloads, or allow bigger nodes or faster chips",
                )
        return wl[keep], offer[keep], buy[keep]

    def nodes(
        self,
        wl: np.ndarray,
        gpu: np.ndarray,
        gpu_count: np.ndarray,
        fixed: np.ndarray,
    ) -> np.ndarray:
        """Nodes per candidate row: `fixed` (the workload's own node count) unless the row's
        workload is sized by work, then the nodes its offer needs for that work."""
        out = np.array(fixed, dtype=float, copy=True)
        for i, n in self.h100_equivalents.items():
            rows = np.flatnonzero(wl == i)
            if rows.size == 0:
                continue
            for family, ratio in self.ratios[i].items():
                hit = rows[gpu[rows] == family]
                if hit.size == 0:
                    continue
                chips = chips_for(n, ratio.value)
                per_node = np.maximum(gpu_count[hit].astype(float), 1.0)
                out[hit] = np.maximum(np.ceil(chips / per_node - 1e-9), 1.0)
        return out
