"""Reader for `pulumi preview --json`: the steps of an update → one resource graph.

The graph holds the state *after* the update, plus what each resource was before, so a report
can show the change per step. Every step op the engine emits is handled explicitly:

| op | after the update | resource.op |
| --- | --- | --- |
| same, create, update, refresh | newState | the op |
| replace, create-replacement, delete-replaced (one URN) | newState of the replacement | replace |
| import, import-replacement | newState (it already ran: the bill does not change) | import |
| read, read-replacement | newState, not managed by this stack | read |
| delete, discard, discard-replaced, remove-pending-replace | gone; inputs keep its last state | delete / discard |

`oldState` becomes `old_inputs`. An unknown op is an input error (a newer engine), never
silently counted. A preview taken without `--show-sames` lacks its unchanged resources: the
graph's notes say so when `changeSummary` reveals it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwright.core.errors import InputError
from cloudwright.resource_graph.model import Graph, Resource
from cloudwright.resource_graph.regions import resolve_regions
from cloudwright.resource_graph.state import plain_config, resource_from_state, urn_stack_project

# Ops whose newState exists after the update and is managed by the stack.
LIVE_OPS = frozenset({"same", "create", "update", "refresh"})
REPLACE_OPS = frozenset({"replace", "create-replacement", "delete-replaced"})
IMPORT_OPS = frozenset({"import", "import-replacement"})
READ_OPS = frozenset({"read", "read-replacement"})
GONE_OPS = {
    "delete": "delete",
    "discard": "discard",
    "discard-replaced": "discard",
    "remove-pending-replace": "delete",
}
KNOWN_OPS = LIVE_OPS | REPLACE_OPS | IMPORT_OPS | READ_OPS | frozenset(GONE_OPS)


def is_preview(data: Any) -> bool:
    return isinstance(data, Mapping) and isinstance(data.get("steps"), list)


def read_preview(
    data: Mapping[str, Any],
    *,
    origin: str = "preview.json",
    config: Mapping[str, Any] | None = None,
) -> Graph:
    """Build the graph from a parsed `pulumi preview --json` document.

    `config` (e.g. from Pulumi.<stack>.yaml) fills config keys the document does not carry.
    """
    steps = data.get("steps")
    if not isinstance(steps, list):
        raise InputError("not a `pulumi preview --json` document (no steps[])", location=origin)
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for number, step in enumerate(steps):
        where = f"{origin}: steps[{number}]"
        if not isinstance(step, Mapping) or not isinstance(step.get("urn"), str):
            raise InputError("step without a urn", location=where)
        op = step.get("op")
        if not isinstance(op, str) or op not in KNOWN_OPS:
            raise InputError(
                f"unknown step op {op!r}",
                location=where,
                hint=f"known ops: {', '.join(sorted(KNOWN_OPS))}",
            )
        grouped.setdefault(step["urn"], []).append(step)
    resources = [_merge(urn, group, origin) for urn, group in grouped.items()]
    config = {**(config or {}), **plain_config(data.get("config"))}
    resolve_regions(resources, config)
    stack, project = urn_stack_project(next(iter(grouped), ""))
    return Graph(
        source="preview-json",
        resources=resources,
        project=project,
        stack=stack,
        config=config,
        origin=origin,
        notes=_notes(grouped, data.get("changeSummary")),
    )


def _merge(urn: str, steps: list[Mapping[str, Any]], origin: str) -> Resource:
    """One resource from all the steps that touch its URN (a replacement emits up to three)."""
    ops = [str(s["op"]) for s in steps]
    new_state = next(
        (s["newState"] for s in reversed(steps) if isinstance(s.get("newState"), Mapping)),
        None,
    )
    old_state = next(
        (s["oldState"] for s in steps if isinstance(s.get("oldState"), Mapping)),
        None,
    )
    provider = next((s.get("provider") for s in steps if s.get("provider")), None)
    op = _logical_op(ops)
    where = f"{origin}: {urn}"
    if op in ("delete", "discard") or new_state is None:
        if old_state is None:
            raise InputError(f"step {ops[0]!r} has neither newState nor oldState", location=origin)
        gone_op = op if op in ("delete", "discard") else "delete"
        return resource_from_state(
            {**old_state, "urn": urn},
            op=gone_op,
            old_state=old_state,
            provider=provider,
            where=f"{where} oldState",
        )
    return resource_from_state(
        {**new_state, "urn": urn},
        op=op,
        old_state=old_state,
        provider=provider,
        where=f"{where} newState",
    )


def _logical_op(ops: list[str]) -> str:
    present = set(ops)
    if present & REPLACE_OPS:
        return "replace"
    if present & IMPORT_OPS:
        return "import"
    if present & READ_OPS:
        return "read"
    gone = [GONE_OPS[o] for o in ops if o in GONE_OPS]
    live = [o for o in ops if o in LIVE_OPS]
    if live:
        return live[-1]
    return gone[-1]


def _notes(grouped: Mapping[str, list[Mapping[str, Any]]], summary: Any) -> list[str]:
    if not isinstance(summary, Mapping):
        return []
    declared_same = summary.get("same")
    seen_same = sum(1 for steps in grouped.values() if any(s["op"] == "same" for s in steps))
    if isinstance(declared_same, int) and declared_same > seen_same:
        missing = declared_same - seen_same
        return [
            f"the preview lists no steps for {missing} unchanged resources (run "
            "`pulumi preview --json --show-sames`): totals cover the changed resources only"
        ]
    return []
