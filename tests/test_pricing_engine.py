"""The pricing engine: statuses, never-zero unknowns, preview deltas, usage, measured energy,
and the registry's coverage of real type tokens."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cloudwright.optimizer.catalog import Catalog, InstanceSpec
from cloudwright.optimizer.models.energy import MeasuredPower
from cloudwright.pricing import estimate
from cloudwright.pricing.free import FREE_TYPES
from cloudwright.pricing.registry import classify, pricers
from cloudwright.pricing.usage import Usage
from cloudwright.resource_graph.model import COMPUTED, Graph, Resource, cloud_of_type

SITE = Path(__file__).resolve().parent.parent / ".venv" / "lib"


def r(type_token: str, name: str, inputs: dict[str, Any], **extra: Any) -> Resource:
    return Resource(
        urn=f"urn:pulumi:t::p::{type_token}::{name}",
        type=type_token,
        name=name,
        cloud=cloud_of_type(type_token),
        region=extra.pop("region", "us-east-1"),
        inputs=inputs,
        **extra,
    )


def graph(*resources: Resource, source: str = "offline-preview") -> Graph:
    return Graph(source=source, resources=list(resources))  # type: ignore[arg-type]


EC2 = "aws:ec2/instance:Instance"


def test_unknown_instance_type_is_unknown_not_zero(fixture_catalog: Catalog) -> None:
    report = estimate(
        graph(
            r(EC2, "known", {"instanceType": "m5.large", "rootBlockDevice": {"volumeSize": 8}}),
            r(EC2, "computed", {"instanceType": COMPUTED}),
            r(EC2, "typo", {"instanceType": "p5.48xlage"}),
        ),
        fixture_catalog,
    )
    by = {x.name: x for x in report.resources}
    assert by["known"].status == "priced" and by["known"].monthly_usd == pytest.approx(
        0.096 * 730 + 0.1 * 8
    )
    assert by["computed"].status == "unknown" and by["computed"].monthly_usd is None
    assert "computed at apply time" in (by["computed"].reason or "")
    assert by["typo"].reason == "p5.48xlage is not in the catalog snapshot"
    assert report.totals.monthly_usd == pytest.approx(by["known"].monthly_usd)
    assert report.totals.complete is False
    assert report.totals.resources == {"priced": 1, "unknown": 2}
    data = report.to_json()
    assert data["resources"][1]["monthly_usd"] is None  # null in JSON, never 0


def test_unsupported_free_providers_and_components(fixture_catalog: Catalog) -> None:
    report = estimate(
        graph(
            r("pulumi:providers:aws", "default", {"region": "us-east-1"}),
            r("cloudwright:aws:GpuCluster", "cluster", {}, custom=False),
            r("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"}),
            r("aws:dynamodb/table:Table", "db", {"billingMode": "PAY_PER_REQUEST"}),
            r("aws:dynamodb/table:Table", "db2", {}),
        ),
        fixture_catalog,
    )
    assert [x.name for x in report.resources] == ["vpc", "db", "db2"]
    assert report.unsupported_types == {"aws:dynamodb/table:Table": 2}
    db = next(x for x in report.resources if x.name == "db")
    assert db.status == "unsupported" and db.monthly_usd is None
    vpc = report.resources[0]
    assert vpc.status == "free" and vpc.monthly_usd == 0.0 and vpc.reason


def test_preview_deltas_per_step_and_total(fixture_catalog: Catalog) -> None:
    upd = r(
        EC2,
        "resized",
        {"instanceType": "p5.48xlarge"},
        op="update",
        old_inputs={"instanceType": "p4d.24xlarge"},
    )
    new = r("aws:ebs/volume:Volume", "new", {"type": "gp3", "size": 100}, op="create")
    gone = r(
        "aws:ebs/volume:Volume",
        "gone",
        {"type": "gp3", "size": 50},
        op="delete",
        old_inputs={"type": "gp3", "size": 50},
    )
    same = r("aws:ebs/volume:Volume", "same", {"type": "gp3", "size": 10}, op="same")
    read = r("aws:ebs/volume:Volume", "shared", {"type": "gp3", "size": 1000}, op="read")
    report = estimate(graph(upd, new, gone, same, read, source="preview-json"), fixture_catalog)
    by = {x.name: x for x in report.resources}
    p5, p4d = 55.04 * 730, 21.957642 * 730
    assert by["resized"].before_monthly_usd == pytest.approx(p4d)
    assert by["resized"].delta_monthly_usd == pytest.approx(p5 - p4d)
    assert by["new"].delta_monthly_usd == pytest.approx(8.0)
    assert by["gone"].counted is False and by["gone"].delta_monthly_usd == pytest.approx(-4.0)
    assert by["same"].delta_monthly_usd == 0
    assert by["shared"].counted is False and by["shared"].delta_monthly_usd is None
    t = report.totals
    assert t.monthly_usd == pytest.approx(p5 + 8.0 + 0.8)
    assert t.delta_monthly_usd == pytest.approx(p5 - p4d + 8.0 - 4.0)
    assert t.before_monthly_usd == pytest.approx(p4d + 4.0 + 0.8)
    assert t.delta_carbon_kg_month is not None and t.delta_carbon_kg_month > 0
    assert report.has_changes and any("read from other stacks" in n for n in report.notes)


def test_usage_precedence_resource_workload_type_star(fixture_catalog: Catalog) -> None:
    buckets = [
        r("aws:s3/bucket:Bucket", name, {}, workload=w)
        for name, w in (
            ("by-name", "llm"),
            ("by-workload", "llm"),
            ("by-type", None),
            ("star", None),
        )
    ]
    buckets[3] = r("aws:s3/bucketV2:BucketV2", "star", {})
    usage = Usage(
        defaults={"*": {"storage_gb": 1}, "aws:s3/bucket:Bucket": {"storage_gb": 10}},
        workloads={"llm": {"storage_gb": 100}},
        resources={"by-name": {"storage_gb": 1000}, "nobody": {"storage_gb": 5}},
    )
    report = estimate(graph(*buckets), fixture_catalog, usage=usage)
    stored = {x.name: x.components[0].quantity for x in report.resources}
    assert stored == {"by-name": 1000, "by-workload": 100, "by-type": 10, "star": 1}
    assert any("nobody" in n for n in report.notes)


def test_missing_usage_waits_and_does_not_count_as_unknown(fixture_catalog: Catalog) -> None:
    report = estimate(graph(r("aws:s3/bucket:Bucket", "b", {})), fixture_catalog)
    (bucket,) = report.resources
    assert bucket.status == "priced" and bucket.components[0].status == "usage"
    assert bucket.components[0].unit_price_usd == 0.023  # shown so the user sees the rate
    assert report.totals.usage_pending == 1 and report.totals.complete


class FakeProfiles:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def measured_power(
        self, catalog: Catalog, workload: str, spec: InstanceSpec, gpu_utilization: float
    ) -> MeasuredPower | None:
        self.asked.append((workload, spec.instance_type))
        if workload != "embed":
            return None
        return MeasuredPower(1000.0, "profile 'embed' (test)")


def test_measured_energy_replaces_the_model_per_workload(fixture_catalog: Catalog) -> None:
    profiles = FakeProfiles()
    report = estimate(
        graph(
            r(
                EC2,
                "measured",
                {"instanceType": "g6.xlarge", "rootBlockDevice": {"volumeSize": 8}},
                workload="embed",
            ),
            r(EC2, "modelled", {"instanceType": "g6.xlarge"}, workload="chat"),
        ),
        fixture_catalog,
        profiles=profiles,
    )
    by = {x.name: x for x in report.resources}
    compute = by["measured"].components[0]
    assert compute.energy_basis == "measured"
    assert compute.energy_kwh_month == pytest.approx(1000.0 * 730 / 1000 * 1.135)
    assert by["measured"].energy_basis == "measured+modelled"  # the root volume is modelled
    assert by["modelled"].components[0].energy_basis == "modelled"
    assert ("embed", "g6.xlarge") in profiles.asked


def test_estimate_does_not_mutate_the_graph(fixture_catalog: Catalog) -> None:
    g = graph(
        r(
            EC2,
            "a",
            {"instanceType": "m5.large"},
            op="update",
            old_inputs={"instanceType": "g6.xlarge"},
        ),
        source="preview-json",
    )
    before = g.to_json()
    estimate(g, fixture_catalog)
    assert g.to_json() == before


def test_no_region_is_unknown_with_a_hint(fixture_catalog: Catalog) -> None:
    report = estimate(
        graph(r(EC2, "lost", {"instanceType": "m5.large"}, region=None)), fixture_catalog
    )
    (lost,) = report.resources
    assert lost.status == "unknown" and "region unknown" in (lost.reason or "")
    assert any("--stack-config" in n for n in report.notes)


def _sdk_tokens() -> set[str]:
    tokens: set[str] = set()
    pattern = re.compile(r"'((?:aws|gcp|azure-native):[A-Za-z0-9/]+:[A-Za-z0-9]+)'")
    for package in ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native"):
        roots = list(SITE.glob(f"python3*/site-packages/{package}"))
        if not roots:
            pytest.skip(f"{package} sources not found under {SITE}")
        for path in roots[0].rglob("*.py"):
            if path.name.startswith("get_") or path.name in ("_inputs.py", "outputs.py"):
                continue
            text = path.read_text("utf-8", errors="ignore")
            if "super(" in text:
                tokens.update(pattern.findall(text))
    return tokens


@pytest.mark.slow
def test_registered_tokens_exist_in_the_installed_sdks() -> None:
    """Every aws/gcp/azure-native token we price or call free is one the SDKs register.
    (Classic `azure:` tokens are checked against the real checkpoints instead.)"""
    tokens = _sdk_tokens()
    scanned = ("aws", "gcp", "azure-native")  # kubernetes, random, eks: SDKs not scanned here
    ours = {t for t in [*pricers(), *FREE_TYPES] if t.split(":", 1)[0] in scanned}
    missing = sorted(ours - tokens)
    assert not missing, f"not registered by any installed SDK: {missing}"


def test_a_type_is_priced_free_or_unsupported_never_two() -> None:
    assert not set(pricers()) & set(FREE_TYPES)
    assert classify("aws:ec2/instance:Instance") == "priced"
    assert classify("aws:ec2/vpc:Vpc") == "free"
    assert classify("aws:sagemaker/domain:Domain") == "unsupported"
