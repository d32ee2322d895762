"""monthly-budget and carbon-budget: the stack's estimated monthly cost and emissions stay
under their caps.

Both turn `StackValidationArgs.resources` into a resource graph and price it with the
project's cost engine (`pricing.engine.estimate`) against the catalog snapshot; the
carbon figure is the engine's kgCO2e/month (energy × grid intensity × PUE). These are
estimates: list prices from the catalog snapshot, modelled energy, and nothing for
resource types the engine does not support (the message says how many). Each rule is
not applicable until its cap is configured.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.common import number, schema, settings
from cloudwright.reports import format as fmt

MONTHLY = "monthly-budget"
CARBON = "carbon-budget"

MONTHLY_CONFIG = schema(
    {
        "monthlyUsd": {
            "type": "number",
            "minimum": 0,
            "description": "Budget: the most the stack may cost per month (USD, estimated).",
        }
    }
)
CARBON_CONFIG = schema(
    {
        "kgCo2ePerMonth": {
            "type": "number",
            "minimum": 0,
            "description": "Cap on estimated operational emissions (kgCO2e per month).",
        }
    }
)

TOP_CONTRIBUTORS = 3


def _contributors(report: Any, field: str, fmt: Callable[[float], str]) -> str:
    rows = [
        (float(getattr(r, field, 0.0) or 0.0), str(getattr(r, "urn", "") or getattr(r, "name", "")))
        for r in getattr(report, "resources", []) or []
        if getattr(r, "counted", True)
    ]
    top = sorted((row for row in rows if row[0] > 0), reverse=True)[:TOP_CONTRIBUTORS]
    return ", ".join(f"{urn.rsplit('::', 1)[-1]} {fmt(value)}" for value, urn in top)


def _unsupported(report: Any) -> str:
    """What the estimate leaves out: unsupported types and prices the catalog lacks."""
    types = getattr(report, "unsupported_types", None) or {}
    missing = []
    count = sum(int(n) for n in types.values())
    if count:
        missing.append(f"{count} resource(s) of unsupported types")
    unknown = int(getattr(report.totals, "unknown_components", 0) or 0)
    if unknown:
        missing.append(f"{unknown} cost component(s) without a catalog price")
    return f"; not included: {' and '.join(missing)}" if missing else ""


def _usd(value: float) -> str:
    return fmt.usd(value, whole=True)


def _kg(value: float) -> str:
    return f"{fmt.number(value)} kgCO2e"


def _estimate(context: RuleContext, args: Any) -> Any:
    return context.estimate_stack(args.resources)


def _monthly(context: RuleContext) -> StackValidationPolicy:
    def validate(args: Any, report: Any) -> None:
        cap = number(settings(args, MONTHLY_CONFIG).get("monthlyUsd"))
        if cap is None:
            return args.not_applicable("no monthly budget configured")
        estimate = _estimate(context, args)
        total = float(estimate.totals.monthly_usd)
        if total > cap:
            top = _contributors(estimate, "monthly_usd", _usd)
            report(
                f"estimated {_usd(total)}/month exceeds the budget of {_usd(cap)}/month by "
                f"{_usd(total - cap)} (largest: {top or 'n/a'}{_unsupported(estimate)}): "
                "reduce nodes or hours, use cheaper regions or spot where allowed, or raise "
                "monthly-budget.monthlyUsd",
                None,
            )

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
        cap = number(settings(args, CARBON_CONFIG).get("kgCo2ePerMonth"))
        if cap is None:
            return args.not_applicable("no carbon cap configured")
        estimate = _estimate(context, args)
        total = float(estimate.totals.carbon_kg_month)
        if total > cap:
            top = _contributors(estimate, "carbon_kg_month", _kg)
            report(
                f"estimated {_kg(total)}/month exceeds the cap of {_kg(cap)}/month by "
                f"{_kg(total - cap)} (largest: {top or 'n/a'}{_unsupported(estimate)}): move "
                "work to lower-carbon regions, defer deferrable jobs, or raise "
                "carbon-budget.kgCo2ePerMonth",
                None,
            )

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
