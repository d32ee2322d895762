"""Cost, energy and carbon of a resource graph.

`estimate(graph, catalog, *, usage=None, profiles=None) -> CostReport` is the entry point;
`pricing.registry` maps Pulumi type tokens to one small pricer module each, the free list
names what costs nothing, and everything else is reported as unsupported.
"""

from cloudwright.pricing.engine import estimate
from cloudwright.pricing.report import CostReport
from cloudwright.pricing.usage import Usage, load_usage

__all__ = ["CostReport", "Usage", "estimate", "load_usage"]
