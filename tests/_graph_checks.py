"""Checks over a previewed resource graph shared by the components, stack and preview tests."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from functools import cache
from typing import Any

from cloudwright.components.tags import REQUIRED_KEYS
from cloudwright.resource_graph.model import Graph, Resource

WORLD = ("0.0.0.0/0", "::/0", "*", "Internet", "Any", "any")
SDK_PACKAGES = {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure-native": "pulumi_azure_native"}


@cache
def tag_parameter(type_token: str) -> str | None:
    """'tags' or 'labels' when the SDK resource class takes them, else None (asks the SDK)."""
    package, module, name = type_token.split(":")
    root = SDK_PACKAGES.get(package)
    if root is None:
        return None
    cls = getattr(importlib.import_module(f"{root}.{module.split('/')[0]}"), name)
    params = inspect.signature(cls._internal_init).parameters
    key = "labels" if package == "gcp" else "tags"
    return key if key in params else None


def tag_map(resource: Resource) -> dict[str, Any] | None:
    key = tag_parameter(resource.type)
    if key is None:
        return None
    value = resource.inputs.get(key)
    if isinstance(value, list):  # autoscaling group tags
        return {item["key"]: item["value"] for item in value}
    return dict(value or {})


def untagged(graph: Graph) -> list[str]:
    """Taggable resources missing any of the contract's tags."""
    missing = []
    for r in graph.custom_resources():
        tags = tag_map(r)
        if tags is None:
            continue
        absent = [k for k in REQUIRED_KEYS if not tags.get(k)]
        if (
            absent
            or tags.get("managed-by") != "cloudwright"
            or tags.get("plan-id") != graph.plan_id
        ):
            missing.append(f"{r.type} {r.name}: {absent or tags}")
    return missing


def of_type(graph: Graph, type_token: str, workload: str | None = None) -> list[Resource]:
    return [
        r for r in graph if r.type == type_token and (workload is None or r.workload == workload)
    ]


def one(graph: Graph, type_token: str, workload: str | None = None) -> Resource:
    found = of_type(graph, type_token, workload)
    assert len(found) == 1, f"expected one {type_token}, found {len(found)}"
    return found[0]


def world_admin_ingress(graph: Graph) -> list[str]:
    """Rules that let the whole internet reach a node (any port: nothing needs to)."""
    bad = []
    for r in graph.custom_resources():
        if r.type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            if r.inputs.get("cidrIpv4") in WORLD or r.inputs.get("cidrIpv6") in WORLD:
                bad.append(r.name)
        elif r.type == "aws:ec2/securityGroup:SecurityGroup":
            for rule in r.inputs.get("ingress") or []:
                if set(rule.get("cidrBlocks") or []) & set(WORLD):
                    bad.append(r.name)
        elif r.type == "gcp:compute/firewall:Firewall":
            if r.inputs.get("direction", "INGRESS") == "INGRESS" and set(
                r.inputs.get("sourceRanges") or []
            ) & set(WORLD):
                bad.append(r.name)
        elif r.type == "azure-native:network:NetworkSecurityGroup":
            bad += [
                f"{r.name}:{rule.get('name')}"
                for rule in r.inputs.get("securityRules") or []
                if rule.get("direction") == "Inbound"
                and rule.get("access") == "Allow"
                and (
                    rule.get("sourceAddressPrefix") in WORLD
                    or set(rule.get("sourceAddressPrefixes") or []) & set(WORLD)
                )
            ]
    return bad


def orphans(graph: Graph) -> list[str]:
    """Custom resources not parented to a component of their own cloud, or on the default
    provider."""
    by_urn = graph.by_urn()
    bad = []
    for r in graph.custom_resources():
        parent = by_urn.get(r.parent or "")
        if parent is None or not parent.type.startswith(f"cloudwright:{r.cloud}:"):
            bad.append(f"{r.name}: parent {r.parent}")
        provider = by_urn.get(r.provider or "")
        if provider is None or not provider.is_provider or "default" in provider.name:
            bad.append(f"{r.name}: provider {r.provider}")
    return bad


def names(resources: Iterable[Resource]) -> list[str]:
    return sorted(r.name for r in resources)
