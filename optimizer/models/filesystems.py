"""What a parallel file system of `tb` TB is provisioned (and billed) as, per cloud.

The facts about each service's allowed sizes, steps and tiers, in one place for the layer
that prices (the optimizer's storage model) and the layer that deploys (the components):
a plan's storage cost is the cost of the file system the stack will create, not of the
bytes asked for. Every capacity function rounds *up*.

Units: `tb` is 10^12 bytes (what plans and fleets use), `tib` is 2^40, `gib` is 2^30.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cloudwright.core.errors import InputError

BYTES_PER_TB = 10**12
BYTES_PER_GIB = 2**30
BYTES_PER_TIB = 2**40


def tb_to_gib(tb: float) -> float:
    return tb * BYTES_PER_TB / BYTES_PER_GIB


def tb_to_tib(tb: float) -> float:
    return tb * BYTES_PER_TB / BYTES_PER_TIB


def round_up(value: float, step: int) -> int:
    """The smallest multiple of `step` that is >= value (0 stays 0)."""
    return math.ceil(value / step - 1e-9) * step if value > 0 else 0


def pick_tier(requested: int, tiers: Sequence[int], what: str) -> int:
    """The smallest tier >= requested; InputError when every tier is below it."""
    for tier in sorted(tiers):
        if tier >= requested:
            return tier
    raise InputError(
        f"{what}: {requested} MB/s per TiB is above the fastest tier ({max(tiers)})",
        hint=f"valid tiers: {', '.join(str(t) for t in sorted(tiers))}",
    )


# ---- AWS ---------------------------------------------------------------------------------------

# FSx for Lustre PERSISTENT_2: StorageCapacity is 1200 GiB or a multiple of 2400 GiB above it;
# PerUnitStorageThroughput is 125, 250, 500 or 1000 MB/s/TiB (FSx API reference,
# CreateFileSystemLustreConfiguration, and the FSx for Lustre user guide, 2025).
FSX_P2_FIRST_GIB = 1200
FSX_P2_STEP_GIB = 2400
FSX_P2_THROUGHPUT_TIERS: tuple[int, ...] = (125, 250, 500, 1000)


def fsx_lustre_capacity_gib(tb: float) -> int:
    """PERSISTENT_2 capacity for `tb` of data: 1200 GiB, then 2400 GiB steps."""
    need = tb_to_gib(tb)
    if need <= FSX_P2_FIRST_GIB:
        return FSX_P2_FIRST_GIB
    extra = round_up(need - FSX_P2_FIRST_GIB, FSX_P2_STEP_GIB)
    return FSX_P2_FIRST_GIB + extra


def fsx_throughput_tier(mb_s_per_tib: int) -> int:
    return pick_tier(mb_s_per_tib, FSX_P2_THROUGHPUT_TIERS, "FSx for Lustre PERSISTENT_2")


# ---- Azure ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmlfsSku:
    name: str
    mb_s_per_tib: int
    min_tib: int
    max_tib: int
    step_tib: int


# Azure Managed Lustre durable SKUs (MicrosoftDocs azure-managed-lustre
# create-file-system-resource-manager.md, "Choose file system type and size"); larger sizes
# need a support request.
AMLFS_SKUS: tuple[AmlfsSku, ...] = (
    AmlfsSku("AMLFS-Durable-Premium-40", 40, 48, 768, 48),
    AmlfsSku("AMLFS-Durable-Premium-125", 125, 16, 128, 16),
    AmlfsSku("AMLFS-Durable-Premium-250", 250, 8, 128, 8),
    AmlfsSku("AMLFS-Durable-Premium-500", 500, 4, 128, 4),
)


@dataclass(frozen=True)
class FileSystemSize:
    """A sized file system: the product/tier and its capacity in the unit its API takes."""

    tier: str
    capacity: int
    unit: str  # "GiB" or "TiB"
    mb_s_per_tib: int

    @property
    def capacity_tib(self) -> float:
        return self.capacity if self.unit == "TiB" else self.capacity / 1024


def amlfs_size(tb: float, mb_s_per_tib: int) -> FileSystemSize:
    """The AMLFS SKU and capacity for `tb` at >= `mb_s_per_tib`: the slowest SKU that is fast
    enough (the one the planner priced), or a faster one only when the slower cannot hold it."""
    need_tib = tb_to_tib(tb)
    for sku in sorted(AMLFS_SKUS, key=lambda s: s.mb_s_per_tib):
        if sku.mb_s_per_tib < mb_s_per_tib:
            continue
        capacity = max(sku.min_tib, round_up(need_tib, sku.step_tib))
        if capacity <= sku.max_tib:
            return FileSystemSize(sku.name, capacity, "TiB", sku.mb_s_per_tib)
    raise InputError(
        f"Azure Managed Lustre: no SKU offers {tb:g} TB at {mb_s_per_tib} MB/s per TiB",
        hint="sizes above the listed maximum need an Azure support request",
    )


# ---- GCP -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LustreTier:
    mb_s_per_tib: int
    min_gib: int
    step_gib: int
    threshold_gib: int  # above this, capacities are multiples of big_step_gib
    big_step_gib: int
    max_gib: int


# Google Cloud Managed Lustre performance tiers (cloud.google.com/managed-lustre/docs/
# performance-tiers, 2026): minimum, step, the size where the step grows, and the maximum.
MANAGED_LUSTRE_TIERS: tuple[LustreTier, ...] = (
    LustreTier(125, 72_000, 72_000, 12_240_000, 72_000, 12_240_000),
    LustreTier(250, 36_000, 36_000, 6_120_000, 288_000, 40_032_000),
    LustreTier(500, 18_000, 18_000, 3_060_000, 144_000, 20_016_000),
    LustreTier(1000, 9_000, 9_000, 1_530_000, 72_000, 10_008_000),
)

# Filestore Zonal (cloud.google.com/filestore/docs/service-tiers-zonal): 1–9.75 TiB in
# 256 GiB steps, or 10–100 TiB in 2.5 TiB steps; the range cannot change after creation.
FILESTORE_ZONAL_RANGES: tuple[tuple[int, int, int], ...] = (
    (1024, 9984, 256),
    (10240, 102400, 2560),
)

# Parallelstore (cloud.google.com/parallelstore/docs/create-instance): 12–100 TiB in 4 TiB steps.
PARALLELSTORE_MIN_GIB = 12 * 1024
PARALLELSTORE_MAX_GIB = 100 * 1024
PARALLELSTORE_STEP_GIB = 4 * 1024

# Managed Lustre's minimum sizes are large; past this factor of over-provisioning a small
# data set goes to Filestore Zonal instead (documented in docs/components.md).
LUSTRE_MAX_OVERPROVISION = 2.0


def managed_lustre_size(tb: float, mb_s_per_tib: int) -> FileSystemSize:
    """Managed Lustre tier and capacity for `tb` at >= `mb_s_per_tib`: the slowest tier that is
    fast enough (the one the planner priced), a faster one only when the slower cannot hold it."""
    need = tb_to_gib(tb)
    for tier in sorted(MANAGED_LUSTRE_TIERS, key=lambda t: t.mb_s_per_tib):
        if tier.mb_s_per_tib < mb_s_per_tib:
            continue
        capacity = max(tier.min_gib, round_up(need, tier.step_gib))
        if capacity > tier.threshold_gib:
            capacity = round_up(need, tier.big_step_gib)
        if capacity <= tier.max_gib:
            return FileSystemSize(str(tier.mb_s_per_tib), capacity, "GiB", tier.mb_s_per_tib)
    raise InputError(
        f"Managed Lustre: no tier offers {tb:g} TB at {mb_s_per_tib} MB/s per TiB",
        hint=f"tiers: {', '.join(str(t.mb_s_per_tib) for t in MANAGED_LUSTRE_TIERS)}",
    )


def filestore_zonal_size(tb: float) -> FileSystemSize:
    need = tb_to_gib(tb)
    for low, high, step in FILESTORE_ZONAL_RANGES:
        capacity = max(low, round_up(need, step))
        if capacity <= high:
            return FileSystemSize("ZONAL", capacity, "GiB", 0)
    raise InputError(f"Filestore Zonal holds at most 100 TiB; {tb:g} TB asked")


def parallelstore_size(tb: float) -> FileSystemSize:
    capacity = max(PARALLELSTORE_MIN_GIB, round_up(tb_to_gib(tb), PARALLELSTORE_STEP_GIB))
    if capacity > PARALLELSTORE_MAX_GIB:
        raise InputError(f"Parallelstore holds at most 100 TiB; {tb:g} TB asked")
    return FileSystemSize("SCRATCH", capacity, "GiB", 0)


def gcp_auto_filesystem(tb: float, mb_s_per_tib: int) -> str:
    """AUTO on GCP: Managed Lustre (durable, throughput per TiB like FSx and AMLFS) unless its
    minimum size would more than double the data set, then Filestore Zonal (NFS) when that
    holds it. Parallelstore (scratch, no durability) is only chosen explicitly."""
    if tb <= 0:
        return "none"
    lustre = managed_lustre_size(tb, mb_s_per_tib)
    if lustre.capacity <= LUSTRE_MAX_OVERPROVISION * max(tb_to_gib(tb), 1.0):
        return "managed_lustre"
    if tb_to_gib(tb) <= FILESTORE_ZONAL_RANGES[-1][1]:
        return "filestore"
    return "managed_lustre"


# ---- what the stack provisions, in the catalog's price units --------------------------------------


@dataclass(frozen=True)
class Provisioned:
    """The file system the stack creates for a workload (AUTO), as the catalog prices it:
    unit-price `service`/`product`/`unit`, and the billed quantity in that unit (GiB for
    "GB-month" rows, as the pricers bill the API's capacity; TiB for "TiB-month")."""

    service: str
    product: str
    unit: str
    quantity: float


def provisioned(cloud: str, tb: float, mb_s_per_tib: int) -> Provisioned | None:
    """What `tb` TB at `mb_s_per_tib` is provisioned as on `cloud` (None: no file system)."""
    if tb <= 0:
        return None
    if cloud == "aws":
        tier = fsx_throughput_tier(mb_s_per_tib)
        return Provisioned(
            "fsx_lustre", f"PERSISTENT_2-{tier}", "GB-month", fsx_lustre_capacity_gib(tb)
        )
    if cloud == "azure":
        size = amlfs_size(tb, mb_s_per_tib)
        return Provisioned("managed_lustre", size.tier, "TiB-month", size.capacity_tib)
    if cloud == "gcp":
        if gcp_auto_filesystem(tb, mb_s_per_tib) == "filestore":
            size = filestore_zonal_size(tb)
            return Provisioned("filestore", size.tier, "GB-month", size.capacity)
        size = managed_lustre_size(tb, mb_s_per_tib)
        return Provisioned("managed_lustre", size.tier, "GB-month", size.capacity)
    raise InputError(f"no parallel file system is modelled for cloud {cloud!r}")
