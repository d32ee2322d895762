"""What GCE instances, instance templates and GKE node configs share: machine hours,
persistent disks and attached GPUs.

Defaults are the APIs': a boot or template disk without a type is pd-standard (Compute Engine
API); a GKE node disk is 100 GB pd-balanced (GKE API). Spot (`provisioningModel: SPOT`,
`spot: true`) and preemptible machines price at the catalog's spot column. GPUs attached
with `guestAccelerators` price per GPU-hour from the unit-price table (service `gpu`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pricing.components import CostComponent, Quantity, StorageEnergy, Text, UnitRate, Unpriced
from pricing.compute import Purchase, instance_hours
from pricing.values import flag, lookup, number, text, times

OS_LABEL = "Linux/UNIX"
DEFAULT_DISK_TYPE = "pd-standard"
GKE_DEFAULT_DISK_GB = 100.0
GKE_DEFAULT_DISK_TYPE = "pd-balanced"
GKE_DEFAULT_MACHINE_TYPE = "e2-medium"

_DISK_LABELS = {
    "pd-standard": "standard persistent disk",
    "pd-balanced": "balanced persistent disk",
    "pd-ssd": "SSD persistent disk",
    "pd-extreme": "extreme persistent disk",
    "hyperdisk-balanced": "Hyperdisk Balanced",
    "hyperdisk-throughput": "Hyperdisk Throughput",
    "hyperdisk-extreme": "Hyperdisk Extreme",
    "hyperdisk-ml": "Hyperdisk ML",
}


def purchase_of(config: Any) -> Purchase:
    """From a `scheduling` block or a GKE `nodeConfig`."""
    if not isinstance(config, Mapping):
        return Purchase("on-demand")
    if config.get("provisioningModel") == "SPOT" or flag(config.get("spot")):
        return Purchase("spot", spot=True)
    if flag(config.get("preemptible")):
        return Purchase("preemptible", spot=True)
    return Purchase("on-demand")


def disk_components(
    disk_type: Text, size_gb: Quantity, *, prefix: str = "", count: Quantity = 1.0
) -> list[CostComponent]:
    if isinstance(disk_type, Unpriced):
        name, medium = f"{prefix}Storage (unknown disk type)", "ssd"
    else:
        name = f"{prefix}Storage ({_DISK_LABELS.get(disk_type, disk_type)}, {disk_type})"
        medium = "hdd" if disk_type == "pd-standard" else "ssd"
    return [
        CostComponent(
            name=name,
            unit="GB",
            quantity=times(size_gb, count),
            price=UnitRate("gcp", "pd", disk_type, "GB-month"),
            energy=StorageEnergy("hdd" if medium == "hdd" else "ssd", "block"),
        )
    ]


def accelerator_components(
    accelerators: Any, *, nodes: Quantity, hours: float
) -> list[CostComponent]:
    out: list[CostComponent] = []
    for item in accelerators if isinstance(accelerators, list) else []:
        if not isinstance(item, Mapping):
            continue
        gpu = text(item.get("type"), "GPU type")
        count = number(item.get("count"), "GPU count")
        per_node = 1.0 if count is None else count
        shown = gpu if isinstance(gpu, str) else "unknown GPU"
        out.append(
            CostComponent(
                name=f"GPU ({shown})",
                unit="hours",
                quantity=times(times(per_node, nodes), hours),
                price=UnitRate("gcp", "gpu", gpu or Unpriced("GPU type is not set"), "hour"),
                note="attached GPUs: energy is not modelled for them",
            )
        )
    return out


def machine_components(
    props: Mapping[str, Any],
    *,
    machine_type: Text,
    nodes: Quantity,
    hours: float,
    purchase: Purchase,
) -> list[CostComponent]:
    return [
        instance_hours(
            cloud="gcp",
            os_label=OS_LABEL,
            instance_type=machine_type,
            nodes=nodes,
            hours=hours,
            purchase=purchase,
        ),
        *accelerator_components(lookup(props, "guestAccelerators"), nodes=nodes, hours=hours),
    ]
