"""VPC endpoint (`aws:ec2/vpcEndpoint:VpcEndpoint`). Gateway endpoints (S3, DynamoDB; the
provider's default type) cost nothing. Interface endpoints bill an hourly fee per subnet
(one network interface each) and the GB they process (usage)."""

from __future__ import annotations

from pricing.components import CostComponent, NetworkEnergy, UnitRate
from pricing.context import PricingContext
from pricing.registry import Pricer
from pricing.values import raw, text_input
from resource_graph.model import Resource

DEFAULT_TYPE = "Gateway"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    kind = text_input(resource, "endpoint type", "vpcEndpointType") or DEFAULT_TYPE
    if kind == "Gateway":
        return []  # free: the engine reports "nothing billable with these inputs"
    subnets = raw(resource, "subnetIds")
    count = float(len(subnets)) if isinstance(subnets, list) and subnets else 1.0
    return [
        CostComponent(
            name=f"Endpoint ({count:g} subnets)",
            unit="hours",
            quantity=count * ctx.always_on_hours(resource),
            price=UnitRate("aws", "vpc_endpoint", "interface", "hour"),
        ),
        CostComponent(
            name="Data processed",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "data_processed_gb"),
            price=UnitRate("aws", "vpc_endpoint", "data-processed", "GB"),
            usage_based=True,
            usage_key="data_processed_gb",
            energy=NetworkEnergy(),
        ),
    ]


PRICER = Pricer(
    types=("aws:ec2/vpcEndpoint:VpcEndpoint",),
    summary="gateway endpoints free; interface endpoints: hours per subnet, GB processed",
    price=price,
)
