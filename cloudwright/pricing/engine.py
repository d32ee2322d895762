"""`estimate(graph, catalog, *, usage=None, profiles=None) -> CostReport`: price a graph.

Pure: reads the graph, the catalog, the usage and the profiles; returns a report; prints and
writes nothing. Providers and component resources are skipped (they bill nothing); every
other resource is priced by its type's pricer, listed as free, or listed as unsupported.

Ops (see resource_graph.preview_json): create/update/same/replace/import/refresh count toward
the totals; delete/discard do not (their Δ is minus their last cost); read resources are
listed but belong to another stack. For a preview, each resource's state before the update is
priced too (old inputs for update/replace), giving Δ per resource and in total.

Fail closed: the catalog tables pricing reads are opened before any resource is priced, so a
broken table is an error (exit 4), never a silent miss; a quantity that is NaN, infinite or
negative, or a product too large for a float, prices as unknown; totals that still are not
finite are an error (exit 2), so no gate (`--fail-above`, the budget policy) can compare a
NaN and pass.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from cloudwright.core.errors import InputError
from cloudwright.pricing.components import (
    CostComponent,
    InstanceHours,
    PriceFilter,
    StatedRate,
    TableRate,
    UnitRate,
    Unpriced,
)
from cloudwright.pricing.compute import committed
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.energy import Energy, EnergyMiss, EnergyModel
from cloudwright.pricing.free import FREE_TYPES
from cloudwright.pricing.prices import Price, PriceBook
from cloudwright.pricing.registry import classify, pricer_for
from cloudwright.pricing.report import ComponentCost, CostReport, ResourceCost, Status, Totals
from cloudwright.pricing.unsupported import unsupported_reason
from cloudwright.pricing.usage import Usage
from cloudwright.resource_graph.facts.values import arn_region
from cloudwright.resource_graph.model import Graph, Resource
from cloudwright.resource_graph.regions import location_from_inputs
from cloudwright.resource_graph.state import tags_of

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.models.energy import ProfileSource

# What pricing and the energy model read: opened up front (see the module docstring).
PRICING_TABLES = ("offerings", "regions", "gpus", "egress", "unit_prices", "coefficients")
COUNTED_OPS = frozenset({"create", "update", "same", "replace", "import", "refresh"})
GONE_OPS = frozenset({"delete", "discard"})
UNCHANGED_OPS = frozenset({"same", "refresh", "import"})


@dataclass
class _Engine:
    ctx: PricingContext
    book: PriceBook
    energy: EnergyModel


@dataclass
class _State:
    """One priced state of a resource (after the update, or before it)."""

    status: Status
    components: list[ComponentCost]
    monthly_usd: float | None
    energy_kwh_month: float | None
    carbon_kg_month: float | None
    basis: str | None
    reason: str | None


def estimate(
    graph: Graph,
    catalog: Catalog,
    *,
    usage: Usage | None = None,
    profiles: ProfileSource | None = None,
    today: date | None = None,
) -> CostReport:
    """Price every resource of `graph` against `catalog` (see the module docstring)."""
    usage = usage or Usage()
    if graph.plan_usage and not usage.plan:  # a plan's preview carries what the plan priced
        usage = usage.with_plan(graph.plan_usage)
    for table in PRICING_TABLES:
        catalog.table(table)
    ctx = PricingContext(catalog, graph.resources, usage)
    book = PriceBook(catalog)
    engine = _Engine(ctx, book, EnergyModel(catalog, usage, profiles, book))
    # Custom resources, and components whose type has a pricer (an own site's GPU allocation:
    # nothing in a cloud, GPU-hours at the site's rate).
    costs = [
        _resource_cost(r, engine)
        for r in graph.resources
        if (r.custom or pricer_for(r.type) is not None) and not r.is_provider
    ]
    has_changes = graph.source == "preview-json"
    hours = ctx.hours_per_month
    age = catalog.age_days(today)
    snapshot = catalog.snapshot_date.isoformat()
    return CostReport(
        resources=costs,
        totals=_totals(costs, hours, has_changes),
        unsupported_types=dict(
            Counter(c.type for c in costs if c.counted and c.status == "unsupported")
        ),
        catalog_snapshot_date=snapshot,
        catalog_age_days=age,
        hours_per_month=hours,
        source_kind=graph.source,
        origin=graph.origin,
        project=graph.project,
        stack=graph.stack,
        plan_id=graph.plan_id,
        budget_monthly_usd=graph.budget_monthly_usd,
        has_changes=has_changes,
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        usage_origin=usage.origin
        if (usage.resources or usage.defaults or usage.workloads)
        else None,
        notes=_notes(graph, costs, usage),
        estimate_note=(
            f"Estimate, not a bill: list prices from catalog snapshot {snapshot} ({age} days "
            "old), before discounts, credits and taxes. Energy and carbon are modelled (Cloud "
            "Carbon Footprint method + GPU board power, the region's grid intensity and PUE) "
            "unless marked measured."
        ),
    )


def _resource_cost(resource: Resource, engine: _Engine) -> ResourceCost:
    cost = ResourceCost(
        urn=resource.urn,
        name=resource.name,
        type=resource.type,
        cloud=resource.cloud,
        region=resource.region,
        zone=resource.zone,
        workload=resource.workload,
        op=resource.op,
        counted=resource.op in COUNTED_OPS,
        status="unsupported",
        tags=tags_of(resource.inputs),
    )
    kind = classify(resource.type)
    if kind == "unsupported":
        cost.reason = unsupported_reason(resource)
        return cost
    if kind == "free":
        state = _State("free", [], 0.0, 0.0, 0.0, None, FREE_TYPES[resource.type])
    else:
        pricer = pricer_for(resource.type)
        if cost.region is None and pricer is not None:
            # No region from inputs, provider or stack config: where the resource says it
            # bills (a Kubernetes object's cluster), or the region its AWS ARN names.
            if pricer.locate is not None:
                cost.region = pricer.locate(resource, engine.ctx)
            elif resource.cloud == "aws":
                cost.region = arn_region(resource)
        state = _price_state(resource, cost.region, engine)
    _apply(cost, state, engine.ctx.hours_per_month)
    before = _before(resource, state, engine)
    if before is not None:
        cost.before_monthly_usd = before.monthly_usd
        cost.before_carbon_kg_month = before.carbon_kg_month
    after_usd = state.monthly_usd if cost.counted else 0.0
    after_co2 = state.carbon_kg_month if cost.counted else 0.0
    if resource.op != "read":
        cost.delta_monthly_usd = _minus(after_usd, cost.before_monthly_usd)
        cost.delta_carbon_kg_month = _minus(after_co2, cost.before_carbon_kg_month)
    return cost


def _apply(cost: ResourceCost, state: _State, hours: float) -> None:
    cost.status = state.status
    cost.components = state.components
    cost.monthly_usd = state.monthly_usd
    cost.hourly_usd = state.monthly_usd / hours if state.monthly_usd is not None else None
    cost.energy_kwh_month = state.energy_kwh_month
    cost.carbon_kg_month = state.carbon_kg_month
    cost.energy_basis = state.basis
    cost.reason = state.reason


def _before(resource: Resource, after: _State, engine: _Engine) -> _State | None:
    """The resource's cost before the update, when the source says what it was."""
    if resource.op == "create":
        return _State("free", [], 0.0, 0.0, 0.0, None, None)
    if resource.op in UNCHANGED_OPS or resource.op in GONE_OPS:
        return after
    if resource.op in ("update", "replace") and resource.old_inputs is not None:
        if classify(resource.type) == "free":
            return after
        old = replace(resource, inputs=resource.old_inputs, outputs={})
        region, zone = location_from_inputs(old, resource.old_inputs)
        old.region, old.zone = region or resource.region, zone or resource.zone
        return _price_state(old, old.region, engine)
    return None


