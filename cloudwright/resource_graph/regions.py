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

`region_of` is the same order seen from one resource (what a resource-level policy can see:
its inputs and its provider), with the provider's own rules on who inherits: AWS global
services (IAM, Route 53, CloudFront, …) have no region; GCP types that are neither zonal nor
regional (firewalls, networks, instance templates) have none; an Azure resource inherits
its resource group's location, which one resource cannot see, so only resource groups fall
back to the provider's. A deciding value that is computed or secret comes back `Unknown`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from cloudwright.resource_graph.model import Resource, Unknown, cloud_of_type

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
    as the region, so a price lookup can miss them honestly instead of picking a region.
    Self links ('projects/p/zones/us-central1-a') count by their last segment."""
    text = value.strip().rstrip("/").rsplit("/", 1)[-1]
    zone_match = _GCP_ZONE.match(text.lower())
    if zone_match:
        return zone_match.group(1), text.lower()
    return text.lower(), None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


Location = tuple[Any, str | None]  # (region: str | Unknown | None, zone)


def _aws_location(bag: Mapping[str, Any]) -> Location:
    region = bag.get("region")
    if isinstance(region, Unknown):
        return region, None
    zone = _str(bag.get("availabilityZone"))
    if zone is None:
        zones = bag.get("availabilityZones")
        if isinstance(zones, list) and zones and isinstance(zones[0], str):
            zone = zones[0]
        elif isinstance(bag.get("availabilityZone"), Unknown) and not _str(region):
            return bag["availabilityZone"], None
    region = _str(region)
    if region is None and zone is not None:
        region = aws_region_of_zone(zone.lower())
    # A zone id ('use1-az1') names the zone but not the region.
    return (region.lower() if region else None), zone or _str(bag.get("availabilityZoneId"))


def own_location(cloud: str | None, bag: Mapping[str, Any]) -> Location:
    """(region, zone) that one input bag states itself; the region is `Unknown` when the
    deciding input is computed or secret, (None, None) when it says nothing."""
    if cloud == "aws":
        return _aws_location(bag)
    if cloud == "gcp":
        for key in ("zone", "location", "region"):
            value = bag.get(key)
            if isinstance(value, Unknown):
                return value, None
            if isinstance(value, str) and value:
                return split_gcp_location(value)
        return None, None
    if cloud == "site":  # an own site's allocation names its site
        site = bag.get("site")
        return (site if isinstance(site, str) and site else None), None
    if cloud == "azure":
        value = bag.get("location")
        if isinstance(value, Unknown):
            return value, None
        zones = bag.get("zones")
        zone = str(zones[0]) if isinstance(zones, list) and zones else None
        if isinstance(value, str) and value:
            return normalize_azure_location(value), zone
        return None, zone
    return None, None


def location_from_inputs(
    resource: Resource, bag: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """(region, zone) that one input bag of `resource` states itself, or (None, None)."""
    region, zone = own_location(resource.cloud or cloud_of_type(resource.type), bag)
    return (None, None) if isinstance(region, Unknown) else (region, zone)


def _provider_location(provider: Resource | None) -> tuple[str | None, str | None]:
    if provider is None:
        return None, None
    region, zone = provider_location(
        provider.type.removeprefix("pulumi:providers:"), provider.inputs
    )
    return (None, None) if isinstance(region, Unknown) else (region, zone)


def provider_location(package: str, inputs: Mapping[str, Any]) -> Location:
    """(region, zone) a provider's configuration sets (`Unknown` region when computed)."""
    if package == "aws":
        region = inputs.get("region")
        return (region, None) if isinstance(region, Unknown) else (_str(region), None)
    if package == "gcp":
        zone = inputs.get("zone")
        region = inputs.get("region")
        if isinstance(region, Unknown):
            return region, None
        if isinstance(zone, str) and zone:
            zone_region, zone_name = split_gcp_location(zone)
            return _str(region) or zone_region, zone_name
        return _str(region), None
    if package in ("azure-native", "azure"):
        location = inputs.get("location")
        if isinstance(location, Unknown):
            return location, None
        if isinstance(location, str) and location:
            return normalize_azure_location(location), None
        return None, None
    return None, None


AWS_GLOBAL_PREFIXES: Final = (
    "aws:iam/",
    "aws:route53/",
    "aws:cloudfront/",
    "aws:organizations/",
    "aws:budgets/",
    "aws:shield/",
    "aws:globalaccelerator/",
    "aws:costexplorer/",
)

# GCP types whose location defaults to the provider's zone/region when not set.
GCP_LOCATED_TYPES: Final = frozenset(
    {
        "gcp:compute/instance:Instance",
        "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
        "gcp:compute/disk:Disk",
        "gcp:compute/regionDisk:RegionDisk",
        "gcp:compute/instanceGroupManager:InstanceGroupManager",
        "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
        "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
        "gcp:compute/resourcePolicy:ResourcePolicy",
        "gcp:compute/subnetwork:Subnetwork",
        "gcp:compute/router:Router",
        "gcp:compute/routerNat:RouterNat",
        "gcp:compute/address:Address",
        "gcp:container/cluster:Cluster",
        "gcp:container/nodePool:NodePool",
        "gcp:filestore/instance:Instance",
        "gcp:parallelstore/instance:Instance",
        "gcp:lustre/instance:Instance",
        "gcp:sql/databaseInstance:DatabaseInstance",
    }
)

# Azure types that take the provider's `location` when they do not set one (everything
# else inherits its resource group's location).
AZURE_LOCATED_TYPES: Final = frozenset(
    {"azure-native:resources:ResourceGroup", "azure:core/resourceGroup:ResourceGroup"}
)


def inherits_provider_location(type_token: str) -> bool:
    cloud = cloud_of_type(type_token)
    if cloud == "aws":
        return not type_token.startswith(AWS_GLOBAL_PREFIXES)
    if cloud == "gcp":
        return type_token in GCP_LOCATED_TYPES
    return type_token in AZURE_LOCATED_TYPES


def region_of(
    type_token: str, inputs: Mapping[str, Any], provider_inputs: Mapping[str, Any]
) -> Any:
    """The region of one resource from its inputs and its provider's configuration (see the
    module docstring): a region code, `Unknown`, or None for resources without a region."""
    cloud = cloud_of_type(type_token)
    if cloud is None or (cloud == "aws" and type_token.startswith(AWS_GLOBAL_PREFIXES)):
        return None
    region, _zone = own_location(cloud, inputs)
    if region is None and inherits_provider_location(type_token):
        region, _zone = provider_location(type_token.split(":", 1)[0], provider_inputs)
    return region.strip().lower() if isinstance(region, str) else region


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
