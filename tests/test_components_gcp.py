"""GCP components under Pulumi mocks: NICs per machine family, placement, storage, security."""

from __future__ import annotations

import pytest
from _graph_checks import of_type, one, orphans, untagged, world_admin_ingress
from _plans import a3_mega_cluster, assignment, plan

from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.plan import Plan, Storage
from cloudwright.resource_graph.model import Graph
from cloudwright.resource_graph.offline import preview_plan

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

INSTANCE = "gcp:compute/instance:Instance"
NETWORK = "gcp:compute/network:Network"


@pytest.fixture(scope="module")
def mega(fixture_catalog: Catalog) -> Graph:
    return preview_plan(plan(a3_mega_cluster()), catalog=fixture_catalog)


def _nics(graph: Graph) -> list[list[dict[str, str]]]:
    return [i.inputs["networkInterfaces"] for i in of_type(graph, INSTANCE)]


def test_a3_mega_nodes_have_one_system_and_eight_gpu_nics_in_nine_vpcs(mega: Graph) -> None:
    for nics in _nics(mega):
        assert len(nics) == 9
        assert {n["nicType"] for n in nics} == {"GVNIC"}
        assert len({n["subnetwork"] for n in nics}) == 9
    networks = of_type(mega, NETWORK)
    assert len(networks) == 9
    assert all(n.inputs["autoCreateSubnetworks"] is False for n in networks)
    assert {n.inputs["mtu"] for n in networks} == {8244}


def test_a3_high_has_four_gpu_nics(fixture_catalog: Catalog) -> None:
    graph = preview_plan(
        plan(
            assignment(
                "high",
                "gcp",
                "us-central1",
                "a3-highgpu-8g",
                nodes=2,
                interconnect="GPUDirect-TCPX",
            )
        ),
        catalog=fixture_catalog,
    )
    for nics in _nics(graph):
        assert len(nics) == 5 and {n["nicType"] for n in nics} == {"GVNIC"}
    assert len(of_type(graph, NETWORK)) == 5


def test_a3_ultra_has_two_gvnic_and_eight_mrdma_on_a_roce_network(fixture_catalog: Catalog) -> None:
    graph = preview_plan(
        plan(
            assignment(
                "ultra",
                "gcp",
                "europe-west4",
                "a3-ultragpu-8g",
                nodes=2,
                gpu="H200",
                interconnect="GPUDirect-RDMA",
            )
        ),
        catalog=fixture_catalog,
    )
    for nics in _nics(graph):
        assert [n["nicType"] for n in nics] == ["GVNIC"] * 2 + ["MRDMA"] * 8
    networks = of_type(graph, NETWORK)
    roce = [n for n in networks if n.inputs.get("networkProfile")]
    assert len(networks) == 3 and len(roce) == 1
    assert roce[0].inputs["networkProfile"] == (
        "projects/offline-preview/global/networkProfiles/europe-west4-a-vpc-roce"
    )
    assert roce[0].inputs["mtu"] == 8896
    roce_subnets = [
        s
        for s in of_type(graph, "gcp:compute/subnetwork:Subnetwork")
        if s.inputs["network"] == roce[0].outputs["id"]
    ]
    assert len(roce_subnets) == 8
    # RoCE VPCs take no VPC firewall rules.
    assert not any(
        f.inputs["network"] == roce[0].outputs["id"]
        for f in of_type(graph, "gcp:compute/firewall:Firewall")
    )
    disk = of_type(graph, INSTANCE)[0].inputs["bootDisk"]["initializeParams"]
    assert disk["type"] == "hyperdisk-balanced"


def test_compact_placement_and_gpu_scheduling(mega: Graph) -> None:
    policy = one(mega, "gcp:compute/resourcePolicy:ResourcePolicy")
    assert policy.inputs["groupPlacementPolicy"] == {"collocation": "COLLOCATED", "vmCount": 2}
    for instance in of_type(mega, INSTANCE):
        inputs = instance.inputs
        assert inputs["resourcePolicies"] == policy.outputs["selfLink"]
        assert inputs["scheduling"]["onHostMaintenance"] == "TERMINATE"
        assert inputs["scheduling"]["provisioningModel"] == "STANDARD"
        assert inputs["machineType"] == "a3-megagpu-8g" and inputs["zone"] == "us-central1-a"
        assert inputs["shieldedInstanceConfig"]["enableVtpm"] is True
        assert inputs["metadata"]["enable-oslogin"] == "TRUE"
        assert "mount -t lustre" in inputs["metadata"]["startup-script"]
        assert not any(n.get("accessConfigs") for n in inputs["networkInterfaces"])  # no public IPs


