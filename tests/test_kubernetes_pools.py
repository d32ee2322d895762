"""platform: kubernetes — GPU node pools on EKS, GKE and AKS.

Under Pulumi's mocks (the offline preview runs the real stack program) the resources carry the
fabric guarantees: EFA interfaces, cluster placement, one subnet and the GPU AMI type on EKS;
COMPACT placement, GPUDirect additional node networks and accelerators on GKE; the IB SKU with
autoscaling off on AKS; private API endpoints everywhere. Then the fleet → plan (cluster fee
shares) → preview → cost → check path, and `check` catching pools without a fabric and a
public endpoint.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from _cli import run_cli
from _graph_checks import one, orphans, untagged, world_admin_ingress
from _plans import a3_mega_cluster, nd_h100_cluster, p5_cluster, plan
from _policy_graphs import of
from _policy_graphs import run as run_pack

from cloudwright.components.kubernetes import efa_device_plugin, manifests, nvidia_device_plugin
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet import load_fleet
from cloudwright.optimizer.plan import Plan, parse_plan, save_plan
from cloudwright.optimizer.planner import plan as make_plan
from cloudwright.pricing.engine import estimate
from cloudwright.resource_graph.model import Graph, Resource
from cloudwright.resource_graph.offline import preview_plan
from cloudwright.stacks.settings import StackSettings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parent.parent
NG = "aws:eks/nodeGroup:NodeGroup"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
POOL = "gcp:container/nodePool:NodePool"
AGENT = "azure-native:containerservice:AgentPool"


def _k8s(*assignments):  # type: ignore[no-untyped-def]
    return plan(*(a.model_copy(update={"platform": "kubernetes"}) for a in assignments))


@pytest.fixture(scope="module")
def k8s_plan() -> Plan:
    return _k8s(p5_cluster(nodes=4), a3_mega_cluster(nodes=2), nd_h100_cluster(nodes=2))


@pytest.fixture(scope="module")
def graph(k8s_plan: Plan, fixture_catalog: Catalog) -> Graph:
    return preview_plan(k8s_plan, catalog=fixture_catalog)


def _by_urn(graph: Graph, ref: object) -> Resource | None:
    return next((r for r in graph.resources if ref in (r.urn, r.outputs.get("id"), r.name)), None)


def test_eks_cluster_private_encrypted_logged(graph: Graph) -> None:
    eks = one(graph, "aws:eks/cluster:Cluster").inputs
    assert eks["vpcConfig"]["endpointPrivateAccess"] is True
    assert eks["vpcConfig"]["endpointPublicAccess"] is False
    assert eks["encryptionConfig"]["resources"] == ["secrets"]
    assert eks["encryptionConfig"]["provider"]["keyArn"]
    assert set(eks["enabledClusterLogTypes"]) >= {"api", "audit"}
    assert len(eks["vpcConfig"]["subnetIds"]) == 2  # EKS needs two zones for its interfaces


def test_eks_node_group_on_an_efa_launch_template(graph: Graph) -> None:
    group = one(graph, NG).inputs
    assert group["amiType"] == "AL2023_x86_64_NVIDIA"
    assert group["scalingConfig"] == {"desiredSize": 4, "minSize": 4, "maxSize": 4}
    assert len(group["subnetIds"]) == 1  # one subnet, one zone
    assert group["taints"][0]["key"] == "nvidia.com/gpu"
    lt = one(graph, LT).inputs
    assert lt["instanceType"] == "p5.48xlarge" and "imageId" not in lt
    nics = lt["networkInterfaces"]
    assert len(nics) == 32  # the catalog's interconnect_nics for p5.48xlarge
    assert [(n["networkCardIndex"], n["deviceIndex"], n["interfaceType"]) for n in nics[:2]] == [
        (0, 0, "efa"),
        (1, 1, "efa-only"),
    ]
    assert sorted(n["networkCardIndex"] for n in nics) == list(range(32))
    # The EFA group on every interface (the cluster group joins it once EKS computes it).
    assert all(len(n["securityGroups"]) >= 1 for n in nics)
    pg = one(graph, "aws:ec2/placementGroup:PlacementGroup")
    assert pg.inputs["strategy"] == "cluster"
    assert str(lt["placement"]["groupName"]).startswith(pg.name)  # the group's (auto)name
    assert lt["metadataOptions"]["httpTokens"] == "required"
    assert lt["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"


def test_gke_cluster_and_pool(graph: Graph) -> None:
    gke = one(graph, "gcp:container/cluster:Cluster").inputs
    assert gke["privateClusterConfig"]["enablePrivateNodes"] is True
    assert gke["privateClusterConfig"]["enablePrivateEndpoint"] is True
    assert gke["removeDefaultNodePool"] is True and gke["enableMultiNetworking"] is True
    assert gke["workloadIdentityConfig"]["workloadPool"].endswith(".svc.id.goog")
    pool = one(graph, POOL).inputs
    assert pool["placementPolicy"] == {"type": "COMPACT"}
    extra = pool["networkConfig"]["additionalNodeNetworkConfigs"]
    assert len(extra) == 8  # a3-megagpu-8g: 8 GPU NICs, each its own VPC
    assert len({n["network"] for n in extra}) == 8
    node = pool["nodeConfig"]
    assert node["machineType"] == "a3-megagpu-8g" and node["gvnic"] == {"enabled": True}
    accel = node["guestAccelerators"][0]
    assert (accel["type"], accel["count"]) == ("nvidia-h100-mega-80gb", 8)
    assert accel["gpuDriverInstallationConfig"]["gpuDriverVersion"] == "LATEST"
    assert pool["nodeCount"] == 2 and len(pool["nodeLocations"]) == 1


def test_aks_cluster_and_pool(graph: Graph) -> None:
    aks = one(graph, "azure-native:containerservice:ManagedCluster").inputs
    assert aks["apiServerAccessProfile"]["enablePrivateCluster"] is True
    assert aks["sku"]["tier"] == "Standard" and aks["disableLocalAccounts"] is True
    pool = one(graph, AGENT).inputs
    assert pool["vmSize"] == "Standard_ND96isr_H100_v5"
    assert pool["enableAutoScaling"] is False and pool["count"] == 2
    assert pool["mode"] == "User" and pool["gpuProfile"] == {"driver": "Install"}
    assert len(pool["agentPoolName"]) <= 12 and pool["agentPoolName"].isalnum()


def test_pools_keep_the_secure_defaults(graph: Graph) -> None:
    assert untagged(graph) == []
    assert world_admin_ingress(graph) == []
    assert orphans(graph) == []


def test_device_plugin_manifests() -> None:
    docs = [
        json.loads(d)
        for d in manifests(nvidia_device_plugin(), efa_device_plugin("us-east-1")).split("---\n")
        if d.strip()
    ]
    assert [d["kind"] for d in docs] == ["DaemonSet", "DaemonSet"]
    names = [d["metadata"]["name"] for d in docs]
    assert names == ["nvidia-device-plugin", "aws-efa-k8s-device-plugin"]
    assert "us-east-1" in docs[1]["spec"]["template"]["spec"]["containers"][0]["image"]


def test_cost_prices_pools_and_cluster_fees(graph: Graph, fixture_catalog: Catalog) -> None:
    report = estimate(graph, fixture_catalog)
    assert report.unsupported_types == {}
    by_type = {r.type: r for r in report.resources}
    for token in (NG, POOL, AGENT):
        assert by_type[token].status == "priced" and (by_type[token].monthly_usd or 0) > 1000
    for token in ("aws:eks/cluster:Cluster", "gcp:container/cluster:Cluster"):
        assert by_type[token].monthly_usd == pytest.approx(0.10 * 730)
    aks = by_type["azure-native:containerservice:ManagedCluster"]
    fee = [c for c in aks.components if c.name.startswith("Cluster management")]
    assert fee and fee[0].monthly_usd == pytest.approx(0.10 * 730)


def test_check_passes_the_pools(graph: Graph, fixture_catalog: Catalog) -> None:
    result = run_pack(graph, fixture_catalog, {"gpu-fabric": {"fabricRequiredWorkloads": ["*"]}})
    assert of(result, "gpu-fabric") == [] and of(result, "private-cluster-endpoint") == []


def _mutated(graph: Graph, token: str, change) -> Graph:  # type: ignore[no-untyped-def]
    copied = copy.deepcopy(graph)
    for r in copied.resources:
        if r.type == token:
            change(r.inputs)
    return copied


def test_check_catches_pools_without_a_fabric(graph: Graph, fixture_catalog: Catalog) -> None:
    def no_efa(inputs: dict) -> None:  # type: ignore[type-arg]
        inputs.pop("networkInterfaces")
        inputs.pop("placement")

    bad = _mutated(graph, LT, no_efa)
    messages = [v.message for v in of(run_pack(bad, fixture_catalog), "gpu-fabric")]
    assert any("no placement group" in m for m in messages)
    assert any("no EFA interfaces" in m for m in messages)

    bad = _mutated(graph, POOL, lambda i: i.pop("placementPolicy"))
    messages = [v.message for v in of(run_pack(bad, fixture_catalog), "gpu-fabric")]
    assert any("COMPACT" in m for m in messages)

    bad = _mutated(graph, AGENT, lambda i: i.update(vmSize="Standard_NC4as_T4_v3"))
    config = {"gpu-fabric": {"fabricRequiredWorkloads": ["research"]}}
    found = of(run_pack(bad, fixture_catalog, config), "gpu-fabric")
    assert any("needs a GPU fabric" in v.message for v in found), [v.message for v in found]


def test_check_catches_a_public_endpoint(graph: Graph, fixture_catalog: Catalog) -> None:
    def public(inputs: dict) -> None:  # type: ignore[type-arg]
        inputs["vpcConfig"]["endpointPublicAccess"] = True

    bad = _mutated(graph, "aws:eks/cluster:Cluster", public)
    found = of(run_pack(bad, fixture_catalog), "private-cluster-endpoint")
    assert len(found) == 1 and "0.0.0.0/0" in found[0].message
    bad = _mutated(
        graph,
        "azure-native:containerservice:ManagedCluster",
        lambda i: i.pop("apiServerAccessProfile"),
    )
    assert len(of(run_pack(bad, fixture_catalog), "private-cluster-endpoint")) == 1
    bad = _mutated(graph, "gcp:container/cluster:Cluster", lambda i: i.pop("privateClusterConfig"))
    restricted = of(run_pack(bad, fixture_catalog), "private-cluster-endpoint")
    assert restricted == []  # master authorized networks limit it to the cluster network


FLEET = """
version: 1
objective: cost
platform: kubernetes
workloads:
  - {name: pretrain, kind: training, gpu: {type: H100, count: 8}, nodes: 2,
     interconnect: required, clouds: [aws], instance_types: [p5.48xlarge]}
  - {name: tune, kind: training, gpu: {type: H100, count: 8}, nodes: 2,
     interconnect: required, clouds: [aws], instance_types: [p5.48xlarge]}
  - {name: mega, kind: training, gpu: {type: H100, count: 8}, nodes: 2,
     interconnect: required, clouds: [gcp], instance_types: [a3-megagpu-8g]}
  - {name: nd, kind: training, gpu: {type: H100, count: 8}, nodes: 2,
     interconnect: required, clouds: [azure], instance_types: [Standard_ND96isr_H100_v5]}
  - {name: vms, kind: training, gpu: {type: H100, count: 8}, nodes: 2, platform: vm,
     clouds: [aws], instance_types: [p5.48xlarge]}
