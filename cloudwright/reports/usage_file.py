"""A usage-file skeleton for a source: every usage key its resources' pricers read.

The source is priced once with a usage file that records each question a pricer asks
(`Usage.lookup`: resource, key), so the skeleton lists exactly the keys that change this
source's estimate — no list of keys per type is kept here. Always-on infrastructure reads its
hours outside that lookup; a component billed in hours adds `hours_per_month` for it.

Everything in the skeleton is commented out, so the file loads as it is and changes nothing:
a key left commented stays unknown (its line shows "depends on usage", never $0). To fill
it, uncomment the resource's line and the keys you know and write the numbers; a key
uncommented without a number (`null`) is an error at its line, not a silent zero.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cloudwright.pricing.usage import USAGE_KEYS, Usage, UsageValue
from cloudwright.reports.safe import terminal

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.pricing.report import CostReport
    from cloudwright.resource_graph.model import Resource

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


@dataclass
class RecordingUsage(Usage):
    """A usage file that remembers every (resource URN, key) a pricer looked up, and the value
    it found (None when unset)."""

    asked: dict[str, dict[str, UsageValue | None]] = field(default_factory=dict)

    def lookup(self, resource: Resource, key: str) -> UsageValue | None:
        hit = super().lookup(resource, key)
        self.asked.setdefault(resource.urn, {}).setdefault(key, hit)
        return hit


@dataclass
class KeyLine:
    key: str
    value: float | None  # what applies now (from the plan or a given usage file), if anything
    source: str | None
    needed: bool  # a line of the report waits on it ("depends on usage")


@dataclass
class ResourceUsage:
    key: str  # the name when unique in the graph, else the URN
    name: str
    type: str
    workload: str | None
    keys: list[KeyLine]


def usage_skeleton(
    source: str | None, *, catalog: Catalog, base: Usage | None = None
) -> tuple[list[ResourceUsage], CostReport]:
    """The keys each resource of `source` reads, and the report priced without new values."""
    from cloudwright.pricing.engine import estimate
    from cloudwright.resource_graph.load import load_source

    loaded = load_source(source, catalog=catalog)
    layered = base or Usage()  # a plan's usage comes with its preview graph
    recorder = RecordingUsage(
        layered.defaults, layered.workloads, layered.resources, layered.origin
    )
    report = estimate(loaded.graph, catalog, usage=recorder)
    names = [r.name for r in loaded.graph.resources]
    by_urn = {r.urn: r for r in report.resources}
    out: list[ResourceUsage] = []
    for resource in loaded.graph.resources:
        cost = by_urn.get(resource.urn)
        asked = dict(recorder.asked.get(resource.urn, {}))
        if cost is not None and any(c.unit == "hours" for c in cost.components):
            asked.setdefault("hours_per_month", None)
        if cost is None or not asked or cost.status in ("free", "unsupported"):
            continue
        waiting = {c.usage_key for c in cost.components if c.status == "usage"}
        lines = [
            KeyLine(key, hit.value if hit else None, hit.source if hit else None, key in waiting)
            for key, hit in sorted(asked.items(), key=lambda kv: (kv[0] not in waiting, kv[0]))
            if key in USAGE_KEYS
        ]
        unique = names.count(resource.name) == 1
        out.append(
            ResourceUsage(
                resource.name if unique else resource.urn,
                resource.name,
                resource.type,
                resource.workload,
                lines,
            )
        )
    return out, report


def _comment(text: str) -> str:
    """Text safe inside a YAML comment: one line, no control characters."""
    return terminal(text).replace("\r", " ").replace("\n", " ")


def _yaml_key(name: str) -> str:
    return name if _PLAIN_KEY.match(name) else json.dumps(name)


def render_usage_file(resources: list[ResourceUsage], origin: str, generated_on: str) -> str:
    width = max((len(k.key) for r in resources for k in r.keys), default=10)
    lines = [
        f"# Usage file for {_comment(origin)}: written by `cloudwright usage generate` "
        f"on {generated_on}.",
        "# Every entry is commented out: as it is, this file changes nothing. To fill one in,",
        "# uncomment the resource's line and the keys you know, and write the numbers. Keys",
        '# left commented stay unknown ("depends on usage" in the report, never $0).',
        "# Keys, units and which value wins: docs/usage.md.",
        "version: 1",
        "resources:",
    ]
    if not resources:
        lines.append("  # (no resource of this source reads a usage value)")
    for r in resources:
        owner = f", workload {r.workload}" if r.workload else ""
        lines += ["", f"  # {_comment(r.name)}: {_comment(r.type)}{_comment(owner)}"]
        lines.append(f"  # {_yaml_key(r.key)}:")
        for k in r.keys:
            spec = USAGE_KEYS[k.key]
            if k.needed:
                state = "needed: the line is not priced until set"
            elif k.value is not None:
                state = f"now {k.value:g} from {_comment(k.source or 'the source')}"
            else:
                state = "optional"
            value = "null" if k.value is None else f"{k.value:g}"
            lines.append(f"  #   {k.key}: {value}".ljust(width + 18) + f"  # {state}; {spec.doc}")
    return "\n".join(lines) + "\n"
