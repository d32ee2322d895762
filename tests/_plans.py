"""Plans built in code for the components/stack/preview tests (no optimizer needed)."""

from __future__ import annotations

from typing import Any

from cloudwright.optimizer.plan import (
    Assignment,
    CatalogRef,
    CostBreakdown,
    Plan,
    Storage,
    Totals,
    content_id,
)


def assignment(
    workload: str,
    cloud: str,
    region: str,
    instance_type: str,
    *,
    nodes: int = 4,
    zone: str | None = None,
    gpu: str | None = "H100",
    gpu_count: int = 8,
    interconnect: str = "none",
    pricing: str = "on_demand",
    storage: Storage | None = None,
    kind: str = "training",
    tags: dict[str, str] | None = None,
) -> Assignment:
    return Assignment(
        workload=workload,
        kind=kind,  # type: ignore[arg-type]
        cloud=cloud,
        region=region,
        zone=zone,
        instance_type=instance_type,
        gpu=gpu,
        gpu_count=gpu_count,
        nodes=nodes,
        pricing=pricing,  # type: ignore[arg-type]
        interconnect=interconnect,
        interconnect_required=interconnect != "none",
        hourly_usd=1.0,
        monthly_usd=730.0,
        cost=CostBreakdown(compute_usd=730.0),
        hours_per_month=730.0,
        energy_kwh_month=1.0,
        carbon_kg_month=1.0,
        storage=storage or Storage(),
        why="test",
        tags=tags or {},
    )


def plan(*assignments: Assignment, **kwargs: Any) -> Plan:
    draft = Plan(
        created_at="2026-05-20T00:00:00Z",
        catalog=CatalogRef(snapshot_date="2026-05-20"),
        objective="balanced",
        assignments=list(assignments),
        totals=Totals(monthly_usd=0.0, energy_kwh_month=0.0, carbon_kg_month=0.0),
        **kwargs,
    )
    return draft.model_copy(update={"id": content_id(draft)})


def p5_cluster(nodes: int = 4, **kwargs: Any) -> Assignment:
    kwargs.setdefault("zone", "use1-az2")
    kwargs.setdefault("storage", Storage(object_tb=50, parallel_fs_tb=10))
    return assignment(
        "llm-pretrain", "aws", "us-east-1", "p5.48xlarge", nodes=nodes, interconnect="EFA", **kwargs
    )


def a3_mega_cluster(nodes: int = 2, **kwargs: Any) -> Assignment:
    kwargs.setdefault("zone", "us-central1-a")
    kwargs.setdefault("storage", Storage(object_tb=20, parallel_fs_tb=30))
    return assignment(
        "finetune",
        "gcp",
        "us-central1",
        "a3-megagpu-8g",
        nodes=nodes,
        interconnect="GPUDirect-TCPXO",
        **kwargs,
    )


def nd_h100_cluster(nodes: int = 2, **kwargs: Any) -> Assignment:
    kwargs.setdefault("storage", Storage(object_tb=10, parallel_fs_tb=20))
    return assignment(
        "research",
        "azure",
        "eastus",
        "Standard_ND96isr_H100_v5",
        nodes=nodes,
        interconnect="InfiniBand",
        **kwargs,
    )
