"""Run the pack's policies over a resource graph, without Pulumi: `run_policies`.

The runner does what Pulumi's analyzer host does with a pack, using pulumi-policy's own
types: for each policy at its configured enforcement level, it builds
`ResourceValidationArgs` for every live resource (or one `StackValidationArgs` for the
stack), calls the policy's `validate` with a collecting reporter, and treats the two
special outcomes as the engine does — a value unknown at preview (`UnknownValueError`)
becomes an "unchecked" note, `args.not_applicable()` a not-applicable note. Offline nothing
will ever fill an unknown in, so a mandatory policy also fails on a value it cannot check
(secret, or computed at apply time), as its worst case, unless the policy's `unknownValues`
setting is 'unchecked'. A policy at
'remediate' counts as mandatory (stack policies cannot remediate; this runner never
rewrites resources). A resource policy's violations always carry the resource's URN; a
stack policy's carry the URN it names, or the stack's own URN.

Nothing here prints: `PolicyResult` is data, rendered by `reports.policy` (table),
`reports.sarif` (SARIF) or as JSON by the CLI.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError  # the engine's own not-applicable signal
from pulumi_policy.proxy import UnknownValueError

from cloudwright.policies.adapters import GraphView
from cloudwright.policies.config import PolicyConfig, parse_policy_config
from cloudwright.policies.context import Estimator, RuleContext
from cloudwright.policies.rules import build_policies
from cloudwright.policies.rules.common import UNKNOWN_VALUES

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.resource_graph.model import Graph

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str  # "mandatory" | "advisory"
    message: str
    urn: str
    resource_type: str | None = None
    resource_name: str | None = None


@dataclass(frozen=True)
class Note:
    """A policy that did not judge a resource: not applicable, or blocked by an unknown value."""

    policy: str
    reason: str
    urn: str | None = None
    count: int = 1


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    kind: str  # "resource" | "stack"
    level: str
    default_level: str
    severity: str | None
    tags: list[str]
    remediation: str | None
    config: dict[str, Any]


@dataclass
class PolicyResult:
    violations: list[Violation]
    policies: list[PolicyInfo]
    not_applicable: list[Note] = field(default_factory=list)
    unchecked: list[Note] = field(default_factory=list)
    project: str = ""
    stack: str = ""
    origin: str = ""
    source: str = ""
    resources_checked: int = 0

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == EnforcementLevel.MANDATORY.value]

    @property
    def advisory(self) -> list[Violation]:
        return [v for v in self.violations if v.level != EnforcementLevel.MANDATORY.value]

    @property
    def passed(self) -> bool:
        """True when no mandatory policy is violated (advisories do not fail a check)."""
        return not self.mandatory

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "cloudwright.policy-result/v1",
            "project": self.project,
            "stack": self.stack,
            "origin": self.origin,
            "source": self.source,
            "passed": self.passed,
            "summary": {
                "resources": self.resources_checked,
                "policies": len(self.policies),
                "mandatory": len(self.mandatory),
                "advisory": len(self.advisory),
                "unchecked": sum(n.count for n in self.unchecked),
            },
            "violations": [asdict(v) for v in self.violations],
            "unchecked": [asdict(n) for n in self.unchecked],
            "not_applicable": [asdict(n) for n in self.not_applicable],
            "policies": [asdict(p) for p in self.policies],
        }


def stack_urn(graph: Graph) -> str:
    """The stack resource's URN (built the way Pulumi builds it when the graph has none)."""
    for resource in graph.resources:
        if resource.type == STACK_TYPE:
            return resource.urn
    project, stack = graph.project or "project", graph.stack or "stack"
    return f"urn:pulumi:{stack}::{project}::{STACK_TYPE}::{project}-{stack}"


