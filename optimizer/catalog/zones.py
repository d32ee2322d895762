"""Zone kinds: ordinary availability zones versus AWS Local Zones and Wavelength Zones.

AWS sells some instance types in Local Zones (metro extensions of a region, zone IDs with a
location segment: `use1-atl2-az1`, `usw2-lax1-az1`) and Wavelength Zones (inside carrier
networks: `usw2-wl1-sfo-wlz1`). Both are billed under their parent region, but they lack most
of what a multi-node GPU cluster needs (FSx for Lustre, cluster placement groups across the
parent's zones, most NAT gateways), so readers that place fabric or storage-heavy workloads
want to tell them apart. The vocabulary is AWS's own `ZoneType` (DescribeAvailabilityZones):
`availability-zone`, `local-zone`, `wavelength-zone`.

The kind is read from the zone ID's shape, as AWS documents it (zone IDs
`<region-code>-az<N>`, Local Zone IDs `<region-code>-<location><N>-az<N>`, Wavelength Zone IDs
`<region-code>-wl<N>-<location>-wlz<N>`). GCP zones (`us-central1-a`) and Azure zone numbers
are ordinary availability zones. A zone whose shape is not recognised has no kind (None); the
builder refuses such zones rather than guessing.

Pure functions, no pandas: components and policies may import them.
"""

from __future__ import annotations

import re

AVAILABILITY_ZONE = "availability-zone"
LOCAL_ZONE = "local-zone"
WAVELENGTH_ZONE = "wavelength-zone"
ZONE_KINDS: tuple[str, ...] = (AVAILABILITY_ZONE, LOCAL_ZONE, WAVELENGTH_ZONE)
# Zones outside a region's own data centres: no FSx for Lustre, no cluster spanning them.
EDGE_ZONE_KINDS: frozenset[str] = frozenset({LOCAL_ZONE, WAVELENGTH_ZONE})

_PATTERNS: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "aws": (
        (re.compile(r"^[a-z]+\d+-az\d+$"), AVAILABILITY_ZONE),
        (re.compile(r"^[a-z]+\d+-[a-z]+\d+-az\d+$"), LOCAL_ZONE),
        (re.compile(r"^[a-z]+\d+-wl\d+-[a-z]+-wlz\d+$"), WAVELENGTH_ZONE),
    ),
    "gcp": ((re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$"), AVAILABILITY_ZONE),),
    "azure": ((re.compile(r"^\d$"), AVAILABILITY_ZONE),),
}


def zone_kind(cloud: str, zone: str | None) -> str | None:
    """The kind of `zone` (one of ZONE_KINDS), or None when there is no zone or its shape is
    not one the cloud documents."""
    if not zone:
        return None
    for pattern, kind in _PATTERNS.get(cloud, ()):
        if pattern.match(zone):
            return kind
    return None


def is_edge_zone(cloud: str, zone: str | None) -> bool:
    """True for AWS Local Zones and Wavelength Zones."""
    return zone_kind(cloud, zone) in EDGE_ZONE_KINDS