def test_spot_nodes(fixture_catalog: Catalog) -> None:
    graph = preview_plan(plan(a3_mega_cluster(pricing="spot")), catalog=fixture_catalog)
    scheduling = of_type(graph, INSTANCE)[0].inputs["scheduling"]
    assert scheduling["provisioningModel"] == "SPOT" and scheduling["preemptible"] is True
    assert scheduling["automaticRestart"] is False


def test_gcs_bucket_is_private(mega: Graph) -> None:
    bucket = one(mega, "gcp:storage/bucket:Bucket").inputs
    assert bucket["uniformBucketLevelAccess"] is True
    assert bucket["publicAccessPrevention"] == "enforced"
    assert bucket["versioning"] == {"enabled": True}
    assert bucket["location"] == "US-CENTRAL1"


def test_managed_lustre_through_private_services_access(mega: Graph) -> None:
    lustre = one(mega, "gcp:lustre/instance:Instance").inputs
    assert lustre["capacityGib"] == "36000"  # 30 TB = 27,940 GiB → the 250 tier's 36,000 minimum
    assert lustre["perUnitStorageThroughput"] == "250"
    assert lustre["location"] == "us-central1-a"
    address = one(mega, "gcp:compute/globalAddress:GlobalAddress").inputs
    assert address["purpose"] == "VPC_PEERING" and address["prefixLength"] == 20
    one(mega, "gcp:servicenetworking/connection:Connection")


def test_small_parallel_fs_goes_to_filestore(fixture_catalog: Catalog) -> None:
    small = a3_mega_cluster(storage=Storage(parallel_fs_tb=5))
    graph = preview_plan(plan(small), catalog=fixture_catalog)
    filestore = one(graph, "gcp:filestore/instance:Instance").inputs
    assert filestore["tier"] == "ZONAL" and filestore["fileShares"]["capacityGb"] == 4864
    assert of_type(graph, "gcp:lustre/instance:Instance") == []
    assert of_type(graph, "gcp:storage/bucket:Bucket") == []


def test_least_privilege_service_account(mega: Graph) -> None:
    roles = sorted(m.inputs["role"] for m in of_type(mega, "gcp:projects/iAMMember:IAMMember"))
    assert roles == ["roles/logging.logWriter", "roles/monitoring.metricWriter"]
    bucket_member = one(mega, "gcp:storage/bucketIAMMember:BucketIAMMember").inputs
    assert bucket_member["role"] == "roles/storage.objectUser"
    assert bucket_member["bucket"] == one(mega, "gcp:storage/bucket:Bucket").outputs["id"]


def test_firewalls_internal_only_labels_and_parents(mega: Graph) -> None:
    assert world_admin_ingress(mega) == []
    for rule in of_type(mega, "gcp:compute/firewall:Firewall"):
        assert "22" not in str(rule.inputs.get("allows"))  # no SSH rule without sshCidrs
    assert untagged(mega) == []
    assert orphans(mega) == []
    instance = of_type(mega, INSTANCE)[0]
    assert instance.inputs["labels"]["workload"] == "finetune"
    assert instance.workload == "finetune"


def test_missing_project_is_a_clear_error(fixture_catalog: Catalog) -> None:
    with pytest.raises(InputError, match="gcp:project"):
        preview_plan(plan(a3_mega_cluster()), catalog=fixture_catalog, config={"gcp:project": ""})


def test_capacity_blocks_are_aws_only(fixture_catalog: Catalog) -> None:
    config = {
        "cloudwright:workloads": {"finetune": {"market": "capacity_block", "reservation": "r"}}
    }
    with pytest.raises(InputError, match="capacity_block is not available on gcp"):
        preview_plan(plan(a3_mega_cluster()), catalog=fixture_catalog, config=config)


def test_named_reservation(fixture_catalog: Catalog) -> None:
    config = {
        "cloudwright:workloads": {
            "finetune": {"market": "capacity_reservation", "reservation": "a3-res"}
        }
    }
    graph = preview_plan(plan(a3_mega_cluster()), catalog=fixture_catalog, config=config)
    affinity = of_type(graph, INSTANCE)[0].inputs["reservationAffinity"]
    assert affinity["type"] == "SPECIFIC_RESERVATION"
    assert affinity["specificReservation"]["values"] == ["a3-res"]


