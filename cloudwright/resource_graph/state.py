"""Helpers shared by the readers of Pulumi's engine JSON (preview steps, exports, checkpoints).

A Pulumi resource state (apitype.ResourceV3, and `newState`/`oldState` in preview steps) is
turned into a `Resource` here, so every reader agrees on names, provider references, unknowns
and the `workload` tag. Nothing here guesses a region: `regions.py` does that once the whole
graph is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwright.core.errors import InputError
from cloudwright.resource_graph.model import Resource, Unknown, cloud_of_type, normalize_value

WORKLOAD_TAG = "workload"


def urn_name(urn: str) -> str:
    """The logical name: the last `::` part of urn:pulumi:stack::project::type::name."""
    return urn.rsplit("::", 1)[-1]


def urn_type(urn: str) -> str:
    """The resource type token; nested types are joined by `$` (parent$child)."""
    parts = urn.split("::")
    if len(parts) < 4:
        return ""
    return parts[2].rsplit("$", 1)[-1]


def urn_stack_project(urn: str) -> tuple[str, str]:
    """(stack, project) from a URN; empty strings when it is not a URN."""
    parts = urn.split("::")
    if len(parts) < 4 or not parts[0].startswith("urn:pulumi:"):
        return "", ""
    return parts[0].removeprefix("urn:pulumi:"), parts[1]


def provider_urn(reference: str | None) -> str | None:
    """A provider reference is `<provider URN>::<provider id>`; keep the URN part."""
    if not reference:
        return None
    # A URN has four `::`-separated parts; a reference adds the id as a fifth.
    if reference.count("::") >= 4:
        return reference.rsplit("::", 1)[0]
    return reference


def workload_of(inputs: Mapping[str, Any]) -> str | None:
    """The `workload` tag or label (AWS/Azure tags, GCP labels, ASG tag lists)."""
    for key in ("tags", "labels", "userLabels", "resourceLabels"):
        value = _tag_value(inputs.get(key))
        if value:
            return value
    node_config = inputs.get("nodeConfig")
    if isinstance(node_config, Mapping):
        value = _tag_value(node_config.get("labels")) or _tag_value(
            node_config.get("resourceLabels")
        )
        if value:
            return value
    return None


def _tag_value(tags: Any) -> str | None:
    if isinstance(tags, Mapping):
        value = tags.get(WORKLOAD_TAG)
        return value if isinstance(value, str) and value else None
    if isinstance(tags, list):
        # aws:autoscaling/group:Group carries tags as [{key, value, propagateAtLaunch}].
        for item in tags:
            if isinstance(item, Mapping) and item.get("key") == WORKLOAD_TAG:
                value = item.get("value")
                return value if isinstance(value, str) and value else None
    return None


def property_dependencies(state: Mapping[str, Any]) -> dict[str, list[str]]:
    raw = state.get("propertyDependencies")
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, list[str]] = {}
    for key, urns in raw.items():
        if isinstance(urns, list) and urns:
            out[str(key)] = [str(u) for u in urns]
    return out


def resource_from_state(
    state: Mapping[str, Any],
    *,
    op: str,
    old_state: Mapping[str, Any] | None = None,
    provider: Any = None,
    where: str = "resource",
) -> Resource:
    """One `Resource` from an engine resource state (inputs normalised, unknowns explicit).
    A field of the wrong type (`"provider": 5`, `"inputs": [...]`) is an InputError naming
    `where` and the field."""
    urn = _text(state, "urn", where) or ""
    type_token = _text(state, "type", where) or urn_type(urn)
    parent = _text(state, "parent", where)
    reference = _text(state, "provider", where) or _text({"provider": provider}, "provider", where)
    custom = state.get("custom", True)
    if not isinstance(custom, bool):
        raise InputError(f"{where}.custom: expected true or false, got {custom!r}")
    inputs = _as_dict(normalize_value(_bag(state, "inputs", where)))
    outputs = _as_dict(normalize_value(_bag(state, "outputs", where)))
    resource_id = state.get("id")
    if resource_id and "id" not in outputs:
        outputs["id"] = normalize_value(resource_id)
    old_inputs = None
    if old_state is not None:
        old_inputs = _as_dict(normalize_value(_bag(old_state, "inputs", f"{where}.oldState")))
    workload = workload_of(inputs) or (workload_of(old_inputs) if old_inputs else None)
    return Resource(
        urn=urn,
        type=type_token,
        name=urn_name(urn),
        custom=custom,
        parent=parent,
        provider=provider_urn(reference),
        cloud=cloud_of_type(type_token),
        inputs=inputs,
        outputs=outputs,
        op=op,
        old_inputs=old_inputs,
        workload=workload,
        property_dependencies=property_dependencies(state),
    )


def _text(state: Mapping[str, Any], key: str, where: str) -> str | None:
    """A string field ('' and null count as absent); anything else is an input error."""
    value = state.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}.{key}: expected a string, got {value!r:.60}")
    return value


def _bag(state: Mapping[str, Any], key: str, where: str) -> Any:
    """`inputs`/`outputs`: an object (or Pulumi's secret wrapper, itself an object)."""
    value = state.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(f"{where}.{key}: expected an object, got {value!r:.60}")
    return value


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, Unknown):
        # A whole input bag hidden as a secret: keep an empty bag, the pricer reports unknowns.
        return {}
    return dict(value) if isinstance(value, Mapping) else {}


def plain_config(raw: Any) -> dict[str, Any]:
    """Stack config as plain values; secure (encrypted) values become Unknown secrets."""
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, Mapping) and "secure" in value:
            out[str(key)] = normalize_value("[secret]")
        elif isinstance(value, Mapping) and "value" in value:
            # `pulumi config --json` shape: {"value": ..., "secret": bool}
            out[str(key)] = value["value"]
        else:
            out[str(key)] = normalize_value(value)
    return out


def tags_of(inputs: Mapping[str, Any]) -> dict[str, str]:
    """Known string tags/labels of a resource (AWS/Azure `tags`, GCP `labels`, ASG tag lists)."""
    out: dict[str, str] = {}
    for key in ("tags", "labels", "resourceLabels"):
        tags = inputs.get(key)
        if isinstance(tags, Mapping):
            out.update({str(k): v for k, v in tags.items() if isinstance(v, str)})
        elif isinstance(tags, list):
            for item in tags:
                if isinstance(item, Mapping) and isinstance(item.get("value"), str):
                    out[str(item.get("key"))] = item["value"]
    return out
