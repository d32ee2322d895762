"""`cloudwright:gcp:TpuSlice`: Cloud TPU VMs, single-host or multi-host slices.

A TPU slice is one resource whatever its size: `acceleratorType` (`v5p-16`, `v5litepod-8`,
`v6e-256`, `v4-32`, the catalog's instance type) fixes the chips, hosts and topology, and
Google creates every host of the slice, joined by ICI, in one zone.

- One `gcp.tpu.V2Vm` per slice (`slices` > 1: several independent slices, e.g. for
  Multislice training over the data-center network), in the plan's zone, on the network's
  subnetwork, without external IPs; Spot (`market: spot`) or a reservation
  (`market: capacity_reservation`) through its scheduling config.
- `queued: true` asks for capacity through a `gcp.tpu.V2QueuedResource` instead (the
  request waits until Google can place the whole slice). pulumi-gcp's queued-resource node
  spec has no service-account or spot field: queued slices run as the project's default
  compute service account, on-demand or reserved capacity only.
- A service account of its own with one role, `roles/storage.objectUser`, on the workload's
  bucket only (no project roles); the TPU VMs use the cloud-platform scope, and IAM, not
  scopes, limits it.
- The runtime version (the TPU VM image) defaults to Google's documented base image for
  the TPU generation (`RUNTIME_VERSIONS`); pin another with `runtimeVersion`.
"""

import re
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_gcp import serviceaccount, storage, tpu

from cloudwright.components.args import need, plain_int, string_map
from cloudwright.components.base import bootstrap_script, child, concat_computed
from cloudwright.components.gcp.storage import DEFAULT_MOUNT_POINT
from cloudwright.components.interface import Market
from cloudwright.components.tags import gcp_labels, service_account_id
from cloudwright.core.errors import InputError

TYPE_TOKEN = "cloudwright:gcp:TpuSlice"
BUCKET_ROLE = "roles/storage.objectUser"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
# Google's TPU software versions page: the base TPU VM image per generation (JAX, PyTorch/XLA
# and the libtpu of the job install on top).
RUNTIME_VERSIONS = {
    "v4": "tpu-ubuntu2204-base",
    "v5litepod": "v2-alpha-tpuv5-lite",
    "v5p": "v2-alpha-tpuv5",
    "v6e": "v2-alpha-tpuv6e",
}
_ACCELERATOR_TYPE = re.compile(r"^(?P<generation>v4|v5litepod|v5p|v6e)-(?P<size>\d+)$")


class GcpTpuSliceArgs(TypedDict):
    """Inputs of cloudwright:gcp:TpuSlice."""

    cluster: str
    """Short name used in resource names and the service account id."""
    accelerator_type: str
    """TPU accelerator type: v4-8, v5litepod-16, v5p-32, v6e-256, ..."""
    zone: str
    """Zone of the slice (the plan's zone; TPU types are sold per zone)."""
    project: pulumi.Input[str]
    """Project id (the queued resource's parent)."""
    network: pulumi.Input[str]
    """VPC network name or self link (GcpClusterNetwork's networkName)."""
    subnetwork: pulumi.Input[str]
    """Subnetwork self link in the slice's region (GcpClusterNetwork's nodeSubnetId)."""
    runtime_version: NotRequired[pulumi.Input[str]]
    """TPU VM runtime version; default: the generation's base image (RUNTIME_VERSIONS)."""
    slices: NotRequired[int]
    """Independent slices of this type (default 1)."""
    market: NotRequired[Market]
    """on_demand (default), spot or capacity_reservation."""
    queued: NotRequired[bool]
    """Request capacity through a queued resource (default false)."""
    bucket_name: NotRequired[pulumi.Input[str]]
    """The workload's bucket: the slice's service account may read and write it."""
    mount_command: NotRequired[pulumi.Input[str]]
    """A shell line that mounts the shared file system on every host."""
    mount_point: NotRequired[pulumi.Input[str]]
    """Where mountCommand mounts it (default /mnt/shared)."""
    tags: NotRequired[dict[str, str]]
    """Labels (normalised to GCP's label rules) on the TPU nodes."""


def tpu_generation(accelerator_type: str, where: str) -> str:
    """'v5p-16' → 'v5p'; anything else is refused, naming the input."""
    match = _ACCELERATOR_TYPE.match(accelerator_type)
    if match is None:
        raise InputError(
            f"input acceleratorType {accelerator_type!r} is not a TPU accelerator type",
            location=where,
            hint="one of v4-<cores>, v5litepod-<chips>, v5p-<cores>, v6e-<chips> (e.g. v5p-16)",
        )
    return match.group("generation")


def scheduling(market: Market, where: str) -> tpu.V2VmSchedulingConfigArgs | None:
    if market == Market.SPOT:
        return tpu.V2VmSchedulingConfigArgs(spot=True)
    if market == Market.CAPACITY_RESERVATION:
        return tpu.V2VmSchedulingConfigArgs(reserved=True)
    if market != Market.ON_DEMAND:
        raise InputError(f"market {market.value} is not sold for TPUs", location=where)
    return None


