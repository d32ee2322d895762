"""Between the resource graph and pulumi-policy's own argument types, both ways.

- Graph → policy args (the offline runner): each graph resource becomes the
  `ResourceValidationArgs` the engine would build during `pulumi preview` — inputs in the
  engine's camelCase shape wrapped in pulumi-policy's unknown-checking proxy (graph
  `Unknown`s become the engine's unknown sentinel), resource options with the parent, and
  the provider with its configuration. A graph without provider resources (offline
  previews record the region on each resource) gets a default provider per package whose
  configuration is the stack config for that package plus the region the reader resolved,
  exactly what a default provider would carry.
- Policy resources → graph (every rule): rules read resource facts
  (`resource_graph.facts`) from graph `Resource`s. `resource_of(args)` gives the one behind
  a resource policy's arguments, `stack_graph(args)` the graph of a stack policy's
  resources, with regions resolved by the readers' own `resolve_regions`. Offline the
  runner attaches the graph's own resources to the arguments (secrets stay secrets, outputs
  and property dependencies come along); under the engine they are rebuilt from the
  engine's values, unknowns becoming `Unknown`.

Resources that the step deletes are not analysed (the engine checks only new state).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.deserialize import serialize_properties
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from cloudwright.policies import props as p
from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.values import decode_json
from cloudwright.resource_graph.model import COMPUTED, Graph, Resource, cloud_of_type
from cloudwright.resource_graph.regions import own_location, resolve_regions
from cloudwright.resource_graph.state import workload_of

DELETED_OPS = frozenset({"delete", "delete-replaced", "discard", "remove-pending-replace"})
# Attributes the offline runner sets on pulumi-policy's argument objects.
GRAPH_RESOURCE = "_cloudwright_resource"
GRAPH_INDEX = "_cloudwright_index"
PROVIDER_INPUTS = "_cloudwright_provider_inputs"
PROVIDER_PREFIX = "pulumi:providers:"
CLOUD_PACKAGES = ("aws", "gcp", "azure-native", "azure")


# ---- graph → engine-shaped values --------------------------------------------------------
def to_wire(value: Any) -> Any:
    """Graph values as the engine sends them: `Unknown` → Pulumi's unknown sentinel."""
    if p.is_unknown(value):
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Mapping):
        return {str(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    return value


def proxied(inputs: Mapping[str, Any]) -> Any:
    return unknown_checking_proxy(to_wire(dict(inputs)))


def _package(type_token: str) -> str:
    return type_token.split(":", 1)[0]


def _default_provider_props(resource: Resource, graph: Graph) -> dict[str, Any]:
    package = _package(resource.type)
    settings = {
        key.split(":", 1)[1]: value
        for key, value in graph.config.items()
        if key.startswith(f"{package}:")
    }
    if resource.region:
        key = "location" if package in ("azure-native", "azure") else "region"
        settings[key] = resource.region
    if package == "gcp" and resource.zone:
        settings["zone"] = resource.zone
    return settings


class GraphView:
    """A graph prepared for the policy engine's argument types (built once per run)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.live = [r for r in graph.resources if r.op not in DELETED_OPS]
        self.by_urn = {r.urn: r for r in self.live}
        # Proxies are read-only for validation, so one per resource serves every policy.
        self._props: dict[str, Any] = {}
        self._providers: dict[str, PolicyProviderResource | None] = {}
        self._index: GraphIndex | None = None

    def props_of(self, resource: Resource) -> Any:
        if resource.urn not in self._props:
            self._props[resource.urn] = proxied(resource.inputs)
        return self._props[resource.urn]

    def cached_provider(self, resource: Resource) -> PolicyProviderResource | None:
        if resource.urn not in self._providers:
            self._providers[resource.urn] = self.provider_of(resource)
        return self._providers[resource.urn]

    def provider_of(self, resource: Resource) -> PolicyProviderResource | None:
        if resource.is_provider or not resource.custom:
            return None
        reference = resource.provider or ""
        # The graph keeps the provider's URN; tolerate the engine's 'urn::id' form too.
        found = self.by_urn.get(reference) or self.by_urn.get(reference.rpartition("::")[0])
        if found is not None:
            return PolicyProviderResource(found.type, proxied(found.inputs), found.urn, found.name)
        package = _package(resource.type)
        if package not in CLOUD_PACKAGES:
            return None
        name = "default"
        urn = f"urn:pulumi:{self.graph.stack}::{self.graph.project}::{PROVIDER_PREFIX}{package}::{name}"
        props = proxied(_default_provider_props(resource, self.graph))
        return PolicyProviderResource(f"{PROVIDER_PREFIX}{package}", props, urn, name)

    @staticmethod
    def options(resource: Resource) -> PolicyResourceOptions:
        return PolicyResourceOptions(
            protect=False,
            ignore_changes=[],
            delete_before_replace=None,
            aliases=[],
            custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
            additional_secret_outputs=[],
            parent=resource.parent,
        )

    @property
    def index(self) -> GraphIndex:
        if self._index is None:
            self._index = GraphIndex(self.live)
        return self._index

    def resource_args(
        self,
        resource: Resource,
        config: Mapping[str, Any] | None,
        stack_tags: Mapping[str, str] | None = None,
    ) -> ResourceValidationArgs:
        args = ResourceValidationArgs(
            resource.type,
            self.props_of(resource),
            resource.urn,
            resource.name,
            self.options(resource),
            self.cached_provider(resource),
            dict(config) if config else None,
            stack_tags,
        )
        setattr(args, GRAPH_RESOURCE, resource)
        setattr(args, GRAPH_INDEX, self.index)
        provider = self.by_urn.get(resource.provider or "")
        provider_inputs = (
            provider.inputs
            if provider is not None
            else _default_provider_props(resource, self.graph)
        )
        setattr(args, PROVIDER_INPUTS, provider_inputs)
        return args

    def policy_resources(self) -> list[PolicyResource]:
        """Every live resource, with parent links, as `StackValidationArgs.resources`."""
        made: dict[str, PolicyResource] = {}
        for resource in self.live:
            # The engine hands stack policies each resource's state: inputs and outputs.
            state = {**resource.inputs, **resource.outputs} if resource.outputs else None
            made[resource.urn] = PolicyResource(
                resource.type,
                proxied(state) if state is not None else self.props_of(resource),
                resource.urn,
                resource.name,
                self.options(resource),
                self.cached_provider(resource),
                None,
                [],
                {},
            )
            setattr(made[resource.urn], GRAPH_RESOURCE, resource)
        for resource in self.live:
            made_resource = made[resource.urn]
            if resource.parent and resource.parent in made:
                made_resource.parent = made[resource.parent]
            for prop, urns in resource.property_dependencies.items():
                linked = [made[u] for u in urns if u in made]
                made_resource.property_dependencies[prop] = linked
                made_resource.dependencies.extend(
                    r for r in linked if r not in made_resource.dependencies
                )
        return list(made.values())

    def stack_args(
        self,
        config: Mapping[str, Any] | None,
        stack_tags: Mapping[str, str] | None = None,
        resources: list[PolicyResource] | None = None,
    ) -> StackValidationArgs:
        listed = resources if resources is not None else self.policy_resources()
        return StackValidationArgs(listed, dict(config) if config else None, stack_tags)


# ---- engine values → graph ---------------------------------------------------------------
def from_wire(value: Any) -> Any:
    """Plain Python values from (possibly proxied) engine properties; unknowns → `Unknown`."""
    plain = serialize_properties({"v": value})["v"] if value is not None else None
    return _unknowns(plain)


def _unknowns(value: Any) -> Any:
    if p.is_unknown(value):
        return COMPUTED
    if isinstance(value, Mapping):
        return {str(k): _unknowns(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_unknowns(v) for v in value]
    return value


def _zone(cloud: str | None, inputs: Mapping[str, Any]) -> str | None:
    """The zone a resource's inputs name (`regions.own_location`)."""
    return own_location(cloud, inputs)[1]


def to_graph_resource(resource: PolicyResource) -> Resource:
    """One resource of the stack; its region is filled in by `graph_from_stack`."""
    inputs = from_wire(resource.props) or {}
    provider = resource.provider
    cloud = cloud_of_type(resource.resource_type)
    custom = provider is not None or resource.resource_type.startswith(PROVIDER_PREFIX)
    return Resource(
        urn=resource.urn,
        type=resource.resource_type,
        name=resource.name,
        custom=custom,
        parent=resource.parent.urn if resource.parent is not None else None,
        provider=provider.urn if provider is not None else None,
        cloud=cloud,
        zone=_zone(cloud, inputs),
        inputs=dict(inputs),
        workload=workload_of(inputs),
    )


def graph_from_stack(
    resources: Sequence[PolicyResource], *, stack: str | None = None, project: str | None = None
) -> Graph:
    """The resource graph of `StackValidationArgs.resources`, ready for the cost engine and
    the facts layer (the graph's own resources when the offline runner attached them)."""
    originals = [getattr(r, GRAPH_RESOURCE, None) for r in resources]
    if originals and all(isinstance(r, Resource) for r in originals):
        return Graph(
            source="offline-preview",
            resources=[r for r in originals if isinstance(r, Resource)],
            project=project or "",
            stack=stack or "",
            origin="pulumi-policy",
        )
    converted = [to_graph_resource(r) for r in resources]
    providers = {r.provider.urn: r.provider for r in resources if r.provider is not None}
    known = {r.urn for r in converted}
    for urn, provider in providers.items():
        if urn not in known:
            converted.append(
                Resource(
                    urn=urn,
                    type=provider.resource_type,
                    name=provider.name,
                    inputs=dict(from_wire(provider.props) or {}),
                )
            )
    # The proposed state, like an offline preview: no "before" to diff against.
    # The readers' own resolution (inputs, resource group / cluster, provider), so the cost
    # engine sees the same regions it would reading the stack's graph directly.
    resolve_regions(converted, {})
    return Graph(
        source="offline-preview",
        resources=converted,
        project=project or "",
        stack=stack or "",
        origin="pulumi-policy",
    )


# ---- what a rule reads -------------------------------------------------------------------
def resource_of(args: Any) -> Resource:
    """The graph resource behind a resource policy's arguments."""
    found = getattr(args, GRAPH_RESOURCE, None)
    if isinstance(found, Resource):
        return found
    inputs = from_wire(args.props) or {}
    cloud = cloud_of_type(args.resource_type)
    return Resource(
        urn=args.urn,
        type=args.resource_type,
        name=args.name,
        cloud=cloud,
        zone=_zone(cloud, inputs),
        inputs=dict(inputs),
        workload=workload_of(inputs),
    )


def index_of(args: Any, resource: Resource) -> GraphIndex:
    """The whole graph offline (a snapshot can see its volume); the resource alone under
    the engine, which hands a resource policy nothing else."""
    found = getattr(args, GRAPH_INDEX, None)
    return found if isinstance(found, GraphIndex) else GraphIndex([resource])


def provider_inputs(args: Any) -> dict[str, Any]:
    """The provider's configuration as plain values (JSON text decoded, unknowns as
    `Unknown`); {} for a resource without one."""
    found = getattr(args, PROVIDER_INPUTS, None)
    if isinstance(found, Mapping):
        raw = dict(found)
    elif args.provider is not None:
        raw = dict(from_wire(args.provider.props) or {})
    else:
        raw = {}
    return {str(k): decode_json(v) for k, v in raw.items()}


def stack_graph(args: Any, *, stack: str | None = None, project: str | None = None) -> Graph:
    """The graph of a stack policy's resources (see `graph_from_stack`)."""
    return graph_from_stack(args.resources, stack=stack, project=project)
