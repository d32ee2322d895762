"""Policy configuration files: Pulumi's shape, levels, and errors that name the file, line,
policy and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _policy_graphs import load, of, run
from pulumi_policy import EnforcementLevel

from cloudwright.core.errors import InputError, UnknownNameError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.policies.config import load_policy_config, parse_policy_config
from cloudwright.policies.rules import build_policies

POLICIES = build_policies()


def _write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_levels_resolve_like_pulumi() -> None:
    config = parse_policy_config(
        {
            "all": "advisory",
            "gpu-fabric": {"enforcementLevel": "mandatory"},
            "max-gpus": "disabled",
        },
        POLICIES,
    )
    by_name = {p.name: p for p in POLICIES}
    assert config.level_for(by_name["gpu-fabric"]) is EnforcementLevel.MANDATORY
    assert config.level_for(by_name["max-gpus"]) is EnforcementLevel.DISABLED
    assert config.level_for(by_name["no-open-admin-ports"]) is EnforcementLevel.ADVISORY  # all
    default = parse_policy_config({}, POLICIES)
    assert default.level_for(by_name["no-open-admin-ports"]) is EnforcementLevel.MANDATORY
    assert default.level_for(by_name["required-tags"]) is EnforcementLevel.ADVISORY


def test_yaml_and_json_files_load(tmp_path: Path) -> None:
    yaml_file = _write(tmp_path, "monthly-budget:\n  monthlyUsd: 400000\nall: mandatory\n")
    json_file = _write(tmp_path, '{"monthly-budget": {"monthlyUsd": 400000}}', "policy.json")
    for path in (yaml_file, json_file):
        config = load_policy_config(path, POLICIES)
        assert config.properties_for("monthly-budget") == {"monthlyUsd": 400000}


@pytest.mark.parametrize(
    ("text", "location", "message", "hint"),
    [
        ("gpu-fabirc:\n  minNodes: 2\n", ":1", "unknown policy 'gpu-fabirc'", "gpu-fabric"),
        (
            "monthly-budget:\n  monthlyUSD: 100\n",
            ":2",
            "monthly-budget.monthlyUSD: unknown setting (valid settings: monthlyUsd, "
            "unknownValues, unpriced)",
            "monthlyUsd",
        ),
        (
            "monthly-budget:\n  monthlyUsd: lots\n",
            ":2",
            "monthly-budget.monthlyUsd: expected number, got string 'lots'",
            None,
        ),
        (
            "allowed-regions:\n  regions:\n    - eu-*\n    - 7\n",
            ":4",
            "allowed-regions.regions[1]: expected string, got number 7",
            None,
        ),
        (
            "max-gpus:\n  maxGpus: -1\n",
            ":2",
            "max-gpus.maxGpus: -1 is below the minimum 0",
            None,
        ),
        (
            "max-gpus:\n  basis: maximum\n",
            ":2",
            "max-gpus.basis: 'maximum' is not one of 'desired', 'max'",
            "max",
        ),
        (
            "gpu-fabric:\n  enforcementLevel: mandetory\n",
            ":2",
            "unknown enforcement level 'mandetory' in gpu-fabric.enforcementLevel",
            "mandatory",
        ),
        ("gpu-fabric: 3\n", ":1", "gpu-fabric: expected an enforcement level or an object", None),
        ("- a\n- b\n", "", "an object keyed by policy name", None),
        ("a: [\n", ":2", "not valid YAML/JSON", None),
    ],
)
def test_errors_name_file_line_policy_and_field(
    tmp_path: Path, text: str, location: str, message: str, hint: str | None
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_policy_config(path, POLICIES)
    error = caught.value
    assert error.location is not None and error.location == f"{path}{location}"
    assert message in error.message
    if hint is not None:
        assert error.hint is not None and hint in error.hint


def test_unknown_policy_suggests_the_closest_name(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError) as caught:
        load_policy_config(_write(tmp_path, "no-open-admin-port: mandatory\n"), POLICIES)
    assert caught.value.suggestions[0] == "no-open-admin-ports"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_policy_config(tmp_path / "nope.yaml", POLICIES)


def test_disabled_policies_do_not_run_and_remediate_counts_as_mandatory(
    fixture_catalog: Catalog,
) -> None:
    graph = load("aws_insecure")
    config: dict[str, Any] = {"no-open-admin-ports": "disabled", "required-tags": "remediate"}
    result = run(graph, fixture_catalog, config)
    assert of(result, "no-open-admin-ports") == []
    tags = of(result, "required-tags")
    assert tags and all(v.level == "mandatory" for v in tags)
    info = {p.name: p for p in result.policies}
    assert info["no-open-admin-ports"].level == "disabled"
    assert info["required-tags"].default_level == "advisory"


def test_effective_config_reports_defaults() -> None:
    config = parse_policy_config({"no-open-admin-ports": {"ports": [22]}}, POLICIES)
    by_name = {p.name: p for p in POLICIES}
    assert config.effective(by_name["no-open-admin-ports"]) == {
        "ports": [22],
        "unknownValues": "worst-case",
    }
    assert config.effective(by_name["required-tags"])["tags"] == [
        "owner",
        "cost-center",
        "workload",
    ]


def test_example_policy_config_is_valid() -> None:
    root = Path(__file__).resolve().parent.parent
    config = load_policy_config(root / "examples" / "policy-config.json", POLICIES)
    residency = config.properties_for("allowed-regions")
    assert residency["deny"] and residency["workloads"]["eu-analytics"]["countries"]
    assert config.properties_for("monthly-budget")["monthlyUsd"] > 0
