"""`cloudwright:aws:GpuCluster`: GPU nodes in a cluster placement group behind an ASG.

- IAM: a role for EC2 with SSM Session Manager (AmazonSSMManagedInstanceCore) and read/write
  on its own bucket and key only; an instance profile.
- A `cluster` placement group when the instance type has a fabric (EFA) and there is more
  than one node.
- A launch template: the instance type's EFA interfaces (`components.fabric.efa_interfaces`:
  card 0 EFA with ENA, the rest EFA-only), IMDSv2 required, an encrypted gp3 root volume,
  the DLAMI (Base OSS NVIDIA driver, Ubuntu 22.04, resolved at deploy time) unless an image
  is pinned, tags on instances, volumes and interfaces, and spot / capacity-block /
  reservation options from the plan and stack config.
- An Auto Scaling group of exactly `nodes` instances in the nodes' subnet and the placement
  group. It does not wait for capacity: GPU capacity can take hours, `pulumi up` should not.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping

import pulumi
from pulumi_aws import autoscaling, ec2, iam, ssm

from cloudwright.components.aws.network import AwsClusterNetwork
from cloudwright.components.aws.storage import FSX_MOUNT_POINT, AwsClusterStorage
from cloudwright.components.base import bootstrap_script, child, expect
from cloudwright.components.fabric import efa_interfaces
from cloudwright.components.interface import (
    ClusterArgs,
    ClusterNetwork,
    ClusterStorage,
    GpuCluster,
    Market,
)
from cloudwright.core.errors import InputError

ROOT_DEVICE = "/dev/sda1"  # the DLAMI's (Ubuntu) root device name
# Containers on the node reach IMDSv2 through one extra network hop.
IMDS_HOP_LIMIT = 2
DLAMI_PARAMETER = (
    "/aws/service/deeplearning/ami/{arch}/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"
)
ARCH_NAMES = {"x86_64": "x86_64", "arm64": "arm64"}
SSM_CORE_POLICY = "arn:{partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"


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
    market: Market, reservation: str | None
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


class AwsGpuCluster(pulumi.ComponentResource, GpuCluster):
    def __init__(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("cloudwright:aws:GpuCluster", name, None, opts)
        net = expect(network, AwsClusterNetwork, "network")
        store = expect(storage, AwsClusterStorage, "storage")
        tags = dict(args.tags)
        self.role, profile = self._identity(name, args, store, tags)
        placement = (
            ec2.PlacementGroup(f"{name}-pg", strategy="cluster", tags=dict(tags), opts=child(self))
            if args.fabric.present and args.nodes > 1
            else None
        )
        template = self._launch_template(name, args, net, store, profile, tags)
        self.group = autoscaling.Group(
            f"{name}-asg",
            desired_capacity=args.nodes,
            min_size=args.nodes,
            max_size=args.nodes,
            launch_template=autoscaling.GroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            vpc_zone_identifiers=[net.node_subnet.id],
            placement_group=placement.id if placement else None,
            capacity_rebalance=args.market == Market.SPOT,
            health_check_type="EC2",
            wait_for_capacity_timeout="0",
            tags=[
                autoscaling.GroupTagArgs(key=key, value=value, propagate_at_launch=False)
                for key, value in tags.items()
            ],
            opts=child(self),
        )
        self.register_outputs(
            {
                "autoScalingGroup": self.group.name,
                "launchTemplateId": template.id,
                "roleArn": self.role.arn,
            }
        )

    def _identity(
        self, name: str, args: ClusterArgs, store: AwsClusterStorage, tags: Mapping[str, str]
    ) -> tuple[iam.Role, iam.InstanceProfile]:
        role = iam.Role(
            f"{name}-node-role",
            assume_role_policy=assume_role_policy(),
            description=f"Cloudwright {args.cluster} GPU nodes",
            tags=dict(tags),
            opts=child(self),
        )
        iam.RolePolicyAttachment(
            f"{name}-node-ssm",
            role=role.name,
            policy_arn=SSM_CORE_POLICY.format(partition=store.partition),
            opts=child(self),
        )
        if store.bucket_arn is not None or store.kms_key_arn is not None:
            iam.RolePolicy(
                f"{name}-node-data",
                role=role.id,
                policy=pulumi.Output.all(store.bucket_arn, store.kms_key_arn).apply(
                    lambda arns: data_access_policy(arns[0], arns[1])
                ),
                opts=child(self),
            )
        profile = iam.InstanceProfile(
            f"{name}-node-profile", role=role.name, tags=dict(tags), opts=child(self)
        )
        return role, profile

    def _image(self, args: ClusterArgs) -> pulumi.Input[str]:
        if args.image:
            return args.image
        arch = ARCH_NAMES.get(args.arch)
        if arch is None:
            raise InputError(f"no DLAMI for architecture {args.arch!r}", hint="pin an image id")
        return ssm.get_parameter_output(
            name=DLAMI_PARAMETER.format(arch=arch), opts=pulumi.InvokeOutputOptions(parent=self)
        ).value

    def _interfaces(self, net: AwsClusterNetwork) -> list[ec2.LaunchTemplateNetworkInterfaceArgs]:
        # The ASG places the interfaces in its subnet; the template names only the group.
        layout = efa_interfaces(net.efa_count, efa_only=net.efa_only)
        if not layout:
            return [
                ec2.LaunchTemplateNetworkInterfaceArgs(
                    device_index=0,
                    security_groups=[net.security_group.id],
                    delete_on_termination="true",
                )
            ]
        return [
            ec2.LaunchTemplateNetworkInterfaceArgs(
                device_index=nic.device_index,
                network_card_index=nic.network_card_index,
                interface_type=nic.interface_type,
                security_groups=[net.security_group.id],
                delete_on_termination="true",
            )
            for nic in layout
        ]

    def _launch_template(
        self,
        name: str,
        args: ClusterArgs,
        net: AwsClusterNetwork,
        store: AwsClusterStorage,
        profile: iam.InstanceProfile,
        tags: Mapping[str, str],
    ) -> ec2.LaunchTemplate:
        market, reservation = market_options(args.market, args.reservation)
        user_data = pulumi.Output.from_input(store.mount_command or "").apply(
            lambda cmd: base64.b64encode(
                bootstrap_script(cmd or None, FSX_MOUNT_POINT).encode()
            ).decode()
        )
        return ec2.LaunchTemplate(
            f"{name}-lt",
            image_id=self._image(args),
            instance_type=args.instance_type,
            network_interfaces=self._interfaces(net),
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
                        volume_size=args.boot_disk_gb,
                        volume_type="gp3",
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            instance_market_options=market,
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

    # ---- GpuCluster -------------------------------------------------------------------------
    @property
    def node_group(self) -> pulumi.Output[str]:
        return self.group.name

    @property
    def identity(self) -> pulumi.Output[str]:
        return self.role.arn
