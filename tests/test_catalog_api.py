"""The Catalog query API over the frozen fixture catalog."""

from __future__ import annotations

import math

import pytest

from cloudwright.core.errors import UnknownNameError
from cloudwright.optimizer.catalog import Catalog, Point


def test_region_offerings_one_row_per_region_and_type(fixture_catalog: Catalog) -> None:
    frame = fixture_catalog.region_offerings
    p5 = frame[(frame.cloud == "aws") & (frame.instance_type == "p5.48xlarge")]
    assert len(p5) == 1
    row = p5.iloc[0]
    assert row.price_on_demand_usd_hr == pytest.approx(55.04)
    assert row.price_spot_usd_hr == pytest.approx(17.6289)  # the cheapest zone's spot
    assert row.spot_zone == "use1-az6"


def test_unknown_names_suggest_closest(fixture_catalog: Catalog) -> None:
    with pytest.raises(UnknownNameError) as err:
        fixture_catalog.check_gpu("H10")
    assert "H100" in err.value.suggestions
    with pytest.raises(UnknownNameError) as err:
        fixture_catalog.check_region("aws", "us-east1")
    assert err.value.suggestions[0] == "us-east-1"
    with pytest.raises(UnknownNameError):
        fixture_catalog.check_cloud("aws2")


def test_instance_spec_carries_fabric(fixture_catalog: Catalog) -> None:
    spec = fixture_catalog.instance("aws", "p5.48xlarge")
    assert (spec.gpu, spec.gpu_count, spec.interconnect, spec.interconnect_nics) == (
        "H100",
        8,
        "EFA",
        32,
    )


def test_unit_price_falls_back_to_cloud_wide_row_and_keeps_unknown(
    fixture_catalog: Catalog,
) -> None:
    gke = fixture_catalog.unit_price("gcp", "gke", "cluster", "hour", "europe-west4")
    assert gke is not None and gke.region == "*" and gke.usd_per_unit == pytest.approx(0.10)
    lustre = fixture_catalog.unit_price("gcp", "managed_lustre", "125", "GB-month", "us-central1")
    assert lustre is not None and lustre.usd_per_unit is None
    assert fixture_catalog.unit_price("aws", "ebs", "io2", "GB-month", "us-east-1") is None


def test_egress_resolves_destination_kind(fixture_catalog: Catalog) -> None:
    c = fixture_catalog
    assert c.egress_usd_per_gb("aws", "us-east-1", "gcp:us-central1") == pytest.approx(0.09)
    assert c.egress_usd_per_gb("aws", "us-east-1", "internet", 20_000) == pytest.approx(0.085)
    assert c.egress_usd_per_gb("aws", "us-east-1", "aws:us-east-1") == pytest.approx(0.01)


def test_latency_measured_then_modelled_never_below_fibre(fixture_catalog: Catalog) -> None:
    c = fixture_catalog
    measured = c.latency(("aws", "us-east-1"), ("aws", "eu-central-1"))
    assert measured.basis == "measured" and measured.rtt_ms == 92.0
    frankfurt = Point(50.11, 8.68, "frankfurt")
    modelled = c.latency(frankfurt, ("gcp", "europe-west4"))
    assert modelled.basis == "modelled"
    km = 2 * 6371 * math.asin(1)  # antipodes: the bound dominates any fit
    far = c.modelled_rtt_ms(Point(0, 0), Point(0, 180))
    assert far >= 2 * km / 204 - 1e-6
