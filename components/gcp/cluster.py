"""`cloudwright:gcp:GpuCluster`: A3-style GPU instances in a compact placement policy.

- A service account with only `roles/logging.logWriter` and `roles/monitoring.metricWriter` on
  the project and `roles/storage.objectUser` on the cluster's own bucket (the instance uses the
  cloud-platform scope; IAM, not scopes, limits it).
- A compact placement `ResourcePolicy` (`collocation = COLLOCATED`) when the machine has a
  GPU fabric and there is more than one node.
- One instance per node (as Cluster Toolkit's A3 vm-instance module does): the fabric's NICs
  (`components.fabric.gcp_nic_layout`: gVNIC, or MRDMA on RoCE), no external IPs,
  `onHostMaintenance = TERMINATE` (GPUs cannot live-migrate), Spot or a named reservation
  from the plan, shielded VM with vTPM and integrity monitoring (secure boot stays off: the
  NVIDIA kernel modules in the accelerator images are not signed for it), OS Login, and a
  startup script that mounts the shared file system.
- Attached-GPU shapes (`n1-standard-8+nvidia-tesla-t4x1`, the catalog's name for an N1 host
  with GPUs attached; `optimizer.catalog.shapes`) deploy as the host machine type plus
  `guestAccelerators = [{type, count}]`; GCP requires `TERMINATE` on host maintenance for
  them, which every node here has anyway. They boot the same accelerator image: its R570
  driver still supports Turing (T4), Volta (V100) and Pascal (P100, P4).

The network comes in as subnetwork self links in NIC order (`GcpClusterNetwork`'s
`subnetworks`, or your own), the file system as a mount line (`GcpClusterStorage`'s, or none).
"""

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_gcp import compute, projects, serviceaccount, storage

from cloudwright.components.args import FabricArgs, fabric_spec, need, plain_int, string_map
from cloudwright.components.base import bootstrap_script, child, concat_computed
from cloudwright.components.fabric import GcpNicLayout, gcp_boot_disk_type, gcp_nic_layout
from cloudwright.components.gcp.storage import DEFAULT_MOUNT_POINT
from cloudwright.components.interface import Market
from cloudwright.components.tags import gcp_labels, service_account_id
from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog.shapes import AttachedShape, split_attached
from cloudwright.optimizer.models.infrastructure import BOOT_DISK_GB

# Ubuntu 22.04 with the NVIDIA driver preinstalled (the image Cluster Toolkit's A4 blueprint uses).
GPU_IMAGES = {
    "x86_64": "projects/ubuntu-os-accelerator-images/global/images/family/"
    "ubuntu-accelerator-2204-amd64-with-nvidia-570",
}
PROJECT_ROLES = ("roles/logging.logWriter", "roles/monitoring.metricWriter")
BUCKET_ROLE = "roles/storage.objectUser"
RESERVATION_KEY = "compute.googleapis.com/reservation-name"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
# Attachable GPUs the default image's driver (R570) no longer supports, and why.
DRIVERLESS_ACCELERATORS = {
    "nvidia-tesla-k80": "Kepler GPUs lost driver support after the R470 branch",
}
TYPE_TOKEN = "cloudwright:gcp:GpuCluster"
DEFAULT_BOOT_DISK_GB = BOOT_DISK_GB  # optimizer.models.infrastructure: the plan prices it


def node_identity(
    parent: pulumi.Resource,
    name: str,
    account_id: str,
    display_name: str,
    project: pulumi.Input[str],
    bucket_name: pulumi.Input[str] | None,
) -> serviceaccount.Account:
    """The nodes' own service account: log and metric writer in the project, object user on
    the workload's bucket only (VM clusters and GKE pools alike)."""
    account = serviceaccount.Account(
        f"{name}-nodes",
        account_id=account_id,
        display_name=display_name,
        opts=child(parent),
    )
    member = concat_computed("serviceAccount:", account.email)
    for role in PROJECT_ROLES:
        projects.IAMMember(
            f"{name}-{role.split('.')[-1].lower()}",
            project=project,
            role=role,
            member=member,
            opts=child(parent),
        )
    if bucket_name is not None:
        storage.BucketIAMMember(
            f"{name}-bucket-user",
            bucket=bucket_name,
            role=BUCKET_ROLE,
            member=member,
            opts=child(parent),
        )
    return account


