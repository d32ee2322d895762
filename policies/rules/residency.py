"""allowed-regions: every regional resource sits where it is allowed to (data residency).

Settings, all optional (with none of them the rule is not applicable):
- `regions`: allowed regions as shell-style globs ('eu-*', 'europe-*', 'westeurope'); a
  pattern may be scoped to one cloud ('aws:eu-central-1', 'gcp:europe-*');
- `deny`: regions never allowed, even when `regions` matches (sovereign or restricted
  regions such as 'cn-*', '*gov*');
- `countries`: allowed countries (ISO 3166-1 alpha-2 or alpha-3), looked up in the
  catalog's region table — a region the catalog does not know fails this check, since its
  country cannot be shown;
- `workloads`: per `workload` tag (glob) a stricter scope `{regions, countries}`, e.g.
  EU-only data for one workload while the rest of the fleet may go anywhere.

A region is allowed when it satisfies every constraint of every scope that applies.
Regions are compared lower-case; Azure locations without spaces ('westeurope'); GCS
multi-regions by their code ('eu', 'us', 'nam4'). The region comes from the resource's
inputs or its provider (`resource_graph.regions.region_of`, the readers' own order); global
resources and sub-resources are skipped, and a region that is computed at apply time or
secret is unchecked (a mandatory rule fails on it offline unless `unknownValues` is
'unchecked').
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from cloudwright.core.errors import CloudwrightError
from cloudwright.policies import props as p
from cloudwright.policies.adapters import provider_inputs, resource_of
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.common import schema, scoped_match, settings, string_list
from cloudwright.resource_graph.model import Unknown, cloud_of_type
from cloudwright.resource_graph.regions import region_of
from cloudwright.resource_graph.state import workload_of

NAME = "allowed-regions"

_GLOBS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_COUNTRIES = {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z]{2,3}$"}}

CONFIG = schema(
    {
        "regions": {
            **_GLOBS,
            "default": [],
            "description": "Allowed regions as globs, optionally 'cloud:'-scoped.",
        },
        "deny": {**_GLOBS, "default": [], "description": "Regions never allowed (globs)."},
        "countries": {
            **_COUNTRIES,
            "default": [],
            "description": "Allowed countries (ISO 3166-1 alpha-2/alpha-3), via the catalog.",
        },
        "workloads": {
            "type": "object",
            "default": {},
            "additionalProperties": {
                "type": "object",
                "properties": {"regions": _GLOBS, "countries": _COUNTRIES},
                "additionalProperties": False,
            },
            "description": "Per workload-tag glob: {regions, countries} that also apply.",
        },
    }
)


@cache
def alpha3(code: str) -> str | None:
    """ISO 3166-1 alpha-3 for an alpha-2 or alpha-3 code (None when there is no such code)."""
    import pycountry

    text = code.strip().upper()
    hit = pycountry.countries.get(alpha_2=text) if len(text) == 2 else None
    hit = hit or pycountry.countries.get(alpha_3=text)
    return str(hit.alpha_3) if hit else None


def _country(context: RuleContext, cloud: str, region: str) -> str | None:
    try:
        return context.catalog().region(cloud, region).country
    except CloudwrightError:
        return None


def _scope_problem(
    context: RuleContext, cloud: str, region: str, scope: Mapping[str, Any]
) -> str | None:
    """Why `region` breaks `scope` (None when it does not)."""
    patterns = string_list(scope.get("regions"))
    if patterns and scoped_match(cloud, region, patterns) is None:
        return f"not in the allowed regions ({', '.join(patterns)})"
    codes = string_list(scope.get("countries"))
    if codes:
        allowed = {alpha3(c) or c.upper() for c in codes}
        country = _country(context, cloud, region)
        if country is None:
            return f"not in the catalog, so its country cannot be shown to be one of {', '.join(codes)}"
        if country.upper() not in allowed:
            return f"in {country}, not one of the allowed countries ({', '.join(codes)})"
    return None


def _scopes(cfg: Mapping[str, Any], workload: str | None) -> list[tuple[str, Mapping[str, Any]]]:
    scopes: list[tuple[str, Mapping[str, Any]]] = [("", cfg)]
    for pattern, scope in (cfg.get("workloads") or {}).items():
        if workload and p.glob_match(workload, [str(pattern)]):
            scopes.append((f" for workload {workload!r}", scope))
    return scopes


def _configured(cfg: Mapping[str, Any]) -> bool:
    return any(cfg.get(key) for key in ("regions", "deny", "countries", "workloads"))


def policies(context: RuleContext) -> list[ResourceValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        cloud = cloud_of_type(args.resource_type)
        if cloud is None or args.resource_type.startswith("pulumi:"):
            return
        cfg = settings(args, CONFIG)
        if not _configured(cfg):
            args.not_applicable("no allowed regions, countries or workloads configured")
        resource = resource_of(args)
        region = region_of(args.resource_type, resource.inputs, provider_inputs(args))
        if isinstance(region, Unknown):
            p.raise_unknown(["region"], region, "a region that is not allowed")
        if region is None:
            return  # global resources and sub-resources have no region of their own
        denied = scoped_match(cloud, region, string_list(cfg.get("deny")))
        if denied is not None:
            report(f"{cloud} region {region!r} is denied (matches {denied!r}): move the resource")
            return
        for label, scope in _scopes(cfg, workload_of(resource.inputs)):
            problem = _scope_problem(context, cloud, region, scope)
            if problem:
                report(
                    f"{cloud} region {region!r} is {problem}{label}: move the resource to an "
                    "allowed region (re-plan with the workload's allow rules) or change the "
                    "provider/resource region"
                )

    return [
        ResourceValidationPolicy(
            name=NAME,
            description="Resources are deployed only in allowed regions (data residency).",
            validate=validate,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=CONFIG,
            severity=Severity.HIGH,
            tags=["residency", "compliance"],
            remediation_steps="Deploy the resource in a region the configuration allows.",
        )
    ]
