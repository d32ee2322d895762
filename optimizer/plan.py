"""plan.json: the lock between the optimizer and the deployment.

`pulumi up` deploys what the plan says and never re-optimises on its own. This module holds
the plan's schema (pydantic), and loading/saving it (atomically). The optimizer builds
Plans; stacks/, pricing and policies read them. The contract is documented in
docs/contracts.md; it extends ../shared/DESIGN.md's minimum fields (only additions).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cloudwright.core.errors import InputError
from cloudwright.core.fsio import atomic_writer

PLAN_VERSION = 1

Objective = Literal["cost", "carbon", "latency", "balanced"]
Pricing = Literal["on_demand", "spot", "commit_1y", "commit_3y"]  # purchase.PRICING
EnergyBasis = Literal["modelled", "measured"]
Platform = Literal["vm", "kubernetes"]


# A plan is read back from a file anyone may edit: every number is finite, counts, hours,
# prices, sizes, energy and carbon are not negative and stay within what a fleet allows, so
# `nodes: -3` cannot turn into a negative bill downstream. Deltas may be negative.
MAX_AMOUNT = 1e12  # the fleet spec's bound on amounts
MAX_NODES = 4096  # the fleet spec's bound on nodes/replicas
Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT * 1e3)]  # room for $ of 10^12 GB


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Storage(_Model):
    """What the workload stores next to its nodes (sizes in TB = 10^12 bytes)."""

    object_tb: float = Field(default=0.0, ge=0, le=MAX_AMOUNT)
    parallel_fs_tb: float = Field(default=0.0, ge=0, le=MAX_AMOUNT)
    parallel_fs_throughput_mb_s_per_tib: int = Field(default=250, ge=0, le=10**6)


class CostBreakdown(_Model):
    compute_usd: Amount
    storage_usd: Amount = 0.0
    egress_usd: Amount = 0.0  # one-off data move, amortised per month as the optimizer says
    serving_egress_usd: Amount = 0.0
    # Boot disks, NAT gateway, addresses and keys the stack creates with a VM cluster.
    infrastructure_usd: Amount = 0.0
    # A kubernetes workload's share of its cloud+region's managed cluster fee (EKS, GKE, AKS).
    cluster_fee_usd: Amount = 0.0


class Alternative(_Model):
    cloud: str
    region: str
    instance_type: str
    pricing: Pricing
    monthly_usd: Amount
    carbon_kg_month: Amount
    latency_ms: float | None = Field(default=None, ge=0)
    delta_usd: float
    delta_carbon_kg: float
    delta_latency_ms: float | None = None
    note: str = ""


class SiteFacts(_Model):
    """What a site assignment (cloud `site`, region = the site's name) is priced and
    counted with, so `preview`, `cost` and `check` need no fleet file (optimizer/fleet/sites.py)."""

    kind: Literal["on-prem", "colo", "edge"]
    usd_per_gpu_hour: float = Field(ge=0, le=MAX_AMOUNT)
    # declared: the site's own rate; amortised: (capex ÷ months + opex) ÷ GPU-hours;
    # sunk: capacity already paid for, $0 marginal (a decision, not an unknown).
    price_basis: Literal["declared", "amortised", "sunk"]
    price_source: str
    price_date: str  # the plan's catalog snapshot date: the date the site rows were made with
    pue: float = Field(ge=1, le=3)
    grid_intensity_g_per_kwh: float = Field(ge=0, le=5000)
    grid_intensity_source: str
    # The modelled draw of one node at the workload's utilisation, before PUE (the plan's
    # energy ÷ (nodes × hours × PUE)): the cost report's energy is this × nodes × hours × PUE.
    node_watts: float = Field(ge=0, le=MAX_AMOUNT)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    country: str


class WorkFacts(_Model):
    """A workload sized by work (`gpu.h100_equivalents`): what the chosen chips are worth in
    H100s, by which ratio and from where (optimizer/models/throughput.py)."""

    h100_equivalents: float = Field(gt=0)
    family: str
    chips: int = Field(ge=1, description="chips bought: whole nodes / slices")
    chips_needed: int = Field(ge=1, description="ceil(h100_equivalents ÷ ratio)")
    ratio: float = Field(gt=0, description="work per chip ÷ work per H100 chip")
    ratio_source: str = Field(description="MLPerf benchmark, round and repo@commit, or user-given")
    ratio_method: str = ""
    usd_per_h100_equivalent_hour: float = Field(ge=0)
    kg_co2e_per_h100_equivalent_hour: float | None = Field(default=None, ge=0)


class Served(_Model):
    """A user population a region's share of a split workload serves, with its modelled RTT."""

    name: str
    latency_ms: float = Field(ge=0)


class Assignment(_Model):
    workload: str
    kind: Literal["training", "inference", "batch"]
    cloud: str
    region: str
    zone: str | None = None
    instance_type: str
    gpu: str | None
    gpu_count: int = Field(ge=0, le=1024, description="GPUs per node")
    nodes: int = Field(ge=1, le=MAX_NODES)
    pricing: Pricing
    interconnect: str = Field(description="fabric of the instance type: EFA, InfiniBand, ...")
    interconnect_required: bool = False
    hourly_usd: Amount = Field(description="all nodes, compute only")
    monthly_usd: Amount = Field(description="compute + storage + egress")
    cost: CostBreakdown
    hours_per_month: float = Field(gt=0, le=2 * 744)  # spot adds restart overhead to 744
    energy_kwh_month: Amount
    carbon_kg_month: Amount
    energy_basis: EnergyBasis = "modelled"
    gpu_utilization: float | None = Field(
        default=None, ge=0, le=1, description="average GPU utilisation the energy figures assume"
    )
    latency_ms: float | None = Field(default=None, ge=0)
    storage: Storage = Storage()
    # Serving traffic to the internet the workload declared (priced in cost.serving_egress_usd).
    egress_gb_month: float = Field(default=0.0, ge=0, le=MAX_AMOUNT)
    deferral_start_hour: int | None = Field(default=None, ge=0, le=10**6)
    carbon_saving_kg_month: float | None = None
    alternatives: list[Alternative] = []
    why: str
    tags: dict[str, str] = {}
    # vm: a VM cluster; kubernetes: a GPU node pool in the cloud+region's managed cluster.
    platform: Platform = "vm"
    # Own sites (cloud `site`): the site's kind and the facts it is priced with; None on clouds.
    site_kind: Literal["on-prem", "colo", "edge"] | None = None
    site: SiteFacts | None = None
    # Work-sized workloads only: chips, the throughput ratio used and its source.
    work: WorkFacts | None = None
    # Inference served from several regions (`placement.max_regions`): one assignment per
    # region, each with its share of the replicas and the populations it serves.
    replicas: int | None = Field(default=None, ge=1, le=MAX_NODES)
    serves: list[Served] = []

    @property
    def deployment(self) -> str:
        """The assignment's name within the plan (resources, stack outputs): the workload's,
        with the region appended for a workload served from several regions."""
        return f"{self.workload}-{self.region}" if self.serves else self.workload


class Totals(_Model):
    monthly_usd: float = Field(ge=0)
    energy_kwh_month: float = Field(ge=0)
    carbon_kg_month: float = Field(ge=0)


class CatalogRef(_Model):
    snapshot_date: str
    age_days: int | None = Field(default=None, ge=-(10**6), le=10**6)


class SolverInfo(_Model):
    status: str
    # The solver's own figures, shown, never computed with (and may be infinite).
    objective_value: float = Field(allow_inf_nan=True)
    lp_bound: float | None = Field(default=None, allow_inf_nan=True)
    gap: float | None = Field(default=None, allow_inf_nan=True)
    seconds: float | None = Field(default=None, allow_inf_nan=True)
    candidates: int | None = None


class Change(_Model):
    """One workload in a re-plan against a lock: what happened to it and why."""

    workload: str
    action: Literal["kept", "moved", "resized", "new", "removed"]
    from_placement: str | None = None  # e.g. "aws:us-east-1 p5.48xlarge on_demand ×4"
    to_placement: str | None = None
    delta_usd_month: float = 0.0
    delta_carbon_kg_month: float = 0.0
    reason: str


class Plan(_Model):
    version: int = PLAN_VERSION
    id: str = ""
    created_at: str
    fleet: str = ""
    catalog: CatalogRef
    objective: Objective
    carbon_price_usd_per_tonne: float = Field(default=0.0, ge=0, le=MAX_AMOUNT)
    # The fleet's `budget.monthly_usd`, carried for the reports (the HTML budget line).
    budget_monthly_usd: float | None = Field(default=None, gt=0, le=MAX_AMOUNT)
    assignments: list[Assignment]
    totals: Totals
    solver: SolverInfo | None = None
    notes: list[str] = []
    changes: list[Change] = []  # filled when planned against a lock (`--lock`)

    def assignment(self, workload: str) -> Assignment:
        for a in self.assignments:
            if a.workload == workload:
                return a
        from cloudwright.core.errors import UnknownNameError

        raise UnknownNameError("workload", workload, [a.workload for a in self.assignments])


def content_id(plan: Plan) -> str:
    """A short stable id for the plan's placement (tags resources with it)."""
    return placement_id(
        (a.workload, a.cloud, a.region, a.instance_type, a.nodes, a.pricing)
        for a in plan.assignments
    )


def placement_id(placements: Iterable[tuple[str, str, str, str, int, str]]) -> str:
    """`content_id` from (workload, cloud, region, instance_type, nodes, pricing) tuples, for
    callers that know the placement before they build the Plan."""
    payload = [list(p) for p in placements]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:12]