class GcpGpuClusterArgs(TypedDict):
    """Inputs of cloudwright:gcp:GpuCluster."""

    cluster: str
    """Short name used in resource names and the service account id."""
    region: str
    """GCP region (of the compact placement policy)."""
    instance_type: str
    """Machine type, or an attached-GPU shape such as n1-standard-8+nvidia-tesla-t4x1."""
    nodes: int
    """Number of instances."""
    project: pulumi.Input[str]
    """Project id: the nodes' service account gets its roles there."""
    subnetworks: pulumi.Input[list[str]]
    """Subnetwork self links in NIC order: system first, then the fabric's GPU NICs."""
    zone: NotRequired[pulumi.Input[str]]
    """Zone of the instances (default: the provider's zone)."""
    fabric: NotRequired[FabricArgs]
    """The machine type's fabric: decides the NIC count and types."""
    arch: NotRequired[str]
    """x86_64 (default): picks the default image."""
    market: NotRequired[Market]
    """on_demand (default), spot or capacity_reservation."""
    reservation: NotRequired[pulumi.Input[str]]
    """The reservation's name, for capacity_reservation."""
    image: NotRequired[pulumi.Input[str]]
    """Boot image self link or family; default: Ubuntu 22.04 accelerator image (NVIDIA 570)."""
    boot_disk_gb: NotRequired[int]
    """Boot disk size in GB (default 200)."""
    bucket_name: NotRequired[pulumi.Input[str]]
    """A bucket the nodes may read and write (roles/storage.objectUser)."""
    mount_command: NotRequired[pulumi.Input[str]]
    """A shell line that mounts the shared file system (GcpClusterStorage's mountCommand)."""
    mount_point: NotRequired[pulumi.Input[str]]
    """Where mountCommand mounts it (default /mnt/shared)."""
    tags: NotRequired[dict[str, str]]
    """Labels (normalised to GCP's label rules) on instances and disks."""


def machine_and_accelerators(
    instance_type: str,
) -> tuple[str, list[compute.InstanceGuestAcceleratorArgs] | None]:
    """The machine type to create and the GPUs to attach: an attached-GPU shape splits into
    its host and `guestAccelerators`; any other type is the machine type itself."""
    shape: AttachedShape | None = split_attached(instance_type)
    if shape is None:
        return instance_type, None
    return shape.machine_type, [
        compute.InstanceGuestAcceleratorArgs(type=shape.accelerator_type, count=shape.count)
    ]


def scheduling(market: Market) -> compute.InstanceSchedulingArgs:
    """GPUs cannot live-migrate: every GPU instance terminates on host maintenance."""
    spot = market == Market.SPOT
    return compute.InstanceSchedulingArgs(
        on_host_maintenance="TERMINATE",
        automatic_restart=not spot,
        preemptible=spot,
        provisioning_model="SPOT" if spot else "STANDARD",
        instance_termination_action="DELETE" if spot else None,
    )


def reservation_affinity(
    market: Market, reservation: pulumi.Input[str] | None
) -> compute.InstanceReservationAffinityArgs | None:
    if market != Market.CAPACITY_RESERVATION:
        return None
    if not reservation:
        raise InputError(
            "market capacity_reservation needs the reservation's name",
            hint="set cloudwright:workloads.<workload>.reservation in the stack config",
        )
    return compute.InstanceReservationAffinityArgs(
        type="SPECIFIC_RESERVATION",
        specific_reservation=compute.InstanceReservationAffinitySpecificReservationArgs(
            key=RESERVATION_KEY, values=[reservation]
        ),
    )


def nic_subnetwork(subnetworks: Sequence[str] | None, index: int, layout: GcpNicLayout) -> str:
    """The subnetwork of NIC `index`, or an error saying how many the fabric needs."""
    needed = layout.host_nics + layout.gpu_nics
    if not subnetworks or len(subnetworks) < needed:
        got = len(subnetworks or [])
        raise InputError(
            f"input subnetworks has {got} subnetwork(s); this machine type's fabric needs "
            f"{needed} ({layout.host_nics} host NIC(s), {layout.gpu_nics} GPU NIC(s))",
            location=TYPE_TOKEN,
        )
    return subnetworks[index]


