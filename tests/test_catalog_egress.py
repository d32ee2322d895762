"""One egress implementation (`Catalog.egress_table`): the marginal price, whole-volume
costs, the optimizer's data moves and serving traffic, the lock's copy cost and the pricing
engine's egress line all read the same ladders, so they agree."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import Catalog, EgressLadder
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.planner import plan
from cloudwright.pricing.components import EgressRate
from cloudwright.pricing.prices import Price, PriceBook

LADDER = EgressLadder(
    "aws",
    "*",
    "internet",
    ((0.0, 0.09), (10_240.0, 0.085), (51_200.0, 0.07)),
    (("a", "2024-01"), ("b", "2024-02"), ("c", "2024-03")),
)
EAST_WORKLOAD: dict[str, Any] = {
    "name": "train",
    "kind": "training",
    "gpu": {"type": "A10G"},
    "nodes": 1,
    "hours_per_month": 10,
    "allow": {"regions": ["aws:us-east-2"]},
}


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


def test_ladder_integrates_over_tiers() -> None:
    assert LADDER.cost_usd(0) == 0
    assert LADDER.cost_usd(1_000) == pytest.approx(90.0)
    assert LADDER.cost_usd(20_000) == pytest.approx(10_240 * 0.09 + 9_760 * 0.085)
    assert LADDER.cost_usd(60_000) == pytest.approx(10_240 * 0.09 + 40_960 * 0.085 + 8_800 * 0.07)
    assert LADDER.usd_per_gb(0) == 0.09 and LADDER.usd_per_gb(20_000) == 0.085
    assert LADDER.average_usd_per_gb(0) == 0.09
    assert LADDER.average_usd_per_gb(1_000) == pytest.approx(0.09)
    assert LADDER.source(0) == ("a", "2024-01") and LADDER.source(60_000) == ("c", "2024-03")


def test_vectorised_cost_equals_scalar_cost(shipped: Catalog) -> None:
    volumes = np.array([0.0, 0.5, 100.0, 10_240.0, 10_241.0, 51_200.0, 200_000.0, 1e7])
    ladders = [LADDER, shipped.egress_table.ladder("aws", "us-east-2", "internet")]
    ladders.append(shipped.egress_table.ladder("gcp", "us-central1", "internet"))
    for ladder in ladders:
        vec = ladder.cost_usd_vec(volumes)
        assert vec == pytest.approx([ladder.cost_usd(float(gb)) for gb in volumes])


def test_tiers_must_start_at_zero() -> None:
    frame = pd.DataFrame(
        {
            "cloud": ["aws"],
            "region": ["*"],
            "destination": ["internet"],
            "tier_start_gb": [100.0],
            "usd_per_gb": [0.1],
            "source": ["test"],
            "source_date": ["2024-01"],
        }
    )
    catalog = Catalog.from_frames({"egress": frame}, date(2024, 1, 1))
    with pytest.raises(DataError, match="not 0"):
        catalog.egress_table.ladder("aws", "us-east-1", "internet")
    with pytest.raises(DataError, match="no egress price"):
        catalog.egress_table.ladder("gcp", "us-central1", "internet")


def test_marginal_price_agrees_with_the_ladders(fixture_catalog: Catalog) -> None:
    egress = fixture_catalog.egress_table
    for dest in ("gcp:us-central1", "aws:us-east-1", "aws:eu-central-1", "internet"):
        ladder = egress.ladder("aws", "us-east-1", dest)
        for volume in (0.0, 5_000.0, 20_000.0):
            marginal = [p for start, p in ladder.tiers if start <= volume][-1]
            assert marginal == pytest.approx(
                fixture_catalog.egress_usd_per_gb("aws", "us-east-1", dest, volume)
            )


def test_kind_follows_cloud_region_and_continent(fixture_catalog: Catalog) -> None:
    egress = fixture_catalog.egress_table
    assert egress.kind(("aws", "us-east-1"), ("gcp", "us-central1")) == "internet"
    assert egress.kind(("aws", "us-east-1"), ("aws", "us-east-1")) == "intra_region"
    assert egress.kind(("aws", "us-east-1"), ("aws", "eu-central-1")) == "inter_continent"
    assert egress.transfer_usd(("gcp", "us-central1"), ("gcp", "europe-west4"), 100) == (
        pytest.approx(8.0)
    )
    assert egress.transfer_usd(("gcp", "us-central1"), ("gcp", "europe-west4"), 0) == 0.0


def test_pair_row_wins_over_the_kind(shipped: Catalog) -> None:
    egress = shipped.egress_table
    pair = egress.ladder("aws", "us-east-1", "aws:us-east-2")
    assert (pair.region, pair.destination, pair.tiers) == (
        "us-east-1",
        "aws:us-east-2",
        ((0, 0.01),),
    )
    kind = egress.ladder("aws", "us-east-1", "aws:us-west-2")
    assert kind.destination == "inter_region" and kind.tiers == ((0.0, 0.02),)
    assert egress.transfer_usd(("aws", "us-east-1"), ("aws", "us-east-2"), 100) == 1.0
    assert egress.transfer_usd(("aws", "us-east-1"), ("aws", "us-west-2"), 100) == 2.0


def _plan_egress(catalog: Catalog, **workload: Any) -> tuple[float, float]:
    spec = Fleet.model_validate(
        {
            "version": 1,
            "objective": "cost",
            "data_amortization_months": 1,
            "workloads": [{**EAST_WORKLOAD, **workload}],
        }
    )
    a = plan(spec, catalog).assignment("train")
    assert (a.cloud, a.region) == ("aws", "us-east-2")
    return a.cost.egress_usd, a.cost.serving_egress_usd


def _pricebook_usd(catalog: Catalog, region: str, destination: str, gb: float) -> float:
    price = PriceBook(catalog).resolve(EgressRate("aws", destination), region, gb)
    assert isinstance(price, Price) and price.source and price.date
    return price.usd_per_unit * gb


def test_optimizer_catalog_and_pricing_agree_on_a_pair_row(shipped: Catalog) -> None:
    """100 GB us-east-1 → us-east-2: the exact pair row ($0.01/GB), everywhere: $1.00."""
    move, _ = _plan_egress(shipped, data={"size_gb": 100, "location": "aws:us-east-1"})
    marginal = shipped.egress_usd_per_gb("aws", "us-east-1", "aws:us-east-2", 100)
    book = _pricebook_usd(shipped, "us-east-1", "aws:us-east-2", 100)
    assert move == pytest.approx(1.00)
    assert marginal * 100 == pytest.approx(1.00)
    assert book == pytest.approx(1.00)


def _by_hand(tiers: tuple[tuple[float, float], ...], gb: float) -> float:
    return sum(
        (min(gb, tiers[i + 1][0] if i + 1 < len(tiers) else gb) - start) * price
        for i, (start, price) in enumerate(tiers)
        if gb > start
    )


@pytest.mark.parametrize(
    ("cloud", "region", "gb", "moved"),
    [
        ("aws", "us-east-2", 200_000.0, False),  # served from us-east-2: four internet tiers
        ("gcp", "us-central1", 60_000.0, True),  # data moved from GCP: leaves as internet
    ],
)
def test_optimizer_catalog_and_pricing_agree_on_internet_tiers(
    shipped: Catalog, cloud: str, region: str, gb: float, moved: bool
) -> None:
    tiers = shipped.egress_table.ladder(cloud, region, "internet").tiers
    assert len(tiers) >= 3 and tiers[2][0] < gb
    expected = _by_hand(tiers, gb)
    marginal = [shipped.egress_usd_per_gb(cloud, region, "internet", s) for s, _ in tiers]
    assert marginal == [price for _, price in tiers]
    if moved:
        optimizer, _ = _plan_egress(shipped, data={"size_gb": gb, "location": f"{cloud}:{region}"})
    else:
        _, optimizer = _plan_egress(shipped, egress_gb_month=gb)
    assert optimizer == pytest.approx(expected)
    book = PriceBook(shipped).resolve(EgressRate(cloud, "internet"), region, gb)
    assert isinstance(book, Price) and book.usd_per_unit * gb == pytest.approx(expected)
    assert shipped.egress_table.cost_usd(cloud, region, "internet", gb) == pytest.approx(expected)


def test_pricing_misses_an_unpriced_egress(fixture_catalog: Catalog) -> None:
    miss = PriceBook(fixture_catalog).resolve(EgressRate("aws", "nowhere"), "us-east-1", 10)
    assert not isinstance(miss, Price) and "no egress price" in miss.reason
