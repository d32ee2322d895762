"""Reserved IP addresses (`gcp:compute/address:Address`, `gcp:compute/globalAddress:
GlobalAddress`). Internal ranges (private service access, `addressType: INTERNAL`) are free.

A static external address bills by the hour at a rate that depends on what it is attached to
(catalog keys `gcp ip <product> hour`): `external-static` while a standard VM or a forwarding
rule uses it, `external-static-preemptible` while a Spot/preemptible VM does, and the higher
`external-static-unused` while it is reserved but attached to nothing. Whether it is in use
is read from, first hit wins:
1. the usage file's `address_in_use` (1 attached, 0 idle, between: the share of the month
   attached, which splits the hours over both rates);
2. the graph: a resource whose inputs were computed from the address (property
   dependencies), or a VM, forwarding rule or Cloud NAT whose inputs or outputs name its
   IP, self link or id (a NAT's `natIps`). A Spot/preemptible VM user gives the preemptible
   rate;
3. the address's own `users` output (a stack export or refreshed state lists the instances
   and forwarding rules using it; empty, with no user in the graph, means idle: GCP does not
   list a Cloud NAT there);
4. nothing says: assumed in use (the common case: an address is reserved to be attached),
   and the component says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cloudwright.pricing.components import CostComponent, Quantity, UnitRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import raw, text_input, times
from cloudwright.resource_graph.facts.market import market_of
from cloudwright.resource_graph.model import Resource

DEFAULT_TYPE = "EXTERNAL"
INSTANCE_TYPES = (
    "gcp:compute/instance:Instance",
    "gcp:compute/instanceTemplate:InstanceTemplate",
    "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
)
USER_TYPES = (
    *INSTANCE_TYPES,
    "gcp:compute/forwardingRule:ForwardingRule",
    "gcp:compute/globalForwardingRule:GlobalForwardingRule",
    "gcp:compute/routerNat:RouterNat",
)
IN_USE = UnitRate("gcp", "ip", "external-static", "hour")
IN_USE_PREEMPTIBLE = UnitRate("gcp", "ip", "external-static-preemptible", "hour")
UNUSED = UnitRate("gcp", "ip", "external-static-unused", "hour")
ASSUMED = (
    "assumed in use: nothing in the inputs or graph says what uses it (a reserved address "
    "attached to nothing bills external-static-unused; set address_in_use: 0 in the usage file)"
)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _identities(resource: Resource) -> set[str]:
    """Values another resource's inputs could hold to name this address."""
    out: set[str] = set()
    for key in ("address", "selfLink", "id"):
        value = raw(resource, key)
        if isinstance(value, str) and value:
            out.add(value)
    return out


def _users(resource: Resource, ctx: PricingContext) -> list[Resource]:
    users = [r for r in ctx.dependents(resource) if r.type in USER_TYPES]
    names = _identities(resource)
    if not users and names:
        users = [
            r
            for r in ctx.of_type(*USER_TYPES)
            if r is not resource
            and any(s in names for bag in (r.inputs, r.outputs) for s in _strings(bag))
        ]
    return users


def _preemptible(user: Resource) -> bool:
    if user.type not in INSTANCE_TYPES:
        return False
    market = market_of(user)
    return market is not None and market.spot is True


def _lines(name: str, hours: Quantity, rate: UnitRate, note: str | None) -> CostComponent:
    return CostComponent(name=name, unit="hours", quantity=hours, price=rate, note=note)


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    kind = text_input(resource, "address type", "addressType") or DEFAULT_TYPE
    if kind == "INTERNAL":
        return []
    hours = ctx.always_on_hours(resource)
    share = ctx.usage_value(resource, "address_in_use")
    if share is not None:
        out = []
        if share > 0:
            out.append(
                _lines("Static external IP address (in use)", times(hours, share), IN_USE, None)
            )
        if share < 1:
            out.append(
                _lines("Static external IP address (unused)", times(hours, 1 - share), UNUSED, None)
            )
        return out
    listed = raw(resource, "users")
    # The graph first: a Cloud NAT's `natIps` never shows in the address's `users` output
    # (GCP lists only instances and forwarding rules there), so an empty list is not idle.
    users = _users(resource, ctx)
    if not users and isinstance(listed, list) and not listed:
        return [
            _lines("Static external IP address (unused)", hours, UNUSED, "no users in its state")
        ]
    if users:
        if all(_preemptible(u) for u in users):
            name = "Static external IP address (Spot/preemptible VM)"
            return [_lines(name, hours, IN_USE_PREEMPTIBLE, f"used by {users[0].name}")]
        return [_lines("Static external IP address", hours, IN_USE, f"used by {users[0].name}")]
    if isinstance(listed, list):
        return [_lines("Static external IP address", hours, IN_USE, "users listed in its state")]
    return [_lines("Static external IP address", hours, IN_USE, ASSUMED)]


PRICER = Pricer(
    types=("gcp:compute/address:Address", "gcp:compute/globalAddress:GlobalAddress"),
    summary="internal ranges free; external static addresses by the hour: in use, "
    "on Spot/preemptible VMs, or reserved and idle (usage, state or graph)",
    price=price,
)
