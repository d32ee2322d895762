"""Latency from user populations to candidate regions: a weight-averaged round-trip time.

For each population the RTT is the catalog's fitted model (`Catalog.latency(Point, region)`:
intercept + inflation × fibre light-speed RTT over the great-circle distance, plus the
last-mile access allowance, never below the fibre bound). A workload's latency is the
weight-averaged RTT over its populations; its SLO bounds that average (a hard constraint).

This module evaluates the same model for many regions at once with numpy; a test pins it to
`Catalog.latency` so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cloudwright.optimizer.catalog import Catalog

EARTH_RADIUS_KM = 6371.0  # the sphere `optimizer.catalog.great_circle_km` uses


@dataclass(frozen=True)
class Population:
    lat: float
    lon: float
    weight: float


@dataclass(frozen=True)
class LatencyModel:
    intercept_ms: float
    inflation: float
    access_ms: float
    fibre_km_per_ms: float
    source: str

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> LatencyModel:
        inflation = catalog.coefficient("latency_inflation")
        return cls(
            intercept_ms=catalog.coefficient("latency_intercept_ms").value,
            inflation=inflation.value,
            access_ms=catalog.coefficient("latency_access_ms").value,
            fibre_km_per_ms=catalog.coefficient("fibre_km_per_ms").value,
            source=f"great-circle model fitted to {inflation.source}",
        )

    def user_rtt_ms(
        self, lat: float, lon: float, region_lat: np.ndarray, region_lon: np.ndarray
    ) -> np.ndarray:
        """RTT from one population to each region (vectorised `Catalog.modelled_rtt_ms`)."""
        km = great_circle_km(lat, lon, region_lat, region_lon)
        bound = 2.0 * km / self.fibre_km_per_ms
        rtt = self.intercept_ms + self.inflation * bound + self.access_ms
        return np.asarray(np.maximum(rtt, bound), dtype=float)

    def weighted_rtt_ms(
        self, users: Sequence[Population], region_lat: np.ndarray, region_lon: np.ndarray
    ) -> np.ndarray:
        """Weight-averaged RTT from the populations to each region."""
        total = sum(u.weight for u in users)
        out = np.zeros(len(region_lat))
        for u in users:
            out += u.weight / total * self.user_rtt_ms(u.lat, u.lon, region_lat, region_lon)
        return out


def great_circle_km(lat: float, lon: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Haversine distance from one point to many, in km."""
    p1, l1 = np.radians(lat), np.radians(lon)
    p2, l2 = np.radians(lat2), np.radians(lon2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))), dtype=float)
