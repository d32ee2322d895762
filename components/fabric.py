"""GPU fabric layouts: which NICs a node gets, per cloud, as pure data and functions.

The NIC *count* comes from the catalog (`interconnect_nics`, passed in `FabricSpec`); the
*shape* (interface types, device/network-card indexes, how many VPCs, NIC types, MTU) is
fixed by each cloud's documentation, cited next to each table. Property-tested in
tests/test_components_fabric.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from cloudwright.components.interface import FabricSpec
from cloudwright.core.errors import InputError
from cloudwright.optimizer.models.infrastructure import (  # re-exported for the components
    GCP_HYPERDISK_ONLY_FAMILIES as GCP_HYPERDISK_ONLY_FAMILIES,
)
from cloudwright.optimizer.models.infrastructure import (
    gcp_boot_disk_type as gcp_boot_disk_type,
)
from cloudwright.optimizer.models.infrastructure import (
    gcp_machine_family as gcp_machine_family,
)

# ---- AWS: Elastic Fabric Adapter --------------------------------------------------------------


@dataclass(frozen=True)
class EfaInterface:
    network_card_index: int
    device_index: int
    interface_type: str  # "efa" (EFA with ENA, has an IP) or "efa-only" (no IP)


# EFA-only interfaces: AWS announced them on 2024-10-28 for all EFA-supported instance types
# ("Amazon EC2 announces EFA updates for scalability with AI/ML applications"); they are never
# allowed as the primary interface. Families listed here fall back to EFA-with-ENA everywhere.
EFA_ONLY_UNSUPPORTED_FAMILIES: frozenset[str] = frozenset()


def instance_family(instance_type: str) -> str:
    """'p5.48xlarge' → 'p5'; 'p6-b200.48xlarge' → 'p6-b200'."""
    return instance_type.split(".", 1)[0]


def supports_efa_only(instance_type: str) -> bool:
    return instance_family(instance_type) not in EFA_ONLY_UNSUPPORTED_FAMILIES


def efa_count(fabric: FabricSpec) -> int:
    """EFA interfaces to attach: the catalog's count on EFA instance types, else none."""
    return (fabric.nics or 0) if fabric.kind == "EFA" else 0


def efa_interfaces(efa_count: int, *, efa_only: bool) -> tuple[EfaInterface, ...]:
    """One EFA per network card: card 0 / device 0 is EFA with ENA (the primary interface
    carries the node's IP); every other card gets device index 1, as EFA-only when allowed.

    Layout from the EC2 user guide, "Maximize network bandwidth on Amazon EC2 instances with
    multiple network cards" (efa-acc-inst-types): P5 takes 32 such interfaces, P4d 4.
    """
    if efa_count < 0:
        raise ValueError("efa_count must be >= 0")
    if efa_count == 0:
        return ()
    secondary = "efa-only" if efa_only else "efa"
    return (
        EfaInterface(0, 0, "efa"),
        *tuple(EfaInterface(card, 1, secondary) for card in range(1, efa_count)),
    )


def ips_per_node(interfaces: tuple[EfaInterface, ...]) -> int:
    """Private IPv4 addresses one node takes from the subnet (EFA-only interfaces take none)."""
    return max(1, sum(1 for i in interfaces if i.interface_type != "efa-only"))


# ---- GCP: GPUDirect TCPX / TCPXO / RDMA -----------------------------------------------------------


@dataclass(frozen=True)
class GcpNicLayout:
    host_nics: int  # gVNIC NICs, one VPC each; the first is the system network
    gpu_nics: int  # GPU data NICs
    gpu_nic_type: str  # "GVNIC" or "MRDMA"
    rdma_network: bool  # GPU NICs share one RDMA VPC (a subnet each) instead of a VPC each
    mtu: int  # MTU of the cluster's VPCs

    @property
    def vpcs(self) -> int:
        if self.gpu_nics == 0:
            return self.host_nics
        return self.host_nics + (1 if self.rdma_network else self.gpu_nics)


@dataclass(frozen=True)
class _GcpFabric:
    host_nics: int
    gpu_nic_type: str
    rdma_network: bool
    mtu: int
    default_gpu_nics: int


# Per fabric (cloud.google.com/compute/docs/gpus/gpu-network-bandwidth and the GPUDirect
# setup guides; Cluster Toolkit's a3-highgpu-8g / a3-megagpu-8g / a3-ultragpu-8g blueprints):
# A3 High (TCPX): 1 gVNIC + 4 GPU NICs, each in its own VPC, MTU 8244.
# A3 Mega (TCPXO): 1 gVNIC + 8 GPU NICs, each in its own VPC, MTU 8244.
# A3 Ultra / A4 (RDMA): 2 gVNIC (two VPCs) + 8 MRDMA NICs in one RoCE VPC, MTU 8896.
GCP_FABRICS: dict[str, _GcpFabric] = {
    "GPUDirect-TCPX": _GcpFabric(1, "GVNIC", False, 8244, 4),
    "GPUDirect-TCPXO": _GcpFabric(1, "GVNIC", False, 8244, 8),
    "GPUDirect-RDMA": _GcpFabric(2, "MRDMA", True, 8896, 8),
}
GCP_DEFAULT_MTU = 1460  # a VPC's MTU when none is set


# Machine families whose boot disk must be Hyperdisk (A3 Ultra and A4 have no Persistent Disk
# support: Compute Engine accelerator-optimized machine family docs).
def gcp_nic_layout(fabric: FabricSpec) -> GcpNicLayout:
    """The NICs a GCP node needs for its fabric (one gVNIC without one)."""
    if not fabric.present:
        return GcpNicLayout(1, 0, "GVNIC", False, GCP_DEFAULT_MTU)
    spec = GCP_FABRICS.get(fabric.kind)
    if spec is None:
        raise InputError(
            f"fabric {fabric.kind!r} is not a GCP fabric",
            hint=f"expected one of {', '.join(GCP_FABRICS)}",
        )
    gpu_nics = fabric.nics if fabric.nics else spec.default_gpu_nics
    return GcpNicLayout(spec.host_nics, gpu_nics, spec.gpu_nic_type, spec.rdma_network, spec.mtu)


# ---- Azure: InfiniBand ----------------------------------------------------------------------------

# A scale set spans one InfiniBand fabric only inside a single placement group, which holds at
# most 100 VMs (Azure docs: "Working with large virtual machine scale sets").
AZURE_SINGLE_PLACEMENT_GROUP_MAX_VMS = 100


def is_infiniband(fabric: FabricSpec) -> bool:
    return fabric.kind == "InfiniBand"


def check_azure_ib_scale(fabric: FabricSpec, nodes: int) -> None:
    if is_infiniband(fabric) and nodes > AZURE_SINGLE_PLACEMENT_GROUP_MAX_VMS:
        raise InputError(
            f"{nodes} InfiniBand nodes do not fit one placement group "
            f"(max {AZURE_SINGLE_PLACEMENT_GROUP_MAX_VMS} VMs share an IB fabric)",
            hint="split the workload into several clusters of at most 100 nodes",
        )
