"""The pack's rules, one module per concern; `build_policies` assembles them.

Importing this package builds nothing and starts nothing: `build_policies(context)`
returns plain pulumi-policy `Policy` objects, which `policies/__main__.py` hands to
`PolicyPack` (under `pulumi preview`) and `policies.offline` calls directly.
"""

from __future__ import annotations

from pulumi_policy import Policy

from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules import (
    admin_ports,
    budget,
    cluster_endpoints,
    encryption,
    fabric,
    instances,
    public_storage,
    residency,
    tags,
)

MODULES = (
    budget,
    residency,
    encryption,
    public_storage,
    admin_ports,
    cluster_endpoints,
    tags,
    fabric,
    instances,
)


def build_policies(context: RuleContext | None = None) -> list[Policy]:
    """Every policy of the pack, in a stable order, sharing one context."""
    shared = context or RuleContext()
    built: list[Policy] = []
    for module in MODULES:
        built.extend(module.policies(shared))
    names = [policy.name for policy in built]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"duplicate policy names: {sorted(duplicates)}")
    return built
