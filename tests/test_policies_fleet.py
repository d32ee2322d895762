"""gpu-fabric, max-gpus, instance-allow-list and spot-only-in-dev over node groups built from
auto-scaling groups, managed instance groups, scale sets and stand-alone instances."""

from __future__ import annotations

from typing import Any

import pytest
from _policy_graphs import load, names, of, res, run, stack

from cloudwright.optimizer.catalog import Catalog
from cloudwright.resource_graph.model import COMPUTED, Graph, Resource

LT = "aws:ec2/launchTemplate:LaunchTemplate"
ASG = "aws:autoscaling/group:Group"
PG = "aws:ec2/placementGroup:PlacementGroup"
TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate"
MIG = "gcp:compute/instanceGroupManager:InstanceGroupManager"
POLICY = "gcp:compute/resourcePolicy:ResourcePolicy"
VMSS = "azure-native:compute:VirtualMachineScaleSet"


def efa(count: int) -> list[dict[str, Any]]:
    return [
        {"interfaceType": "efa", "networkCardIndex": i, "deviceIndex": min(i, 1)}
        for i in range(count)
    ]


def aws_cluster(
    *,
    instance_type: str = "p5.48xlarge",
    nodes: int = 4,
    interfaces: list[dict[str, Any]] | None = None,
    strategy: str | None = "cluster",
    lt_extra: dict[str, Any] | None = None,
) -> list[Resource]:
    lt = res(
        LT,
        "train-lt",
        {
            "instanceType": instance_type,
            "networkInterfaces": interfaces if interfaces is not None else efa(32),
            **(lt_extra or {}),
        },
    )
    asg: dict[str, Any] = {
        "desiredCapacity": nodes,
        "minSize": nodes,
        "maxSize": nodes * 2,
        "launchTemplate": {"id": "lt-123", "version": "$Latest"},
    }
    out = [lt]
    if strategy is not None:
        out.append(res(PG, "train-pg", {"strategy": strategy}))
        asg["placementGroup"] = "train-pg"
    out.append(res(ASG, "train-asg", asg))
    return out


def fabric(graph: Graph, catalog: Catalog, config: dict[str, Any] | None = None) -> list[str]:
    result = run(graph, catalog, {"gpu-fabric": config} if config else {})
    return [v.message for v in of(result, "gpu-fabric")]


def test_aws_cluster_with_placement_and_all_efa_interfaces_passes(fixture_catalog: Catalog) -> None:
    assert fabric(stack(*aws_cluster()), fixture_catalog) == []


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"strategy": None}, "no placement group"),
        ({"strategy": "spread"}, "uses strategy 'spread': use 'cluster'"),
        ({"interfaces": []}, "no EFA interfaces: add 32"),
        ({"interfaces": efa(8)}, "8 of 32 EFA interfaces"),
        (
            {"instance_type": "p4d.24xlarge", "interfaces": efa(8)},
            "8 EFA interfaces, but p4d.24xlarge supports 4",
        ),
    ],
)
def test_aws_cluster_problems(
    fixture_catalog: Catalog, kwargs: dict[str, Any], expected: str
) -> None:
    messages = fabric(stack(*aws_cluster(**kwargs)), fixture_catalog)
    assert len(messages) == 1 and expected in messages[0], messages
    assert "auto-scaling group 'train-asg'" in messages[0]


def test_placement_group_in_the_launch_template_counts(fixture_catalog: Catalog) -> None:
    resources = aws_cluster(strategy=None, lt_extra={"placement": {"groupName": "train-pg"}})
    resources.append(res(PG, "train-pg", {"strategy": "cluster"}))
    assert fabric(stack(*resources), fixture_catalog) == []


def test_single_node_and_fabricless_replicas_are_not_clusters(fixture_catalog: Catalog) -> None:
    assert fabric(stack(*aws_cluster(nodes=1, strategy=None, interfaces=[])), fixture_catalog) == []
    replicas = aws_cluster(instance_type="g6.xlarge", nodes=6, strategy=None, interfaces=[])
    assert fabric(stack(*replicas), fixture_catalog) == []


def test_workload_that_needs_a_fabric_on_a_type_without_one(fixture_catalog: Catalog) -> None:
    resources = aws_cluster(instance_type="g6.xlarge", nodes=4, strategy=None, interfaces=[])
    resources[-1].inputs["tags"] = [
        {"key": "workload", "value": "llm-pretrain", "propagateAtLaunch": True}
    ]
    messages = fabric(stack(*resources), fixture_catalog, {"fabricRequiredWorkloads": ["llm-*"]})
    assert len(messages) == 1 and "needs a GPU fabric but g6.xlarge has none" in messages[0]


