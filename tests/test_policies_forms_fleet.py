"""Equivalent-form attacks on the fleet and governance rules, per cloud: gpu-fabric (every way
to launch a multi-node GPU cluster), max-gpus (every GPU counted), spot-only-in-dev (every
spelling of spot), instance-allow-list (every place a type is named), required-tags (blank,
white-space and non-string values), monthly-budget (capacity the estimate cannot price) and
secret or computed values (worst case, unless configured otherwise)."""

from __future__ import annotations

from typing import Any

import pytest
from _forms import Case, attack, corpus_size, judge, secure
from _policy_graphs import of, res, run, stack

from cloudwright.optimizer.catalog import Catalog
from cloudwright.policies.offline import run_policies
from cloudwright.resource_graph.model import COMPUTED, SECRET, Resource

FABRIC = "gpu-fabric"
GPUS = "max-gpus"
SPOT = "spot-only-in-dev"
ALLOW = "instance-allow-list"
TAGS = "required-tags"

LT = "aws:ec2/launchTemplate:LaunchTemplate"
LC = "aws:ec2/launchConfiguration:LaunchConfiguration"
ASG = "aws:autoscaling/group:Group"
EC2 = "aws:ec2/instance:Instance"
PG = "aws:ec2/placementGroup:PlacementGroup"
GKE_POOL = "gcp:container/nodePool:NodePool"
GKE = "gcp:container/cluster:Cluster"
GCE = "gcp:compute/instance:Instance"
TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate"
AGENT_POOL = "azure-native:containerservice:AgentPool"
ND = "Standard_ND96isr_H100_v5"


def efa(count: int) -> list[dict[str, Any]]:
    return [
        {"interfaceType": "efa", "networkCardIndex": i, "deviceIndex": min(i, 1)}
        for i in range(count)
    ]


def p5_template(name: str = "lt", **extra: Any) -> Resource:
    return res(LT, name, {"instanceType": "p5.48xlarge", **extra}, outputs={"id": f"{name}-id"})


