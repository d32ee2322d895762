"""Plans for people: terminal tables (Rich), Markdown and JSON, and the cost/carbon frontier
as a table.

Reads an `optimizer.plan.Plan` (and `optimizer.pareto.ParetoPoint`s); the CLI prints what
these functions build; nothing here decides anything. Every rendering says that energy and
carbon are estimates (and which figures are measured). Figures go through reports.format.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from io import StringIO

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cloudwright.optimizer.pareto import ParetoPoint
from cloudwright.optimizer.plan import Assignment, Plan
from cloudwright.reports import format as fmt
from cloudwright.reports.safe import markdown

ESTIMATE_NOTE = (
    "Energy and carbon are estimates (modelled from board power, CCF host coefficients, PUE "
    "and annual grid intensity; 'measured' where a profile exists)."
)


def _placement(a: Assignment) -> str:
    return f"{a.cloud}:{a.region}"


def _header(plan: Plan) -> str:
    age = f", {plan.catalog.age_days} days old" if plan.catalog.age_days is not None else ""
    fleet = f" · fleet {plan.fleet}" if plan.fleet else ""
    return (
        f"Plan {plan.id}{fleet} · objective {plan.objective} · catalog "
        f"{plan.catalog.snapshot_date}{age}"
    )


def _solver_line(plan: Plan) -> str:
    s = plan.solver
    if s is None:
        return ""
    bound = f" · LP bound {fmt.number(s.lp_bound, 2)}" if s.lp_bound is not None else ""
    gap = f" · gap {fmt.percent(s.gap, 3)}" if s.gap is not None else ""
    secs = f" · {fmt.number(s.seconds, 2)} s" if s.seconds is not None else ""
    cands = f" · {s.candidates} candidates" if s.candidates is not None else ""
    objective = fmt.number(s.objective_value, 2)
    return f"HiGHS: {s.status} · objective {objective}{bound}{gap}{cands}{secs}"


def assignments_table(plan: Plan) -> Table:
    table = Table(title=_header(plan), title_justify="left", show_lines=False)
    for name, justify in [
        ("workload", "left"),
        ("placement", "left"),
        ("instance", "left"),
        ("nodes", "right"),
        ("pricing", "left"),
        ("GPUs", "left"),
        ("$/month", "right"),
        ("kWh/month", "right"),
        ("kgCO2e/month", "right"),
        ("ms", "right"),
        ("energy", "left"),
    ]:
        table.add_column(name, justify=justify, no_wrap=name != "instance")  # type: ignore[arg-type]
    for a in plan.assignments:
        table.add_row(
            a.workload,
            _placement(a),
            a.instance_type,
            str(a.nodes),
            a.pricing.replace("_", "-"),
            f"{a.gpu_count * a.nodes}× {a.gpu or ''}".strip(),
            fmt.number(a.monthly_usd),
            fmt.number(a.energy_kwh_month),
            fmt.number(a.carbon_kg_month),
            fmt.number(a.latency_ms),
            a.energy_basis,
        )
    t = plan.totals
    table.add_section()
    table.add_row(
        "total",
        "",
        "",
        "",
        "",
        "",
        fmt.number(t.monthly_usd),
        fmt.number(t.energy_kwh_month),
        fmt.number(t.carbon_kg_month),
        "",
        "estimate",
    )
    return table


def alternatives_table(plan: Plan, per_workload: int = 2) -> Table:
    table = Table(title="Best alternatives (Δ vs the chosen placement)", title_justify="left")
    for name in ("workload", "option", "Δ$/month", "ΔkgCO2e/month", "Δms", "note"):
        table.add_column(name, justify="right" if name.startswith("Δ") else "left")
    for a in plan.assignments:
        for alt in a.alternatives[:per_workload]:
            table.add_row(
                a.workload,
                f"{alt.cloud}:{alt.region} {alt.instance_type} ({alt.pricing.replace('_', '-')})",
                fmt.number(alt.delta_usd, signed=True),
                fmt.number(alt.delta_carbon_kg, signed=True),
                fmt.number(alt.delta_latency_ms, signed=True),
                alt.note,
            )
    return table


def changes_table(plan: Plan) -> Table:
    table = Table(title="Changes against the lock", title_justify="left")
    for name in ("workload", "action", "from → to", "Δ$/month", "ΔkgCO2e/month", "reason"):
        table.add_column(name, justify="right" if name.startswith("Δ") else "left")
    for c in plan.changes:
        route = f"{c.from_placement or '—'} → {c.to_placement or '—'}"
        table.add_row(
            c.workload,
            c.action,
            route,
            fmt.number(c.delta_usd_month, signed=True),
            fmt.number(c.delta_carbon_kg_month, signed=True),
            c.reason,
        )
    return table


BRIEF_ROWS = 50  # with --out, a longer plan shows only its totals; the file has the rest


def brief_renderables(plan: Plan, count: int) -> list[RenderableType]:
    """A written plan of `count` assignments for a terminal: its header and solver line.
    Reads only what `plan` says beside its assignments (they may not be built at all)."""
    return [
        Text(_header(plan), style="bold"),
        Text(_solver_line(plan), style="dim"),
        Text(
            f"{fmt.number(count)} assignments; the table, reasons and alternatives "
            "are in the plan file (`cloudwright plan … -f markdown` renders them).",
        ),
        Text(ESTIMATE_NOTE, style="italic"),
    ]


def plan_renderables(plan: Plan, *, brief: bool = False) -> list[RenderableType]:
    """The plan for a terminal. `brief` (the plan was written to a file): a fleet of more
    than BRIEF_ROWS assignments shows only the solver line and totals."""
    if brief and len(plan.assignments) > BRIEF_ROWS:
        return brief_renderables(plan, len(plan.assignments))
    out: list[RenderableType] = [assignments_table(plan), Text(_solver_line(plan), style="dim")]
    out.append(Text("\nWhy", style="bold"))
    for a in plan.assignments:
        out.append(Text(f"• {a.workload}: {a.why}"))
    if any(a.alternatives for a in plan.assignments):
        out.append(alternatives_table(plan))
    if plan.changes:
        out.append(changes_table(plan))
    out.append(Text("Notes", style="bold"))
    for note in plan.notes:
        out.append(Text(f"• {note}"))
    out.append(Text(ESTIMATE_NOTE, style="italic"))
    return out


def render_text(renderables: Sequence[RenderableType], width: int = 140) -> str:
    buffer = StringIO()
    Console(file=buffer, width=width, force_terminal=False, color_system=None).print(
        Group(*renderables)
    )
    return buffer.getvalue()


def _md_cell(value: object) -> str:
    return markdown(str(value))


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(plan: Plan, pareto: Sequence[ParetoPoint] | None = None) -> str:
    rows: list[tuple[str, ...]] = [
        (
            a.workload,
            _placement(a),
            f"{a.instance_type} × {a.nodes}",
            a.pricing,
            f"{a.gpu_count * a.nodes} {a.gpu or ''}".strip(),
            fmt.number(a.monthly_usd),
            fmt.number(a.energy_kwh_month),
            fmt.number(a.carbon_kg_month),
            fmt.number(a.latency_ms),
            a.energy_basis,
        )
        for a in plan.assignments
    ]
    t = plan.totals
    rows.append(
        (
            "**total**",
            "",
            "",
            "",
            "",
            f"**{fmt.number(t.monthly_usd)}**",
            f"**{fmt.number(t.energy_kwh_month)}**",
            f"**{fmt.number(t.carbon_kg_month)}**",
            "",
            "estimate",
        )
    )
    parts = [
        f"## {_header(plan)}",
        "",
        _md_table(
            [
                "workload",
                "placement",
                "instance × nodes",
                "pricing",
                "GPUs",
                "$/month",
                "kWh/month",
                "kgCO2e/month",
                "ms",
                "energy",
            ],
            rows,
        ),
        "",
        f"_{_solver_line(plan)}_",
        "",
        "### Why",
        "",
        *[f"- **{a.workload}**: {a.why}" for a in plan.assignments],
    ]
    alts = [
        (
            a.workload,
            f"{x.cloud}:{x.region} {x.instance_type} ({x.pricing})",
            fmt.number(x.delta_usd, signed=True),
            fmt.number(x.delta_carbon_kg, signed=True),
            fmt.number(x.delta_latency_ms, signed=True),
            x.note,
        )
        for a in plan.assignments
        for x in a.alternatives[:2]
    ]
    if alts:
        parts += [
            "",
            "### Alternatives",
            "",
            _md_table(["workload", "option", "Δ$/month", "ΔkgCO2e/month", "Δms", "note"], alts),
        ]
    if plan.changes:
        changes = [
            (
                c.workload,
                c.action,
                f"{c.from_placement or '—'} → {c.to_placement or '—'}",
                fmt.number(c.delta_usd_month, signed=True),
                fmt.number(c.delta_carbon_kg_month, signed=True),
                c.reason,
            )
            for c in plan.changes
        ]
        parts += [
            "",
            "### Changes against the lock",
            "",
            _md_table(
                ["workload", "action", "from → to", "Δ$/month", "ΔkgCO2e/month", "reason"], changes
            ),
        ]
    if pareto:
        parts += ["", "### Cost / carbon frontier", "", pareto_markdown(pareto)]
    parts += ["", "### Notes", "", *[f"- {n}" for n in plan.notes], "", f"_{ESTIMATE_NOTE}_", ""]
    return "\n".join(parts)


def _pareto_rows(points: Sequence[ParetoPoint]) -> list[tuple[str, ...]]:
    if not points:
        return []
    base = points[0]
    return [
        (
            "carbon-optimal"
            if p.carbon_price_usd_per_tonne is None
            else fmt.number(p.carbon_price_usd_per_tonne),
            fmt.number(p.monthly_usd),
            fmt.number(p.carbon_kg_month / 1000, 2),
            fmt.number(p.monthly_usd - base.monthly_usd, signed=True),
            fmt.number((p.carbon_kg_month - base.carbon_kg_month) / 1000, 2, signed=True),
            fmt.number(p.abatement_usd_per_tonne),
            fmt.number(p.average_usd_per_tonne),
        )
        for p in points
    ]


PARETO_HEADERS = (
    "carbon price $/t",
    "$/month",
    "tCO2e/month",
    "Δ$ vs cheapest",
    "ΔtCO2e",
    "marginal $/t avoided",
    "average $/t vs cheapest",
)
PARETO_NOTE = (
    "Marginal $/t: extra dollars per tonne avoided against the row above (the price of the next "
    "tonnes; it climbs steeply at the green end). Average $/t: against the cheapest plan."
)


def pareto_table(points: Sequence[ParetoPoint]) -> Table:
    table = Table(
        title="Cost / carbon frontier (sweeping the carbon price; carbon is an estimate)",
        title_justify="left",
    )
    for name in PARETO_HEADERS:
        table.add_column(name, justify="right")
    for row in _pareto_rows(points):
        table.add_row(*row)
    table.caption = PARETO_NOTE
    table.caption_justify = "left"
    return table


def pareto_markdown(points: Sequence[ParetoPoint]) -> str:
    return _md_table(PARETO_HEADERS, _pareto_rows(points)) + f"\n\n_{PARETO_NOTE}_"


def render_json(plan: Plan, pareto: Sequence[ParetoPoint] | None = None) -> str:
    if pareto is None:
        return plan.model_dump_json(indent=2) + "\n"
    payload = {"plan": plan.model_dump(mode="json"), "pareto": [asdict(p) for p in pareto]}
    return json.dumps(payload, indent=2) + "\n"
