"""The equivalent-form corpus's vocabulary: a case is an attack (the rule must fire) or a
secure form (it must not), on one cloud, built from engine-shaped resources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from _policy_graphs import of, run, stack

from cloudwright.optimizer.catalog import Catalog
from cloudwright.policies.offline import PolicyResult
from cloudwright.resource_graph.model import Resource


@dataclass
class Case:
    id: str
    rule: str
    cloud: str
    resources: list[Resource]
    fires: bool = True
    expect: str = ""  # a substring of one of the rule's messages
    config: dict[str, Any] = field(default_factory=dict)
    stack_name: str = "prod"

    @property
    def param_id(self) -> str:
        kind = "attack" if self.fires else "secure"
        return f"{self.rule}:{self.cloud}:{kind}:{self.id}"


def attack(
    id: str, rule: str, cloud: str, *resources: Resource, expect: str = "", **config: Any
) -> Case:
    return Case(id, rule, cloud, list(resources), True, expect, config)


def secure(id: str, rule: str, cloud: str, *resources: Resource, **config: Any) -> Case:
    return Case(id, rule, cloud, list(resources), False, "", config)


def judge(case: Case, catalog: Catalog, **kwargs: Any) -> PolicyResult:
    """Run the pack on the case; assert the rule fired (with the expected text) or did not."""
    config = {case.rule: case.config} if case.config else {}
    result = run(stack(*case.resources, name=case.stack_name), catalog, config, **kwargs)
    found = of(result, case.rule)
    messages = [v.message for v in found]
    if case.fires:
        assert found, f"{case.param_id}: the rule did not fire"
        if case.expect:
            assert any(case.expect in m for m in messages), (case.param_id, messages)
    else:
        assert not found, (case.param_id, messages)
    return result


def corpus_size(cases: list[Case]) -> dict[tuple[str, str, str], int]:
    """(rule, cloud, attack|secure) → number of cases, for the report."""
    out: dict[tuple[str, str, str], int] = {}
    for case in cases:
        key = (case.rule, case.cloud, "attack" if case.fires else "secure")
        out[key] = out.get(key, 0) + 1
    return out
