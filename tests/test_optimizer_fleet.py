"""The fleet spec: parsing, error messages with field path and line, catalog name checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudwright.core.errors import InputError, UnknownNameError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet import load_fleet, parse_fleet
from cloudwright.optimizer.fleet.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent

MINIMAL = """\
version: 1
workloads:
  - name: train
    kind: training
    gpu: {type: H100, count: 8}
    nodes: 2
"""


def error_of(text: str) -> InputError:
    with pytest.raises(InputError) as err:
        parse_fleet(text, "fleet.yaml")
    return err.value


def test_minimal_fleet_parses_with_defaults() -> None:
    fleet = parse_fleet(MINIMAL)
    w = fleet.workloads[0]
    assert (w.gpu.type, w.gpu.count, w.node_count, w.interconnect) == (["H100"], 8, 2, "optional")
    assert fleet.objective == "balanced" and fleet.capacity == [] and fleet.budget is None


def test_gpu_type_accepts_a_string_or_a_list() -> None:
    fleet = parse_fleet(MINIMAL.replace("type: H100", "type: [H100, A100-80GB]"))
    assert fleet.workloads[0].gpu.type == ["H100", "A100-80GB"]


def test_unknown_field_names_path_line_and_closest_field() -> None:
    err = error_of(MINIMAL.replace("    nodes: 2", "    nodess: 2"))
    assert err.location == "fleet.yaml:6"
    assert "workloads[0].nodess" in err.message and "unknown field" in err.message
    assert err.hint is not None and "nodes" in err.hint


def test_nested_unknown_field_suggests_from_the_right_model() -> None:
    err = error_of(MINIMAL + "    storage: {objet_tb: 3}\n")
    assert err.location == "fleet.yaml:7"
    assert "workloads[0].storage.objet_tb" in err.message
    assert err.hint is not None and "object_tb" in err.hint


def test_bad_literal_suggests_the_closest_value() -> None:
    err = error_of(MINIMAL.replace("kind: training", "kind: trainig"))
    assert err.location == "fleet.yaml:4" and "workloads[0].kind" in err.message
    assert err.hint is not None and "training" in err.hint


def test_range_error_names_field_and_value() -> None:
    err = error_of(MINIMAL.replace("count: 8", "count: 0"))
    assert err.location == "fleet.yaml:5"
    assert "workloads[0].gpu.count" in err.message and "got 0" in err.message


def test_every_problem_is_listed_not_just_the_first() -> None:
    text = MINIMAL.replace("kind: training", "kind: trainig").replace("nodes: 2", "nodess: 2")
    err = error_of(text)
    assert err.hint is not None and "1 more problem" in err.hint and "fleet.yaml:6" in err.hint


def test_yaml_syntax_error_has_a_line() -> None:
    err = error_of("version: 1\nworkloads:\n  - name: [unclosed\n")
    assert err.location is not None and err.location.startswith("fleet.yaml:")
    assert "not valid YAML" in err.message


def test_duplicate_keys_are_errors() -> None:
    err = error_of(MINIMAL + "    nodes: 3\n")
    assert err.location == "fleet.yaml:7" and "duplicate key" in err.message


def test_duplicate_workload_names_point_at_the_second() -> None:
    text = MINIMAL + "  - name: train\n    kind: batch\n    gpu: {type: L4}\n"
    err = error_of(text)
    assert err.location == "fleet.yaml:7" and "workloads[1].name" in err.message


def test_cross_field_rules_point_at_the_offending_field() -> None:
    err = error_of(MINIMAL + "    latency_slo_ms: 50\n")
    assert err.location == "fleet.yaml:7" and "needs users" in err.message
    err = error_of(MINIMAL + "    replicas: 3\n")
    assert "workloads[0].replicas" in err.message


def test_lonely_colocation_group_suggests_the_other_group() -> None:
    text = (
        "version: 1\nworkloads:\n"
        "  - {name: a, kind: batch, gpu: {type: L4}, colocate: chat}\n"
        "  - {name: b, kind: batch, gpu: {type: L4}, colocate: chta}\n"
        "  - {name: c, kind: batch, gpu: {type: L4}, colocate: chat}\n"
    )
    err = error_of(text)
    assert err.location == "fleet.yaml:4" and "chta" in err.message
    assert err.hint is not None and "chat" in err.hint


def test_x_keys_hold_anchors_and_are_ignored() -> None:
    text = (
        "version: 1\nx-users: &u\n  - {name: nyc, lat: 40.7, lon: -74.0}\nworkloads:\n"
        "  - {name: chat, kind: inference, gpu: {type: L4}, users: *u, latency_slo_ms: 90}\n"
    )
    fleet = parse_fleet(text)
    assert fleet.workloads[0].users[0].name == "nyc"


def test_top_level_must_be_a_mapping() -> None:
    err = error_of("- just\n- a list\n")
    assert "mapping" in err.message


def test_load_fleet_reports_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_fleet(tmp_path / "nope.yaml")


def test_resolve_canonicalises_and_fills_defaults(fixture_catalog: Catalog) -> None:
    text = MINIMAL.replace("type: H100", "type: h100") + "    allow: {countries: [de, NLD]}\n"
    fleet = resolve(parse_fleet(text), fixture_catalog)
    w = fleet.workloads[0]
    assert w.gpu.type == ["H100"]
    assert w.hours_per_month == pytest.approx(730.0)  # the catalog's hours_per_month
    assert w.utilization == 1.0  # unset → full board power, an upper bound
    assert w.allow is not None and w.allow.countries == ["DEU", "NLD"]
    assert fleet.clouds == ["aws", "gcp", "azure"]


def test_unknown_gpu_names_line_and_suggests(fixture_catalog: Catalog) -> None:
    fleet = parse_fleet(MINIMAL.replace("type: H100", "type: H10"), "fleet.yaml")
    with pytest.raises(UnknownNameError) as err:
        resolve(fleet, fixture_catalog)
    assert err.value.location is not None and err.value.location.startswith("fleet.yaml:5")
    assert "workloads[0].gpu.type[0]" in err.value.location
    assert "H100" in err.value.suggestions


def test_unknown_data_region_suggests(fixture_catalog: Catalog) -> None:
    fleet = parse_fleet(MINIMAL + "    data: {size_gb: 10, location: 'aws:us-east1'}\n")
    with pytest.raises(UnknownNameError) as err:
        resolve(fleet, fixture_catalog)
    assert err.value.suggestions[0] == "us-east-1"
    assert err.value.location is not None and ":7:" in err.value.location + ":"


def test_unknown_country_and_region_pattern(fixture_catalog: Catalog) -> None:
    bad_country = parse_fleet(MINIMAL + "    allow: {countries: [XX]}\n")
    with pytest.raises(UnknownNameError, match="country code"):
        resolve(bad_country, fixture_catalog)
    bad_pattern = parse_fleet(MINIMAL + "    allow: {regions: ['mars-*']}\n")
    with pytest.raises(UnknownNameError, match="region pattern"):
        resolve(bad_pattern, fixture_catalog)


def test_workload_clouds_may_narrow_but_not_widen(fixture_catalog: Catalog) -> None:
    text = "version: 1\nclouds: [aws]\n" + MINIMAL.split("\n", 1)[1] + "    clouds: [gcp]\n"
    with pytest.raises(InputError, match="not among the fleet's clouds"):
        resolve(parse_fleet(text), fixture_catalog)


def test_capacity_names_are_checked(fixture_catalog: Catalog) -> None:
    text = MINIMAL + "capacity:\n  - {cloud: aws, region: us-east-1, gpu: H1000, max_gpus: 8}\n"
    with pytest.raises(UnknownNameError) as err:
        resolve(parse_fleet(text), fixture_catalog)
    assert "H100" in err.value.suggestions


def test_pinned_instance_type_is_checked(fixture_catalog: Catalog) -> None:
    fleet = parse_fleet(MINIMAL + "    instance_types: [p5.48xlarg]\n")
    with pytest.raises(UnknownNameError) as err:
        resolve(fleet, fixture_catalog)
    assert "p5.48xlarge" in err.value.suggestions


def test_resolve_does_not_mutate_and_is_idempotent(fixture_catalog: Catalog) -> None:
    fleet = parse_fleet(MINIMAL.replace("type: H100", "type: h100"))
    once = resolve(fleet, fixture_catalog)
    assert fleet.workloads[0].gpu.type == ["h100"]
    assert resolve(once, fixture_catalog) == once


@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "bad").glob("*.yaml")))
def test_bad_examples_fail_with_a_located_message(path: Path, fixture_catalog: Catalog) -> None:
    with pytest.raises(InputError) as err:
        resolve(load_fleet(path), fixture_catalog)
    assert err.value.location is not None and str(path) in err.value.location
    assert ":" in err.value.location.removeprefix(str(path))  # a line number follows


def test_the_example_fleet_parses() -> None:
    fleet = load_fleet(ROOT / "examples" / "fleet.yaml")
    kinds = {w.kind for w in fleet.workloads}
    assert kinds == {"training", "inference", "batch"}
    assert any(w.interconnect == "required" for w in fleet.workloads)
    assert any(w.deferrable for w in fleet.workloads) and any(w.allow for w in fleet.workloads)
    assert any(w.latency_slo_ms for w in fleet.workloads) and fleet.capacity and fleet.budget


def test_yaml_1_2_country_codes_and_merge_keys_in_a_fleet() -> None:
    text = """\
version: 1
x-defaults: &train
  kind: training
  gpu: {type: H100, count: 8}
  nodes: 2
x-eu: &eu
  nodes: 4
allow: {countries: [DE, NO, SE]}
workloads:
  - <<: [*train, *eu]
    name: train
"""
    fleet = parse_fleet(text)
    assert fleet.allow is not None and fleet.allow.countries == ["DE", "NO", "SE"]
    assert fleet.workloads[0].node_count == 2  # the first merged mapping wins
