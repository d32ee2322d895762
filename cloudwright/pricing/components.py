"""The vocabulary of a price: cost components, catalog filters and energy uses.

A pricer module turns one resource's inputs into a list of `CostComponent`s. A component says
*what* is billed (name, plural unit, monthly quantity) and *where its price lives* (a catalog
filter), never the price itself; the engine looks the price up. Quantities that cannot be
known are `Unpriced(reason)`, so a report can say why instead of printing $0.

Component names follow Infracost's naming guide: `Instance usage (Linux/UNIX, on-demand,
p5.48xlarge)`, `Storage (general purpose SSD, gp3)`, units plural (`hours`, `GB`, `IOPS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cloudwright.resource_graph.model import Unknown


@dataclass(frozen=True)
class Unpriced:
    """A quantity or name the estimate cannot know, and why (shown to the user)."""

    reason: str


Quantity = float | Unpriced
Text = str | Unpriced


@dataclass(frozen=True)
class InstanceHours:
    """Price filter: the catalog's hourly price of an instance type in a region."""

    cloud: str
    instance_type: Text
    spot: bool = False
    # "commit_1y" / "commit_3y": the catalog's commitment rate (none known: on-demand, noted).
    commit: str | None = None


@dataclass(frozen=True)
class UnitRate:
    """Price filter: a row of the catalog's unit-price table (see schema.UNIT_PRICE_KEYS)."""

    cloud: str
    service: str
    product: Text
    unit: str  # the catalog's unit: GB-month, TiB-month, hour, IOPS-month, MBps-month, GB
    # A stand-in when this row has no known price (the optimizer weighs the same one): its
    # price is then shown as an estimate, with the reason.
    fallback: UnitRate | None = None
    fallback_note: str = ""


@dataclass(frozen=True)
class EgressRate:
    """Price filter: the catalog's egress tiers from the resource's region (blended over the
    tiers the monthly volume spans)."""

    cloud: str
    destination: str = "internet"


@dataclass(frozen=True)
class TableRate:
    """Price filter: a row of the pricing package's own unit-price table
    (`pricing/tables/unit_prices.csv`, read by `pricing.tables`): services the catalog does
    not carry (managed databases, load balancers, serverless, DNS), each row with its source
    and date. Same key shape as `UnitRate`."""

    cloud: str
    service: str
    product: Text
    unit: str


@dataclass(frozen=True)
class StatedRate:
    """Price filter: a rate the resource states itself, with its source and date, where no
    catalog row can exist: an own site's $/GPU-hour (fleet `sites`, carried by the plan)."""

    usd_per_unit: float
    source: str
    date: str
    key: str  # the sku: site:gpu:<site>/<gpu>:GPU-hours


PriceFilter = InstanceHours | UnitRate | EgressRate | TableRate | StatedRate


@dataclass(frozen=True)
class ComputeEnergy:
    """Energy of `nodes` instances of the filter's type (optimizer energy model).

    `instance_type`, when set, names the catalog shape whose energy to model instead: a GCP
    host priced on its own line while its attached GPUs are priced on another
    (`n1-standard-8` + `nvidia-tesla-t4` → the shape `n1-standard-8+nvidia-tesla-t4x1`), so the
    GPUs' energy is counted once, on the host's line.
    """

    nodes: Quantity
    instance_type: str | None = None


@dataclass(frozen=True)
class StorageEnergy:
    """Energy of stored capacity (Cloud Carbon Footprint: W/TB × replication factor)."""

    medium: Literal["ssd", "hdd"]
    replication: Literal["object", "block", "file"]


@dataclass(frozen=True)
class NetworkEnergy:
    """Energy of data moved across the network (CCF kWh/GB); the quantity is GB."""


@dataclass(frozen=True)
class StatedEnergy:
    """Energy the resource states per unit of quantity (kWh, PUE included) and the grid
    intensity it is drawn at (g/kWh): an own site, modelled by the optimizer for its plan."""

    kwh_per_unit: float
    g_per_kwh: float


EnergyUse = ComputeEnergy | StorageEnergy | NetworkEnergy | StatedEnergy

# What one unit of a storage quantity is in TB (10^12 bytes), for the CCF storage model.
TB_PER_UNIT: dict[str, float] = {
    "GB": 1e-3,
    "GiB": 2**30 / 1e12,
    "TB": 1.0,
    "TiB": 2**40 / 1e12,
}

# The display unit of a quantity priced per catalog unit (plural, as in Infracost's guide).
DISPLAY_UNIT: dict[str, str] = {
    "hour": "hours",
    "GB-month": "GB",
    "GiB-month": "GiB",
    "TiB-month": "TiB",
    "IOPS-month": "IOPS",
    "MBps-month": "MBps",
    "GB": "GB",
    "1k-requests": "1k requests",
    "VM-hour": "VM-hours",
    "month": "months",
    "1M-requests": "1M requests",
    "GB-second": "GB-seconds",
    "vCPU-hour": "vCPU-hours",
    "LCU-hour": "LCU-hours",
    "resource-month": "resource-months",
}


@dataclass(frozen=True)
class CostComponent:
    """One billed line: `quantity` (per month, in `unit`) × the price the filter finds."""

    name: str
    unit: str
    quantity: Quantity
    price: PriceFilter
    usage_based: bool = False
    usage_key: str | None = None  # the usage-file key that sets the quantity
    energy: EnergyUse | None = None
    note: str | None = None


def unknown_reason(label: str, value: Unknown) -> Unpriced:
    if value.reason == "secret":
        return Unpriced(f"{label} is a secret")
    return Unpriced(f"{label} is computed at apply time (unknown in this preview)")
