"""Property-based fuzzing of every reader: whatever the bytes or the structure, a reader
returns what it promises or raises one of the project's errors (CloudwrightError: a message
and an exit code), never anything else, and quickly (each example under its deadline).

Inputs: random structures (hypothesis' recursive strategies), the real samples from
examples/ and tests/golden/ with values replaced by non-finite, huge, negative or wrongly
typed ones, byte-level damage to their text, deep nesting and binary data (tests/_hostile.py).
What a reader accepts is checked too: numbers it returns are finite and not negative.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from _hostile import (
    FIXTURE_CATALOG,
    documents,
    examples,
    load_samples,
    mutated,
    text_mutations,
    to_json,
    to_yaml,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudwright.core.errors import CloudwrightError, NetworkError
from cloudwright.core.jsonsource import parse_json
from cloudwright.core.yamlsource import SourceMap, parse_yaml
from cloudwright.optimizer.catalog import Catalog, schema, validate
from cloudwright.optimizer.catalog.build.sources import SourceRef
from cloudwright.optimizer.catalog.refresh import apply_prices, fetch_prices
from cloudwright.optimizer.fleet.load import fleet_from_data
from cloudwright.optimizer.plan import parse_plan
from cloudwright.policies.config import parse_policy_config
from cloudwright.policies.rules import build_policies
from cloudwright.pricing import estimate
from cloudwright.pricing.report import CostReport
from cloudwright.pricing.usage import parse_usage
from cloudwright.profiler.store import _parse_line
from cloudwright.reports.diff import diff_reports
from cloudwright.resource_graph.model import Graph
from cloudwright.resource_graph.preview_json import read_preview
from cloudwright.resource_graph.stack_export import read_state
from cloudwright.resource_graph.state import plain_config
from cloudwright.stacks.settings import StackSettings

SAMPLES = load_samples()
POLICIES = build_policies()
READERS = settings(
    max_examples=examples(40),
    deadline=2000,  # ms per example: a reader that hangs or explodes fails here
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def refused_or(read: Any, *args: Any, **kwargs: Any) -> Any:
    """The reader's result, or None when it refused the input with a project error. Any
    other exception propagates and fails the test."""
    try:
        return read(*args, **kwargs)
    except CloudwrightError as error:
        assert error.exit_code in (2, 4, 6), error  # input, data, network; never a gate's 1
        assert str(error).strip()
        return None


def _finite_numbers(value: Any, path: str = "") -> None:
    """Every number in a parsed document or model dump is finite."""
    if isinstance(value, float):
        assert math.isfinite(value), path
    elif isinstance(value, dict):
        for key, item in value.items():
            _finite_numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _finite_numbers(item, f"{path}[{index}]")


# ---- the two loaders ----------------------------------------------------------------------


@READERS
@given(
    st.one_of(
        st.binary(max_size=200),
        documents.map(to_json).map(str.encode),
        text_mutations(to_json(SAMPLES["graph"])),
        text_mutations(to_json(SAMPLES["plan"])),
    )
)
def test_json_loader(data: bytes) -> None:
    parsed = refused_or(parse_json, data, "fuzz.json")
    if parsed is not None:
        _finite_numbers(parsed)


@READERS
@given(
    st.one_of(
        st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
        documents.map(to_yaml),
        text_mutations(to_yaml(SAMPLES["fleet"])).map(lambda b: b.decode("utf-8", "replace")),
        st.integers(190, 800).map(lambda n: "a: " + "[" * n + "]" * n),
        st.integers(1, 60).map(lambda n: "a: &a [" + "*a, " * n + "]"),
    )
)
def test_yaml_loader(text: str) -> None:
    refused_or(parse_yaml, text, "fuzz.yaml")


# ---- file readers on parsed data ----------------------------------------------------------


def _yaml_data(data: Any) -> tuple[Any, SourceMap]:
    """Data as the YAML loader would hand it over (with its line map), or a refusal."""
    parsed = refused_or(parse_yaml, to_yaml(data), "fuzz.yaml")
    return parsed if parsed is not None else (None, SourceMap("fuzz.yaml"))


@READERS
@given(st.one_of(mutated(SAMPLES["fleet"]), documents))
def test_fleet_reader(data: Any) -> None:
    fleet = refused_or(fleet_from_data, *_yaml_data(data))
    if fleet is not None:
        _finite_numbers(fleet.model_dump())


@READERS
@given(st.one_of(mutated(SAMPLES["usage"]), documents))
def test_usage_reader(data: Any) -> None:
    parsed, source = _yaml_data(data)
    usage = refused_or(parse_usage, parsed or {}, origin="fuzz.yaml", source=source)
    if usage is not None:
        for section in (usage.defaults, usage.workloads, usage.resources):
            for values in section.values():
                assert all(math.isfinite(v) and v >= 0 for v in values.values())


@READERS
@given(st.one_of(mutated(SAMPLES["policy"]), documents))
def test_policy_config_reader(data: Any) -> None:
    parsed, source = _yaml_data(data)
    config = refused_or(parse_policy_config, parsed, POLICIES, source=source)
    if config is not None:
        _finite_numbers(config.properties)


@READERS
@given(st.one_of(mutated(SAMPLES["stack"]), documents))
def test_stack_config_reader(data: Any) -> None:
    parsed, _ = _yaml_data(data)
    config = parsed.get("config") if isinstance(parsed, dict) else None
    if isinstance(config, dict):
        refused_or(StackSettings.parse, {str(k): v for k, v in config.items()}, "fuzz.yaml")
        plain_config(config)


@READERS
@given(st.one_of(mutated(SAMPLES["plan"]), documents))
def test_plan_reader(data: Any) -> None:
    parsed = refused_or(parse_json, to_json(data), "fuzz.json")
    plan = refused_or(parse_plan, parsed, "fuzz.json") if parsed is not None else None
    if plan is not None:
        assert all(a.nodes >= 1 and a.hours_per_month > 0 for a in plan.assignments)
        _finite_numbers(plan.model_dump())


@READERS
@given(st.one_of(mutated(SAMPLES["graph"], max_edits=4), documents))
def test_graph_readers(data: Any) -> None:
    parsed = refused_or(parse_json, to_json(data), "fuzz.json")
    if not isinstance(parsed, dict):
        return
    refused_or(Graph.from_json, {**parsed, "schema": "cloudwright.graph/v1"}, "fuzz.json")
    resources = parsed.get("resources")
    # The same resources as Pulumi engine JSON: preview steps, a stack export, a checkpoint.
    steps = [
        {"op": "create", "urn": r.get("urn"), "newState": r, "provider": r.get("provider")}
        if isinstance(r, dict)
        else r
        for r in (resources if isinstance(resources, list) else [resources])
    ]
    refused_or(read_preview, {"steps": steps}, origin="fuzz.json")
    refused_or(read_state, {"version": 3, "deployment": {"resources": resources}})
    refused_or(read_state, {"version": 3, "checkpoint": {"latest": {"resources": resources}}})


@pytest.fixture(scope="module")
def saved_report(fixture_catalog: Any) -> dict[str, Any]:
    graph = Graph.from_json(SAMPLES["graph"])
    return estimate(graph, fixture_catalog).to_json()  # type: ignore[no-any-return]


@READERS
@given(data=st.data())
def test_saved_report_reader(saved_report: dict[str, Any], data: st.DataObject) -> None:
    hostile = data.draw(st.one_of(mutated(saved_report, max_edits=4), documents))
    parsed = refused_or(parse_json, to_json(hostile), "fuzz.json")
    report = refused_or(CostReport.from_json, parsed, "fuzz.json") if parsed is not None else None
    if report is not None:
        diff_reports(CostReport.from_json(saved_report), report).to_json()
        assert math.isfinite(report.totals.monthly_usd) and report.totals.monthly_usd >= 0


@READERS
@given(
    st.one_of(
        st.binary(max_size=120),
        mutated({"schema": "cloudwright.profile/v1", "id": "x", "energy": {"cpu_kwh": 1.0}}).map(
            lambda d: to_json(d).encode()
        ),
    )
)
def test_profile_record_reader(line: bytes) -> None:
    refused_or(_parse_line, line, "profiles.jsonl:1")


# ---- catalog tables ---------------------------------------------------------------------

_TABLE_FILES = sorted(p.name for p in FIXTURE_CATALOG.glob("*.csv"))


@settings(READERS, max_examples=examples(25))
@given(
    table=st.sampled_from(_TABLE_FILES),
    damage=st.data(),
)
def test_catalog_tables(table: str, damage: st.DataObject, tmp_path_factory: Any) -> None:
    root = Path(tmp_path_factory.mktemp("catalog"))
    shutil.copytree(FIXTURE_CATALOG, root, dirs_exist_ok=True)
    text = (root / table).read_text("utf-8")
    (root / table).write_bytes(damage.draw(_table_damage(text)))
    catalog = refused_or(Catalog.load, root)
    if catalog is None:
        return
    for name in schema.TABLES:
        frame = refused_or(catalog.table, name)
        if frame is None:
            return


@st.composite
def _table_damage(draw: st.DrawFn, text: str) -> bytes:
    """A broken table: damaged bytes, a cell replaced by text or a hostile number, a
    header without a column, or not a gzip file at all."""
    lines = text.splitlines()
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(text_mutations(text))
    if kind == 1 and len(lines) > 1:
        row = draw(st.integers(1, len(lines) - 1))
        cells = lines[row].split(",")
        cell = draw(st.integers(0, len(cells) - 1))
        cells[cell] = draw(
            st.sampled_from(["x", "inf", "-inf", "nan", "-1", "1e999", "", "9" * 400])
        )
        lines[row] = ",".join(cells)
        return ("\n".join(lines) + "\n").encode()
    if kind == 2:
        header = lines[0].split(",")
        del header[draw(st.integers(0, len(header) - 1))]
        return ("\n".join([",".join(header), *lines[1:]]) + "\n").encode()
    return b"\x1f\x8b" + draw(st.binary(max_size=40))


# ---- price API responses (`catalog refresh`) ---------------------------------------------

_PRICE_API = FIXTURE_CATALOG.parent / "price_api"
_ROUTES = {
    "azure": [("$skip=100", "azure_page2.json"), ("prices.azure.com", "azure_page1.json")],
    "aws": [
        ("region_index.json", "aws_region_index.json"),
        ("/us-east-1/index.json", "aws_offer_us-east-1.json"),
        ("/eu-central-1/index.json", "aws_offer_eu-central-1.json"),
    ],
    "gcp": [("pageToken=PAGE-2", "gcp_skus_page2.json"), ("cloudbilling", "gcp_skus_page1.json")],
}
_RESPONSES = {
    name: parse_json((_PRICE_API / name).read_bytes(), name)
    for routes in _ROUTES.values()
    for _, name in routes
}


@settings(READERS, max_examples=examples(30))
@given(cloud=st.sampled_from(sorted(_ROUTES)), data=st.data())
def test_price_api_responses(cloud: str, data: st.DataObject, fixture_catalog: Any) -> None:
    """A damaged answer from a price API is a project error (the refresh then writes
    nothing), or it yields prices that are finite and positive: never a crash, never an
    infinite or negative price in the snapshot."""

    damaged = data.draw(st.sampled_from([name for _, name in _ROUTES[cloud]]))
    hostile = data.draw(mutated(_RESPONSES[damaged], max_edits=4))

    def fetch(url: str) -> Any:
        for needle, name in _ROUTES[cloud]:
            if needle in url:
                answer = hostile if name == damaged else _RESPONSES[name]
                return parse_json(to_json(answer), url)  # as http_get_json reads it
        raise NetworkError(f"no such page: {url}")

    prices = refused_or(fetch_prices, cloud, fixture_catalog, fetch, api_key="k")
    if prices is None:
        return
    offerings, _ = apply_prices(fixture_catalog.offerings, cloud, prices, SourceRef("fuzz", "2026"))
    validate.check_values("offerings", Path("fuzz"), offerings)
