"""Inference served from several regions: one workload, one part per user population.

A workload with `placement.max_regions` > 1 and two or more user populations
(`Workload.is_split`) reaches the solver as one part per population (`expand_splits`), named
`<workload>@<population>`. Each part carries the population alone (so the latency filter
holds that population to the SLO by itself), its share of the replicas (the population's
weight share, largest remainder, at least one each: a region that serves a population needs a
replica there) and of the serving egress, and none of the once-per-region costs (object
storage and parallel FS copies, the data copied in, the cluster's NAT/address/key): those
belong to each region the parts land in and are weighed by the solver's deployment binaries
(solver/splits.py). `merge_key` groups the chosen parts back into one assignment per region.

Invariants: a fleet without split workloads is returned as is (same object); parts keep the
parent's order position (the parent is replaced by its parts, in population order).
"""

from __future__ import annotations

import math

from cloudwright.optimizer.fleet.spec import (
    PART_SEPARATOR,
    Fleet,
    GpuRequest,
    SplitPart,
    StorageSpec,
    Workload,
)

SEPARATOR = PART_SEPARATOR


def expand_splits(fleet: Fleet) -> Fleet:
    """`fleet` with every split workload replaced by its per-population parts."""
    if not any(w.is_split for w in fleet.workloads):
        return fleet
    workloads: list[Workload] = []
    for w in fleet.workloads:
        workloads.extend(split_parts(w) if w.is_split else [w])
    out = fleet.model_copy(update={"workloads": workloads})
    out._source = fleet.source
    return out


def replica_shares(total: int, weights: list[float]) -> list[int]:
    """`total` replicas apportioned by weight (largest remainder), at least one each."""
    whole = sum(weights)
    exact = [total * wt / whole for wt in weights]
    base = [max(1, math.floor(x)) for x in exact]
    left = total - sum(base)
    by_remainder = sorted(
        range(len(weights)), key=lambda k: (-(exact[k] - math.floor(exact[k])), k)
    )
    for k in by_remainder[: max(left, 0)]:
        base[k] += 1
    return base


def split_parts(w: Workload) -> list[Workload]:
    weights = [u.weight for u in w.users]
    whole = sum(weights)
    work = w.gpu.h100_equivalents
    replicas = replica_shares(w.node_count, weights) if work is None else None
    parts = []
    for k, user in enumerate(w.users):
        share = user.weight / whole
        update: dict[str, object] = {
            "name": f"{w.name}{SEPARATOR}{user.name}",
            "users": [user],
            "storage": StorageSpec(),
            "data": None,
            "egress_gb_month": w.egress_gb_month * share,
        }
        if replicas is not None:
            update["replicas"] = update["nodes"] = replicas[k]
        elif work is not None:  # sized by work: each part does its population's share
            update["gpu"] = GpuRequest.model_construct(
                type=w.gpu.type, count=w.gpu.count, h100_equivalents=work * share
            )
        part = w.model_copy(update=update)
        part._unrated = w.unrated
        part._split = SplitPart(parent=w, population=user.name, share=share, index=k)
        parts.append(part)
    return parts


def split_groups(fleet: Fleet) -> dict[str, list[int]]:
    """Parent workload name → the indexes of its parts in `fleet` (population order)."""
    out: dict[str, list[int]] = {}
    for i, w in enumerate(fleet.workloads):
        if w.split is not None:
            out.setdefault(w.split.parent.name, []).append(i)
    return out
