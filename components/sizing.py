"""Pure sizing maths: subnets and the file-system sizes the components create, per cloud.

Everything here is a plain function of plain values, property-tested in
tests/test_components_sizing.py; the component classes only call these. File-system sizes
and tiers live in `optimizer.models.filesystems` (the optimizer prices the same sizes) and
are re-exported here for the components.

Units: `tb` is 10^12 bytes (what plans and fleets use), `tib` is 2^40, `gib` is 2^30.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence

from cloudwright.components.interface import FileSystemKind
from cloudwright.core.errors import InputError
from cloudwright.optimizer.models.filesystems import (
    AMLFS_SKUS,
    BYTES_PER_GIB,
    BYTES_PER_TB,
    BYTES_PER_TIB,
    FILESTORE_ZONAL_RANGES,
    FSX_P2_FIRST_GIB,
    FSX_P2_STEP_GIB,
    FSX_P2_THROUGHPUT_TIERS,
    LUSTRE_MAX_OVERPROVISION,
    MANAGED_LUSTRE_TIERS,
    PARALLELSTORE_MAX_GIB,
    PARALLELSTORE_MIN_GIB,
    PARALLELSTORE_STEP_GIB,
    AmlfsSku,
    FileSystemSize,
    LustreTier,
    amlfs_size,
    filestore_zonal_size,
    fsx_lustre_capacity_gib,
    fsx_throughput_tier,
    gcp_auto_filesystem,
    managed_lustre_size,
    parallelstore_size,
    pick_tier,
    round_up,
    tb_to_gib,
    tb_to_tib,
)

__all__ = [
    "AMLFS_SKUS",
    "AMLFS_SUBNET_PREFIX",
    "BYTES_PER_GIB",
    "BYTES_PER_TB",
    "BYTES_PER_TIB",
    "FILESTORE_ZONAL_RANGES",
    "FSX_P2_FIRST_GIB",
    "FSX_P2_STEP_GIB",
    "FSX_P2_THROUGHPUT_TIERS",
    "LUSTRE_MAX_OVERPROVISION",
    "MANAGED_LUSTRE_TIERS",
    "PARALLELSTORE_MAX_GIB",
    "PARALLELSTORE_MIN_GIB",
    "PARALLELSTORE_STEP_GIB",
    "RESERVED_ADDRESSES",
    "AmlfsSku",
    "FileSystemSize",
    "LustreTier",
    "allocate_blocks",
    "amlfs_size",
    "amlfs_subnet_prefix",
    "aws_partition",
    "carve_subnets",
    "choose_gcp_filesystem",
    "filestore_zonal_size",
    "fsx_lustre_capacity_gib",
    "fsx_throughput_tier",
    "managed_lustre_size",
    "parallelstore_size",
    "pick_tier",
    "prefix_for_hosts",
    "round_up",
    "tb_to_gib",
    "tb_to_tib",
    "validate_admin_cidrs",
    "workload_block",
]

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


def aws_partition(region: str) -> str:
    """The ARN partition of an AWS region (China and GovCloud have their own)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


# ---- Azure ---------------------------------------------------------------------------------------


# Minimum AMLFS subnet per capacity (MicrosoftDocs amlfs-prerequisites, "Network size
# requirements"): (largest capacity in TiB, prefix length).
AMLFS_SUBNET_PREFIX: tuple[tuple[int, int], ...] = (
    (16, 27),
    (40, 26),
    (92, 25),
    (196, 24),
    (400, 23),
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


def choose_gcp_filesystem(tb: float, mb_s_per_tib: int) -> FileSystemKind:
    """AUTO on GCP (optimizer.models.filesystems.gcp_auto_filesystem, the rule the plan
    priced) as the components' kind."""
    return FileSystemKind(gcp_auto_filesystem(tb, mb_s_per_tib))


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
