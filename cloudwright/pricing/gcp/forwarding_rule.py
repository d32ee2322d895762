"""Forwarding rules (`gcp:compute/forwardingRule:ForwardingRule`, `gcp:compute/
globalForwardingRule:GlobalForwardingRule`): the load balancer's hourly charge.

GCP bills up to five forwarding rules of a project and region at one flat hourly rate and
each rule beyond five at a per-rule rate. The rules of the graph are counted per region (and
project, when the state says); the first rule of each region (by URN) carries the flat rate,
the second to fifth carry nothing of their own (said in the note), the sixth on carry the
per-rule rate. Data processed by the load balancer is usage (`data_processed_gb`).
Private Service Connect rules (`target` a service attachment or Google APIs bundle) bill
per endpoint elsewhere and are not priced here.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, NetworkEnergy, TableRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import raw
from cloudwright.resource_graph.model import Resource

TYPES = (
    "gcp:compute/forwardingRule:ForwardingRule",
    "gcp:compute/globalForwardingRule:GlobalForwardingRule",
)
FLAT_RULES = 5


def _position(resource: Resource, ctx: PricingContext) -> int:
    """1-based rank of this rule among the graph's rules in its region and project."""
    project = raw(resource, "project")
    peers = sorted(
        r.urn
        for r in ctx.of_type(resource.type)  # global rules are counted apart from regional
        if r.region == resource.region
        and raw(r, "project") == project
        and r.op not in ("delete", "discard", "read")
    )
    return peers.index(resource.urn) + 1 if resource.urn in peers else len(peers) + 1


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    hours = ctx.always_on_hours(resource)
    rank = _position(resource, ctx)
    processed = CostComponent(
        name="Data processed",
        unit="GB",
        quantity=ctx.usage_quantity(resource, "data_processed_gb"),
        price=TableRate("gcp", "forwarding_rule", "data-processed", "GB"),
        usage_based=True,
        usage_key="data_processed_gb",
        energy=NetworkEnergy(),
    )
    if rank == 1:
        rule = CostComponent(
            name="Forwarding rules (first 5 in the region)",
            unit="hours",
            quantity=hours,
            price=TableRate("gcp", "forwarding_rule", "first-5", "hour"),
            note="the flat rate covers up to 5 rules of the project and region",
        )
    elif rank <= FLAT_RULES:
        return [processed]
    else:
        rule = CostComponent(
            name=f"Forwarding rule ({rank}th in the region)",
            unit="hours",
            quantity=hours,
            price=TableRate("gcp", "forwarding_rule", "additional", "hour"),
        )
    return [rule, processed]


PRICER = Pricer(
    types=TYPES,
    summary="hourly rule charge (flat for the first 5 of a region, per rule beyond), data "
    "processed (usage)",
    price=price,
)
