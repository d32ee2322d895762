"""Azure Load Balancer (`azure:lb/loadBalancer:LoadBalancer`, `azure-native:network:
LoadBalancer`): Basic is free; Standard bills its rules by the hour and the GB it processes.

Rules: the load-balancing and outbound rules the state lists on the balancer (classic
`frontendIpConfigurations[].loadBalancerRules` / `outboundRules`, azure-native
`loadBalancingRules` / `outboundRules`), else the `azure:lb/rule` and `azure:lb/outboundRule`
resources of the graph that name it. Up to five rules bill one flat hourly rate, each rule
beyond five a per-rule rate; a Standard balancer without rules bills nothing (Azure's
pricing). Data processed is usage (`data_processed_gb`). Gateway SKU is not priced.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, NetworkEnergy, TableRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import raw, text_input
from cloudwright.resource_graph.facts.values import as_list, lookup
from cloudwright.resource_graph.model import Resource

NATIVE = "azure-native:network:LoadBalancer"
RULE_TYPES = ("azure:lb/rule:Rule", "azure:lb/outboundRule:OutboundRule")
FLAT_RULES = 5


def _rules(resource: Resource, ctx: PricingContext) -> int:
    listed: set[str] = set()
    for key in ("loadBalancingRules", "outboundRules"):
        for rule in as_list(raw(resource, key)):
            listed.add(str(lookup(rule, "name") or lookup(rule, "id") or len(listed)))
    for frontend in as_list(raw(resource, "frontendIpConfigurations")):
        for key in ("loadBalancerRules", "outboundRules"):
            listed.update(str(r) for r in as_list(lookup(frontend, key)))
    if listed:
        return len(listed)
    ids = {v for v in (raw(resource, "id"), resource.urn) if isinstance(v, str)}
    return sum(
        1
        for rule in ctx.of_type(*RULE_TYPES)
        if raw(rule, "loadbalancerId", "loadBalancerId") in ids
        or resource.urn in {u for urns in rule.property_dependencies.values() for u in urns}
    )


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    sku = text_input(resource, "SKU", "sku.name" if resource.type == NATIVE else "sku")
    sku = sku or "Basic"  # the classic provider's and ARM's default
    if isinstance(sku, Unpriced):
        return [
            CostComponent(
                "Load balancer", "hours", sku, TableRate("azure", "load_balancer", sku, "hour")
            )
        ]
    if sku.lower() == "basic":
        return []  # Basic Load Balancer has no charge
    if sku.lower() != "standard":
        reason = f"the {sku} SKU is not priced (Standard and Basic are)"
        return [
            CostComponent(
                f"Load balancer ({sku})",
                "hours",
                Unpriced(reason),
                TableRate("azure", "load_balancer", sku, "hour"),
            )
        ]
    hours = ctx.always_on_hours(resource)
    rules = _rules(resource, ctx)
    components = []
    if rules:
        components.append(
            CostComponent(
                name=f"Rules (first {min(rules, FLAT_RULES)})",
                unit="hours",
                quantity=hours,
                price=TableRate("azure", "load_balancer", "rules-first-5", "hour"),
            )
        )
    if rules > FLAT_RULES:
        components.append(
            CostComponent(
                name=f"Rules beyond {FLAT_RULES} ({rules - FLAT_RULES})",
                unit="rule-hours",
                quantity=(rules - FLAT_RULES) * hours,
                price=TableRate("azure", "load_balancer", "rule-additional", "hour"),
            )
        )
    components.append(
        CostComponent(
            name="Data processed",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "data_processed_gb"),
            price=TableRate("azure", "load_balancer", "data-processed", "GB"),
            usage_based=True,
            usage_key="data_processed_gb",
            energy=NetworkEnergy(),
        )
    )
    return components


PRICER = Pricer(
    types=("azure:lb/loadBalancer:LoadBalancer", NATIVE),
    summary="Basic free; Standard: rule hours (flat for 5, per rule beyond), GB processed (usage)",
    price=price,
)
