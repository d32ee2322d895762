"""The readers over real Pulumi output from public repositories (../shared/data/pulumi-json).

These files were written by the Pulumi engine in other people's environments; the test
reads them in place (skips when ../shared is absent) and never copies them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.pricing import estimate
from cloudwright.resource_graph.load import load_graph
from cloudwright.resource_graph.model import COMPUTED

AWS = "pulumi-json/aws-preview-ec2-ebs-natgw-eks__rshade-infracost.json"
GCP = "pulumi-json/gcp-checkpoint-gke-cluster__demonccc-pulumi_gcp_gke.json"
AZURE_DIRTY = "pulumi-json/azure-checkpoint-linuxvm-aci__nicktolhurst-private-rmq.json"
AZURE_CLEAN = "pulumi-json/azure-checkpoint-linuxvm-aci-clean__nicktolhurst-private-rmq.json"


def test_aws_preview(shared_data: Path, fixture_catalog: Catalog) -> None:
    graph = load_graph(shared_data / AWS)
    assert graph.source == "preview-json" and len(graph) == 60
    custom = graph.custom_resources()
    assert all(r.op == "create" for r in custom)
    # Region only in the stack config; zones on volumes.
    assert {r.region for r in custom} == {"us-west-2"}
    node_group = next(r for r in custom if r.type == "aws:eks/nodeGroup:NodeGroup")
    assert node_group.inputs["subnetIds"] == [COMPUTED] * 3
    report = estimate(graph, fixture_catalog)
    statuses = {r.type: r.status for r in report.resources}
    # The fixture catalog has no us-west-2 prices: unknown, never $0.
    assert statuses["aws:ec2/instance:Instance"] == "unknown"
    assert statuses["aws:ec2/vpc:Vpc"] == "free"
    assert report.unsupported_types == {}  # RDS/Aurora are priced (pricing/aws/rds.py)
    instance = next(r for r in report.resources if r.type == "aws:ec2/instance:Instance")
    assert instance.monthly_usd is None
    assert [c.quantity for c in instance.components] == [730.0, 40.0]  # hours, root GB
    assert not report.totals.complete


def test_gcp_checkpoint_zone_on_provider(shared_data: Path, fixture_catalog: Catalog) -> None:
    graph = load_graph(shared_data / GCP)
    cluster = next(r for r in graph if r.type == "gcp:container/cluster:Cluster")
    assert (cluster.region, cluster.zone) == ("us-west1", "us-west1-a")
    report = estimate(graph, fixture_catalog)
    gke = next(r for r in report.resources if r.type == "gcp:container/cluster:Cluster")
    names = [c.name for c in gke.components]
    assert names[0] == "Cluster management fee"
    pool = gke.components[1]
    assert pool.name == "Default pool: Instance usage (Linux/UNIX, on-demand, n1-standard-1)"
    assert pool.quantity == 2 * 730  # initialNodeCount 2 in one zone
    # The disk type comes from the state's outputs (the provider's default at the time).
    assert gke.components[2].name.endswith("(standard persistent disk, pd-standard)")
    assert gke.components[2].quantity == 200
    assert gke.status == "partial"  # fee priced, n1-standard-1 not in the fixture catalog
    # Namespace and Deployment are free; the LoadBalancer Service is the GKE cluster's
    # forwarding rule, in the cluster's region (pricing/kubernetes.py).
    assert report.unsupported_types == {}
    service = next(r for r in report.resources if r.type == "kubernetes:core/v1:Service")
    assert service.region == "us-west1"
    assert service.components[0].name == "Forwarding rule (LoadBalancer service)"


def _with_uksouth(fixture_catalog: Catalog) -> Catalog:
    """The fixture catalog plus the rows the Azure sample needs (kept in this test only)."""
    import pandas as pd

    frames = {
        name: fixture_catalog.table(name).copy()
        for name in (
            "offerings",
            "regions",
            "gpus",
            "egress",
            "unit_prices",
            "coefficients",
            "latency",
        )
    }
    note = "test row: the real file's region and size"
    frames["offerings"] = pd.concat(
        [
            frames["offerings"],
            pd.DataFrame(
                [
                    {
                        "cloud": "azure",
                        "region": "uksouth",
                        "zone": None,
                        "instance_type": "Standard_B2s",
                        "gpu": None,
                        "gpu_count": 0,
                        "vcpus": 2,
                        "memory_gb": 4,
                        "arch": "x86_64",
                        "interconnect": "none",
                        "price_on_demand_usd_hr": 0.0496,
                        "source": note,
                        "source_date": "2026-05-20",
                        "snapshot_date": "2026-05-20",
                    }
                ]
            ),
        ]
    )
    frames["regions"] = pd.concat(
        [
            frames["regions"],
            pd.DataFrame(
                [
                    {
                        "cloud": "azure",
                        "region": "uksouth",
                        "country": "GBR",
                        "continent": "europe",
                        "lat": 51.5,
                        "lon": -0.1,
                        "grid_intensity_g_per_kwh": 200.0,
                        "grid_intensity_source": note,
                        "pue": 1.18,
                        "pue_source": note,
                        "source": note,
                        "source_date": "2026-05-20",
                    }
                ]
            ),
        ]
    )
    frames["unit_prices"] = pd.concat(
        [
            frames["unit_prices"],
            pd.DataFrame(
                [
                    {
                        "cloud": "azure",
                        "region": "uksouth",
                        "service": "managed_disk",
                        "product": "Standard_LRS",
                        "unit": "GB-month",
                        "usd_per_unit": 0.045,
                        "source": note,
                        "source_date": "2026-05-20",
                    }
                ]
            ),
        ]
    )
    return Catalog.from_frames(frames, fixture_catalog.snapshot_date)


def test_azure_dirty_and_clean_checkpoints_price_the_same(
    shared_data: Path, fixture_catalog: Catalog
) -> None:
    catalog = _with_uksouth(fixture_catalog)
    dirty = load_graph(shared_data / AZURE_DIRTY)
    clean = load_graph(shared_data / AZURE_CLEAN)
    assert dirty.notes and "15 resources pending deletion" in dirty.notes[0]
    priced = [estimate(g, catalog) for g in (dirty, clean)]
    totals = [r.totals.monthly_usd for r in priced]
    assert totals[0] == pytest.approx(totals[1])
    vm = [next(r for r in rep.resources if "linuxVirtualMachine" in r.type) for rep in priced]
    # Standard_B2S (dirty) and Standard_B2s (clean) are one Azure size.
    assert vm[0].monthly_usd == pytest.approx(vm[1].monthly_usd)
    assert vm[0].status == "priced"
    # B2s + the 30 GB OS disk, billed as its size tier S4 (32 GiB)
    assert vm[0].monthly_usd == pytest.approx(0.0496 * 730 + 0.045 * 32)
    assert vm[0].carbon_kg_month and vm[0].carbon_kg_month > 0
    # No resource is counted twice.
    urns = [r.urn for r in priced[0].resources if r.counted]
    assert len(urns) == len(set(urns))


def test_real_files_with_the_shipped_snapshot(shared_data: Path) -> None:
    """Deliberately the shipped catalog: the real files' regions and sizes are priced by it.
    Only structure is asserted, so a price refresh does not churn the test."""
    from cloudwright.optimizer.catalog.catalog import PACKAGED_SNAPSHOT

    if not (PACKAGED_SNAPSHOT / "manifest.json").is_file():
        pytest.skip("no shipped catalog snapshot in this checkout")
    catalog = Catalog.load()
    dirty, clean = (
        estimate(load_graph(shared_data / f), catalog) for f in (AZURE_DIRTY, AZURE_CLEAN)
    )
    assert dirty.totals.monthly_usd == pytest.approx(clean.totals.monthly_usd)
    vm = next(r for r in clean.resources if "linuxVirtualMachine" in r.type)
    assert vm.status == "priced" and (vm.monthly_usd or 0) > 0
    gke = estimate(load_graph(shared_data / GCP), catalog)
    cluster = next(r for r in gke.resources if r.type == "gcp:container/cluster:Cluster")
    assert cluster.status == "priced" and len(cluster.components) == 3
    aws = estimate(load_graph(shared_data / AWS), catalog)
    priced = {r.type for r in aws.resources if r.status == "priced"}
    assert {
        "aws:ebs/volume:Volume",
        "aws:eks/cluster:Cluster",
        "aws:ec2/natGateway:NatGateway",
    } <= priced
