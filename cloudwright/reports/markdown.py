"""Markdown for pull-request comments: the headline (total, change, energy, carbon), a table
per cloud/region/workload group, the resources in a collapsible block, and what could not be
priced. GitHub-flavoured; pipes in names are escaped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudwright.reports import format as fmt
from cloudwright.reports.safe import code_span, markdown
from cloudwright.reports.table import grouped

if TYPE_CHECKING:
    from cloudwright.pricing.report import CostReport

MAX_RESOURCES = 50


def _cell(text: str) -> str:
    return markdown(text)


def _headline(report: CostReport) -> list[str]:
    t = report.totals
    where = "/".join(p for p in (report.project, report.stack) if p) or report.origin
    lines = [f"### Cloudwright cost estimate: {code_span(where)}", ""]
    head = (
        f"**{fmt.usd(t.monthly_usd)}/month** · {fmt.kwh(t.energy_kwh_month)} kWh · "
        f"{fmt.mass(t.carbon_kg_month)} CO2e per month"
    )
    if report.has_changes and t.delta_monthly_usd is not None:
        head += (
            f" · change **{fmt.usd(t.delta_monthly_usd, signed=True)}/month**, "
            f"{fmt.kg(t.delta_carbon_kg_month, signed=True)} kgCO2e"
        )
    lines.append(head)
    if not t.complete:
        lines += [
            "",
            f"> Incomplete: {t.unknown_components} components could not be priced and "
            f"{sum(report.unsupported_types.values())} resources are of unsupported types; "
            "the total is a lower bound.",
        ]
    return lines


def _groups(report: CostReport) -> list[str]:
    delta = report.has_changes
    header = "| Group | Resources | Monthly |" + (" Δ monthly |" if delta else "")
    header += " kWh/mo | kgCO2e/mo |"
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for (cloud, region, workload), resources in grouped(report):
        counted = [r for r in resources if r.counted]
        label = f"{cloud} · {region}" + (f" · {workload}" if workload else "")
        row = f"| {_cell(label)} | {len(counted)} | {fmt.usd(sum(r.monthly_usd or 0 for r in counted))} |"
        if delta:
            row += f" {fmt.usd(sum(r.delta_monthly_usd or 0 for r in resources), signed=True)} |"
        row += (
            f" {fmt.kwh(sum(r.energy_kwh_month or 0 for r in counted))} |"
            f" {fmt.kg(sum(r.carbon_kg_month or 0 for r in counted))} |"
        )
        lines.append(row)
    return lines


def _resources(report: CostReport) -> list[str]:
    rows = [r for _, group in grouped(report) for r in group]
    delta = report.has_changes
    header = "| Resource | Type | Status |" + (" Op | Δ monthly |" if delta else "")
    header += " Monthly | kgCO2e/mo |"
    lines = [
        f"<details><summary>{len(rows)} priced resources</summary>",
        "",
        header,
        "|" + "---|" * (header.count("|") - 1),
    ]
    for r in rows[:MAX_RESOURCES]:
        row = f"| {_cell(r.name)} | {code_span(r.type)} | {r.status} |"
        if delta:
            row += f" {r.op} | {fmt.usd(r.delta_monthly_usd, signed=True, unknown='?')} |"
        row += f" {fmt.usd(r.monthly_usd)} | {fmt.kg(r.carbon_kg_month)} |"
        lines.append(row)
    if len(rows) > MAX_RESOURCES:
        lines.append(f"| … {len(rows) - MAX_RESOURCES} more (see the JSON report) | | | | |")
    return [*lines, "", "</details>"]


def render_markdown(report: CostReport) -> str:
    lines = _headline(report)
    lines += ["", *_groups(report), "", *_resources(report)]
    unknown = [
        f"- {_cell(r.name)}: {_cell(c.name)} ({_cell(c.reason or '')})"
        for r in report.counted()
        for c in r.components
        if c.status == "unknown"
    ]
    if unknown:
        lines += ["", "**Not priced**", "", *unknown[:20]]
    if report.unsupported_types:
        items = ", ".join(
            f"`{t}` × {n}"
            for t, n in sorted(report.unsupported_types.items(), key=lambda kv: -kv[1])
        )
        lines += ["", f"**Unsupported types** (not priced, not counted as $0): {items}"]
    if report.totals.usage_pending:
        lines += [
            "",
            f"{report.totals.usage_pending} usage-based components have no usage figure "
            "(pass `--usage usage.yml`).",
        ]
    for note in report.notes:
        lines += ["", f"_Note: {_cell(note)}_"]
    lines += ["", f"<sub>{_cell(report.estimate_note)}</sub>", ""]
    return "\n".join(lines)
