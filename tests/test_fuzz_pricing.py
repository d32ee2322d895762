"""Property-based fuzzing of pricing: resources from the golden pricing cases with their
inputs replaced by hostile values (NaN, ±inf, negative, huge, wrongly typed) are priced or
refused with a project error; a price is never NaN, infinite or negative, and the totals a
gate compares are always finite."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from _hostile import GOLDEN, examples, mutated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudwright.core.errors import CloudwrightError, InputError
from cloudwright.pricing import estimate
from cloudwright.pricing.report import CostReport
from cloudwright.pricing.usage import parse_usage
from cloudwright.resource_graph.model import Graph, Resource, normalize_value
from cloudwright.resource_graph.regions import resolve_regions

CASES = {
    p.stem: yaml.safe_load(p.read_text("utf-8"))
    for p in sorted((GOLDEN / "pricing").glob("*.yaml"))
}
NEVER_NEGATIVE = ("hourly_usd", "monthly_usd", "energy_kwh_month", "carbon_kg_month")


def _graph(case: dict[str, Any], resources: Any) -> Any:
    built = []
    for number, spec in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
            continue
        name = spec.get("name") if isinstance(spec.get("name"), str) else f"r{number}"
        document = {
            "urn": f"urn:pulumi:fuzz::cases::{spec['type']}::{name}",
            "type": spec["type"],
            "name": name,
            "inputs": spec.get("inputs"),
            "outputs": spec.get("outputs"),
            "region": spec.get("region"),
            "workload": spec.get("workload"),
        }
        try:
            resource = Resource.from_json(document)
        except InputError:
            continue  # graph.json refuses it: nothing left for pricing to see
        resource.inputs = normalize_value(resource.inputs)
        built.append(resource)
    region = case.get("region")
    config = {"aws:region": region, "gcp:region": region, "azure-native:location": region}
    resolve_regions(built, config if isinstance(region, str) else {})
    return Graph(source="offline-preview", resources=built, project="fuzz", stack="fuzz")


def _check(report: CostReport) -> None:
    for name in NEVER_NEGATIVE:
        total = getattr(report.totals, name)
        assert math.isfinite(total) and total >= 0, (name, total)
    for r in report.resources:
        for name in NEVER_NEGATIVE:
            value = getattr(r, name)
            assert value is None or (math.isfinite(value) and value >= 0), (r.name, name, value)
        for c in r.components:
            for value in (c.quantity, c.unit_price_usd, c.monthly_usd, c.energy_kwh_month):
                assert value is None or (math.isfinite(value) and value >= 0), (r.name, c.name)


@settings(
    max_examples=examples(40),
    deadline=3000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), case=st.sampled_from(sorted(CASES)))
def test_hostile_resource_inputs_never_price_below_zero(
    fixture_catalog: Any, data: st.DataObject, case: str
) -> None:

    spec = CASES[case]
    resources = data.draw(mutated(spec["resources"], max_edits=4))
    usage = parse_usage(spec.get("usage") or {}, origin=f"{case}.yaml")
    try:
        report = estimate(_graph(spec, resources), fixture_catalog, usage=usage)
    except CloudwrightError as error:
        assert error.exit_code == 2, error
        return
    _check(report)
    CostReport.from_json(report.to_json())  # what it writes, it reads back


def test_cases_found() -> None:
    assert len(CASES) >= 10, sorted(CASES)
    assert all(isinstance(c.get("resources"), list) for c in CASES.values())
    assert Path(GOLDEN).is_dir()
