"""The offline runner end to end: an insecure stack fails with every violation named by policy
and URN; secure stacks — hand-written fixtures and real offline previews of plans (the
components' own inputs) — pass; the example fleet passes under examples/policy-config.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _plans import assignment, plan
from _policy_graphs import load, of

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.plan import Storage
from cloudwright.policies.config import load_policy_config
from cloudwright.policies.offline import run_policies
from cloudwright.policies.rules import build_policies
from cloudwright.resource_graph.offline import preview_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = ROOT / "examples" / "policy-config.json"
STACK_URN = "urn:pulumi:prod::cloudwright::pulumi:pulumi:Stack::cloudwright-prod"


def _urn(name: str, chain: str) -> str:
    return f"urn:pulumi:prod::cloudwright::{chain}::{name}"


def test_insecure_stack_fails_with_each_violation_named(fixture_catalog: Catalog) -> None:
    config = {
        "allowed-regions": {"regions": ["us-*", "eu-*"]},
        "monthly-budget": {"monthlyUsd": 10000},
    }
    result = run_policies(load("aws_insecure"), fixture_catalog, config)  # real cost engine
    assert not result.passed
    found = {(v.policy, v.urn) for v in result.violations}
    storage = "cloudwright:aws:Storage$"
    network = "cloudwright:aws:Network$"
    cluster = "cloudwright:aws:GpuCluster$"
    expected = {
        # public bucket and a half-off public access block
        ("no-public-storage", _urn("data-bucket", f"{storage}aws:s3/bucket:Bucket")),
        (
            "no-public-storage",
            _urn("data-pab", f"{storage}aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"),
        ),
        # SSH open to the world (inline ingress), RDP in a port range, everything over IPv6
        ("no-open-admin-ports", _urn("nodes-sg", f"{network}aws:ec2/securityGroup:SecurityGroup")),
        (
            "no-open-admin-ports",
            _urn(
                "rdp-range", f"{network}aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
            ),
        ),
        (
            "no-open-admin-ports",
            _urn("all-v6", f"{network}aws:ec2/securityGroupRule:SecurityGroupRule"),
        ),
        # untagged
        ("required-tags", _urn("ckpt", f"{storage}aws:ebs/volume:Volume")),
        # over budget (stack-level, the stack's URN)
        ("monthly-budget", STACK_URN),
        # a bucket outside the allowed regions
        ("allowed-regions", _urn("data-bucket", f"{storage}aws:s3/bucket:Bucket")),
        # a 4-node p5 cluster without placement group or EFA
        ("gpu-fabric", _urn("train-asg", f"{cluster}aws:autoscaling/group:Group")),
        # unencrypted volume and block device, a bogus SSE algorithm
        ("storage-encryption", _urn("ckpt", f"{storage}aws:ebs/volume:Volume")),
    }
    assert expected <= found, expected - found
    by_policy = {v.policy: v for v in result.violations}
    assert "ap-southeast-1" in by_policy["allowed-regions"].message
    assert "/month exceeds the budget of $10,000/month" in by_policy["monthly-budget"].message
    assert {v.level for v in result.mandatory} == {"mandatory"}
    assert {v.policy for v in result.advisory} == {"required-tags", "spot-only-in-dev"}


@pytest.mark.parametrize("fixture", ["gcp_insecure", "azure_insecure"])
def test_insecure_fixtures_on_other_clouds_fail(fixture_catalog: Catalog, fixture: str) -> None:
    config = {"allowed-regions": {"regions": ["us-*", "eu-*", "europe-*", "eastus"]}}
    result = run_policies(load(fixture), fixture_catalog, config)
    policies = {v.policy for v in result.mandatory}
    assert {"no-public-storage", "no-open-admin-ports", "allowed-regions", "gpu-fabric"} <= policies
    assert {v.policy for v in result.advisory} >= {"required-tags", "spot-only-in-dev"}


@pytest.mark.parametrize("fixture", ["aws_secure", "gcp_secure", "azure_secure"])
def test_secure_fixtures_pass_every_policy(fixture_catalog: Catalog, fixture: str) -> None:
    config = {
        "allowed-regions": {"regions": ["us-*", "eastus"], "deny": ["*gov*"]},
        "monthly-budget": {"monthlyUsd": 400000, "unpriced": "pass-with-note"},
        "carbon-budget": {"kgCo2ePerMonth": 10000, "unpriced": "pass-with-note"},
        "max-gpus": {"maxGpus": 32},
        "instance-allow-list": {"allowed": ["p5.*", "a3-*", "Standard_ND*"]},
        "required-tags": "mandatory",
    }
    result = run_policies(load(fixture), fixture_catalog, config)
    assert result.violations == []
    # Only the budgets' notes: the azure fixture's Managed Lustre has no catalog price.
    assert all(n.policy in ("monthly-budget", "carbon-budget") for n in result.unchecked)
    assert all("lustre" in n.reason for n in result.unchecked)
    assert result.passed


def _three_cloud_plan() -> Any:
    return plan(
        assignment(
            "llm-pretrain",
            "aws",
            "us-east-1",
            "p5.48xlarge",
            nodes=4,
            interconnect="EFA",
            storage=Storage(object_tb=50, parallel_fs_tb=12),
        ),
        assignment(
            "gcp-train",
            "gcp",
            "us-central1",
            "a3-megagpu-8g",
            nodes=4,
            zone="us-central1-a",
            interconnect="GPUDirect-TCPXO",
            storage=Storage(object_tb=5),
        ),
        assignment(
            "azure-train",
            "azure",
            "eastus",
            "Standard_ND96isr_H100_v5",
            nodes=4,
            interconnect="InfiniBand",
            storage=Storage(object_tb=5),
        ),
        assignment(
            "chat",
            "gcp",
            "us-central1",
            "g2-standard-4",
            nodes=6,
            gpu="L4",
            gpu_count=1,
            kind="inference",
            zone="us-central1-a",
        ),
        assignment(
            "embed",
            "aws",
            "us-east-1",
            "g6.xlarge",
            nodes=8,
            gpu="L4",
            gpu_count=1,
            kind="batch",
            pricing="spot",
        ),
    )


def test_offline_preview_of_a_plan_passes_with_secure_defaults(fixture_catalog: Catalog) -> None:
    """The components' real inputs, through the offline preview: nothing to fix."""
    graph = preview_plan(_three_cloud_plan(), catalog=fixture_catalog, stack="dev")
    config = {
        "allowed-regions": {"regions": ["us-*", "eastus"]},
        "required-tags": "mandatory",
        "spot-only-in-dev": "mandatory",
        "gpu-fabric": {"fabricRequiredWorkloads": ["*-train", "llm-*"]},
    }
    result = run_policies(graph, fixture_catalog, config)
    assert result.violations == [], [(v.policy, v.urn, v.message) for v in result.violations]
    types = {r.type for r in graph.resources}
    # the rules saw the real thing: clusters on all three clouds, storage, firewalls
    assert {"aws:autoscaling/group:Group", "gcp:compute/firewall:Firewall"} <= types
    assert any(t.startswith("azure-native:compute:VirtualMachineScaleSet") for t in types)


