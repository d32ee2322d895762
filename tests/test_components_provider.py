"""The components as a multi-language component provider, without the Pulumi CLI: the schema
the SDK's analyzer infers (through `CloudwrightProvider`), and GetSchema over gRPC from the
provider process `PulumiPlugin.yaml` starts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from cloudwright.components.provider import CloudwrightProvider, component_types

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parent.parent
TOKENS = {
    f"cloudwright:{cloud}:{kind}"
    for cloud in ("aws", "gcp", "azure")
    for kind in (
        "ClusterNetwork",
        "ClusterStorage",
        "GpuCluster",
        "KubernetesCluster",
        "GpuNodePool",
    )
} | {"cloudwright:gcp:TpuSlice"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    provider = CloudwrightProvider(component_types())
    return dict(json.loads(provider.schema or "{}"))


def test_schema_lists_every_component_under_its_existing_token(schema: dict[str, Any]) -> None:
    assert schema["name"] == "cloudwright"
    assert set(schema["resources"]) == TOKENS
    assert all(spec["isComponent"] for spec in schema["resources"].values())


def test_inputs_are_typed_plain_only_where_they_shape_the_resources(schema: dict[str, Any]) -> None:
    cluster = schema["resources"]["cloudwright:aws:GpuCluster"]
    props = cluster["inputProperties"]
    assert props["subnetId"] == {**props["subnetId"], "type": "string"}
    assert "plain" not in props["subnetId"]  # an Output of another stack or resource is fine
    assert props["nodes"]["type"] == "integer" and props["nodes"]["plain"] is True
    assert props["tags"]["additionalProperties"]["type"] == "string"
    assert props["market"]["$ref"] == "#/types/cloudwright:index:Market"
    assert props["fabric"]["$ref"] == "#/types/cloudwright:index:FabricArgs"
    assert set(cluster["requiredInputs"]) == {
        "cluster",
        "region",
        "instanceType",
        "nodes",
        "subnetId",
        "securityGroupId",
    }
    market = schema["types"]["cloudwright:index:Market"]
    assert {v["value"] for v in market["enum"]} >= {"on_demand", "spot", "capacity_block"}
    gcp = schema["resources"]["cloudwright:gcp:GpuCluster"]["inputProperties"]
    assert gcp["subnetworks"]["type"] == "array" and "plain" not in gcp["subnetworks"]


def test_outputs_are_typed(schema: dict[str, Any]) -> None:
    for token in TOKENS:
        spec = schema["resources"][token]
        assert spec["properties"], token
        assert all("type" in p or "$ref" in p for p in spec["properties"].values()), token
    storage = schema["resources"]["cloudwright:aws:ClusterStorage"]
    assert storage["properties"]["fileSystemDnsName"]["type"] == "string"
    assert "fileSystem" in storage["required"] and "bucket" not in storage["required"]
    network = schema["resources"]["cloudwright:gcp:ClusterNetwork"]["properties"]
    assert network["subnetworks"] == {**network["subnetworks"], "type": "array"}
    for kind in ("GpuCluster",):
        for cloud in ("aws", "gcp", "azure"):
            props = schema["resources"][f"cloudwright:{cloud}:{kind}"]["properties"]
            assert {"nodeGroup", "identity"} <= set(props)


def test_construct_refuses_a_token_it_does_not_serve() -> None:
    provider = CloudwrightProvider(component_types(["aws"]))
    with pytest.raises(ValueError, match="cloudwright:aws:GpuCluster"):
        provider.construct("x", "cloudwright:index:AwsGpuCluster", {})


def test_plugin_manifest_runs_the_provider_entry_point() -> None:
    manifest = yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    assert manifest["runtime"]["options"]["toolchain"] == "pip"
    main = ROOT / manifest["main"] / "__main__.py"
    assert "serve()" in main.read_text()


@pytest.mark.slow
def test_provider_process_answers_get_schema_over_grpc() -> None:
    import grpc
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    # The engine address is only used by Construct; GetSchema never calls it.
    process = subprocess.Popen(
        [sys.executable, "-m", "cloudwright.components", "127.0.0.1:1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()  # the SDK's host prints its port first
        assert port.isdigit(), process.stderr.read() if process.stderr else port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            reply = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=30)
        served = json.loads(reply.schema)
        assert set(served["resources"]) == TOKENS
        assert (
            served["resources"]["cloudwright:aws:GpuCluster"]["inputProperties"]["nodes"]["type"]
            == "integer"
        )
    finally:
        process.kill()
        process.wait(timeout=30)
