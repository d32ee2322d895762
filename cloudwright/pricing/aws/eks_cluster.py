"""EKS cluster (`aws:eks/cluster:Cluster`): the control plane's hourly fee.

Nodes are billed on their node groups, Auto Scaling groups or instances. Extended-support
Kubernetes versions cost more per hour; the catalog's standard-support price is used.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, UnitRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    return [
        CostComponent(
            name="EKS cluster",
            unit="hours",
            quantity=ctx.always_on_hours(resource),
            price=UnitRate("aws", "eks", "cluster", "hour"),
            note="control plane fee; no energy is attributed to it",
        )
    ]


PRICER = Pricer(
    types=("aws:eks/cluster:Cluster",),
    summary="control plane hours",
    price=price,
)
