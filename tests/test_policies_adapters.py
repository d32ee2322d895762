"""Reading engine-shaped properties (unknowns, string booleans, JSON provider config) as graph
resources, and the graph ↔ policy-args adapters, both ways."""

from __future__ import annotations

from typing import Any

import pytest
from _policy_graphs import load, res, stack
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from cloudwright.optimizer.catalog import Catalog
from cloudwright.policies import props as p
from cloudwright.policies.adapters import (
    GRAPH_RESOURCE,
    GraphView,
    graph_from_stack,
    provider_inputs,
    resource_of,
    to_wire,
)
from cloudwright.resource_graph.facts.values import as_bool, as_int, as_list, decode_json, lookup
from cloudwright.resource_graph.model import COMPUTED, SECRET, Unknown


def _engine_args(type_token: str, props: dict[str, Any], provider: dict[str, Any]) -> Any:
    """Arguments as the engine builds them: proxied wire values, no graph resource attached."""
    from pulumi_policy import PolicyProviderResource, ResourceValidationArgs

    return ResourceValidationArgs(
        type_token,
        unknown_checking_proxy(props),
        f"urn:pulumi:prod::p::{type_token}::r",
        "r",
        GraphView.options(res(type_token, "r")),
        PolicyProviderResource("pulumi:providers:aws", unknown_checking_proxy(provider), "u", "d"),
        None,
        None,
    )


def test_rules_read_engine_values_as_graph_resources_with_unknowns() -> None:
    props = {"a": {"b": [{"c": 1}, UNKNOWN_STRING_VALUE]}, "u": UNKNOWN_STRING_VALUE}
    args = _engine_args(
        "aws:ebs/volume:Volume",
        props,
        {"region": "eu-west-1", "defaultTags": '{"tags": {"a": "b"}}'},
    )
    resource = resource_of(args)
    assert lookup(resource.inputs, "a.b.0.c") == 1
    assert isinstance(lookup(resource.inputs, "a.b.1"), Unknown)
    assert isinstance(lookup(resource.inputs, "u.deeper"), Unknown)
    assert lookup(resource.inputs, "a.missing", "dflt") == "dflt"
    assert provider_inputs(args) == {"region": "eu-west-1", "defaultTags": {"tags": {"a": "b"}}}
    with pytest.raises(UnknownValueError):
        _ = args.props["u"]  # what a rule would hit reading the proxies directly


def test_scalar_readers() -> None:
    assert as_bool("true") is True and as_bool("False") is False and as_bool(1) is None
    assert as_int("32") == 32 and as_int(4.0) == 4 and as_int(True) is None
    assert as_list(None) == [] and as_list(COMPUTED) == [] and as_list("x") == ["x"]
    assert decode_json('{"tags": {"a": "b"}}') == {"tags": {"a": "b"}}
    assert decode_json("{not json") == "{not json"
    assert p.glob_match("EU-West-1", ["us-*", "eu-*"]) == "eu-*"
    assert p.is_unknown(SECRET) and p.is_unknown(UNKNOWN_STRING_VALUE) and not p.is_unknown("x")


def test_raise_unknown_speaks_the_engines_language() -> None:
    with pytest.raises(UnknownValueError) as caught:
        p.raise_unknown(["tags"], SECRET, "every tag missing")
    assert caught.value.message == "tags is a secret"
    assert isinstance(caught.value, p.Unchecked) and caught.value.worst_case == "every tag missing"


def test_graph_unknowns_and_secrets_reach_rules_as_engine_sentinels() -> None:
    assert to_wire({"a": [COMPUTED, SECRET, 1]}) == {
        "a": [UNKNOWN_STRING_VALUE, UNKNOWN_STRING_VALUE, 1]
    }


def test_resource_args_carry_provider_options_and_config() -> None:
    graph = stack(res("aws:ebs/volume:Volume", "v", {"size": 10}))
    view = GraphView(graph)
    volume = graph.resources[-1]
    args = view.resource_args(volume, {"ports": [22]})
    assert args.resource_type == "aws:ebs/volume:Volume" and args.name == "v"
    assert args.urn == volume.urn and args.opts.parent == graph.resources[0].urn
    assert args.provider.resource_type == "pulumi:providers:aws"
    assert provider_inputs(args)["region"] == "us-east-1"
    assert args.get_config() == {"ports": [22]}
    assert resource_of(args) is volume  # offline, rules read the graph's own resource


def test_default_provider_is_synthesised_from_the_resolved_region() -> None:
    graph = stack(
        res("gcp:compute/disk:Disk", "d", {}, region="europe-west4"), with_providers=False
    )
    graph.config = {"gcp:project": "p1"}
    args = GraphView(graph).resource_args(graph.resources[-1], None)
    assert args.provider.urn.endswith("pulumi:providers:gcp::default")
    assert provider_inputs(args)["region"] == "europe-west4"
    assert provider_inputs(args)["project"] == "p1"


def test_deleted_resources_are_not_checked() -> None:
    graph = stack(
        res("aws:ebs/volume:Volume", "gone", {}), res("aws:ebs/volume:Volume", "kept", {})
    )
    graph.resources[-2].op = "delete"
    assert [r.name for r in GraphView(graph).live if r.custom] == ["default", "kept"]


@pytest.mark.parametrize("fixture", ["aws_secure", "gcp_insecure", "azure_secure"])
def test_round_trip_keeps_what_pricing_needs(fixture: str, fixture_catalog: Catalog) -> None:
    from cloudwright.pricing.engine import estimate

    graph = load(fixture)
    resources = GraphView(graph).policy_resources()
    assert graph_from_stack(resources).resources[0] is graph.resources[0]  # offline: the graph's
    for policy_resource in resources:
        delattr(policy_resource, GRAPH_RESOURCE)  # what the engine hands over: wire values only
    back = graph_from_stack(resources, stack="prod")
    original = {r.urn: r for r in graph.resources}
    for resource in back.resources:
        if resource.urn in original and resource.custom and not resource.is_provider:
            before = original[resource.urn]
            assert (resource.type, resource.region) == (before.type, before.region)
            assert before.inputs.items() <= resource.inputs.items()  # state: inputs + outputs
    direct, round_trip = estimate(graph, fixture_catalog), estimate(back, fixture_catalog)
    assert round_trip.totals.monthly_usd == pytest.approx(direct.totals.monthly_usd)
    assert round_trip.totals.carbon_kg_month == pytest.approx(direct.totals.carbon_kg_month)