class _Collector:
    """Collects what policies report, and the engine's two special outcomes."""

    def __init__(self, view: GraphView) -> None:
        self.view = view
        self.violations: list[Violation] = []
        self.unchecked: list[Note] = []
        self.not_applicable: dict[tuple[str, str], int] = {}

    def reporter(
        self, policy: Policy, level: EnforcementLevel, urn: str, fixed: bool
    ) -> Callable[[str, str | None], None]:
        def report(message: str, reported_urn: str | None = None) -> None:
            target = urn if fixed or not reported_urn else reported_urn
            resource = self.view.by_urn.get(target)
            self.violations.append(
                Violation(
                    policy.name,
                    level.value,
                    message or policy.description,
                    target,
                    resource.type if resource else None,
                    resource.name if resource else None,
                )
            )

        return report

    def run(
        self, policy: Policy, args: Any, report: Any, urn: str | None, worst_case: bool = False
    ) -> None:
        try:
            result = policy.validate(args, report)  # type: ignore[attr-defined]
            if inspect.isawaitable(result):
                asyncio.run(_await(result))
        except UnknownValueError as error:
            self.unchecked.append(
                Note(policy.name, f"can't check during preview: {error.message}", urn)
            )
            if worst_case and not getattr(error, "note_only", False):
                report(_worst_case_message(policy.name, error))
        except _NotApplicableError as error:
            key = (policy.name, error.reason or "not applicable")
            self.not_applicable[key] = self.not_applicable.get(key, 0) + 1


async def _await(awaitable: Any) -> None:
    await awaitable


def _worst_case_message(policy: str, error: UnknownValueError) -> str:
    worst = getattr(error, "worst_case", "") or "the check fails"
    return (
        f"{error.message}: treated as the worst case ({worst}); make the value known, or set "
        f"{policy}.{UNKNOWN_VALUES} to 'unchecked' to only list it as unchecked"
    )


def _worst_case(level: EnforcementLevel, properties: Mapping[str, Any]) -> bool:
    """A mandatory rule fails on values it cannot check, unless configured otherwise."""
    if level != EnforcementLevel.MANDATORY:
        return False
    return properties.get(UNKNOWN_VALUES, "worst-case") != "unchecked"


def _info(policy: Policy, level: EnforcementLevel, config: PolicyConfig) -> PolicyInfo:
    kind = "stack" if isinstance(policy, StackValidationPolicy) else "resource"
    default = policy.enforcement_level or EnforcementLevel.ADVISORY
    return PolicyInfo(
        name=policy.name,
        description=policy.description,
        kind=kind,
        level=level.value,
        default_level=default.value,
        severity=policy.severity.value if policy.severity else None,
        tags=list(policy.tags or []),
        remediation=policy.remediation_steps,
        config=config.effective(policy),
    )


def _resolve_config(
    config: PolicyConfig | Mapping[str, Any] | None, policies: Sequence[Policy]
) -> PolicyConfig:
    if isinstance(config, PolicyConfig):
        return config
    return parse_policy_config(config or {}, policies)


def run_policies(
    graph: Graph,
    catalog: Catalog,
    config: PolicyConfig | Mapping[str, Any] | None = None,
    *,
    estimator: Estimator | None = None,
    stack: str | None = None,
    policies: Sequence[Policy] | None = None,
) -> PolicyResult:
    """Check `graph` against the pack (or `policies`), configured by `config`."""
    context = RuleContext.offline(
        catalog, stack=stack or graph.stack or None, project=graph.project, estimator=estimator
    )
    context.plan_usage = dict(graph.plan_usage)  # the budget rules price what the plan priced
    pack = list(policies) if policies is not None else build_policies(context)
    settings = _resolve_config(config, pack)
    view = GraphView(graph)
    collector = _Collector(view)
    stack_resources = view.policy_resources()
    infos = []
    for policy in pack:
        level = settings.level_for(policy)
        if level == EnforcementLevel.REMEDIATE:
            level = EnforcementLevel.MANDATORY
        infos.append(_info(policy, level, settings))
        if level == EnforcementLevel.DISABLED:
            continue
        properties = settings.properties_for(policy.name)
        worst = _worst_case(level, properties)
        if isinstance(policy, ResourceValidationPolicy):
            for resource in view.live:
                args = view.resource_args(resource, properties)
                report = collector.reporter(policy, level, resource.urn, fixed=True)
                collector.run(policy, args, report, resource.urn, worst)
        elif isinstance(policy, StackValidationPolicy):
            stack_args = view.stack_args(properties, resources=stack_resources)
            report = collector.reporter(policy, level, stack_urn(graph), fixed=False)
            collector.run(policy, stack_args, report, None, worst)
    return PolicyResult(
        violations=collector.violations,
        policies=infos,
        not_applicable=[
            Note(name, reason, None, n) for (name, reason), n in collector.not_applicable.items()
        ],
        unchecked=collector.unchecked,
        project=graph.project,
        stack=stack or graph.stack,
        origin=graph.origin,
        source=graph.source,
        resources_checked=len(view.live),
    )
