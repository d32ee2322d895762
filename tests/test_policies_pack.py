"""The pack under the engine's own protocol: importing it starts nothing; run the way Pulumi
runs a Python policy pack (`python -m pulumi.policy <engine> policies/`), it serves the
Analyzer gRPC API, and Analyze / AnalyzeStack report the same violations as the offline
runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from _policy_graphs import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "policies"
EXPECTED = {
    "monthly-budget",
    "carbon-budget",
    "allowed-regions",
    "storage-encryption",
    "no-public-storage",
    "no-open-admin-ports",
    "private-cluster-endpoint",
    "required-tags",
    "gpu-fabric",
    "instance-allow-list",
    "spot-only-in-dev",
    "max-gpus",
}


def test_importing_the_pack_and_its_rules_starts_nothing() -> None:
    # In a child process with a deadline: a PolicyPack built on import would serve forever.
    code = (
        "import policies, policies.rules, policies.offline, policies.__main__ as m; "
        "print(len(m.pack_arguments()['policies']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len(EXPECTED))


def test_pack_arguments_are_valid_for_policypack() -> None:
    from pulumi_policy import EnforcementLevel, PolicyConfigSchema

    import cloudwright.policies.__main__ as main

    arguments = main.pack_arguments()
    assert arguments["name"] == "cloudwright"
    assert {p.name for p in arguments["policies"]} == EXPECTED
    for policy in arguments["policies"]:
        assert isinstance(policy.config_schema, PolicyConfigSchema), policy.name
        assert isinstance(policy.enforcement_level, EnforcementLevel), policy.name
        assert policy.description and policy.remediation_steps


def test_pulumipolicy_yaml_names_the_python_runtime_and_the_packs_own_venv() -> None:
    # The pack is self-contained (pulumi policy publish ships the folder): its own .venv,
    # filled from its requirements.txt (tests/test_pulumi_project.py checks those).
    data = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text("utf-8"))
    assert data["runtime"]["name"] == "python"
    venv = (PACK / data["runtime"]["options"]["virtualenv"]).resolve()
    assert venv.is_relative_to(PACK.resolve())
    assert data["description"] and data["version"]


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The pack served over gRPC, as `pulumi preview --policy-pack policies/` starts it."""
    import grpc
    from pulumi.runtime.proto import analyzer_pb2_grpc

    env = dict(os.environ)
    env.update(
        PULUMI_PROJECT="cloudwright",
        PULUMI_STACK="prod",
        PULUMI_DRY_RUN="true",
        CLOUDWRIGHT_CATALOG=str(ROOT / "tests" / "fixtures" / "catalog"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi.policy", "127.0.0.1:1", str(PACK)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path_factory.mktemp("pack"),
    )
    port: list[str] = []
    reader = threading.Thread(target=lambda: port.append(process.stdout.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=120)
    try:
        assert port and port[0].strip().isdigit(), (
            process.stderr.read() if process.poll() else "no port"
        )
        channel = grpc.insecure_channel(f"127.0.0.1:{port[0].strip()}")
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.kill()
        process.wait(timeout=30)


def _struct(value: dict[str, Any]) -> Any:
    from google.protobuf import struct_pb2

    message = struct_pb2.Struct()
    message.update(json.loads(json.dumps(value)))
    return message


def test_analyzer_info_lists_every_policy_with_its_schema(analyzer: Any) -> None:
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import analyzer_pb2

    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "cloudwright"
    by_name = {p.name: p for p in info.policies}
    assert set(by_name) == EXPECTED
    assert by_name["gpu-fabric"].policy_type == analyzer_pb2.POLICY_TYPE_STACK
    assert by_name["no-open-admin-ports"].enforcementLevel == analyzer_pb2.MANDATORY
    assert by_name["required-tags"].enforcementLevel == analyzer_pb2.ADVISORY
    assert "regions" in by_name["allowed-regions"].configSchema.properties


def test_analyze_reports_resource_violations_with_the_configured_levels(analyzer: Any) -> None:
    from pulumi.runtime.proto import analyzer_pb2

    config = analyzer_pb2.PolicyConfig(
        enforcementLevel=analyzer_pb2.MANDATORY, properties=_struct({"regions": ["eu-*"]})
    )
    analyzer.Configure(
        analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={"allowed-regions": config})
    )
    urn = (
        "urn:pulumi:prod::cloudwright::aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::pab"
    )
    request = analyzer_pb2.AnalyzeRequest(
        type="aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        properties=_struct({"bucket": "b", "blockPublicAcls": True}),
        urn=urn,
        name="pab",
        provider=analyzer_pb2.AnalyzerProviderResource(
            type="pulumi:providers:aws",
            properties=_struct({"region": "us-east-1"}),
            urn="urn:pulumi:prod::cloudwright::pulumi:providers:aws::default",
            name="default",
        ),
    )
    diagnostics = {d.policyName: d for d in analyzer.Analyze(request).diagnostics}
    assert set(diagnostics) == {"no-public-storage", "allowed-regions"}
    # A resource policy's diagnostic leaves the URN empty: the engine attributes it to the
    # resource it asked about (the offline runner fills in that URN the same way).
    assert diagnostics["allowed-regions"].urn in ("", urn)
    assert (
        "'us-east-1' is not in the allowed regions (eu-*)" in diagnostics["allowed-regions"].message
    )
    assert "blockPublicPolicy" in diagnostics["no-public-storage"].message
    assert diagnostics["no-public-storage"].enforcementLevel == analyzer_pb2.MANDATORY


def _analyzer_resources(name: str) -> list[Any]:
    from pulumi.runtime.proto import analyzer_pb2

    data = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    resources = {r["urn"]: r for r in data["resources"]}
    out = []
    for r in data["resources"]:
        provider = resources.get(r.get("provider") or "")
        out.append(
            analyzer_pb2.AnalyzerResource(
                type=r["type"],
                properties=_struct(r["inputs"]),
                urn=r["urn"],
                name=r["name"],
                parent=r.get("parent") or "",
                provider=analyzer_pb2.AnalyzerProviderResource(
                    type=provider["type"],
                    properties=_struct(provider["inputs"]),
                    urn=provider["urn"],
                    name=provider["name"],
                )
                if provider
                else None,
            )
        )
    return out


def test_analyze_stack_matches_the_offline_runner(analyzer: Any, fixture_catalog: Any) -> None:
    from _policy_graphs import load, run
    from pulumi.runtime.proto import analyzer_pb2

    analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={}))
    response = analyzer.AnalyzeStack(
        analyzer_pb2.AnalyzeStackRequest(resources=_analyzer_resources("aws_insecure"))
    )
    served = sorted((d.policyName, d.urn) for d in response.diagnostics)
    offline = run(load("aws_insecure"), fixture_catalog)
    stack_policies = ("gpu-fabric", "max-gpus", "no-open-admin-ports")
    expected = sorted((v.policy, v.urn) for v in offline.violations if v.policy in stack_policies)
    assert served == expected and len(served) == 5
    assert {d.policyName for d in response.diagnostics} == {"gpu-fabric", "no-open-admin-ports"}
