"""The self-contained HTML report: headline figures, inline SVG charts (cost by cloud, region
and workload; share of cost vs share of carbon by region; cost vs carbon per resource; the
costliest resources), the resource table with components, and what could not be priced.

Self-contained means one file with inline CSS and SVG: no script, font or image is fetched,
so it opens offline and can be attached to a CI run. The template is Jinja2 with
autoescaping on; chart SVG is built by reports.svg (which escapes its own text).

Responsive from 1400 px down to a 360 px phone: charts scale with their container, the
chart grid drops to one column, and tables scroll sideways inside their own box, so the page
never scrolls horizontally. The headline total says what it leaves out (usage-based lines
waiting for a figure, lines without a price), and a known budget is stated beside it and
drawn as a reference line on the total's chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudwright.reports import format as fmt
from cloudwright.reports import svg
from cloudwright.reports.table import grouped

if TYPE_CHECKING:
    from cloudwright.pricing.report import CostReport

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP_RESOURCES = 10
TOP_REGIONS = 12


@dataclass(frozen=True)
class Budget:
    """A monthly budget to compare the estimate with, and where it comes from (e.g. "policy
    config monthly-budget.monthlyUsd", "fleet.yaml budget.monthly_usd")."""

    monthly_usd: float
    source: str

    def __post_init__(self) -> None:
        if not (self.monthly_usd >= 0 and self.monthly_usd != float("inf")):
            raise ValueError(f"budget must be a finite amount ≥ 0, not {self.monthly_usd!r}")


def _cloud_colour(cloud: str | None) -> str:
    return svg.CLOUD_COLOURS.get(cloud or "", "#6b7280")


def charts(report: CostReport, budget: Budget | None = None) -> dict[str, str]:
    """Every chart of the report as inline SVG, by name (`budget` only with a budget)."""
    by_cloud = report.breakdown("cloud")
    by_region = report.breakdown("region")
    by_workload = report.breakdown("workload")
    money = fmt.usd
    priced = [r for r in report.counted() if (r.monthly_usd or 0) > 0]
    costliest = sorted(priced, key=lambda r: -(r.monthly_usd or 0))[:TOP_RESOURCES]
    out = {
        "by_cloud": svg.bar_chart(
            "by-cloud",
            "Monthly cost by cloud",
            [
                svg.Bar(k, g.monthly_usd, _cloud_colour(k), f"{fmt.kg(g.carbon_kg_month)} kgCO2e")
                for k, g in by_cloud.items()
            ],
            money,
        ),
        "by_region": svg.bar_chart(
            "by-region",
            "Monthly cost by region",
            [
                svg.Bar(k, g.monthly_usd, _cloud_colour(k.split(":")[0]))
                for k, g in list(by_region.items())[:TOP_REGIONS]
            ],
            money,
        ),
        "by_workload": svg.bar_chart(
            "by-workload",
            "Monthly cost by workload",
            [svg.Bar(k, g.monthly_usd) for k, g in by_workload.items()],
            money,
        ),
        "cost_vs_carbon_regions": svg.share_chart(
            "share-by-region",
            "Share of cost and of carbon by region",
            [
                (k, g.monthly_usd, g.carbon_kg_month)
                for k, g in list(by_region.items())[:TOP_REGIONS]
            ],
        ),
        "cost_vs_carbon": svg.scatter_chart(
            "cost-vs-carbon",
            "Cost against carbon, per resource",
            [
                svg.Point(
                    r.name, r.monthly_usd or 0.0, r.carbon_kg_month or 0.0, _cloud_colour(r.cloud)
                )
                for r in priced
            ],
            money,
            fmt.sig,
        ),
        "costliest": svg.bar_chart(
            "costliest",
            f"The {len(costliest)} costliest resources",
            [
                svg.Bar(
                    r.name,
                    r.monthly_usd or 0.0,
                    _cloud_colour(r.cloud),
                    f"{r.type} · {fmt.kg(r.carbon_kg_month)} kgCO2e/month",
                )
                for r in costliest
            ],
            money,
        ),
    }
    if budget is not None:
        out["budget"] = svg.budget_chart(
            "budget",
            "Monthly cost against the budget",
            [svg.Bar(k, g.monthly_usd, _cloud_colour(k)) for k, g in by_cloud.items()],
            budget.monthly_usd,
            money,
        )
    return out


def _context(report: CostReport, budget: Budget | None) -> dict[str, Any]:
    unknown = [
        (r.name, c.name, c.reason or "")
        for r in report.counted()
        for c in r.components
        if c.status == "unknown"
    ]
    pending = [
        (r.name, c.name, c.reason or "")
        for r in report.counted()
        for c in r.components
        if c.status == "usage"
    ]
    total = report.totals.monthly_usd
    return {
        "budget": budget,
        "over_budget": budget is not None and total > budget.monthly_usd,
        "budget_share": total / budget.monthly_usd if budget and budget.monthly_usd > 0 else None,
        "pending": pending,
        "report": report,
        "t": report.totals,
        "fmt": fmt,
        "charts": charts(report, budget),
        "groups": grouped(report),
        "unknown": unknown,
        "unsupported": sorted(report.unsupported_types.items(), key=lambda kv: -kv[1]),
        "free_count": sum(1 for r in report.counted() if r.status == "free"),
        "title": "/".join(p for p in (report.project, report.stack) if p) or report.origin,
    }


def render_html(report: CostReport, *, budget: Budget | None = None) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("cost_report.html.j2").render(**_context(report, budget))
