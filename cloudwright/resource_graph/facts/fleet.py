"""The fleet of a graph: groups of nodes that run together, and the GPUs each node carries.

A node group is one pool a resource launches (`facts.launch`): an auto-scaling group, an
EC2 / Spot Fleet, an EKS node group, a managed instance group (per template version), a
GKE or AKS pool, a scale set. Stand-alone machines (instances, spot requests, instances
from templates, VMs) are grouped by cloud, region and instance type whatever component
they sit under, so a cluster spread over several parents is still one cluster.

GPUs per node come from the catalog's shape of the instance type, plus GCP's attached
`guestAccelerators` (priced per GPU; the catalog's `<machine>+<gpu>x<n>` shape names the
model when it has one). A group that may launch several types (mixed-instances overrides,
fleet overrides, MIG versions) counts the type with the most GPUs per node: the bound that
holds whichever the cloud picks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cloudwright.core.errors import CloudwrightError
from cloudwright.optimizer.catalog.shapes import attached_name
from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.launch import launches
from cloudwright.resource_graph.facts.machines import Count, Launch, TypeName
from cloudwright.resource_graph.model import Resource, Unknown, cloud_of_type

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.catalog.types import InstanceSpec

STANDALONE = frozenset({"instance", "spot request", "VM"})


@dataclass
class NodeGroup:
    """Nodes launched together: the launch that sets their count, and who is in it."""

    cloud: str
    launch: Launch
    nodes: Count
    max_nodes: Count
    members: list[Resource] = field(default_factory=list)

    @property
    def anchor(self) -> Resource:
        return self.launch.resource

    @property
    def template(self) -> Resource | None:
        return self.launch.template

    @property
    def types(self) -> list[TypeName]:
        return self.launch.types

    def label(self) -> str:
        if len(self.members) > 1:
            parents = {m.parent for m in self.members}
            spread = f" under {len(parents)} parents" if len(parents) > 1 else ""
            return f"{len(self.members)} stand-alone {self.launch.kind}s like '{self.anchor.name}'{spread}"
        pool = f" pool '{self.launch.label}'" if self.launch.label else ""
        return f"{self.launch.kind} '{self.anchor.name}'{pool}"


def node_groups(index: GraphIndex) -> list[NodeGroup]:
    """Every group of machines the graph launches, on every cloud."""
    groups: list[NodeGroup] = []
    standalone: dict[tuple[str, str | None, str], list[tuple[Resource, Launch]]] = defaultdict(list)
    for resource in index.resources:
        if not resource.custom or resource.is_provider:
            continue
        cloud = resource.cloud or cloud_of_type(resource.type) or ""
        for launch in launches(resource, index):
            if launch.kind in STANDALONE:
                kind = launch.instance_type
                key = kind if isinstance(kind, str) else repr(kind)
                standalone[(cloud, resource.region, key)].append((resource, launch))
            else:
                groups.append(NodeGroup(cloud, launch, launch.nodes, launch.max_nodes))
    for (cloud, _region, _type), members in standalone.items():
        first = members[0][1]
        count = len(members)
        groups.append(NodeGroup(cloud, first, count, count, [m for m, _ in members]))
    return groups


@dataclass(frozen=True)
class Gpus:
    """GPUs on one node: the model and how many (0 for CPU-only or uncatalogued types)."""

    model: str | None
    per_node: int
    instance_type: str | None = None
    unknown: Unknown | None = None  # the type (or an accelerator count) is not known


SpecOf = Callable[[str, str], "InstanceSpec | None"]


def spec_lookup(catalog: Catalog) -> SpecOf:
    """A memoised `catalog.instance` that answers None for types the catalog lacks."""
    cache: dict[tuple[str, str], InstanceSpec | None] = {}

    def spec_of(cloud: str, instance_type: str) -> InstanceSpec | None:
        key = (cloud, instance_type)
        if key not in cache:
            try:
                cache[key] = catalog.instance(cloud, instance_type)
            except CloudwrightError:
                cache[key] = None
        return cache[key]

    return spec_of


def _one_type(spec_of: SpecOf, cloud: str, launch: Launch, instance_type: str) -> Gpus:
    spec = spec_of(cloud, instance_type)
    model = spec.gpu if spec is not None else None
    count = spec.gpu_count if spec is not None else 0
    if count:
        return Gpus(model, count, instance_type)  # bundled GPUs (listing them adds none)
    attached = launch.definition.accelerators
    if not attached:
        return Gpus(model, 0, instance_type)
    total = 0
    for gpu in attached:
        if isinstance(gpu.count, Unknown):
            return Gpus(None, 0, instance_type, gpu.count)
        if isinstance(gpu.type, Unknown):
            return Gpus(None, 0, instance_type, gpu.type)
        total += gpu.count or 0
    gpu = attached[0]
    shape = None
    if isinstance(gpu.type, str) and isinstance(gpu.count, int):
        shape = spec_of(cloud, attached_name(instance_type, gpu.type, gpu.count))
    name = shape.gpu if shape is not None and shape.gpu else str(gpu.type or "GPU")
    return Gpus(name, total, instance_type)


def gpus_per_node(spec_of: SpecOf, cloud: str, launch: Launch) -> Gpus:
    """The GPUs of the launch's node with the most of them (see the module docstring)."""
    best = Gpus(None, 0)
    for instance_type in launch.types:
        if isinstance(instance_type, Unknown):
            return Gpus(None, 0, None, instance_type)
        found = _one_type(spec_of, cloud, launch, instance_type)
        if found.unknown is not None:
            return found
        if found.per_node > best.per_node or best.instance_type is None:
            best = found
    return best
