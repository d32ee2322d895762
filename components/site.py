"""`cloudwright:site:GpuAllocation`: a workload placed on the team's own GPUs (a fleet `site`).

Nothing is created in any cloud: the component has no children. It exists so the stack's
resource graph, and with it `cost` and the budget policies of `check`, count the GPU-hours a
plan puts on a site at the site's rate, with the site's PUE and grid intensity
(cloudwright/pricing/site.py prices it). Its inputs are everything that takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi

if TYPE_CHECKING:
    from cloudwright.optimizer.plan import Assignment

SITE_ALLOCATION_TYPE = "cloudwright:site:GpuAllocation"


def allocation_inputs(a: Assignment, tags: dict[str, str]) -> dict[str, Any]:
    """The component's inputs for site assignment `a` (its `site` facts must be set)."""
    site = a.site
    if site is None:
        raise ValueError(f"assignment {a.workload!r} is on a site but carries no site facts")
    return {
        "site": a.region,
        "kind": site.kind,
        "accelerator": a.gpu,
        "gpusPerNode": a.gpu_count,
        "nodes": a.nodes,
        "gpus": a.gpu_count * a.nodes,
        "usdPerGpuHour": site.usd_per_gpu_hour,
        "priceBasis": site.price_basis,
        "priceSource": site.price_source,
        "priceDate": site.price_date,
        "pue": site.pue,
        "gridIntensityGPerKwh": site.grid_intensity_g_per_kwh,
        "gridIntensitySource": site.grid_intensity_source,
        "nodeWatts": site.node_watts,
        "lat": site.lat,
        "lon": site.lon,
        "country": site.country,
        "tags": dict(tags),
    }


class GpuAllocation(pulumi.ComponentResource):
    """GPUs of an own site held for one workload; registers no children."""

    def __init__(
        self, name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(SITE_ALLOCATION_TYPE, name, inputs, opts)
        self.site = inputs["site"]
        self.register_outputs({"site": inputs["site"], "gpus": inputs["gpus"]})
