"""Readers for Pulumi state: `pulumi stack export` and file-backend checkpoints.

Shapes (apitype.UntypedDeployment / CheckpointV3):
- export:     {"version": 3, "deployment": {"manifest", "resources": [...]}}
- checkpoint: {"version": 3, "checkpoint": {"stack", "config", "latest": {"resources": [...]}}}

State lists every resource once, except after an interrupted or failed replacement: the old
copy stays with `"delete": true` and the same URN as the live one. Those copies are dropped;
a copy pending deletion with no live twin is kept with op "delete" (it is on its way out, so
it is not part of the stack's running cost). A resource read with `.get()` (`"external":
true`) belongs to another stack: op "read". Every other resource has op "same": this is what
runs now.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwright.core.errors import InputError
from cloudwright.resource_graph.model import Graph, Resource, Source
from cloudwright.resource_graph.regions import resolve_regions
from cloudwright.resource_graph.state import plain_config, resource_from_state, urn_stack_project

SUPPORTED_VERSIONS = (1, 2, 3)


def is_export(data: Any) -> bool:
    return isinstance(data, Mapping) and isinstance(data.get("deployment"), Mapping)


def is_checkpoint(data: Any) -> bool:
    return isinstance(data, Mapping) and isinstance(data.get("checkpoint"), Mapping)


def read_state(
    data: Mapping[str, Any],
    *,
    origin: str = "state.json",
    config: Mapping[str, Any] | None = None,
) -> Graph:
    """Build the graph from a parsed stack export or checkpoint document."""
    version = data.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise InputError(
            f"unsupported Pulumi state version {version!r}",
            location=origin,
            hint=f"supported: {', '.join(map(str, SUPPORTED_VERSIONS))}",
        )
    source: Source
    if is_export(data):
        deployment: Any = data["deployment"]
        stack_config: dict[str, Any] = {}
        source = "stack-export"
    elif is_checkpoint(data):
        checkpoint = data["checkpoint"]
        deployment = checkpoint.get("latest") or {}
        stack_config = plain_config(checkpoint.get("config"))
        source = "checkpoint"
    else:
        raise InputError("neither a stack export nor a checkpoint", location=origin)
    if not isinstance(deployment, Mapping):
        raise InputError("deployment is not an object", location=origin)
    raw = deployment.get("resources") or []
    if not isinstance(raw, list):
        raise InputError("deployment.resources is not a list", location=origin)
    # The state's own config is what the stack ran with; the caller's only fills gaps.
    merged_config = {**(config or {}), **stack_config}
    resources = _live_resources(raw, origin)
    resolve_regions(resources, merged_config)
    stack, project = urn_stack_project(resources[0].urn if resources else "")
    return Graph(
        source=source,
        resources=resources,
        project=project,
        stack=stack,
        config=merged_config,
        origin=origin,
        notes=_notes(raw),
    )


def _live_resources(raw: list[Any], origin: str) -> list[Resource]:
    live_urns: set[str] = set()
    for number, state in enumerate(raw):
        if not isinstance(state, Mapping) or not isinstance(state.get("urn"), str):
            raise InputError("resource without a urn", location=f"{origin}: resources[{number}]")
        if not state.get("delete"):
            live_urns.add(state["urn"])
    out: list[Resource] = []
    seen_pending: set[str] = set()
    for number, state in enumerate(raw):
        urn = state["urn"]
        where = f"{origin}: resources[{number}]"
        if state.get("delete"):
            # An old copy left by a replacement: the live twin is what runs.
            if urn in live_urns or urn in seen_pending:
                continue
            seen_pending.add(urn)
            out.append(resource_from_state(state, op="delete", old_state=state, where=where))
            continue
        # `external: true`: read with `.get()`, owned elsewhere; listed, never counted.
        op = "read" if state.get("external") else "same"
        out.append(resource_from_state(state, op=op, where=where))
    return out


def _notes(raw: list[Any]) -> list[str]:
    pending = sum(1 for s in raw if isinstance(s, Mapping) and s.get("delete"))
    if not pending:
        return []
    return [
        f"{pending} resources pending deletion (old copies left by replacements) are not "
        "counted; run `pulumi up` or `pulumi refresh` to clear them from the state"
    ]