def _price_state(resource: Resource, region: str | None, engine: _Engine) -> _State:
    pricer = pricer_for(resource.type)
    assert pricer is not None
    components = [
        _component(c, resource, region, engine)
        for c in committed(pricer.price(resource, engine.ctx), resource, region, engine.ctx)
    ]
    if not components:
        return _State("free", [], 0.0, 0.0, 0.0, None, "nothing billable with these inputs")
    unknown = [c for c in components if c.status == "unknown"]
    priced = [c for c in components if c.status == "priced"]
    status: Status = "priced" if not unknown else ("partial" if priced else "unknown")
    monthly = sum(c.monthly_usd or 0.0 for c in priced) if status != "unknown" else None
    with_energy = [c for c in components if c.energy_kwh_month is not None]
    bases = sorted({c.energy_basis for c in with_energy if c.energy_basis})
    return _State(
        status=status,
        components=components,
        monthly_usd=monthly,
        energy_kwh_month=sum(c.energy_kwh_month or 0.0 for c in with_energy)
        if with_energy
        else None,
        carbon_kg_month=sum(c.carbon_kg_month or 0.0 for c in with_energy) if with_energy else None,
        basis="+".join(bases) if bases else None,
        reason=unknown[0].reason if unknown else None,
    )


def _component(
    component: CostComponent, resource: Resource, region: str | None, engine: _Engine
) -> ComponentCost:
    out = ComponentCost(
        name=component.name,
        unit=component.unit,
        quantity=None,
        unit_price_usd=None,
        monthly_usd=None,
        usage_based=component.usage_based,
        usage_key=component.usage_key,
        note=component.note,
        sku=sku_of(component.price),
    )
    quantity = component.quantity
    if not isinstance(quantity, Unpriced) and not (math.isfinite(quantity) and quantity >= 0):
        quantity = Unpriced(f"the quantity is not a usable number ({quantity!r} {component.unit})")
    price = engine.book.resolve(
        component.price, region, None if isinstance(quantity, Unpriced) else quantity
    )
    if isinstance(price, Price):
        out.unit_price_usd, out.price_source, out.price_date = (
            price.usd_per_unit,
            price.source,
            price.date,
        )
        if price.note:
            out.note = f"{out.note}; {price.note}" if out.note else price.note
    if isinstance(quantity, Unpriced):
        waiting = component.usage_based and quantity.reason.startswith("depends on usage")
        out.status, out.reason = ("usage" if waiting else "unknown"), quantity.reason
        return out
    out.quantity = quantity
    if isinstance(price, Price):
        out.monthly_usd = quantity * price.usd_per_unit
        if not math.isfinite(out.monthly_usd):
            out.monthly_usd = None
            out.status, out.reason = (
                "unknown",
                f"{quantity:g} {component.unit} is too much to price",
            )
    else:
        out.status, out.reason = "unknown", price.reason
    energy = engine.energy.of(component, resource, region, quantity)
    if isinstance(energy, Energy) and not (
        math.isfinite(energy.kwh_month) and math.isfinite(energy.carbon_kg_month)
    ):
        energy = EnergyMiss(f"the energy of {quantity:g} {component.unit} is not a finite number")
    if isinstance(energy, Energy):
        out.energy_kwh_month = energy.kwh_month
        out.carbon_kg_month = energy.carbon_kg_month
        out.energy_basis = energy.basis
    elif isinstance(energy, EnergyMiss):
        out.note = (
            f"{out.note}; energy unknown: {energy.reason}"
            if out.note
            else (f"energy unknown: {energy.reason}")
        )
    return out


