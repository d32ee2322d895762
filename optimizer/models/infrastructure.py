"""What a workload's cluster costs beyond its nodes' hours and its storage: the boot disks,
the NAT gateway and its address, the storage key. The stack program creates these for every
VM cluster (components/{aws,gcp,azure}), so the plan prices them as `cost` will price the
preview: one number for the plan and its cost report, small fleets included.

Per cloud (VM platform; prices from the catalog's unit prices, per region):
- AWS: a gp3 boot volume of BOOT_DISK_GB per node; one NAT gateway and its Elastic IP per
  workload (730 h); a customer-managed KMS key per workload with storage;
- GCP: a boot disk of BOOT_DISK_GB per node (pd-balanced, hyperdisk-balanced for the
  families that only take Hyperdisk); Cloud NAT per VM-hour (730 h per node);
- Azure: a Premium_LRS OS disk per node, billed as the Premium SSD size tier BOOT_DISK_GB
  rounds up to; one NAT gateway and its Standard static public IP per workload (730 h).
A region without a price row weighs the median of the cloud's known regions (an estimate
for weighing; `cost` reports the line unknown there), never $0 when any region has one.
Own sites and Kubernetes pools (priced by their own rules) add nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.models.energy import storage_energy_kwh_month

BOOT_DISK_GB = 200  # every cluster component's default boot/OS disk (GiB), stack-overridable
ALWAYS_ON_HOURS = 730.0  # gateways, addresses: the whole month

# GCP machine families whose boot disk must be Hyperdisk (Google's machine-series docs).
GCP_HYPERDISK_ONLY_FAMILIES: frozenset[str] = frozenset(
    {"a3-ultragpu", "a4-highgpu", "a4x-highgpu"}
)
# Azure Premium SSD managed-disk sizes (GiB) per billing tier P1…P80 (Azure managed disks
# pricing page): a disk bills as the smallest tier that holds it.
AZURE_PREMIUM_TIERS_GIB: tuple[int, ...] = (
    4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767,
)  # fmt: skip


def gcp_machine_family(machine_type: str) -> str:
    """'a3-megagpu-8g' → 'a3-megagpu'."""
    return machine_type.rsplit("-", 1)[0] if machine_type.count("-") >= 2 else machine_type


def gcp_boot_disk_type(machine_type: str) -> str:
    if gcp_machine_family(machine_type) in GCP_HYPERDISK_ONLY_FAMILIES:
        return "hyperdisk-balanced"
    return "pd-balanced"


def azure_premium_tier_gib(gib: float) -> int:
    for size in AZURE_PREMIUM_TIERS_GIB:
        if gib <= size:
            return size
    return AZURE_PREMIUM_TIERS_GIB[-1]


@dataclass(frozen=True)
class Infrastructure:
    per_node_usd: float  # boot disk (+ GCP's per-VM NAT) per node per month
    fixed_usd: float  # NAT gateway, address (and AWS's key when storage) per workload
    per_node_kwh: float = 0.0  # the boot disk's storage energy (CCF block SSD), per node


class InfrastructurePricer:
    """Monthly infrastructure of a VM cluster per (cloud, region, machine type, storage)."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._cache: dict[tuple[str, str, str, bool], Infrastructure] = {}
        self._medians: dict[tuple[str, str, str, str], float] = {}

    def _unit(self, cloud: str, service: str, product: str, unit: str, region: str) -> float:
        """The region's price (or the catalog's '*' row); where neither is known, the median
        of the cloud's known regions, so that a region is never favoured for lacking a row
        (0 only when no region has one)."""
        row = self._catalog.unit_price(cloud, service, product, unit, region)
        if row is not None and row.usd_per_unit is not None:
            return float(row.usd_per_unit)
        return self._median(cloud, service, product, unit)

    def _disk_kwh(self, cloud: str, region: str, gb: float) -> float:
        """A boot disk's monthly energy as `cost` models it (GB priced → TB, SSD, block)."""
        return storage_energy_kwh_month(
            self._catalog, cloud, region, tb=gb / 1000.0, medium="ssd", replication="block"
        )

    def _median(self, cloud: str, service: str, product: str, unit: str) -> float:
        key = (cloud, service, product, unit)
        if key not in self._medians:
            t = self._catalog.unit_prices
            rows = t[
                (t["cloud"] == cloud)
                & (t["service"] == service)
                & (t["product"] == product)
                & (t["unit"] == unit)
                & t["tier_start"].isna()
            ]["usd_per_unit"].dropna()
            self._medians[key] = float(rows.median()) if len(rows) else 0.0
        return self._medians[key]

    def price(self, cloud: str, region: str, machine: str, storage: bool) -> Infrastructure:
        key = (cloud, region, machine if cloud == "gcp" else "", storage)
        if key not in self._cache:
            self._cache[key] = self._price(*key)
        return self._cache[key]

    def _price(self, cloud: str, region: str, machine: str, storage: bool) -> Infrastructure:
        u, hours = self._unit, ALWAYS_ON_HOURS
        if cloud == "aws":
            disk = u("aws", "ebs", "gp3", "GB-month", region) * BOOT_DISK_GB
            fixed = (
                u("aws", "nat_gateway", "gateway", "hour", region) * hours
                + u("aws", "vpc", "public-ipv4", "hour", region) * hours
                + (u("aws", "kms", "key", "month", region) if storage else 0.0)
            )
            return Infrastructure(disk, fixed, self._disk_kwh(cloud, region, BOOT_DISK_GB))
        if cloud == "gcp":
            disk = u("gcp", "pd", gcp_boot_disk_type(machine), "GB-month", region) * BOOT_DISK_GB
            nat = u("gcp", "cloud_nat", "vm", "VM-hour", region) * hours
            return Infrastructure(disk + nat, 0.0, self._disk_kwh(cloud, region, BOOT_DISK_GB))
        if cloud == "azure":
            tier = azure_premium_tier_gib(BOOT_DISK_GB)
            disk = u("azure", "managed_disk", "Premium_LRS", "GB-month", region) * tier
            fixed = (
                u("azure", "nat_gateway", "gateway", "hour", region) * hours
                + u("azure", "public_ip", "standard-static", "hour", region) * hours
            )
            return Infrastructure(disk, fixed, self._disk_kwh(cloud, region, tier))
        return Infrastructure(0.0, 0.0)  # an own site: nothing of this in any cloud
