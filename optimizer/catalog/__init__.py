"""The catalog: what the three clouds sell, where, at what price and carbon cost.

Readers use `Catalog` (typed queries over one snapshot). Builders (`optimizer.catalog.build`)
derive the snapshot from public sources with the project's own code; fetchers
(`optimizer.catalog.refresh`) update prices from the providers' public APIs.
"""

from cloudwright.optimizer.catalog.catalog import (
    CATALOG_ENV,
    Catalog,
    Coefficient,
    GpuSpec,
    InstanceSpec,
    LatencyEstimate,
    Manifest,
    Point,
    RegionInfo,
    UnitPrice,
    default_catalog_dir,
    great_circle_km,
)
from cloudwright.optimizer.catalog.egress import EgressLadder, EgressTable

__all__ = [
    "CATALOG_ENV",
    "Catalog",
    "Coefficient",
    "EgressLadder",
    "EgressTable",
    "GpuSpec",
    "InstanceSpec",
    "LatencyEstimate",
    "Manifest",
    "Point",
    "RegionInfo",
    "UnitPrice",
    "default_catalog_dir",
    "great_circle_km",
]
