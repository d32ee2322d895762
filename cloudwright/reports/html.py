"""The self-contained HTML report: headline figures, inline SVG charts (cost by cloud, region
and workload; share of cost vs share of carbon by region; cost vs carbon per resource; the
costliest resources), the resource table with components, and what could not be priced.

Self-contained means one file with inline CSS and SVG: no script, font or image is fetched,
so it opens offline and can be attached to a CI run. The template is Jinja2 with
autoescaping on; chart SVG is built by reports.svg (which escapes its own text).
"""

from __future__ import annotations

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


def _cloud_colour(cloud: str | None) -> str:
    return svg.CLOUD_COLOURS.get(cloud or "", "#6b7280")


def charts(report: CostReport) -> dict[str, str]:
    """Every chart of the report as inline SVG, by name."""
    by_cloud = report.breakdown("cloud")
    by_region = report.breakdown("region")
    by_workload = report.breakdown("workload")
    money = fmt.usd
    priced = [r for r in report.counted() if (r.monthly_usd or 0) > 0]
    costliest = sorted(priced, key=lambda r: -(r.monthly_usd or 0))[:TOP_RESOURCES]
    return {
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


def _context(report: CostReport) -> dict[str, Any]:
    unknown = [
        (r.name, c.name, c.reason or "")
        for r in report.counted()
        for c in r.components
        if c.status == "unknown"
    ]
    return {
        "report": report,
        "t": report.totals,
        "fmt": fmt,
        "charts": charts(report),
        "groups": grouped(report),
        "unknown": unknown,
        "unsupported": sorted(report.unsupported_types.items(), key=lambda kv: -kv[1]),
        "free_count": sum(1 for r in report.counted() if r.status == "free"),
        "title": "/".join(p for p in (report.project, report.stack) if p) or report.origin,
    }


def render_html(report: CostReport) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("cost_report.html.j2").render(**_context(report))
