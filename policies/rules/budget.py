"""monthly-budget and carbon-budget: the stack's estimated monthly cost and emissions stay
under their caps.

Both turn `StackValidationArgs.resources` into a resource graph and price it with the
project's cost engine (`pricing.engine.estimate`) against the catalog snapshot; the
carbon figure is the engine's kgCO2e/month (energy × grid intensity × PUE). These are
estimates: list prices from the catalog snapshot and modelled energy. Each rule is not
applicable until its cap is configured.

Billable capacity the estimate cannot price — a cloud resource of a type with no pricer
(load balancers, SageMaker, …), or one whose instance type, size or catalog price is
unknown or secret — counts as unknown, never as $0: the rule fails closed ("the budget
cannot be shown to hold") unless `unpriced: pass-with-note` is configured, which passes
with an unchecked note naming what was left out (a known total above the cap still fails).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from cloudwright.policies.context import RuleContext
from cloudwright.policies.props import Unchecked
from cloudwright.policies.rules.common import number, schema, settings
from cloudwright.reports import format as fmt
from cloudwright.resource_graph.model import COMPUTED

MONTHLY = "monthly-budget"
CARBON = "carbon-budget"

UNPRICED = {
    "type": "string",
    "enum": ["fail", "pass-with-note"],
    "default": "fail",
    "description": "Billable resources the estimate cannot price: 'fail' (the cap cannot be "
    "shown to hold) or 'pass-with-note' (list them as unchecked and judge the priced part).",
}
MONTHLY_CONFIG = schema(
    {
        "monthlyUsd": {
            "type": "number",
            "minimum": 0,
            "description": "Budget: the most the stack may cost per month (USD, estimated).",
        },
        "unpriced": UNPRICED,
    }
)
CARBON_CONFIG = schema(
    {
        "kgCo2ePerMonth": {
            "type": "number",
            "minimum": 0,
            "description": "Cap on estimated operational emissions (kgCO2e per month).",
        },
        "unpriced": UNPRICED,
    }
)
CLOUDS = ("aws", "gcp", "azure")
UNPRICED_STATUSES = ("unknown", "partial", "unsupported")

TOP_CONTRIBUTORS = 3


def _contributors(report: Any, field: str, fmt: Callable[[float], str]) -> str:
    rows = [
        (float(getattr(r, field, 0.0) or 0.0), str(getattr(r, "urn", "") or getattr(r, "name", "")))
        for r in getattr(report, "resources", []) or []
        if getattr(r, "counted", True)
    ]
    top = sorted((row for row in rows if row[0] > 0), reverse=True)[:TOP_CONTRIBUTORS]
    return ", ".join(f"{urn.rsplit('::', 1)[-1]} {fmt(value)}" for value, urn in top)


def unpriced(report: Any) -> list[Any]:
    """Counted cloud resources the estimate could not (fully) price."""
    return [
        r
        for r in getattr(report, "resources", []) or []
        if getattr(r, "counted", True)
        and getattr(r, "cloud", None) in CLOUDS
        and getattr(r, "status", "priced") in UNPRICED_STATUSES
    ]


def _describe_unpriced(rows: list[Any]) -> str:
    shown = ", ".join(
        f"{getattr(r, 'name', '?')} ({getattr(r, 'reason', None) or getattr(r, 'status', '')})"
        for r in rows[:3]
    )
    more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
    return f"{len(rows)} billable resource(s) without a price: {shown}{more}"


def _unsupported(report: Any) -> str:
    """What the estimate leaves out."""
    rows = unpriced(report)
    return f"; not included: {_describe_unpriced(rows)}" if rows else ""


def _fail_closed(
    policy: str, total: str, cap: str, rows: list[Any], mode: Any, report: Any
) -> None:
    """Within the cap on what could be priced: fail, or pass with a note, on the rest."""
    if not rows:
        return
    if mode == "pass-with-note":
        raise Unchecked([(_describe_unpriced(rows), COMPUTED, "")], note_only=True)
    report(
        f"estimated {total}/month is within the cap of {cap}/month, but "
        f"{_describe_unpriced(rows)}: the cap cannot be shown to hold. Price them (usage file, "
        f"a catalog with their prices) or set {policy}.unpriced to 'pass-with-note'",
        None,
    )


def _usd(value: float) -> str:
    return fmt.usd(value, whole=True)


def _kg(value: float) -> str:
    return f"{fmt.number(value)} kgCO2e"


def _estimate(context: RuleContext, args: Any) -> Any:
    return context.estimate_stack(args.resources)


def _monthly(context: RuleContext) -> StackValidationPolicy:
    def validate(args: Any, report: Any) -> None:
        cfg = settings(args, MONTHLY_CONFIG)
        cap = number(cfg.get("monthlyUsd"))
        if cap is None:
            return args.not_applicable("no monthly budget configured")
        estimate = _estimate(context, args)
        total = float(estimate.totals.monthly_usd)
        if not total <= cap:
            top = _contributors(estimate, "monthly_usd", _usd)
            report(
                f"estimated {_usd(total)}/month exceeds the budget of {_usd(cap)}/month by "
                f"{_usd(total - cap)} (largest: {top or 'n/a'}{_unsupported(estimate)}): "
                "reduce nodes or hours, use cheaper regions or spot where allowed, or raise "
                "monthly-budget.monthlyUsd",
                None,
            )
        else:
            rows = unpriced(estimate)
            _fail_closed(MONTHLY, _usd(total), _usd(cap), rows, cfg["unpriced"], report)
        return None

    return StackValidationPolicy(
        name=MONTHLY,
        description="The stack's estimated monthly cost is within its budget.",
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=MONTHLY_CONFIG,
        severity=Severity.HIGH,
        tags=["finops", "cost"],
        remediation_steps="Shrink or move the largest cost items, or raise the budget.",
    )


def _carbon(context: RuleContext) -> StackValidationPolicy:
    def validate(args: Any, report: Any) -> None:
        cfg = settings(args, CARBON_CONFIG)
        cap = number(cfg.get("kgCo2ePerMonth"))
        if cap is None:
            return args.not_applicable("no carbon cap configured")
        estimate = _estimate(context, args)
        total = float(estimate.totals.carbon_kg_month)
        if not total <= cap:
            top = _contributors(estimate, "carbon_kg_month", _kg)
            report(
                f"estimated {_kg(total)}/month exceeds the cap of {_kg(cap)}/month by "
                f"{_kg(total - cap)} (largest: {top or 'n/a'}{_unsupported(estimate)}): move "
                "work to lower-carbon regions, defer deferrable jobs, or raise "
                "carbon-budget.kgCo2ePerMonth",
                None,
            )
        else:
            rows = unpriced(estimate)
            _fail_closed(CARBON, _kg(total), _kg(cap), rows, cfg["unpriced"], report)
        return None

    return StackValidationPolicy(
        name=CARBON,
        description="The stack's estimated monthly emissions are within the carbon cap.",
        validate=validate,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=CARBON_CONFIG,
        severity=Severity.MEDIUM,
        tags=["sustainability", "carbon"],
        remediation_steps="Move or defer the largest emitters, or raise the cap.",
    )


def policies(context: RuleContext) -> list[StackValidationPolicy]:
    return [_monthly(context), _carbon(context)]
