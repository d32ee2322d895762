"""`cloudwright:aws:KubernetesCluster` (EKS) and `cloudwright:aws:GpuNodePool` (a managed node
group with EFA), and the kit the stack program builds them with.

- KubernetesCluster: an IAM role with AmazonEKSClusterPolicy, a KMS key (rotation on) that
  encrypts Kubernetes secrets, two small control-plane subnets in two zones of the cluster
  network's VPC (EKS needs two zones for its control-plane interfaces; the nodes stay in one),
  and an `aws.eks.Cluster` with a private API endpoint only (endpointPrivateAccess true,
  endpointPublicAccess false), access entries (API mode) and api/audit/authenticator logs.
  `existing` adopts a cluster by name instead (read with `eks.get_cluster`).
- GpuNodePool: a node IAM role (worker node, CNI, ECR read-only, SSM core, its own bucket and
  key), a `cluster` placement group when the type has a fabric, a launch template carrying
  the instance type, the catalog's EFA interfaces (`components.fabric.efa_interfaces`:
  network card 0 / device 0 EFA with ENA, every other card device 1 EFA-only, as AWS
  documents for p5), the placement group, IMDSv2 and an encrypted gp3 root volume, and an
  `aws.eks.NodeGroup` of exactly `nodes` nodes in one subnet (one zone) on the EKS GPU AMI
  (AL2023_x86_64_NVIDIA), tainted `nvidia.com/gpu`. The NVIDIA and EFA device plugins come
  out as manifests (`deviceManifests`).
"""

import json
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_aws import ec2, eks, iam, kms
from pulumi_aws.get_availability_zones import get_availability_zones_output

from cloudwright.components.args import (
    FabricArgs,
    fabric_args,
    fabric_spec,
    need,
    plain_int,
    string_map,
)
from cloudwright.components.aws.cluster import data_access_policy
from cloudwright.components.aws.network import AwsClusterNetwork
from cloudwright.components.aws.storage import AwsClusterStorage
from cloudwright.components.base import child, expect
from cloudwright.components.fabric import efa_count, efa_interfaces, supports_efa_only
from cloudwright.components.interface import ClusterNetwork, ClusterStorage, Market
from cloudwright.components.kubernetes import (
    GPU_TAINT_KEY,
    POOL_LABEL,
    KubernetesClusterSpec,
    KubernetesKit,
    NodePoolSpec,
    efa_device_plugin,
    manifests,
    nvidia_device_plugin,
)
from cloudwright.components.sizing import aws_partition
from cloudwright.core.errors import InputError

CLUSTER_TOKEN = "cloudwright:aws:KubernetesCluster"
POOL_TOKEN = "cloudwright:aws:GpuNodePool"
TYPE_TOKEN = POOL_TOKEN
LOG_TYPES = ["api", "audit", "authenticator"]
AMI_TYPES = {"x86_64": "AL2023_x86_64_NVIDIA", "arm64": "AL2023_ARM_64_NVIDIA"}
ROOT_DEVICE = "/dev/xvda"  # the EKS AL2023 AMIs' root device
IMDS_HOP_LIMIT = 2
POLICY = "arn:{partition}:iam::aws:policy/{name}"
NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
)
CAPACITY_TYPES = {
    Market.ON_DEMAND: "ON_DEMAND",
    Market.CAPACITY_RESERVATION: "ON_DEMAND",
    Market.SPOT: "SPOT",
    Market.CAPACITY_BLOCK: "CAPACITY_BLOCK",
}


