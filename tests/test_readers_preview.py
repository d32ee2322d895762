"""`pulumi preview --json` reader: every step op, replacements, unknowns and secrets, regions."""

from __future__ import annotations

from typing import Any

import pytest

from cloudwright.core.errors import InputError
from cloudwright.resource_graph.model import COMPUTED, PULUMI_UNKNOWN, SECRET
from cloudwright.resource_graph.preview_json import KNOWN_OPS, read_preview

STACK = "urn:pulumi:dev::fleet::"
AWS_PROVIDER = f"{STACK}pulumi:providers:aws::default_7_0_0"


def urn(type_token: str, name: str) -> str:
    return f"{STACK}{type_token}::{name}"


def state(type_token: str, name: str, inputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "urn": urn(type_token, name),
        "type": type_token,
        "custom": True,
        "inputs": {"__defaults": [], **inputs},
        "provider": f"{AWS_PROVIDER}::{PULUMI_UNKNOWN}",
        **extra,
    }


def step(op: str, new: dict[str, Any] | None = None, old: dict[str, Any] | None = None) -> dict:
    target = new or old
    assert target is not None
    out: dict[str, Any] = {"op": op, "urn": target["urn"], "provider": target.get("provider")}
    if new is not None:
        out["newState"] = new
    if old is not None:
        out["oldState"] = old
    return out


INSTANCE = "aws:ec2/instance:Instance"
VOLUME = "aws:ebs/volume:Volume"


def preview(*steps: dict, config: dict | None = None, summary: dict | None = None) -> dict:
    doc: dict[str, Any] = {"steps": list(steps), "config": config or {"aws:region": "us-east-1"}}
    if summary is not None:
        doc["changeSummary"] = summary
    return doc


def test_create_same_update_delete_keep_after_state_and_before() -> None:
    old = state(INSTANCE, "web", {"instanceType": "m5.large"})
    new = state(INSTANCE, "web", {"instanceType": "g6.xlarge"})
    gone = state(VOLUME, "scratch", {"size": 100, "availabilityZone": "us-east-1b"})
    kept = state(VOLUME, "data", {"size": 50})
    made = state(VOLUME, "logs", {"size": 10})
    graph = read_preview(
        preview(
            step("update", new, old),
            step("delete", old=gone),
            step("same", kept, kept),
            step("create", made),
        )
    )
    by_name = {r.name: r for r in graph}
    assert by_name["web"].op == "update"
    assert by_name["web"].inputs["instanceType"] == "g6.xlarge"
    assert by_name["web"].old_inputs == {"instanceType": "m5.large"}
    assert by_name["scratch"].op == "delete"
    assert by_name["scratch"].inputs["size"] == 100  # its last state, to price the saving
    assert by_name["scratch"].zone == "us-east-1b"
    assert by_name["data"].op == "same"
    assert by_name["logs"].op == "create" and by_name["logs"].old_inputs is None
    assert graph.source == "preview-json" and graph.stack == "dev" and graph.project == "fleet"


def test_replacement_steps_merge_into_one_resource() -> None:
    old = state(INSTANCE, "trainer", {"instanceType": "p4d.24xlarge"})
    new = state(INSTANCE, "trainer", {"instanceType": "p5.48xlarge"})
    graph = read_preview(
        preview(
            step("create-replacement", new, old),
            step("replace", new, old),
            step("delete-replaced", old=old),
        )
    )
    assert len(graph) == 1
    (trainer,) = graph.resources
    assert trainer.op == "replace"
    assert trainer.inputs["instanceType"] == "p5.48xlarge"
    assert trainer.old_inputs == {"instanceType": "p4d.24xlarge"}


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("read", "read"),
        ("read-replacement", "read"),
        ("import", "import"),
        ("import-replacement", "import"),
        ("refresh", "refresh"),
        ("discard", "discard"),
        ("discard-replaced", "discard"),
        ("remove-pending-replace", "delete"),
    ],
)
def test_every_other_op_is_handled(op: str, expected: str) -> None:
    s = state(VOLUME, "v", {"size": 1})
    gone = op in ("discard", "discard-replaced", "remove-pending-replace")
    graph = read_preview(preview(step(op, None if gone else s, s)))
    assert graph.resources[0].op == expected


def test_all_engine_ops_are_known() -> None:
    from pulumi.automation.events import OpType

    assert {o.value for o in OpType} == set(KNOWN_OPS)


def test_unknown_op_is_an_input_error() -> None:
    s = state(VOLUME, "v", {"size": 1})
    with pytest.raises(InputError, match=r"steps\[0\].*unknown step op 'teleport'"):
        read_preview(preview(step("teleport", s)))


def test_unknown_sentinel_and_secrets_become_unknowns() -> None:
    s = state(
        INSTANCE,
        "gpu",
        {
            "instanceType": "[secret]",
            "subnetId": PULUMI_UNKNOWN,
            "userData": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"},
        },
    )
    graph = read_preview(preview(step("create", s)))
    inputs = graph.resources[0].inputs
    assert inputs["instanceType"] == SECRET
    assert inputs["subnetId"] == COMPUTED
    assert inputs["userData"] == SECRET
    assert "__defaults" not in inputs


def test_region_from_config_when_default_provider_is_not_in_the_steps() -> None:
    s = state(INSTANCE, "a", {"instanceType": "m5.large"})
    graph = read_preview(preview(step("create", s), config={"aws:region": "eu-central-1"}))
    assert graph.resources[0].region == "eu-central-1"
    assert graph.resources[0].provider == AWS_PROVIDER


def test_explicit_provider_region_beats_config() -> None:
    provider_urn = f"{STACK}pulumi:providers:aws::frankfurt"
    provider = {
        "urn": provider_urn,
        "type": "pulumi:providers:aws",
        "custom": True,
        "inputs": {"region": "eu-central-1"},
    }
    s = state(INSTANCE, "a", {"instanceType": "m5.large"}, provider=f"{provider_urn}::abc")
    graph = read_preview(preview(step("create", provider), step("create", s)))
    assert {r.name: r.region for r in graph}["a"] == "eu-central-1"


def test_missing_sames_are_noted() -> None:
    s = state(VOLUME, "v", {"size": 1})
    graph = read_preview(preview(step("create", s), summary={"create": 1, "same": 12}))
    assert graph.notes and "12 unchanged" in graph.notes[0]
    full = read_preview(preview(step("same", s, s), summary={"same": 1}))
    assert full.notes == []


def test_workload_tag_and_property_dependencies_are_kept() -> None:
    s = state(
        "aws:autoscaling/group:Group",
        "asg",
        {"tags": [{"key": "workload", "value": "llm", "propagateAtLaunch": True}]},
        propertyDependencies={
            "launchTemplate": [urn("aws:ec2/launchTemplate:LaunchTemplate", "lt")]
        },
    )
    (asg,) = read_preview(preview(step("create", s))).resources
    assert asg.workload == "llm"
    assert asg.property_dependencies["launchTemplate"][0].endswith("::lt")
