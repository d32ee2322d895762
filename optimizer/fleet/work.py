"""Resolve step for work-sized workloads (`gpu.h100_equivalents`): canonical family names in
`throughput`, and families without a throughput ratio left out with the reason.

A workload none of whose families has a ratio cannot be sized: `InfeasibleError` (exit 3)
at its `gpu.type` line, saying how to give one. See optimizer/models/throughput.py.
"""

from __future__ import annotations

from collections.abc import Callable

from cloudwright.core.errors import InfeasibleError
from cloudwright.core.yamlsource import SourceMap, format_path
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import GpuRequest, Workload
from cloudwright.optimizer.models.throughput import split_families

Path_ = tuple[str | int, ...]


def canonical_throughput(
    w: Workload, at: Path_, gpu_name: Callable[[str, Path_], str]
) -> dict[str, float] | None:
    """`w.throughput` keyed by the catalog's family names (unknown names raise there)."""
    if w.throughput is None:
        return None
    return {gpu_name(k, (*at, "throughput", k)): v for k, v in w.throughput.items()}


def size_by_work(
    catalog: Catalog, w: Workload, gpu: GpuRequest, at: Path_, src: SourceMap
) -> tuple[GpuRequest, tuple[str, ...]]:
    """(`gpu` keeping only families with a ratio, the reasons for the others)."""
    if gpu.h100_equivalents is None:
        return gpu, ()
    probe = w.model_copy(update={"gpu": gpu})
    rated, reasons = split_families(catalog, probe)
    if not rated:
        where = (*at, "gpu", "type")
        raise InfeasibleError(
            f"{src.location(where)}: {format_path(where)}: workload {w.name!r} cannot be sized "
            "by work: " + "; ".join(reasons)
        )
    unrated = (*w.unrated, *reasons)
    if rated == gpu.type:
        return gpu, unrated
    return gpu.model_copy(update={"type": rated}), unrated
