"""The fleet spec (YAML, version 1): workloads and the fleet-wide constraints, as pydantic models.

This module checks shape and internal consistency only (types, ranges, unknown fields,
cross-field rules); names are checked against the catalog by `optimizer.fleet.resolve`.
Every field is documented for users in docs/fleet.md; keep the two in step.

Invariants: unknown fields are errors; every number is finite (`.nan`, `.inf` are errors) and
amounts are bounded (MAX_AMOUNT; divisors such as amortisation months at least MIN_MONTHS), so
no cost computed from a fleet can overflow; a workload's GPU types are a non-empty list after
parsing (a single string is accepted). Rules that span fields (unique names, co-location
groups of two or more, an SLO needs users, ...) live in `optimizer.fleet.load` so their
errors can point at the exact line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from cloudwright.core.yamlsource import SourceMap
from cloudwright.optimizer.fleet.site_spec import Site
from cloudwright.optimizer.purchase import PurchaseName

Objective = Literal["cost", "carbon", "latency", "balanced"]
Kind = Literal["training", "inference", "batch"]
# Where a workload's nodes run: VM clusters (launch template + ASG, instances, scale sets) or
# a GPU node pool in a managed Kubernetes cluster (EKS, GKE, AKS) per cloud and region.
Platform = Literal["vm", "kubernetes"]

# A fleet without a carbon price still needs one for `balanced`: the US EPA's 2023 social cost
# of carbon (2020 emissions, 2 % near-term discount rate), US$190 per tonne CO2. A policy
# default, not a market price: fleets should set their own.
DEFAULT_CARBON_PRICE_USD_PER_TONNE = 190.0
DEFAULT_CARBON_PRICE_SOURCE = (
    "US EPA, Report on the Social Cost of Greenhouse Gases (2023), 2020 emissions at 2 %"
)

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"
# Joins a split workload's name and a population's in its parts' names (fleet/split.py); the
# name pattern above never allows it, so a part's name never collides with a workload's.
PART_SEPARATOR = "@"
# Far beyond any real fleet (10^12 GB is a zettabyte, US$10^12 a trillion), and far below what
# overflows a float once multiplied by prices and summed.
MAX_AMOUNT = 1e12
MIN_MONTHS = 0.01  # costs are spread over months: a vanishing divisor would overflow them


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


class GpuRequest(_Spec):
    """GPUs per node: one or more acceptable types, and how many each node needs; or, with
    `h100_equivalents`, the work rate of that many H100s, each offer sized by its family's
    throughput ratio (docs/fleet.md#work; optimizer/models/throughput.py)."""

    type: list[str] = Field(min_length=1)
    count: int = Field(default=1, ge=1, le=64)
    h100_equivalents: float | None = Field(default=None, gt=0, le=1e6)

    _listify = field_validator("type", mode="before")(_as_list)

    @model_validator(mode="after")
    def _count_or_work(self) -> GpuRequest:
        if self.h100_equivalents is not None and "count" in self.model_fields_set:
            raise ValueError(
                "count and h100_equivalents are mutually exclusive: count fixes the GPUs "
                "per node, h100_equivalents sizes every offer by the work it does"
            )
        return self


class DataSpec(_Spec):
    """Where the workload's input data lives; moving it elsewhere costs egress once."""

    size_gb: float = Field(ge=0, le=MAX_AMOUNT)
    location: str = Field(pattern=r"^[a-z]+:[A-Za-z0-9-]+$")


class StorageSpec(_Spec):
    """Storage next to the nodes (TB = 10^12 bytes)."""

    object_tb: float = Field(default=0.0, ge=0, le=MAX_AMOUNT)
    parallel_fs_tb: float = Field(default=0.0, ge=0, le=MAX_AMOUNT)
    parallel_fs_throughput_mb_s_per_tib: Literal[40, 125, 250, 500, 1000] = 250


class Residency(_Spec):
    """Region globs (on the region code or `cloud:region`), countries (ISO 3166 alpha-2 or
    alpha-3) and continents. In `allow`, a region must match every list given; in `deny`,
    matching any entry excludes it."""

    regions: list[str] = []
    countries: list[str] = []
    continents: list[str] = []

    _listify = field_validator("regions", "countries", "continents", mode="before")(_as_list)

    @model_validator(mode="after")
    def _not_empty(self) -> Residency:
        if not (self.regions or self.countries or self.continents):
            raise ValueError("give at least one of regions, countries, continents")
        return self


class UserPopulation(_Spec):
    name: str = Field(min_length=1)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    weight: float = Field(default=1.0, gt=0, le=MAX_AMOUNT)


class Placement(_Spec):
    """How a workload may be spread: `max_regions` > 1 lets an inference workload with
    several user populations be served from up to that many regions, each population routed
    to one that meets the SLO on its own (docs/fleet.md#placement)."""

    max_regions: int = Field(default=1, ge=1, le=16)


class Deferral(_Spec):
    """A workload that may start anywhere within `window_hours` of being released.

    `run_hours` is the length of one run (default: the month's hours in one run a day,
    capped at the window). `intensity_csv` is an hourly (or finer) carbon-intensity series:
    one path for every region, or a map from `cloud:region` to a path; without one the
    region's annual average applies and no saving is claimed.
    """

    window_hours: float = Field(gt=0, le=24 * 31)
    run_hours: float | None = Field(default=None, gt=0)
    intensity_csv: str | dict[str, str] | None = None

    @model_validator(mode="after")
    def _run_fits(self) -> Deferral:
        if self.run_hours is not None and self.run_hours > self.window_hours:
            raise ValueError(
                f"run_hours ({self.run_hours:g}) is longer than window_hours "
                f"({self.window_hours:g}): the run cannot fit in its window"
            )
        return self


@dataclass(frozen=True)
class SplitPart:
    """What a per-population part of a split workload stands for."""

    parent: Workload  # as resolved, all populations
    population: str
    share: float  # of the parent's traffic (the population's weight share)
    index: int  # the population's position in parent.users


class Workload(_Spec):
    name: str = Field(pattern=NAME_PATTERN)
    kind: Kind
    gpu: GpuRequest
    nodes: int | None = Field(default=None, ge=1, le=4096)
    replicas: int | None = Field(default=None, ge=1, le=4096)
    interconnect: Literal["required", "optional"] = "optional"
    hours_per_month: float | None = Field(default=None, gt=0, le=744)
    utilization: float | None = Field(default=None, ge=0, le=1)
    deferrable: Deferral | None = None
    data: DataSpec | None = None
    storage: StorageSpec = Field(default_factory=StorageSpec)
    allow: Residency | None = None
    deny: Residency | None = None
    spot: bool = False
    # How it may be bought (docs/fleet.md#purchase); None: the fleet's, else on-demand (+ spot
    # when `spot: true`). Resolve fills it and sets `spot` to whether it holds spot.
    purchase: list[PurchaseName] | None = Field(default=None, min_length=1)
    clouds: list[str] | None = Field(default=None, min_length=1)
    instance_types: list[str] | None = Field(default=None, min_length=1)
    users: list[UserPopulation] = []
    latency_slo_ms: float | None = Field(default=None, gt=0, le=MAX_AMOUNT)
    egress_gb_month: float = Field(default=0.0, ge=0, le=MAX_AMOUNT)
    colocate: str | None = Field(default=None, pattern=NAME_PATTERN)
    placement: Placement = Field(default_factory=Placement)
    owner: str | None = None
    cost_center: str | None = None
    platform: Platform | None = None  # None: the fleet's (resolve fills it)
    # User-given work per chip relative to one H100, per family (with gpu.h100_equivalents).
    throughput: dict[str, Annotated[float, Field(gt=0, le=100)]] | None = None
    # Families resolve left out for want of a ratio, with the reason (the explanation says).
    _unrated: tuple[str, ...] = PrivateAttr(default=())
    # Set on the per-population parts of a workload served from several regions
    # (optimizer/fleet/split.py); None on every workload a user wrote.
    _split: SplitPart | None = PrivateAttr(default=None)

    _listify = field_validator("clouds", "instance_types", "purchase", mode="before")(_as_list)

    @property
    def node_count(self) -> int:
        return self.replicas or self.nodes or 1

    @property
    def unrated(self) -> tuple[str, ...]:
        return self._unrated

    @property
    def split(self) -> SplitPart | None:
        # Parts are named `<workload>@<population>` ("@" is no user's): a private attribute
        # read costs ~4 µs, the name test ~50 ns, and 10^5 workloads ask several times.
        return self._split if PART_SEPARATOR in self.name else None

    @property
    def origin(self) -> str:
        """The name the user gave: the parent's for a per-population part."""
        part = self.split
        return part.parent.name if part is not None else self.name

    @property
    def is_split(self) -> bool:
        """Served from several regions: an inference workload with two or more user
        populations and `placement.max_regions` > 1."""
        return self.kind == "inference" and len(self.users) > 1 and self.placement.max_regions > 1


class CapacityEntry(_Spec):
    """GPUs you can actually get: a quota, a reservation or a capacity block.

    The pool is every region matching all of `cloud` (omitted: every cloud), `region` (a
    code or glob, default every region; `cloud:region` patterns work too) and `continent`;
    `gpu` omitted means every GPU type there."""

    cloud: str | None = None
    region: str = "*"
    continent: str | None = None
    gpu: str | None = None
    max_gpus: int = Field(ge=0, le=10**9)
    name: str | None = None

    def label(self) -> str:
        if self.name:
            return self.name
        where = f"{self.cloud or '*'}:{self.region}"
        if self.continent:
            where += f" in {self.continent}"
        return where + (f" {self.gpu}" if self.gpu else " (all GPUs)")


class Budget(_Spec):
    monthly_usd: float = Field(gt=0, le=MAX_AMOUNT)


class Migration(_Spec):
    """What moving a running workload costs, for re-planning against a lock.

    A workload moves only when its monthly saving exceeds the move's cost (data egress +
    `cost_usd`) spread over `horizon_months`, plus `min_saving_pct` of its current cost."""

    cost_usd: float = Field(default=0.0, ge=0, le=MAX_AMOUNT)
    horizon_months: float = Field(default=12.0, ge=MIN_MONTHS, le=MAX_AMOUNT)
    min_saving_pct: float = Field(default=0.0, ge=0, le=100)


class Fleet(_Spec):
    version: Literal[1]
    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    owner: str | None = None
    cost_center: str | None = None
    objective: Objective = "balanced"
    carbon_price_usd_per_tonne: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    latency_penalty_pct_per_ms: float = Field(default=0.1, ge=0, le=MAX_AMOUNT)
    clouds: list[str] | None = Field(default=None, min_length=1)
    budget: Budget | None = None
    capacity: list[CapacityEntry] = []
    # GPUs the team owns (on-prem, colo, edge): placement targets like regions (docs/fleet.md).
    sites: list[Site] = []
    max_spot_fraction: float | None = Field(default=None, ge=0, le=1)
    purchase: list[PurchaseName] | None = Field(default=None, min_length=1)  # workloads' default
    allow: Residency | None = None
    deny: Residency | None = None
    hours_per_month: float | None = Field(default=None, gt=0, le=744)
    utilization: float | None = Field(default=None, ge=0, le=1)
    data_amortization_months: float = Field(default=12.0, ge=MIN_MONTHS, le=MAX_AMOUNT)
    include_embodied: bool = False
    doubtful_prices: Literal["avoid", "allow"] = "avoid"
    migration: Migration = Field(default_factory=Migration)
    platform: Platform = "vm"
    workloads: Annotated[list[Workload], Field(min_length=1)]
    # Where each field sits in the file it came from (set by the loader; empty in code).
    _source: SourceMap = PrivateAttr(default_factory=lambda: SourceMap("fleet"))

    _listify = field_validator("clouds", "purchase", mode="before")(_as_list)

    @property
    def source(self) -> SourceMap:
        return self._source

    def workload(self, name: str) -> Workload:
        for w in self.workloads:
            if w.name == name:
                return w
        raise KeyError(name)

    def colocation_groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for w in self.workloads:
            if w.colocate:
                groups.setdefault(w.colocate, []).append(w.name)
        return groups
