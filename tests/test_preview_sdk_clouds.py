"""Offline preview speed-ups that must not leak: only the provider SDKs of the plan's clouds
are imported (`sdkload.load_only_what_is_used(clouds)`; examples/plan.json is AWS and GCP, so
Azure's SDK stays out: checked in a fresh interpreter, the test process has imported every SDK
already), and the SDK's stack walk is skipped only while the preview runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import sys
from cloudwright.optimizer.catalog import Catalog
from cloudwright.resource_graph.load import load_source
graph = load_source("examples/plan.json", catalog=Catalog.load()).graph
loaded = sorted(p for p in ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native") if p in sys.modules)
print(loaded, len(graph.resources))
"""


def test_preview_of_an_aws_and_gcp_plan_leaves_azure_sdk_unimported() -> None:
    clouds = {
        a["cloud"] for a in json.loads((ROOT / "examples/plan.json").read_text())["assignments"]
    }
    assert clouds == {"aws", "gcp"}, "the example plan changed: pick a plan without Azure"
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded, resources = out.stdout.strip().rsplit(" ", 1)
    assert loaded == "['pulumi_aws', 'pulumi_gcp']"
    assert int(resources) > 50  # the preview really ran


def test_preview_restores_the_sdk_stack_walk() -> None:
    """The preview skips the SDK's per-resource stack walk only while it runs."""
    from pulumi.runtime import resource as pulumi_resource

    from cloudwright.resource_graph.offline import run_mocked

    original = pulumi_resource._get_stack_trace
    seen: list[object] = []
    run_mocked(lambda: seen.append(pulumi_resource._get_stack_trace), project="p", stack="s")
    assert seen and seen[0] is not original
    assert pulumi_resource._get_stack_trace is original
