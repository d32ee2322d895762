"""`Catalog.unit_price` answers from a one-pass index (catalog.lookups): it must pick the row a
filter-and-sort of the table picks, for every (item, region) of the packaged catalog and for
tier orders, ties and unknown tiers the packaged data lacks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from cloudwright.optimizer.catalog import Catalog, UnitPrice
from cloudwright.optimizer.catalog.types import _none_if_na


def _by_scan(
    catalog: Catalog, key: tuple[str, str, str, str], region: str, base: pd.DataFrame | None = None
) -> UnitPrice | None:
    """The reference: filter the table, sort the region's rows by tier_start (unknown first).
    `base`: the item's rows, already filtered (table order)."""
    frame = catalog.unit_prices
    cloud, service, product, unit = key
    if base is None:
        base = frame[
            (frame["cloud"] == cloud)
            & (frame["service"] == service)
            & (frame["product"] == product)
            & (frame["unit"] == unit)
        ]
    for wanted in (region, "*"):
        hit = base[base["region"] == wanted]
        if not hit.empty:
            rec = hit.sort_values("tier_start", na_position="first", kind="stable").iloc[0]
            price = _none_if_na(rec["usd_per_unit"])
            return UnitPrice(
                cloud, wanted, service, product, unit,
                float(price) if price is not None else None,
                str(rec["source"]), str(rec["source_date"]), _none_if_na(rec["notes"]),
            )  # fmt: skip
    return None


def _row(region: str | None, usd: float | None, tier: float | None, **kw: Any) -> dict[str, Any]:
    row = {
        "cloud": "aws", "region": region, "service": "s3", "product": "standard",
        "unit": "GB-month", "usd_per_unit": usd, "tier_start": tier, "notes": None,
        "source": "test", "source_date": "2026-01-01",
    }  # fmt: skip
    row.update(kw)
    return row


def test_packaged_catalog_index_matches_a_table_scan() -> None:
    catalog = Catalog.load()
    frame = catalog.unit_prices
    columns = ["cloud", "service", "product", "unit"]
    keys = set(frame[columns].dropna().itertuples(index=False))
    assert keys, "the packaged catalog has unit prices"
    # Each item's rows filtered once (groups keep table order), not once per region asked.
    items = {tuple(k): rows for k, rows in frame.groupby(columns, sort=False)}
    by_cloud = {c: set(rows["region"].dropna()) for c, rows in frame.groupby("cloud")}
    for key in keys:
        for region in by_cloud[key[0]] | {"nowhere-1"}:
            expected = _by_scan(catalog, tuple(key), region, items[tuple(key)])
            assert catalog.unit_price(*key, region) == expected, (key, region)
    probe = next(iter(sorted(keys)))  # the grouped rows are the filter's rows
    assert _by_scan(catalog, tuple(probe), "nowhere-1") == _by_scan(
        catalog, tuple(probe), "nowhere-1", items[tuple(probe)]
    )


def test_tiers_unknown_first_then_lowest_then_table_order() -> None:
    rows = [
        _row("us-east-1", 0.021, 50_000.0),
        _row("us-east-1", 0.023, 0.0, notes="first tier"),
        _row("us-east-1", 0.022, 0.0, notes="same tier, later row"),
        _row("eu-west-1", 0.030, 100.0),
        _row("eu-west-1", None, None, notes="unknown tier sorts first"),
        _row("*", 0.05, None),
        _row("us-east-1", 7.0, None, product="glacier-ir"),
    ]
    catalog = Catalog.from_frames({"unit_prices": pd.DataFrame(rows)}, date(2026, 1, 1))
    key = ("aws", "s3", "standard", "GB-month")
    us = catalog.unit_price(*key, "us-east-1")
    assert us is not None and us.usd_per_unit == 0.023 and us.notes == "first tier"
    eu = catalog.unit_price(*key, "eu-west-1")
    assert eu is not None and eu.usd_per_unit is None and eu.notes == "unknown tier sorts first"
    other = catalog.unit_price(*key, "ap-south-1")
    assert other is not None and other.region == "*" and other.usd_per_unit == 0.05
    assert catalog.unit_price("aws", "s3", "glacier", "GB-month", "us-east-1") is None
    for region in ("us-east-1", "eu-west-1", "ap-south-1"):
        assert catalog.unit_price(*key, region) == _by_scan(catalog, key, region)
