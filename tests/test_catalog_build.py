"""Builders on small inputs: SkyPilot quirks, fabric, price sanity, atomic snapshot writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog.build import price_sanity, skypilot
from cloudwright.optimizer.catalog.build.fabric import apply_fabrics, normalise_fabric, read_fabrics
from cloudwright.optimizer.catalog.build.snapshot import Snapshot, write_snapshot
from cloudwright.optimizer.catalog.build.sources import normalise_date, parse_source_date
from cloudwright.optimizer.catalog.build.unit_prices import tier_starts
from cloudwright.optimizer.catalog.catalog import Catalog

AWS_HEADER = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone,Arch"
GCP_HEADER = "InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice"
AZURE_HEADER = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,Generation"
MEM_80 = "\"{'Gpus': [{'MemoryInfo': {'SizeInMiB': 81920}}]}\""


def _write(path: Path, header: str, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


@pytest.fixture
def sky(tmp_path: Path) -> Path:
    root = tmp_path / "catalogs" / "v8"
    _write(
        root / "aws" / "vms_p.csv",
        AWS_HEADER,
        [
            "p4d.24xlarge,A100,8.0,96.0,1152.0,,21.96,2.47,us-east-1,use1-az1,x86_64",
            "p4de.24xlarge,A100-80GB,8.0,96.0,1152.0,,27.45,,us-east-1,use1-az2,x86_64",
        ],
    )
    _write(
        root / "aws" / "vms_g.csv",
        AWS_HEADER,
        ["g6.xlarge,L4,1.0,4.0,16.0,,0.8048,0.4011,us-east-1,use1-az1,x86_64"],
    )
    _write(
        root / "gcp" / "vms.csv",
        GCP_HEADER,
        [
            "a3-highgpu-8g,208.0,1872.0,,,,us-east4,us-east4-a,9.46006,2.88746",
            "a3-highgpu-8g,208.0,1872.0,,,,us-east4,us-east4-b,9.46006,2.88746",
            "a3-megagpu-8g,208.0,1872.0,,,,us-east4,us-east4-a,9.46006,2.88746",
            "n2-standard-4,4.0,16.0,,,,us-east4,us-east4-a,0.19424,0.06284",
            f",,,H100,8.0,{MEM_80},us-east4,us-east4-a,78.37241,23.9136",
            f",,,H100-MEGA,8.0,{MEM_80},us-east4,us-east4-a,82.75424,15.64",
            f",,,H100,1.0,{MEM_80},us-east4,us-east4-a,9.79655,2.9892",
            ",,,tpu-v5p-8,1.0,,us-east4,us-east4-a,33.6,14.0",
        ],
    )
    _write(
        root / "azure" / "vms.csv",
        AZURE_HEADER,
        [
            "Standard_ND96isr_H100_v5,H100,8,96,1900,,98.32,18.17,eastus,V2",
            "Standard_NV6ads_A10_v5,A10,0.167,6,55,,0.454,0.09,eastus,V2",
            "Standard_D4ps_v5,,,4,16,,0.154,0.03,eastus,V2",
        ],
    )
    return root


def test_aws_keeps_zone_ids_and_maps_a100_by_instance(sky: Path) -> None:
    frame, refs = skypilot.aws_offerings(sky)
    assert len(refs) == 2  # vms*.csv: both files read
    p4d = frame[frame["instance_type"] == "p4d.24xlarge"].iloc[0]
    assert (p4d["zone"], p4d["gpu"]) == ("use1-az1", "A100-40GB")
    p4de = frame[frame["instance_type"] == "p4de.24xlarge"].iloc[0]
    assert p4de["gpu"] == "A100-80GB" and pd.isna(p4de["price_spot_usd_hr"])


def test_gcp_host_plus_matching_gpu_row_in_the_same_zone(sky: Path) -> None:
    frame, _ = skypilot.gcp_offerings(sky)
    a3 = frame[frame["instance_type"] == "a3-highgpu-8g"].set_index("zone")
    assert a3.loc["us-east4-a", "price_on_demand_usd_hr"] == pytest.approx(9.46006 + 78.37241)
    assert a3.loc["us-east4-a", "price_spot_usd_hr"] == pytest.approx(2.88746 + 23.9136)
    assert (a3.loc["us-east4-a", "gpu"], a3.loc["us-east4-a", "gpu_count"]) == ("H100", 8)
    assert a3.loc["us-east4-a", "gpu_memory_gb"] == 80
    # No H100 row in zone b: the total is unknown, not the host price alone.
    assert a3["price_on_demand_usd_hr"].isna().tolist() == [False, True]
    mega = frame[frame["instance_type"] == "a3-megagpu-8g"].iloc[0]
    assert mega["price_on_demand_usd_hr"] == pytest.approx(9.46006 + 82.75424)
    assert mega["gpu"] == "H100"
    cpu = frame[frame["instance_type"] == "n2-standard-4"].iloc[0]
    assert pd.isna(cpu["gpu"]) and cpu["price_on_demand_usd_hr"] == pytest.approx(0.19424)
    assert not frame["instance_type"].str.startswith("tpu").any()


def test_azure_has_no_zones_and_partitioned_gpus(sky: Path) -> None:
    frame, _ = skypilot.azure_offerings(sky)
    assert frame["zone"].isna().all()
    nv = frame[frame["instance_type"] == "Standard_NV6ads_A10_v5"].iloc[0]
    assert (nv["gpu"], nv["gpu_count"], nv["gpu_fraction"]) == ("A10", 0, pytest.approx(0.167))
    arm = frame[frame["instance_type"] == "Standard_D4ps_v5"].iloc[0]
    assert arm["arch"] == "arm64"


def test_unknown_accelerator_name_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "sky"
    _write(
        root / "aws" / "vms.csv", AWS_HEADER, ["x1.big,Z9000,8,8,8,,1.0,,us-east-1,use1-az1,x86_64"]
    )
    with pytest.raises(DataError, match="Z9000"):
        skypilot.aws_offerings(root)


def test_missing_cloud_dir_says_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no SkyPilot catalog for aws"):
        skypilot.aws_offerings(tmp_path)


def test_fabric_names_normalise_to_schema() -> None:
    assert normalise_fabric("EFA v2 (GPUDirect RDMA)") == "EFA"
    assert normalise_fabric("InfiniBand NDR (Quantum-2 ConnectX-7), GPUDirect RDMA") == "InfiniBand"
    assert normalise_fabric("GPUDirect-TCPXO") == "GPUDirect-TCPXO"
    assert normalise_fabric("GPUDirect RDMA (RoCE via MRDMA VFs on ConnectX-7)") == "GPUDirect-RDMA"
    assert normalise_fabric("ENA (EFA support not confirmed in sources seen)") == "none"
    assert normalise_fabric("Ethernet only (no InfiniBand listed in feature support)") == "none"
    with pytest.raises(DataError):
        normalise_fabric("carrier pigeon")


def test_fabric_counts_from_interconnect_file(tmp_path: Path) -> None:
    path = tmp_path / "interconnect.csv"
    path.write_text(
        "cloud,instance_type,fabric,nics,gbps_per_nic,total_gbps,notes,source,source_date\n"
        "aws,p5.48xlarge,EFA v2 (GPUDirect RDMA),32,100,3200,,karpenter,2026-08\n"
        "gcp,a3-megagpu-8g,GPUDirect-TCPXO,1 gVNIC + 8 GPU data NICs,200,1800,,google,2026-08\n"
        "gcp,a3-ultragpu-8g,GPUDirect RDMA (RoCE),8 CX-7 + 2 gVNIC,400,3600,,google,2026-08\n"
        'azure,"NC A100 v4 (Standard_NC24ads..NC96ads_A100_v4)",Ethernet only,2-8,,20-80,,ms,2024-07\n',
        encoding="utf-8",
    )
    fabrics, _ = read_fabrics(path)
    offers = pd.DataFrame(
        {
            "cloud": ["aws", "gcp", "gcp", "azure", "aws"],
            "instance_type": [
                "p5.48xlarge",
                "a3-megagpu-8g",
                "a3-ultragpu-8g",
                "Standard_NC48ads_A100_v4",
                "m5.large",
            ],
        }
    )
    out = apply_fabrics(offers, fabrics).set_index("instance_type")
    assert (
        out.loc["p5.48xlarge", "interconnect"],
        out.loc["p5.48xlarge", "interconnect_nics"],
    ) == ("EFA", 32)
    assert out.loc["a3-megagpu-8g", "interconnect_nics"] == 8
    assert out.loc["a3-ultragpu-8g", "interconnect_nics"] == 8
    assert out.loc["Standard_NC48ads_A100_v4", "interconnect"] == "none"
    assert out.loc["m5.large", "interconnect"] == "none"


def test_price_flags() -> None:
    frame = pd.DataFrame(
        {
            "cloud": ["gcp"] * 5,
            "instance_type": ["a3"] * 5,
            "region": ["r1", "r2", "r3", "r4", "r5"],
            "gpu": ["H100"] * 5,
            "price_on_demand_usd_hr": pd.array([88.0, 87.0, 90.0, 43.0, None], dtype="Float64"),
            "price_spot_usd_hr": pd.array([30.0, 85.0, 31.0, 20.0, None], dtype="Float64"),
        }
    )
    flags = price_sanity.flag_prices(frame)
    assert pd.isna(flags[0])
    assert "spot within 5 %" in flags[1]
    assert flags[3].startswith("low outlier: 0.49× the median of 4 regions")
    assert "unknown" in flags[4]


def test_repeated_low_gpu_part_is_flagged_even_when_it_is_the_median() -> None:
    regions = [f"r{i}" for i in range(8)]
    gpu_part = [35.39, 35.39, 35.39, 35.39, 35.39, 82.75, 93.21, 107.58]
    frame = pd.DataFrame(
        {
            "cloud": ["gcp"] * 8,
            "instance_type": ["a3-megagpu-8g"] * 8,
            "region": regions,
            "gpu": ["H100"] * 8,
            "gpu_price_usd_hr": pd.array(gpu_part, dtype="Float64"),
            "price_on_demand_usd_hr": pd.array([p + 9.46 for p in gpu_part], dtype="Float64"),
            "price_spot_usd_hr": pd.array([None] * 8, dtype="Float64"),
        }
    )
    flags = price_sanity.flag_prices(frame)
    assert all("repeated in 5 regions" in str(f) for f in flags[:5])
    assert flags[5:].isna().all()  # the sound regions stay clean
    # A value repeated in fewer regions than the rule needs is left to the peer median.
    few = frame.assign(gpu_price_usd_hr=pd.array([35.39, 35.39] + [90.0] * 6, dtype="Float64"))
    assert not any("repeated" in str(f) for f in price_sanity.flag_prices(few))


def test_gcp_correction_rows_say_why(sky: Path) -> None:
    accel = pd.DataFrame(
        {
            "Region": ["us-central1", "us-east4"],
            "AcceleratorName": ["H100", "H100"],
            "AcceleratorCount": [8.0, 8.0],
            "Price": [33.60609, 78.37241],
        }
    )
    out = price_sanity.correct_gcp_accelerators(accel)
    assert out.loc[0, "Price"] == pytest.approx(8 * 9.79655)
    assert str(out.loc[0, "correction"]).startswith("corrected: GPU part 33.6061")
    assert out["correction"].isna().tolist() == [False, True] and out.loc[1, "Price"] == 78.37241


def test_dates_and_tiers() -> None:
    assert normalise_date("<=2024-01") == "2024-01"
    assert normalise_date("2023-04 (skyplane); SkyPilot code undated") == "2023-04"
    assert normalise_date("2022-2026") == "2026-01"
    assert parse_source_date("2026-05").isoformat() == "2026-05-01"
    with pytest.raises(DataError):
        parse_source_date("not shown")
    assert tier_starts(["first 50TB", "next 450TB", "over 500TB", ""]) == [
        0.0,
        51200.0,
        512000.0,
        None,
    ]


def test_failed_write_leaves_the_previous_snapshot(
    fixture_catalog: Catalog, tmp_path: Path
) -> None:
    target = tmp_path / "snap"
    tables = {name: fixture_catalog.table(name) for name in fixture_catalog.manifest.tables}
    good = Snapshot(tables, {}, "2026-05-20")
    write_snapshot(good, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    broken = dict(tables)
    broken["regions"] = tables["regions"].drop(columns=["lat"])
    with pytest.raises(DataError, match="lat"):
        write_snapshot(Snapshot(broken, {}, "2026-05-21"), target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]  # no staging dirs left behind
    assert Catalog.load(target).hourly_price("aws", "us-east-1", "p5.48xlarge") == 55.04
