"""TPU, Trainium and MI300X fleets end to end (issue 14): plan with the shipped catalog,
preview into the resources under Pulumi mocks (real inputs), `cost` prices them with nothing
unsupported, and the policies count and judge them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli
from _graph_checks import of_type, one
from _policy_graphs import of, run

from cloudwright.components.aws.cluster import NEURON_DLAMI_PARAMETER
from cloudwright.components.gcp.tpu import RUNTIME_VERSIONS
from cloudwright.components.tags import short_hash
from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.plan import Plan
from cloudwright.resource_graph.model import Graph
from cloudwright.resource_graph.offline import preview_plan

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

V2VM = "gcp:tpu/v2Vm:V2Vm"
QUEUED = "gcp:tpu/v2QueuedResource:V2QueuedResource"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
PROJECT = {"gcp:project": "proj-1"}

FLEETS = {
    "tpu": """
version: 1
name: tpu-team
owner: ml@acme.example
cost_center: CC-1
objective: cost
workloads:
  - name: jax-train
    kind: training
    gpu: {type: TPU-v5p, count: 8}
    hours_per_month: 200
    clouds: [gcp]
    interconnect: required
    storage: {object_tb: 2}
""",
    "trn": """
version: 1
name: trn-team
owner: ml@acme.example
cost_center: CC-1
objective: cost
workloads:
  - name: neuron-train
    kind: training
    gpu: {type: trn1, count: 16}
    nodes: 2
    hours_per_month: 200
    clouds: [aws]
    interconnect: required
""",
    "mi300x": """
version: 1
name: amd-team
owner: ml@acme.example
cost_center: CC-1
objective: cost
workloads:
  - name: rocm-train
    kind: training
    gpu: {type: MI300X, count: 8}
    nodes: 2
    hours_per_month: 100
    clouds: [azure]
    interconnect: required
