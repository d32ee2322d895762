"""Stack exports and checkpoints: pending deletes, providers, regions from everywhere."""

from __future__ import annotations

from typing import Any

import pytest

from cloudwright.core.errors import InputError
from cloudwright.resource_graph.model import Graph
from cloudwright.resource_graph.regions import split_gcp_location
from cloudwright.resource_graph.stack_export import read_state

STACK = "urn:pulumi:prod::fleet::"


def res(type_token: str, name: str, inputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "urn": f"{STACK}{type_token}::{name}",
        "type": type_token,
        "custom": True,
        "inputs": inputs,
        "outputs": extra.pop("outputs", {}),
        **extra,
    }


def export(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"version": 3, "deployment": {"manifest": {}, "resources": list(resources)}}


def checkpoint(*resources: dict[str, Any], config: dict | None = None) -> dict[str, Any]:
    return {
        "version": 3,
        "checkpoint": {
            "stack": "prod",
            "config": config or {},
            "latest": {"resources": list(resources)},
        },
    }


def test_pending_delete_twin_is_dropped_and_orphan_kept_as_delete() -> None:
    live = res("aws:ec2/instance:Instance", "vm", {"instanceType": "m5.large"})
    old = {**res("aws:ec2/instance:Instance", "vm", {"instanceType": "m5.large"}), "delete": True}
    orphan = {**res("aws:ebs/volume:Volume", "old-disk", {"size": 10}), "delete": True}
    graph = read_state(export(live, old, orphan))
    assert [(r.name, r.op) for r in graph] == [("vm", "same"), ("old-disk", "delete")]
    assert graph.notes and "2 resources pending deletion" in graph.notes[0]


def test_gcp_zone_from_the_provider_resource() -> None:
    provider = {
        "urn": f"{STACK}pulumi:providers:gcp::default",
        "type": "pulumi:providers:gcp",
        "custom": True,
        "inputs": {"zone": "europe-west4-a", "project": "p"},
    }
    cluster = res(
        "gcp:container/cluster:Cluster",
        "gke",
        {"initialNodeCount": 1},
        provider=f"{STACK}pulumi:providers:gcp::default::0b1c",
    )
    graph = read_state(checkpoint(provider, cluster))
    gke = next(r for r in graph if r.name == "gke")
    assert (gke.region, gke.zone) == ("europe-west4", "europe-west4-a")
    assert gke.provider == f"{STACK}pulumi:providers:gcp::default"
    assert graph.source == "checkpoint"


def test_azure_location_from_resource_group_and_dependencies() -> None:
    group = res(
        "azure-native:resources:ResourceGroup",
        "rg",
        {"location": "West Europe"},
        outputs={"name": "rg-1234"},
    )
    disk = res(
        "azure-native:compute:Disk", "disk", {"resourceGroupName": "rg-1234", "diskSizeGB": 64}
    )
    account = res("azure:storage/account:Account", "sa", {"location": "uksouth"})
    share = res(
        "azure:storage/share:Share",
        "share",
        {"quota": 50},
        propertyDependencies={"storageAccountName": [account["urn"]]},
    )
    graph = read_state(export(disk, group, share, account))
    where = {r.name: r.region for r in graph}
    assert where == {"disk": "westeurope", "rg": "westeurope", "share": "uksouth", "sa": "uksouth"}


def test_stack_config_fills_gaps_but_state_config_wins() -> None:
    vm = res("aws:ec2/instance:Instance", "vm", {"instanceType": "m5.large"})
    graph = read_state(
        checkpoint(vm, config={"aws:region": "us-west-2"}), config={"aws:region": "eu-west-1"}
    )
    assert graph.resources[0].region == "us-west-2"
    graph = read_state(export(vm), config={"aws:region": "eu-west-1"})
    assert graph.resources[0].region == "eu-west-1"


def test_secure_config_is_not_a_region() -> None:
    vm = res("aws:ec2/instance:Instance", "vm", {"instanceType": "m5.large"})
    graph = read_state(checkpoint(vm, config={"aws:region": {"secure": "v1:abc"}}))
    assert graph.resources[0].region is None


def test_availability_zone_gives_the_region() -> None:
    vol = res("aws:ebs/volume:Volume", "v", {"availabilityZone": "us-west-2-lax-1a", "size": 5})
    (v,) = read_state(export(vol)).resources
    assert (v.region, v.zone) == ("us-west-2", "us-west-2-lax-1a")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("us-central1-a", ("us-central1", "us-central1-a")),
        ("europe-west4", ("europe-west4", None)),
        ("US", ("us", None)),
        ("US-CENTRAL1", ("us-central1", None)),
    ],
)
def test_gcp_locations(value: str, expected: tuple[str | None, str | None]) -> None:
    assert split_gcp_location(value) == expected


def test_bad_version_and_shape_are_input_errors() -> None:
    with pytest.raises(InputError, match="unsupported Pulumi state version 9"):
        read_state({"version": 9, "deployment": {"resources": []}}, origin="x.json")
    with pytest.raises(InputError, match=r"resources\[0\]"):
        read_state({"version": 3, "deployment": {"resources": [{"type": "x"}]}}, origin="x.json")


def test_graph_round_trips_through_json() -> None:
    vm = res(
        "aws:ec2/instance:Instance",
        "vm",
        {"instanceType": "m5.large", "userData": "[secret]"},
        propertyDependencies={"subnetId": [f"{STACK}aws:ec2/subnet:Subnet::s"]},
    )
    graph = read_state(export(vm), config={"aws:region": "us-east-1"})
    again = Graph.from_json(graph.to_json())
    assert again.to_json() == graph.to_json()
    assert again.resources[0].property_dependencies == {
        "subnetId": [f"{STACK}aws:ec2/subnet:Subnet::s"]
    }


def test_external_resources_are_read_not_owned() -> None:
    shared = {**res("aws:ec2/vpc:Vpc", "shared-vpc", {"cidrBlock": "10.0.0.0/8"}), "external": True}
    (vpc,) = read_state(export(shared)).resources
    assert vpc.op == "read"