class GcpGpuCluster(pulumi.ComponentResource):
    """GPU instances in a compact placement policy with the fabric's NICs, a least-privilege
    service account, shielded VM and OS Login."""

    node_group: pulumi.Output[str]
    """The first instance's self link."""
    identity: pulumi.Output[str]
    """The nodes' service account e-mail."""
    instance_names: pulumi.Output[list[str]]
    """Every instance's name."""

    def __init__(
        self,
        name: str,
        args: GcpGpuClusterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        nodes = plain_int(args, "nodes", where, minimum=1)
        fabric = fabric_spec(args.get("fabric"), where)
        labels = gcp_labels(string_map(args, "tags"))
        self.account = self._identity(name, args, where)
        policy = (
            compute.ResourcePolicy(
                f"{name}-compact",
                region=str(need(args, "region", where)),
                group_placement_policy=compute.ResourcePolicyGroupPlacementPolicyArgs(
                    collocation="COLLOCATED", vm_count=nodes
                ),
                description=f"Cloudwright {self.cluster}: nodes on nearby hosts",
                opts=child(self),
            )
            if fabric.present and nodes > 1
            else None
        )
        startup = pulumi.Output.all(
            args.get("mount_command"), args.get("mount_point") or DEFAULT_MOUNT_POINT
        ).apply(lambda cm: bootstrap_script(cm[0] or None, cm[1]))
        layout = gcp_nic_layout(fabric)
        subnetworks = pulumi.Output.from_input(need(args, "subnetworks", where))
        nic_types = ["GVNIC"] * layout.host_nics + [layout.gpu_nic_type] * layout.gpu_nics
        nics = [
            compute.InstanceNetworkInterfaceArgs(
                subnetwork=subnetworks.apply(partial(nic_subnetwork, index=i, layout=layout)),
                nic_type=nic_type,
                stack_type="IPV4_ONLY",
            )
            for i, nic_type in enumerate(nic_types)
        ]
        self.instances = [
            self._instance(f"{name}-node-{i}", args, where, nics, labels, policy, startup)
            for i in range(nodes)
        ]
        self.node_group = self.instances[0].self_link
        self.identity = self.account.email
        self.instance_names = pulumi.Output.all(*[i.name for i in self.instances]).apply(list)
        self.register_outputs(
            {
                "nodeGroup": self.node_group,
                "identity": self.identity,
                "instanceNames": self.instance_names,
            }
        )

    def _identity(self, name: str, args: Mapping[str, Any], where: str) -> serviceaccount.Account:
        if not args.get("project"):
            raise InputError(
                "GCP clusters need the project id",
                location=f"{where}: input project",
                hint="set gcp:project in the stack config",
            )
        return node_identity(
            self,
            name,
            service_account_id(self.cluster),
            f"Cloudwright {self.cluster} GPU nodes",
            args["project"],
            args.get("bucket_name"),
        )

    def _image(self, args: Mapping[str, Any], instance_type: str) -> pulumi.Input[str]:
        if args.get("image"):
            image: pulumi.Input[str] = args["image"]
            return image
        shape = split_attached(instance_type)
        reason = DRIVERLESS_ACCELERATORS.get(shape.accelerator_type) if shape else None
        if reason is not None:
            raise InputError(
                f"the default GPU image has no driver for {instance_type}: {reason}",
                hint="pin an image with a suitable driver (cloudwright:workloads.<w>.image)",
            )
        arch = str(args.get("arch") or "x86_64")
        default = GPU_IMAGES.get(arch)
        if default is None:
            raise InputError(f"no default GPU image for {arch}", hint="pin one with image:")
        return default

    def _instance(
        self,
        name: str,
        args: Mapping[str, Any],
        where: str,
        nics: list[compute.InstanceNetworkInterfaceArgs],
        labels: Mapping[str, str],
        policy: compute.ResourcePolicy | None,
        startup: pulumi.Output[str],
    ) -> compute.Instance:
        instance_type = str(need(args, "instance_type", where))
        machine_type, accelerators = machine_and_accelerators(instance_type)
        market = Market(args.get("market", Market.ON_DEMAND))
        boot_disk_gb = (
            plain_int(args, "boot_disk_gb", where, minimum=1)
            if args.get("boot_disk_gb") is not None
            else DEFAULT_BOOT_DISK_GB
        )
        return compute.Instance(
            name,
            machine_type=machine_type,
            guest_accelerators=accelerators,
            zone=args.get("zone"),
            boot_disk=compute.InstanceBootDiskArgs(
                auto_delete=True,
                initialize_params=compute.InstanceBootDiskInitializeParamsArgs(
                    image=self._image(args, instance_type),
                    size=boot_disk_gb,
                    type=gcp_boot_disk_type(machine_type),
                    labels=dict(labels),
                ),
            ),
            network_interfaces=nics,
            scheduling=scheduling(market),
            reservation_affinity=reservation_affinity(market, args.get("reservation")),
            resource_policies=policy.self_link if policy else None,  # one policy per instance
            shielded_instance_config=compute.InstanceShieldedInstanceConfigArgs(
                enable_secure_boot=False, enable_vtpm=True, enable_integrity_monitoring=True
            ),
            service_account=compute.InstanceServiceAccountArgs(
                email=self.account.email, scopes=[CLOUD_PLATFORM_SCOPE]
            ),
            metadata={
                "enable-oslogin": "TRUE",
                "block-project-ssh-keys": "TRUE",
                "startup-script": startup,
            },
            allow_stopping_for_update=True,
            labels=dict(labels),
            opts=child(self),
        )
