"""Pure sizing maths: subnets, file-system capacities and throughput tiers, per cloud.

Everything here is a plain function of plain values, property-tested in
tests/test_components_sizing.py; the component classes only call these. The limits are
facts about the services' APIs (allowed sizes, steps, tiers), each table citing where it
comes from; prices never appear here (they live in the catalog).

Units: `tb` is 10^12 bytes (what plans and fleets use), `tib` is 2^40, `gib` is 2^30.
Every capacity function rounds *up*: you always get at least what the plan asked for.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass

from cloudwright.components.interface import FileSystemKind
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


# ---- networks --------------------------------------------------------------------------------

# Addresses each cloud keeps for itself in every subnet: AWS the first four and the last one,
# Azure the same five, GCP the first two and the last two.
RESERVED_ADDRESSES = {"aws": 5, "azure": 5, "gcp": 4}


def workload_block(pool: str, index: int, prefixlen: int = 16) -> str:
    """The index-th /prefixlen block of `pool`: disjoint networks per workload, so clusters
    can be peered later without renumbering."""
    network = ipaddress.ip_network(pool, strict=False)
    if prefixlen < network.prefixlen:
        raise InputError(f"CIDR pool {pool} is smaller than one /{prefixlen} workload block")
    count = 2 ** (prefixlen - network.prefixlen)
    if not 0 <= index < count:
        raise InputError(
            f"CIDR pool {pool} holds {count} /{prefixlen} blocks; workload #{index + 1} "
            "does not fit",
            hint="set a larger cloudwright:cidrPool in the stack config",
        )
    size = 2 ** (network.max_prefixlen - prefixlen)
    start = int(network.network_address) + index * size
    return str(ipaddress.ip_network((start, prefixlen)))


def prefix_for_hosts(hosts: int, reserved: int, *, largest: int = 28) -> int:
    """The longest prefix whose subnet holds `hosts` usable addresses (never longer than
    `largest`, since clouds refuse tiny subnets)."""
    if hosts < 0:
        raise ValueError("hosts must be >= 0")
    needed = max(hosts + reserved, 2)
    bits = math.ceil(math.log2(needed))
    return min(32 - bits, largest)


def carve_subnets(block: str, prefixlens: Sequence[int]) -> list[str]:
    """Non-overlapping, aligned subnets of `block`, one per requested prefix length, returned in
    the requested order. Largest first, so every allocation stays aligned."""
    network = ipaddress.ip_network(block, strict=False)
    order = sorted(range(len(prefixlens)), key=lambda i: (prefixlens[i], i))
    cursor = int(network.network_address)
    end = int(network.broadcast_address) + 1
    out: dict[int, str] = {}
    for i in order:
        prefix = prefixlens[i]
        if prefix < network.prefixlen or prefix > network.max_prefixlen:
            raise InputError(f"a /{prefix} subnet does not fit in {block}")
        size = 2 ** (network.max_prefixlen - prefix)
        cursor = -(-cursor // size) * size  # align up
        if cursor + size > end:
            raise InputError(
                f"{block} is too small for subnets /{', /'.join(str(p) for p in prefixlens)}"
            )
        out[i] = str(ipaddress.ip_network((cursor, prefix)))
        cursor += size
    return [out[i] for i in range(len(prefixlens))]


def validate_admin_cidrs(cidrs: Sequence[str], *, location: str | None = None) -> tuple[str, ...]:
    """Normalise SSH source ranges; refuse any that opens the port to the whole internet."""
    out: list[str] = []
    for raw in cidrs:
        try:
            network = ipaddress.ip_network(str(raw).strip(), strict=False)
        except ValueError as exc:
            raise InputError(f"not a CIDR range: {raw!r}", location=location) from exc
        if network.prefixlen == 0:
            raise InputError(
                f"{raw} would open SSH to the whole internet",
                location=location,
                hint="list the ranges you administer from (e.g. your VPN), or use the cloud's "
                "session manager (SSM, IAP, Bastion) and no SSH range at all",
            )
        out.append(str(network))
    return tuple(out)


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


def aws_partition(region: str) -> str:
    """The ARN partition of an AWS region (China and GovCloud have their own)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


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

# Minimum AMLFS subnet per capacity (MicrosoftDocs amlfs-prerequisites, "Network size
# requirements"): (largest capacity in TiB, prefix length).
AMLFS_SUBNET_PREFIX: tuple[tuple[int, int], ...] = (
    (16, 27),
    (40, 26),
    (92, 25),
    (196, 24),
    (400, 23),
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


def amlfs_subnet_prefix(capacity_tib: float) -> int:
    for largest, prefix in AMLFS_SUBNET_PREFIX:
        if capacity_tib <= largest:
            return prefix
    raise InputError(
        f"Azure Managed Lustre of {capacity_tib:g} TiB needs a subnet sized with Microsoft "
        "(beyond the published table)"
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


def choose_gcp_filesystem(tb: float, mb_s_per_tib: int) -> FileSystemKind:
    """AUTO on GCP: Managed Lustre (durable, throughput per TiB like FSx and AMLFS) unless its
    minimum size would more than double the data set, then Filestore Zonal (NFS) when that
    holds it. Parallelstore (scratch, no durability) is only chosen explicitly."""
    if tb <= 0:
        return FileSystemKind.NONE
    lustre = managed_lustre_size(tb, mb_s_per_tib)
    if lustre.capacity <= LUSTRE_MAX_OVERPROVISION * max(tb_to_gib(tb), 1.0):
        return FileSystemKind.MANAGED_LUSTRE
    if tb_to_gib(tb) <= FILESTORE_ZONAL_RANGES[-1][1]:
        return FileSystemKind.FILESTORE
    return FileSystemKind.MANAGED_LUSTRE


def allocate_blocks(
    names: Sequence[str],
    pool: str,
    pinned: dict[str, str] | None = None,
    prefixlen: int = 16,
) -> dict[str, str]:
    """One disjoint /prefixlen block of `pool` per name, stable across runs: each name hashes to
    a preferred slot and probes forward past taken ones (names in sorted order), so adding a
    workload almost never renumbers the others. `pinned` blocks are kept as given."""
    import hashlib

    network = ipaddress.ip_network(pool, strict=False)
    count = 2 ** (prefixlen - network.prefixlen) if prefixlen >= network.prefixlen else 0
    pinned = dict(pinned or {})
    taken = [ipaddress.ip_network(b, strict=False) for b in pinned.values()]
    free = [n for n in sorted(set(names)) if n not in pinned]
    if count == 0:
        raise InputError(f"CIDR pool {pool} is smaller than one /{prefixlen} workload block")
    out = dict(pinned)
    for name in free:
        start = int(hashlib.sha256(name.encode()).hexdigest(), 16) % count
        for step in range(count):
            block = ipaddress.ip_network(workload_block(pool, (start + step) % count, prefixlen))
            if not any(block.overlaps(t) for t in taken):
                taken.append(block)
                out[name] = str(block)
                break
        else:
            raise InputError(
                f"no free /{prefixlen} block left in {pool} for workload {name!r}",
                hint="set a larger cloudwright:cidrPool in the stack config",
            )
    return out
