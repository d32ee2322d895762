"""Source → cost report, the way the CLI and the diff need it.

`report_for(source, ...)`: a saved cost report (JSON, `schema: cloudwright.cost/v1`) is read
back as it is; anything else goes through `resource_graph.load` and `estimate`. When the
source is a plan or its saved preview graph, the plan's usage (hours, GPU utilisation,
object storage, serving egress per workload; carried by the graph) is the base layer and the
user's usage file overrides it. A stack config (`--stack-config`) gives a region to the
resources without one, for every source kind (a graph.json too).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudwright.core.gcpause import gc_paused
from cloudwright.pricing.engine import estimate
from cloudwright.pricing.registry import priced_types
from cloudwright.pricing.report import SCHEMA, CostReport
from cloudwright.pricing.usage import Usage, load_usage

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.models.energy import ProfileSource
    from cloudwright.resource_graph.program import ProgramSource


def read_usage(path: str | Path | None) -> Usage:
    """The usage file at `path` (validated against the priced types), or no usage."""
    if path is None:
        return Usage()
    return load_usage(path, known_types=priced_types())


def saved_report(source: str | Path | ProgramSource | None) -> CostReport | None:
    """The cost report stored at `source`, or None when it is not one."""
    from cloudwright.resource_graph.program import ProgramSource

    if source is None or isinstance(source, ProgramSource) or str(source) == "-":
        return None
    path = Path(source)
    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    from cloudwright.core.jsonsource import read_json

    data = read_json(path, what="JSON file")  # the same errors the graph loader would give
    if isinstance(data, dict) and data.get("schema") == SCHEMA:
        return CostReport.from_json(data, origin=str(path))
    return None


def report_for(
    source: str | Path | ProgramSource | None,
    *,
    catalog: Catalog,
    usage: Usage | None = None,
    config: Mapping[str, Any] | None = None,
    profiles: ProfileSource | None = None,
) -> CostReport:
    """Price `source` (see the module docstring)."""
    stored = saved_report(source)
    if stored is not None:
        return stored
    # Paused collector: the preview leaves Pulumi's SDK and its futures on the heap, and the
    # first estimate builds ~10^5 index entries over the catalog; each full collection
    # rescanned that heap for nothing to free (examples/plan.json: 0.4 s of a 3 s `cost`).
    with gc_paused():
        return _report(source, catalog, usage, config, profiles)


def _report(
    source: str | Path | ProgramSource | None,
    catalog: Catalog,
    usage: Usage | None,
    config: Mapping[str, Any] | None,
    profiles: ProfileSource | None,
) -> CostReport:
    from cloudwright.resource_graph.load import load_source

    loaded = load_source(source, catalog=catalog, config=config)
    if config and loaded.kind == "graph":
        # A graph.json is read as saved, without the stack config the other readers apply:
        # resources it left without a region take the config's (`--stack-config`).
        from cloudwright.resource_graph.regions import resolve_regions

        resolve_regions(loaded.graph.resources, config)
    graph = loaded.graph
    report = estimate(graph, catalog, usage=usage, profiles=profiles)
    if graph.source == "offline-preview" and graph.plan_id and not graph.plan_usage:
        report.notes.append(
            f"this graph is the offline preview of plan {graph.plan_id} saved before graphs "
            "carried the plan's usage: its hours per month, storage and egress are not applied "
            "(price the plan.json, or set them in a usage file)"
        )
    return report


def with_purchase(usage: Usage, purchase: str) -> Usage:
    """`usage` with every resource's on-demand compute priced as the `purchase` commitment
    (`commit-1y` / `commit-3y`): `commit_years` under the defaults' `*`, so a usage file's own
    per-resource or per-workload value, and a plan's commit assignments, still win."""
    from cloudwright.optimizer.purchase import CODE, PRICING, TERM_YEARS

    years = TERM_YEARS[PRICING[CODE[purchase]]]
    out = copy.copy(usage)
    out.defaults = {k: dict(v) for k, v in usage.defaults.items()}
    out.defaults.setdefault("*", {})["commit_years"] = float(years)
    return out
