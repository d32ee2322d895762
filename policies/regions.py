"""Where a resource lives: its region, from its own inputs or, failing that, its provider.

The order mirrors how the providers themselves decide:
- AWS: the resource's `region` input (pulumi-aws 7), else its availability zone, else the
  provider's `region` (which comes from `aws:region` for the default provider). IAM,
  Route 53, CloudFront and the other global services have no region.
- GCP: `zone` (→ its region), `location` (buckets, clusters) or `region`; else the
  provider's `zone`/`region`, but only for types that are zonal or regional. Global types
  (firewalls, networks, instance templates) have no region.
- Azure: `location`, normalised ('West Europe' → 'westeurope'). A resource without one
  lives in its resource group's location, which a resource-level rule cannot see; the
  resource group itself is checked (falling back to the provider's `location`), so
  residency still holds. Sub-resources (security rules, subnets) have no location.

The same order as the graph readers (`resource_graph.regions`), minus the lookups across
resources that a resource-level policy cannot make.

A region that is computed at apply time comes back as `UNKNOWN`; a resource with no
region at all as None.
"""

from __future__ import annotations

from typing import Any, Final

from cloudwright.policies import props as p
from cloudwright.resource_graph.model import cloud_of_type
from cloudwright.resource_graph.regions import (
    aws_region_of_zone,
    normalize_azure_location,
    split_gcp_location,
)

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
    }
)

# Azure types that take the provider's `location` when they do not set one (everything
# else inherits its resource group's location).
AZURE_LOCATED_TYPES: Final = frozenset(
    {"azure-native:resources:ResourceGroup", "azure:core/resourceGroup:ResourceGroup"}
)

Region = Any  # str | None | UNKNOWN


def normalise(cloud: str | None, region: str) -> str:
    region = region.strip()
    return normalize_azure_location(region) if cloud == "azure" else region.lower()


def gcp_region_of_zone(value: str) -> str:
    """'us-central1-a' → 'us-central1'; a region or multi-region ('EU' → 'eu') stays itself."""
    region, _zone = split_gcp_location(p.last_segment(value))
    return region or value.lower()


def _known(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _aws(resource_type: str, props: Any, provider: Any) -> Region:
    if resource_type.startswith(AWS_GLOBAL_PREFIXES):
        return None
    region = p.get(props, "region")
    if region is p.UNKNOWN:
        return p.UNKNOWN
    if _known(region):
        return region
    zone = p.first(props, "availabilityZone", "availabilityZones.0")
    if _known(zone):
        return aws_region_of_zone(zone.lower())
    provider_region = p.get(provider, "region")
    return provider_region if provider_region is p.UNKNOWN else _known(provider_region)


def _gcp(resource_type: str, props: Any, provider: Any) -> Region:
    for key in ("zone", "location", "region"):
        value = p.get(props, key)
        if value is p.UNKNOWN:
            return p.UNKNOWN
        if _known(value):
            return gcp_region_of_zone(value)
    if resource_type not in GCP_LOCATED_TYPES:
        return None
    for key in ("zone", "region"):
        value = p.get(provider, key)
        if _known(value):
            return gcp_region_of_zone(value)
    return None


def _azure(resource_type: str, props: Any, provider: Any) -> Region:
    location = p.get(props, "location")
    if location is p.UNKNOWN:
        return p.UNKNOWN
    if _known(location):
        return location
    if resource_type not in AZURE_LOCATED_TYPES:
        return None
    fallback = p.get(provider, "location")
    return fallback if fallback is p.UNKNOWN else _known(fallback)


def resource_region(resource_type: str, props: Any, provider_props: Any = None) -> Region:
    """The normalised region of a resource, `UNKNOWN` if computed, None if it has none."""
    cloud = cloud_of_type(resource_type)
    provider = provider_props if provider_props is not None else {}
    if cloud == "aws":
        region = _aws(resource_type, props, provider)
    elif cloud == "gcp":
        region = _gcp(resource_type, props, provider)
    elif cloud == "azure":
        region = _azure(resource_type, props, provider)
    else:
        return None
    if isinstance(region, str):
        return normalise(cloud, region)
    return region
