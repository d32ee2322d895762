"""Resource facts: one answer, for every form each cloud has, to what pricing, policies and
the preview ask about a resource.

- `values`: the dotted-path getter (`lookup`, `read` over inputs then outputs) and the
  coercions for the spellings providers use ('true', '22', a lone value for a list).
- `index.GraphIndex`: references between resources (a group's template, a snapshot's
  volume): property dependencies, then id / ARN / self link / name, then the only sibling.
- `regions` (`cloudwright.resource_graph.regions`): where a resource lives, graph-wide
  (`resolve_regions`) or seen from one resource and its provider (`region_of`).
- `market`: spot / preemptible or on-demand, and the input that decides it.
- `machines` / `launch`: which instance types a resource launches, from which template or
  launch configuration, how many nodes (desired and ceiling), attached GPUs.
- `fleet`: node groups across a graph (stand-alone machines grouped across parents) and
  GPUs per node from the catalog.
- `storage`: each data store of a resource and whether it is encrypted at rest (and with a
  customer-managed key).
- `exposure`: what makes stored data public (ACLs, grants, IAM members, bucket policies with
  their conditions, public-access switches).
- `network`: ingress rules of every firewall form, and internet coverage of source ranges.
A value that is computed at apply time or secret comes back as `model.Unknown`, never as a
guess; callers decide what an unknown means for them.
"""

from __future__ import annotations

from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.launch import launch_of, launches, named_types
from cloudwright.resource_graph.facts.machines import Definition, Launch, definition
from cloudwright.resource_graph.facts.market import Market, market_of

__all__ = [
    "Definition",
    "GraphIndex",
    "Launch",
    "Market",
    "definition",
    "launch_of",
    "launches",
    "market_of",
    "named_types",
]
