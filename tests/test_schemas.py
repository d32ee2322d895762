"""schemas/: the checked-in JSON Schemas equal what the code generates now, are valid draft
2020-12 schemas, and every sample document and command output validates against its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from cloudwright.core.yamlsource import load_yaml
from cloudwright.reports.schemas import generate

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
GOLDEN = ROOT / "tests" / "golden"
ENV = {
    "CLOUDWRIGHT_CATALOG": str(ROOT / "tests" / "fixtures" / "catalog"),
    "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000",
}
FLEET = """\
version: 1
name: schema-check
objective: balanced
workloads:
  - name: pretrain
    kind: training
    gpu: {type: H100, count: 8}
    nodes: 2
    interconnect: required
    storage: {object_tb: 5}
  - name: chat
    kind: inference
    gpu: {type: [L4]}
    replicas: 2
"""


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())  # type: ignore[no-any-return]


def validator(name: str) -> Draft202012Validator:
    registry: Registry = Registry().with_resource(  # type: ignore[call-arg]
        "cost.schema.json", Resource.from_contents(_schema("cost"))
    )
    return Draft202012Validator(_schema(name), registry=registry)


def assert_valid(name: str, document: Any, what: str) -> None:
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{what}: {[f'{list(e.path)}: {e.message}' for e in errors[:3]]}"


def test_checked_in_schemas_are_what_the_code_generates() -> None:
    generated = generate()
    on_disk = {p.name for p in SCHEMAS.glob("*.json")}
    assert on_disk == set(generated), "run `make schemas`"
    for name, text in generated.items():
        assert (SCHEMAS / name).read_text() == text, f"{name} is stale: run `make schemas`"
        Draft202012Validator.check_schema(json.loads(text))
        assert json.loads(text)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", ["fleet.yaml", "three-clouds.yaml", "infeasible.yaml"])
def test_example_fleets_validate(name: str) -> None:
    data, _ = load_yaml(ROOT / "examples" / name)
    assert_valid("fleet", data, name)


@pytest.mark.parametrize("name", ["unknown_field.yaml", "bad_kind.yaml", "negative_budget.yaml"])
def test_bad_fleets_fail_the_schema(name: str) -> None:
    data, _ = load_yaml(ROOT / "examples" / "bad" / name)
    assert list(validator("fleet").iter_errors(data)), name


def test_sample_files_validate() -> None:
    for path in (ROOT / "examples" / "plan.json", GOLDEN / "plans" / "llm.plan.json"):
        assert_valid("plan", json.loads(path.read_text()), str(path))
    graphs = [GOLDEN / "graphs" / "fleet.graph.json"]
    graphs += sorted((ROOT / "tests" / "fixtures" / "policies").glob("*.json"))
    for path in graphs:
        assert_valid("graph", json.loads(path.read_text()), str(path))
    for path in sorted((ROOT / "examples").glob("*.json")):
        data = json.loads(path.read_text())
        kind = {"cloudwright.graph/v1": "graph", "cloudwright.cost/v1": "cost"}.get(
            data.get("schema"), "plan" if "assignments" in data else None
        )
        if kind is not None:
            assert_valid(kind, data, str(path))


def test_command_outputs_validate(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text(FLEET)
    plan, graph = tmp_path / "plan.json", tmp_path / "graph.json"
    done = run_cli(
        "plan", str(fleet), "-o", str(plan), "--created-at", "2026-01-01T00:00:00Z", env=ENV
    )
    assert done.returncode == 0, done.stderr
    assert_valid("plan", json.loads(plan.read_text()), "plan -o")
    done = run_cli("preview", str(plan), "-o", str(graph), env=ENV)
    assert done.returncode == 0, done.stderr
    assert_valid("graph", json.loads(graph.read_text()), "preview -o")
    for source in (plan, graph, GOLDEN / "graphs" / "fleet.graph.json"):
        done = run_cli("cost", str(source), "-f", "json", env=ENV)
        assert done.returncode == 0, done.stderr
        assert_valid("cost", json.loads(done.stdout), f"cost {source.name}")
    config = tmp_path / "cloudwright.yml"
    config.write_text(
        "version: 1\nprojects:\n  - {name: a, source: plan.json}\n"
        f"  - {{name: b, source: {GOLDEN / 'graphs' / 'fleet.graph.json'}}}\n"
    )
    done = run_cli("cost", "--config", str(config), "-f", "json", env=ENV)
    assert done.returncode == 0, done.stderr
    assert_valid("cost-projects", json.loads(done.stdout), "cost --config")


def test_the_schemas_can_fail() -> None:
    report = json.loads((GOLDEN / "graphs" / "fleet.graph.json").read_text())
    report["resources"][0]["urn"] = 7
    assert list(validator("graph").iter_errors(report))
    plan = json.loads((ROOT / "examples" / "plan.json").read_text())
    plan["assignments"][0]["nodes"] = -3
    assert list(validator("plan").iter_errors(plan))
