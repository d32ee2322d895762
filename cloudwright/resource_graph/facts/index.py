"""Lookups across a graph: which resource another one points at, and who points at it.

A reference (an auto-scaling group's launch template, a MIG's instance template, a
snapshot's volume) is resolved in this order:
1. the engine's property dependencies (`Resource.property_dependencies`), which name the
   exact resource even when its id is unknown during a preview;
2. a reference value equal to a candidate's id, ARN, self link or name (or the last path
   segment of either, for GCP self links);
3. the only candidate of the wanted types under the same parent, when the reference is
   given but cannot be compared: its value is unknown, or it is an id and no candidate's
   id is known (offline previews give templates stand-in ids).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cloudwright.resource_graph.facts.values import last_segment
from cloudwright.resource_graph.model import Resource, Unknown

ID_KEYS = ("id", "arn", "selfLink", "selfLinkUnique")
NAME_KEYS = ("name", "resourceName", "namePrefix", "clusterName", "nodeGroupName")


def _strings(resource: Resource, keys: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for bag in (resource.inputs, resource.outputs):
        for key in keys:
            value = bag.get(key)
            if isinstance(value, str) and value:
                out.update((value, last_segment(value)))
    return out


class GraphIndex:
    """Resources of one graph by URN and type, with reference resolution between them."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources = list(resources)
        self.by_urn: dict[str, Resource] = {}
        self.by_type: dict[str, list[Resource]] = {}
        for resource in self.resources:
            self.by_urn[resource.urn] = resource
            self.by_type.setdefault(resource.type, []).append(resource)
        self._dependents: dict[str, list[Resource]] | None = None

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self.by_type.get(t, [])]

    def get(self, urn: str | None) -> Resource | None:
        return self.by_urn.get(urn) if urn else None

    def resolve(
        self,
        source: Resource,
        types: Sequence[str],
        *,
        props: Sequence[str] = (),
        ids: Sequence[Any] = (),
        names: Sequence[Any] = (),
    ) -> Resource | None:
        """The resource of one of `types` that `source` points at (see the module docstring).
        `props` are the inputs holding the reference, `ids`/`names` its values."""
        for prop in props:
            for urn in source.property_dependencies.get(prop, []):
                hit = self.by_urn.get(urn)
                if hit is not None and hit.type in types:
                    return hit
        candidates = self.of_type(*types)
        for values, keys in ((ids, ID_KEYS), (names, NAME_KEYS)):
            wanted = {v for v in values if isinstance(v, str) and v}
            wanted |= {last_segment(v) for v in wanted}
            if not wanted:
                continue
            for candidate in candidates:
                known = _strings(candidate, keys) | (
                    {candidate.name} if keys is NAME_KEYS else set()
                )
                if wanted & known:
                    return candidate
        unknown = any(isinstance(v, Unknown) for v in (*ids, *names))
        given_ids = [v for v in ids if isinstance(v, str) and v]
        ids_unmatched = bool(given_ids) and not any(_strings(c, ID_KEYS) for c in candidates)
        if unknown or ids_unmatched:
            siblings = [c for c in candidates if c.parent == source.parent]
            if len(siblings) == 1:
                return siblings[0]
        return None

    def dependents(self, resource: Resource) -> list[Resource]:
        """Resources whose inputs were computed from `resource` (who uses a disk, a template)."""
        if self._dependents is None:
            index: dict[str, list[Resource]] = {}
            for r in self.resources:
                for urn in {u for urns in r.property_dependencies.values() for u in urns}:
                    index.setdefault(urn, []).append(r)
            self._dependents = index
        return self._dependents.get(resource.urn, [])
