"""Reading engine-shaped properties (unknowns, string booleans, JSON provider config) and the
graph ↔ policy-args adapters, both ways."""

from __future__ import annotations

import pytest
from _policy_graphs import load, res, stack
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from cloudwright.optimizer.catalog import Catalog
from cloudwright.policies import props as p
from cloudwright.policies.adapters import GraphView, graph_from_stack, to_wire
from cloudwright.resource_graph.model import COMPUTED, SECRET


def test_get_reads_through_proxies_and_stops_at_unknowns() -> None:
    props = unknown_checking_proxy(
        {"a": {"b": [{"c": 1}, UNKNOWN_STRING_VALUE]}, "u": UNKNOWN_STRING_VALUE}
    )
    assert p.get(props, "a.b.0.c") == 1
    assert p.get(props, "a.b.1") is p.UNKNOWN
    assert p.get(props, "u.deeper") is p.UNKNOWN
    assert p.get(props, "a.missing", "dflt") == "dflt"
    with pytest.raises(UnknownValueError):
        _ = props["u"]  # what a rule would hit without the helpers


def test_scalar_readers() -> None:
    assert p.as_bool("true") is True and p.as_bool("False") is False and p.as_bool(1) is None
    assert p.as_int("32") == 32 and p.as_int(4.0) == 4 and p.as_int(True) is None
    assert p.as_list(None) == [] and p.as_list(COMPUTED) == [] and p.as_list("x") == ["x"]
    assert p.decode_json('{"tags": {"a": "b"}}') == {"tags": {"a": "b"}}
    assert p.decode_json("{not json") == "{not json"
    assert p.glob_match("EU-West-1", ["us-*", "eu-*"]) == "eu-*"
    assert p.is_unknown(SECRET) and p.is_unknown(UNKNOWN_STRING_VALUE) and not p.is_unknown("x")


def test_raise_unknown_speaks_the_engines_language() -> None:
    with pytest.raises(UnknownValueError) as caught:
        p.raise_unknown(["tags"])
    assert "can't be known during preview" in caught.value.message


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
    assert p.get(args.provider.props, "region") == "us-east-1"
    assert args.get_config() == {"ports": [22]}


def test_default_provider_is_synthesised_from_the_resolved_region() -> None:
    graph = stack(
        res("gcp:compute/disk:Disk", "d", {}, region="europe-west4"), with_providers=False
    )
    graph.config = {"gcp:project": "p1"}
    args = GraphView(graph).resource_args(graph.resources[-1], None)
    assert args.provider.urn.endswith("pulumi:providers:gcp::default")
    assert p.get(args.provider.props, "region") == "europe-west4"
    assert p.get(args.provider.props, "project") == "p1"


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
    back = graph_from_stack(GraphView(graph).policy_resources(), stack="prod")
    original = {r.urn: r for r in graph.resources}
    for resource in back.resources:
        if resource.urn in original and resource.custom and not resource.is_provider:
            before = original[resource.urn]
            assert (resource.type, resource.region) == (before.type, before.region)
            assert before.inputs.items() <= resource.inputs.items()  # state: inputs + outputs
    direct, round_trip = estimate(graph, fixture_catalog), estimate(back, fixture_catalog)
    assert round_trip.totals.monthly_usd == pytest.approx(direct.totals.monthly_usd)
    assert round_trip.totals.carbon_kg_month == pytest.approx(direct.totals.carbon_kg_month)
