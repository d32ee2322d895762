"""GCP GPUs and addresses: attached GPUs priced once (host + GPU), spot GPU rates, bundled
GPUs never a second line, the attached shape's energy on the host line, and static IPs by
what uses them. The golden cases hold the full breakdowns; these check the reasoning."""

from __future__ import annotations

from typing import Any

import pytest
from _plans import assignment, plan

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.models.energy import instance_energy
from cloudwright.pricing import estimate
from cloudwright.pricing.report import ResourceCost
from cloudwright.pricing.usage import Usage
from cloudwright.resource_graph.model import Graph, Resource
from cloudwright.resource_graph.offline import preview_plan

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
INSTANCE = "gcp:compute/instance:Instance"
ADDRESS = "gcp:compute/address:Address"


def r(type_token: str, name: str, inputs: dict[str, Any], **extra: Any) -> Resource:
    return Resource(
        urn=f"urn:pulumi:t::p::{type_token}::{name}",
        type=type_token,
        name=name,
        cloud="gcp",
        region="us-central1",
        inputs=inputs,
        **extra,
    )


def price(*resources: Resource, usage: Usage | None = None, catalog: Catalog) -> dict[str, Any]:
    report = estimate(
        Graph(source="offline-preview", resources=list(resources)), catalog, usage=usage
    )
    return {c.name: c for c in report.resources}


def vm(
    name: str, machine: str, gpus: list[dict[str, Any]] | None = None, **inputs: Any
) -> Resource:
    body: dict[str, Any] = {"machineType": machine, "zone": "us-central1-a", **inputs}
    body["bootDisk"] = {"initializeParams": {"size": 10, "type": "pd-balanced"}}
    if gpus is not None:
        body["guestAccelerators"] = gpus
    return r(INSTANCE, name, body)


def test_the_previewed_attached_shape_prices_host_and_gpu_exactly_once(
    fixture_catalog: Catalog,
) -> None:
    shape = "n1-standard-8+nvidia-tesla-t4x1"
    graph = preview_plan(
        plan(assignment("embed", "gcp", "us-central1", shape, nodes=2, gpu="T4", gpu_count=1)),
        catalog=fixture_catalog,
    )
    report = estimate(graph, fixture_catalog)
    nodes = [c for c in report.resources if c.type == INSTANCE]
    assert len(nodes) == 2
    hourly = fixture_catalog.hourly_price("gcp", "us-central1", shape)
    for node in nodes:
        compute = [c for c in node.components if c.unit == "hours"]
        assert [c.name for c in compute] == [
            "Instance usage (Linux/UNIX, on-demand, n1-standard-8)",
            "GPU (nvidia-tesla-t4)",
        ]
        per_hour = sum(c.unit_price_usd or 0.0 for c in compute)
        assert per_hour == pytest.approx(hourly)  # host row + GPU row = the catalog shape
        assert all(c.quantity == 730 for c in compute)


def test_spot_and_preemptible_gpus_use_the_spot_rows(fixture_catalog: Catalog) -> None:
    t4 = [{"type": "nvidia-tesla-t4", "count": 1}]
    by = price(
        vm("spot", "n1-standard-8", t4, scheduling={"provisioningModel": "SPOT"}),
        vm("preemptible", "n1-standard-8", t4, scheduling={"preemptible": True}),
        vm("standard", "n1-standard-8", t4),
        catalog=fixture_catalog,
    )
    spot_total = fixture_catalog.hourly_price(
        "gcp", "us-central1", "n1-standard-8+nvidia-tesla-t4x1", spot=True
    )
    for name in ("spot", "preemptible"):
        gpu = next(c for c in by[name].components if c.name.startswith("GPU"))
        assert gpu.sku == "gcp:gpu:nvidia-tesla-t4-spot:hour"
        assert gpu.unit_price_usd == pytest.approx(0.1654)
        host = by[name].components[0]
        assert host.unit_price_usd + gpu.unit_price_usd == pytest.approx(spot_total)
    standard_gpu = next(c for c in by["standard"].components if c.name.startswith("GPU"))
    assert standard_gpu.sku == "gcp:gpu:nvidia-tesla-t4:hour"


