"""The catalog: what the three clouds sell, where, at what price and carbon cost.

Readers use `Catalog` (typed queries over one snapshot). Builders (`optimizer.catalog.build`)
derive the snapshot from public sources with the project's own code; fetchers
(`optimizer.catalog.refresh`) update prices from the providers' public APIs.
"""

from cloudwright.optimizer.catalog.catalog import (
    Catalog,
    Coefficient,
    GpuSpec,
    InstanceSpec,
    LatencyEstimate,
    Manifest,
    Point,
    RegionInfo,
    UnitPrice,
    great_circle_km,
)

__all__ = [
    "Catalog",
    "Coefficient",
    "GpuSpec",
    "InstanceSpec",
    "LatencyEstimate",
    "Manifest",
    "Point",
    "RegionInfo",
    "UnitPrice",
    "great_circle_km",
]