def load_plan(path: str | Path) -> Plan:
    """Read and validate plan.json; errors name the file and the field path."""
    from cloudwright.core.jsonsource import read_json

    return parse_plan(read_json(path, what="plan file"), str(path))


def parse_plan(data: object, origin: str = "plan") -> Plan:
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top level)"
        got = first.get("input")
        shown = f" (got {got!r})" if isinstance(got, int | float) and len(repr(got)) < 40 else ""
        raise InputError(
            f"{field}: {first['msg']}{shown}",
            location=origin,
            hint=f"{len(exc.errors())} problems in total" if len(exc.errors()) > 1 else None,
        ) from exc


def save_plan(
    plan: Plan,
    path: str | Path,
    assignments: Iterable[Assignment] | None = None,
    *,
    rendered: Iterable[bytes] | None = None,
) -> None:
    """Write plan.json atomically: the text of `plan.model_dump_json(indent=2)` plus a newline,
    serialised one assignment at a time (100,000 workloads make 0.3 GB of JSON; it is never
    held whole). `assignments`, when given, are written in place of `plan.assignments`, as
    they come (a `planner.PlanDraft` builds them one at a time: none is kept); `rendered`,
    when given, are those assignments already serialised (`assignment_json`)."""
    if rendered is None:
        source = plan.assignments if assignments is None else assignments
        rendered = (assignment_json(a) for a in source)
    with atomic_writer(path, "wb") as handle:
        for chunk in _json_chunks(plan, rendered):
            handle.write(chunk)
        handle.write(b"\n")


