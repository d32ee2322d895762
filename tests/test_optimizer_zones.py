"""AWS Local and Wavelength Zones: multi-node fabric clusters and parallel file systems stay
in a region's own availability zones (prices and zones from those only); other workloads may
still take a Local Zone when it is cheapest."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from cloudwright.core.errors import InfeasibleError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.catalog.zones import is_edge_zone
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.planner import plan
from cloudwright.optimizer.solver.filters import needs_regular_zones
from cloudwright.optimizer.solver.offers import build_offer_table

TABLES = ("offerings", "regions", "gpus", "egress", "unit_prices", "coefficients", "latency")
LOCAL_ZONE = "use1-atl2-az1"  # Atlanta, a Local Zone of us-east-1
REGULAR_SPOT = 17.6289  # the fixture's cheapest p5.48xlarge spot price in us-east-1's own zones
H100: dict[str, Any] = {
    "name": "train",
    "kind": "training",
    "gpu": {"type": "H100", "count": 8},
    "hours_per_month": 100,
    "spot": True,
    "clouds": ["aws"],
}


def with_local_zone(catalog: Catalog, rows: list[dict[str, Any]]) -> Catalog:
    """The fixture catalog plus p5.48xlarge rows copied from us-east-1 with `rows` applied."""
    frames = {name: catalog.table(name).copy() for name in TABLES}
    offers = frames["offerings"]
    template = offers[
        (offers["instance_type"] == "p5.48xlarge") & (offers["region"] == "us-east-1")
    ].iloc[0]
    extra = pd.DataFrame([{**template.to_dict(), **row} for row in rows])
    extra["zone_kind"] = "local-zone"
    frames["offerings"] = pd.concat([offers, extra], ignore_index=True)
    return Catalog.from_frames(frames, catalog.snapshot_date)


def fleet(*workloads: dict[str, Any]) -> Fleet:
    return Fleet.model_validate({"version": 1, "objective": "cost", "workloads": list(workloads)})


@pytest.fixture
def local(fixture_catalog: Catalog) -> Catalog:
    # The Local Zone sells p5.48xlarge spot far below the region's own zones.
    return with_local_zone(
        fixture_catalog,
        [{"zone": LOCAL_ZONE, "price_on_demand_usd_hr": 55.04, "price_spot_usd_hr": 5.0}],
    )


def test_only_multi_node_fabric_and_parallel_fs_need_regular_zones() -> None:
    workloads = fleet(
        {**H100, "name": "cluster", "nodes": 2, "interconnect": "required"},
        {**H100, "name": "lustre", "storage": {"parallel_fs_tb": 10}},
        {**H100, "name": "single", "nodes": 1, "interconnect": "required"},
        {**H100, "name": "plain", "nodes": 4},
    ).workloads
    assert [needs_regular_zones(w) for w in workloads] == [True, True, False, False]


def test_a_fabric_cluster_never_lands_in_a_local_zone(local: Catalog) -> None:
    cluster = {**H100, "nodes": 2, "interconnect": "required"}
    a = plan(fleet(cluster), local).assignment("train")
    assert (a.cloud, a.region, a.instance_type, a.pricing) == (
        "aws",
        "us-east-1",
        "p5.48xlarge",
        "spot",
    )
    assert a.zone is not None and not is_edge_zone("aws", a.zone)
    assert a.hourly_usd == pytest.approx(REGULAR_SPOT * 2)  # the regular zones' spot price
    # The Local Zone's spot price is no alternative either (us-east-1 spot is the choice).
    assert all((x.region, x.pricing) != ("us-east-1", "spot") for x in a.alternatives)


def test_a_parallel_file_system_keeps_to_regular_zones(local: Catalog) -> None:
    lustre = {**H100, "storage": {"parallel_fs_tb": 10}}
    a = plan(fleet(lustre), local).assignment("train")
    assert a.zone is not None and not is_edge_zone("aws", a.zone)


def test_other_workloads_may_use_the_local_zone_when_cheapest(local: Catalog) -> None:
    a = plan(fleet({**H100, "nodes": 1}), local).assignment("train")
    assert (a.region, a.zone, a.pricing) == ("us-east-1", LOCAL_ZONE, "spot")
    assert a.hourly_usd == pytest.approx(5.0)


def test_on_demand_ties_go_to_a_regular_zone(fixture_catalog: Catalog) -> None:
    # "use1-atl2-az1" sorts before "use1-az2": a tie on price must not pick it by name.
    tied = with_local_zone(fixture_catalog, [{"zone": LOCAL_ZONE, "price_spot_usd_hr": None}])
    table = build_offer_table(tied)
    rows = [
        i
        for i in range(len(table))
        if table.region[i] == "us-east-1" and table.instance_type[i] == "p5.48xlarge"
    ]
    assert [table.on_demand_zone[i] for i in rows] == ["use1-az2", "use1-az2"]
    assert [bool(table.zone_copy[i]) for i in rows] == [False, True]
    a = plan(fleet({**H100, "nodes": 1, "spot": False}), tied).assignment("train")
    assert a.zone == "use1-az2"


def test_a_type_sold_only_in_a_local_zone_is_refused_with_the_reason(
    fixture_catalog: Catalog,
) -> None:
    # p5.48xlarge in eu-central-1 only in Hamburg's Local Zone, and the cheapest anywhere.
    only_local = with_local_zone(
        fixture_catalog,
        [
            {
                "region": "eu-central-1",
                "zone": "euc1-ham1-az1",
                "price_on_demand_usd_hr": 1.0,
                "price_spot_usd_hr": None,
            }
        ],
    )
    pinned = {**H100, "spot": False, "allow": {"regions": ["aws:eu-central-1"]}}
    single = plan(fleet({**pinned, "nodes": 1}), only_local).assignment("train")
    assert (single.region, single.zone) == ("eu-central-1", "euc1-ham1-az1")
    cluster = {**pinned, "nodes": 2, "interconnect": "required"}
    with pytest.raises(InfeasibleError, match="only in AWS Local or Wavelength Zones"):
        plan(fleet(cluster), only_local)
    # Unpinned, the cluster goes to a regular zone elsewhere and the funnel says why.
    free = plan(fleet({**cluster, "allow": None}), only_local).assignment("train")
    assert free.zone is not None and not is_edge_zone("aws", free.zone)
    assert "regular zones →" in free.why


def test_a_fabric_cluster_does_not_share_a_single_nodes_local_zone_offers(local: Catalog) -> None:
    # Same GPU shape and fabric requirement; only the node count differs. Planned first, the
    # 1-node job may take the Local Zone; the 4-node cluster must still keep to regular zones.
    single = {**H100, "name": "single", "nodes": 1, "interconnect": "required"}
    cluster = {**H100, "name": "cluster", "nodes": 4, "interconnect": "required"}
    lustre = {**H100, "name": "lustre", "nodes": 1, "storage": {"parallel_fs_tb": 10}}
    result = plan(fleet(single, cluster, lustre), local)
    first = result.assignment("single")
    assert (first.zone, first.pricing) == (LOCAL_ZONE, "spot")
    for name, nodes in (("cluster", 4), ("lustre", 1)):
        a = result.assignment(name)
        assert a.zone is not None and not is_edge_zone("aws", a.zone)
        assert a.hourly_usd == pytest.approx(REGULAR_SPOT * nodes)
        assert all((x.region, x.pricing) != ("us-east-1", "spot") for x in a.alternatives)
