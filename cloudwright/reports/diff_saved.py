"""A saved cost diff (`cloudwright diff --format json`) read back, for `cloudwright comment`.

Checked as strictly as any input: every field has its type and amounts are finite numbers;
the first problem is an InputError naming the file and the field path. Fields this version
does not know are ignored (a newer Cloudwright may add some).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from cloudwright.core.errors import InputError
from cloudwright.reports.diff import SCHEMA, CostDiff, Delta, ResourceDelta, WorkloadDelta

if TYPE_CHECKING:
    from pydantic import BaseModel

_DELTA_FIELDS = (
    "old_monthly_usd",
    "new_monthly_usd",
    "old_carbon_kg_month",
    "new_carbon_kg_month",
    "old_energy_kwh_month",
    "new_energy_kwh_month",
)


@cache
def _model() -> type[BaseModel]:
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field

    class _Part(BaseModel):
        model_config = ConfigDict(extra="ignore", allow_inf_nan=False)
        old_monthly_usd: float = 0.0
        new_monthly_usd: float = 0.0
        old_carbon_kg_month: float = 0.0
        new_carbon_kg_month: float = 0.0
        old_energy_kwh_month: float = 0.0
        new_energy_kwh_month: float = 0.0

    class Workload(_Part):
        workload: str
        old_where: list[str] = Field(default_factory=list)
        new_where: list[str] = Field(default_factory=list)

    class Resource(_Part):
        urn: str
        name: str
        type: str
        change: Literal["added", "removed", "changed", "unchanged"]
        workload: str | None = None
        old_where: str | None = None
        new_where: str | None = None
        old_status: str | None = None
        new_status: str | None = None

    class Saved(BaseModel):
        model_config = ConfigDict(extra="ignore", allow_inf_nan=False)
        old: str = ""
        new: str = ""
        complete: bool
        unpriced: dict[str, list[str]] = Field(default_factory=dict)
        totals: _Part
        workloads: list[Workload] = Field(default_factory=list)
        resources: list[Resource] = Field(default_factory=list)
        notes: list[str] = Field(default_factory=list)

    return Saved


def _delta(part: Any) -> Delta:
    return Delta(**{name: getattr(part, name) for name in _DELTA_FIELDS})


def diff_from_json(data: Any, origin: str = "cost diff") -> CostDiff:
    """A `CostDiff` from the JSON of `CostDiff.to_json`, checked (see the module docstring)."""
    from pydantic import ValidationError

    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(f"not a saved cost diff (expected schema {SCHEMA!r})", location=origin)
    try:
        saved: Any = _model().model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InputError(
            f"not a valid saved cost diff: {field}: {first['msg']}", location=origin
        ) from exc
    return CostDiff(
        old_origin=saved.old,
        new_origin=saved.new,
        resources=[
            ResourceDelta(
                urn=r.urn,
                name=r.name,
                type=r.type,
                change=r.change,
                delta=_delta(r),
                workload=r.workload,
                old_where=r.old_where,
                new_where=r.new_where,
                old_status=r.old_status,
                new_status=r.new_status,
            )
            for r in saved.resources
        ],
        workloads=[
            WorkloadDelta(w.workload, _delta(w), list(w.old_where), list(w.new_where))
            for w in saved.workloads
        ],
        total=_delta(saved.totals),
        complete=saved.complete,
        notes=list(saved.notes),
        unpriced={k: list(v) for k, v in saved.unpriced.items()},
    )
