"""Two cost reports side by side: Δ$ and ΔCO2e per resource, per workload and in total.

Resources match by URN. A workload that moved (another cloud or region) shows as removed
resources plus added ones, and its workload row names where it was and where it is.
Renders as a Rich table, JSON or Markdown. `gate` checks a diff against CI thresholds
(`--fail-above-delta`, `--fail-above-delta-pct`) and fails closed: a change it cannot decide
(a resource not priced on either side, a total that is not a number) fails the gate.
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from cloudwright.core.errors import InputError
from cloudwright.reports import format as fmt
from cloudwright.reports.safe import code_span, markdown

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cloudwright.pricing.report import CostReport, ResourceCost

Change = Literal["added", "removed", "changed", "unchanged"]
SCHEMA = "cloudwright.cost-diff/v1"


@dataclass
class Delta:
    old_monthly_usd: float = 0.0
    new_monthly_usd: float = 0.0
    old_carbon_kg_month: float = 0.0
    new_carbon_kg_month: float = 0.0
    old_energy_kwh_month: float = 0.0
    new_energy_kwh_month: float = 0.0

    @property
    def monthly_usd(self) -> float:
        return self.new_monthly_usd - self.old_monthly_usd

    @property
    def carbon_kg_month(self) -> float:
        return self.new_carbon_kg_month - self.old_carbon_kg_month

    def to_json(self) -> dict[str, float]:
        return {
            **asdict(self),
            "delta_monthly_usd": self.monthly_usd,
            "delta_carbon_kg_month": self.carbon_kg_month,
            "delta_energy_kwh_month": self.new_energy_kwh_month - self.old_energy_kwh_month,
        }


@dataclass
class ResourceDelta:
    urn: str
    name: str
    type: str
    change: Change
    delta: Delta
    workload: str | None = None
    old_where: str | None = None
    new_where: str | None = None
    old_status: str | None = None
    new_status: str | None = None


@dataclass
class WorkloadDelta:
    workload: str
    delta: Delta
    old_where: list[str] = field(default_factory=list)
    new_where: list[str] = field(default_factory=list)

    @property
    def moved(self) -> bool:
        return bool(self.old_where) and bool(self.new_where) and self.old_where != self.new_where


@dataclass
class CostDiff:
    old_origin: str
    new_origin: str
    resources: list[ResourceDelta]
    workloads: list[WorkloadDelta]
    total: Delta
    complete: bool
    notes: list[str] = field(default_factory=list)
    # Counted resources whose cost is not known (partial, unknown, unsupported), per side:
    # "name (type): status". What makes `complete` false.
    unpriced: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "estimate": True,
            "old": self.old_origin,
            "new": self.new_origin,
            "complete": self.complete,
            "unpriced": {side: list(names) for side, names in self.unpriced.items()},
            "totals": self.total.to_json(),
            "workloads": [
                {
                    "workload": w.workload,
                    "moved": w.moved,
                    "old_where": w.old_where,
                    "new_where": w.new_where,
                    **w.delta.to_json(),
                }
                for w in self.workloads
            ],
            "resources": [
                {
                    "urn": r.urn,
                    "name": r.name,
                    "type": r.type,
                    "change": r.change,
                    "workload": r.workload,
                    "old_where": r.old_where,
                    "new_where": r.new_where,
                    "old_status": r.old_status,
                    "new_status": r.new_status,
                    **r.delta.to_json(),
                }
                for r in self.resources
            ],
            "notes": self.notes,
        }


def _where(r: ResourceCost) -> str:
    return f"{r.cloud or '?'}:{r.region or '?'}"


def _add(delta: Delta, r: ResourceCost | None, side: Literal["old", "new"]) -> None:
    if r is None or not r.counted:
        return
    setattr(
        delta, f"{side}_monthly_usd", getattr(delta, f"{side}_monthly_usd") + (r.monthly_usd or 0.0)
    )
    setattr(
        delta,
        f"{side}_carbon_kg_month",
        getattr(delta, f"{side}_carbon_kg_month") + (r.carbon_kg_month or 0.0),
    )
    setattr(
        delta,
        f"{side}_energy_kwh_month",
        getattr(delta, f"{side}_energy_kwh_month") + (r.energy_kwh_month or 0.0),
    )


def diff_reports(old: CostReport, new: CostReport) -> CostDiff:
    old_by = {r.urn: r for r in old.counted()}
    new_by = {r.urn: r for r in new.counted()}
    resources: list[ResourceDelta] = []
    workloads: dict[str, WorkloadDelta] = {}
    total = Delta()
    for urn in [*old_by, *(u for u in new_by if u not in old_by)]:
        before, after = old_by.get(urn), new_by.get(urn)
        delta = Delta()
        _add(delta, before, "old")
        _add(delta, after, "new")
        _add(total, before, "old")
        _add(total, after, "new")
        either = after or before
        assert either is not None
        change: Change = (
            "added"
            if before is None
            else "removed"
            if after is None
            else (
                "changed"
                if abs(delta.monthly_usd) > 0.005 or abs(delta.carbon_kg_month) > 0.005
                else "unchanged"
            )
        )
        resources.append(
            ResourceDelta(
                urn=urn,
                name=either.name,
                type=either.type,
                change=change,
                delta=delta,
                workload=either.workload,
                old_where=_where(before) if before else None,
                new_where=_where(after) if after else None,
                old_status=before.status if before else None,
                new_status=after.status if after else None,
            )
        )
        if either.workload:
            w = workloads.setdefault(either.workload, WorkloadDelta(either.workload, Delta()))
            _add(w.delta, before, "old")
            _add(w.delta, after, "new")
            if before and _where(before) not in w.old_where and before.status != "free":
                w.old_where.append(_where(before))
            if after and _where(after) not in w.new_where and after.status != "free":
                w.new_where.append(_where(after))
    resources.sort(key=lambda r: -abs(r.delta.monthly_usd))
    notes = []
    if old.catalog_snapshot_date != new.catalog_snapshot_date:
        notes.append(
            f"the two reports use different catalog snapshots ({old.catalog_snapshot_date} vs "
            f"{new.catalog_snapshot_date}): part of the change is price movement"
        )
    return CostDiff(
        unpriced={"old": _unpriced(old), "new": _unpriced(new)},
        old_origin=old.origin,
        new_origin=new.origin,
        resources=resources,
        workloads=sorted(workloads.values(), key=lambda w: -abs(w.delta.monthly_usd)),
        total=total,
        complete=old.totals.complete and new.totals.complete,
        notes=notes,
    )


_NOT_PRICED = ("partial", "unknown", "unsupported")


def _unpriced(report: CostReport) -> list[str]:
    return [f"{r.name} ({r.type}): {r.status}" for r in report.counted() if r.status in _NOT_PRICED]


@dataclass(frozen=True)
class Thresholds:
    """CI limits on a diff's monthly increase: in US$ and in percent of the old total."""

    delta_usd: float | None = None
    delta_pct: float | None = None

    def __post_init__(self) -> None:
        for name, value in (("delta_usd", self.delta_usd), ("delta_pct", self.delta_pct)):
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise InputError(f"{name}: expected a finite number ≥ 0, got {value!r}")

    @property
    def active(self) -> bool:
        return self.delta_usd is not None or self.delta_pct is not None


