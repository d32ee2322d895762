"""CSV: one row per cost component (a resource with no components gets one row), so a
spreadsheet can pivot by resource, type, cloud, region, workload or component. Unknown
amounts are empty cells, never 0; the `status` columns say why."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from cloudwright.reports.safe import csv_cell

if TYPE_CHECKING:
    from cloudwright.pricing.report import CostReport

COLUMNS = (
    "urn",
    "name",
    "type",
    "cloud",
    "region",
    "workload",
    "op",
    "counted",
    "resource_status",
    "resource_monthly_usd",
    "component",
    "component_status",
    "quantity",
    "unit",
    "unit_price_usd",
    "monthly_usd",
    "energy_kwh_month",
    "carbon_kg_month",
    "energy_basis",
    "usage_based",
    "price_source",
    "price_date",
    "reason",
)


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e15 else value
    return csv_cell(value)


def render_csv(report: CostReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in report.resources:
        base = [
            r.urn,
            r.name,
            r.type,
            r.cloud,
            r.region,
            r.workload,
            r.op,
            r.counted,
            r.status,
            r.monthly_usd,
        ]
        if not r.components:
            writer.writerow(
                [_cell(v) for v in [*base, "", "", None, "", None, None, None, None]]
                + ["", "", "", "", r.reason or ""]
            )
            continue
        for c in r.components:
            writer.writerow(
                [
                    _cell(v)
                    for v in (
                        *base,
                        c.name,
                        c.status,
                        c.quantity,
                        c.unit,
                        c.unit_price_usd,
                        c.monthly_usd,
                        c.energy_kwh_month,
                        c.carbon_kg_month,
                        c.energy_basis,
                        c.usage_based,
                        c.price_source,
                        c.price_date,
                        c.reason,
                    )
                ]
            )
    return buffer.getvalue()
