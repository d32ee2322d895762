"""Catalog lookups behind the price filters, cached for one estimate.

Every price comes from the catalog with its source and date. A miss is a `PriceMiss` with
the reason ("t3.micro is not in the catalog snapshot", "no region"), never a zero. Instance
prices come from the catalog's region-level offerings (on-demand: median over zones; spot:
the cheapest zone), unit prices from the unit-price table (region row, else the cloud-wide
'*' row), egress from the catalog's egress ladder (`Catalog.egress_table`), blended over the
tiers the monthly volume spans.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cloudwright.core.errors import CloudwrightError
from cloudwright.optimizer.purchase import COMMIT_COLUMN, term
from cloudwright.pricing.components import (
    EgressRate,
    InstanceHours,
    PriceFilter,
    StatedRate,
    TableRate,
    UnitRate,
    Unpriced,
)
from cloudwright.pricing.tables import table_rate

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog


@dataclass(frozen=True)
class Price:
    usd_per_unit: float
    source: str
    date: str
    note: str = ""  # what the line should say about this price (a fallback, say)


@dataclass(frozen=True)
class PriceMiss:
    reason: str


class PriceBook:
    """Resolves price filters against one catalog; memoises every lookup."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._cache: dict[tuple[Any, ...], Price | PriceMiss] = {}
        self._types: dict[str, set[str]] | None = None
        self._spelling: dict[tuple[str, str], str] = {}

    def resolve(
        self, price: PriceFilter, region: str | None, quantity: float | None = None
    ) -> Price | PriceMiss:
        key: tuple[Any, ...] = (price, region, quantity if isinstance(price, EgressRate) else None)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._lookup(price, region, quantity)
            self._cache[key] = hit
        return hit

    def _lookup(
        self, price: PriceFilter, region: str | None, quantity: float | None
    ) -> Price | PriceMiss:
        if isinstance(price, InstanceHours):
            return self._instance(price, region)
        if isinstance(price, UnitRate):
            return self._unit(price, region)
        if isinstance(price, TableRate):
            return _table(price, region)
        if isinstance(price, StatedRate):
            if not price.source:  # a resource that states no rate: unknown, never $0
                return PriceMiss("the resource states no rate")
            return Price(price.usd_per_unit, price.source, price.date)
        return self._egress(price, region, quantity or 0.0)

    # ---- instances ----------------------------------------------------------------------
    def _instance_index(self) -> None:
        """Instance types per cloud and Azure's case-insensitive spellings, from the catalog's
        own offering index (built once per catalog, not per estimate)."""
        if self._types is None:
            types: dict[str, set[str]] = {}
            # Latest row first: of two spellings, the one a table scan would see last wins.
            for cloud, instance_type in self.catalog.region_offering_types:
                types.setdefault(cloud, set()).add(instance_type)
                self._spelling.setdefault((cloud, instance_type.lower()), instance_type)
            self._types = types

    def canonical_instance_type(self, cloud: str, instance_type: str) -> str:
        """The catalog's spelling of an instance type. Azure treats VM sizes
        case-insensitively (state files hold both Standard_B2s and Standard_B2S)."""
        self._instance_index()
        if cloud != "azure":
            return instance_type
        return self._spelling.get((cloud, instance_type.lower()), instance_type)

    def _instance(self, price: InstanceHours, region: str | None) -> Price | PriceMiss:
        if isinstance(price.instance_type, Unpriced):
            return PriceMiss(price.instance_type.reason)
        if region is None:
            return PriceMiss("region unknown (no region input, provider or stack config)")
        instance_type = self.canonical_instance_type(price.cloud, price.instance_type)
        rec = self.catalog.region_offering(price.cloud, region, instance_type)
        if rec is None:
            known = instance_type in (self._types or {}).get(price.cloud, set())
            if known:
                return PriceMiss(
                    f"{price.instance_type} has no price in {price.cloud}:{region} "
                    "in the catalog snapshot"
                )
            return PriceMiss(f"{price.instance_type} is not in the catalog snapshot")
        if price.commit is not None:
            committed = _number(rec.get(COMMIT_COLUMN[price.commit]))
            if committed is not None:
                source = rec.get("price_commit_source") or rec.get("source", "")
                return Price(committed, str(source), str(rec.get("snapshot_date", "")))
            fallback = self._instance(replace(price, commit=None), region)
            if isinstance(fallback, PriceMiss):
                return fallback
            note = (
                f"no {term(price.commit)} price in the catalog for {instance_type} in "
                f"{price.cloud}:{region}: priced on-demand"
            )
            return replace(fallback, note=note)
        column = "price_spot_usd_hr" if price.spot else "price_on_demand_usd_hr"
        value = _number(rec.get(column))
        if value is None:
            kind = "spot" if price.spot else "on-demand"
            return PriceMiss(f"no {kind} price for {price.instance_type} in {region}")
        return Price(value, str(rec.get("source", "")), str(rec.get("snapshot_date", "")))

    # ---- unit prices --------------------------------------------------------------------
    def _unit(self, price: UnitRate, region: str | None) -> Price | PriceMiss:
        found = self._unit_row(price, region)
        if isinstance(found, Price) or price.fallback is None:
            return found
        stand_in = self._unit(price.fallback, region)
        if isinstance(stand_in, PriceMiss):
            return found
        return Price(
            stand_in.usd_per_unit,
            f"estimated: {price.fallback_note} ({found.reason}); {stand_in.source}",
            stand_in.date,
        )

    def _unit_row(self, price: UnitRate, region: str | None) -> Price | PriceMiss:
        if isinstance(price.product, Unpriced):
            return PriceMiss(price.product.reason)
        row = self.catalog.unit_price(
            price.cloud, price.service, price.product, price.unit, region or "*"
        )
        where = f"{price.cloud}:{region}" if region else f"{price.cloud} (region unknown)"
        if row is None:
            return PriceMiss(
                f"no catalog price for {price.service} {price.product} per {price.unit} in {where}"
            )
        if row.usd_per_unit is None:
            note = f": {row.notes}" if row.notes else ""
            return PriceMiss(f"{price.service} {price.product} price not known{note}")
        return Price(row.usd_per_unit, row.source, row.source_date)

    # ---- egress -------------------------------------------------------------------------
    def _egress(self, price: EgressRate, region: str | None, gb: float) -> Price | PriceMiss:
        """$/GB blended over the tiers the monthly volume spans (the catalog's egress ladder:
        region rows, else the cloud's '*' rows), with the source of the highest tier used."""
        if region is None:
            return PriceMiss("region unknown (no region input, provider or stack config)")
        try:
            ladder = self.catalog.egress_table.ladder(price.cloud, region, price.destination)
        except CloudwrightError:
            return PriceMiss(f"no egress price for {price.cloud}:{region} → {price.destination}")
        source, when = ladder.source(gb)
        return Price(ladder.average_usd_per_gb(gb), source, when)


def _table(price: TableRate, region: str | None) -> Price | PriceMiss:
    """A row of the pricing package's own table (`pricing.tables`); a region the table does
    not list borrows the reference region's price and says so ("estimated")."""
    if isinstance(price.product, Unpriced):
        return PriceMiss(price.product.reason)
    hit = table_rate(price.cloud, price.service, price.product, price.unit, region)
    if isinstance(hit, str):
        return PriceMiss(hit)
    source = hit.row.source
    if hit.estimated_from is not None:
        source += f" [estimated: the {hit.estimated_from} price, the table has no {region} row]"
    return Price(hit.row.usd_per_unit, source, hit.row.source_date)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN → unknown
