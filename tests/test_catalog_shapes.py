"""GCP N1 hosts with attached GPUs, per-GPU unit prices, zone kinds, AWS CPU facts and the
unit-price value pickers, on small inputs (and a few checks of the shipped snapshot)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.catalog.build import gcp_gpus, skypilot
from cloudwright.optimizer.catalog.build.offerings import zone_kinds
from cloudwright.optimizer.catalog.build.unit_prices import _convert, _pick, tier_starts
from cloudwright.optimizer.catalog.refresh.gcp import machine_prices
from cloudwright.optimizer.catalog.shapes import (
    AttachedShape,
    attached_name,
    machine_type_of,
    split_attached,
)
from cloudwright.optimizer.catalog.zones import zone_kind

GCP_HEADER = "InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice"
MEM_16 = "\"{'Gpus': [{'MemoryInfo': {'SizeInMiB': 16384}}]}\""


@pytest.fixture
def sky(tmp_path: Path) -> Path:
    root = tmp_path / "sky"
    rows = [
        "n1-standard-8,8.0,30.0,,,,us-central1,us-central1-a,0.38,0.08",
        "n1-standard-8,8.0,30.0,,,,us-central1,us-central1-b,0.38,0.08",
        "n1-standard-16,16.0,60.0,,,,us-central1,us-central1-a,0.76,0.16",
        f",,,T4,1.0,{MEM_16},us-central1,us-central1-a,0.35,0.11",
        f",,,T4,2.0,{MEM_16},us-central1,us-central1-a,0.70,0.22",
        f",,,T4,1.0,{MEM_16},us-central1,us-central1-c,0.37,0.12",
        f",,,T4,1.0,{MEM_16},asia-east1,asia-east1-a,0.35,",
        f",,,L4,1.0,{MEM_16},us-central1,us-central1-a,0.56,0.2",
    ]
    for cloud in ("aws", "azure"):
        (root / cloud).mkdir(parents=True)
    (root / "gcp").mkdir(parents=True)
    (root / "gcp" / "vms.csv").write_text("\n".join([GCP_HEADER, *rows]) + "\n", "utf-8")
    return root


# ---- naming ---------------------------------------------------------------------------------
def test_attached_names_round_trip() -> None:
    name = attached_name("n1-standard-8", "nvidia-tesla-t4", 1)
    assert name == "n1-standard-8+nvidia-tesla-t4x1"
    assert split_attached(name) == AttachedShape("n1-standard-8", "nvidia-tesla-t4", 1)
    assert machine_type_of(name) == "n1-standard-8"
    for plain in ("n1-standard-8", "a3-highgpu-8g", "p5.48xlarge", "n1-standard-8+t4", "x+yx0"):
        assert split_attached(plain) is None
        assert machine_type_of(plain) == plain


@given(
    machine=st.from_regex(r"[a-z][a-z0-9]{0,3}(-[a-z0-9]{1,8}){1,3}", fullmatch=True),
    accelerator=st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6}){0,3}", fullmatch=True),
    count=st.integers(min_value=1, max_value=16),
)
def test_any_attached_name_splits_back(machine: str, accelerator: str, count: int) -> None:
    shape = split_attached(attached_name(machine, accelerator, count))
    assert shape == AttachedShape(machine, accelerator, count)


# ---- offerings --------------------------------------------------------------------------------
def test_n1_host_plus_attached_gpu_per_zone(sky: Path) -> None:
    frame, _ = skypilot.gcp_offerings(sky)
    t4 = frame[frame["instance_type"] == "n1-standard-8+nvidia-tesla-t4x1"]
    # Zone a has the host and the GPU; zone b has no T4 row, zone c no host row.
    assert list(t4["zone"]) == ["us-central1-a"]
    row = t4.iloc[0]
    assert (row["gpu"], row["gpu_count"], row["vcpus"], row["memory_gb"]) == ("T4", 1, 8.0, 30.0)
    assert row["gpu_memory_gb"] == 16.0
    assert row["price_on_demand_usd_hr"] == pytest.approx(0.38 + 0.35)
    assert row["price_spot_usd_hr"] == pytest.approx(0.08 + 0.11)
    two = frame[frame["instance_type"] == "n1-standard-16+nvidia-tesla-t4x2"].iloc[0]
    assert two["price_on_demand_usd_hr"] == pytest.approx(0.76 + 0.70)
    # The host stays a CPU shape of its own; L4 is not attachable to N1.
    host = frame[frame["instance_type"] == "n1-standard-8"]
    assert host["gpu"].isna().all() and len(host) == 2
    assert not frame["instance_type"].str.contains("nvidia-l4").any()


def test_a_host_beyond_the_gpu_limit_stops_the_build(sky: Path) -> None:
    raw, _ = skypilot.read_cloud(sky, "gcp")
    hosts = skypilot._base_frame(raw[raw["InstanceType"].notna()], "gcp", raw["AvailabilityZone"])
    hosts.loc[hosts["instance_type"] == "n1-standard-8", "vcpus"] = 64.0
    accel = raw[raw["InstanceType"].isna()]
    with pytest.raises(DataError, match="exceeds"):
        gcp_gpus.attached_offerings(hosts, accel)


def test_attached_shape_has_a_deployable_spec(sky: Path) -> None:
    frame, _ = skypilot.gcp_offerings(sky)
    frame = frame.assign(interconnect="none", snapshot_date="2026-05-20")
    catalog = Catalog.from_frames({"offerings": frame}, date(2026, 5, 20))
    spec = catalog.instance("gcp", "n1-standard-8+nvidia-tesla-t4x1")
    assert (spec.gpu, spec.gpu_count, spec.vcpus, spec.memory_gb) == ("T4", 1, 8.0, 30.0)
    assert catalog.instance("gcp", "n1-standard-8").gpu is None


def test_shipped_snapshot_sells_n1_gpus() -> None:
    shipped = Catalog.load()
    price = shipped.hourly_price("gcp", "us-central1", "n1-standard-8+nvidia-tesla-t4x1")
    host = shipped.hourly_price("gcp", "us-central1", "n1-standard-8")
    gpu = shipped.unit_price("gcp", "gpu", "nvidia-tesla-t4", "hour", "us-central1")
    assert price is not None and host is not None and gpu is not None
    assert price == pytest.approx(host + (gpu.usd_per_unit or 0.0))  # same parts, both ways
    gcp_gpus_sold = set(shipped.offerings.query("cloud == 'gcp'")["gpu"].dropna())
    assert {"T4", "V100", "P100", "P4"} <= gcp_gpus_sold
    assert shipped.instance("gcp", "n1-standard-64+nvidia-tesla-v100x8").gpu_count == 8


# ---- per-GPU unit prices ----------------------------------------------------------------------
def test_gpu_unit_prices_median_per_region_and_bundled_notes(sky: Path) -> None:
    rows = gcp_gpus.gpu_unit_prices(gcp_gpus.gpu_rows_of(sky))
    t4 = rows[rows["product"] == "nvidia-tesla-t4"].set_index("region")
    assert t4.loc["us-central1", "usd_per_unit"] == pytest.approx(0.36)  # median of 0.35, 0.37
    assert "zones range 0.35-0.37" in str(t4.loc["us-central1", "notes"])
    assert t4["usd_per_unit"].isna()["*"]
    spot = rows[rows["product"] == "nvidia-tesla-t4-spot"]
    assert "asia-east1" not in set(spot["region"])  # no spot price there: no row
    l4 = rows[rows["product"] == "nvidia-l4"]
    assert list(l4["region"]) == ["*"] and l4["notes"].iloc[0].startswith("bundled:")


# ---- GCP refresh prices attached shapes by parts --------------------------------------------
def test_refresh_prices_an_attached_shape_as_host_parts_plus_gpus() -> None:
    parts = pd.DataFrame(
        [
            ("core", "n1", "OnDemand", "us-central1", 0.031611),
            ("ram", "n1", "OnDemand", "us-central1", 0.004237),
            ("gpu", "T4", "OnDemand", "us-central1", 0.35),
        ],
        columns=["kind", "name", "usage", "region", "usd"],
    )
    shapes = pd.DataFrame(
        {
            "region": ["us-central1", "us-central1"],
            "instance_type": ["n1-standard-8+nvidia-tesla-t4x2", "n1-standard-8"],
            "vcpus": [8.0, 8.0],
            "memory_gb": [30.0, 30.0],
        }
    )
    priced = machine_prices(parts, shapes).set_index("instance_type")
    host = 8 * 0.031611 + 30 * 0.004237
    assert priced.loc["n1-standard-8", "price_on_demand_usd_hr"] == pytest.approx(host)
    attached = priced.loc["n1-standard-8+nvidia-tesla-t4x2", "price_on_demand_usd_hr"]
    assert attached == pytest.approx(host + 2 * 0.35)


# ---- zone kinds -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cloud", "zone", "kind"),
    [
        ("aws", "use1-az1", "availability-zone"),
        ("aws", "use1-atl2-az1", "local-zone"),
        ("aws", "usw2-lax1-az2", "local-zone"),
        ("aws", "usw2-wl1-sfo-wlz1", "wavelength-zone"),
        ("gcp", "us-central1-a", "availability-zone"),
        ("azure", "2", "availability-zone"),
        ("azure", None, None),
        ("aws", "us-east-1a", None),  # a zone name, not a zone ID
    ],
)
def test_zone_kind_from_the_zone_id(cloud: str, zone: str | None, kind: str | None) -> None:
    assert zone_kind(cloud, zone) == kind


def test_an_unknown_zone_shape_stops_the_build() -> None:
    frame = pd.DataFrame({"cloud": ["aws", "aws"], "zone": ["use1-az1", "us-east-1a"]})
    with pytest.raises(DataError, match="us-east-1a"):
        zone_kinds(frame)


def test_region_offerings_separate_local_zone_spot(fixture_catalog: Catalog) -> None:
    offers = fixture_catalog.offerings.copy()
    p5 = offers[(offers["instance_type"] == "p5.48xlarge") & (offers["region"] == "us-east-1")]
    local = p5.iloc[[0]].assign(zone="use1-atl2-az1", price_spot_usd_hr=9.0)
    edge_only = p5.iloc[[0]].assign(region="us-west-2", zone="usw2-lax1-az1")
    frames = {n: fixture_catalog.table(n) for n in ("regions", "gpus", "coefficients")}
    frames["offerings"] = pd.concat([offers, local, edge_only], ignore_index=True)
    frames["offerings"]["zone_kind"] = zone_kinds(frames["offerings"])
    catalog = Catalog.from_frames(frames, fixture_catalog.snapshot_date)
    frame = catalog.region_offerings
    rows = frame[frame["instance_type"] == "p5.48xlarge"].set_index("region")
    east = rows.loc["us-east-1"]
    assert (east["spot_zone"], east["spot_zone_kind"]) == ("use1-atl2-az1", "local-zone")
    assert east["price_spot_usd_hr"] == 9.0
    assert (east["spot_az_zone"], east["price_spot_az_usd_hr"]) == ("use1-az6", 17.6289)
    assert not east["edge_only"]
    assert rows.loc["us-west-2", "edge_only"]


def test_snapshots_without_zone_kind_get_it_from_the_zone(fixture_catalog: Catalog) -> None:
    kinds = fixture_catalog.offerings[["zone", "zone_kind"]].dropna(subset=["zone"])
    assert (kinds["zone_kind"] == "availability-zone").all()


def test_shipped_snapshot_marks_aws_local_zones() -> None:
    offers = Catalog.load().offerings
    local = offers[offers["zone_kind"] == "local-zone"]
    assert {"use1-atl2-az1", "usw2-lax1-az1"} <= set(local["zone"])
    assert offers.loc[offers["zone"].isna(), "zone_kind"].isna().all()
    assert offers.loc[offers["zone"].notna(), "zone_kind"].notna().all()


# ---- AWS CPU shapes ---------------------------------------------------------------------------
def test_shipped_aws_cpu_shapes_have_vcpus_memory_and_their_source() -> None:
    offers = Catalog.load().offerings
    cpu = offers[(offers["cloud"] == "aws") & offers["gpu"].isna()]
    assert len(cpu) >= 15
    assert cpu["vcpus"].notna().all() and cpu["memory_gb"].notna().all()
    # Specs come from Karpenter's instance-type table (or, for Infracost-priced lines, the
    # AWS documentation the project's facts table cites); every row names its spec source.
    specs = "Karpenter instance-type table|docs.aws.amazon.com|aws.amazon.com/ec2"
    assert cpu["source"].str.contains(specs).all()
    t3 = Catalog.load().instance("aws", "t3.micro")
    assert (t3.vcpus, t3.memory_gb) == (2.0, 1.0)


# ---- unit-price value pickers -----------------------------------------------------------------
def test_tier_labels_in_tb_and_pb() -> None:
    assert tier_starts(["first 1PB", "next 4PB", "over 5PB"]) == [0.0, 1e6, 5e6]
    assert tier_starts(["first 10TB", "next 40TB", "over 150TB"]) == [0.0, 10240.0, 153600.0]
    assert tier_starts(["first 32", ""]) == [None, None]


def test_storage_value_pickers() -> None:
    rec: dict[str, object] = {
        "usd": "0.14 / 0.19 / 0.29",
        "notes": "Nearline 0.010, Archive 0.0012",
    }
    assert _pick(rec, "#1") == 0.19
    assert pd.isna(_pick(rec, "#3"))
    assert _pick(rec, r"notes:Archive (\d+\.\d+)") == 0.0012
    assert pd.isna(_pick(rec, r"notes:Coldline (\d+\.\d+)"))
    with pytest.raises(DataError):
        _pick(rec, "third")
    assert _convert(0.05, "per10") == (0.005, "0.05 per 10,000 operations ÷ 10")
