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
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_gcp import compute, projects, serviceaccount, storage

from cloudwright.components.base import bootstrap_script, child, expect
from cloudwright.components.fabric import gcp_boot_disk_type
from cloudwright.components.gcp.network import GcpClusterNetwork
from cloudwright.components.gcp.storage import MOUNT_POINTS, GcpClusterStorage
from cloudwright.components.interface import (
    ClusterArgs,
    ClusterNetwork,
    ClusterStorage,
    GpuCluster,
    Market,
)
from cloudwright.components.tags import gcp_labels, service_account_id
from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog.shapes import AttachedShape, split_attached

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


def scheduling(market: Market, reservation: str | None) -> compute.InstanceSchedulingArgs:
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
    market: Market, reservation: str | None
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


class GcpGpuCluster(pulumi.ComponentResource, GpuCluster):
    def __init__(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("cloudwright:gcp:GpuCluster", name, None, opts)
        net = expect(network, GcpClusterNetwork, "network")
        store = expect(storage, GcpClusterStorage, "storage")
        labels = gcp_labels(args.tags)
        self.account = self._identity(name, args, store)
        policy = (
            compute.ResourcePolicy(
                f"{name}-compact",
                region=args.region,
                group_placement_policy=compute.ResourcePolicyGroupPlacementPolicyArgs(
                    collocation="COLLOCATED", vm_count=args.nodes
                ),
                description=f"Cloudwright {args.cluster}: nodes on nearby hosts",
                opts=child(self),
            )
            if args.fabric.present and args.nodes > 1
            else None
        )
        startup = pulumi.Output.from_input(store.mount_command or "").apply(
            lambda cmd: bootstrap_script(
                cmd or None, MOUNT_POINTS.get(store.filesystem_kind, "/mnt/shared")
            )
        )
        self.instances = [
            self._instance(f"{name}-node-{i}", args, net, labels, policy, startup)
            for i in range(args.nodes)
        ]
        self.register_outputs(
            {
                "serviceAccount": self.account.email,
                "instances": [i.name for i in self.instances],
            }
        )

    def _identity(
        self, name: str, args: ClusterArgs, store: GcpClusterStorage
    ) -> serviceaccount.Account:
        if not args.project:
            raise InputError(
                "GCP clusters need the project id", hint="set gcp:project in the stack config"
            )
        account = serviceaccount.Account(
            f"{name}-nodes",
            account_id=service_account_id(args.cluster),
            display_name=f"Cloudwright {args.cluster} GPU nodes",
            opts=child(self),
        )
        member = pulumi.Output.concat("serviceAccount:", account.email)
        for role in PROJECT_ROLES:
            projects.IAMMember(
                f"{name}-{role.split('.')[-1].lower()}",
                project=args.project,
                role=role,
                member=member,
                opts=child(self),
            )
        if store.bucket_name is not None:
            storage.BucketIAMMember(
                f"{name}-bucket-user",
                bucket=store.bucket_name,
                role=BUCKET_ROLE,
                member=member,
                opts=child(self),
            )
        return account

    def _image(self, args: ClusterArgs) -> str:
        if args.image:
            return args.image
        shape = split_attached(args.instance_type)
        reason = DRIVERLESS_ACCELERATORS.get(shape.accelerator_type) if shape else None
        if reason is not None:
            raise InputError(
                f"the default GPU image has no driver for {args.instance_type}: {reason}",
                hint="pin an image with a suitable driver (cloudwright:workloads.<w>.image)",
            )
        image = GPU_IMAGES.get(args.arch)
        if image is None:
            raise InputError(f"no default GPU image for {args.arch}", hint="pin one with image:")
        return image

    def _instance(
        self,
        name: str,
        args: ClusterArgs,
        net: GcpClusterNetwork,
        labels: Mapping[str, str],
        policy: compute.ResourcePolicy | None,
        startup: pulumi.Output[str],
    ) -> compute.Instance:
        machine_type, accelerators = machine_and_accelerators(args.instance_type)
        return compute.Instance(
            name,
            machine_type=machine_type,
            guest_accelerators=accelerators,
            zone=net.zone,
            boot_disk=compute.InstanceBootDiskArgs(
                auto_delete=True,
                initialize_params=compute.InstanceBootDiskInitializeParamsArgs(
                    image=self._image(args),
                    size=args.boot_disk_gb,
                    type=gcp_boot_disk_type(machine_type),
                    labels=dict(labels),
                ),
            ),
            network_interfaces=[
                compute.InstanceNetworkInterfaceArgs(
                    subnetwork=nic.subnetwork, nic_type=nic.nic_type, stack_type="IPV4_ONLY"
                )
                for nic in net.nics
            ],
            scheduling=scheduling(args.market, args.reservation),
            reservation_affinity=reservation_affinity(args.market, args.reservation),
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

    # ---- GpuCluster ------------------------------------------------------------------------
    @property
    def node_group(self) -> pulumi.Output[str]:
        return self.instances[0].self_link if self.instances else pulumi.Output.from_input("")

    @property
    def identity(self) -> pulumi.Output[str]:
        return self.account.email
