"""Every Pulumi type token and tag input the rules and the resource facts layer name exists in
the installed SDKs, so a typo cannot silently switch a check off. (Classic `azure:` is not installed here; its
tokens are checked for shape only.)"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pulumi_aws
import pulumi_azure_native
import pulumi_gcp
import pytest

from cloudwright.policies.rules import admin_ports, encryption, public_storage, tags
from cloudwright.resource_graph.facts.exposure import EXPOSURES
from cloudwright.resource_graph.facts.launch import LAUNCHERS
from cloudwright.resource_graph.facts.machines import DEFINITIONS
from cloudwright.resource_graph.facts.market import READERS
from cloudwright.resource_graph.facts.network import INGRESS
from cloudwright.resource_graph.facts.storage import STORES
from cloudwright.resource_graph.regions import AZURE_LOCATED_TYPES, GCP_LOCATED_TYPES

PACKAGES = {
    "aws": Path(pulumi_aws.__file__).parent,
    "gcp": Path(pulumi_gcp.__file__).parent,
    "azure-native": Path(pulumi_azure_native.__file__).parent,
}
FLEET_TYPES = {
    "aws:ec2/placementGroup:PlacementGroup",
    "aws:ec2/networkInterface:NetworkInterface",
    "gcp:compute/resourcePolicy:ResourcePolicy",
    "gcp:compute/instanceGroupManager:InstanceGroupManager",
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
}


def _all_tokens() -> set[str]:
    named = set(READERS) | set(tags.TAGGABLE) | set(tags.UNTAGGABLE) | FLEET_TYPES
    named |= set(encryption.TYPES) | set(public_storage.TYPES) | set(admin_ports.TYPES)
    named |= set(LAUNCHERS) | set(DEFINITIONS) | set(STORES) | set(EXPOSURES) | set(INGRESS)
    named |= set(GCP_LOCATED_TYPES) | set(AZURE_LOCATED_TYPES)
    return named


@cache
def _source(token: str) -> str | None:
    """The SDK module that registers `token` (searched in the token's module directory)."""
    package, module, _ = token.split(":")
    module_dir = PACKAGES[package] / (module.split("/")[0] if "/" in module else module)
    for path in sorted(module_dir.glob("*.py")):
        text = path.read_text("utf-8")
        if f"'{token}'" in text:
            return text
    return None


@pytest.mark.parametrize("token", sorted(t for t in _all_tokens() if t.split(":")[0] in PACKAGES))
def test_token_exists_in_the_sdk(token: str) -> None:
    assert _source(token) is not None, f"{token} is not registered by the installed SDK"


def test_classic_azure_tokens_have_the_classic_shape() -> None:
    classic = [t for t in _all_tokens() if t.startswith("azure:")]
    assert classic
    assert all(re.fullmatch(r"azure:[a-z]+/[a-zA-Z]+:[A-Z][A-Za-z]+", t) for t in classic)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _has_input(text: str, name: str) -> bool:
    return re.search(rf"\n\s+{_snake(name)}: pulumi\.Input", text) is not None


@pytest.mark.parametrize(
    ("token", "key"),
    sorted((t, k) for t, k in tags.TAGGABLE.items() if t.split(":")[0] in PACKAGES),
)
def test_taggable_types_take_their_tag_input(token: str, key: str) -> None:
    text = _source(token)
    assert text is not None and _has_input(text, key), f"{token} has no `{key}` input"


@pytest.mark.parametrize("token", sorted(tags.UNTAGGABLE))
def test_untaggable_types_take_no_tags(token: str) -> None:
    text = _source(token)
    assert text is not None
    assert not _has_input(text, "tags") and not _has_input(text, "labels"), token
