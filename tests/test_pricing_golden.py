"""Golden tests: per pricer, resources + usage → the expected breakdown, against the frozen
fixture catalog. Each case is tests/golden/pricing/<case>.yaml with its expected output in
<case>.golden.

Regenerate after an intended change with
    CLOUDWRIGHT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_pricing_golden.py
and review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from cloudwright.optimizer.catalog import Catalog
from cloudwright.pricing import estimate
from cloudwright.pricing.registry import pricers
from cloudwright.pricing.report import CostReport
from cloudwright.pricing.usage import parse_usage
from cloudwright.resource_graph.model import Graph, Resource, cloud_of_type, normalize_value
from cloudwright.resource_graph.regions import resolve_regions

GOLDEN = Path(__file__).parent / "golden" / "pricing"
CASES = sorted(p.stem for p in GOLDEN.glob("*.yaml"))
UPDATE = os.environ.get("CLOUDWRIGHT_UPDATE_GOLDEN") == "1"


def _graph(case: dict[str, Any]) -> Graph:
    resources = []
    for number, spec in enumerate(case["resources"]):
        type_token = spec["type"]
        name = spec.get("name", f"r{number}")
        resources.append(
            Resource(
                urn=f"urn:pulumi:golden::cases::{type_token}::{name}",
                type=type_token,
                name=name,
                cloud=cloud_of_type(type_token),
                region=spec.get("region"),
                zone=spec.get("zone"),
                inputs=normalize_value(spec.get("inputs") or {}),
                outputs=normalize_value(spec.get("outputs") or {}),
                workload=spec.get("workload"),
                op=spec.get("op", "create"),
                property_dependencies={
                    k: [f"urn:pulumi:golden::cases::{u}" for u in v]
                    for k, v in (spec.get("dependencies") or {}).items()
                },
            )
        )
    # The case's region is the stack config's: resources that say where they are win.
    region = case.get("region")
    config = {"aws:region": region, "gcp:region": region, "azure-native:location": region}
    resolve_regions(resources, {**(config if region else {}), **(case.get("config") or {})})
    return Graph(source="offline-preview", resources=resources, project="cases", stack="golden")


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:,.4f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")


def breakdown(report: CostReport) -> str:
    """A stable text form of a report: one block per resource, one line per component."""
    lines = []
    for r in report.resources:
        lines.append(
            f"{r.name} [{r.type}] {r.status} @ {r.cloud}:{r.region}"
            f" monthly={_num(r.monthly_usd)} kwh={_num(r.energy_kwh_month)}"
            f" kgco2e={_num(r.carbon_kg_month)}" + (f" ({r.reason})" if r.reason else "")
        )
        for c in r.components:
            price = _num(c.unit_price_usd)
            tail = f" — {c.reason}" if c.reason else ""
            lines.append(
                f"  {c.name} | {_num(c.quantity, c.unit)} | {price} | {_num(c.monthly_usd)}"
                f" | kwh={_num(c.energy_kwh_month)} | {c.status}{tail}"
            )
    t = report.totals
    lines.append(
        f"TOTAL monthly={_num(t.monthly_usd)} kwh={_num(t.energy_kwh_month)} "
        f"kgco2e={_num(t.carbon_kg_month)} complete={t.complete} unknown={t.unknown_components} "
        f"usage_pending={t.usage_pending}"
    )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, fixture_catalog: Catalog) -> None:
    spec = yaml.safe_load((GOLDEN / f"{case}.yaml").read_text("utf-8"))
    usage = parse_usage(spec.get("usage") or {}, origin=f"{case}.yaml")
    report = estimate(_graph(spec), fixture_catalog, usage=usage)
    got = breakdown(report)
    expected_path = GOLDEN / f"{case}.golden"
    if UPDATE or not expected_path.exists():
        expected_path.write_text(got, "utf-8")
        if not UPDATE:
            pytest.fail(f"wrote new golden {expected_path.name}: review it and re-run")
    assert got == expected_path.read_text("utf-8")


def test_every_pricer_has_a_golden_case() -> None:
    covered: set[str] = set()
    for case in CASES:
        spec = yaml.safe_load((GOLDEN / f"{case}.yaml").read_text("utf-8"))
        covered |= {r["type"] for r in spec["resources"]}
    missing = sorted(set(pricers()) - covered)
    assert not missing, f"pricers without a golden case: {missing}"
