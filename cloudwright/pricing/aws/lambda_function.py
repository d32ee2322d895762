"""Lambda (`aws:lambda/function:Function`): requests and compute (GB-seconds), both usage.

Requests: the usage file's `requests` per month. Compute: requests × `request_duration_ms`
× the function's memory (`memorySize`, Lambda's default 128 MB) at the x86_64 or arm64 rate
(`architectures[0]`). The monthly free tier (1M requests, 400,000 GB-seconds per account) is
not subtracted: it is shared by every function of the account.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, Quantity, TableRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import known, num_input, raw, times
from cloudwright.resource_graph.facts.values import as_list
from cloudwright.resource_graph.model import Resource

DEFAULT_MEMORY_MB = 128.0  # Lambda API default
MB_PER_GB = 1024.0


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    requests = ctx.usage_quantity(resource, "requests")
    duration_ms = ctx.usage_quantity(resource, "request_duration_ms")
    memory = known(num_input(resource, "memory size", "memorySize"), DEFAULT_MEMORY_MB)
    architectures = as_list(raw(resource, "architectures"))
    arch = "arm64" if architectures and architectures[0] == "arm64" else "x86_64"
    gb_seconds: Quantity = times(times(requests, duration_ms), 1e-3)
    if not isinstance(gb_seconds, Unpriced):
        gb_seconds = times(gb_seconds, times(memory, 1 / MB_PER_GB))
    return [
        CostComponent(
            name="Requests",
            unit="1M requests",
            quantity=times(requests, 1e-6),
            price=TableRate("aws", "lambda", "requests", "1M-requests"),
            usage_based=True,
            usage_key="requests",
            note="the account's monthly free tier is not subtracted",
        ),
        CostComponent(
            name=f"Duration ({arch}, {memory if isinstance(memory, Unpriced) else f'{memory:g}'} MB)",
            unit="GB-seconds",
            quantity=gb_seconds,
            price=TableRate("aws", "lambda", f"duration-{arch}", "GB-second"),
            usage_based=True,
            usage_key="request_duration_ms",
        ),
    ]


PRICER = Pricer(
    types=("aws:lambda/function:Function",),
    summary="requests and GB-seconds (memory × duration × requests), usage-based",
    price=price,
)
