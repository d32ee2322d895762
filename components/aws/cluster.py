"""`cloudwright:aws:GpuCluster`: GPU nodes in a cluster placement group behind an ASG.

- IAM: a role for EC2 with SSM Session Manager (AmazonSSMManagedInstanceCore) and read/write
  on its own bucket and key only; an instance profile.
- A `cluster` placement group when the instance type has a fabric (EFA) and there is more
  than one node.
- A launch template: the instance type's EFA interfaces (`components.fabric.efa_interfaces`:
  card 0 EFA with ENA, the rest EFA-only), IMDSv2 required, an encrypted gp3 root volume,
  the DLAMI (Base OSS NVIDIA driver, Ubuntu 22.04; for Trainium / Inferentia2 the Neuron
  multi-framework DLAMI; looked up at deploy time; when the lookup answers nothing, EC2
  resolves the same SSM parameter at launch) unless an image is given,
  tags on instances, volumes and interfaces, and spot / capacity-block / reservation options.
- An Auto Scaling group of exactly `nodes` instances in the given subnet and the placement
  group. It does not wait for capacity: GPU capacity can take hours, `pulumi up` should not.

Everything it joins comes in as ids: the subnet and security group (from
`AwsClusterNetwork` or your own VPC), the bucket and key ARNs and the file system's DNS and
mount names (from `AwsClusterStorage`, an existing FSx file system, or none).
"""

import base64
import json
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_aws import autoscaling, ec2, iam, ssm

from cloudwright.components.args import (
    FabricArgs,
    fabric_spec,
    need,
    plain_int,
    string_map,
)
from cloudwright.components.aws.storage import FSX_MOUNT_POINT, lustre_mount_command
from cloudwright.components.base import bootstrap_script, child
from cloudwright.components.fabric import efa_count, efa_interfaces, supports_efa_only
from cloudwright.components.interface import Market
from cloudwright.components.sizing import aws_partition
from cloudwright.core.errors import InputError
from cloudwright.optimizer.models.infrastructure import BOOT_DISK_GB

ROOT_DEVICE = "/dev/sda1"  # the DLAMI's (Ubuntu) root device name
# Containers on the node reach IMDSv2 through one extra network hop.
IMDS_HOP_LIMIT = 2
DLAMI_PARAMETER = (
    "/aws/service/deeplearning/ami/{arch}/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"
)
# Trainium and Inferentia2 need the Neuron driver and runtime, not NVIDIA's: the Neuron
# multi-framework DLAMI (Ubuntu 24.04; AWS Neuron docs, "Neuron DLAMI User Guide", SSM
# parameters), looked up the same way.
NEURON_DLAMI_PARAMETER = "/aws/service/neuron/dlami/multi-framework/ubuntu-24.04/latest/image_id"
NEURON_FAMILIES = frozenset({"trn1", "trn1n", "trn2", "trn2u", "inf2"})
# Families with no default image here (Gaudi: Habana's SynapseAI driver).
IMAGELESS_FAMILIES = {"dl1": "Gaudi (dl1) needs an image with Habana's SynapseAI driver"}
ARCH_NAMES = {"x86_64": "x86_64", "arm64": "arm64"}
SSM_CORE_POLICY = "arn:{partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
TYPE_TOKEN = "cloudwright:aws:GpuCluster"
DEFAULT_BOOT_DISK_GB = BOOT_DISK_GB  # optimizer.models.infrastructure: the plan prices it


class AwsGpuClusterArgs(TypedDict):
    """Inputs of cloudwright:aws:GpuCluster."""

    cluster: str
    """Short name used in resource names and descriptions."""
    region: str
    """AWS region (decides the partition in IAM ARNs)."""
    instance_type: str
    """EC2 instance type of the nodes (p5.48xlarge, ...)."""
    nodes: int
    """Number of nodes (the Auto Scaling group's fixed size)."""
    subnet_id: pulumi.Input[str]
    """The nodes' subnet (AwsClusterNetwork's nodeSubnetId, or your own)."""
    security_group_id: pulumi.Input[str]
    """The nodes' security group; with EFA it must allow all traffic to and from itself."""
    fabric: NotRequired[FabricArgs]
    """The instance type's fabric (EFA: one interface per network card)."""
    arch: NotRequired[str]
    """x86_64 (default) or arm64: picks the default image."""
    market: NotRequired[Market]
    """on_demand (default), spot, capacity_reservation or capacity_block."""
    reservation: NotRequired[pulumi.Input[str]]
    """Capacity reservation or capacity block id (cr-...), for those markets."""
    image: NotRequired[pulumi.Input[str]]
    """AMI id; default: the Deep Learning Base OSS NVIDIA driver AMI (Ubuntu 22.04)."""
    boot_disk_gb: NotRequired[int]
    """Root volume size in GB (default 200)."""
    efa_only: NotRequired[bool]
    """Secondary EFA interfaces as EFA-only, without an IP address (default true)."""
    bucket_arn: NotRequired[pulumi.Input[str]]
    """A bucket the nodes may read and write."""
    kms_key_arn: NotRequired[pulumi.Input[str]]
    """A KMS key the nodes may use (the bucket's and file system's)."""
    file_system_dns_name: NotRequired[pulumi.Input[str]]
    """An FSx for Lustre file system's DNS name, mounted at /fsx on boot."""
    file_system_mount_name: NotRequired[pulumi.Input[str]]
    """That file system's mount name."""
    tags: NotRequired[dict[str, str]]
    """Tags on every resource, and on instances, volumes and interfaces."""


