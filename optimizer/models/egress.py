"""Data-transfer cost: whole volumes priced across the catalog's egress tiers.

`Catalog.egress_usd_per_gb` gives the marginal price of one tier; moving a data set or a
month of serving traffic needs the integral over the tiers it crosses. This module indexes
the egress table once (region rows, else the cloud's `*` rows, exactly as the Catalog looks
them up — pinned by a test) so the optimizer can price thousands of transfers quickly.

Each transfer is priced on its own tier ladder, starting at 0 GB: an upper bound when other
traffic already filled the cheaper tiers earlier in the month.

Destination kinds: traffic to another cloud leaves as `internet`; within a cloud it is
`intra_region`, `inter_region` (same continent) or `inter_continent`.
"""

from __future__ import annotations

from functools import cached_property

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import Catalog

Tiers = tuple[tuple[float, float], ...]  # (tier_start_gb, usd_per_gb), ascending

KINDS = ("internet", "intra_region", "inter_region", "inter_continent")


class EgressPricer:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    @cached_property
    def _tiers(self) -> dict[tuple[str, str, str], Tiers]:
        frame = self._catalog.egress
        out: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
        for cloud, region, dest, start, price in frame[
            ["cloud", "region", "destination", "tier_start_gb", "usd_per_gb"]
        ].itertuples(index=False):
            out.setdefault((str(cloud), str(region), str(dest)), []).append(
                (float(start), float(price))
            )
        return {k: tuple(sorted(v)) for k, v in out.items()}

    def tiers(self, cloud: str, region: str, kind: str) -> Tiers:
        """The tier ladder for traffic leaving cloud:region as `kind`."""
        for wanted in (region, "*"):
            hit = self._tiers.get((cloud, wanted, kind))
            if hit:
                if hit[0][0] > 0:
                    raise DataError(
                        f"egress tiers for {cloud}:{wanted} → {kind} start at "
                        f"{hit[0][0]:g} GB, not 0"
                    )
                return hit
        raise DataError(f"no egress price for {cloud}:{region} → {kind}")

    def kind(self, src: tuple[str, str], dst: tuple[str, str]) -> str:
        if src[0] != dst[0]:
            return "internet"
        if src[1] == dst[1]:
            return "intra_region"
        a = self._catalog.region(*src).continent
        b = self._catalog.region(*dst).continent
        return "inter_region" if a == b else "inter_continent"

    def cost_usd(self, cloud: str, region: str, kind: str, gb: float) -> float:
        """Price of moving `gb` out of cloud:region as `kind`, across the tiers."""
        return tiered_cost(self.tiers(cloud, region, kind), gb, f"{cloud}:{region} → {kind}")

    def transfer_usd(self, src: tuple[str, str], dst: tuple[str, str], gb: float) -> float:
        if gb <= 0:
            return 0.0
        return self.cost_usd(src[0], src[1], self.kind(src, dst), gb)


def tiered_cost(tiers: Tiers, gb: float, what: str = "egress") -> float:
    """∑ over tiers of price × the part of `gb` that falls in the tier."""
    if gb <= 0:
        return 0.0
    if tiers[0][0] > 0:
        raise DataError(f"egress tiers for {what} start at {tiers[0][0]:g} GB, not 0")
    total = 0.0
    for i, (start, price) in enumerate(tiers):
        end = tiers[i + 1][0] if i + 1 < len(tiers) else float("inf")
        if gb <= start:
            break
        total += (min(gb, end) - start) * price
    return total