def increase_pct(diff: CostDiff) -> float:
    """The monthly change in percent of the old total; any increase from $0 is infinite."""
    t = diff.total
    if t.old_monthly_usd > 0:
        return t.monthly_usd / t.old_monthly_usd * 100.0
    return math.inf if t.monthly_usd > 0 else 0.0


def gate(diff: CostDiff, limits: Thresholds) -> list[str]:
    """Why `diff` fails `limits` (empty: it passes). Fails closed: when either side has a
    resource whose cost is unknown, or a total is not a finite number, the increase cannot
    be decided and that is the reason given."""
    if not limits.active:
        return []
    t = diff.total
    figures = (t.old_monthly_usd, t.new_monthly_usd, t.monthly_usd)
    if not all(math.isfinite(v) for v in figures):
        return [f"the monthly change cannot be decided: totals {figures} are not all numbers"]
    undecided = [
        f"{side}: {len(names)} resource(s) not priced ({', '.join(names[:3])}"
        + (", …)" if len(names) > 3 else ")")
        for side, names in diff.unpriced.items()
        if names
    ]
    if undecided or not diff.complete:
        return [
            "the monthly change cannot be decided, so the threshold gate fails closed: "
            + ("; ".join(undecided) or "a side is incomplete")
        ]
    reasons = []
    if limits.delta_usd is not None and t.monthly_usd > limits.delta_usd:
        reasons.append(
            f"monthly change {fmt.usd(t.monthly_usd, signed=True)} exceeds "
            f"--fail-above-delta {fmt.usd(limits.delta_usd)}"
        )
    pct = increase_pct(diff)
    if limits.delta_pct is not None and pct > limits.delta_pct:
        shown = "an increase from $0" if math.isinf(pct) else f"{fmt.number(pct, 1, signed=True)}%"
        reasons.append(
            f"monthly change {shown} exceeds --fail-above-delta-pct "
            f"{fmt.number(limits.delta_pct, 1)}%"
        )
    return reasons


