"""A user's own program with the components, tested the way Pulumi's unit-testing guide shows:
a plain `pulumi.runtime.Mocks` (resources echo their inputs, every data-source call answers
`{}`), no Cloudwright test helpers. Nothing is pinned that the components could look up
(zones, AMI), and no computed outputs exist (no FSx DNS name, no Filestore IP, no Lustre MGS
address): the programs must still build, and the BYO programs must create no network."""

from __future__ import annotations

import base64
from typing import Any

import pulumi
import pytest

from cloudwright.components.aws import AwsClusterNetwork, AwsClusterStorage, AwsGpuCluster
from cloudwright.components.azure import (
    AzureClusterNetwork,
    AzureClusterStorage,
    AzureGpuCluster,
)
from cloudwright.components.gcp import GcpClusterNetwork, GcpClusterStorage, GcpGpuCluster

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class PlainMocks(pulumi.runtime.Mocks):
    """As in Pulumi's testing docs, plus a list of what was created to assert on."""

    def __init__(self) -> None:
        self.created: list[tuple[str, str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.created.append((args.typ, args.name, dict(args.inputs)))
        state = dict(args.inputs)
        identity = state.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            # azure-native itself (any program, not these components): a scale set takes its
            # user-assigned identities as a list of ids and returns them as a map keyed by id,
            # so an echoing mock must answer with the map, as Azure does.
            ids = identity["userAssignedIdentities"]
            state["identity"] = {**identity, "userAssignedIdentities": {i: {} for i in ids}}
        return f"{args.name}_id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {}


@pytest.fixture
def mocks() -> PlainMocks:
    m = PlainMocks()
    pulumi.runtime.set_mocks(m, preview=False)
    return m


def inputs_of(mocks: PlainMocks, typ: str) -> list[dict[str, Any]]:
    return [inputs for t, _, inputs in mocks.created if t == typ]


TAGS = {"team": "ml"}


@pulumi.runtime.test
def test_aws_network_storage_cluster_without_pinned_zone_or_image(mocks: PlainMocks) -> Any:
    net = AwsClusterNetwork(
        "train",
        {
            "cluster": "train",
            "region": "us-east-1",
            "cidr_block": "10.20.0.0/16",
            "instance_type": "p5.48xlarge",
            "nodes": 2,
            "fabric": {"kind": "EFA", "nics": 32},
            "tags": TAGS,
        },
    )
    store = AwsClusterStorage(
        "train",
        {
            "cluster": "train",
            "region": "us-east-1",
            "object_tb": 5,
            "parallel_fs_tb": 10,
            "subnet_id": net.node_subnet_id,
            "security_group_id": net.security_group_id,
        },
    )
    cluster = AwsGpuCluster(
        "train",
        {
            "cluster": "train",
            "region": "us-east-1",
            "instance_type": "p5.48xlarge",
            "nodes": 2,
            "fabric": {"kind": "EFA", "nics": 32},
            "subnet_id": net.node_subnet_id,
            "security_group_id": net.security_group_id,
            "bucket_arn": store.bucket_arn,  # type: ignore[typeddict-item]
            "file_system_dns_name": store.file_system_dns_name,  # type: ignore[typeddict-item]
            "file_system_mount_name": store.file_system_mount_name,  # type: ignore[typeddict-item]
        },
    )

    def check(values: list[Any]) -> None:
        _, subnet_id, mount = values
        assert mount is None  # the mock computes no FSx DNS/mount name: no mount line
        (lt,) = inputs_of(mocks, "aws:ec2/launchTemplate:LaunchTemplate")
        # The SSM lookup answered nothing: EC2 resolves the DLAMI parameter at launch.
        assert lt["imageId"].startswith("resolve:ssm:/aws/service/deeplearning/ami/x86_64/")
        assert len(lt["networkInterfaces"]) == 32
        assert "mount" not in base64.b64decode(lt["userData"]).decode()
        (asg,) = inputs_of(mocks, "aws:autoscaling/group:Group")
        assert asg["vpcZoneIdentifiers"] == [subnet_id]
        subnets = inputs_of(mocks, "aws:ec2/subnet:Subnet")
        assert subnets and all("availabilityZoneId" not in s for s in subnets)  # AWS picks

    return pulumi.Output.all(cluster.node_group, net.node_subnet_id, store.mount_command).apply(
        check
    )


@pulumi.runtime.test
def test_aws_cluster_in_your_own_vpc_with_your_own_file_system(mocks: PlainMocks) -> Any:
    cluster = AwsGpuCluster(
        "byo",
        {
            "cluster": "byo",
            "region": "us-west-2",
            "instance_type": "g6.12xlarge",
            "nodes": 1,
            "subnet_id": "subnet-0abc",
            "security_group_id": "sg-0def",
            "image": "ami-0123456789abcdef0",
            "file_system_dns_name": "fs-1.fsx.us-west-2.amazonaws.com",
            "file_system_mount_name": "abcdef12",
        },
    )

    def check(_: Any) -> None:
        assert not inputs_of(mocks, "aws:ec2/vpc:Vpc")
        assert not inputs_of(mocks, "aws:ec2/securityGroup:SecurityGroup")
        (lt,) = inputs_of(mocks, "aws:ec2/launchTemplate:LaunchTemplate")
        assert lt["imageId"] == "ami-0123456789abcdef0"
        assert lt["networkInterfaces"][0]["securityGroups"] == ["sg-0def"]
        script = base64.b64decode(lt["userData"]).decode()
        assert "fs-1.fsx.us-west-2.amazonaws.com@tcp:/abcdef12 /fsx" in script
        (asg,) = inputs_of(mocks, "aws:autoscaling/group:Group")
        assert asg["vpcZoneIdentifiers"] == ["subnet-0abc"]
        assert not inputs_of(mocks, "aws:ec2/placementGroup:PlacementGroup")  # one node

    return cluster.node_group.apply(check)


def test_gcp_network_storage_cluster_without_pinned_zone(mocks: PlainMocks) -> None:
    _gcp_network_storage_cluster_without_pinned_zone(mocks)
    # After the program, every registration is recorded: the bucket grant's may land after
    # the outputs the program waits on (it raced them once under a loaded run).
    assert inputs_of(mocks, "gcp:storage/bucketIAMMember:BucketIAMMember")


@pulumi.runtime.test
def _gcp_network_storage_cluster_without_pinned_zone(mocks: PlainMocks) -> Any:
    net = GcpClusterNetwork(
        "a3",
        {
            "cluster": "a3",
            "region": "us-central1",
            "cidr_block": "10.30.0.0/16",
            "nodes": 2,
            "fabric": {"kind": "GPUDirect-TCPX", "nics": 4},
        },
    )
    store = GcpClusterStorage(
        "a3",
        {
            "cluster": "a3",
            "region": "us-central1",
            "object_tb": 1,
            "parallel_fs_tb": 2,
            "filesystem": "filestore",  # type: ignore[typeddict-item]
            "network": net.network_id,
            "zone": net.zone,  # type: ignore[typeddict-item]
        },
    )
    cluster = GcpGpuCluster(
        "a3",
        {
            "cluster": "a3",
            "region": "us-central1",
            "instance_type": "a3-highgpu-8g",
            "nodes": 2,
            "project": "my-project",
            "subnetworks": net.subnetworks,
            "fabric": {"kind": "GPUDirect-TCPX", "nics": 4},
            "bucket_name": store.bucket_name,  # type: ignore[typeddict-item]
            "mount_command": store.mount_command,  # type: ignore[typeddict-item]
        },
    )

    def check(values: list[Any]) -> None:
        subnetworks, mount = values
        assert len(subnetworks) == 5  # system + 4 GPU NICs
        assert mount is None  # no Filestore IP from the mock
        instances = inputs_of(mocks, "gcp:compute/instance:Instance")
        assert len(instances) == 2
        for instance in instances:
            nics = instance["networkInterfaces"]
            # Self links are computed (none from this mock), but every NIC is there, typed.
            assert [n["nicType"] for n in nics] == ["GVNIC"] + ["GVNIC"] * 4
            assert "zone" not in instance  # the lookup answered nothing: provider default

    return pulumi.Output.all(net.subnetworks, store.mount_command, cluster.node_group).apply(
        lambda v: check(v[:2])
    )


@pulumi.runtime.test
def test_gcp_cluster_on_your_own_subnetworks(mocks: PlainMocks) -> Any:
    own = [f"projects/p/regions/us-central1/subnetworks/s{i}" for i in range(5)]
    cluster = GcpGpuCluster(
        "own",
        {
            "cluster": "own",
            "region": "us-central1",
            "zone": "us-central1-b",
            "instance_type": "a3-highgpu-8g",
            "nodes": 1,
            "project": "my-project",
            "subnetworks": own,
            "fabric": {"kind": "GPUDirect-TCPX", "nics": 4},
            "image": "projects/my-project/global/images/my-gpu-image",
        },
    )

    def check(_: Any) -> None:
        assert not inputs_of(mocks, "gcp:compute/network:Network")
        (instance,) = inputs_of(mocks, "gcp:compute/instance:Instance")
        assert [n["subnetwork"] for n in instance["networkInterfaces"]] == own
        assert instance["zone"] == "us-central1-b"
        disk = instance["bootDisk"]["initializeParams"]
        assert disk["image"] == "projects/my-project/global/images/my-gpu-image"

    return cluster.node_group.apply(check)


@pulumi.runtime.test
def test_azure_network_storage_cluster(mocks: PlainMocks) -> Any:
    net = AzureClusterNetwork(
        "nd",
        {"cluster": "nd", "region": "eastus", "cidr_block": "10.40.0.0/16", "nodes": 2},
    )
    store = AzureClusterStorage(
        "nd",
        {
            "cluster": "nd",
            "region": "eastus",
            "resource_group_name": net.resource_group_name,
            "subnet_id": net.node_subnet_id,
            "object_tb": 1,
            "parallel_fs_tb": 20,
            "virtual_network_name": net.virtual_network_name,
            "filesystem_cidr": "10.40.64.0/22",
        },
    )
    cluster = AzureGpuCluster(
        "nd",
        {
            "cluster": "nd",
            "region": "eastus",
            "instance_type": "Standard_ND96isr_H100_v5",
            "nodes": 2,
            "fabric": {"kind": "InfiniBand", "nics": 8},
            "resource_group_name": net.resource_group_name,
            "subnet_id": net.node_subnet_id,
            "ssh_public_key": "ssh-ed25519 AAAATEST user",
            "container_id": store.container_id,  # type: ignore[typeddict-item]
            "mount_command": store.mount_command,  # type: ignore[typeddict-item]
        },
    )

    def check(values: list[Any]) -> None:
        mount = values[0]
        assert mount is None  # no MGS address from the mock
        (vmss,) = inputs_of(mocks, "azure-native:compute:VirtualMachineScaleSet")
        assert vmss["singlePlacementGroup"] is True
        assert vmss["sku"]["capacity"] == 2
        (role,) = inputs_of(mocks, "azure-native:authorization:RoleAssignment")
        # No subscription lookup: the mock's container id names none, so the tenant-level id.
        assert role["roleDefinitionId"].startswith("/providers/Microsoft.Authorization/")
        assert inputs_of(mocks, "azure-native:storagecache:AmlFilesystem")

    # Waiting on the role assignment's id: its registration is then recorded by the mocks.
    assert cluster.blob_access_id is not None
    return pulumi.Output.all(store.mount_command, cluster.node_group, cluster.blob_access_id).apply(
        check
    )


@pulumi.runtime.test
def test_azure_cluster_in_your_own_subnet(mocks: PlainMocks) -> Any:
    subnet = "/subscriptions/1111/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/gpu"
    cluster = AzureGpuCluster(
        "own",
        {
            "cluster": "own",
            "region": "eastus",
            "instance_type": "Standard_NC24ads_A100_v4",
            "nodes": 1,
            "resource_group_name": "rg",
            "subnet_id": subnet,
            "ssh_public_key": "ssh-ed25519 AAAATEST user",
            "container_id": "/subscriptions/1111/resourceGroups/rg/providers/Microsoft.Storage/"
            "storageAccounts/a/blobServices/default/containers/data",
        },
    )

    def check(_: Any) -> None:
        assert not inputs_of(mocks, "azure-native:network:VirtualNetwork")
        (vmss,) = inputs_of(mocks, "azure-native:compute:VirtualMachineScaleSet")
        nic = vmss["virtualMachineProfile"]["networkProfile"]["networkInterfaceConfigurations"][0]
        assert nic["ipConfigurations"][0]["subnet"]["id"] == subnet
        (role,) = inputs_of(mocks, "azure-native:authorization:RoleAssignment")
        assert role["roleDefinitionId"].startswith("/subscriptions/1111/providers/")

    # Wait on the role assignment too: its registration may land after the scale set's.
    assert cluster.blob_access_id is not None
    return pulumi.Output.all(cluster.node_group, cluster.blob_access_id).apply(check)


def test_missing_required_input_names_it() -> None:
    pulumi.runtime.set_mocks(PlainMocks(), preview=False)
    from cloudwright.core.errors import InputError

    with pytest.raises(InputError, match="securityGroupId"):
        AwsGpuCluster(
            "bad",
            {"cluster": "bad", "region": "us-east-1", "instance_type": "g6.xlarge", "nodes": 1},  # type: ignore[typeddict-item]
        )