def sku_of(price: PriceFilter) -> str | None:
    """A stable id for the catalog row a filter names (None while a name is unknown)."""
    if isinstance(price, InstanceHours):
        if isinstance(price.instance_type, Unpriced):
            return None
        purchase = price.commit or ("spot" if price.spot else "on-demand")
        return f"{price.cloud}:instance:{price.instance_type}:{purchase}"
    if isinstance(price, UnitRate | TableRate):
        if isinstance(price.product, Unpriced):
            return None
        return f"{price.cloud}:{price.service}:{price.product}:{price.unit}"
    if isinstance(price, StatedRate):
        return price.key
    return f"{price.cloud}:egress:{price.destination}:GB"


def _minus(after: float | None, before: float | None) -> float | None:
    if after is None or before is None:
        return None
    return after - before


def _totals(costs: list[ResourceCost], hours: float, has_changes: bool) -> Totals:
    counted = [c for c in costs if c.counted]
    monthly = sum(c.monthly_usd or 0.0 for c in counted)
    totals = Totals(
        monthly_usd=monthly,
        hourly_usd=monthly / hours,
        energy_kwh_month=sum(c.energy_kwh_month or 0.0 for c in counted),
        carbon_kg_month=sum(c.carbon_kg_month or 0.0 for c in counted),
        resources=dict(Counter(c.status for c in counted)),
        unknown_components=sum(c.unknown_components for c in counted),
        usage_pending=sum(c.usage_pending for c in counted),
        complete=not any(c.status in ("partial", "unknown", "unsupported") for c in counted),
    )
    if has_changes:
        relevant = [c for c in costs if c.op != "read"]
        totals.before_monthly_usd = sum(c.before_monthly_usd or 0.0 for c in relevant)
        totals.delta_monthly_usd = sum(c.delta_monthly_usd or 0.0 for c in relevant)
        totals.before_carbon_kg_month = sum(c.before_carbon_kg_month or 0.0 for c in relevant)
        totals.delta_carbon_kg_month = sum(c.delta_carbon_kg_month or 0.0 for c in relevant)
    _check_finite(totals, counted)
    return totals


def _check_finite(totals: Totals, counted: list[ResourceCost]) -> None:
    """Totals a gate can compare, or an InputError naming the largest contributor."""
    for name in ("monthly_usd", "energy_kwh_month", "carbon_kg_month"):
        if not math.isfinite(getattr(totals, name)):
            largest = max(counted, key=lambda c: abs(getattr(c, name) or 0.0), default=None)
            raise InputError(
                f"the total {name} cannot be computed (it is not a finite number)"
                + (f"; the largest part is {largest.name} ({largest.type})" if largest else ""),
                hint="check the quantities of that resource and the usage file",
            )


def _notes(graph: Graph, costs: list[ResourceCost], usage: Usage) -> list[str]:
    notes = list(graph.notes)
    reads = sum(1 for c in costs if c.op == "read")
    if reads:
        notes.append(f"{reads} resources are read from other stacks (op read): listed, not counted")
    unmatched = usage.unmatched(graph.resources)
    if unmatched:
        notes.append(f"usage overrides match no resource: {', '.join(unmatched)}")
    no_region = sum(
        1 for c in costs if c.counted and c.cloud and c.region is None and c.status != "free"
    )
    if no_region:
        notes.append(
            f"{no_region} resources have no region (no region input, provider or stack config): "
            "pass --stack-config Pulumi.<stack>.yaml"
        )
    return notes
