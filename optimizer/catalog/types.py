"""Value types of the catalog API: the manifest, typed lookup results, points on Earth.

Split from `catalog.py` (which re-exports every name) so the query class stays readable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from cloudwright.core.errors import DataError


@dataclass(frozen=True)
class TableInfo:
    file: str
    rows: int
    sources: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Manifest:
    snapshot_date: date
    built_at: str
    builder: str
    tables: dict[str, TableInfo]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        try:
            tables = {
                name: TableInfo(t["file"], int(t["rows"]), list(t.get("sources", [])))
                for name, t in data["tables"].items()
            }
            return cls(
                snapshot_date=date.fromisoformat(data["snapshot_date"]),
                built_at=str(data.get("built_at", "")),
                builder=str(data.get("builder", "")),
                tables=tables,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataError(f"catalog manifest is malformed: {exc!r}") from exc

    def to_json(self) -> dict[str, Any]:
        return {
            "snapshot_date": self.snapshot_date.isoformat(),
            "built_at": self.built_at,
            "builder": self.builder,
            "tables": {
                n: {"file": t.file, "rows": t.rows, "sources": t.sources}
                for n, t in self.tables.items()
            },
        }


@dataclass(frozen=True)
class RegionInfo:
    cloud: str
    region: str
    display_name: str | None
    city: str | None
    country: str
    subdivision: str | None
    continent: str
    lat: float
    lon: float
    grid_intensity_g_per_kwh: float
    grid_intensity_source: str
    pue: float
    pue_source: str


@dataclass(frozen=True)
class GpuSpec:
    gpu: str
    memory_gb: float
    board_power_w: float
    verified: bool
    source: str
    variant: str | None = None
    platform_w_per_gpu: float = 0.0  # server power beyond GPUs/CPUs/memory, per GPU (0: none)


@dataclass(frozen=True)
class InstanceSpec:
    cloud: str
    instance_type: str
    gpu: str | None
    gpu_count: int
    gpu_memory_gb: float | None
    vcpus: float | None
    memory_gb: float | None
    interconnect: str
    interconnect_nics: int | None
    interconnect_gbps: float | None
    gpu_variant: str | None = None  # the gpus table's variant (board and platform power)


@dataclass(frozen=True)
class UnitPrice:
    cloud: str
    region: str
    service: str
    product: str
    unit: str
    usd_per_unit: float | None  # None: the item exists but its price is unknown
    source: str
    source_date: str
    notes: str | None = None


@dataclass(frozen=True)
class Coefficient:
    name: str
    value: float
    unit: str
    source: str
    source_date: str


@dataclass(frozen=True)
class Point:
    """A place on Earth: a user population or a region's coordinates."""

    lat: float
    lon: float
    name: str = ""


@dataclass(frozen=True)
class LatencyEstimate:
    rtt_ms: float
    basis: str  # "measured" | "modelled"
    source: str


def _none_if_na(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def great_circle_km(a: Point, b: Point) -> float:
    """Haversine distance on a 6,371 km sphere."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
