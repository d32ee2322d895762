"""The cloud-neutral contract between the stack program and each cloud's components.

Three concerns per cloud: a network (where nodes and file systems live, and the fabric's NIC
networks), storage (object bucket and parallel file system) and the GPU cluster (the nodes).
The components themselves are reusable Pulumi components with typed `pulumi.Input` args
(TypedDicts in each cloud module) that take only ids and Outputs from each other, never
Cloudwright objects, so a program in any language can bring its own network or file system.
A `CloudKit` per cloud is the stack program's side: it turns the plan's cloud-neutral specs
below (`NetworkArgs`, `StorageArgs`, `ClusterArgs`: frozen dataclasses of plain values) into
the cloud's component args and wires one component's outputs into the next. Per-cloud gaps
are data (`UNSUPPORTED`: feature → reason) checked by `require`, never `if cloud == ...` in
callers.

Invariants:
- components never open the catalog: the stack passes the instance type's fabric (kind, NIC
  count, bandwidth) in `FabricSpec`;
- `tags` always carry workload, owner, cost-center, plan-id and managed-by (see
  `components.tags`); each cloud module turns them into tags or labels.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from cloudwright.core.errors import InputError

if TYPE_CHECKING:
    import pulumi


class Market(StrEnum):
    """How the nodes are bought."""

    ON_DEMAND = "on_demand"
    SPOT = "spot"
    CAPACITY_RESERVATION = "capacity_reservation"  # an existing reservation, by id or name
    CAPACITY_BLOCK = "capacity_block"  # AWS EC2 Capacity Blocks for ML (a reservation id)


class FileSystemKind(StrEnum):
    """The parallel/shared file system next to the nodes (AUTO: the cloud module chooses)."""

    AUTO = "auto"
    NONE = "none"
    FSX_LUSTRE = "fsx_lustre"
    MANAGED_LUSTRE = "managed_lustre"
    FILESTORE = "filestore"
    PARALLELSTORE = "parallelstore"
    AMLFS = "amlfs"


class Feature(StrEnum):
    """Things a plan or stack config may ask for that not every cloud offers."""

    SPOT = "spot"
    CAPACITY_RESERVATION = "capacity_reservation"
    CAPACITY_BLOCK = "capacity_block"
    FSX_LUSTRE = "fsx_lustre"
    MANAGED_LUSTRE = "managed_lustre"
    FILESTORE = "filestore"
    PARALLELSTORE = "parallelstore"
    AMLFS = "amlfs"
    CUSTOMER_MANAGED_KEY = "customer_managed_key"


# Per-cloud gaps, as data. A feature absent here is supported on that cloud.
UNSUPPORTED: dict[str, dict[Feature, str]] = {
    "aws": {
        Feature.MANAGED_LUSTRE: "Google Cloud Managed Lustre is gcp only; AWS uses FSx for Lustre",
        Feature.FILESTORE: "Filestore is gcp only; on AWS use FSx for Lustre",
        Feature.PARALLELSTORE: "Parallelstore is gcp only; on AWS use FSx for Lustre",
        Feature.AMLFS: "Azure Managed Lustre is azure only; AWS uses FSx for Lustre",
    },
    "gcp": {
        Feature.CAPACITY_BLOCK: "capacity blocks are an AWS EC2 purchase option; on GCP name "
        "a reservation (market capacity_reservation) or use DWS calendar mode outside Pulumi",
        Feature.FSX_LUSTRE: "FSx for Lustre is aws only; GCP uses Managed Lustre",
        Feature.AMLFS: "Azure Managed Lustre is azure only; GCP uses Managed Lustre",
    },
    "azure": {
        Feature.CAPACITY_BLOCK: "capacity blocks are an AWS EC2 purchase option; on Azure name "
        "a capacity reservation group (market capacity_reservation)",
        Feature.FSX_LUSTRE: "FSx for Lustre is aws only; Azure uses Azure Managed Lustre",
        Feature.MANAGED_LUSTRE: "Google Cloud Managed Lustre is gcp only; Azure uses AMLFS",
        Feature.FILESTORE: "Filestore is gcp only; Azure uses Azure Managed Lustre",
        Feature.PARALLELSTORE: "Parallelstore is gcp only; Azure uses Azure Managed Lustre",
    },
}

CLOUD_MODULES: dict[str, str] = {
    "aws": "cloudwright.components.aws",
    "gcp": "cloudwright.components.gcp",
    "azure": "cloudwright.components.azure",
}


def unsupported_reason(cloud: str, feature: Feature) -> str | None:
    """Why `cloud` cannot do `feature`, or None when it can."""
    return UNSUPPORTED.get(cloud, {}).get(feature)


def require(cloud: str, feature: Feature, *, location: str | None = None) -> None:
    """Raise InputError (with the reason) when `cloud` lacks `feature`."""
    reason = unsupported_reason(cloud, feature)
    if reason is not None:
        raise InputError(
            f"{feature.value} is not available on {cloud}: {reason}", location=location
        )


def market_feature(market: Market) -> Feature | None:
    return {
        Market.SPOT: Feature.SPOT,
        Market.CAPACITY_RESERVATION: Feature.CAPACITY_RESERVATION,
        Market.CAPACITY_BLOCK: Feature.CAPACITY_BLOCK,
    }.get(market)


def filesystem_feature(kind: FileSystemKind) -> Feature | None:
    if kind in (FileSystemKind.AUTO, FileSystemKind.NONE):
        return None
    return Feature(kind.value)


def resolve_filesystem(
    cloud: str,
    kind: FileSystemKind | str,
    parallel_fs_tb: float,
    auto: Callable[[], FileSystemKind],
) -> FileSystemKind:
    """The file system to build: AUTO → the cloud's own choice (`auto`) when the plan asks for
    a parallel file system, else none; an explicit kind must be one the cloud offers."""
    try:
        chosen = FileSystemKind(kind)
    except ValueError:
        raise InputError(
            f"unknown file system {kind!r}",
            location="filesystem",
            hint=f"expected one of {', '.join(k.value for k in FileSystemKind)}",
        ) from None
    if chosen == FileSystemKind.AUTO:
        return auto() if parallel_fs_tb > 0 else FileSystemKind.NONE
    feature = filesystem_feature(chosen)
    if feature is not None:
        require(cloud, feature)
    return chosen


# ---- args ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FabricSpec:
    """The instance type's GPU fabric, as the catalog describes it."""

    kind: str  # one of optimizer.catalog.schema.FABRICS ("EFA", "InfiniBand", ..., "none")
    nics: int | None = None  # fabric NICs: EFA interfaces, GPU NICs, IB ports
    gbps: float | None = None

    @property
    def present(self) -> bool:
        return self.kind != "none"