def _t4_plan(instance_type: str = "n1-standard-8+nvidia-tesla-t4x1", **kwargs: object) -> Plan:
    return plan(
        assignment(
            "embed",
            "gcp",
            "us-central1",
            instance_type,
            nodes=2,
            gpu="T4",
            gpu_count=int(instance_type.rsplit("x", 1)[1]),
            **kwargs,  # type: ignore[arg-type]
        )
    )


@pytest.mark.parametrize(
    ("instance_type", "machine", "count"),
    [
        ("n1-standard-8+nvidia-tesla-t4x1", "n1-standard-8", 1),
        ("n1-standard-16+nvidia-tesla-t4x2", "n1-standard-16", 2),
    ],
)
def test_attached_gpu_shapes_deploy_host_plus_guest_accelerators(
    fixture_catalog: Catalog, instance_type: str, machine: str, count: int
) -> None:
    graph = preview_plan(_t4_plan(instance_type), catalog=fixture_catalog)
    instances = of_type(graph, INSTANCE)
    assert len(instances) == 2
    for instance in instances:
        inputs = instance.inputs
        assert inputs["machineType"] == machine  # never the catalog's combined name
        assert inputs["guestAccelerators"] == [{"type": "nvidia-tesla-t4", "count": count}]
        assert inputs["scheduling"]["onHostMaintenance"] == "TERMINATE"
        assert inputs["zone"] == "us-central1-a"  # where the catalog sells the shape
        assert inputs["bootDisk"]["initializeParams"]["type"] == "pd-balanced"
        assert "ubuntu-accelerator-2204" in inputs["bootDisk"]["initializeParams"]["image"]
        assert [n["nicType"] for n in inputs["networkInterfaces"]] == ["GVNIC"]
    # No fabric: no compact placement policy, one VPC.
    assert of_type(graph, "gcp:compute/resourcePolicy:ResourcePolicy") == []
    assert len(of_type(graph, NETWORK)) == 1
    assert untagged(graph) == [] and orphans(graph) == []


def test_attached_gpu_spot_nodes(fixture_catalog: Catalog) -> None:
    graph = preview_plan(_t4_plan(pricing="spot"), catalog=fixture_catalog)
    inputs = of_type(graph, INSTANCE)[0].inputs
    assert inputs["scheduling"]["provisioningModel"] == "SPOT"
    assert inputs["scheduling"]["onHostMaintenance"] == "TERMINATE"
    assert inputs["guestAccelerators"] == [{"type": "nvidia-tesla-t4", "count": 1}]


def test_machine_types_without_attached_gpus_have_no_guest_accelerators(mega: Graph) -> None:
    for instance in of_type(mega, INSTANCE):
        assert not instance.inputs.get("guestAccelerators")


def test_attached_gpu_preview_summary_names_host_and_gpus(fixture_catalog: Catalog) -> None:
    from cloudwright.reports.preview import key_settings

    graph = preview_plan(_t4_plan(), catalog=fixture_catalog)
    line = key_settings(INSTANCE, of_type(graph, INSTANCE)[0].inputs)
    assert line.startswith("n1-standard-8 + 1x nvidia-tesla-t4 nics=1 GVNIC STANDARD")


def test_accelerators_the_image_driver_lacks_are_refused(fixture_catalog: Catalog) -> None:
    import pandas as pd

    from cloudwright.optimizer.catalog import schema

    offerings = fixture_catalog.offerings
    t4 = offerings[offerings["instance_type"] == "n1-standard-8+nvidia-tesla-t4x1"]
    k80 = t4.assign(instance_type="n1-standard-8+nvidia-tesla-k80x1", gpu="K80")
    frames = {name: fixture_catalog.table(name) for name in schema.TABLES}
    frames["offerings"] = pd.concat([offerings, k80], ignore_index=True)
    catalog = Catalog.from_frames(frames, fixture_catalog.snapshot_date)
    with pytest.raises(InputError, match="no driver for n1-standard-8\\+nvidia-tesla-k80x1"):
        preview_plan(_t4_plan("n1-standard-8+nvidia-tesla-k80x1"), catalog=catalog)
    pinned = {"cloudwright:workloads": {"embed": {"image": "projects/p/global/images/k80"}}}
    graph = preview_plan(
        _t4_plan("n1-standard-8+nvidia-tesla-k80x1"), catalog=catalog, config=pinned
    )
    accelerators = of_type(graph, INSTANCE)[0].inputs["guestAccelerators"]
    assert accelerators == [{"type": "nvidia-tesla-k80", "count": 1}]
