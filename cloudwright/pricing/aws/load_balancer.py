"""Elastic Load Balancing: `aws:lb/loadBalancer:LoadBalancer` (and its `aws:alb` alias) by
`loadBalancerType` (application, the default; network; gateway), and classic
`aws:elb/loadBalancer:LoadBalancer`.

Hours all month, plus capacity units (LCU, NLCU, GLCU) as usage: the usage file's
`capacity_units` is the average used per hour. A classic load balancer bills the GB it
processes instead (`data_processed_gb`).
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, NetworkEnergy, TableRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import text_input, times
from cloudwright.resource_graph.model import Resource

CLASSIC = "aws:elb/loadBalancer:LoadBalancer"
_LABEL = {
    "application": "Application load balancer",
    "network": "Network load balancer",
    "gateway": "Gateway load balancer",
}


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    hours = ctx.always_on_hours(resource)
    if resource.type == CLASSIC:
        return classic_components(resource, ctx)
    kind = text_input(resource, "load balancer type", "loadBalancerType") or "application"
    if isinstance(kind, Unpriced):
        product: str | Unpriced = kind
        label = "Load balancer"
    else:
        product, label = kind.lower(), _LABEL.get(kind.lower(), f"{kind} load balancer")
    units = ctx.usage_quantity(resource, "capacity_units")
    return [
        CostComponent(
            name=label,
            unit="hours",
            quantity=hours,
            price=TableRate("aws", "elb", product, "hour"),
        ),
        CostComponent(
            name="Load balancer capacity units",
            unit="LCU-hours",
            quantity=times(units, hours),
            price=TableRate(
                "aws",
                "elb",
                product if isinstance(product, Unpriced) else f"lcu-{product}",
                "LCU-hour",
            ),
            usage_based=True,
            usage_key="capacity_units",
        ),
    ]


def classic_components(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    """A classic load balancer: hours + GB processed (usage). Also what a Kubernetes
    `Service` of type LoadBalancer gets on EKS without annotations."""
    return [
        CostComponent(
            name="Classic load balancer",
            unit="hours",
            quantity=ctx.always_on_hours(resource),
            price=TableRate("aws", "elb", "classic", "hour"),
        ),
        CostComponent(
            name="Data processed",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "data_processed_gb"),
            price=TableRate("aws", "elb", "classic-data", "GB"),
            usage_based=True,
            usage_key="data_processed_gb",
            energy=NetworkEnergy(),
        ),
    ]


PRICER = Pricer(
    types=("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer", CLASSIC),
    summary="hours by type (application, network, gateway, classic); capacity units or GB "
    "processed (usage)",
    price=price,
)
