"""An own site's GPU allocation (`cloudwright:site:GpuAllocation`): the GPU-hours a plan puts
on a fleet `site`, at the site's rate, with the site's PUE and grid intensity.

Nothing is billed by a cloud: the rate is the one the plan carries from the fleet (declared,
amortised capex + opex, or sunk at $0 — said so on the line), the hours are the plan's, the
energy is the optimizer's modelled node draw × PUE, the carbon that × the site's grid zone.
"""

from __future__ import annotations

from typing import Any

from cloudwright.pricing.components import CostComponent, StatedEnergy, StatedRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.resource_graph.model import Resource

SITE_TYPE = "cloudwright:site:GpuAllocation"


def _number(inputs: dict[str, Any], key: str) -> float | None:
    value = inputs.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _sku(site: str, gpu: str) -> str:
    """cloud:service:product:unit, as the catalog's skus read (FOCUS splits it)."""
    return f"site:gpu:{site}/{gpu}:GPU-hours"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    inputs = resource.inputs
    site = str(inputs.get("site") or "?")
    gpu = str(inputs.get("accelerator") or "?")
    gpus, rate = _number(inputs, "gpus"), _number(inputs, "usdPerGpuHour")
    per_node = _number(inputs, "gpusPerNode")
    watts, pue = _number(inputs, "nodeWatts"), _number(inputs, "pue")
    grid = _number(inputs, "gridIntensityGPerKwh")
    basis = str(inputs.get("priceBasis") or "")
    hours = ctx.compute_hours(resource)
    quantity: float | Unpriced = (
        gpus * hours if gpus is not None else Unpriced("the allocation states no GPU count")
    )
    energy = None
    if watts is not None and pue is not None and grid is not None and per_node:
        energy = StatedEnergy(watts / per_node * pue / 1000.0, grid)
    if rate is None:
        return [
            CostComponent(
                name=f"GPU usage (site {site}, {gpu})",
                unit="GPU-hours",
                quantity=Unpriced("the allocation states no $/GPU-hour"),
                price=StatedRate(0.0, "", "", _sku(site, gpu)),
            )
        ]
    note = None
    if basis == "sunk":
        note = "sunk capacity: already paid for, $0 marginal (the fleet's decision)"
    return [
        CostComponent(
            name=f"GPU usage (site {site}, {gpu}, {basis or 'declared'})",
            unit="GPU-hours",
            quantity=quantity,
            price=StatedRate(
                rate,
                str(inputs.get("priceSource") or f"site {site}"),
                str(inputs.get("priceDate") or ""),
                _sku(site, gpu),
            ),
            usage_based=True,
            usage_key="hours_per_month",
            energy=energy,
            note=note,
        )
    ]


PRICER = Pricer(
    types=(SITE_TYPE,),
    summary="GPU-hours at the site's own rate (declared, amortised or sunk), site PUE and grid",
    price=price,
)