def test_bundled_gpus_add_no_line(fixture_catalog: Catalog) -> None:
    """G2/A3 machine types include their GPUs; listing them in guestAccelerators (as GKE and
    the Compute API spell them) is not a second purchase and not an unknown line."""
    nodepool = r(
        "gcp:container/nodePool:NodePool",
        "a3-pool",
        {
            "location": "us-central1-a",
            "nodeCount": 1,
            "nodeConfig": {
                "machineType": "a3-megagpu-8g",
                "guestAccelerators": [{"type": "nvidia-h100-mega-80gb", "count": 8}],
            },
        },
    )
    by = price(
        vm("g2", "g2-standard-4", [{"type": "nvidia-l4", "count": 1}]),
        vm("g2-plain", "g2-standard-4"),
        nodepool,
        catalog=fixture_catalog,
    )
    for cost in by.values():
        assert cost.status == "priced"
        assert not any(c.name.startswith("GPU") for c in cost.components), cost.components
    assert by["g2"].monthly_usd == pytest.approx(by["g2-plain"].monthly_usd)


def _compute_kwh(cost: ResourceCost) -> float:
    return sum(c.energy_kwh_month or 0.0 for c in cost.components if c.unit == "hours")


def test_attached_gpu_energy_is_counted_once_on_the_host_line(fixture_catalog: Catalog) -> None:
    t4 = [{"type": "nvidia-tesla-t4", "count": 1}]
    by = price(
        vm("with-t4", "n1-standard-8", t4),
        vm("host-only", "n1-standard-8"),
        vm("no-shape", "n1-standard-16", t4),  # the catalog has no n1-standard-16 + 1 T4 shape
        catalog=fixture_catalog,
    )
    host, gpu = by["with-t4"].components[:2]
    assert gpu.energy_kwh_month is None
    assert host.note and "n1-standard-8+nvidia-tesla-t4x1" in host.note
    assert gpu.note and "counted on the instance line" in gpu.note
    from cloudwright.pricing.energy import EnergyModel

    utilization = EnergyModel(fixture_catalog, Usage()).gpu_utilization(vm("any", "n1-standard-8"))
    shape = instance_energy(
        fixture_catalog,
        "gcp",
        "us-central1",
        "n1-standard-8+nvidia-tesla-t4x1",
        nodes=1,
        hours_per_month=730,
        gpu_utilization=utilization,
    )
    assert host.energy_kwh_month == pytest.approx(shape.kwh_month)
    assert _compute_kwh(by["with-t4"]) > _compute_kwh(by["host-only"])
    lone_gpu = next(c for c in by["no-shape"].components if c.name.startswith("GPU"))
    assert lone_gpu.note == "attached GPUs: energy is not modelled for them"
    assert by["no-shape"].components[0].note is None


def test_an_address_nothing_describes_is_assumed_in_use_and_says_so(
    fixture_catalog: Catalog,
) -> None:
    by = price(
        r(ADDRESS, "unknown", {"region": "us-central1"}),
        r(ADDRESS, "released", {}, outputs={"address": "34.1.2.3", "users": []}),
        r(ADDRESS, "busy", {}, outputs={"users": ["projects/p/zones/z/instances/elsewhere"]}),
        catalog=fixture_catalog,
    )
    unknown = by["unknown"].components[0]
    assert unknown.sku == "gcp:ip:external-static:hour"
    assert unknown.note and unknown.note.startswith("assumed in use")
    assert "address_in_use: 0" in unknown.note
    released = by["released"].components[0]
    assert released.sku == "gcp:ip:external-static-unused:hour"
    assert released.unit_price_usd == pytest.approx(0.01)
    busy = by["busy"].components[0]
    assert busy.sku == "gcp:ip:external-static:hour" and busy.note == "users listed in its state"


def test_usage_decides_an_address_first(fixture_catalog: Catalog) -> None:
    usage = Usage(resources={"a": {"address_in_use": 0.5}})
    address = r(ADDRESS, "a", {}, outputs={"users": []})  # usage wins over the state
    cost = price(address, usage=usage, catalog=fixture_catalog)["a"]
    assert [c.quantity for c in cost.components] == [365, 365]
    assert cost.monthly_usd == pytest.approx(365 * 0.005 + 365 * 0.01)
