"""What GCE instances, instance templates and GKE node configs share: machine hours,
persistent disks and attached GPUs.

Defaults are the APIs': a boot or template disk without a type is pd-standard (Compute Engine
API); a GKE node disk is 100 GB pd-balanced (GKE API). Spot (`provisioningModel: SPOT`,
`spot: true`) and preemptible machines, as the facts layer's market reads them, price at the
catalog's spot column.

GPUs listed in `guestAccelerators`:
- on a machine type whose catalog shape already has GPUs (A2, A3, A4, G2: the GPUs come with
  the machine type and its price includes them) add no line at all: listing them is how GKE
  and the Compute API spell the bundled GPUs, not a purchase of more;
- otherwise (N1 + T4/V100/P100/P4) each is priced per GPU-hour from the unit-price table
  (service `gpu`, product = the accelerator type; `<type>-spot` for spot and preemptible
  machines, which Google bills at the same Spot GPU rate). The host line then models the
  energy of the catalog's attached shape (`n1-standard-8+nvidia-tesla-t4x1`, host + GPUs)
  when the catalog has it, so the GPUs' energy is counted once, on that line; a host/GPU
  combination the catalog lacks keeps the host's energy and says the GPUs' is not modelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cloudwright.optimizer.catalog.shapes import attached_name
from cloudwright.pricing.components import (
    CostComponent,
    Quantity,
    StorageEnergy,
    Text,
    UnitRate,
    Unpriced,
)
from cloudwright.pricing.compute import Purchase, instance_hours
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.values import lookup, number, text, times

OS_LABEL = "Linux/UNIX"
DEFAULT_DISK_TYPE = "pd-standard"
GKE_DEFAULT_DISK_GB = 100.0
GKE_DEFAULT_DISK_TYPE = "pd-balanced"
GKE_DEFAULT_MACHINE_TYPE = "e2-medium"
SPOT_SUFFIX = "-spot"

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


@dataclass(frozen=True)
class Accelerator:
    """One `guestAccelerators` entry: GPU type and GPUs per machine."""

    type: Text
    count: Quantity


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


def accelerators_of(value: Any) -> list[Accelerator]:
    """The `guestAccelerators` list (a count left out means one GPU, as the API reads it)."""
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, Mapping):
            count = number(item.get("count"), "GPU count")
            out.append(
                Accelerator(
                    text(item.get("type"), "GPU type") or Unpriced("GPU type is not set"),
                    1.0 if count is None else count,
                )
            )
    return out


def bundles_gpus(ctx: PricingContext, machine_type: Text) -> bool:
    """True when the catalog's shape of `machine_type` has GPUs of its own (A2/A3/A4/G2)."""
    if isinstance(machine_type, Unpriced):
        return False
    spec = ctx.instance_spec("gcp", machine_type)
    return spec is not None and spec.gpu_count > 0


def attached_shape(
    ctx: PricingContext, machine_type: Text, accelerators: list[Accelerator]
) -> str | None:
    """The catalog's host + GPUs shape for one kind of attached GPU, when it has one."""
    if isinstance(machine_type, Unpriced) or len(accelerators) != 1:
        return None
    gpu = accelerators[0]
    if isinstance(gpu.type, Unpriced) or isinstance(gpu.count, Unpriced):
        return None
    if gpu.count < 1 or gpu.count != int(gpu.count):
        return None
    name = attached_name(machine_type, gpu.type, int(gpu.count))
    return name if ctx.instance_spec("gcp", name) is not None else None


def accelerator_components(
    accelerators: list[Accelerator],
    *,
    nodes: Quantity,
    hours: float,
    purchase: Purchase,
    energy_note: str,
) -> list[CostComponent]:
    out: list[CostComponent] = []
    for gpu in accelerators:
        product: Text = gpu.type
        if isinstance(product, str) and purchase.spot:
            product = f"{product}{SPOT_SUFFIX}"
        shown = gpu.type if isinstance(gpu.type, str) else "unknown GPU"
        label = f"GPU ({shown}, {purchase.label})" if purchase.spot else f"GPU ({shown})"
        out.append(
            CostComponent(
                name=label,
                unit="hours",
                quantity=times(times(gpu.count, nodes), hours),
                price=UnitRate("gcp", "gpu", product, "hour"),
                note=energy_note,
            )
        )
    return out


def machine_components(
    props: Mapping[str, Any],
    ctx: PricingContext,
    *,
    machine_type: Text,
    nodes: Quantity,
    hours: float,
    purchase: Purchase,
) -> list[CostComponent]:
    accelerators = accelerators_of(lookup(props, "guestAccelerators"))
    if bundles_gpus(ctx, machine_type):
        accelerators = []  # the machine type's price and energy already include them
    shape = attached_shape(ctx, machine_type, accelerators)
    if shape is not None:
        host_note: str | None = f"energy of the host with its GPUs (catalog shape {shape})"
        gpu_note = f"energy counted on the instance line (catalog shape {shape})"
    else:
        host_note = None
        gpu_note = "attached GPUs: energy is not modelled for them"
    return [
        instance_hours(
            cloud="gcp",
            os_label=OS_LABEL,
            instance_type=machine_type,
            nodes=nodes,
            hours=hours,
            purchase=purchase,
            energy_shape=shape,
            note=host_note,
        ),
        *accelerator_components(
            accelerators, nodes=nodes, hours=hours, purchase=purchase, energy_note=gpu_note
        ),
    ]
