"""Source sniffing: one entry point for graph.json, plan.json, previews, exports, stdin."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.resource_graph.load import (
    default_plan_path,
    load_graph,
    load_source,
    read_stack_config,
)
from cloudwright.resource_graph.state import tags_of

FLEET = Path(__file__).parent / "golden" / "graphs" / "fleet.graph.json"
PREVIEW = {
    "steps": [
        {
            "op": "create",
            "urn": "urn:pulumi:dev::p::aws:ebs/volume:Volume::v",
            "newState": {
                "urn": "urn:pulumi:dev::p::aws:ebs/volume:Volume::v",
                "type": "aws:ebs/volume:Volume",
                "custom": True,
                "inputs": {"size": 8},
            },
        }
    ],
    "config": {"aws:region": "us-east-1"},
}
EXPORT = {
    "version": 3,
    "deployment": {
        "resources": [
            {
                "urn": "urn:pulumi:dev::p::aws:ebs/volume:Volume::v",
                "type": "aws:ebs/volume:Volume",
                "custom": True,
                "inputs": {"size": 8, "availabilityZone": "us-east-1a"},
            }
        ]
    },
}
CHECKPOINT = {"version": 3, "checkpoint": {"stack": "dev", "latest": EXPORT["deployment"]}}


@pytest.mark.parametrize(
    ("doc", "kind", "source"),
    [
        (PREVIEW, "preview", "preview-json"),
        (EXPORT, "export", "stack-export"),
        (CHECKPOINT, "checkpoint", "checkpoint"),
    ],
)
def test_sniffs_by_shape_not_name(tmp_path: Path, doc: dict, kind: str, source: str) -> None:
    path = tmp_path / "whatever.txt"
    path.write_text(json.dumps(doc))
    loaded = load_source(path)
    assert loaded.kind == kind and loaded.graph.source == source
    assert loaded.graph.resources[0].region == "us-east-1"


def test_graph_json_loads_as_is() -> None:
    graph = load_graph(FLEET)
    assert graph.source == "offline-preview" and len(graph) == 26


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(EXPORT)))
    graph = load_graph("-")
    assert graph.origin == "<stdin>" and graph.resources[0].name == "v"


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "steps": [\n    oops\n  ]\n}\n')
    with pytest.raises(InputError, match=r"bad.json:3: not valid JSON"):
        load_graph(path)


def test_unrecognised_document(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(InputError, match="unrecognised document") as info:
        load_graph(path)
    assert "pulumi preview --json" in (info.value.hint or "")


def test_missing_file() -> None:
    with pytest.raises(InputError, match="file not found"):
        load_graph("no/such/file.json")


def test_default_plan_from_stack_config(tmp_path: Path) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "plan.json").write_text("{}")
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n  cloudwright:plan: examples/plan.json\n  aws:region: us-east-1\n"
    )
    assert default_plan_path(tmp_path) == tmp_path / "examples" / "plan.json"
    assert read_stack_config(tmp_path / "stacks" / "Pulumi.dev.yaml")["aws:region"] == "us-east-1"


def test_default_plan_falls_back_to_plan_json_then_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no source given"):
        default_plan_path(tmp_path)
    (tmp_path / "plan.json").write_text("{}")
    assert default_plan_path(tmp_path) == tmp_path / "plan.json"


def test_configured_plan_that_does_not_exist(tmp_path: Path) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  cloudwright:plan: gone.json\n")
    with pytest.raises(InputError, match=r"gone\.json"):
        default_plan_path(tmp_path)


def test_stack_config_yaml_errors_have_a_line(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text("config:\n  aws:region: [unclosed\n")
    with pytest.raises(InputError, match=r"Pulumi.dev.yaml:\d+"):
        read_stack_config(path)


PLAN = Path(__file__).parent / "golden" / "plans" / "llm.plan.json"


def test_plan_goes_through_the_offline_preview(fixture_catalog: Catalog) -> None:
    from cloudwright.pricing.pipeline import report_for

    loaded = load_source(PLAN, catalog=fixture_catalog)
    assert loaded.kind == "plan" and loaded.plan is not None
    assert loaded.graph.source == "offline-preview"
    types = {r.type for r in loaded.graph}
    assert {"aws:autoscaling/group:Group", "aws:ec2/launchTemplate:LaunchTemplate"} <= types
    report = report_for(PLAN, catalog=fixture_catalog)
    asg = next(r for r in report.resources if r.type == "aws:autoscaling/group:Group")
    # 4 nodes × the plan's 720 h, the launch template's type resolved through the graph.
    assert asg.components[0].name == "Instance usage (Linux/UNIX, on-demand, p5.48xlarge)"
    assert asg.components[0].quantity == 4 * 720
    assert asg.workload == "llm"
    bucket = next(r for r in report.resources if r.type == "aws:s3/bucket:Bucket")
    assert bucket.components[0].quantity == 50_000  # the plan's object_tb, as usage


def test_no_source_previews_the_stack_plan(tmp_path: Path, fixture_catalog: Catalog) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "plan.lock.json").write_text(PLAN.read_text())
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n  cloudwright:plan: plan.lock.json\n  cloudwright:owner: team-a\n"
    )
    loaded = load_source(None, catalog=fixture_catalog, root=tmp_path)
    assert loaded.kind == "plan"
    tagged = [r for r in loaded.graph if tags_of(r.inputs).get("owner") == "team-a"]
    assert tagged, "the stack's config reaches the offline preview"