class GcpTpuSlice(pulumi.ComponentResource):
    """Cloud TPU slices (TPU VMs) in one zone with a bucket-only service account."""

    node_group: pulumi.Output[str]
    """The first slice's id (TPU node or queued resource)."""
    identity: pulumi.Output[str]
    """The slices' service account e-mail."""
    accelerator_type: pulumi.Output[str]
    """The TPU accelerator type."""

    def __init__(
        self,
        name: str,
        args: GcpTpuSliceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        accelerator_type = str(need(args, "accelerator_type", where))
        generation = tpu_generation(accelerator_type, where)
        zone = str(need(args, "zone", where, "TPU slices are zonal"))
        slices = plain_int(args, "slices", where, minimum=1) if args.get("slices") else 1
        market = Market(args.get("market", Market.ON_DEMAND))
        queued = bool(args.get("queued", False))
        runtime = args.get("runtime_version") or RUNTIME_VERSIONS[generation]
        labels = gcp_labels(string_map(args, "tags"))
        network = need(args, "network", where)
        subnetwork = need(args, "subnetwork", where)
        startup = pulumi.Output.all(
            args.get("mount_command"), args.get("mount_point") or DEFAULT_MOUNT_POINT
        ).apply(lambda cm: bootstrap_script(cm[0] or None, cm[1]))
        ids: list[pulumi.Output[str]] = []
        if queued:
            if market == Market.SPOT:
                raise InputError(
                    "queued TPU capacity cannot be spot here: pulumi-gcp's V2QueuedResource "
                    "has no spot field",
                    location=where,
                    hint="drop queued, or use market on_demand / capacity_reservation",
                )
            self.identity = pulumi.Output.from_input("default compute service account")
            parent = pulumi.Output.all(need(args, "project", where), zone).apply(
                lambda pz: f"projects/{pz[0]}/locations/{pz[1]}"
            )
            for i in range(slices):
                queue = tpu.V2QueuedResource(
                    f"{name}-queued-{i}",
                    zone=zone,
                    project=args["project"],
                    tpu=tpu.V2QueuedResourceTpuArgs(
                        node_specs=[
                            tpu.V2QueuedResourceTpuNodeSpecArgs(
                                parent=parent,
                                node_id=f"{self.cluster}-{i}",
                                node=tpu.V2QueuedResourceTpuNodeSpecNodeArgs(
                                    runtime_version=runtime,
                                    accelerator_type=accelerator_type,
                                    description=f"Cloudwright {self.cluster}",
                                    network_config=(
                                        tpu.V2QueuedResourceTpuNodeSpecNodeNetworkConfigArgs(
                                            network=network,
                                            subnetwork=subnetwork,
                                            enable_external_ips=False,
                                        )
                                    ),
                                ),
                            )
                        ]
                    ),
                    opts=child(self),
                )
                ids.append(queue.id)
        else:
            account = self._identity(name, args)
            self.identity = account.email
            for i in range(slices):
                node = tpu.V2Vm(
                    f"{name}-slice-{i}",
                    zone=zone,
                    accelerator_type=accelerator_type,
                    runtime_version=runtime,
                    description=f"Cloudwright {self.cluster}",
                    network_config=tpu.V2VmNetworkConfigArgs(
                        network=network,
                        subnetwork=subnetwork,
                        enable_external_ips=False,
                    ),
                    service_account=tpu.V2VmServiceAccountArgs(
                        email=account.email, scopes=[CLOUD_PLATFORM_SCOPE]
                    ),
                    scheduling_config=scheduling(market, where),
                    labels=dict(labels),
                    metadata={"startup-script": startup},
                    opts=child(self),
                )
                ids.append(node.id)
        self.node_group = ids[0]
        self.accelerator_type = pulumi.Output.from_input(accelerator_type)
        self.register_outputs(
            {
                "nodeGroup": self.node_group,
                "identity": self.identity,
                "acceleratorType": self.accelerator_type,
            }
        )

    def _identity(self, name: str, args: Mapping[str, Any]) -> serviceaccount.Account:
        account = serviceaccount.Account(
            f"{name}-tpu",
            account_id=service_account_id(self.cluster),
            display_name=f"Cloudwright {self.cluster} TPU VMs",
            opts=child(self),
        )
        if args.get("bucket_name") is not None:
            storage.BucketIAMMember(
                f"{name}-bucket-user",
                bucket=args["bucket_name"],
                role=BUCKET_ROLE,
                member=concat_computed("serviceAccount:", account.email),
                opts=child(self),
            )
        return account


COMPONENTS = (GcpTpuSlice,)

__all__ = ["COMPONENTS", "RUNTIME_VERSIONS", "TYPE_TOKEN", "GcpTpuSlice", "GcpTpuSliceArgs"]