def test_unknown_template_id_resolves_through_property_dependencies(
    fixture_catalog: Catalog,
) -> None:
    from cloudwright.resource_graph.facts.fleet import node_groups
    from cloudwright.resource_graph.facts.index import GraphIndex

    decoy = res(LT, "other-lt", {"instanceType": "p4d.24xlarge", "networkInterfaces": efa(4)})
    lt = res(LT, "train-lt", {"instanceType": "p5.48xlarge", "networkInterfaces": []})
    pgs = [res(PG, name, {"strategy": "cluster"}) for name in ("pg-a", "pg-b")]
    asg = res(
        ASG,
        "train-asg",
        {
            "desiredCapacity": 2,
            "maxSize": 2,
            "minSize": 2,
            "placementGroup": COMPUTED,
            "launchTemplate": {"id": COMPUTED},
        },
    )
    graph = stack(decoy, lt, *pgs, asg)
    # In a preview the ids are unknown and two candidates share the parent: only the
    # engine's property dependencies say which template the group launches.
    (group,) = node_groups(GraphIndex(graph.resources))
    assert group.template is None and group.types == []
    asg.property_dependencies = {"launchTemplate": [lt.urn], "placementGroup": [pgs[1].urn]}
    (group,) = node_groups(GraphIndex(graph.resources))
    assert group.template is not None and group.template.name == "train-lt"
    assert group.types == ["p5.48xlarge"]
    messages = fabric(graph, fixture_catalog)
    assert len(messages) == 1 and "no EFA interfaces: add 32" in messages[0]


def test_standalone_instances_are_grouped_by_parent_and_type(fixture_catalog: Catalog) -> None:
    nodes = [
        res("aws:ec2/instance:Instance", f"node-{i}", {"instanceType": "p4d.24xlarge"})
        for i in range(3)
    ]
    messages = fabric(stack(*nodes), fixture_catalog)
    assert any("3 stand-alone instances" in m and "no placement group" in m for m in messages)


def gcp_cluster(
    *,
    machine: str = "a3-megagpu-8g",
    nics: int = 9,
    collocation: str | None = "COLLOCATED",
    vm_count: int = 4,
    nodes: int = 4,
    nic_type: str = "GVNIC",
) -> list[Resource]:
    out = []
    template: dict[str, Any] = {
        "machineType": machine,
        "networkInterfaces": [
            {"network": f"net-{i}", "nicType": nic_type if i else "GVNIC"} for i in range(nics)
        ],
    }
    if collocation is not None:
        link = "https://www.googleapis.com/compute/v1/projects/p/regions/us-central1/resourcePolicies/compact"
        out.append(
            res(
                POLICY,
                "compact",
                {
                    "region": "us-central1",
                    "groupPlacementPolicy": {"collocation": collocation, "vmCount": vm_count},
                },
            )
        )
        template["resourcePolicies"] = [link]
    out.append(res(TEMPLATE, "train-tmpl", template))
    out.append(
        res(
            MIG,
            "train-mig",
            {
                "zone": "us-central1-a",
                "targetSize": nodes,
                "versions": [
                    {"instanceTemplate": "projects/p/global/instanceTemplates/train-tmpl"}
                ],
            },
        )
    )
    return out


def test_gcp_cluster_with_compact_placement_and_gpudirect_nics_passes(
    fixture_catalog: Catalog,
) -> None:
    assert fabric(stack(*gcp_cluster()), fixture_catalog) == []
    rdma = gcp_cluster(machine="a3-ultragpu-8g", nics=9, nic_type="MRDMA")
    assert fabric(stack(*rdma), fixture_catalog) == []


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"collocation": None}, "no compact placement policy"),
        ({"collocation": "UNSPECIFIED_COLLOCATION"}, "do not collocate the nodes"),
        ({"vm_count": 2}, "vmCount 2, fewer than the 4 nodes"),
        ({"nics": 1}, "0 of 8 GPUDirect data NICs"),
        ({"machine": "a3-highgpu-8g", "nics": 3}, "2 of 4 GPUDirect data NICs"),
        ({"machine": "a3-ultragpu-8g", "nics": 9, "nic_type": "GVNIC"}, "0 of 8 RDMA NICs"),
    ],
)
def test_gcp_cluster_problems(
    fixture_catalog: Catalog, kwargs: dict[str, Any], expected: str
) -> None:
    messages = fabric(stack(*gcp_cluster(**kwargs)), fixture_catalog)
    assert len(messages) == 1 and expected in messages[0], messages
    assert "managed instance group 'train-mig'" in messages[0]


