"""The usage file: validation with file:line errors, lookups, overlay, usage from a plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudwright.core.errors import InputError, UnknownNameError
from cloudwright.optimizer.plan import parse_plan
from cloudwright.pricing.pipeline import read_usage
from cloudwright.pricing.usage import Usage, load_usage, usage_from_plan
from cloudwright.resource_graph.model import Resource


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "usage.yml"
    path.write_text(text)
    return path


def test_valid_file_and_lookup(tmp_path: Path) -> None:
    usage = read_usage(
        write(
            tmp_path,
            "version: 1\n"
            "defaults:\n"
            '  "*": {hours_per_month: 600}\n'
            "  aws:s3/bucket:Bucket: {storage_gb: 10}\n"
            "workloads:\n"
            "  llm: {gpu_utilization: 0.8}\n"
            "resources:\n"
            "  data: {storage_gb: 500, egress_gb: 20}\n",
        )
    )
    bucket = Resource(
        urn="urn:x::aws:s3/bucket:Bucket::data",
        type="aws:s3/bucket:Bucket",
        name="data",
        workload="llm",
    )
    assert usage.value(bucket, "storage_gb") == 500
    assert usage.value(bucket, "gpu_utilization") == 0.8
    assert usage.value(bucket, "hours_per_month") == 600
    hit = usage.lookup(bucket, "egress_gb")
    assert hit is not None and hit.source.endswith("usage.yml resources.data")


def test_unknown_key_names_the_line_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "resources:\n  data:\n    storage_gbs: 5\n")
    with pytest.raises(UnknownNameError) as info:
        load_usage(path)
    assert f"{path}:3" in str(info.value)
    assert "storage_gb" in info.value.suggestions


def test_out_of_range_and_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"usage.yml:2: workloads.llm.gpu_utilization: 1.5 is out of range"
    ):
        load_usage(write(tmp_path, "workloads:\n  llm: {gpu_utilization: 1.5}\n"))
    with pytest.raises(InputError, match="expected a number, got 'lots'"):
        load_usage(write(tmp_path, "resources:\n  x: {storage_gb: lots}\n"))


def test_unknown_section_and_version(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="usage section 'resource'"):
        load_usage(write(tmp_path, "resource:\n  x: {storage_gb: 1}\n"))
    with pytest.raises(InputError, match="version: expected 1"):
        load_usage(write(tmp_path, "version: 2\n"))


def test_unknown_type_token_in_defaults_suggests_a_priced_one(tmp_path: Path) -> None:
    path = write(tmp_path, "defaults:\n  aws:s3/bucket:Buckett: {storage_gb: 1}\n")
    with pytest.raises(UnknownNameError) as info:
        read_usage(path)
    assert "aws:s3/bucket:Bucket" in info.value.suggestions
    assert f"{path}:2" in str(info.value)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"usage.yml:\d+: not valid YAML"):
        load_usage(write(tmp_path, "resources:\n  x: {storage_gb: 1\n"))


def test_overlay_lets_the_user_win_key_by_key() -> None:
    plan = Usage(workloads={"llm": {"hours_per_month": 720, "storage_gb": 50000}}, origin="plan")
    mine = Usage(workloads={"llm": {"storage_gb": 1000}}, origin="usage.yml")
    merged = plan.overlay(mine)
    assert merged.workloads["llm"] == {"hours_per_month": 720, "storage_gb": 1000}


PLAN: dict = {
    "version": 1,
    "created_at": "2026-05-20T00:00:00Z",
    "catalog": {"snapshot_date": "2026-05-20"},
    "objective": "cost",
    "assignments": [
        {
            "workload": "llm",
            "kind": "training",
            "cloud": "aws",
            "region": "us-east-1",
            "instance_type": "p5.48xlarge",
            "gpu": "H100",
            "gpu_count": 8,
            "nodes": 4,
            "pricing": "on_demand",
            "interconnect": "EFA",
            "hourly_usd": 220.16,
            "monthly_usd": 158515.2,
            "cost": {"compute_usd": 158515.2},
            "hours_per_month": 720,
            "energy_kwh_month": 1.0,
            "carbon_kg_month": 1.0,
            "storage": {"object_tb": 50, "parallel_fs_tb": 10},
            "why": "cheapest",
        }
    ],
    "totals": {"monthly_usd": 158515.2, "energy_kwh_month": 1.0, "carbon_kg_month": 1.0},
}


def test_usage_from_plan() -> None:
    usage = usage_from_plan(parse_plan(PLAN))
    assert usage.plan == {"llm": {"hours_per_month": 720.0, "storage_gb": 50000.0}}
    with_utilization = {
        **PLAN,
        "assignments": [{**PLAN["assignments"][0], "gpu_utilization": 0.85}],
    }
    usage = usage_from_plan(parse_plan(with_utilization))
    assert usage.plan["llm"]["gpu_utilization"] == 0.85
