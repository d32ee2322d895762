"""How fast `cloudwright cost` prices and renders big graphs: 1,000 and 10,000 resources.

A generated graph mixes what real stacks hold (per 20 resources: GPU instances, an Auto
Scaling group and its launch template, EBS volumes, buckets, a NAT gateway, GCE instances,
GKE node pools, disks, Azure VMs and disks, networking on the free list, one unsupported
type) across the three clouds. Prints seconds per step and peak memory. Goal: a 1,000-
resource graph priced and rendered in a few seconds.

    .venv/bin/python benchmarks/cost_scale.py [--sizes 1000 10000] [--catalog DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cloudwright.optimizer.catalog import Catalog  # noqa: E402
from cloudwright.pricing import estimate  # noqa: E402
from cloudwright.pricing.usage import Usage  # noqa: E402
from cloudwright.resource_graph.model import Graph, Resource, cloud_of_type  # noqa: E402
from cloudwright.resource_graph.regions import resolve_regions  # noqa: E402

TEMPLATE: list[tuple[str, dict[str, Any]]] = [
    (
        "aws:ec2/instance:Instance",
        {"instanceType": "p5.48xlarge", "rootBlockDevice": {"volumeSize": 200}},
    ),
    (
        "aws:ec2/instance:Instance",
        {"instanceType": "g6.xlarge", "rootBlockDevice": {"volumeSize": 100}},
    ),
    ("aws:ec2/launchTemplate:LaunchTemplate", {"instanceType": "p4d.24xlarge"}),
    ("aws:autoscaling/group:Group", {"desiredCapacity": 2}),
    ("aws:ebs/volume:Volume", {"type": "gp3", "size": 1000, "iops": 6000}),
    ("aws:s3/bucket:Bucket", {}),
    ("aws:ec2/natGateway:NatGateway", {}),
    ("aws:ec2/subnet:Subnet", {"cidrBlock": "10.0.0.0/24"}),
    ("aws:ec2/securityGroup:SecurityGroup", {}),
    ("gcp:compute/instance:Instance", {"machineType": "a3-highgpu-8g", "zone": "us-central1-a"}),
    (
        "gcp:container/nodePool:NodePool",
        {
            "nodeCount": 3,
            "location": "us-central1-a",
            "nodeConfig": {"machineType": "g2-standard-4"},
        },
    ),
    ("gcp:compute/disk:Disk", {"type": "pd-balanced", "size": 500, "zone": "us-central1-a"}),
    ("gcp:storage/bucket:Bucket", {"location": "US-CENTRAL1"}),
    ("gcp:compute/firewall:Firewall", {}),
    (
        "azure-native:compute:VirtualMachine",
        {"location": "eastus", "hardwareProfile": {"vmSize": "Standard_ND96isr_H100_v5"}},
    ),
    (
        "azure-native:compute:Disk",
        {"location": "eastus", "sku": {"name": "Premium_LRS"}, "diskSizeGB": 1024},
    ),
    (
        "azure-native:storage:StorageAccount",
        {"location": "eastus", "sku": {"name": "Standard_LRS"}},
    ),
    ("azure-native:network:VirtualNetwork", {"location": "eastus"}),
    ("azure-native:containerservice:AgentPool", {"vmSize": "Standard_NC4as_T4_v3", "count": 2}),
    ("aws:cloudwatch/logGroup:LogGroup", {}),
]
CONFIG = {"aws:region": "us-east-1", "gcp:region": "us-central1", "azure-native:location": "eastus"}


def generated_graph(size: int) -> Graph:
    resources: list[Resource] = []
    for number in range(size):
        type_token, inputs = TEMPLATE[number % len(TEMPLATE)]
        name = f"r{number}"
        resource = Resource(
            urn=f"urn:pulumi:bench::scale::{type_token}::{name}",
            type=type_token,
            name=name,
            cloud=cloud_of_type(type_token),
            inputs=dict(inputs),
            workload=f"w{number % 7}",
        )
        if type_token == "aws:autoscaling/group:Group":
            template = resources[-1]  # the launch template just before it
            resource.inputs["launchTemplate"] = {"name": template.name}
        resources.append(resource)
    resolve_regions(resources, CONFIG)
    return Graph(source="offline-preview", resources=resources, project="scale", stack="bench")


def timed(label: str, step: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = step()
    print(f"  {label:<22} {time.perf_counter() - start:8.3f} s")
    return result


def pipeline(size: int, catalog: Catalog, *, show: bool) -> tuple[Any, int]:
    """Generate, price and render; returns the report and the HTML size."""
    import json

    from cloudwright.reports.csv_out import render_csv
    from cloudwright.reports.focus import render_focus
    from cloudwright.reports.html import render_html
    from cloudwright.reports.table import render_text

    step = timed if show else (lambda _label, fn: fn())
    graph = step("generate graph", lambda: generated_graph(size))
    usage = Usage(defaults={"*": {"storage_gb": 1000, "data_processed_gb": 100}})
    report = step("estimate", lambda: estimate(graph, catalog, usage=usage))
    step("render table", lambda: render_text(report, width=160))
    step("render json", lambda: json.dumps(report.to_json()))
    step("render csv", lambda: render_csv(report))
    step("render focus", lambda: render_focus(report))
    html = step("render html", lambda: render_html(report))
    return report, len(html)


def run(size: int, catalog: Catalog) -> None:
    print(f"== {size:,} resources")
    start = time.perf_counter()
    report, html_bytes = pipeline(size, catalog, show=True)
    total = time.perf_counter() - start
    # Peak memory in a second, untimed pass: tracemalloc slows allocation several-fold.
    tracemalloc.start()
    pipeline(size, catalog, show=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  {'total':<22} {total:8.3f} s   peak memory {peak / 2**20:,.1f} MiB   "
        f"monthly ${report.totals.monthly_usd:,.0f}   HTML {html_bytes / 2**10:,.0f} KiB   "
        f"statuses {report.totals.resources}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--catalog", type=Path, default=ROOT / "tests" / "fixtures" / "catalog")
    args = parser.parse_args()
    catalog = Catalog.load(args.catalog)
    catalog.region_offerings  # noqa: B018 - load the tables outside the timings
    catalog.unit_prices  # noqa: B018
    for size in args.sizes:
        run(size, catalog)


if __name__ == "__main__":
    main()