def _assume(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def _nth(i: int, zones: Sequence[str]) -> str | None:
    """The i-th zone id, or None (the cloud picks) when the region lists fewer."""
    return zones[i] if len(zones) > i else None


def _first_subnet(ids: Sequence[str]) -> str:
    if not ids:
        raise InputError("the adopted EKS cluster lists no subnets for its node groups")
    return ids[0]


def control_plane_cidrs(block: str) -> list[str]:
    """The last two /28s of the network's block: the cluster network carves its subnets from
    the bottom, so the top stays free for EKS's control-plane interfaces."""
    import ipaddress

    net = ipaddress.ip_network(block, strict=False)
    top = int(net.broadcast_address) + 1
    return [str(ipaddress.ip_network((top - 16 * k, 28))) for k in (2, 1)]


class AwsKubernetesClusterArgs(TypedDict):
    """Inputs of cloudwright:aws:KubernetesCluster."""

    cluster: str
    """Short name used in resource names."""
    region: str
    """AWS region (decides the partition in IAM ARNs)."""
    vpc_id: NotRequired[pulumi.Input[str]]
    """The cluster network's VPC (the control-plane subnets are created in it)."""
    control_plane_cidrs: NotRequired[list[str]]
    """Two free /28 blocks of that VPC, for the control-plane subnets in two zones."""
    existing: NotRequired[str]
    """Adopt this EKS cluster (by name) instead of creating one."""
    version: NotRequired[str]
    """Kubernetes version (default: EKS's default)."""
    tags: NotRequired[dict[str, str]]
    """Tags on every resource."""


class AwsKubernetesCluster(pulumi.ComponentResource):
    """An EKS cluster with a private endpoint and KMS-encrypted secrets (or an adopted one)."""

    cluster_name: pulumi.Output[str]
    """The EKS cluster's name."""
    security_group_id: pulumi.Output[str]
    """The cluster security group EKS creates (nodes join it to reach the control plane)."""
    node_subnet_id: pulumi.Output[str] | None
    """An adopted cluster's first subnet: node groups must sit in the cluster's own VPC (one
    subnet: one zone, as EFA and a cluster placement group need). None for a created one."""

    def __init__(
        self, name: str, args: AwsKubernetesClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(CLUSTER_TOKEN, name, None, opts)
        where = f"{CLUSTER_TOKEN} {name}"
        cluster = str(need(args, "cluster", where))
        tags = string_map(args, "tags")
        existing = args.get("existing")
        if existing:
            found = eks.get_cluster_output(
                name=existing, opts=pulumi.InvokeOutputOptions(parent=self)
            )
            self.cluster_name = found.name
            self.security_group_id = found.vpc_config.cluster_security_group_id
            self.node_subnet_id = found.vpc_config.subnet_ids.apply(_first_subnet)
        else:
            self.node_subnet_id = None
            partition = aws_partition(str(need(args, "region", where)))
            self.cluster_name, self.security_group_id = self._create(
                name, cluster, args, where, partition, tags
            )
        self.register_outputs(
            {"clusterName": self.cluster_name, "securityGroupId": self.security_group_id}
        )

    def _create(
        self,
        name: str,
        cluster: str,
        args: Mapping[str, Any],
        where: str,
        partition: str,
        tags: Mapping[str, str],
    ) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        role = iam.Role(
            f"{name}-eks-role",
            assume_role_policy=_assume("eks.amazonaws.com"),
            description=f"Cloudwright {cluster} EKS control plane",
            tags=dict(tags),
            opts=child(self),
        )
        attach = iam.RolePolicyAttachment(
            f"{name}-eks-policy",
            role=role.name,
            policy_arn=POLICY.format(partition=partition, name="AmazonEKSClusterPolicy"),
            opts=child(self),
        )
        key = kms.Key(
            f"{name}-eks-key",
            description=f"Cloudwright {cluster} Kubernetes secrets",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            tags=dict(tags),
            opts=child(self),
        )
        cidrs = list(args.get("control_plane_cidrs") or [])
        if len(cidrs) != 2:
            raise InputError("input controlPlaneCidrs must hold two /28 blocks", location=where)
        zones = get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        ).zone_ids
        subnets = [
            ec2.Subnet(
                f"{name}-cp{i}",
                vpc_id=need(args, "vpc_id", where),
                cidr_block=cidr,
                availability_zone_id=zones.apply(partial(_nth, i)),
                map_public_ip_on_launch=False,
                tags={**tags, "Name": f"{cluster}-control-plane-{i}"},
                opts=child(self),
            )
            for i, cidr in enumerate(cidrs)
        ]
        eks_cluster = eks.Cluster(
            f"{name}-eks",
            role_arn=role.arn,
            version=args.get("version"),
            vpc_config=eks.ClusterVpcConfigArgs(
                subnet_ids=[s.id for s in subnets],
                endpoint_private_access=True,
                endpoint_public_access=False,
            ),
            encryption_config=eks.ClusterEncryptionConfigArgs(
                provider=eks.ClusterEncryptionConfigProviderArgs(key_arn=key.arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=LOG_TYPES,
            access_config=eks.ClusterAccessConfigArgs(authentication_mode="API"),
            tags=dict(tags),
            opts=child(self, depends_on=[attach]),
        )
        return eks_cluster.name, eks_cluster.vpc_config.cluster_security_group_id


class AwsGpuNodePoolArgs(TypedDict):
    """Inputs of cloudwright:aws:GpuNodePool."""

    cluster: str
    """Short name used in resource names."""
    region: str
    """AWS region (IAM partition, EFA plugin image registry)."""
    cluster_name: pulumi.Input[str]
    """The EKS cluster the node group joins."""
    instance_type: str
    """EC2 instance type of the nodes (p5.48xlarge, ...)."""
    nodes: int
    """Number of nodes (the node group's fixed size)."""
    subnet_id: pulumi.Input[str]
    """The one subnet (one zone) of the nodes."""
    security_group_ids: pulumi.Input[list[str]]
    """Security groups on every interface: the EFA group (all traffic to and from itself)
    and the cluster security group."""
    fabric: NotRequired[FabricArgs]
    """The instance type's fabric (EFA: one interface per network card)."""
    arch: NotRequired[str]
    """x86_64 (default) or arm64: picks the EKS GPU AMI type."""
    market: NotRequired[Market]
    """on_demand (default), spot, capacity_reservation or capacity_block."""
    reservation: NotRequired[pulumi.Input[str]]
    """Capacity reservation or capacity block id (cr-...)."""
    boot_disk_gb: NotRequired[int]
    """Root volume size in GB (default 200)."""
    efa_only: NotRequired[bool]
    """Secondary EFA interfaces as EFA-only (default true)."""
    bucket_arn: NotRequired[pulumi.Input[str]]
    """A bucket the nodes may read and write."""
    kms_key_arn: NotRequired[pulumi.Input[str]]
    """A KMS key the nodes may use."""
    tags: NotRequired[dict[str, str]]
    """Tags on every resource, and on instances, volumes and interfaces."""


class AwsGpuNodePool(pulumi.ComponentResource):
    """An EKS managed node group on an EFA launch template in a cluster placement group."""

    node_group: pulumi.Output[str]
    """The node group's id (cluster:nodegroup)."""
    identity: pulumi.Output[str]
    """The nodes' IAM role ARN."""
    launch_template_id: pulumi.Output[str]
    """The launch template."""
    device_manifests: pulumi.Output[str]
    """The NVIDIA (and EFA) device plugin DaemonSets to apply, as YAML."""

    def __init__(
        self, name: str, args: AwsGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(POOL_TOKEN, name, None, opts)
        where = f"{POOL_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        region = str(need(args, "region", where))
        instance_type = str(need(args, "instance_type", where))
        nodes = plain_int(args, "nodes", where, minimum=1)
        fabric = fabric_spec(args.get("fabric"), where)
        market = Market(args.get("market", Market.ON_DEMAND))
        arch = str(args.get("arch") or "x86_64")
        ami_type = AMI_TYPES.get(arch)
        if ami_type is None:
            raise InputError(f"no EKS GPU AMI type for architecture {arch!r}", location=where)
        if market in (Market.CAPACITY_BLOCK, Market.CAPACITY_RESERVATION) and not args.get(
            "reservation"
        ):
            raise InputError(
                f"market {market.value} needs a capacity reservation id (cr-...)", location=where
            )
        tags = string_map(args, "tags")
        role = self._role(name, args, aws_partition(region), tags)
        placement = (
            ec2.PlacementGroup(f"{name}-pg", strategy="cluster", tags=dict(tags), opts=child(self))
            if fabric.present
            else None
        )
        efa = efa_count(fabric)
        efa_only = bool(args.get("efa_only", True)) and supports_efa_only(instance_type)
        groups = need(args, "security_group_ids", where)
        interfaces = [
            ec2.LaunchTemplateNetworkInterfaceArgs(
                device_index=nic.device_index,
                network_card_index=nic.network_card_index,
                interface_type=nic.interface_type,
                security_groups=groups,
                delete_on_termination="true",
            )
            for nic in efa_interfaces(efa, efa_only=efa_only)
        ]
        boot = (
            plain_int(args, "boot_disk_gb", where, minimum=1)
            if args.get("boot_disk_gb") is not None
            else 200
        )
        reservation = args.get("reservation")
        template = ec2.LaunchTemplate(
            f"{name}-lt",
            instance_type=instance_type,
            # Without EFA the node group puts the cluster security group on the primary ENI.
            network_interfaces=interfaces or None,
            vpc_security_group_ids=None if interfaces else groups,
            placement=ec2.LaunchTemplatePlacementArgs(group_name=placement.name)
            if placement
            else None,
            metadata_options=ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=IMDS_HOP_LIMIT,
            ),
            block_device_mappings=[
                ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name=ROOT_DEVICE,
                    ebs=ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=boot,
                        volume_type="gp3",
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            # Capacity blocks are the one market EKS takes from the template (capacityType
            # CAPACITY_BLOCK); spot is the node group's capacityType.
            instance_market_options=ec2.LaunchTemplateInstanceMarketOptionsArgs(
                market_type="capacity-block"
            )
            if market == Market.CAPACITY_BLOCK
            else None,
            capacity_reservation_specification=ec2.LaunchTemplateCapacityReservationSpecificationArgs(
                capacity_reservation_target=ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs(
                    capacity_reservation_id=reservation
                )
            )
            if reservation
            else None,
            update_default_version=True,
            tag_specifications=[
                ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=dict(tags))
                for kind in ("instance", "volume", "network-interface")
            ],
            tags=dict(tags),
            opts=child(self),
        )
        group = eks.NodeGroup(
            f"{name}-nodes",
            cluster_name=need(args, "cluster_name", where),
            node_role_arn=role.arn,
            subnet_ids=[need(args, "subnet_id", where)],
            scaling_config=eks.NodeGroupScalingConfigArgs(
                desired_size=nodes, min_size=nodes, max_size=nodes
            ),
            launch_template=eks.NodeGroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            ami_type=ami_type,
            capacity_type=CAPACITY_TYPES[market],
            labels=dict(POOL_LABEL),
            taints=[
                eks.NodeGroupTaintArgs(key=GPU_TAINT_KEY, value="present", effect="NO_SCHEDULE")
            ],
            update_config=eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            tags=dict(tags),
            opts=child(self),
        )
        plugins = [nvidia_device_plugin()] + ([efa_device_plugin(region)] if efa else [])
        self.node_group = group.id
        self.identity = role.arn
        self.launch_template_id = template.id
        self.device_manifests = pulumi.Output.from_input(manifests(*plugins))
        self.register_outputs(
            {
                "nodeGroup": self.node_group,
                "identity": self.identity,
                "launchTemplateId": self.launch_template_id,
                "deviceManifests": self.device_manifests,
            }
        )

    def _role(
        self, name: str, args: Mapping[str, Any], partition: str, tags: Mapping[str, str]
    ) -> iam.Role:
        role = iam.Role(
            f"{name}-node-role",
            assume_role_policy=_assume("ec2.amazonaws.com"),
            description=f"Cloudwright {self.cluster} EKS GPU nodes",
            tags=dict(tags),
            opts=child(self),
        )
        for policy in NODE_POLICIES:
            iam.RolePolicyAttachment(
                f"{name}-{policy.lower().replace('_', '-')}",
                role=role.name,
                policy_arn=POLICY.format(partition=partition, name=policy),
                opts=child(self),
            )
        bucket_arn, key_arn = args.get("bucket_arn"), args.get("kms_key_arn")
        if bucket_arn is not None or key_arn is not None:
            iam.RolePolicy(
                f"{name}-node-data",
                role=role.id,
                policy=pulumi.Output.all(bucket_arn, key_arn).apply(
                    lambda arns: data_access_policy(arns[0], arns[1])
                ),
                opts=child(self),
            )
        return role


class AwsKubernetesKit(KubernetesKit):
    cloud = "aws"

    def cluster(
        self,
        name: str,
        spec: KubernetesClusterSpec,
        network: ClusterNetwork,
        opts: pulumi.ResourceOptions,
    ) -> AwsKubernetesCluster:
        net = expect(network, AwsClusterNetwork, "network")
        args = AwsKubernetesClusterArgs(
            cluster=spec.cluster, region=spec.region, tags=dict(spec.tags)
        )
        if spec.existing:
            args["existing"] = spec.existing
        else:
            args["vpc_id"] = net.vpc_id
            args["control_plane_cidrs"] = control_plane_cidrs(spec.cidr_block)
        return AwsKubernetesCluster(name, args, opts=opts)

    def node_pool(
        self,
        name: str,
        spec: NodePoolSpec,
        cluster: Any,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> AwsGpuNodePool:
        net = expect(network, AwsClusterNetwork, "network")
        store = expect(storage, AwsClusterStorage, "storage")
        eks_cluster = expect(cluster, AwsKubernetesCluster, "cluster")
        args = AwsGpuNodePoolArgs(
            cluster=spec.cluster,
            region=spec.region,
            cluster_name=eks_cluster.cluster_name,
            instance_type=spec.instance_type,
            nodes=spec.nodes,
            # An adopted cluster's nodes go into its own VPC, with its security group only.
            subnet_id=eks_cluster.node_subnet_id or net.node_subnet_id,
            security_group_ids=pulumi.Output.all(
                *(() if eks_cluster.node_subnet_id else (net.security_group_id,)),
                eks_cluster.security_group_id,
            ).apply(lambda ids: [i for i in ids if i]),
            fabric=fabric_args(spec.fabric),
            arch=spec.arch,
            market=spec.market,
            boot_disk_gb=spec.boot_disk_gb,
            efa_only=spec.efa_only,
            tags=dict(spec.tags),
        )
        optional = {
            "reservation": spec.reservation,
            "bucket_arn": store.bucket_arn,
            "kms_key_arn": store.kms_key_arn,
        }
        args.update({k: v for k, v in optional.items() if v is not None})  # type: ignore[typeddict-item]
        return AwsGpuNodePool(name, args, opts=opts)


K8S_KIT = AwsKubernetesKit()
TYPE_TOKENS = {
    "AwsKubernetesCluster": CLUSTER_TOKEN,
    "AwsGpuNodePool": POOL_TOKEN,
}
COMPONENTS = (AwsKubernetesCluster, AwsGpuNodePool)