def test_offline_preview_in_prod_flags_spot(fixture_catalog: Catalog) -> None:
    graph = preview_plan(_three_cloud_plan(), catalog=fixture_catalog, stack="prod")
    result = run_policies(graph, fixture_catalog, {})
    spot = of(result, "spot-only-in-dev")
    assert spot and all("embed" in v.urn for v in spot)


def test_example_fleet_passes_under_the_example_policy_config() -> None:
    """What `make demo` runs: plan the example fleet, preview it offline, check it."""
    from cloudwright.optimizer.fleet import load_fleet
    from cloudwright.optimizer.planner import plan as make_plan

    catalog = Catalog.load()  # the shipped snapshot, as the demo uses
    fleet = load_fleet(ROOT / "examples" / "fleet.yaml")
    graph = preview_plan(make_plan(fleet, catalog), catalog=catalog, stack="dev")
    config = load_policy_config(EXAMPLE_CONFIG, build_policies())
    result = run_policies(graph, catalog, config)
    assert result.passed, [(v.policy, v.urn, v.message) for v in result.mandatory]
    assert result.violations == []
    budget = next(p for p in result.policies if p.name == "monthly-budget")
    assert budget.config["monthlyUsd"] == 750000


def test_strict_example_config_shows_every_kind_of_violation(fixture_catalog: Catalog) -> None:
    config = load_policy_config(ROOT / "examples" / "policy-config-us-eu.yaml", build_policies())
    result = run_policies(load("aws_insecure"), fixture_catalog, config)
    assert {v.policy for v in result.mandatory} == {
        "allowed-regions",
        "gpu-fabric",
        "monthly-budget",
        "no-open-admin-ports",
        "no-public-storage",
        "storage-encryption",
    }
    assert {v.policy for v in result.advisory} == {"required-tags", "spot-only-in-dev"}