FABRIC_CASES: list[Case] = [
    # ---- AWS ----------------------------------------------------------------------------
    attack(
        "asg-on-launch-configuration",
        FABRIC,
        "aws",
        res(LC, "lc", {"instanceType": "p5.48xlarge", "imageId": "ami-1"}),
        res(
            ASG,
            "asg",
            {"desiredCapacity": 4, "maxSize": 4, "minSize": 4, "launchConfiguration": "lc"},
        ),
        expect="no placement group",
    ),
    attack(
        "asg-with-empty-launch-configuration-output",
        FABRIC,
        "aws",
        p5_template(),
        res(
            ASG,
            "asg",
            {"desiredCapacity": 4, "maxSize": 4, "minSize": 4, "launchTemplate": {"id": "lt-id"}},
            outputs={"launchConfiguration": ""},
        ),
        expect="no EFA interfaces",
    ),
    attack(
        "mixed-overrides-cpu-first",
        FABRIC,
        "aws",
        p5_template(),
        res(
            ASG,
            "asg",
            {
                "desiredCapacity": 4,
                "maxSize": 4,
                "minSize": 4,
                "mixedInstancesPolicy": {
                    "launchTemplate": {
                        "launchTemplateSpecification": {"launchTemplateId": "lt-id"},
                        "overrides": [
                            {"instanceType": "m5.large"},
                            {"instanceType": "p5.48xlarge"},
                        ],
                    }
                },
            },
        ),
    ),
    attack(
        "ec2-fleet",
        FABRIC,
        "aws",
        p5_template(),
        res(
            "aws:ec2/fleet:Fleet",
            "fleet",
            {
                "launchTemplateConfigs": [
                    {"launchTemplateSpecification": {"launchTemplateId": "lt-id", "version": "1"}}
                ],
                "targetCapacitySpecification": {
                    "totalTargetCapacity": 4,
                    "defaultTargetCapacityType": "on-demand",
                },
            },
        ),
        expect="EC2 fleet 'fleet'",
    ),
    attack(
        "spot-fleet-specifications",
        FABRIC,
        "aws",
        res(
            "aws:ec2/spotFleetRequest:SpotFleetRequest",
            "sf",
            {
                "targetCapacity": 4,
                "iamFleetRole": "r",
                "launchSpecifications": [{"instanceType": "p5.48xlarge", "ami": "ami-1"}],
            },
        ),
    ),
    attack(
        "eks-node-group",
        FABRIC,
        "aws",
        res(
            "aws:eks/nodeGroup:NodeGroup",
            "ng",
            {
                "clusterName": "c",
                "nodeRoleArn": "r",
                "subnetIds": ["s"],
                "instanceTypes": ["p5.48xlarge"],
                "scalingConfig": {"desiredSize": 4, "minSize": 4, "maxSize": 4},
            },
        ),
        expect="EKS node group 'ng'",
    ),
    attack(
        "instances-over-two-parents",
        FABRIC,
        "aws",
        *[
            res(EC2, f"node-{i}", {"instanceType": "p5.48xlarge"}, parent=f"urn:parent-{i % 2}")
            for i in range(4)
        ],
        expect="under 2 parents",
    ),
    attack(
        "spot-instance-requests",
        FABRIC,
        "aws",
        *[
            res(
                "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
                f"s{i}",
                {"instanceType": "p4d.24xlarge"},
            )
            for i in range(2)
        ],
    ),
    secure(
        "eks-node-group-with-fabric",
        FABRIC,
        "aws",
        res(PG, "pg", {"strategy": "cluster"}),
        p5_template(placement={"groupName": "pg"}, networkInterfaces=efa(32)),
        res(
            "aws:eks/nodeGroup:NodeGroup",
            "ng",
            {
                "clusterName": "c",
                "nodeRoleArn": "r",
                "subnetIds": ["s"],
                "launchTemplate": {"id": "lt-id", "version": "1"},
                "scalingConfig": {"desiredSize": 4, "minSize": 4, "maxSize": 4},
            },
        ),
    ),
    secure(
        "instances-with-placement-and-efa",
        FABRIC,
        "aws",
        res(PG, "pg", {"strategy": "cluster"}),
        *[
            res(
                EC2,
                f"node-{i}",
                {
                    "instanceType": "p4d.24xlarge",
                    "placementGroup": "pg",
                    "networkInterfaces": efa(4),
                },
                parent=f"urn:parent-{i}",
            )
            for i in range(2)
        ],
    ),
    secure(
        "single-node-is-not-a-cluster",
        FABRIC,
        "aws",
        res(EC2, "node", {"instanceType": "p5.48xlarge"}),
    ),
    # ---- GCP ----------------------------------------------------------------------------
    attack(
        "gke-node-pool",
        FABRIC,
        "gcp",
        res(
            GKE_POOL,
            "pool",
            {
                "cluster": "c",
                "nodeCount": 2,
                "nodeLocations": ["us-central1-a"],
                "nodeConfig": {"machineType": "a3-megagpu-8g"},
            },
        ),
        expect="placementPolicy.type 'COMPACT'",
    ),
    attack(
        "gke-cluster-inline-pool",
        FABRIC,
        "gcp",
        res(
            GKE,
            "c",
            {
                "location": "us-central1",
                "removeDefaultNodePool": True,
                "nodePools": [
                    {"name": "gpu", "nodeCount": 1, "nodeConfig": {"machineType": "a3-highgpu-8g"}}
                ],
            },
        ),
        expect="node pool 'c' pool 'gpu'",
    ),
    attack(
        "gke-default-pool",
        FABRIC,
        "gcp",
        res(
            GKE,
            "c",
            {
                "location": "us-central1-a",
                "initialNodeCount": 2,
                "nodeConfig": {"machineType": "a3-megagpu-8g"},
            },
        ),
    ),
    attack(
        "instances-over-two-parents",
        FABRIC,
        "gcp",
        *[
            res(
                GCE,
                f"vm-{i}",
                {"zone": "us-central1-a", "machineType": "a3-megagpu-8g"},
                parent=f"urn:parent-{i}",
            )
            for i in range(2)
        ],
    ),
    attack(
        "instances-from-template",
        FABRIC,
        "gcp",
        res(TEMPLATE, "tmpl", {"machineType": "a3-highgpu-8g"}),
        *[
            res(
                "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
                f"vm-{i}",
                {"zone": "us-central1-a", "sourceInstanceTemplate": "tmpl"},
            )
            for i in range(2)
        ],
    ),
    secure(
        "gke-node-pool-compact-with-networks",
        FABRIC,
        "gcp",
        res(
            GKE_POOL,
            "pool",
            {
                "cluster": "c",
                "nodeCount": 2,
                "nodeLocations": ["us-central1-a"],
                "placementPolicy": {"type": "COMPACT"},
                "networkConfig": {
                    "additionalNodeNetworkConfigs": [{"network": f"n{i}"} for i in range(8)]
                },
                "nodeConfig": {"machineType": "a3-megagpu-8g"},
            },
        ),
    ),
    secure(
        "fabricless-inference-pool",
        FABRIC,
        "gcp",
        res(
            GKE_POOL,
            "pool",
            {"cluster": "c", "nodeCount": 4, "nodeConfig": {"machineType": "g2-standard-4"}},
        ),
    ),
    # ---- Azure --------------------------------------------------------------------------
    attack(
        "aks-agent-pool-over-100",
        FABRIC,
        "azure",
        res(AGENT_POOL, "pool", {"resourceName": "aks", "vmSize": ND, "count": 120}),
        expect="120 VMs exceed the 100",
    ),
    attack(
        "aks-inline-pool-over-100",
        FABRIC,
        "azure",
        res(
            "azure-native:containerservice:ManagedCluster",
            "aks",
            {"agentPoolProfiles": [{"name": "gpu", "vmSize": ND, "count": 101}]},
        ),
    ),
    attack(
        "classic-node-pool-over-100",
        FABRIC,
        "azure",
        res(
            "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
            "pool",
            {"kubernetesClusterId": "k", "vmSize": ND, "nodeCount": 150},
        ),
    ),
    attack(
        "classic-linux-vms",
        FABRIC,
        "azure",
        *[
            res(
                "azure:compute/linuxVirtualMachine:LinuxVirtualMachine",
                f"vm-{i}",
                {"size": ND, "location": "eastus"},
            )
            for i in range(2)
        ],
        expect="deploy them as one VirtualMachineScaleSet",
    ),
    attack(
        "legacy-vms-over-two-parents",
        FABRIC,
        "azure",
        *[
            res(
                "azure:compute/virtualMachine:VirtualMachine",
                f"vm-{i}",
                {"vmSize": ND, "location": "eastus"},
                parent=f"urn:p{i}",
            )
            for i in range(2)
        ],
    ),
    attack(
        "classic-scale-set-split-placement",
        FABRIC,
        "azure",
        res(
            "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
            "vmss",
            {"sku": ND, "instances": 4, "singlePlacementGroup": "false"},
        ),
        expect="singlePlacementGroup is false",
    ),
    secure(
        "aks-pool-within-one-placement-group",
        FABRIC,
        "azure",
        res(AGENT_POOL, "pool", {"resourceName": "aks", "vmSize": ND, "count": 8}),
    ),
    secure(
        "classic-vms-in-one-availability-set",
        FABRIC,
        "azure",
        *[
            res(
                "azure:compute/linuxVirtualMachine:LinuxVirtualMachine",
                f"vm-{i}",
                {"size": ND, "availabilitySetId": "/avset/ib"},
            )
            for i in range(2)
        ],
    ),
]