@dataclass(frozen=True)
class ProviderArgs:
    """What a cloud's explicit provider needs (one per cloud and region)."""

    region: str
    project: str | None = None  # gcp
    subscription_id: str | None = None  # azure; None → the CLI's/environment's default


@dataclass(frozen=True)
class NetworkArgs:
    cluster: str  # slug used in resource names
    workload: str
    region: str
    zone: str | None
    cidr_block: str  # the workload's private block; subnets are carved from it
    instance_type: str
    nodes: int
    fabric: FabricSpec
    tags: Mapping[str, str]
    admin_cidrs: tuple[str, ...] = ()  # SSH sources; empty = no SSH from outside the network
    nat: bool = True  # outbound internet through a NAT gateway (nodes have no public IPs)
    efa_only: bool = True  # AWS: size the subnet for EFA-only secondaries (no IP each)
    project: str | None = None  # gcp: the RDMA network profile lives in the project


@dataclass(frozen=True)
class StorageArgs:
    cluster: str
    workload: str
    region: str
    zone: str | None
    tags: Mapping[str, str]
    object_tb: float = 0.0
    parallel_fs_tb: float = 0.0
    throughput_mb_s_per_tib: int = 250
    filesystem: FileSystemKind = FileSystemKind.AUTO
    kms_key: str | None = None  # customer-managed key (ARN / KMS key name / Key Vault key URL)
    force_destroy: bool = False  # delete non-empty buckets on `pulumi destroy`


@dataclass(frozen=True)
class ClusterArgs:
    cluster: str
    workload: str
    region: str
    zone: str | None
    instance_type: str
    nodes: int
    gpu: str | None
    gpu_count: int
    fabric: FabricSpec
    tags: Mapping[str, str]
    arch: str = "x86_64"
    market: Market = Market.ON_DEMAND
    reservation: str | None = None  # capacity reservation / block id, or GCP reservation name
    image: str | None = None  # None → the cloud's GPU image (DLAMI, accelerator image, HPC)
    boot_disk_gb: int = 200
    admin_cidrs: tuple[str, ...] = ()
    ssh_public_key: str | None = None
    efa_only: bool = True  # AWS: secondary EFA interfaces as efa-only (no IP address each)
    encryption_at_host: bool = True  # Azure: needs the EncryptionAtHost feature registered
    project: str | None = None  # gcp: IAM bindings name the project
    extra: Mapping[str, str] = field(default_factory=dict)


# ---- what the stack program reads from the components -------------------------------------


class ClusterNetwork(Protocol):
    """The private network a cluster's nodes and file system share."""

    network_id: pulumi.Output[str]  # the VPC / VNet of the nodes' primary interfaces
    node_subnet_id: pulumi.Output[str]  # the subnet of the nodes' primary interfaces


class ClusterStorage(Protocol):
    """Durable object storage plus an optional shared file system, private by default."""

    bucket: pulumi.Output[str] | None  # bucket / container URL; None without object storage
    mount_command: (
        pulumi.Output[str | None] | None
    )  # mounts the file system on a node; None without
    filesystem_kind: FileSystemKind  # the file system actually created (NONE when there is none)


class GpuCluster(Protocol):
    """The GPU nodes: one placement domain, one identity, one node group."""

    node_group: pulumi.Output[str]  # ASG name, VMSS id, or the first instance's self link
    identity: pulumi.Output[str]  # role ARN, service account e-mail, managed identity id


class CloudKit(abc.ABC):
    """One cloud's side of the stack program: its explicit provider, and the translation of the
    plan's cloud-neutral specs into its components' args (outputs of one component become ids
    in the next one's args)."""

    cloud: str

    @abc.abstractmethod
    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        """An explicit provider for one region (never the ambient default provider)."""

    @abc.abstractmethod
    def network(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions
    ) -> ClusterNetwork: ...

    @abc.abstractmethod
    def storage(
        self, name: str, args: StorageArgs, network: ClusterNetwork, opts: pulumi.ResourceOptions
    ) -> ClusterStorage: ...

    @abc.abstractmethod
    def cluster(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> GpuCluster: ...


def load_kit(cloud: str) -> CloudKit:
    """Import the cloud's module (only when the program needs that cloud) and return its kit."""
    import importlib

    from cloudwright.core.errors import UnknownNameError

    module_name = CLOUD_MODULES.get(cloud)
    if module_name is None:
        raise UnknownNameError("cloud", cloud, CLOUD_MODULES)
    module = importlib.import_module(module_name)
    kit: CloudKit = module.KIT
    return kit
