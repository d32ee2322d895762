"""`sites:` in a fleet file: GPUs a team owns (on-prem, colocation, edge) as placement targets.

Shape and internal consistency only (types, ranges, unknown fields, a price for every
accelerator); GPU names and the grid zone of the location are checked against the catalog
when the site becomes catalog rows (`optimizer.fleet.sites`). Documented in docs/fleet.md "Sites".

A site's GPU-hour costs one of (first that applies, per accelerator):
- `usd_per_gpu_hour` on the accelerator (what the team charges itself);
- the site's `cost`: (capex ÷ amortisation months + opex per month) ÷ (730 h × the site's GPUs);
- `sunk: true`: capacity already paid for, US$0 marginal up to its size (a decision the plan
  states, not an unknown price).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SiteKind = Literal["on-prem", "colo", "edge"]
# Fabrics a site may declare between its nodes (the catalog's FABRICS words).
SiteFabric = Literal["InfiniBand", "GPUDirect-RDMA", "none"]
_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"
_MAX = 1e12  # as spec.MAX_AMOUNT: far below what overflows once multiplied and summed


class _SiteModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class SiteLocation(_SiteModel):
    """Where the site is: coordinates (latency) and the grid zone (carbon): a country
    (ISO 3166 alpha-2 or alpha-3) and, for US states / Canadian provinces / Nordic bidding
    zones, `state`."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    country: str = Field(pattern=r"^[A-Za-z]{2,3}$")
    state: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,4}$")
    city: str | None = None


class SiteAccelerator(_SiteModel):
    type: str = Field(min_length=1)
    count: int = Field(ge=1, le=10**6)
    usd_per_gpu_hour: float | None = Field(default=None, ge=0, le=_MAX)
    # The host a node stands for: 8 GPUs (an HGX/DGX-class server) unless said otherwise.
    gpus_per_node: int = Field(default=8, ge=1, le=64)
    fabric: SiteFabric = "none"
    vcpus_per_gpu: float | None = Field(default=None, gt=0, le=1024)
    memory_gb_per_gpu: float | None = Field(default=None, gt=0, le=10**5)


class SiteCost(_SiteModel):
    capex_usd: float = Field(ge=0, le=_MAX)
    amortisation_months: float = Field(ge=1, le=1200)
    opex_usd_per_month: float = Field(default=0.0, ge=0, le=_MAX)


class Site(_SiteModel):
    name: str = Field(pattern=_NAME)
    kind: SiteKind
    location: SiteLocation
    pue: float = Field(ge=1.0, le=3.0)
    accelerators: list[SiteAccelerator] = Field(min_length=1)
    cost: SiteCost | None = None
    sunk: bool = False
    # Data gravity: $/GB leaving the site (to a cloud, another site or the internet).
    egress_usd_per_gb: float = Field(ge=0, le=_MAX)
    # A figure of the site's own (a renewable supply contract, a measured mix) instead of the
    # grid zone's average; said so in the plan.
    grid_intensity_g_per_kwh: float | None = Field(default=None, ge=0, le=5000)

    @model_validator(mode="after")
    def _priced(self) -> Site:
        if self.cost is None and not self.sunk:
            for acc in self.accelerators:
                if acc.usd_per_gpu_hour is None:
                    raise ValueError(
                        f"accelerator {acc.type} has no price: give it usd_per_gpu_hour, give "
                        "the site a cost (capex_usd, amortisation_months, opex_usd_per_month) "
                        "or say sunk: true"
                    )
        return self

    @property
    def gpus(self) -> int:
        return sum(a.count for a in self.accelerators)