def azure_cluster(**inputs: Any) -> Resource:
    base = {
        "sku": {"name": "Standard_ND96isr_H100_v5", "capacity": 4},
        "singlePlacementGroup": True,
        "virtualMachineProfile": {"priority": "Regular"},
    }
    base.update(inputs)
    return res(VMSS, "train-vmss", base)


def test_azure_infiniband_scale_set(fixture_catalog: Catalog) -> None:
    assert fabric(stack(azure_cluster()), fixture_catalog) == []
    assert fabric(stack(azure_cluster(singlePlacementGroup=None)), fixture_catalog) == []
    (message,) = fabric(stack(azure_cluster(singlePlacementGroup=False)), fixture_catalog)
    assert "singlePlacementGroup is false" in message and "scale set 'train-vmss'" in message
    big = azure_cluster(sku={"name": "Standard_ND96isr_H100_v5", "capacity": 120})
    (message,) = fabric(stack(big), fixture_catalog)
    assert "120 VMs exceed the 100" in message


def test_azure_standalone_infiniband_vms(fixture_catalog: Catalog) -> None:
    vm = "azure-native:compute:VirtualMachine"
    size = {"hardwareProfile": {"vmSize": "Standard_ND96isr_H100_v5"}}
    loose = [res(vm, f"vm-{i}", size) for i in range(2)]
    (message,) = fabric(stack(*loose), fixture_catalog)
    assert "deploy them as one VirtualMachineScaleSet" in message
    grouped = [
        res(vm, f"vm-{i}", {**size, "availabilitySet": {"id": "/avset/ib"}}) for i in range(2)
    ]
    assert fabric(stack(*grouped), fixture_catalog) == []


# ---- max-gpus ------------------------------------------------------------------------
def test_max_gpus_counts_nodes_times_gpus_across_clouds(fixture_catalog: Catalog) -> None:
    graph = stack(*aws_cluster(nodes=4), *gcp_cluster(nodes=4), azure_cluster())  # 3 × 32 GPUs
    ok = run(graph, fixture_catalog, {"max-gpus": {"maxGpus": 96}})
    assert of(ok, "max-gpus") == []
    over = run(
        graph, fixture_catalog, {"max-gpus": {"maxGpus": 64, "maxGpusByModel": {"H100": 90}}}
    )
    messages = [v.message for v in of(over, "max-gpus")]
    assert any("launches 96 GPUs, above maxGpus 64" in m for m in messages)
    assert any("96 H100 GPUs, above the limit of 90" in m for m in messages)
    assert all(v.level == "mandatory" for v in of(over, "max-gpus"))


def test_max_gpus_can_count_the_scaling_ceiling(fixture_catalog: Catalog) -> None:
    graph = stack(*aws_cluster(nodes=4))  # desired 4, maxSize 8
    assert of(run(graph, fixture_catalog, {"max-gpus": {"maxGpus": 40}}), "max-gpus") == []
    ceiling = run(graph, fixture_catalog, {"max-gpus": {"maxGpus": 40, "basis": "max"}})
    assert "launches 64 GPUs" in of(ceiling, "max-gpus")[0].message


# ---- instance-allow-list -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("resource", "flagged"),
    [
        (res(LT, "lt", {"instanceType": "p5.48xlarge"}), False),
        (res(LT, "lt", {"instanceType": "p4d.24xlarge"}), True),
        (
            res(
                ASG,
                "asg",
                {
                    "mixedInstancesPolicy": {
                        "launchTemplate": {
                            "overrides": [
                                {"instanceType": "p5.48xlarge"},
                                {"instanceType": "x1.32xlarge"},
                            ]
                        }
                    }
                },
            ),
            True,
        ),
        (
            res(
                "gcp:compute/instance:Instance",
                "vm",
                {"machineType": "zones/us-central1-a/machineTypes/a3-megagpu-8g"},
            ),
            False,
        ),
        (res("gcp:compute/instance:Instance", "vm", {"machineType": "n2-standard-4"}), True),
        (res(VMSS, "ss", {"sku": {"name": "Standard_ND96isr_H100_v5"}}), False),
        (res(VMSS, "ss", {"sku": {"name": "Standard_NC4as_T4_v3"}}), True),
    ],
)
def test_instance_allow_list(fixture_catalog: Catalog, resource: Resource, flagged: bool) -> None:
    config = {"instance-allow-list": {"allowed": ["aws:p5.*", "gcp:a3-*", "Standard_ND*"]}}
    found = of(run(stack(resource), fixture_catalog, config), "instance-allow-list")
    assert bool(found) is flagged
    if flagged:
        assert "is not allowed" in found[0].message


