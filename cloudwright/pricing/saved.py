"""A saved cost report read back (`cloudwright diff old.json new.json`, `cost saved.json`).

The file is whatever the user hands over, so it is checked as strictly as any other input:
every field has its type (a list where a mapping belongs, a string for a number: errors),
amounts are finite, and costs, energy, carbon and quantities are not negative (deltas may
be). Fields this version does not know are ignored (a newer Cloudwright may add some). The
first problem is an InputError naming the file and the field path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from cloudwright.core.errors import InputError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from cloudwright.pricing.report import CostReport

# Amounts that are never below zero; `delta_*` are differences and may be.
NON_NEGATIVE = (
    "hourly_usd",
    "monthly_usd",
    "energy_kwh_month",
    "carbon_kg_month",
    "before_monthly_usd",
    "before_carbon_kg_month",
    "quantity",
    "unit_price_usd",
)


@cache
def _model() -> type[BaseModel]:
    """The file's shape as a pydantic model (built on first use: pydantic is slow to import)."""
    from pydantic import BaseModel, ConfigDict, Field

    from cloudwright.pricing.report import ResourceCost, Totals

    class _Part(BaseModel):
        model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    class Source(_Part):
        kind: str = ""
        origin: str = ""
        project: str = ""
        stack: str = ""
        plan_id: str | None = None
        budget_monthly_usd: float | None = Field(default=None, gt=0, le=1e15)
        has_changes: bool = False
        usage: str | None = None

    class CatalogRef(_Part):
        snapshot_date: str = ""
        age_days: int | None = None

    class Saved(_Part):
        generated_at: str = ""
        note: str = ""
        catalog: CatalogRef = CatalogRef()
        source: Source = Source()
        hours_per_month: float = Field(default=730.0, gt=0, le=744)
        unsupported_types: dict[str, int] = Field(default_factory=dict)
        notes: list[str] = Field(default_factory=list)
        resources: list[ResourceCost]
        totals: Totals

    return Saved


def report_from_json(data: Any, origin: str = "cost report") -> CostReport:
    """A `CostReport` from the JSON of `CostReport.to_json`, checked (see the module doc)."""
    from pydantic import ValidationError

    from cloudwright.pricing.report import CostReport

    if not isinstance(data, Mapping):
        raise InputError("a saved cost report is a JSON object", location=origin)
    try:
        saved: Any = _model().model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f"{len(errors)} problem(s) in total" if len(errors) > 1 else None
        raise InputError(
            f"not a valid saved cost report: {field}: {first['msg']}", location=origin, hint=more
        ) from exc
    for field, value in _amounts(saved):
        if value is not None and value < 0:
            raise InputError(
                f"not a valid saved cost report: {field}: {value:g} is negative", location=origin
            )
    source, catalog = saved.source, saved.catalog
    return CostReport(
        resources=saved.resources,
        totals=saved.totals,
        unsupported_types=dict(saved.unsupported_types),
        catalog_snapshot_date=catalog.snapshot_date,
        catalog_age_days=catalog.age_days,
        hours_per_month=saved.hours_per_month,
        source_kind=source.kind,
        origin=source.origin,
        project=source.project,
        stack=source.stack,
        plan_id=source.plan_id,
        budget_monthly_usd=source.budget_monthly_usd,
        has_changes=source.has_changes,
        generated_at=saved.generated_at,
        usage_origin=source.usage,
        notes=list(saved.notes),
        estimate_note=saved.note,
    )


def _amounts(saved: Any) -> Iterator[tuple[str, float | None]]:
    for name in NON_NEGATIVE:
        if hasattr(saved.totals, name):
            yield f"totals.{name}", getattr(saved.totals, name)
    for i, resource in enumerate(saved.resources):
        for name in NON_NEGATIVE:
            if hasattr(resource, name):
                yield f"resources.{i}.{name}", getattr(resource, name)
        for j, component in enumerate(resource.components):
            for name in NON_NEGATIVE:
                if hasattr(component, name):
                    yield f"resources.{i}.components.{j}.{name}", getattr(component, name)
