"""AWS components under Pulumi mocks: the inputs that matter, as the engine receives them."""

from __future__ import annotations

import base64
import json

import pytest
from _graph_checks import of_type, one, orphans, untagged, world_admin_ingress
from _plans import assignment, p5_cluster, plan

from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.plan import Storage
from cloudwright.resource_graph.model import Graph
from cloudwright.resource_graph.offline import preview_plan

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LT = "aws:ec2/launchTemplate:LaunchTemplate"
ASG = "aws:autoscaling/group:Group"


@pytest.fixture(scope="module")
def p5(fixture_catalog: Catalog) -> Graph:
    return preview_plan(plan(p5_cluster()), catalog=fixture_catalog)


def test_p5_launch_template_has_32_efa_interfaces_one_with_ena(p5: Graph) -> None:
    nics = one(p5, LT).inputs["networkInterfaces"]
    assert len(nics) == 32
    assert [n["interfaceType"] for n in nics].count("efa") == 1
    assert [n["interfaceType"] for n in nics].count("efa-only") == 31
    cards = [n["networkCardIndex"] for n in nics]
    assert sorted(cards) == list(range(32)) and len(set(cards)) == 32
    primary = next(n for n in nics if n["networkCardIndex"] == 0)
    assert primary == {**primary, "deviceIndex": 0, "interfaceType": "efa"}
    assert all(n["deviceIndex"] == 1 for n in nics if n["networkCardIndex"] > 0)
    sg = one(p5, "aws:ec2/securityGroup:SecurityGroup")
    assert all(n["securityGroups"] == [sg.outputs["id"]] for n in nics)


def test_launch_template_is_hardened(p5: Graph) -> None:
    lt = one(p5, LT).inputs
    assert lt["instanceType"] == "p5.48xlarge"
    assert lt["metadataOptions"]["httpTokens"] == "required"
    root = lt["blockDeviceMappings"][0]
    assert root["ebs"]["encrypted"] == "true" and root["ebs"]["volumeType"] == "gp3"
    assert lt["imageId"].startswith("ami-")  # resolved from the DLAMI SSM parameter
    assert "instanceMarketOptions" not in lt  # on-demand
    kinds = {spec["resourceType"] for spec in lt["tagSpecifications"]}
    assert kinds == {"instance", "volume", "network-interface"}
    script = base64.b64decode(lt["userData"]).decode()
    assert "mount -t lustre" in script and ".fsx.us-east-1.amazonaws.com@tcp:/" in script


def test_nodes_in_a_cluster_placement_group_in_the_plans_zone(p5: Graph) -> None:
    pg = one(p5, "aws:ec2/placementGroup:PlacementGroup")
    assert pg.inputs["strategy"] == "cluster"
    asg = one(p5, ASG).inputs
    assert asg["placementGroup"] == pg.outputs["id"]
    assert asg["desiredCapacity"] == asg["minSize"] == asg["maxSize"] == 4
    assert asg["launchTemplate"]["id"] == one(p5, LT).outputs["id"]
    nodes = next(s for s in of_type(p5, "aws:ec2/subnet:Subnet") if s.name.endswith("-nodes"))
    assert nodes.inputs["availabilityZoneId"] == "use1-az2"
    assert asg["vpcZoneIdentifiers"] == [nodes.outputs["id"]]
    assert nodes.inputs["mapPublicIpOnLaunch"] is False