def fleet_graph() -> list[Resource]:
    """A fleet launched every way each cloud can (the issue's kind of graph): 460 GPUs."""
    return [
        # AWS: 208 GPUs
        p5_template("lt-p5"),
        res(
            ASG, "asg-template", {"desiredCapacity": 4, "launchTemplate": {"id": "lt-p5-id"}}
        ),  # 32
        res(LC, "lc-p4d", {"instanceType": "p4d.24xlarge", "imageId": "ami-1"}),
        res(ASG, "asg-config", {"desiredCapacity": 4, "launchConfiguration": "lc-p4d"}),  # 32
        res(
            ASG,
            "asg-mixed",
            {
                "desiredCapacity": 2,
                "mixedInstancesPolicy": {
                    "launchTemplate": {
                        "launchTemplateSpecification": {"launchTemplateId": "lt-p5-id"},
                        "overrides": [
                            {"instanceType": "m5.large"},
                            {"instanceType": "p5.48xlarge"},
                        ],
                    }
                },
            },
        ),  # 16
        res(
            "aws:ec2/fleet:Fleet",
            "ec2-fleet",
            {
                "launchTemplateConfigs": [
                    {
                        "launchTemplateSpecification": {
                            "launchTemplateId": "lt-p5-id",
                            "version": "1",
                        }
                    }
                ],
                "targetCapacitySpecification": {
                    "totalTargetCapacity": 4,
                    "defaultTargetCapacityType": "spot",
                },
            },
        ),  # 32
        res(
            "aws:ec2/spotFleetRequest:SpotFleetRequest",
            "spot-fleet",
            {
                "targetCapacity": 2,
                "iamFleetRole": "r",
                "launchSpecifications": [{"instanceType": "p4d.24xlarge", "ami": "ami-1"}],
            },
        ),  # 16
        res(
            "aws:eks/nodeGroup:NodeGroup",
            "eks-ng",
            {
                "clusterName": "c",
                "nodeRoleArn": "r",
                "subnetIds": ["s"],
                "instanceTypes": ["p5.48xlarge"],
                "scalingConfig": {"desiredSize": 4, "minSize": 1, "maxSize": 8},
            },
        ),  # 32
        *[
            res(EC2, f"p5-{i}", {"instanceType": "p5.48xlarge"}, parent=f"urn:parent-{i % 2}")
            for i in range(4)
        ],  # 32
        *[
            res(
                "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
                f"spot-{i}",
                {"instanceType": "p4d.24xlarge"},
            )
            for i in range(2)
        ],  # 16
        # GCP: 74 GPUs
        res(TEMPLATE, "a3-mega", {"machineType": "a3-megagpu-8g"}),
        res(
            "gcp:compute/instanceGroupManager:InstanceGroupManager",
            "mig",
            {
                "zone": "us-central1-a",
                "targetSize": 4,
                "versions": [{"instanceTemplate": "a3-mega"}],
            },
        ),  # 32
        res(
            GKE_POOL,
            "gke-pool",
            {
                "cluster": "c",
                "nodeCount": 2,
                "nodeLocations": ["us-central1-a"],
                "nodeConfig": {"machineType": "a3-highgpu-8g"},
            },
        ),  # 16
        res(
            GKE,
            "gke",
            {
                "location": "us-central1",
                "removeDefaultNodePool": True,
                "nodePools": [
                    {
                        "name": "inline",
                        "nodeCount": 1,
                        "nodeLocations": ["us-central1-a"],
                        "nodeConfig": {"machineType": "a3-megagpu-8g"},
                    }
                ],
            },
        ),  # 8
        *[
            res(
                GCE,
                f"t4-{i}",
                {
                    "zone": "us-central1-a",
                    "machineType": "n1-standard-8",
                    "guestAccelerators": [{"type": "nvidia-tesla-t4", "count": 1}],
                },
            )
            for i in range(2)
        ],  # 2
        res(TEMPLATE, "a3-high", {"machineType": "a3-highgpu-8g"}),
        *[
            res(
                "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
                f"from-{i}",
                {"zone": "us-central1-a", "sourceInstanceTemplate": "a3-high"},
            )
            for i in range(2)
        ],  # 16
        # Azure: 178 GPUs
        res(
            "azure-native:compute:VirtualMachineScaleSet",
            "vmss",
            {"sku": {"name": ND, "capacity": 4}},
        ),  # 32
        res(AGENT_POOL, "aks-pool", {"resourceName": "aks", "vmSize": ND, "count": 4}),  # 32
        res(
            "azure-native:containerservice:ManagedCluster",
            "aks",
            {"agentPoolProfiles": [{"name": "gpu", "vmSize": ND, "count": 2}]},
        ),  # 16
        res(
            "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
            "classic-pool",
            {"kubernetesClusterId": "k", "vmSize": ND, "nodeCount": 4},
        ),  # 32
        res(
            "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
            "classic-vmss",
            {"sku": ND, "instances": 4},
        ),  # 32
        *[
            res(
                "azure:compute/linuxVirtualMachine:LinuxVirtualMachine",
                f"classic-vm-{i}",
                {"size": ND},
            )
            for i in range(2)
        ],  # 16
        *[
            res(
                "azure-native:compute:VirtualMachine",
                f"vm-{i}",
                {"hardwareProfile": {"vmSize": ND}},
            )
            for i in range(2)
        ],  # 16
        *[
            res(
                "azure:compute/virtualMachine:VirtualMachine",
                f"legacy-{i}",
                {"vmSize": "Standard_NC4as_T4_v3"},
            )
            for i in range(2)
        ],  # 2
    ]