"""


def test_fleet_to_plan_shares_the_cluster_fee(tmp_path: Path, fixture_catalog: Catalog) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(FLEET)
    planned = make_plan(load_fleet(path), fixture_catalog)
    by = {a.workload: a for a in planned.assignments}
    assert by["vms"].platform == "vm" and by["vms"].cost.cluster_fee_usd == 0
    assert {by[w].platform for w in ("pretrain", "tune", "mega", "nd")} == {"kubernetes"}
    assert by["pretrain"].region == by["tune"].region
    assert by["pretrain"].cost.cluster_fee_usd == pytest.approx(0.10 * 730 / 2)
    assert by["mega"].cost.cluster_fee_usd == pytest.approx(73.0)
    assert by["nd"].cost.cluster_fee_usd == pytest.approx(73.0)
    assert "EKS cluster fee" in by["tune"].why and "shared by 2" in by["tune"].why
    assert planned.totals.monthly_usd == pytest.approx(
        sum(a.monthly_usd for a in planned.assignments)
    )
    out = tmp_path / "plan.json"
    save_plan(planned, out)
    done = run_cli("preview", str(out), "--catalog", str(ROOT / "tests/fixtures/catalog"))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "AL2023_x86_64_NVIDIA" in text and "COMPACT" in text and "autoscaling=false" in text


def test_old_plans_load_as_vm(k8s_plan: Plan) -> None:
    data = json.loads(k8s_plan.model_dump_json())
    for a in data["assignments"]:
        del a["platform"]
        del a["cost"]["cluster_fee_usd"]
    assert {a.platform for a in parse_plan(data).assignments} == {"vm"}


def test_bad_platform_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(FLEET.replace("platform: kubernetes", "platform: k8s"))
    done = run_cli("plan", str(path), "--catalog", str(ROOT / "tests/fixtures/catalog"))
    assert done.returncode == 2 and "platform" in done.stderr


def test_stack_config_names_clusters_to_adopt() -> None:
    settings = StackSettings.parse(
        {"cloudwright:aksCluster": "rg/aks", "cloudwright:eksCluster": "shared-gpu"}
    )
    assert settings.kubernetes_clusters == {"aws": "shared-gpu", "azure": "rg/aks"}


def test_adopted_clusters_preview_offline() -> None:
    """An adopted EKS/GKE/AKS cluster is read, not created; the offline preview answers the
    lookups with stand-ins, and the pools attach to the adopted cluster by name."""
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.fleet import load_fleet
    from cloudwright.optimizer.planner import build_plan, objective_spec, optimise, prepare
    from cloudwright.resource_graph.offline import preview_plan

    catalog = Catalog.load()
    fleet = load_fleet(Path(__file__).resolve().parent.parent / "examples" / "kubernetes.yaml")
    problem = prepare(fleet, catalog)
    plan = build_plan(problem, optimise(problem, objective_spec(problem)), fleet_name="k8s")
    config = {
        "cloudwright:eksCluster": "shared-gpu",
        "cloudwright:gkeCluster": "shared-gke",
        "cloudwright:aksCluster": "rg/shared-aks",
    }
    graph = preview_plan(plan, catalog=catalog, config=config)
    types = {r.type for r in graph}
    created = {"aws:eks/cluster:Cluster", "gcp:container/cluster:Cluster"}
    assert not types & created
    assert "azure-native:containerservice:ManagedCluster" not in types
    groups = [r for r in graph if r.type == "aws:eks/nodeGroup:NodeGroup"]
    assert groups and all(r.inputs.get("clusterName") == "shared-gpu" for r in groups)
    # Nodes join the adopted cluster's own VPC/VNet, not the stack's network.
    assert all(r.inputs.get("subnetIds", [""])[0].startswith("subnet-") for r in groups)
    stack_subnets = {r.urn for r in graph if r.type == "aws:ec2/subnet:Subnet"}
    assert stack_subnets  # the stack's network still exists (its NAT etc.), unused by pools
    pools = [r for r in graph if r.type == "azure-native:containerservice:AgentPool"]
    assert pools and all(
        str(r.inputs.get("vnetSubnetID", "")).endswith("/virtualNetworks/aks-vnet/subnets/nodes")
        for r in pools
    )


def test_the_solver_weighs_the_cluster_fee() -> None:
    """A kubernetes candidate carries its region's whole cluster fee in the objective; a VM
    workload's candidates carry none."""
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.fleet.load import parse_fleet
    from cloudwright.optimizer.planner import objective_spec, prepare
    from cloudwright.optimizer.solver.objective import kubernetes_fees, objective_vectors

    catalog = Catalog.load()
    text = (
        "version: 1\nname: k\nobjective: cost\nworkloads:\n"
        "  - {name: pods, kind: inference, gpu: {type: L4, count: 1}, nodes: 1, "
        "platform: kubernetes, clouds: [aws]}\n"
        "  - {name: vms, kind: inference, gpu: {type: L4, count: 1}, nodes: 1, clouds: [aws]}\n"
    )
    problem = prepare(parse_fleet(text), catalog)
    fees = kubernetes_fees(problem.cands, catalog)
    assert fees is not None
    kube_rows = problem.cands.wl == 0
    assert (fees[~kube_rows] == 0).all()
    assert fees[kube_rows].min() == pytest.approx(73.0)  # EKS $0.10/h × 730 h
    spec = objective_spec(problem)
    plain = objective_vectors(problem.cands, spec).primary
    weighed = objective_vectors(problem.cands, spec, fees).primary
    assert (weighed[kube_rows] - plain[kube_rows]).min() == pytest.approx(73.0)
