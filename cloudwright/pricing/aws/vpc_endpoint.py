"""VPC endpoint (`aws:ec2/vpcEndpoint:VpcEndpoint`), by `vpcEndpointType`:
- `Gateway` (S3, DynamoDB; the provider's default): free;
- `Interface` (PrivateLink): an hourly fee per subnet (one network interface each) and the
  GB processed (usage), catalog keys `interface` / `data-processed`;
- `GatewayLoadBalancer`: an hourly fee per endpoint (it lives in one subnet) and its own,
  lower, per-GB rate, keys `gateway-load-balancer` / `gateway-load-balancer-data`;
- `Resource`, `ServiceNetwork` (VPC Lattice): no catalog price yet, reported unknown.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, NetworkEnergy, UnitRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import raw, text_input
from cloudwright.resource_graph.model import Resource

DEFAULT_TYPE = "Gateway"
INTERFACE = "Interface"
GATEWAY_LOAD_BALANCER = "GatewayLoadBalancer"


def _subnets(count: float) -> str:
    return f"{count:g} subnet" if count == 1 else f"{count:g} subnets"


def _data_processed(resource: Resource, ctx: PricingContext, rate: UnitRate) -> CostComponent:
    return CostComponent(
        name="Data processed",
        unit="GB",
        quantity=ctx.usage_quantity(resource, "data_processed_gb"),
        price=rate,
        usage_based=True,
        usage_key="data_processed_gb",
        energy=NetworkEnergy(),
    )


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    kind = text_input(resource, "endpoint type", "vpcEndpointType") or DEFAULT_TYPE
    if kind == "Gateway":
        return []  # free: the engine reports "nothing billable with these inputs"
    subnets = raw(resource, "subnetIds")
    count = float(len(subnets)) if isinstance(subnets, list) and subnets else 1.0
    hours = count * ctx.always_on_hours(resource)
    if kind == GATEWAY_LOAD_BALANCER:
        return [
            CostComponent(
                name=f"Gateway Load Balancer endpoint ({_subnets(count)})",
                unit="hours",
                quantity=hours,
                price=UnitRate("aws", "vpc_endpoint", "gateway-load-balancer", "hour"),
            ),
            _data_processed(
                resource,
                ctx,
                UnitRate("aws", "vpc_endpoint", "gateway-load-balancer-data", "GB"),
            ),
        ]
    if kind == INTERFACE:
        return [
            CostComponent(
                name=f"Endpoint ({_subnets(count)})",
                unit="hours",
                quantity=hours,
                price=UnitRate("aws", "vpc_endpoint", "interface", "hour"),
            ),
            _data_processed(resource, ctx, UnitRate("aws", "vpc_endpoint", "data-processed", "GB")),
        ]
    product = (
        kind
        if isinstance(kind, Unpriced)
        else Unpriced(f"no catalog price for {kind} VPC endpoints")
    )
    return [
        CostComponent(
            name=f"Endpoint ({kind if isinstance(kind, str) else 'unknown type'})",
            unit="hours",
            quantity=hours,
            price=UnitRate("aws", "vpc_endpoint", product, "hour"),
        )
    ]


PRICER = Pricer(
    types=("aws:ec2/vpcEndpoint:VpcEndpoint",),
    summary="gateway endpoints free; interface endpoints: hours per subnet, GB processed; "
    "Gateway Load Balancer endpoints: hours, GB processed at their own rates",
    price=price,
)
