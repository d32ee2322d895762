"""Cloud TPU queued resources (`gcp:tpu/v2QueuedResource:V2QueuedResource`): each node spec
is a TPU slice, priced as a TPU VM of its accelerator type (`pricing.gcp.tpu_vm`). The
queued request itself costs nothing; billing starts when the slice is provisioned, so the
hours are the usage file's (default: the whole month, an upper bound). pulumi-gcp's node spec
has no spot field: on-demand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwright.pricing.components import CostComponent, Unpriced
from cloudwright.pricing.compute import Purchase
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.gcp.tpu_vm import QUEUED, slice_hours
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import lookup, text
from cloudwright.resource_graph.model import Resource


def _node_specs(resource: Resource) -> list[Mapping[str, Any]]:
    specs = lookup(resource.inputs, "tpu.nodeSpecs")
    return [s for s in specs if isinstance(s, Mapping)] if isinstance(specs, list) else []


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    specs = _node_specs(resource)
    if not specs:
        return [
            slice_hours(ctx, resource, Unpriced("tpu.nodeSpecs is not set"), Purchase("on-demand"))
        ]
    return [
        slice_hours(
            ctx,
            resource,
            text(lookup(spec, "node.acceleratorType"), "accelerator type")
            or Unpriced("node.acceleratorType is not set"),
            Purchase("on-demand"),
        )
        for spec in specs
    ]


PRICER = Pricer(
    types=(QUEUED,),
    summary="TPU slices of each node spec: slice hours (chips × per-chip rate), chip energy",
    price=price,
)
