"""The terminal report (Rich): priced resources grouped by cloud, region and workload, each
with its cost components, then totals, what could not be priced and why, and the notes.

Free resources are counted, not listed; unsupported types are listed with their counts.
For a preview, each resource shows its op and the change in monthly cost.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cloudwright.reports import format as fmt
from cloudwright.reports.safe import terminal

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from cloudwright.pricing.report import ComponentCost, CostReport, ResourceCost

_STATUS_STYLE = {"partial": "yellow", "unknown": "red"}
_OP_STYLE = {"create": "green", "delete": "red", "discard": "red", "replace": "magenta"}


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(terminal(text))


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


# Below this width the table drops unit prices and energy (JSON and HTML keep them) and
# truncates names instead of wrapping them.
WIDE = 120


@dataclass(frozen=True)
class _Layout:
    compact: bool
    has_changes: bool

    def row(
        self, name: str, qty: str, price: str, money: str, delta: str, kwh: str, kg: str
    ) -> list[str]:
        cells = [name, qty] + ([] if self.compact else [price]) + [money]
        cells += [delta] if self.has_changes else []
        return cells + ([] if self.compact else [kwh]) + [kg]


Row = tuple[list[str], str | None]  # cells (Rich markup), row style


def _table(report: CostReport, width: int) -> list[Text]:
    """The table as lines of styled text. Laid out here rather than with rich.Table, which
    takes seconds for the thousands of rows a big stack has."""
    from rich.text import Text

    layout = _Layout(compact=width < WIDE, has_changes=report.has_changes)
    header = layout.row(
        "Resource / component",
        "Quantity",
        "Unit price",
        "Monthly",
        "Δ monthly",
        "kWh/mo",
        "kgCO2e/mo",
    )
    rows: list[Row] = [([f"[bold]{h}[/]" for h in header], None)]
    for (cloud, region, workload), resources in grouped(report):
        counted = [r for r in resources if r.counted]
        label = _esc(f"{cloud} · {region}" + (f" · {workload}" if workload else ""))
        delta = fmt.usd(sum(r.delta_monthly_usd or 0.0 for r in resources), signed=True)
        cells = layout.row(
            f"[bold cyan]{label}[/]",
            "",
            "",
            f"[bold]{fmt.usd(sum(r.monthly_usd or 0.0 for r in counted))}[/]",
            f"[bold]{delta}[/]",
            fmt.kwh(sum(r.energy_kwh_month or 0.0 for r in counted)),
            fmt.kg(sum(r.carbon_kg_month or 0.0 for r in counted)),
        )
        rows.append((cells, None))
        for r in resources:
            rows += _resource_rows(r, layout)
    texts = [([Text.from_markup(c) for c in cells], style) for cells, style in rows]
    # Numbers never truncate: the name column gives way (ellipsis) instead.
    needed = [max(t[column].cell_len for t, _ in texts) for column in range(1, len(header))]
    name_width = max(24, width - sum(needed) - 2 * len(needed))
    lines = []
    for cells_text, style in texts:
        name = cells_text[0]
        name.truncate(name_width, overflow="ellipsis", pad=True)
        parts = [name]
        for cell, column_width in zip(cells_text[1:], needed, strict=True):
            cell.pad_left(column_width - cell.cell_len)
            parts += [Text("  "), cell]
        line = Text.assemble(*parts, style=style or "", no_wrap=True, overflow="ellipsis")
        lines.append(line)
    return lines


def _resource_rows(r: ResourceCost, layout: _Layout) -> list[Row]:
    op = ""
    if layout.has_changes and r.op != "same":
        op = f" [{_OP_STYLE.get(r.op, 'blue')}]{r.op}[/]"
    name = f"  [bold]{_esc(r.name)}[/] [dim]{_esc(fmt.short_type(r.type))}[/]{op}"
    if r.energy_basis == "measured":
        name += " [green]measured[/]"
    money = _money(r) if r.counted else f"[dim]{fmt.usd(r.monthly_usd)}[/]"
    delta = fmt.usd(r.delta_monthly_usd, signed=True, unknown="?")
    rows: list[Row] = [
        (
            layout.row(
                name, "", "", money, delta, fmt.kwh(r.energy_kwh_month), fmt.kg(r.carbon_kg_month)
            ),
            None,
        )
    ]
    for number, c in enumerate(r.components):
        branch = "└" if number == len(r.components) - 1 else "├"
        price = fmt.unit_price(c.unit_price_usd, c.unit) if c.unit_price_usd is not None else ""
        cells = layout.row(
            f"    [dim]{branch}[/] {_esc(c.name)}",
            fmt.quantity(c.quantity, c.unit),
            price,
            _component_money(c),
            "",
            fmt.kwh(c.energy_kwh_month),
            fmt.kg(c.carbon_kg_month),
        )
        rows.append((cells, "dim" if c.status == "priced" else None))
    return rows


def _summary(report: CostReport) -> list[str]:
    t = report.totals
    lines = [
        f"[bold]Monthly total[/]  {fmt.usd(t.monthly_usd)}  ({fmt.usd(t.hourly_usd)}/h)   "
        f"[bold]energy[/] {fmt.kwh(t.energy_kwh_month)} kWh   "
        f"[bold]carbon[/] {fmt.mass(t.carbon_kg_month)} CO2e per month",
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
    """One line per (component, reason), naming the resources it affects."""
    grouped_reasons: dict[tuple[str, str], list[str]] = {}
    for r in report.counted():
        for c in r.components:
            if c.status == "unknown":
                grouped_reasons.setdefault((c.name, c.reason or ""), []).append(r.name)
    out = []
    for (component, reason), names in grouped_reasons.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        out.append(f"  [red]•[/] {_esc(component)} ({_esc(shown)}) — {_esc(reason)}")
    return out


def render(report: CostReport, width: int = WIDE) -> RenderableType:
    """The report for a terminal `width` columns wide (compact below WIDE)."""
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
    parts += _table(report, width)
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
    console.print(render(report, width))
    return console.export_text(styles=color)
