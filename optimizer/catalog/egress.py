"""Data-transfer prices: the one place the catalog's egress tiers are read.

`Catalog.egress_table` (built once per catalog) indexes the egress table and answers every
egress question the project asks: the marginal $/GB at a monthly volume
(`Catalog.egress_usd_per_gb`), the price of a whole volume across the tiers it crosses (the
optimizer's data moves and serving traffic, the lock's copy cost, the pricing engine's
egress line), and the source and date of the rows used.

Destination: a kind — `internet`, `intra_region`, `inter_region` (same continent),
`inter_continent` — or a `cloud:region` pair. A row priced for the exact pair wins (AWS
us-east-1 ↔ us-east-2); else the pair resolves to its kind: another cloud is `internet`, the
same region `intra_region`, else by the two regions' continents. For a kind, the source
region's rows win, else the cloud's `*` rows. Every tier ladder starts at 0 GB.

Each volume is priced on its own ladder from 0 GB: an upper bound when other traffic already
filled the cheaper tiers earlier in the month.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cloudwright.core.errors import DataError

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog.catalog import Catalog

Tiers = tuple[tuple[float, float], ...]  # (tier_start_gb, usd_per_gb), ascending from 0

KINDS = ("internet", "intra_region", "inter_region", "inter_continent")

_Key = tuple[str, str, str]  # (cloud, region or '*', destination)


@dataclass(frozen=True)
class EgressLadder:
    """The tiers that price traffic leaving cloud:region toward one destination."""

    cloud: str
    region: str  # the rows' region: the source region, or '*' (the cloud's default)
    destination: str  # the kind, or the 'cloud:region' pair of an exact pair row
    tiers: Tiers
    sources: tuple[tuple[str, str], ...]  # (source, source_date) of each tier

    def _tier_at(self, monthly_gb: float) -> int:
        """Index of the tier a monthly volume falls in (the first for 0 GB or less)."""
        index = 0
        for i, (start, _) in enumerate(self.tiers):
            if start <= monthly_gb:
                index = i
        return index

    def usd_per_gb(self, monthly_gb: float = 0.0) -> float:
        """Marginal $/GB at `monthly_gb`: the price of the tier that volume falls in."""
        return self.tiers[self._tier_at(monthly_gb)][1]

    def cost_usd(self, gb: float) -> float:
        """∑ over tiers of price × the part of `gb` that falls in the tier."""
        if gb <= 0:
            return 0.0
        total = 0.0
        for i, (start, price) in enumerate(self.tiers):
            if gb <= start:
                break
            end = self.tiers[i + 1][0] if i + 1 < len(self.tiers) else float("inf")
            total += (min(gb, end) - start) * price
        return total

    def cost_usd_vec(self, gb: np.ndarray) -> np.ndarray:
        """`cost_usd` of every volume in `gb` (the solver's vectorised form; pinned equal)."""
        out = np.zeros(len(gb))
        for i, (start, price) in enumerate(self.tiers):
            end = self.tiers[i + 1][0] if i + 1 < len(self.tiers) else np.inf
            out += price * np.clip(gb - start, 0.0, end - start)
        return out

    def average_usd_per_gb(self, gb: float) -> float:
        """$/GB blended over the tiers `gb` spans (the first tier's price for 0 GB)."""
        return self.cost_usd(gb) / gb if gb > 0 else self.tiers[0][1]

    def source(self, gb: float = 0.0) -> tuple[str, str]:
        """(source, source_date) of the highest tier `gb` reaches."""
        return self.sources[self._tier_at(gb)]


class EgressTable:
    """The catalog's egress rows, indexed once. Get it from `Catalog.egress_table`."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._ladders = _index(catalog)

    def kind(self, src: tuple[str, str], dst: tuple[str, str]) -> str:
        """The destination kind of traffic from src (cloud, region) to dst (cloud, region)."""
        if src[0] != dst[0]:
            return "internet"  # cross-cloud traffic leaves as internet egress
        if src[1] == dst[1]:
            return "intra_region"
        a = self._catalog.region(*src).continent
        b = self._catalog.region(*dst).continent
        return "inter_region" if a == b else "inter_continent"

    def ladder(self, cloud: str, region: str, destination: str) -> EgressLadder:
        """The tiers for traffic leaving cloud:region toward `destination` (a kind or a
        'cloud:region' pair). Raises DataError when the catalog has no price for it."""
        hit = self._ladders.get((cloud, region, destination)) if ":" in destination else None
        kind = destination
        if hit is None and ":" in destination:
            dst_cloud, dst_region = destination.split(":", 1)
            kind = self.kind((cloud, region), (dst_cloud, dst_region))
        if hit is None:
            hit = self._ladders.get((cloud, region, kind)) or self._ladders.get((cloud, "*", kind))
        if hit is None:
            raise DataError(f"no egress price for {cloud}:{region} → {kind}")
        if hit.tiers[0][0] > 0:
            raise DataError(
                f"egress tiers for {cloud}:{hit.region} → {hit.destination} start at "
                f"{hit.tiers[0][0]:g} GB, not 0"
            )
        return hit

    def usd_per_gb(
        self, cloud: str, region: str, destination: str, monthly_gb: float = 0.0
    ) -> float:
        """Marginal $/GB at a monthly volume (the tier that volume falls in)."""
        return self.ladder(cloud, region, destination).usd_per_gb(monthly_gb)

    def cost_usd(self, cloud: str, region: str, destination: str, gb: float) -> float:
        """Price of moving `gb` out of cloud:region toward `destination`, across the tiers."""
        return self.ladder(cloud, region, destination).cost_usd(gb) if gb > 0 else 0.0

    def transfer_usd(self, src: tuple[str, str], dst: tuple[str, str], gb: float) -> float:
        """Price of copying `gb` from src (cloud, region) to dst (cloud, region)."""
        return self.cost_usd(src[0], src[1], f"{dst[0]}:{dst[1]}", gb)


def _index(catalog: Catalog) -> dict[_Key, EgressLadder]:
    rows: dict[_Key, list[tuple[float, float, str, str]]] = {}
    frame = catalog.egress
    cols = ["cloud", "region", "destination", "tier_start_gb", "usd_per_gb", "source"]
    for cloud, region, dest, start, price, source, when in frame[[*cols, "source_date"]].itertuples(
        index=False
    ):
        key = (str(cloud), str(region), str(dest))
        rows.setdefault(key, []).append((float(start), float(price), str(source), str(when)))
    ladders: dict[_Key, EgressLadder] = {}
    for key, tiers in rows.items():
        tiers.sort(key=lambda t: t[0])
        ladders[key] = EgressLadder(
            *key,
            tiers=tuple((t[0], t[1]) for t in tiers),
            sources=tuple((t[2], t[3]) for t in tiers),
        )
    return ladders
