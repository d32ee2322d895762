"""The offline preview: the done-means fleet (p5 + A3 Mega + ND H100 v5) as one resource graph,
its invariants, determinism across runs, JSON round trip, and the `cloudwright preview` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _graph_checks import of_type, one, orphans, untagged, world_admin_ingress
from _plans import a3_mega_cluster, nd_h100_cluster, p5_cluster, plan
from typer.testing import CliRunner

from cloudwright.cli.app import app
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.plan import Plan, save_plan
from cloudwright.resource_graph.model import Graph
from cloudwright.resource_graph.offline import preview_plan

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
FIXTURE_CATALOG = Path(__file__).resolve().parent / "fixtures" / "catalog"


@pytest.fixture(scope="module")
def fleet_plan() -> Plan:
    return plan(p5_cluster(), a3_mega_cluster(), nd_h100_cluster())


@pytest.fixture(scope="module")
def fleet(fleet_plan: Plan, fixture_catalog: Catalog) -> Graph:
    return preview_plan(fleet_plan, catalog=fixture_catalog)


def test_done_means_three_clusters_with_the_right_settings(fleet: Graph) -> None:
    lt = one(fleet, "aws:ec2/launchTemplate:LaunchTemplate").inputs
    kinds = [n["interfaceType"] for n in lt["networkInterfaces"]]
    assert (kinds.count("efa"), kinds.count("efa-only")) == (1, 31)
    assert one(fleet, "aws:ec2/placementGroup:PlacementGroup").inputs["strategy"] == "cluster"
    assert one(fleet, "aws:autoscaling/group:Group").inputs["desiredCapacity"] == 4
    policy = one(fleet, "gcp:compute/resourcePolicy:ResourcePolicy").inputs
    assert policy["groupPlacementPolicy"]["collocation"] == "COLLOCATED"
    for instance in of_type(fleet, "gcp:compute/instance:Instance"):
        assert len(instance.inputs["networkInterfaces"]) == 9
    vmss = one(fleet, "azure-native:compute:VirtualMachineScaleSet").inputs
    assert vmss["singlePlacementGroup"] is True and vmss["overprovision"] is False
    assert (
        one(fleet, "aws:fsx/lustreFileSystem:LustreFileSystem").inputs["deploymentType"]
        == "PERSISTENT_2"
    )
    assert one(fleet, "gcp:storage/bucket:Bucket").inputs["publicAccessPrevention"] == "enforced"
    account = one(fleet, "azure-native:storage:StorageAccount").inputs
    assert account["allowBlobPublicAccess"] is False and account["minimumTlsVersion"] == "TLS1_2"
    assert world_admin_ingress(fleet) == []
    assert untagged(fleet) == []
    assert orphans(fleet) == []


def test_graph_shape(fleet: Graph, fleet_plan: Plan) -> None:
    assert fleet.source == "offline-preview" and fleet.plan_id == fleet_plan.id
    assert fleet.stack == "dev" and fleet.project == "cloudwright"
    assert fleet.resources[0].type == "pulumi:pulumi:Stack"
    stack_urn = fleet.resources[0].urn
    components = [r for r in fleet if r.is_component and r.type != "pulumi:pulumi:Stack"]
    assert len(components) == 9  # network, storage, cluster × three clouds
    for c in components:
        assert not c.custom and c.parent == stack_urn and c.provider is None
        assert c.cloud == c.type.split(":")[1]
        assert c.workload in {"llm-pretrain", "finetune", "research"}
        assert fleet.children_of(c.urn)
    urns = [r.urn for r in fleet]
    assert len(urns) == len(set(urns))
    seen: set[str] = set()
    for r in fleet:  # parents come before their children
        assert r.parent is None or r.parent in seen
        seen.add(r.urn)
    for r in fleet.custom_resources():
        assert r.region and r.cloud and r.workload and "id" in r.outputs
    zones = {r.zone for r in fleet.custom_resources() if r.zone}
    assert {"use1-az2", "us-central1-a"} <= zones
    asg = one(fleet, "aws:autoscaling/group:Group")
    lt = one(fleet, "aws:ec2/launchTemplate:LaunchTemplate")
    assert lt.urn in asg.property_dependencies["launchTemplate"]


def test_repeated_runs_give_the_same_graph(
    fleet: Graph, fleet_plan: Plan, fixture_catalog: Catalog
) -> None:
    again = preview_plan(fleet_plan, catalog=fixture_catalog)
    assert json.dumps(again.to_json(), sort_keys=True) == json.dumps(
        fleet.to_json(), sort_keys=True
    )


def test_graph_json_round_trip(fleet: Graph, tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    fleet.save(path)
    loaded = Graph.from_json(json.loads(path.read_text()))
    assert loaded.to_json() == fleet.to_json()
    assert len(loaded.custom_resources()) == len(fleet.custom_resources())


def test_a_failed_preview_leaves_the_runtime_usable(
    fleet_plan: Plan, fixture_catalog: Catalog
) -> None:
    from cloudwright.core.errors import InputError

    with pytest.raises(InputError):
        preview_plan(
            fleet_plan, catalog=fixture_catalog, config={"cloudwright:sshCidrs": ["0.0.0.0/0"]}
        )
    assert len(preview_plan(plan(p5_cluster()), catalog=fixture_catalog)) > 30


# ---- CLI ---------------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, fleet_plan: Plan, monkeypatch: pytest.MonkeyPatch) -> Path:
    save_plan(fleet_plan, tmp_path / "plan.json")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG", str(FIXTURE_CATALOG))
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "100000")
    return tmp_path


def test_cli_table_groups_by_cloud_region_workload(project: Path) -> None:
    result = CliRunner().invoke(app, ["preview", "--out", "graph.json"])
    assert result.exit_code == 0, result.output
    assert "aws us-east-1 · llm-pretrain" in result.output
    assert "gcp us-central1 · finetune" in result.output
    assert "azure eastus · research" in result.output
    assert "1 efa + 31 efa-only" in result.output
    graph = Graph.from_json(json.loads((project / "graph.json").read_text()))
    assert graph.source == "offline-preview" and graph.origin == "plan.json"


def test_cli_json_and_stack_config(project: Path) -> None:
    stacks = project / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.ci.yaml").write_text(
        "config:\n  cloudwright:plan: plan.json\n  cloudwright:owner: ci-team\n"
        "  cloudwright:secretThing:\n    secure: AAABBB\n"
    )
    result = CliRunner().invoke(app, ["preview", "--stack", "ci", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == "cloudwright.graph/v1" and data["stack"] == "ci"
    vpc = next(r for r in data["resources"] if r["type"] == "aws:ec2/vpc:Vpc")
    assert vpc["inputs"]["tags"]["owner"] == "ci-team"


def test_cli_json_with_out_writes_the_file_and_keeps_stdout_clean(project: Path) -> None:
    result = CliRunner().invoke(
        app, ["preview", "plan.json", "--format", "json", "--out", "graph.json"]
    )
    assert result.exit_code == 0, result.output
    assert '"schema"' not in result.stdout
    graph = Graph.from_json(json.loads((project / "graph.json").read_text()))
    assert graph.source == "offline-preview"


def test_cli_without_a_plan_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG", str(FIXTURE_CATALOG))
    result = CliRunner().invoke(app, ["preview"])
    assert result.exit_code != 0
    assert "plan file not found" in str(result.exception)


def test_undecryptable_secrets_in_the_config_count_as_unset(
    fleet_plan: Plan, fixture_catalog: Catalog
) -> None:
    from cloudwright.resource_graph.model import SECRET

    graph = preview_plan(
        fleet_plan,
        catalog=fixture_catalog,
        config={"cloudwright:sshPublicKey": SECRET, "cloudwright:owner": "o"},
    )
    assert graph.config == {"cloudwright:owner": "o"}
    assert graph.origin == ""
    vmss = one(graph, "azure-native:compute:VirtualMachineScaleSet").inputs
    key = vmss["virtualMachineProfile"]["osProfile"]["linuxConfiguration"]["ssh"]["publicKeys"][0]
    assert "offline-preview" in key["keyData"]  # the preview's stand-in
