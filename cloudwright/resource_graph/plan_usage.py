"""What a plan decided about each workload's usage, in the usage file's keys.

One reading of a plan for every cost path: `cost plan.json` (the plan and its preview), a
saved graph.json of that preview, and the budget policies of `check` all price the same
hours, GPU utilisation, object storage and serving egress the optimizer priced. The offline
preview stores this mapping in the graph (`Graph.plan_usage`), so a graph read without its
plan still prices like the plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudwright.optimizer.purchase import TERM_YEARS, commit_product, label

if TYPE_CHECKING:
    from cloudwright.optimizer.plan import Plan

GB_PER_TB = 1000.0  # the plan's TB are 10^12 bytes


def plan_usage(plan: Plan) -> dict[str, dict[str, float]]:
    """Workload name → usage values the plan's figures assume (`commit_years` for a
    commitment: its compute is priced at the commit rate, billed every hour of the month)."""
    out: dict[str, dict[str, float]] = {}
    for a in plan.assignments:
        values = {"hours_per_month": float(a.hours_per_month)}
        if a.gpu_utilization is not None:
            values["gpu_utilization"] = float(a.gpu_utilization)
        if a.storage.object_tb:
            values["storage_gb"] = float(a.storage.object_tb) * GB_PER_TB
        if a.egress_gb_month:
            values["egress_gb"] = float(a.egress_gb_month)  # the workload's total, priced once
        if a.cost.egress_usd:  # the one-off data move, amortised: no resource carries it
            values["data_move_usd"] = float(a.cost.egress_usd)
        if a.pricing in TERM_YEARS:
            # Priced at the commit rate, 730 h/month (pricing.compute.committed).
            values["commit_years"] = float(TERM_YEARS[a.pricing])
        out[usage_key(a.workload, a.region) if a.serves else a.workload] = values
    return out


def usage_key(workload: str, region: str) -> str:
    """The plan usage key of one region of a workload served from several regions (each
    region prices its own share: hours, storage copy, serving egress)."""
    return f"{workload}@{region}"


def commitment_notes(plan: Plan) -> list[str]:
    """What the preview must say about commit assignments: deployed as on-demand instances,
    the reservation / committed use discount bought separately (the stack creates none)."""
    by_product: dict[str, list[str]] = {}
    for a in plan.assignments:
        if a.pricing in TERM_YEARS:
            product = commit_product(a.cloud)
            by_product.setdefault(product, []).append(f"{a.workload} ({label(a.pricing)})")
    return [
        f"{', '.join(names)}: deployed as on-demand instances; buy the commitment separately "
        f"({product}) — the stack creates no reservation, and the bill is on-demand until it "
        "exists"
        for product, names in sorted(by_product.items())
    ]
