"""SARIF 2.1.0 output: the structure code-scanning tools require, levels from enforcement,
physical locations on the graph/plan file and the URN as a logical location."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from _policy_graphs import FIXTURES, load, run

from cloudwright.optimizer.catalog import Catalog
from cloudwright.reports.sarif import SARIF_VERSION, artifact_uri, to_sarif

CONFIG = {"allowed-regions": {"regions": ["us-*"]}}
RESULT_LEVELS = {"none", "note", "warning", "error"}


def _sarif(catalog: Catalog, name: str = "aws_insecure") -> tuple[dict[str, Any], Any]:
    graph = load(name)
    result = run(graph, catalog, CONFIG)
    path = FIXTURES / f"{name}.json"
    artifact = artifact_uri(str(path), base=FIXTURES.parent.parent.parent)
    log = to_sarif(
        result, graph=graph, artifact=artifact, artifact_text=path.read_text(), version="0.1.0"
    )
    return json.loads(json.dumps(log)), result  # must survive JSON


def test_required_structure(fixture_catalog: Catalog) -> None:
    log, result = _sarif(fixture_catalog)
    assert log["version"] == SARIF_VERSION == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "cloudwright" and driver["version"] == "0.1.0"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [p.name for p in result.policies]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in RESULT_LEVELS
    assert len(run_["results"]) == len(result.violations)
    for item in run_["results"]:
        assert {"ruleId", "ruleIndex", "level", "message", "locations"} <= set(item)
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["level"] in RESULT_LEVELS and item["message"]["text"]
        assert item["partialFingerprints"]


def test_levels_follow_enforcement(fixture_catalog: Catalog) -> None:
    log, _ = _sarif(fixture_catalog)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["no-open-admin-ports"]["defaultConfiguration"]["level"] == "error"
    assert rules["required-tags"]["defaultConfiguration"]["level"] == "warning"
    assert rules["no-open-admin-ports"]["properties"]["security-severity"] == "9.5"
    assert "security-severity" not in rules["required-tags"]["properties"]
    levels = {(r["ruleId"], r["level"]) for r in log["runs"][0]["results"]}
    assert ("no-open-admin-ports", "error") in levels
    assert ("required-tags", "warning") in levels


def test_locations_point_at_the_urn_in_the_file(fixture_catalog: Catalog) -> None:
    log, _ = _sarif(fixture_catalog)
    lines = (FIXTURES / "aws_insecure.json").read_text().splitlines()
    for item in log["runs"][0]["results"]:
        (location,) = item["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "tests/fixtures/policies/aws_insecure.json"
        urn = location["logicalLocations"][0]["fullyQualifiedName"]
        assert location["logicalLocations"][0]["kind"] == "resource"
        assert urn in lines[physical["region"]["startLine"] - 1]
    assert log["runs"][0]["artifacts"][0]["location"]["uri"].endswith("aws_insecure.json")


def test_fingerprints_are_stable_and_distinct(fixture_catalog: Catalog) -> None:
    first, _ = _sarif(fixture_catalog)
    second, _ = _sarif(fixture_catalog)
    prints = [r["partialFingerprints"] for r in first["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"] for r in second["runs"][0]["results"]]
    assert len({json.dumps(p) for p in prints}) == len(prints)


def test_plan_sources_locate_the_workload(tmp_path: Path, fixture_catalog: Catalog) -> None:
    graph = load("aws_insecure")
    result = run(graph, fixture_catalog, CONFIG)
    plan_text = '{\n  "assignments": [\n    {\n      "workload": "train",\n      "nodes": 4\n    }\n  ]\n}\n'
    for resource in graph.resources:
        resource.workload = "train" if "train" in resource.name else None
    log = to_sarif(result, graph=graph, artifact="plan.json", artifact_text=plan_text)
    fabric = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "gpu-fabric")
    assert fabric["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_stdin_sources_have_only_logical_locations(fixture_catalog: Catalog) -> None:
    graph = load("aws_insecure")
    log = to_sarif(run(graph, fixture_catalog), graph=graph, artifact=artifact_uri("<stdin>"))
    item = log["runs"][0]["results"][0]
    assert "physicalLocation" not in item["locations"][0]
    assert item["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("urn:")


def test_unknown_values_become_review_notes(fixture_catalog: Catalog) -> None:
    from _policy_graphs import res, stack

    from cloudwright.resource_graph.model import COMPUTED

    graph = stack(res("aws:s3/bucket:Bucket", "b", {"region": COMPUTED}))
    log = to_sarif(run(graph, fixture_catalog, CONFIG), graph=graph)
    (note,) = [r for r in log["runs"][0]["results"] if r["level"] == "note"]
    assert (note["ruleId"], note["level"], note["kind"]) == ("allowed-regions", "note", "review")
