"""Azure components under Pulumi mocks: scale set for InfiniBand, storage lockdown, AMLFS."""

from __future__ import annotations

import base64

import pytest
from _graph_checks import of_type, one, orphans, untagged, world_admin_ingress
from _plans import assignment, nd_h100_cluster, plan

from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.plan import Storage
from cloudwright.resource_graph.model import Graph
from cloudwright.resource_graph.offline import OFFLINE_DEFAULTS, preview_plan

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

VMSS = "azure-native:compute:VirtualMachineScaleSet"


@pytest.fixture(scope="module")
def nd(fixture_catalog: Catalog) -> Graph:
    return preview_plan(plan(nd_h100_cluster()), catalog=fixture_catalog)


def test_scale_set_shares_one_infiniband_placement_group(nd: Graph) -> None:
    vmss = one(nd, VMSS).inputs
    assert vmss["singlePlacementGroup"] is True
    assert vmss["overprovision"] is False
    assert vmss["platformFaultDomainCount"] == 1
    assert vmss["orchestrationMode"] == "Uniform"
    assert vmss["sku"] == {"name": "Standard_ND96isr_H100_v5", "tier": "Standard", "capacity": 2}
    assert vmss["upgradePolicy"]["mode"] == "Manual"


def test_vm_profile_is_hardened(nd: Graph) -> None:
    profile = one(nd, VMSS).inputs["virtualMachineProfile"]
    nic = profile["networkProfile"]["networkInterfaceConfigurations"][0]
    assert nic["enableAcceleratedNetworking"] is True
    assert "publicIPAddressConfiguration" not in nic["ipConfigurations"][0]
    assert profile["storageProfile"]["imageReference"] == {
        "publisher": "microsoft-dsvm",
        "offer": "ubuntu-hpc",
        "sku": "2204",
        "version": "latest",
    }
    assert profile["securityProfile"]["encryptionAtHost"] is True
    linux = profile["osProfile"]["linuxConfiguration"]
    assert linux["disablePasswordAuthentication"] is True
    assert "adminPassword" not in profile["osProfile"]
    assert profile["priority"] == "Regular"
    script = base64.b64decode(profile["osProfile"]["customData"]).decode()
    assert "mount -t lustre" in script and "/amlfs" in script


def test_managed_identity_reaches_only_its_container(nd: Graph) -> None:
    identity = one(nd, "azure-native:managedidentity:UserAssignedIdentity")
    vmss = one(nd, VMSS).inputs
    assert vmss["identity"]["type"] == "UserAssigned"
    assert vmss["identity"]["userAssignedIdentities"] == [identity.outputs["id"]]
    grant = one(nd, "azure-native:authorization:RoleAssignment").inputs
    assert grant["scope"] == one(nd, "azure-native:storage:BlobContainer").outputs["id"]
    assert grant["principalId"] == identity.outputs["principalId"]
    assert grant["roleDefinitionId"].endswith("ba92f5b4-2d11-453d-a403-e96b0029c9fe")


def test_storage_account_is_locked_down(nd: Graph) -> None:
    account = one(nd, "azure-native:storage:StorageAccount").inputs
    assert account["enableHttpsTrafficOnly"] is True
    assert account["minimumTlsVersion"] == "TLS1_2"
    assert account["allowBlobPublicAccess"] is False
    assert account["allowSharedKeyAccess"] is False
    assert account["encryption"]["requireInfrastructureEncryption"] is True
    assert account["networkRuleSet"]["defaultAction"] == "Deny"
    assert one(nd, "azure-native:storage:BlobContainer").inputs["publicAccess"] == "None"
    assert (
        one(nd, "azure-native:storage:BlobServiceProperties").inputs["isVersioningEnabled"] is True
    )


def test_amlfs_on_its_own_subnet_sized_to_the_sku(nd: Graph) -> None:
    amlfs = one(nd, "azure-native:storagecache:AmlFilesystem")
    # 20 TB = 18.2 TiB at 250 MB/s/TiB → AMLFS-Durable-Premium-250 in 8 TiB steps → 24 TiB.
    assert amlfs.inputs["sku"] == {"name": "AMLFS-Durable-Premium-250"}
    assert amlfs.inputs["storageCapacityTiB"] == 24
    subnets = {s.outputs["id"]: s for s in of_type(nd, "azure-native:network:Subnet")}
    lustre_subnet = subnets[amlfs.inputs["filesystemSubnet"]]
    assert lustre_subnet.inputs["addressPrefix"].endswith("/26")  # 24 TiB → /26 (Microsoft's table)
    vmss_subnet = one(nd, VMSS).inputs["virtualMachineProfile"]["networkProfile"][
        "networkInterfaceConfigurations"
    ][0]["ipConfigurations"][0]["subnet"]["id"]
    assert vmss_subnet != amlfs.inputs["filesystemSubnet"]


def test_network_has_no_internet_admin_ingress(nd: Graph) -> None:
    assert world_admin_ingress(nd) == []
    rules = one(nd, "azure-native:network:NetworkSecurityGroup").inputs["securityRules"]
    deny = next(r for r in rules if r["name"] == "deny-internet-admin")
    assert deny["access"] == "Deny" and deny["sourceAddressPrefix"] == "Internet"
    nodes = next(s for s in of_type(nd, "azure-native:network:Subnet") if s.name.endswith("-nodes"))
    assert nodes.inputs["defaultOutboundAccess"] is False
    assert (
        nodes.inputs["natGateway"]["id"] == one(nd, "azure-native:network:NatGateway").outputs["id"]
    )


def test_tags_parents_and_location(nd: Graph) -> None:
    assert untagged(nd) == []
    assert orphans(nd) == []
    for r in nd.custom_resources():
        assert r.region == "eastus", r.name


def test_spot_priority(fixture_catalog: Catalog) -> None:
    graph = preview_plan(plan(nd_h100_cluster(pricing="spot")), catalog=fixture_catalog)
    profile = one(graph, VMSS).inputs["virtualMachineProfile"]
    assert profile["priority"] == "Spot" and profile["evictionPolicy"] == "Delete"
    assert profile["billingProfile"]["maxPrice"] == -1


def test_non_infiniband_sizes_do_not_pin_a_placement_group(fixture_catalog: Catalog) -> None:
    graph = preview_plan(
        plan(
            assignment(
                "t4",
                "azure",
                "eastus",
                "Standard_NC4as_T4_v3",
                nodes=3,
                gpu="T4",
                gpu_count=1,
                storage=Storage(),
            )
        ),
        catalog=fixture_catalog,
    )
    assert one(graph, VMSS).inputs["singlePlacementGroup"] is False
    assert of_type(graph, "azure-native:storagecache:AmlFilesystem") == []
    assert of_type(graph, "azure-native:storage:StorageAccount") == []


def test_azure_needs_an_admin_key_when_deploying(fixture_catalog: Catalog) -> None:
    key = "cloudwright:sshPublicKey"
    assert key in OFFLINE_DEFAULTS  # previews get a stand-in
    with pytest.raises(InputError, match="SSH public key"):
        preview_plan(plan(nd_h100_cluster()), catalog=fixture_catalog, config={key: ""})


def test_more_than_100_infiniband_nodes_is_refused(fixture_catalog: Catalog) -> None:
    with pytest.raises(InputError, match="placement group"):
        preview_plan(plan(nd_h100_cluster(nodes=101)), catalog=fixture_catalog)