def test_efa_security_group_self_rules_and_no_world_ingress(p5: Graph) -> None:
    sg_id = one(p5, "aws:ec2/securityGroup:SecurityGroup").outputs["id"]
    ingress = of_type(p5, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    egress = of_type(p5, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert any(
        r.inputs.get("referencedSecurityGroupId") == sg_id and r.inputs["ipProtocol"] == "-1"
        for r in ingress
    )
    assert any(
        r.inputs.get("referencedSecurityGroupId") == sg_id and r.inputs["ipProtocol"] == "-1"
        for r in egress
    )
    assert world_admin_ingress(p5) == []
    assert not any(r.inputs.get("fromPort") == 22 for r in ingress)  # no SSH by default


def test_fsx_lustre_persistent_2_sized_and_encrypted(p5: Graph) -> None:
    fsx = one(p5, "aws:fsx/lustreFileSystem:LustreFileSystem").inputs
    assert fsx["deploymentType"] == "PERSISTENT_2"
    assert fsx["perUnitStorageThroughput"] == 250
    assert fsx["storageCapacity"] == 10800  # 10 TB = 9313 GiB → 1200 + 4 × 2400
    assert fsx["kmsKeyId"] == one(p5, "aws:kms/key:Key").outputs["arn"]
    assert fsx["subnetIds"] == next(
        s.outputs["id"] for s in of_type(p5, "aws:ec2/subnet:Subnet") if s.name.endswith("-nodes")
    )


def test_s3_bucket_private_versioned_and_kms_encrypted(p5: Graph) -> None:
    pab = one(p5, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(
        pab[k] is True
        for k in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    )
    sse = one(
        p5, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ).inputs
    rule = sse["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert rule["bucketKeyEnabled"] is True
    assert (
        one(p5, "aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"][
            "status"
        ]
        == "Enabled"
    )
    owner = one(p5, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert owner["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    policy = json.loads(one(p5, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert one(p5, "aws:kms/key:Key").inputs["enableKeyRotation"] is True


def test_node_role_reaches_only_its_own_bucket_and_key(p5: Graph) -> None:
    bucket = one(p5, "aws:s3/bucket:Bucket").outputs["arn"]
    key = one(p5, "aws:kms/key:Key").outputs["arn"]
    doc = json.loads(one(p5, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    resources = {s["Resource"] for s in doc["Statement"]}
    assert resources == {bucket, f"{bucket}/*", key}
    assert all("*" not in s["Action"] for s in doc["Statement"])
    trust = json.loads(one(p5, "aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    attached = one(p5, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs["policyArn"]
    assert attached == "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


def test_every_taggable_resource_is_tagged_and_parented(p5: Graph) -> None:
    assert untagged(p5) == []
    assert orphans(p5) == []
    tags = {t["key"]: t["value"] for t in one(p5, ASG).inputs["tags"]}
    assert tags["workload"] == "llm-pretrain"
    for component in ("ClusterNetwork", "ClusterStorage", "GpuCluster"):
        (c,) = of_type(p5, f"cloudwright:aws:{component}")
        assert not c.custom and p5.children_of(c.urn)
        assert c.workload == "llm-pretrain" and c.region == "us-east-1"


def test_p4d_gets_four_efa_interfaces(fixture_catalog: Catalog) -> None:
    graph = preview_plan(
        plan(
            assignment(
                "p4",
                "aws",
                "eu-central-1",
                "p4d.24xlarge",
                nodes=2,
                interconnect="EFA",
                gpu="A100-40GB",
            )
        ),
        catalog=fixture_catalog,
    )
    nics = one(graph, LT).inputs["networkInterfaces"]
    assert [n["interfaceType"] for n in nics] == ["efa", "efa-only", "efa-only", "efa-only"]
    # No zone in the plan: the catalog's zone for the type in that region.
    nodes = next(s for s in of_type(graph, "aws:ec2/subnet:Subnet") if s.name.endswith("-nodes"))
    assert nodes.inputs["availabilityZoneId"] == "euc1-az1"
    assert of_type(graph, "aws:fsx/lustreFileSystem:LustreFileSystem") == []  # no parallel FS asked


def test_efa_only_can_be_switched_off(fixture_catalog: Catalog) -> None:
    graph = preview_plan(
        plan(p5_cluster()), catalog=fixture_catalog, config={"cloudwright:efaOnly": False}
    )
    nics = one(graph, LT).inputs["networkInterfaces"]
    assert {n["interfaceType"] for n in nics} == {"efa"}


def test_spot_and_capacity_block_market_options(fixture_catalog: Catalog) -> None:
    spot = preview_plan(plan(p5_cluster(pricing="spot")), catalog=fixture_catalog)
    market = one(spot, LT).inputs["instanceMarketOptions"]
    assert market["marketType"] == "spot"
    assert one(spot, ASG).inputs["capacityRebalance"] is True
    config = {
        "cloudwright:workloads": {
            "llm-pretrain": {"market": "capacity_block", "reservation": "cr-0abc"}
        }
    }
    block = preview_plan(plan(p5_cluster()), catalog=fixture_catalog, config=config)
    lt = one(block, LT).inputs
    assert lt["instanceMarketOptions"] == {"marketType": "capacity-block"}
    assert (
        lt["capacityReservationSpecification"]["capacityReservationTarget"]["capacityReservationId"]
        == "cr-0abc"
    )


def test_capacity_block_without_reservation_is_an_input_error(fixture_catalog: Catalog) -> None:
    config = {"cloudwright:workloads": {"llm-pretrain": {"market": "capacity_block"}}}
    with pytest.raises(InputError, match="reservation id"):
        preview_plan(plan(p5_cluster()), catalog=fixture_catalog, config=config)


def test_ssh_only_from_configured_ranges(fixture_catalog: Catalog) -> None:
    graph = preview_plan(
        plan(p5_cluster()),
        catalog=fixture_catalog,
        config={"cloudwright:sshCidrs": ["10.200.0.0/16"]},
    )
    ssh = [
        r
        for r in of_type(graph, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.inputs.get("fromPort") == 22
    ]
    assert [r.inputs["cidrIpv4"] for r in ssh] == ["10.200.0.0/16"]
    with pytest.raises(InputError, match="whole internet"):
        preview_plan(
            plan(p5_cluster()),
            catalog=fixture_catalog,
            config={"cloudwright:sshCidrs": ["0.0.0.0/0"]},
        )


def test_inference_nodes_get_plain_networking_and_no_placement_group(
    fixture_catalog: Catalog,
) -> None:
    graph = preview_plan(
        plan(
            assignment(
                "chat",
                "aws",
                "us-east-1",
                "g6.xlarge",
                nodes=3,
                gpu="L4",
                gpu_count=1,
                kind="inference",
                storage=Storage(),
            )
        ),
        catalog=fixture_catalog,
    )
    nics = one(graph, LT).inputs["networkInterfaces"]
    assert len(nics) == 1 and "interfaceType" not in nics[0]
    assert of_type(graph, "aws:ec2/placementGroup:PlacementGroup") == []
    assert of_type(graph, "aws:s3/bucket:Bucket") == []
    assert untagged(graph) == [] and orphans(graph) == []
