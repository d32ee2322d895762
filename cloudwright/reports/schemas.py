"""JSON Schemas (draft 2020-12) of the documents Cloudwright reads and writes, from the code.

- fleet spec: `optimizer.fleet.spec.Fleet.model_json_schema()`; fields whose validator turns
  one string into a list (`gpu.type: H100`) also accept the string, and top-level `x-…` keys
  (anchors) are allowed, as the loader does;
- plan.json: `optimizer.plan.Plan.model_json_schema()`;
- graph.json: the `Graph` and `Resource` dataclasses through pydantic, plus the `schema`
  marker `Graph.to_json` writes;
- cost report: the `ResourceCost`, `Totals` and `Group` dataclasses through pydantic inside
  the envelope `CostReport.to_json` writes;
- multi-project cost report (`cost --config`): its envelope around cost reports.

`scripts/gen_schemas.py` (`make schemas`) writes them to schemas/; a test checks that the
files equal what this module generates now and that sample outputs validate. What JSON
Schema cannot say is still checked by the readers: finite numbers, cross-field rules, names
in the catalog.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _document(title: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DRAFT, "title": title, "description": description, **schema} | {
        "title": title,
        "description": description,
    }


def _string_or_list(schema: dict[str, Any], model: type, fields: set[str]) -> None:
    """Let `fields` of `model` (a definition in `schema`) be a single string too."""
    name = model.__name__
    target = schema if schema.get("title") == name else schema.get("$defs", {}).get(name)
    if target is None:
        return
    for field in fields:
        prop = target["properties"][field]
        inner = {k: v for k, v in prop.items() if k not in ("title", "default", "description")}
        kept = {k: v for k, v in prop.items() if k in ("title", "default", "description")}
        target["properties"][field] = {**kept, "anyOf": [{"type": "string"}, inner]}


def _listified_fields(model: Any) -> set[str]:
    """Fields a before-validator named `_as_list` accepts as one string."""
    fields: set[str] = set()
    for decorator in model.__pydantic_decorators__.field_validators.values():
        if decorator.info.mode == "before" and decorator.func.__name__ == "_as_list":
            fields.update(decorator.info.fields)
    return fields


def fleet_schema() -> dict[str, Any]:
    from cloudwright.optimizer.fleet import spec

    schema = spec.Fleet.model_json_schema()
    for model in vars(spec).values():
        if isinstance(model, type) and issubclass(model, spec._Spec):
            fields = _listified_fields(model)
            if fields:
                _string_or_list(schema, model, fields)
    # The loader drops top-level `x-…` keys before validation: a place for YAML anchors.
    schema["patternProperties"] = {"^x-": {}}
    return _document(
        "Cloudwright fleet spec",
        "fleet.yaml (version 1): workloads and fleet-wide constraints (docs/fleet.md).",
        schema,
    )


def plan_schema() -> dict[str, Any]:
    from cloudwright.optimizer.plan import Plan

    return _document(
        "Cloudwright plan",
        "plan.json: the lock between the optimizer and the deployment (docs/contracts.md).",
        Plan.model_json_schema(),
    )


def graph_schema() -> dict[str, Any]:
    from pydantic import TypeAdapter

    from cloudwright.resource_graph.model import SCHEMA, Graph

    schema = TypeAdapter(Graph).json_schema()
    schema["properties"] = {"schema": {"const": SCHEMA}, **schema["properties"]}
    schema["required"] = ["schema", *schema.get("required", [])]
    return _document(
        "Cloudwright resource graph",
        "graph.json: a Pulumi program's resources; unknown values are "
        '{"$unknown": "computed"} or {"$unknown": "secret"}.',
        schema,
    )


def _cost_model() -> type:
    """The cost report's JSON form (`CostReport.to_json`) as a pydantic model."""
    from pydantic import BaseModel, ConfigDict, Field

    from cloudwright.pricing.report import SCHEMA, Group, ResourceCost, Totals

    class _Part(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class CatalogRef(_Part):
        snapshot_date: str
        age_days: int | None

    class Source(_Part):
        kind: str
        origin: str
        project: str
        stack: str
        plan_id: str | None
        has_changes: bool
        usage: str | None
        budget_monthly_usd: float | None = None

    class CostReportJson(_Part):
        schema_: Literal[SCHEMA] = Field(alias="schema")  # type: ignore[valid-type]
        estimate: Literal[True]
        note: str
        currency: Literal["USD"]
        generated_at: str
        catalog: CatalogRef
        source: Source
        hours_per_month: float
        totals: Totals
        breakdown: dict[Literal["cloud", "region", "workload"], dict[str, Group]]
        unsupported_types: dict[str, int]
        notes: list[str]
        resources: list[ResourceCost]

    return CostReportJson


def cost_schema() -> dict[str, Any]:
    model: Any = _cost_model()
    return _document(
        "Cloudwright cost report",
        "`cloudwright cost --format json`: unknown amounts are null, never 0 (docs/cost.md).",
        model.model_json_schema(by_alias=True),
    )


def projects_schema() -> dict[str, Any]:
    from pydantic import TypeAdapter

    from cloudwright.pricing.projects import SCHEMA, CombinedTotals

    totals = TypeAdapter(CombinedTotals).json_schema()
    totals["properties"]["status"] = {"enum": ["complete", "partial"]}
    totals["required"] = [*totals.get("required", []), "status", "complete"]
    return _document(
        "Cloudwright multi-project cost report",
        "`cloudwright cost --config cloudwright.yml --format json`: each project's cost "
        "report and the combined total (partial when any project is).",
        {
            "type": "object",
            "required": ["schema", "estimate", "config", "totals", "projects"],
            "properties": {
                "schema": {"const": SCHEMA},
                "estimate": {"const": True},
                "config": {"type": "string"},
                "totals": totals,
                "projects": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["name", "origin", "report"],
                        "properties": {
                            "name": {"type": "string"},
                            "origin": {"type": "string"},
                            "report": {"$ref": "cost.schema.json"},
                        },
                    },
                },
            },
        },
    )


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "fleet.schema.json": fleet_schema,
    "plan.schema.json": plan_schema,
    "graph.schema.json": graph_schema,
    "cost.schema.json": cost_schema,
    "cost-projects.schema.json": projects_schema,
}


def generate() -> dict[str, str]:
    """File name → the schema's text as schemas/ holds it."""
    return {name: json.dumps(build(), indent=2) + "\n" for name, build in SCHEMAS.items()}
