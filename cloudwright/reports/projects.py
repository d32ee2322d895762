"""Several projects' cost (`cloudwright cost --config cloudwright.yml`): one row per project and
the combined total, as a terminal table or Markdown for a pull-request comment (JSON is
`ProjectSet.to_json`). A partial total is said to be a lower bound wherever it is shown."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from cloudwright.reports import format as fmt
from cloudwright.reports.safe import code_span, markdown

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cloudwright.pricing.projects import ProjectSet
    from cloudwright.pricing.report import CostReport

ESTIMATE_NOTE = "Estimates at list prices; energy and carbon are modelled."


def _status(report: CostReport) -> str:
    t = report.totals
    if not t.complete:
        return "partial (lower bound)"
    return f"{t.usage_pending} pending usage" if t.usage_pending else "complete"


def _partial_line(projects: ProjectSet) -> str | None:
    t = projects.totals
    if t.complete:
        return None
    return (
        f"Partial: resources that could not be priced in {', '.join(t.partial_projects)} "
        f"({t.unknown_components} unknown components); the combined total is a lower bound."
    )


def render(projects: ProjectSet) -> RenderableType:
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Project", "Source", "Monthly", "kgCO2e/mo", "Status"):
        table.add_column(column, justify="right" if column[0] in "Mk" else "left")
    for p in projects.projects:
        r = p.report.totals
        table.add_row(
            escape(p.name),
            escape(p.origin),
            fmt.usd(r.monthly_usd),
            fmt.kg(r.carbon_kg_month),
            _status(p.report),
        )
    t = projects.totals
    parts: list[RenderableType] = [
        Text.from_markup(f"[bold]Cloudwright cost[/]  [dim]{escape(projects.config)}[/]"),
        table,
        Text.from_markup(
            f"[bold]Combined total {fmt.usd(t.monthly_usd)}/month[/]"
            + (" (lower bound)" if not t.complete else "")
            + f", {fmt.mass(t.carbon_kg_month)} CO2e per month, {len(projects.projects)} projects"
        ),
    ]
    partial = _partial_line(projects)
    if partial:
        parts.append(Text(partial, style="yellow"))
    if t.usage_pending:
        parts.append(
            Text(f"{t.usage_pending} usage-based lines wait on a usage file.", style="yellow")
        )
    parts.append(Text(ESTIMATE_NOTE, style="dim"))
    return Group(*parts)


def render_text(projects: ProjectSet, *, width: int = 120) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(render(projects))
    return console.export_text()


def render_markdown(projects: ProjectSet) -> str:
    """The combined headline and the per-project table; each project's own report folded."""
    from cloudwright.reports.markdown import render_markdown as project_markdown

    t = projects.totals
    lines = [
        f"### Cloudwright cost estimate: {len(projects.projects)} projects",
        "",
        f"**{fmt.usd(t.monthly_usd)}/month**"
        + (" (lower bound)" if not t.complete else "")
        + f" · {fmt.kwh(t.energy_kwh_month)} kWh · {fmt.mass(t.carbon_kg_month)} CO2e per month",
        "",
    ]
    partial = _partial_line(projects)
    if partial:
        lines += [f"> {markdown(partial)}", ""]
    lines += ["| Project | Source | Monthly | kgCO2e/mo | Status |", "|---|---|---:|---:|---|"]
    for p in projects.projects:
        r = p.report.totals
        lines.append(
            f"| {markdown(p.name)} | {code_span(p.origin)} | {fmt.usd(r.monthly_usd)} "
            f"| {fmt.kg(r.carbon_kg_month)} | {_status(p.report)} |"
        )
    lines.append("")
    for p in projects.projects:
        body = project_markdown(p.report).rstrip("\n")
        lines += [f"<details><summary>{markdown(p.name)}</summary>", "", body, "", "</details>"]
    lines += ["", f"<sub>{ESTIMATE_NOTE}</sub>"]
    return "\n".join(lines) + "\n"
