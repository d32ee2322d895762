"""Cloud TPU VMs (`gcp:tpu/v2Vm:V2Vm`) and queued resources (`gcp:tpu/v2QueuedResource:
V2QueuedResource`): slice-hours of the accelerator type, priced from the catalog.

A TPU slice has no separate host price: Google bills chips × the per-chip-hour rate of the
generation in the zone's region, and the catalog's row for the accelerator type (`v5p-16`,
`v6e-8`) carries exactly that product (its `gpu_count` is the chip count). Spot
(`schedulingConfig.spot` or `.preemptible`) prices at the catalog's spot column. A queued
resource prices each of its node specs the same way (pulumi-gcp's node spec has no spot
field: on-demand). Energy: the catalog's chip power × chips (plus host vCPUs where the
catalog knows them); Google publishes no power for TPU v5e/v5p/v6e, so those chips' power is
an estimate, and the line says so.
"""

from __future__ import annotations

from cloudwright.pricing.components import ComputeEnergy, CostComponent, InstanceHours, Unpriced
from cloudwright.pricing.compute import Purchase
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import flag, lookup, text_input
from cloudwright.resource_graph.model import Resource

V2VM = "gcp:tpu/v2Vm:V2Vm"
QUEUED = "gcp:tpu/v2QueuedResource:V2QueuedResource"


def _note(ctx: PricingContext, accelerator_type: str | Unpriced) -> str:
    if isinstance(accelerator_type, Unpriced):
        return "TPU slice: accelerator type unknown"
    spec = ctx.instance_spec("gcp", accelerator_type)
    if spec is None or not spec.gpu:
        return f"{accelerator_type}: not a TPU type the catalog sells"
    chip = ctx.catalog.gpu(spec.gpu, spec.gpu_variant)
    basis = (
        "an estimate (Google publishes no power for this TPU)"
        if not chip.verified
        else "Google's published figure"
    )
    return (
        f"{spec.gpu_count} {spec.gpu} chips per slice (price = chips × the catalog's "
        f"per-chip-hour rate); chip power {chip.board_power_w:g} W is {basis}"
    )


def slice_hours(
    ctx: PricingContext,
    resource: Resource,
    accelerator_type: str | Unpriced,
    purchase: Purchase,
) -> CostComponent:
    shown = accelerator_type if isinstance(accelerator_type, str) else "unknown type"
    return CostComponent(
        name=f"TPU slice usage ({purchase.label}, {shown})",
        unit="hours",
        quantity=ctx.compute_hours(resource),
        price=InstanceHours("gcp", accelerator_type, spot=purchase.spot),
        energy=ComputeEnergy(1.0),
        note=_note(ctx, accelerator_type),
    )


def _spot(resource: Resource) -> bool:
    return any(
        flag(lookup(resource.inputs, f"schedulingConfig.{key}")) for key in ("spot", "preemptible")
    )


def price_vm(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    accelerator = text_input(resource, "accelerator type", "acceleratorType") or Unpriced(
        "acceleratorType is not set (acceleratorConfig slices are not priced)"
    )
    purchase = Purchase("spot", spot=True) if _spot(resource) else Purchase("on-demand")
    return [slice_hours(ctx, resource, accelerator, purchase)]


PRICER = Pricer(
    types=(V2VM,),
    summary="TPU slice hours (chips × per-chip rate; on-demand or spot), chip energy",
    price=price_vm,
)