_SEPARATOR = b"\n    "  # an assignment's lines, indented to its depth in the document


def assignment_json(assignment: Assignment) -> bytes:
    """One assignment as it sits in plan.json's `assignments` list (indented to its depth:
    the pretty printer indents nested values the same way), without the separating comma."""
    return _SEPARATOR + _to_json(assignment, indent=2).replace(b"\n", _SEPARATOR)


_ASSIGNMENTS = b'\n  "assignments": []'  # where the assignments go in the plan without them
_BUFFER = 1 << 20  # bytes of JSON gathered before a write


_to_json = Assignment.__pydantic_serializer__.to_json


def _json_chunks(plan: Plan, assignments: Iterable[bytes]) -> Iterable[bytes]:
    """`model_dump_json(indent=2)` of `plan` with the serialised `assignments`
    (`assignment_json`) as UTF-8 pieces, gathered into writes of about _BUFFER bytes."""
    header = plan.model_copy(update={"assignments": []}) if plan.assignments else plan
    head, tail = plan.__pydantic_serializer__.to_json(header, indent=2).split(_ASSIGNMENTS)
    pieces: list[bytes] = []
    size = 0
    n = -1
    for n, rendered in enumerate(assignments):
        if n == 0:
            pieces.append(head + b'\n  "assignments": [')
        piece = b"," + rendered if n else rendered
        pieces.append(piece)
        size += len(piece)
        if size >= _BUFFER:
            yield b"".join(pieces)
            pieces, size = [], 0
    if n < 0:  # no assignments: the plan as it dumps
        yield head + _ASSIGNMENTS + tail
        return
    yield b"".join(pieces) + b"\n  ]" + tail
