"""Where each resource lives: region (and zone) resolution over a whole graph.

Order, first hit wins:
1. the resource's own inputs (AWS `region`/`availabilityZone`, GCP `zone`/`region`/`location`,
   Azure `location`), then the same keys in its outputs (state files record provider defaults);
2. for Azure, the location of the resource group it names (azure-native defaults a resource's
   location to its group's), and for GKE node pools / AKS agent pools their cluster's;
3. its provider resource's inputs (`pulumi:providers:aws` → `region`; gcp → `region`/`zone`;
   azure → `location`);
4. the stack config (`aws:region`, `gcp:region`/`gcp:zone`, `azure-native:location`/
   `azure:location`).
A resource that already carries a region (the offline preview sets it) keeps it. Nothing is
guessed: when all of these miss, the region stays None and pricing says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cloudwright.resource_graph.model import Resource, cloud_of_type

# us-east-1a → us-east-1; us-west-2-lax-1a (Local Zone) → us-west-2.
_AWS_REGION = re.compile(r"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)")
# us-central1-a → zone of us-central1; europe-west4 → a region.
_GCP_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
_GCP_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")

CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    "aws": ("aws:region",),
    "gcp": ("gcp:zone", "gcp:region"),
    "azure": ("azure-native:location", "azure:location"),
}


def normalize_azure_location(value: str) -> str:
    """'UK South' / 'uksouth' / 'UKSouth' → 'uksouth' (Azure's own region code)."""
    return value.replace(" ", "").lower()


def aws_region_of_zone(zone: str) -> str | None:
    match = _AWS_REGION.match(zone)
    return match.group(1) if match else None


def split_gcp_location(value: str) -> tuple[str | None, str | None]:
    """A GCP location string → (region, zone). Multi-regions ('US', 'EU') come back lower-case
    as the region, so a price lookup can miss them honestly instead of picking a region."""
    text = value.strip()
    zone_match = _GCP_ZONE.match(text.lower())
    if zone_match:
        return zone_match.group(1), text.lower()
    return text.lower(), None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def location_from_inputs(
    resource: Resource, bag: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """(region, zone) that one input bag of `resource` states itself, or (None, None)."""
    cloud = resource.cloud or cloud_of_type(resource.type)
    if cloud == "aws":
        region = _str(bag.get("region"))
        zone = _str(bag.get("availabilityZone"))
        if zone is None:
            zones = bag.get("availabilityZones")
            if isinstance(zones, list) and zones and isinstance(zones[0], str):
                zone = zones[0]
        if region is None and zone is not None:
            region = aws_region_of_zone(zone)
        return region, zone
    if cloud == "gcp":
        for key in ("zone", "location", "region"):
            value = _str(bag.get(key))
            if value:
                return split_gcp_location(value)
        return None, None
    if cloud == "azure":
        value = _str(bag.get("location"))
        return (normalize_azure_location(value), None) if value else (None, None)
    return None, None


def _provider_location(provider: Resource | None) -> tuple[str | None, str | None]:
    if provider is None:
        return None, None
    package = provider.type.removeprefix("pulumi:providers:")
    inputs = provider.inputs
    if package == "aws":
        return _str(inputs.get("region")), None
    if package == "gcp":
        zone = _str(inputs.get("zone"))
        region = _str(inputs.get("region"))
        if zone:
            zone_region, zone = split_gcp_location(zone)
            return region or zone_region, zone
        return region, None
    if package in ("azure-native", "azure"):
        location = _str(inputs.get("location"))
        return (normalize_azure_location(location), None) if location else (None, None)
    return None, None


def _config_location(cloud: str | None, config: Mapping[str, Any]) -> tuple[str | None, str | None]:
    for key in CONFIG_KEYS.get(cloud or "", ()):
        value = _str(config.get(key))
        if value is None:
            continue
        if cloud == "gcp":
            return split_gcp_location(value)
        if cloud == "azure":
            return normalize_azure_location(value), None
        return value, None
    return None, None


class _Index:
    """Lookups across the graph: providers by URN, Azure groups and clusters by name."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.by_urn: dict[str, Resource] = {}
        self.by_name: dict[tuple[str, str], Resource] = {}
        for r in resources:
            self.by_urn[r.urn] = r
            for key in ("name", "resourceName", "clusterName"):
                value = _str(r.inputs.get(key)) or _str(r.outputs.get(key))
                if value:
                    self.by_name.setdefault((r.type, value), r)
            self.by_name.setdefault((r.type, r.name), r)

    def named(self, types: tuple[str, ...], name: Any) -> Resource | None:
        if not isinstance(name, str):
            return None
        for type_token in types:
            hit = self.by_name.get((type_token, name))
            if hit is not None:
                return hit
        return None


_AZURE_GROUPS = ("azure-native:resources:ResourceGroup", "azure:core/resourceGroup:ResourceGroup")
_CLUSTER_OF: dict[str, tuple[tuple[str, ...], str]] = {
    "azure-native:containerservice:AgentPool": (
        ("azure-native:containerservice:ManagedCluster",),
        "resourceName",
    ),
    "gcp:container/nodePool:NodePool": (("gcp:container/cluster:Cluster",), "cluster"),
}


def _referenced_location(resource: Resource, index: _Index) -> tuple[str | None, str | None]:
    """The location of the cluster or resource group this resource names, when in the graph."""
    cluster_rule = _CLUSTER_OF.get(resource.type)
    if cluster_rule is not None:
        cluster = index.named(cluster_rule[0], resource.inputs.get(cluster_rule[1]))
        if cluster is None:
            for urns in resource.property_dependencies.values():
                for urn in urns:
                    dep = index.by_urn.get(urn)
                    if dep is not None and dep.type in cluster_rule[0]:
                        cluster = dep
        if cluster is not None and cluster.region:
            return cluster.region, cluster.zone
    if resource.cloud == "azure":
        group = index.named(_AZURE_GROUPS, resource.inputs.get("resourceGroupName"))
        if group is not None and group.region:
            return group.region, None
        # Child resources (file shares, containers, pools) live where the resource they
        # were computed from lives, e.g. a share in its storage account's location.
        for urns in resource.property_dependencies.values():
            for urn in urns:
                dep = index.by_urn.get(urn)
                if dep is not None and dep.cloud == "azure" and dep.region:
                    return dep.region, None
    return None, None


_CLUSTERS = frozenset(t for types, _ in _CLUSTER_OF.values() for t in types)


def _resolution_order(resource: Resource) -> int:
    if resource.is_provider:
        return 0
    if resource.type in _AZURE_GROUPS:
        return 1
    if resource.type in _CLUSTERS:
        return 2
    # Resources computed from others (shares from accounts) after those they depend on.
    return 4 if resource.property_dependencies else 3


def resolve_regions(resources: list[Resource], config: Mapping[str, Any]) -> None:
    """Fill `region`/`zone` on every resource that has none (in place; readers own them)."""
    index = _Index(resources)
    # Providers, resource groups and clusters first, so the resources naming them can inherit.
    ordered = sorted(resources, key=_resolution_order)
    for resource in ordered:
        if resource.cloud is None:
            resource.cloud = cloud_of_type(resource.type)
        if resource.is_provider:
            region, zone = _provider_location(resource)
            resource.region = resource.region or region
            resource.zone = resource.zone or zone
            continue
        if resource.region:
            continue
        region, zone = _resolve_one(resource, index, config)
        resource.region, resource.zone = region, resource.zone or zone


def _resolve_one(
    resource: Resource, index: _Index, config: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    for bag in (resource.inputs, resource.outputs, resource.old_inputs or {}):
        region, zone = location_from_inputs(resource, bag)
        if region:
            return region, zone
    region, zone = _referenced_location(resource, index)
    if region:
        return region, zone
    provider = index.by_urn.get(resource.provider) if resource.provider else None
    region, zone = _provider_location(provider)
    if region:
        return region, zone
    if resource.cloud is None:
        return None, None
    return _config_location(resource.cloud, config)