def assume_role_policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def data_access_policy(bucket_arn: str | None, key_arn: str | None) -> str:
    """Least privilege for the nodes: their own bucket's objects and their own key."""
    statements: list[dict[str, object]] = []
    if bucket_arn:
        statements += [
            {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": bucket_arn},
            {
                "Effect": "Allow",
                "Action": [
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                ],
                "Resource": f"{bucket_arn}/*",
            },
        ]
    if key_arn:
        statements.append(
            {
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": key_arn,
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def market_options(
    market: Market, reservation: pulumi.Input[str] | None
) -> tuple[
    ec2.LaunchTemplateInstanceMarketOptionsArgs | None,
    ec2.LaunchTemplateCapacityReservationSpecificationArgs | None,
]:
    """Launch-template market and reservation settings for how the nodes are bought."""
    if market in (Market.CAPACITY_BLOCK, Market.CAPACITY_RESERVATION) and not reservation:
        raise InputError(
            f"market {market.value} needs a capacity reservation id (cr-...)",
            hint="set cloudwright:workloads.<workload>.reservation in the stack config",
        )
    target = (
        ec2.LaunchTemplateCapacityReservationSpecificationArgs(
            capacity_reservation_target=ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs(
                capacity_reservation_id=reservation
            )
        )
        if reservation
        else None
    )
    if market == Market.SPOT:
        return (
            ec2.LaunchTemplateInstanceMarketOptionsArgs(
                market_type="spot",
                spot_options=ec2.LaunchTemplateInstanceMarketOptionsSpotOptionsArgs(
                    instance_interruption_behavior="terminate", spot_instance_type="one-time"
                ),
            ),
            None,
        )
    if market == Market.CAPACITY_BLOCK:
        return ec2.LaunchTemplateInstanceMarketOptionsArgs(market_type="capacity-block"), target
    return None, target


class AwsGpuCluster(pulumi.ComponentResource):
    """GPU nodes in a cluster placement group behind a fixed-size Auto Scaling group, with a
    least-privilege instance role."""

    node_group: pulumi.Output[str]
    """The Auto Scaling group's name."""
    identity: pulumi.Output[str]
    """The nodes' IAM role ARN."""
    launch_template_id: pulumi.Output[str]
    """The launch template."""
    placement_group_id: pulumi.Output[str] | None
    """The cluster placement group (only with a fabric and more than one node)."""

    def __init__(
        self,
        name: str,
        args: AwsGpuClusterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        instance_type = str(need(args, "instance_type", where))
        nodes = plain_int(args, "nodes", where, minimum=1)
        fabric = fabric_spec(args.get("fabric"), where)
        market = Market(args.get("market", Market.ON_DEMAND))
        tags = string_map(args, "tags")
        partition = aws_partition(str(need(args, "region", where)))
        self.role, profile = self._identity(name, args, partition, tags)
        placement = (
            ec2.PlacementGroup(f"{name}-pg", strategy="cluster", tags=dict(tags), opts=child(self))
            if fabric.present and nodes > 1
            else None
        )
        efa_only = bool(args.get("efa_only", True)) and supports_efa_only(instance_type)
        interfaces = self._interfaces(
            efa_count(fabric), efa_only, need(args, "security_group_id", where)
        )
        template = self._launch_template(
            name, args, where, instance_type, market, interfaces, profile, tags
        )
        self.group = autoscaling.Group(
            f"{name}-asg",
            desired_capacity=nodes,
            min_size=nodes,
            max_size=nodes,
            launch_template=autoscaling.GroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            vpc_zone_identifiers=[need(args, "subnet_id", where)],
            placement_group=placement.id if placement else None,
            capacity_rebalance=market == Market.SPOT,
            health_check_type="EC2",
            wait_for_capacity_timeout="0",
            tags=[
                autoscaling.GroupTagArgs(key=key, value=value, propagate_at_launch=False)
                for key, value in tags.items()
            ],
            opts=child(self),
        )
        self.node_group = self.group.name
        self.identity = self.role.arn
        self.launch_template_id = template.id
        self.placement_group_id = placement.id if placement else None
        self.register_outputs(
            {
                "nodeGroup": self.node_group,
                "identity": self.identity,
                "launchTemplateId": self.launch_template_id,
                "placementGroupId": self.placement_group_id,
            }
        )

    def _identity(
        self, name: str, args: Mapping[str, Any], partition: str, tags: Mapping[str, str]
    ) -> tuple[iam.Role, iam.InstanceProfile]:
        role = iam.Role(
            f"{name}-node-role",
            assume_role_policy=assume_role_policy(),
            description=f"Cloudwright {self.cluster} GPU nodes",
            tags=dict(tags),
            opts=child(self),
        )
        iam.RolePolicyAttachment(
            f"{name}-node-ssm",
            role=role.name,
            policy_arn=SSM_CORE_POLICY.format(partition=partition),
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
        profile = iam.InstanceProfile(
            f"{name}-node-profile", role=role.name, tags=dict(tags), opts=child(self)
        )
        return role, profile

    def _image(self, args: Mapping[str, Any], where: str) -> pulumi.Input[str]:
        if args.get("image"):
            image: pulumi.Input[str] = args["image"]
            return image
        family = str(args.get("instance_type") or "").split(".", 1)[0]
        if family in IMAGELESS_FAMILIES:
            raise InputError(
                f"no default image for {args.get('instance_type')}: {IMAGELESS_FAMILIES[family]}",
                location=where,
                hint="give an image id (cloudwright:workloads.<workload>.image)",
            )
        arch_name = str(args.get("arch") or "x86_64")
        arch = ARCH_NAMES.get(arch_name)
        if arch is None:
            raise InputError(
                f"no DLAMI for architecture {arch_name!r}", location=where, hint="give an image id"
            )
        parameter = (
            NEURON_DLAMI_PARAMETER
            if family in NEURON_FAMILIES
            else DLAMI_PARAMETER.format(arch=arch)
        )
        # Pin the AMI at deploy time; if the lookup answers nothing, the launch template names
        # the parameter itself (`resolve:ssm:`), which EC2 resolves when it launches a node.
        return ssm.get_parameter_output(
            name=parameter, opts=pulumi.InvokeOutputOptions(parent=self)
        ).value.apply(lambda ami: ami or f"resolve:ssm:{parameter}")

    def _interfaces(
        self, efa: int, efa_only: bool, security_group: pulumi.Input[str]
    ) -> list[ec2.LaunchTemplateNetworkInterfaceArgs]:
        # The ASG places the interfaces in its subnet; the template names only the group.
        layout = efa_interfaces(efa, efa_only=efa_only)
        if not layout:
            return [
                ec2.LaunchTemplateNetworkInterfaceArgs(
                    device_index=0,
                    security_groups=[security_group],
                    delete_on_termination="true",
                )
            ]
        return [
            ec2.LaunchTemplateNetworkInterfaceArgs(
                device_index=nic.device_index,
                network_card_index=nic.network_card_index,
                interface_type=nic.interface_type,
                security_groups=[security_group],
                delete_on_termination="true",
            )
            for nic in layout
        ]

    def _launch_template(
        self,
        name: str,
        args: Mapping[str, Any],
        where: str,
        instance_type: str,
        market: Market,
        interfaces: list[ec2.LaunchTemplateNetworkInterfaceArgs],
        profile: iam.InstanceProfile,
        tags: Mapping[str, str],
    ) -> ec2.LaunchTemplate:
        market_args, reservation = market_options(market, args.get("reservation"))
        mount = lustre_mount_command(
            args.get("file_system_dns_name"), args.get("file_system_mount_name")
        )
        user_data = mount.apply(
            lambda cmd: base64.b64encode(bootstrap_script(cmd, FSX_MOUNT_POINT).encode()).decode()
        )
        boot_disk_gb = (
            plain_int(args, "boot_disk_gb", where, minimum=1)
            if args.get("boot_disk_gb") is not None
            else DEFAULT_BOOT_DISK_GB
        )
        return ec2.LaunchTemplate(
            f"{name}-lt",
            image_id=self._image(args, where),
            instance_type=instance_type,
            network_interfaces=interfaces,
            iam_instance_profile=ec2.LaunchTemplateIamInstanceProfileArgs(arn=profile.arn),
            metadata_options=ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=IMDS_HOP_LIMIT,
            ),
            block_device_mappings=[
                ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name=ROOT_DEVICE,
                    # The AWS-managed EBS key: a customer key would need a key policy for the
                    # Auto Scaling service-linked role before any instance could launch.
                    ebs=ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=boot_disk_gb,
                        volume_type="gp3",
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            instance_market_options=market_args,
            capacity_reservation_specification=reservation,
            ebs_optimized="true",
            user_data=user_data,
            update_default_version=True,
            tag_specifications=[
                ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=dict(tags))
                for kind in ("instance", "volume", "network-interface")
            ],
            tags=dict(tags),
            opts=child(self),
        )
