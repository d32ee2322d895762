"""The terminal report (Rich): priced resources grouped by cloud, region and workload, each
with its cost components, then totals, what could not be priced and why, and the notes.

Free resources are counted, not listed; unsupported types are listed with their counts.
For a preview, each resource shows its op and the change in monthly cost.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import TYPE_CHECKING

from reports import format as fmt

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from pricing.report import ComponentCost, CostReport, ResourceCost

_STATUS_STYLE = {"partial": "yellow", "unknown": "red"}
_OP_STYLE = {"create": "green", "delete": "red", "discard": "red", "replace": "magenta"}


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _group_key(r: ResourceCost) -> tuple[str, str, str]:
    return (r.cloud or "?", r.region or "region unknown", r.workload or "")


def listed(report: CostReport) -> list[ResourceCost]:
    """Resources worth a row: priced, partly priced or unknown (and deletions in a preview)."""
    return [
        r
        for r in report.resources
        if r.status in ("priced", "partial", "unknown") and (r.counted or report.has_changes)
    ]


def grouped(report: CostReport) -> list[tuple[tuple[str, str, str], list[ResourceCost]]]:
    groups: dict[tuple[str, str, str], list[ResourceCost]] = {}
    for r in listed(report):
        groups.setdefault(_group_key(r), []).append(r)
    ordered = sorted(
        groups.items(),
        key=lambda kv: -sum((r.monthly_usd or 0.0) for r in kv[1] if r.counted),
    )
    return [(k, sorted(v, key=lambda r: -(r.monthly_usd or 0.0))) for k, v in ordered]


def _money(r: ResourceCost) -> str:
    text = fmt.usd(r.monthly_usd)
    if r.status == "partial":
        return f"[yellow]≥ {text}[/]"
    if r.status == "unknown":
        return "[red]unknown[/]"
    return text


def _component_money(c: ComponentCost) -> str:
    if c.status == "usage":
        return "[dim]depends on usage[/]"
    if c.status == "unknown":
        return "[red]unknown[/]"
    return fmt.usd(c.monthly_usd)


def _table(report: CostReport) -> Table:
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=False)
    table.add_column("Resource / component", overflow="fold", ratio=3)
    table.add_column("Quantity", justify="right", no_wrap=True)
    table.add_column("Unit price", justify="right", no_wrap=True)
    table.add_column("Monthly", justify="right", no_wrap=True)
    if report.has_changes:
        table.add_column("Δ monthly", justify="right", no_wrap=True)
    table.add_column("kWh/mo", justify="right", no_wrap=True)
    table.add_column("kgCO2e/mo", justify="right", no_wrap=True)
    for (cloud, region, workload), resources in grouped(report):
        counted = [r for r in resources if r.counted]
        label = _esc(f"{cloud} · {region}" + (f" · workload {workload}" if workload else ""))
        row = [
            f"[bold cyan]{label}[/]",
            "",
            "",
            f"[bold]{fmt.usd(sum(r.monthly_usd or 0.0 for r in counted))}[/]",
        ]
        if report.has_changes:
            row.append(
                f"[bold]{fmt.usd(sum(r.delta_monthly_usd or 0.0 for r in resources), signed=True)}[/]"
            )
        row += [
            fmt.kwh(sum(r.energy_kwh_month or 0.0 for r in counted)),
            fmt.kg(sum(r.carbon_kg_month or 0.0 for r in counted)),
        ]
        table.add_row(*row)
        for r in resources:
            _resource_rows(table, r, report.has_changes)
    return table


def _resource_rows(table: Table, r: ResourceCost, has_changes: bool) -> None:
    op = ""
    if has_changes and r.op != "same":
        op = f" [{_OP_STYLE.get(r.op, 'blue')}]{r.op}[/]"
    name = f"  [bold]{_esc(r.name)}[/] [dim]{_esc(fmt.short_type(r.type))}[/]{op}"
    if r.energy_basis == "measured":
        name += " [green]measured[/]"
    row = [name, "", "", _money(r) if r.counted else f"[dim]{fmt.usd(r.monthly_usd)}[/]"]
    if has_changes:
        row.append(fmt.usd(r.delta_monthly_usd, signed=True, unknown="?"))
    row += [fmt.kwh(r.energy_kwh_month), fmt.kg(r.carbon_kg_month)]
    table.add_row(*row)
    for number, c in enumerate(r.components):
        branch = "└" if number == len(r.components) - 1 else "├"
        row = [
            f"    [dim]{branch}[/] {_esc(c.name)}",
            fmt.quantity(c.quantity, c.unit),
            fmt.unit_price(c.unit_price_usd, c.unit) if c.unit_price_usd is not None else "",
            _component_money(c),
        ]
        if has_changes:
            row.append("")
        row += [fmt.kwh(c.energy_kwh_month), fmt.kg(c.carbon_kg_month)]
        table.add_row(*row, style="dim" if c.status == "priced" else None)


def _summary(report: CostReport) -> list[str]:
    t = report.totals
    lines = [
        f"[bold]Monthly total[/]  {fmt.usd(t.monthly_usd)}  ({fmt.usd(t.hourly_usd)}/h)   "
        f"[bold]energy[/] {fmt.kwh(t.energy_kwh_month)} kWh   "
        f"[bold]carbon[/] {fmt.tonnes(t.carbon_kg_month)} CO2e per month",
    ]
    if report.has_changes and t.delta_monthly_usd is not None:
        lines.append(
            f"[bold]Change[/]  {fmt.usd(t.before_monthly_usd)} → {fmt.usd(t.monthly_usd)}  "
            f"({fmt.usd(t.delta_monthly_usd, signed=True)}/month, "
            f"{fmt.kg(t.delta_carbon_kg_month, signed=True)} kgCO2e/month)"
        )
    counts = ", ".join(f"{n} {s}" for s, n in sorted(t.resources.items()))
    lines.append(f"Resources: {counts or 'none'}")
    if not t.complete:
        lines.append(
            "[yellow]Incomplete: the total is a lower bound[/] "
            f"({t.unknown_components} components unknown, "
            f"{sum(report.unsupported_types.values())} resources unsupported)"
        )
    if t.usage_pending:
        lines.append(
            f"[dim]{t.usage_pending} usage-based components have no usage figure "
            "(set them with --usage FILE, see docs/usage.md)[/]"
        )
    return lines


def _unknowns(report: CostReport) -> list[str]:
    out = []
    for r in report.counted():
        for c in r.components:
            if c.status == "unknown":
                out.append(f"  [red]•[/] {_esc(r.name)}: {_esc(c.name)} — {_esc(c.reason or '')}")
    return out


def render(report: CostReport) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = []
    title = f"Cost estimate: {report.project or 'stack'}"
    title += f"/{report.stack}" if report.stack else ""
    parts.append(
        Text.from_markup(
            f"[bold]{_esc(title)}[/]  [dim]{report.source_kind} {_esc(report.origin)} · catalog snapshot "
            f"{report.catalog_snapshot_date} ({report.catalog_age_days} days old)[/]"
        )
    )
    parts.append(_table(report))
    parts.append(Text(""))
    parts += [Text.from_markup(line) for line in _summary(report)]
    unknowns = _unknowns(report)
    if unknowns:
        parts.append(Text.from_markup("[bold]Not priced[/]"))
        parts += [Text.from_markup(line) for line in unknowns[:20]]
        if len(unknowns) > 20:
            parts.append(Text(f"  … and {len(unknowns) - 20} more (see --format json)"))
    if report.unsupported_types:
        parts.append(Text.from_markup("[bold]Unsupported types[/] (not priced, not counted as $0)"))
        for type_token, count in sorted(report.unsupported_types.items(), key=lambda kv: -kv[1]):
            parts.append(Text(f"  {count:>4} × {type_token}"))
    free = Counter(r.type for r in report.counted() if r.status == "free")
    if free:
        parts.append(
            Text.from_markup(f"[dim]{sum(free.values())} free resources ({len(free)} types)[/]")
        )
    for note in report.notes:
        parts.append(Text.from_markup(f"[yellow]note:[/] {_esc(note)}"))
    parts.append(Text(report.estimate_note, style="dim"))
    return Group(*parts)


def render_text(report: CostReport, *, width: int = 120, color: bool = False) -> str:
    """The table as plain text (or with ANSI colours), for files and tests."""
    from rich.console import Console

    console = Console(
        file=io.StringIO(),
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        record=True,
    )
    console.print(render(report))
    return console.export_text(styles=color)
