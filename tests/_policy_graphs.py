"""Small resource graphs for the policy tests, built the way readers build them.

`res()` makes one resource with engine-shaped (camelCase) inputs; `stack()` wraps
resources in a graph with the stack resource, a default provider per cloud and URNs of
Pulumi's form. `run()` runs the pack offline with a stub estimator unless told otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cloudwright.optimizer.catalog import Catalog
from cloudwright.policies.offline import PolicyResult, Violation, run_policies
from cloudwright.resource_graph.model import Graph, Resource, cloud_of_type

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "policies"
PROJECT = "cloudwright"

PROVIDER_REGION_KEY = {
    "aws": "region",
    "gcp": "region",
    "azure-native": "location",
    "azure": "location",
}
DEFAULT_REGION = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}


def load(name: str) -> Graph:
    """A fixture graph from tests/fixtures/policies/<name>.json."""
    path = FIXTURES / f"{name}.json"
    return Graph.from_json(json.loads(path.read_text("utf-8")), origin=str(path))


def res(
    type_token: str,
    name: str,
    inputs: dict[str, Any] | None = None,
    *,
    region: str | None = None,
    outputs: dict[str, Any] | None = None,
    parent: str | None = None,
) -> Resource:
    """A custom resource (URN, provider and parent are filled in by `stack`)."""
    cloud = cloud_of_type(type_token)
    return Resource(
        urn=f"{type_token}::{name}",
        type=type_token,
        name=name,
        cloud=cloud,
        region=region or DEFAULT_REGION.get(cloud or ""),
        inputs=dict(inputs or {}),
        outputs=dict(outputs or {}),
        parent=parent,
    )


def stack(*resources: Resource, name: str = "prod", with_providers: bool = True) -> Graph:
    """A graph of `resources` under a stack, each custom resource with its package's provider."""
    root = Resource(
        urn=f"urn:pulumi:{name}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{name}",
        type="pulumi:pulumi:Stack",
        name=f"{PROJECT}-{name}",
        custom=False,
    )
    out = [root]
    providers: dict[str, Resource] = {}
    for resource in resources:
        package = resource.type.split(":", 1)[0]
        if with_providers and package not in providers and resource.custom:
            key = PROVIDER_REGION_KEY.get(package)
            region = DEFAULT_REGION.get(cloud_of_type(resource.type) or "")
            providers[package] = Resource(
                urn=f"urn:pulumi:{name}::{PROJECT}::pulumi:providers:{package}::default",
                type=f"pulumi:providers:{package}",
                name="default",
                inputs={key: region} if key and region else {},
            )
            out.append(providers[package])
        type_chain, _, short = resource.urn.partition("::")
        resource.urn = f"urn:pulumi:{name}::{PROJECT}::{type_chain}::{short}"
        resource.parent = resource.parent or root.urn
        if resource.custom and with_providers:
            resource.provider = providers[package].urn
        out.append(resource)
    return Graph(source="offline-preview", resources=out, project=PROJECT, stack=name)


def stub_estimator(monthly_usd: float = 0.0, carbon_kg_month: float = 0.0) -> Any:
    def estimate(graph: Graph, catalog: Catalog) -> Any:
        totals = SimpleNamespace(monthly_usd=monthly_usd, carbon_kg_month=carbon_kg_month)
        return SimpleNamespace(totals=totals, resources=[], unsupported_types={})

    return estimate


def run(
    graph: Graph,
    catalog: Catalog,
    config: dict[str, Any] | None = None,
    **kwargs: Any,
) -> PolicyResult:
    kwargs.setdefault("estimator", stub_estimator())
    return run_policies(graph, catalog, config or {}, **kwargs)


def of(result: PolicyResult, policy: str) -> list[Violation]:
    return [v for v in result.violations if v.policy == policy]


def names(violations: list[Violation]) -> list[str]:
    return sorted(v.urn.rsplit("::", 1)[-1] for v in violations)