FLEET_GPUS = 460


def test_max_gpus_counts_every_gpu_of_every_launch_form(fixture_catalog: Catalog) -> None:
    graph = stack(*fleet_graph())
    assert of(run(graph, fixture_catalog, {GPUS: {"maxGpus": FLEET_GPUS}}), GPUS) == []
    (over,) = of(run(graph, fixture_catalog, {GPUS: {"maxGpus": FLEET_GPUS - 1}}), GPUS)
    assert f"the stack launches {FLEET_GPUS} GPUs, above maxGpus {FLEET_GPUS - 1}" in over.message
    for label in (
        "EKS node group 'eks-ng'",
        "spot fleet",
        "EC2 fleet",
        "AKS pool 'aks' pool 'gpu'",
        "auto-scaling group 'asg-config'",
        "2 stand-alone VMs like 'legacy-0'",
        "4 stand-alone instances like 'p5-0' under 2 parents",
    ):
        assert label in over.message, label
    ceiling = run(graph, fixture_catalog, {GPUS: {"maxGpus": FLEET_GPUS, "basis": "max"}})
    assert "the stack launches 492 GPUs" in of(ceiling, GPUS)[0].message  # EKS maxSize 8: +32


GPU_CASES: list[Case] = [
    attack(
        "gcp-attached-gpus",
        GPUS,
        "gcp",
        *[
            res(
                GCE,
                f"t4-{i}",
                {
                    "zone": "us-central1-a",
                    "machineType": "n1-standard-8",
                    "guestAccelerators": [{"type": "nvidia-tesla-t4", "count": 1}],
                },
            )
            for i in range(2)
        ],
        expect="launches 2 GPUs",
        maxGpus=1,
    ),
    attack(
        "eks-node-group",
        GPUS,
        "aws",
        res(
            "aws:eks/nodeGroup:NodeGroup",
            "ng",
            {
                "clusterName": "c",
                "nodeRoleArn": "r",
                "subnetIds": ["s"],
                "instanceTypes": ["p5.48xlarge"],
                "scalingConfig": {"desiredSize": 2},
            },
        ),
        maxGpus=8,
    ),
    attack(
        "secret-instance-type",
        GPUS,
        "aws",
        res(EC2, "i", {"instanceType": SECRET}),
        expect="is a secret: treated as the worst case",
        maxGpus=8,
    ),
    attack(
        "computed-node-count",
        GPUS,
        "azure",
        res(AGENT_POOL, "pool", {"resourceName": "aks", "vmSize": ND, "count": COMPUTED}),
        expect="node count is computed",
        maxGpus=8,
    ),
    attack(
        "aks-by-model",
        GPUS,
        "azure",
        res(AGENT_POOL, "pool", {"resourceName": "aks", "vmSize": ND, "count": 2}),
        maxGpusByModel={"H100": 8},
    ),
    secure(
        "within-limit",
        GPUS,
        "gcp",
        res(
            GKE_POOL,
            "pool",
            {
                "cluster": "c",
                "nodeCount": 1,
                "nodeLocations": ["us-central1-a"],
                "nodeConfig": {"machineType": "a3-highgpu-8g"},
            },
        ),
        maxGpus=8,
    ),
]

