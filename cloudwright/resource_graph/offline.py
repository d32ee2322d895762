"""The offline preview: the real stack program, run under Pulumi's mocks, as a resource graph.

`preview_plan(plan)` runs `stacks.program.run` (the code `pulumi up` runs) with
`pulumi.runtime.set_mocks` and records every registration (urn, type, name, parent,
provider, inputs as the engine receives them, custom or component) into a
`Graph(source="offline-preview")`. Region and zone come from each resource's own inputs,
else its provider's; a component takes them (and its workload) from its children when they
agree. No cloud is contacted: ids and computed outputs are stand-ins (resource_graph.mocks).

Invariants: one preview at a time per process (Pulumi's runtime settings are process-wide);
each run starts from fresh settings and leaves none behind, so tests may call it repeatedly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from cloudwright.components.tags import label_value, slug
from cloudwright.core.gcpause import gc_paused
from cloudwright.resource_graph.mocks import (
    STACK_TYPE,
    OfflineMocks,
    RecordingMonitor,
    Registration,
)
from cloudwright.resource_graph.model import Graph, Resource, cloud_of_type, is_unknown
from cloudwright.resource_graph.regions import own_location, provider_location

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.plan import Plan

# Stand-ins for settings a real deployment must provide but a preview does not need.
OFFLINE_DEFAULTS: dict[str, str] = {
    "gcp:project": "offline-preview",
    "cloudwright:sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOfflinePreviewPlaceholderKey0000000000 offline-preview",
}
NOTE = (
    "offline preview: the stack program ran under Pulumi mocks; ids, ARNs and other computed "
    "outputs are stand-ins, inputs are what `pulumi up` would send"
)

_LOCK = threading.Lock()


def run_mocked(
    program: Callable[[], object],
    *,
    project: str,
    stack: str,
    config: Mapping[str, Any] | None = None,
    secret_keys: Iterable[str] = (),
    mocks: OfflineMocks | None = None,
) -> list[Registration]:
    """Run `program` against fresh Pulumi mocks (`mocks`, else strict `OfflineMocks`) and
    return what it registered; `secret_keys` are the config keys `Config.get` marks secret."""
    from pulumi.runtime import config as pulumi_config
    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime import settings as pulumi_settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    # The SDK allocates hundreds of futures per resource; the collector's passes over that
    # heap took three quarters of the run (984 resources: 8.7 s → 2.1 s).
    with _LOCK, gc_paused():
        pulumi_settings.reset_options(project=project, stack=stack, preview=True)
        pulumi_config.set_all_config(
            {k: _config_text(v) for k, v in (config or {}).items()}, list(secret_keys)
        )
        mocks = mocks or OfflineMocks()
        monitor = RecordingMonitor(mocks)
        logger = logging.getLogger("cloudwright.offline_preview")
        pulumi_mocks.set_mocks(
            mocks, project=project, stack=stack, preview=True, monitor=monitor, logger=logger
        )
        try:
            with _no_stack_traces():
                _sync_await(run_pulumi_func(lambda: _call(program)))
        finally:
            pulumi_settings.reset_options()
            pulumi_config.set_all_config({}, [])
        return list(monitor.registrations)


@contextmanager
def _no_stack_traces() -> Iterator[None]:
    """Skip the SDK's per-resource stack walk: it only tells the engine where in the program
    each resource was declared, and no engine reads it offline (examples/plan.json's warm
    preview: 0.41 s → 0.34 s). Left as it is when the SDK has no such hook."""
    from pulumi.runtime import resource as pulumi_resource
    from pulumi.runtime.proto import source_pb2

    original = getattr(pulumi_resource, "_get_stack_trace", None)
    if original is None:
        yield
        return
    pulumi_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        pulumi_resource._get_stack_trace = original


def _call(program: Callable[[], object]) -> None:
    program()


def _config_text(value: Any) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value)


def preview_plan(
    plan: Plan,
    *,
    catalog: Catalog | None = None,
    stack: str = "dev",
    project: str = "cloudwright",
    config: Mapping[str, Any] | None = None,
) -> Graph:
    """The resource graph `pulumi up` would create for `plan`, computed offline.

    `config` is the stack config (full keys, e.g. `cloudwright:owner`); settings a real
    deployment needs but a preview does not (GCP project, Azure admin key) get stand-ins.
    """
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.plan import content_id
    from cloudwright.resource_graph.plan_usage import commitment_notes, plan_usage
    from cloudwright.resource_graph.sdkload import load_only_what_is_used

    load_only_what_is_used(sorted({a.cloud for a in plan.assignments}))
    from cloudwright.stacks.program import run
    from cloudwright.stacks.settings import StackSettings

    chosen = catalog or Catalog.load()
    # Secrets the caller could not decrypt (Unknown) count as unset, like missing keys.
    given = {k: v for k, v in (config or {}).items() if v is not None and not is_unknown(v)}
    merged = {**OFFLINE_DEFAULTS, **given}
    settings = StackSettings.parse(merged, origin=f"stacks/Pulumi.{stack}.yaml")
    registrations = run_mocked(
        lambda: run(plan, chosen, settings), project=project, stack=stack, config=merged
    )
    # Workload names as GCP labels and as component names (slugs) map back to the real name.
    workloads = {label_value(a.workload): a.workload for a in plan.assignments}
    workloads.update({slug(a.workload): a.workload for a in plan.assignments})
    # A workload served from several regions names each region's resources `<name>-<region>`.
    workloads.update({slug(a.deployment): a.workload for a in plan.assignments})
    workloads.update({a.workload: a.workload for a in plan.assignments})
    plan_id = plan.id or content_id(plan)
    return Graph(
        source="offline-preview",
        resources=build_resources(registrations, workloads),
        project=project,
        stack=stack,
        config=given,
        plan_id=plan_id,
        origin="",  # the caller knows which file the plan came from
        notes=[NOTE, *commitment_notes(plan)],
        plan_usage=plan_usage(plan),
        budget_monthly_usd=plan.budget_monthly_usd,
    )


# ---- registrations → resources ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Engine values → JSON-friendly Python: whole floats back to ints (protobuf numbers are
    doubles), containers recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _provider_urn(reference: str | None) -> str | None:
    if not reference:
        return None
    return reference.rsplit("::", 1)[0] if reference.count("::") >= 4 else reference


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def locate(
    cloud: str | None, type_token: str, inputs: Mapping[str, Any], provider: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """(region, zone) from a resource's own inputs, else its provider's (`regions`' rules)."""
    region, zone = own_location(cloud, inputs)
    if not isinstance(region, str):
        region, provider_zone = provider_location(type_token.split(":", 1)[0], provider)
        zone = zone or provider_zone
    return (region if isinstance(region, str) else None), zone


def _workload(inputs: Mapping[str, Any], known: Mapping[str, str]) -> str | None:
    for key in ("tags", "labels"):
        tags = inputs.get(key)
        value: Any = None
        if isinstance(tags, Mapping):
            value = tags.get("workload")
        elif isinstance(tags, list):  # aws:autoscaling/group:Group tags: [{key, value, ...}]
            value = next(
                (
                    t.get("value")
                    for t in tags
                    if isinstance(t, Mapping) and t.get("key") == "workload"
                ),
                None,
            )
        if isinstance(value, str) and value:
            return known.get(value, value)
    return None


def _cloud(type_token: str) -> str | None:
    if type_token.startswith("pulumi:providers:"):
        return cloud_of_type(type_token.removeprefix("pulumi:providers:") + ":index:Provider")
    return cloud_of_type(type_token)


def ordered(registrations: list[Registration]) -> list[Registration]:
    """Parents before children, siblings by (providers, components, resources; type; name):
    registration order depends on thread timing, this does not."""
    by_parent: dict[str | None, list[Registration]] = {}
    urns = {r.urn for r in registrations}
    for reg in registrations:
        parent = reg.parent if reg.parent in urns else None
        by_parent.setdefault(parent, []).append(reg)

    def rank(reg: Registration) -> tuple[bool, bool, str, str]:
        return (not reg.type.startswith("pulumi:providers:"), reg.custom, reg.type, reg.name)

    out: list[Registration] = []
    pending = sorted(by_parent.get(None, []), key=rank, reverse=True)
    while pending:
        reg = pending.pop()
        out.append(reg)
        pending.extend(sorted(by_parent.get(reg.urn, []), key=rank, reverse=True))
    return out


def build_resources(
    registrations: list[Registration], workloads: Mapping[str, str] | None = None
) -> list[Resource]:
    known = workloads or {}
    providers = {r.urn: r.inputs for r in registrations if r.type.startswith("pulumi:providers:")}
    resources: list[Resource] = []
    for reg in ordered(registrations):
        inputs = _plain(reg.inputs)
        provider = _provider_urn(reg.provider)
        cloud = _cloud(reg.type)
        region, zone = locate(cloud, reg.type, inputs, providers.get(provider or "", {}))
        outputs = {"id": reg.id} if reg.custom and reg.id else {}
        outputs.update(
            {k: _plain(v) for k, v in reg.state.items() if k not in reg.inputs and k != "name"}
        )
        resources.append(
            Resource(
                urn=reg.urn,
                type=reg.type,
                name=reg.name,
                custom=reg.custom,
                parent=reg.parent,
                provider=provider,
                cloud=cloud,
                region=region,
                zone=zone,
                inputs=inputs,
                outputs=outputs,
                op="create",
                workload=_workload(inputs, known)
                or (known.get(reg.name) if not reg.custom and reg.type != STACK_TYPE else None),
                property_dependencies={k: v for k, v in reg.property_dependencies.items() if v},
            )
        )
    _lift_to_components(resources)
    return resources


def _lift_to_components(resources: list[Resource]) -> None:
    """Give each component the region, zone and workload its descendants share, and untagged
    children their component's workload."""
    by_urn = {r.urn: r for r in resources}
    seen: dict[str, dict[str, set[str]]] = {}
    for resource in resources:
        if not resource.custom or resource.is_provider:
            continue
        parent = by_urn.get(resource.parent or "")
        while parent is not None and not parent.custom:
            bag = seen.setdefault(parent.urn, {"region": set(), "zone": set(), "workload": set()})
            for key in bag:
                value = getattr(resource, key)
                if value:
                    bag[key].add(value)
            parent = by_urn.get(parent.parent or "")
    for urn, bag in seen.items():
        component = by_urn[urn]
        if component.type == "pulumi:pulumi:Stack":
            continue
        component.region = component.region or _only(bag["region"])
        component.zone = component.zone or _only(bag["zone"])
        component.workload = component.workload or _only(bag["workload"])
    # Untaggable children (routes, policies, bucket settings) belong to their component's workload.
    for resource in resources:
        parent = by_urn.get(resource.parent or "")
        if resource.workload is None and parent is not None and parent.is_component:
            resource.workload = parent.workload


def _only(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None