""",
}


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("accel")
    out = {}
    for name, text in FLEETS.items():
        fleet = root / f"{name}.yaml"
        fleet.write_text(text)
        target = root / f"{name}-plan.json"
        done = run_cli("plan", str(fleet), "-o", str(target))
        assert done.returncode == 0, done.stderr
        out[name] = target
    return out


def _plan(path: Path) -> Plan:
    return Plan.model_validate(json.loads(path.read_text()))


def _preview(path: Path, catalog: Catalog, config: dict[str, Any] | None = None) -> Graph:
    return preview_plan(_plan(path), catalog=catalog, config={**PROJECT, **(config or {})})


def test_tpu_plan_picks_a_v5p_slice_of_8_chips(plans: dict[str, Path]) -> None:
    a = _plan(plans["tpu"]).assignments[0]
    assert (a.cloud, a.instance_type, a.gpu, a.gpu_count) == ("gcp", "v5p-16", "TPU-v5p", 8)
    assert a.interconnect == "ICI" and a.zone is not None and a.zone.startswith(a.region)


def test_tpu_preview_creates_a_tpu_vm_with_real_inputs(
    plans: dict[str, Path], shipped: Catalog
) -> None:
    a = _plan(plans["tpu"]).assignments[0]
    graph = _preview(plans["tpu"], shipped)
    vm = one(graph, V2VM).inputs
    assert vm["acceleratorType"] == "v5p-16"
    assert vm["zone"] == a.zone
    assert vm["runtimeVersion"] == RUNTIME_VERSIONS["v5p"] == "v2-alpha-tpuv5"
    subnet = one(graph, "gcp:compute/subnetwork:Subnetwork")
    network = one(graph, "gcp:compute/network:Network")
    assert vm["networkConfig"]["subnetwork"] == subnet.outputs["selfLink"]
    assert network.outputs["id"].endswith("/" + vm["networkConfig"]["network"])
    assert vm["networkConfig"]["enableExternalIps"] is False
    assert subnet.inputs["region"] == a.region
    account = one(graph, "gcp:serviceaccount/account:Account")
    assert vm["serviceAccount"]["email"] == account.outputs["email"]
    assert "schedulingConfig" not in vm  # on-demand
    assert vm["labels"]["workload"] == "jax-train"
    # The service account's only grant: objectUser on the workload's bucket.
    bucket = one(graph, "gcp:storage/bucket:Bucket")
    grant = one(graph, "gcp:storage/bucketIAMMember:BucketIAMMember").inputs
    assert grant["bucket"] == bucket.outputs["id"] == "jax-train-data-" + grant["bucket"][-7:]
    assert grant["role"] == "roles/storage.objectUser"
    assert grant["member"] == f"serviceAccount:{account.outputs['email']}"
    assert of_type(graph, "gcp:projects/iAMMember:IAMMember") == []
    assert of_type(graph, "gcp:compute/instance:Instance") == []


def test_tpu_spot_and_queued_capacity(plans: dict[str, Path], shipped: Catalog) -> None:
    spot = _preview(
        plans["tpu"], shipped, {"cloudwright:workloads": {"jax-train": {"market": "spot"}}}
    )
    assert one(spot, V2VM).inputs["schedulingConfig"] == {"spot": True}
    queued = _preview(
        plans["tpu"], shipped, {"cloudwright:workloads": {"jax-train": {"queued": True}}}
    )
    assert of_type(queued, V2VM) == []
    resource = one(queued, QUEUED).inputs
    zone = _plan(plans["tpu"]).assignments[0].zone
    assert resource["zone"] == zone
    spec = resource["tpu"]["nodeSpecs"][0]
    assert spec["parent"] == f"projects/proj-1/locations/{zone}"
    assert spec["node"]["acceleratorType"] == "v5p-16"
    assert spec["node"]["runtimeVersion"] == "v2-alpha-tpuv5"
    assert spec["node"]["networkConfig"]["enableExternalIps"] is False
    with pytest.raises(InputError, match="queued TPU capacity cannot be spot"):
        _preview(
            plans["tpu"],
            shipped,
            {"cloudwright:workloads": {"jax-train": {"queued": True, "market": "spot"}}},
        )
    with pytest.raises(InputError, match="queued: expected true or false"):
        _preview(plans["tpu"], shipped, {"cloudwright:workloads": {"jax-train": {"queued": 1}}})


def test_runtime_version_override(plans: dict[str, Path], shipped: Catalog) -> None:
    graph = _preview(
        plans["tpu"],
        shipped,
        {"cloudwright:workloads": {"jax-train": {"image": "tpu-ubuntu2204-base"}}},
    )
    assert one(graph, V2VM).inputs["runtimeVersion"] == "tpu-ubuntu2204-base"


def test_tpu_slice_refuses_a_non_tpu_type() -> None:
    from cloudwright.components.gcp.tpu import tpu_generation

    assert tpu_generation("v5litepod-16", "x") == "v5litepod"
    with pytest.raises(InputError, match="acceleratorType 'a3-highgpu-8g'"):
        tpu_generation("a3-highgpu-8g", "x")


def test_trainium_plan_and_preview(plans: dict[str, Path], shipped: Catalog) -> None:
    a = _plan(plans["trn"]).assignments[0]
    assert (a.instance_type, a.gpu, a.gpu_count, a.nodes) == ("trn1.32xlarge", "Trainium1", 16, 2)
    graph = _preview(plans["trn"], shipped)
    lt = one(graph, LT).inputs
    nics = lt["networkInterfaces"]
    assert len(nics) == 8
    assert [n["interfaceType"] for n in nics].count("efa") == 1
    assert sorted(n["networkCardIndex"] for n in nics) == list(range(8))
    assert lt["instanceType"] == "trn1.32xlarge"
    # The Neuron DLAMI, resolved from its SSM parameter (the mock answers per name and region).
    assert lt["imageId"] == f"ami-{short_hash(NEURON_DLAMI_PARAMETER + a.region, 17)}"
    pg = one(graph, "aws:ec2/placementGroup:PlacementGroup")
    assert pg.inputs["strategy"] == "cluster"
    asg = one(graph, "aws:autoscaling/group:Group").inputs
    assert asg["placementGroup"] == pg.outputs["id"] or asg["placementGroup"] == pg.outputs.get(
        "name"
    )
    assert asg["desiredCapacity"] == 2


def test_mi300x_scale_set(plans: dict[str, Path], shipped: Catalog) -> None:
    graph = _preview(plans["mi300x"], shipped)
    vmss = one(graph, "azure-native:compute:VirtualMachineScaleSet").inputs
    assert vmss["sku"]["name"] == "Standard_ND96isr_MI300X_v5"
    assert vmss["sku"]["capacity"] == 2
    assert vmss["singlePlacementGroup"] is True and vmss["overprovision"] is False
    image = vmss["virtualMachineProfile"]["storageProfile"]["imageReference"]
    assert image["sku"] == "2204-rocm"


@pytest.mark.parametrize("name", ["tpu", "trn", "mi300x"])
def test_cost_prices_every_accelerator_resource(plans: dict[str, Path], name: str) -> None:
    stack = plans[name].parent / "Pulumi.dev.yaml"
    stack.write_text("config:\n  gcp:project: proj-1\n")
    done = run_cli("cost", str(plans[name]), "-f", "json", "--stack-config", str(stack))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["unsupported_types"] == {}
    assert report["totals"]["unknown_components"] == 0
    plan = _plan(plans[name])
    compute = sum(a.cost.compute_usd for a in plan.assignments)
    lines = [
        c
        for r in report["resources"]
        for c in r["components"]
        if c["name"].startswith(("TPU slice usage", "Instance usage"))
    ]
    assert lines and sum(c["monthly_usd"] for c in lines) == pytest.approx(compute, rel=1e-6)
    assert all(c["energy_kwh_month"] > 0 for c in lines)


def test_tpu_cost_line_names_the_chips_and_the_estimate(plans: dict[str, Path]) -> None:
    stack = plans["tpu"].parent / "Pulumi.dev.yaml"
    stack.write_text("config:\n  gcp:project: proj-1\n")
    done = run_cli("cost", str(plans["tpu"]), "-f", "json", "--stack-config", str(stack))
    report = json.loads(done.stdout)
    line = next(
        c
        for r in report["resources"]
        for c in r["components"]
        if c["name"].startswith("TPU slice usage")
    )
    assert line["name"] == "TPU slice usage (on-demand, v5p-16)"
    assert "8 TPU-v5p chips" in line["note"] and "estimate" in line["note"]


def test_policies_count_tpu_chips_and_neuron_devices(
    plans: dict[str, Path], shipped: Catalog
) -> None:
    tpu = _preview(plans["tpu"], shipped)
    limited = run(tpu, shipped, {"max-gpus": {"maxGpusByModel": {"TPU-v5p": 4}}})
    messages = [v.message for v in of(limited, "max-gpus")]
    assert len(messages) == 1 and "8 × TPU-v5p" in messages[0], messages
    assert of(run(tpu, shipped, {"max-gpus": {"maxGpus": 8}}), "max-gpus") == []
    trn = _preview(plans["trn"], shipped)
    messages = [v.message for v in of(run(trn, shipped, {"max-gpus": {"maxGpus": 16}}), "max-gpus")]
    assert len(messages) == 1 and "Trainium1" in messages[0] and "32" in messages[0], messages
    # The planned trn1 cluster has its placement group and all 8 EFA interfaces.
    assert of(run(trn, shipped, {}), "gpu-fabric") == []


def test_fabric_rule_knows_ici(plans: dict[str, Path], shipped: Catalog) -> None:
    tpu = _preview(plans["tpu"], shipped)
    required = {"gpu-fabric": {"fabricRequiredWorkloads": ["jax-*"]}}
    assert of(run(tpu, shipped, required), "gpu-fabric") == []  # one multi-chip slice
    two = _preview(plans["tpu"], shipped, {})
    vm = one(two, V2VM)
    for resource in two.resources:
        if resource.urn == vm.urn:
            resource.inputs["acceleratorType"] = "v6e-1"  # one chip: no ICI
    messages = [v.message for v in of(run(two, shipped, required), "gpu-fabric")]
    assert len(messages) == 1 and "1-chip slice has no ICI" in messages[0], messages


def test_provider_schema_lists_the_tpu_component() -> None:
    from cloudwright.components.provider import CloudwrightProvider, component_types

    schema = json.loads(CloudwrightProvider(component_types()).schema or "{}")
    tpu = schema["resources"]["cloudwright:gcp:TpuSlice"]
    assert tpu["isComponent"] is True
    props = tpu["inputProperties"]
    assert {"acceleratorType", "zone", "network", "subnetwork", "queued"} <= set(props)