SPOT_CASES: list[Case] = [
    attack(
        "launch-configuration-spot-price",
        SPOT,
        "aws",
        res(LC, "lc", {"instanceType": "m5.large", "imageId": "ami-1", "spotPrice": "0.05"}),
    ),
    attack(
        "spot-request",
        SPOT,
        "aws",
        res("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "s", {"instanceType": "m5.large"}),
    ),
    attack(
        "eks-capacity-lower-case",
        SPOT,
        "aws",
        res(
            "aws:eks/nodeGroup:NodeGroup",
            "ng",
            {
                "clusterName": "c",
                "nodeRoleArn": "r",
                "subnetIds": ["s"],
                "capacityType": "spot",
                "scalingConfig": {"desiredSize": 1},
            },
        ),
    ),
    attack(
        "ec2-fleet-default-spot",
        SPOT,
        "aws",
        res(
            "aws:ec2/fleet:Fleet",
            "f",
            {
                "launchTemplateConfigs": [],
                "targetCapacitySpecification": {
                    "totalTargetCapacity": 2,
                    "defaultTargetCapacityType": "spot",
                },
            },
        ),
    ),
    attack(
        "spot-fleet",
        SPOT,
        "aws",
        res(
            "aws:ec2/spotFleetRequest:SpotFleetRequest",
            "sf",
            {"targetCapacity": 2, "iamFleetRole": "r"},
        ),
    ),
    attack(
        "mixed-zero-on-demand",
        SPOT,
        "aws",
        res(
            ASG,
            "asg",
            {
                "mixedInstancesPolicy": {
                    "instancesDistribution": {"onDemandPercentageAboveBaseCapacity": "0"},
                    "launchTemplate": {"overrides": [{"instanceType": "m5.large"}]},
                }
            },
        ),
    ),
    attack(
        "market-type-upper-case",
        SPOT,
        "aws",
        res(
            LT, "lt", {"instanceType": "m5.large", "instanceMarketOptions": {"marketType": "SPOT"}}
        ),
    ),
    attack(
        "provisioning-model-lower-case",
        SPOT,
        "gcp",
        res(
            GCE, "vm", {"machineType": "n2-standard-4", "scheduling": {"provisioningModel": "spot"}}
        ),
    ),
    attack(
        "preemptible-string",
        SPOT,
        "gcp",
        res(TEMPLATE, "t", {"machineType": "n2-standard-4", "scheduling": {"preemptible": "true"}}),
    ),
    attack(
        "gke-spot",
        SPOT,
        "gcp",
        res(
            GKE_POOL,
            "pool",
            {"cluster": "c", "nodeConfig": {"machineType": "n2-standard-4", "spot": True}},
        ),
    ),
    attack(
        "gke-preemptible",
        SPOT,
        "gcp",
        res(GKE_POOL, "pool", {"cluster": "c", "nodeConfig": {"preemptible": True}}),
        expect="preemptible capacity",
    ),
    attack(
        "vm-low-priority",
        SPOT,
        "azure",
        res(
            "azure-native:compute:VirtualMachine",
            "vm",
            {"hardwareProfile": {"vmSize": "Standard_D4s_v5"}, "priority": "Low"},
        ),
    ),
    attack(
        "aks-pool-spot",
        SPOT,
        "azure",
        res(
            AGENT_POOL,
            "pool",
            {
                "resourceName": "aks",
                "vmSize": "Standard_D4s_v5",
                "count": 1,
                "scaleSetPriority": "Spot",
            },
        ),
    ),
    attack(
        "aks-inline-spot",
        SPOT,
        "azure",
        res(
            "azure-native:containerservice:ManagedCluster",
            "aks",
            {
                "agentPoolProfiles": [
                    {
                        "name": "s",
                        "vmSize": "Standard_D4s_v5",
                        "count": 1,
                        "scaleSetPriority": "spot",
                    }
                ]
            },
        ),
    ),
    attack(
        "classic-node-pool-spot",
        SPOT,
        "azure",
        res(
            "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
            "p",
            {"kubernetesClusterId": "k", "vmSize": "Standard_D4s_v5", "priority": "Spot"},
        ),
    ),
    attack(
        "classic-scale-set-spot",
        SPOT,
        "azure",
        res(
            "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
            "s",
            {"sku": "Standard_D4s_v5", "instances": 1, "priority": "Spot"},
        ),
    ),
    secure(
        "mixed-all-on-demand",
        SPOT,
        "aws",
        res(
            ASG,
            "asg",
            {
                "mixedInstancesPolicy": {
                    "instancesDistribution": {"onDemandPercentageAboveBaseCapacity": 100},
                    "launchTemplate": {"overrides": [{"instanceType": "m5.large"}]},
                }
            },
        ),
    ),
    secure(
        "eks-on-demand",
        SPOT,
        "aws",
        res(
            "aws:eks/nodeGroup:NodeGroup",
            "ng",
            {
                "clusterName": "c",
                "nodeRoleArn": "r",
                "subnetIds": ["s"],
                "capacityType": "ON_DEMAND",
            },
        ),
    ),
    secure(
        "gce-standard",
        SPOT,
        "gcp",
        res(
            GCE,
            "vm",
            {
                "machineType": "n2-standard-4",
                "scheduling": {"provisioningModel": "STANDARD", "preemptible": "false"},
            },
        ),
    ),
    secure(
        "aks-regular",
        SPOT,
        "azure",
        res(
            AGENT_POOL,
            "pool",
            {"resourceName": "aks", "vmSize": "Standard_D4s_v5", "scaleSetPriority": "Regular"},
        ),
    ),
]

ALLOWED_TYPES = ["aws:p5.*", "gcp:a3-*", "azure:Standard_ND*"]
ALLOW_CASES: list[Case] = [
    attack(
        "launch-configuration",
        ALLOW,
        "aws",
        res(LC, "lc", {"instanceType": "x1.32xlarge", "imageId": "ami-1"}),
        allowed=ALLOWED_TYPES,
    ),
    attack(
        "spot-request",
        ALLOW,
        "aws",
        res(
            "aws:ec2/spotInstanceRequest:SpotInstanceRequest", "s", {"instanceType": "x1.32xlarge"}
        ),
        allowed=ALLOWED_TYPES,
    ),
    attack(
        "eks-instance-types",
        ALLOW,
        "aws",
        res(
            "aws:eks/nodeGroup:NodeGroup",
            "ng",
            {
                "clusterName": "c",
                "nodeRoleArn": "r",
                "subnetIds": ["s"],
                "instanceTypes": ["p5.48xlarge", "x1.32xlarge"],
            },
        ),
        allowed=ALLOWED_TYPES,
    ),
    attack(
        "fleet-override",
        ALLOW,
        "aws",
        res(
            "aws:ec2/fleet:Fleet",
            "f",
            {
                "launchTemplateConfigs": [{"overrides": [{"instanceType": "x1.32xlarge"}]}],
                "targetCapacitySpecification": {"totalTargetCapacity": 1},
            },
        ),
        allowed=ALLOWED_TYPES,
    ),
    attack(
        "capacity-reservation",
        ALLOW,
        "aws",
        res(
            "aws:ec2/capacityReservation:CapacityReservation",
            "cr",
            {
                "instanceType": "x1.32xlarge",
                "instanceCount": 1,
                "availabilityZone": "us-east-1a",
                "instancePlatform": "Linux/UNIX",
            },
        ),
        allowed=ALLOWED_TYPES,
    ),
    attack(
        "gke-node-config",
        ALLOW,
        "gcp",
        res(GKE_POOL, "pool", {"cluster": "c", "nodeConfig": {"machineType": "n2-standard-4"}}),
        allowed=ALLOWED_TYPES,
    ),
    attack(
        "gke-default-machine",
        ALLOW,
        "gcp",
        res(GKE_POOL, "pool", {"cluster": "c"}),
        expect="'e2-medium'",
        allowed=ALLOWED_TYPES,
    ),
    attack(
        "aks-agent-pool",
        ALLOW,
        "azure",
        res(AGENT_POOL, "pool", {"resourceName": "aks", "vmSize": "Standard_D4s_v5"}),
        allowed=ALLOWED_TYPES,
    ),
    attack(
        "aks-inline-pool",
        ALLOW,
        "azure",
        res(
            "azure-native:containerservice:ManagedCluster",
            "aks",
            {"agentPoolProfiles": [{"name": "s", "vmSize": "Standard_D4s_v5"}]},
        ),
        allowed=ALLOWED_TYPES,
    ),
    secure(
        "eks-allowed",
        ALLOW,
        "aws",
        res(
            "aws:eks/nodeGroup:NodeGroup",
            "ng",
            {
                "clusterName": "c",
                "nodeRoleArn": "r",
                "subnetIds": ["s"],
                "instanceTypes": ["p5.48xlarge"],
            },
        ),
        allowed=ALLOWED_TYPES,
    ),
    secure(
        "gke-allowed",
        ALLOW,
        "gcp",
        res(GKE_POOL, "pool", {"cluster": "c", "nodeConfig": {"machineType": "a3-highgpu-8g"}}),
        allowed=ALLOWED_TYPES,
    ),
    secure(
        "aks-allowed",
        ALLOW,
        "azure",
        res(AGENT_POOL, "pool", {"resourceName": "aks", "vmSize": ND}),
        allowed=ALLOWED_TYPES,
    ),
]

OK_TAGS = {"owner": "ml", "cost-center": "cc1", "workload": "train"}
TAG_CASES: list[Case] = [
    attack(
        "blank",
        TAGS,
        "aws",
        res("aws:ebs/volume:Volume", "v", {"tags": {**OK_TAGS, "owner": ""}}),
        expect="missing tag owner",
    ),
    attack(
        "white-space",
        TAGS,
        "aws",
        res("aws:ebs/volume:Volume", "v", {"tags": {**OK_TAGS, "owner": "  \t"}}),
        expect="missing tag owner",
    ),
    attack(
        "number",
        TAGS,
        "gcp",
        res("gcp:compute/disk:Disk", "d", {"labels": {**OK_TAGS, "cost-center": 42}}),
        expect="cost-center",
    ),
    attack(
        "null",
        TAGS,
        "azure",
        res("azure-native:compute:Disk", "d", {"tags": {**OK_TAGS, "workload": None}}),
        expect="workload",
    ),
    attack(
        "list",
        TAGS,
        "aws",
        res(
            ASG,
            "asg",
            {
                "tags": [
                    {"key": "owner", "value": ["ml"]},
                    {"key": "cost-center", "value": "cc"},
                    {"key": "workload", "value": "w"},
                ]
            },
        ),
        expect="owner",
    ),
    secure("all-present", TAGS, "azure", res("azure-native:compute:Disk", "d", {"tags": OK_TAGS})),
]

CASES = FABRIC_CASES + GPU_CASES + SPOT_CASES + ALLOW_CASES + TAG_CASES


@pytest.mark.parametrize("case", CASES, ids=[c.param_id for c in CASES])
def test_equivalent_forms(fixture_catalog: Catalog, case: Case) -> None:
    judge(case, fixture_catalog)


def test_every_fleet_rule_has_attacks_on_every_cloud() -> None:
    sizes = corpus_size(CASES)
    for rule in (FABRIC, SPOT, ALLOW):
        for cloud in ("aws", "gcp", "azure"):
            assert sizes.get((rule, cloud, "attack"), 0) >= 2, (rule, cloud)
            assert sizes.get((rule, cloud, "secure"), 0) >= 1, (rule, cloud)


# ---- monthly-budget: capacity the estimate cannot price is unknown, not $0 ----------------
UNPRICED = [
    ("secret-instance-type", res(EC2, "i", {"instanceType": SECRET})),
    (
        "unsupported-sagemaker",
        res("aws:sagemaker/endpoint:Endpoint", "ep", {"endpointConfigName": "c"}),
    ),
    (
        "unknown-catalog-type",
        res(
            GKE_POOL,
            "pool",
            {"cluster": "c", "nodeCount": 1, "nodeConfig": {"machineType": "z9-imaginary-8g"}},
        ),
    ),
]


@pytest.mark.parametrize(("name", "resource"), UNPRICED, ids=[n for n, _ in UNPRICED])
def test_budget_fails_closed_on_unpriced_capacity(
    fixture_catalog: Catalog, name: str, resource: Resource
) -> None:
    graph = stack(resource)
    strict = run_policies(graph, fixture_catalog, {"monthly-budget": {"monthlyUsd": 1_000_000}})
    (violation,) = of(strict, "monthly-budget")
    assert "cannot be shown to hold" in violation.message and resource.name in violation.message
    assert violation.level == "mandatory"
    noted = {"monthly-budget": {"monthlyUsd": 1_000_000, "unpriced": "pass-with-note"}}
    lenient = run_policies(graph, fixture_catalog, noted)
    assert of(lenient, "monthly-budget") == [] and lenient.passed
    assert any(
        n.policy == "monthly-budget" and resource.name in n.reason for n in lenient.unchecked
    )


def test_capacity_reservations_and_fleets_are_priced_not_free(fixture_catalog: Catalog) -> None:
    graph = stack(
        res(
            "aws:ec2/capacityReservation:CapacityReservation",
            "cr",
            {
                "instanceType": "p5.48xlarge",
                "instanceCount": 2,
                "availabilityZone": "us-east-1a",
                "instancePlatform": "Linux/UNIX",
            },
        ),
        res(
            "aws:ec2/spotFleetRequest:SpotFleetRequest",
            "sf",
            {
                "targetCapacity": 2,
                "iamFleetRole": "r",
                "launchSpecifications": [{"instanceType": "p5.48xlarge", "ami": "ami-1"}],
            },
        ),
    )
    (violation,) = of(
        run_policies(graph, fixture_catalog, {"monthly-budget": {"monthlyUsd": 50_000}}),
        "monthly-budget",
    )
    assert "exceeds the budget" in violation.message and "cr " in violation.message


# ---- secret or computed deciding values: unchecked, and the worst case when mandatory ----
def test_secret_values_are_unchecked_and_fail_a_mandatory_rule(fixture_catalog: Catalog) -> None:
    graph = stack(
        res(
            "gcp:compute/firewall:Firewall",
            "fw",
            {
                "network": "n",
                "sourceRanges": [SECRET],
                "allows": [{"protocol": "tcp", "ports": ["22"]}],
            },
        )
    )
    strict = run(graph, fixture_catalog)
    (violation,) = of(strict, "no-open-admin-ports")
    assert "is a secret: treated as the worst case (admin ports open)" in violation.message
    assert [n.policy for n in strict.unchecked] == ["no-open-admin-ports"]
    lenient = run(graph, fixture_catalog, {"no-open-admin-ports": {"unknownValues": "unchecked"}})
    assert of(lenient, "no-open-admin-ports") == [] and len(lenient.unchecked) == 1
    advisory = run(graph, fixture_catalog, {"no-open-admin-ports": "advisory"})
    assert of(advisory, "no-open-admin-ports") == [] and len(advisory.unchecked) == 1


def test_secret_tag_value_is_unchecked_not_present(fixture_catalog: Catalog) -> None:
    graph = stack(res("aws:ebs/volume:Volume", "v", {"tags": {**OK_TAGS, "owner": SECRET}}))
    result = run(graph, fixture_catalog, {TAGS: "mandatory"})
    (violation,) = of(result, TAGS)
    assert "tag owner is a secret" in violation.message
