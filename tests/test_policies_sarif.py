"""SARIF 2.1.0 output: the structure code-scanning tools require, levels from enforcement,
physical locations on the graph/plan file relative to %SRCROOT% (whatever directory `check`
runs in), stdin named as an artifact, help links into docs/policies.md, and the URN as a
logical location."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from _cli import run_cli
from _policy_graphs import FIXTURES, load, run

from cloudwright.optimizer.catalog import Catalog
from cloudwright.reports.sarif import (
    DOCS_URL_ENV,
    SARIF_VERSION,
    SRCROOT,
    artifact_for,
    artifact_uri,
    to_sarif,
)

ROOT = FIXTURES.parent.parent.parent
CATALOG = ROOT / "tests" / "fixtures" / "catalog"
INSECURE = FIXTURES / "aws_insecure.json"

CONFIG = {"allowed-regions": {"regions": ["us-*"]}}
RESULT_LEVELS = {"none", "note", "warning", "error"}


def _sarif(catalog: Catalog, name: str = "aws_insecure") -> tuple[dict[str, Any], Any]:
    graph = load(name)
    result = run(graph, catalog, CONFIG)
    path = FIXTURES / f"{name}.json"
    log = to_sarif(result, graph=graph, artifact=artifact_for(path, ROOT), version="0.1.0")
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
        assert physical["artifactLocation"]["uriBaseId"] == SRCROOT
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
    plan = tmp_path / "plan.json"
    plan.write_text(plan_text, "utf-8")
    log = to_sarif(result, graph=graph, artifact=artifact_for(plan, tmp_path))
    fabric = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "gpu-fabric")
    assert fabric["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_stdin_is_an_artifact_too(fixture_catalog: Catalog) -> None:
    graph = load("aws_insecure")
    log = to_sarif(run(graph, fixture_catalog), graph=graph, source="-")
    item = log["runs"][0]["results"][0]
    physical = item["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "stdin", "index": 0}}  # no base, no line
    assert item["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("urn:")
    (artifact,) = log["runs"][0]["artifacts"]
    assert artifact["location"] == {"uri": "stdin"}
    assert "standard input" in artifact["description"]["text"]
    assert "originalUriBaseIds" not in log["runs"][0]
    assert artifact_uri("<stdin>") is None and artifact_for(None) is None


def test_unknown_values_become_review_notes(fixture_catalog: Catalog) -> None:
    from _policy_graphs import res, stack

    from cloudwright.resource_graph.model import COMPUTED

    graph = stack(res("aws:s3/bucket:Bucket", "b", {"region": COMPUTED}))
    log = to_sarif(run(graph, fixture_catalog, CONFIG), graph=graph)
    (note,) = [r for r in log["runs"][0]["results"] if r["level"] == "note"]
    assert (note["ruleId"], note["level"], note["kind"]) == ("allowed-regions", "note", "review")


def _slugs(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    slugs = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, re.M):
        text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
        slugs.add(text.replace(" ", "-"))
    return slugs


def test_help_links_point_at_existing_anchors(fixture_catalog: Catalog) -> None:
    log, result = _sarif(fixture_catalog)
    driver = log["runs"][0]["tool"]["driver"]
    anchors = _slugs((ROOT / "docs" / "policies.md").read_text("utf-8"))
    assert driver["informationUri"].endswith("docs/policies.md")
    for rule in driver["rules"]:
        link = urlsplit(rule["helpUri"])
        assert link.scheme in ("file", "https", "http") and link.path.endswith("docs/policies.md")
        assert link.fragment == rule["id"] and link.fragment in anchors, rule["id"]
        if link.scheme == "file":
            assert Path(link.path).is_file()
    assert {r["id"] for r in driver["rules"]} == {p.name for p in result.policies}


def test_docs_url_can_be_configured(
    fixture_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DOCS_URL_ENV, "https://example.test/acme/cloudwright/blob/main")
    log, _ = _sarif(fixture_catalog)
    driver = log["runs"][0]["tool"]["driver"]
    assert (
        driver["informationUri"]
        == "https://example.test/acme/cloudwright/blob/main/docs/policies.md"
    )
    assert driver["rules"][0]["helpUri"].endswith("/blob/main/docs/policies.md#monthly-budget")


def _cli_sarif(*args: str, cwd: Path, stdin: str | None = None) -> dict[str, Any]:
    done = run_cli(
        "check", *args, "--format", "sarif", "--catalog", str(CATALOG), cwd=cwd, stdin=stdin
    )
    assert done.returncode == 1, done.stderr  # mandatory violations: the log is still written
    log: dict[str, Any] = json.loads(done.stdout)
    return log


def _uris(log: dict[str, Any]) -> set[str]:
    return {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for item in log["runs"][0]["results"]
        for loc in item["locations"]
    }


def test_uris_do_not_depend_on_the_working_directory() -> None:
    assert (ROOT / ".git").exists(), "the repository checkout has a .git"
    from_root = _cli_sarif(str(INSECURE.relative_to(ROOT)), cwd=ROOT)
    from_stacks = _cli_sarif(str(Path("..") / INSECURE.relative_to(ROOT)), cwd=ROOT / "stacks")
    assert _uris(from_root) == _uris(from_stacks) == {"tests/fixtures/policies/aws_insecure.json"}
    base = from_stacks["runs"][0]["originalUriBaseIds"][SRCROOT]
    assert base["uri"] == ROOT.as_uri() + "/"
    assert "git" in base["description"]["text"]
    lines = INSECURE.read_text("utf-8").splitlines()
    for item in from_stacks["runs"][0]["results"]:
        (location,) = item["locations"]
        urn = location["logicalLocations"][0]["fullyQualifiedName"]
        assert urn in lines[location["physicalLocation"]["region"]["startLine"] - 1]


def test_roots_outside_a_repository(tmp_path: Path) -> None:
    text = INSECURE.read_text("utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "infra" / "deep").mkdir(parents=True)
    (repo / "infra" / "graph.json").write_text(text, "utf-8")
    inside = artifact_for(Path("../graph.json"), repo / "infra" / "deep")
    assert inside is None  # relative to the process cwd, not the given one: no such file
    found = artifact_for(repo / "infra" / "graph.json", repo / "infra" / "deep")
    assert found is not None and (found.uri, found.root) == ("infra/graph.json", repo.resolve())
    loose = tmp_path / "loose"
    (loose / "sub").mkdir(parents=True)
    (loose / "sub" / "graph.json").write_text(text, "utf-8")
    here = artifact_for(loose / "sub" / "graph.json", loose)
    assert here is not None and (here.uri, here.root) == ("sub/graph.json", loose.resolve())
    away = artifact_for(loose / "sub" / "graph.json", repo)
    assert away is not None and (away.uri, away.root) == ("graph.json", (loose / "sub").resolve())
    assert not any(".." in a.uri for a in (found, here, away))


def test_stdin_through_the_cli() -> None:
    log = _cli_sarif("-", cwd=ROOT / "stacks", stdin=INSECURE.read_text("utf-8"))
    assert _uris(log) == {"stdin"}
    assert log["runs"][0]["artifacts"][0]["location"] == {"uri": "stdin"}