def test_unknown_instance_type_is_unchecked_not_passed(fixture_catalog: Catalog) -> None:
    graph = stack(res(LT, "lt", {"instanceType": COMPUTED}))
    config: dict[str, Any] = {"allowed": ["p5.*"], "unknownValues": "unchecked"}
    result = run(graph, fixture_catalog, {"instance-allow-list": config})
    assert not of(result, "instance-allow-list")
    assert [n.policy for n in result.unchecked] == ["instance-allow-list"]
    # By default a mandatory rule fails on it: the worst case is a type outside the list.
    strict = run(graph, fixture_catalog, {"instance-allow-list": {"allowed": ["p5.*"]}})
    (violation,) = of(strict, "instance-allow-list")
    assert "instanceType is computed at apply time: treated as the worst case" in violation.message
    assert [n.policy for n in strict.unchecked] == ["instance-allow-list"]


# ---- spot-only-in-dev ----------------------------------------------------------------------
SPOT_RESOURCES = [
    res(LT, "lt", {"instanceType": "p5.48xlarge", "instanceMarketOptions": {"marketType": "spot"}}),
    res(
        LT,
        "lt-default",
        {
            "instanceType": "p5.48xlarge",
            "instanceMarketOptions": {"spotOptions": {"maxPrice": "20"}},
        },
    ),
    res(
        ASG,
        "asg",
        {
            "mixedInstancesPolicy": {
                "instancesDistribution": {"onDemandPercentageAboveBaseCapacity": 0}
            }
        },
    ),
    res(
        "gcp:compute/instanceTemplate:InstanceTemplate",
        "t",
        {"machineType": "g2-standard-4", "scheduling": {"provisioningModel": "SPOT"}},
    ),
    res(
        "gcp:compute/instance:Instance",
        "vm",
        {"machineType": "g2-standard-4", "scheduling": {"preemptible": True}},
    ),
    res(
        VMSS,
        "ss",
        {"sku": {"name": "Standard_NC4as_T4_v3"}, "virtualMachineProfile": {"priority": "Spot"}},
    ),
]


@pytest.mark.parametrize("resource", SPOT_RESOURCES, ids=lambda r: r.type.rsplit(":", 1)[-1])
def test_spot_only_in_dev(fixture_catalog: Catalog, resource: Resource) -> None:
    prod = of(run(stack(resource, name="prod"), fixture_catalog), "spot-only-in-dev")
    assert len(prod) == 1 and "in stack 'prod', which is not a dev stack" in prod[0].message
    assert prod[0].level == "advisory"
    dev = of(run(stack(resource, name="dev-alice"), fixture_catalog), "spot-only-in-dev")
    assert dev == []


def test_on_demand_capacity_is_fine_anywhere(fixture_catalog: Catalog) -> None:
    on_demand = [
        res(
            LT,
            "lt",
            {
                "instanceType": "p5.48xlarge",
                "instanceMarketOptions": {"marketType": "capacity-block"},
            },
        ),
        res(
            ASG,
            "asg",
            {
                "mixedInstancesPolicy": {
                    "instancesDistribution": {"onDemandPercentageAboveBaseCapacity": 100}
                }
            },
        ),
        res(VMSS, "ss", {"virtualMachineProfile": {"priority": "Regular"}}),
    ]
    assert of(run(stack(*on_demand), fixture_catalog), "spot-only-in-dev") == []


def test_stack_name_can_be_given_to_the_runner(fixture_catalog: Catalog) -> None:
    graph = stack(SPOT_RESOURCES[0], name="prod")
    config = {"spot-only-in-dev": {"devStacks": ["staging"]}}
    assert of(run(graph, fixture_catalog, config, stack="staging"), "spot-only-in-dev") == []


def test_secure_fixtures_pass_the_fleet_rules(fixture_catalog: Catalog) -> None:
    config = {
        "max-gpus": {"maxGpus": 32},
        "instance-allow-list": {"allowed": ["p5.*", "a3-*", "Standard_ND*"]},
    }
    for name in ("aws_secure", "gcp_secure", "azure_secure"):
        result = run(load(name), fixture_catalog, config)
        fleet = [
            v
            for v in result.violations
            if v.policy in ("gpu-fabric", "max-gpus", "instance-allow-list", "spot-only-in-dev")
        ]
        assert fleet == [], (name, fleet)


def test_insecure_fixtures_fail_the_fabric_rule_on_every_cloud(fixture_catalog: Catalog) -> None:
    flagged = {
        name: names(of(run(load(name), fixture_catalog), "gpu-fabric"))
        for name in ("aws_insecure", "gcp_insecure", "azure_insecure")
    }
    assert flagged == {
        "aws_insecure": ["train-asg", "train-asg"],
        "gcp_insecure": ["train-mig", "train-mig"],
        "azure_insecure": ["train-vmss"],
    }
