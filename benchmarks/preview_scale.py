"""How fast the offline preview turns a large plan into a resource graph.

Builds a fleet of GPU clusters across the three clouds (AWS p5.48xlarge, GCP a3-megagpu-8g,
Azure ND96isr H100 v5, each with object storage and a parallel file system) big enough for
~1,000 resources, runs the real stack program under Pulumi mocks, and prints the resource
count, wall-clock and CPU seconds for a cold run (SDK imports included) and a warm one, and
the process's peak resident memory. On a shared machine trust the CPU figure more. Uses the frozen test catalog so the numbers do not move
with price refreshes.

    .venv/bin/python benchmarks/preview_scale.py [--workloads 30]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cloudwright.optimizer.catalog import Catalog  # noqa: E402
from cloudwright.optimizer.plan import (  # noqa: E402
    Assignment,
    CatalogRef,
    CostBreakdown,
    Plan,
    Storage,
    Totals,
    content_id,
)

SHAPES = (
    ("aws", "us-east-1", "p5.48xlarge", "EFA", "use1-az2"),
    ("gcp", "us-central1", "a3-megagpu-8g", "GPUDirect-TCPXO", "us-central1-a"),
    ("azure", "eastus", "Standard_ND96isr_H100_v5", "InfiniBand", None),
)


def fleet(workloads: int) -> Plan:
    """A synthetic plan (placement only: the preview reads no prices)."""
    assignments = []
    for i in range(workloads):
        cloud, region, instance_type, fabric, zone = SHAPES[i % len(SHAPES)]
        assignments.append(
            Assignment(
                workload=f"train-{i:03d}",
                kind="training",
                cloud=cloud,
                region=region,
                zone=zone,
                instance_type=instance_type,
                gpu="H100",
                gpu_count=8,
                nodes=4,
                pricing="on_demand",
                interconnect=fabric,
                interconnect_required=True,
                hourly_usd=0.0,
                monthly_usd=0.0,
                cost=CostBreakdown(compute_usd=0.0),
                hours_per_month=730.0,
                energy_kwh_month=0.0,
                carbon_kg_month=0.0,
                storage=Storage(object_tb=20, parallel_fs_tb=30),
                why="benchmark",
            )
        )
    draft = Plan(
        created_at="2026-05-20T00:00:00Z",
        catalog=CatalogRef(snapshot_date="2026-05-20"),
        objective="balanced",
        assignments=assignments,
        totals=Totals(monthly_usd=0.0, energy_kwh_month=0.0, carbon_kg_month=0.0),
    )
    return draft.model_copy(update={"id": content_id(draft)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=30)
    args = parser.parse_args()
    catalog = Catalog.load(ROOT / "tests" / "fixtures" / "catalog")
    the_plan = fleet(args.workloads)

    from cloudwright.resource_graph.offline import preview_plan

    timings = []
    for run in ("cold", "warm"):
        start, cpu = time.perf_counter(), time.process_time()
        graph = preview_plan(the_plan, catalog=catalog)
        timings.append((run, time.perf_counter() - start, time.process_time() - cpu))
    custom = len(graph.custom_resources())
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"workloads: {args.workloads} (clusters of 4 nodes on aws, gcp, azure)")
    print(f"resources: {len(graph)} registrations ({custom} cloud resources)")
    for run, seconds, cpu_seconds in timings:
        print(
            f"{run} run: {seconds:.2f} s wall, {cpu_seconds:.2f} s CPU "
            f"({len(graph) / seconds:.0f} resources/s)"
        )
    print(f"peak memory: {peak_mib:.0f} MiB (process max RSS)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