def render(diff: CostDiff) -> RenderableType:
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    parts: list[RenderableType] = [
        Text.from_markup(
            f"[bold]Cost diff[/]  [dim]{escape(diff.old_origin)} → {escape(diff.new_origin)}[/]"
        )
    ]
    if diff.workloads:
        table = Table(box=None, header_style="bold", pad_edge=False)
        for column in ("Workload", "Was", "Now", "Δ monthly", "ΔkgCO2e/mo"):
            table.add_column(column, justify="right" if column.startswith("Δ") else "left")
        for w in diff.workloads:
            table.add_row(
                escape(w.workload) + (" [magenta]moved[/]" if w.moved else ""),
                escape(", ".join(w.old_where) or "—"),
                escape(", ".join(w.new_where) or "—"),
                fmt.usd(w.delta.monthly_usd, signed=True),
                fmt.kg(w.delta.carbon_kg_month, signed=True),
            )
        parts.append(table)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Resource", "Change", "Old", "New", "Δ monthly", "ΔkgCO2e/mo"):
        table.add_column(
            column,
            justify="right" if column in ("Old", "New") or column.startswith("Δ") else "left",
        )
    for r in diff.resources:
        if r.change == "unchanged":
            continue
        table.add_row(
            f"{escape(r.name)} [dim]{escape(fmt.short_type(r.type))}[/]",
            r.change,
            fmt.usd(r.delta.old_monthly_usd) if r.old_where else "—",
            fmt.usd(r.delta.new_monthly_usd) if r.new_where else "—",
            fmt.usd(r.delta.monthly_usd, signed=True),
            fmt.kg(r.delta.carbon_kg_month, signed=True),
        )
    parts.append(table)
    t = diff.total
    parts.append(
        Text.from_markup(
            f"[bold]Total[/] {fmt.usd(t.old_monthly_usd)} → {fmt.usd(t.new_monthly_usd)} "
            f"([bold]{fmt.usd(t.monthly_usd, signed=True)}/month[/]), carbon "
            f"{fmt.mass(t.old_carbon_kg_month)} → {fmt.mass(t.new_carbon_kg_month)} "
            f"({fmt.kg(t.carbon_kg_month, signed=True)} kgCO2e/month)"
        )
    )
    if not diff.complete:
        parts.append(
            Text(
                "Some resources could not be priced: the change covers priced ones only.",
                style="yellow",
            )
        )
    parts += [Text(f"note: {n}", style="yellow") for n in diff.notes]
    parts.append(Text("Estimates at list prices; energy and carbon are modelled.", style="dim"))
    return Group(*parts)


def render_text(diff: CostDiff, *, width: int = 120) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(render(diff))
    return console.export_text()


def render_markdown(diff: CostDiff) -> str:
    t = diff.total
    lines = [
        "### Cloudwright cost diff",
        "",
        f"**{fmt.usd(t.old_monthly_usd)} → {fmt.usd(t.new_monthly_usd)}** "
        f"({fmt.usd(t.monthly_usd, signed=True)}/month) · carbon {fmt.mass(t.old_carbon_kg_month)} → "
        f"{fmt.mass(t.new_carbon_kg_month)} ({fmt.kg(t.carbon_kg_month, signed=True)} kgCO2e/month)",
        "",
    ]
    if diff.workloads:
        lines += ["| Workload | Was | Now | Δ monthly | ΔkgCO2e/mo |", "|---|---|---|---|---|"]
        for w in diff.workloads:
            lines.append(
                f"| {markdown(w.workload)}{' (moved)' if w.moved else ''} "
                f"| {markdown(', '.join(w.old_where)) or '—'} "
                f"| {markdown(', '.join(w.new_where)) or '—'} "
                f"| {fmt.usd(w.delta.monthly_usd, signed=True)} "
                f"| {fmt.kg(w.delta.carbon_kg_month, signed=True)} |"
            )
        lines.append("")
    changed = [r for r in diff.resources if r.change != "unchanged"]
    lines += [
        f"<details><summary>{len(changed)} resources changed</summary>",
        "",
        "| Resource | Type | Change | Δ monthly | ΔkgCO2e/mo |",
        "|---|---|---|---|---|",
    ]
    for r in changed:
        name = markdown(r.name)
        lines.append(
            f"| {name} | {code_span(r.type)} | {r.change} | {fmt.usd(r.delta.monthly_usd, signed=True)} "
            f"| {fmt.kg(r.delta.carbon_kg_month, signed=True)} |"
        )
    lines += ["", "</details>", ""]
    if not diff.complete:
        lines += ["> Some resources could not be priced: the change covers priced ones only.", ""]
    lines += [f"_Note: {n}_" for n in diff.notes]
    lines.append("<sub>Estimates at list prices; energy and carbon are modelled.</sub>")
    return "\n".join(lines) + "\n"
