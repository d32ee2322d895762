"""The stack program and its settings: providers per cloud and region, config parsing, the
Automation API path without the Pulumi CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _graph_checks import of_type
from _plans import assignment, nd_h100_cluster, p5_cluster, plan

from cloudwright.components.interface import FileSystemKind, Market, load_kit
from cloudwright.core.errors import InputError, ToolMissingError, UnknownNameError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.plan import Storage
from cloudwright.resource_graph.offline import preview_plan
from cloudwright.stacks import automation
from cloudwright.stacks.settings import StackSettings, plan_path, read_stack_file

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parent.parent


def test_one_provider_per_cloud_and_region(fixture_catalog: Catalog) -> None:
    second_east = assignment(
        "batch", "aws", "us-east-1", "g6.xlarge", nodes=2, gpu="L4", gpu_count=1
    )
    west = assignment(
        "eu", "aws", "eu-central-1", "p4d.24xlarge", nodes=1, gpu="A100-40GB", interconnect="EFA"
    )
    graph = preview_plan(
        plan(p5_cluster(), second_east, west, nd_h100_cluster()), catalog=fixture_catalog
    )
    providers = [r for r in graph if r.is_provider]
    assert sorted((p.type, p.name) for p in providers) == [
        ("pulumi:providers:aws", "aws-eu-central-1"),
        ("pulumi:providers:aws", "aws-us-east-1"),
        ("pulumi:providers:azure-native", "azure-eastus"),
    ]
    by_urn = graph.by_urn()
    for r in graph.custom_resources():
        assert by_urn[r.provider].name == f"{r.cloud}-{r.region}"  # type: ignore[index]
    vpcs = {v.workload: v.inputs["cidrBlock"] for v in of_type(graph, "aws:ec2/vpc:Vpc")}
    assert len(set(vpcs.values())) == 3  # disjoint /16 per workload


def test_plan_id_and_owner_tags_come_from_plan_and_stack(fixture_catalog: Catalog) -> None:
    tagged = p5_cluster(tags={"owner": "alice@example.com", "team": "llm"})
    the_plan = plan(tagged)
    graph = preview_plan(
        the_plan,
        catalog=fixture_catalog,
        config={"cloudwright:owner": "platform", "cloudwright:costCenter": "CC-1"},
    )
    tags = of_type(graph, "aws:ec2/vpc:Vpc")[0].inputs["tags"]
    assert tags["owner"] == "alice@example.com"  # the plan's assignment wins
    assert tags["cost-center"] == "CC-1"
    assert tags["plan-id"] == the_plan.id == graph.plan_id
    assert tags["team"] == "llm"


def test_unknown_instance_type_names_the_closest(fixture_catalog: Catalog) -> None:
    with pytest.raises(UnknownNameError, match=r"p5\.48xlarge"):
        preview_plan(
            plan(assignment("x", "aws", "us-east-1", "p5.48xlarg")), catalog=fixture_catalog
        )


def test_similar_workload_names_get_distinct_resources(fixture_catalog: Catalog) -> None:
    a = assignment("LLM pretrain", "aws", "us-east-1", "g6.xlarge", gpu="L4", gpu_count=1)
    b = assignment("llm-pretrain", "aws", "us-east-1", "g6.xlarge", gpu="L4", gpu_count=1)
    graph = preview_plan(plan(a, b), catalog=fixture_catalog)  # slug hashes keep them apart
    assert len(of_type(graph, "aws:ec2/vpc:Vpc")) == 2


def test_filesystem_override_is_checked_against_the_cloud(fixture_catalog: Catalog) -> None:
    config = {"cloudwright:workloads": {"llm-pretrain": {"filesystem": "filestore"}}}
    with pytest.raises(InputError, match="filestore is not available on aws"):
        preview_plan(plan(p5_cluster()), catalog=fixture_catalog, config=config)


def test_object_storage_only_plan(fixture_catalog: Catalog) -> None:
    graph = preview_plan(plan(p5_cluster(storage=Storage(object_tb=5))), catalog=fixture_catalog)
    assert of_type(graph, "aws:fsx/lustreFileSystem:LustreFileSystem") == []
    assert len(of_type(graph, "aws:s3/bucket:Bucket")) == 1


# ---- settings -----------------------------------------------------------------------------------


def test_settings_parse_all_keys() -> None:
    settings = StackSettings.parse(
        {
            "cloudwright:plan": "examples/plan.json",
            "cloudwright:owner": "me",
            "cloudwright:sshCidrs": "10.0.0.0/8,192.168.1.0/24",
            "cloudwright:natGateway": "false",
            "cloudwright:workloads": {
                "w": {"market": "spot", "zone": "use1-az1", "bootDiskGb": 500, "filesystem": "none"}
            },
            "gcp:project": "p",
        }
    )
    assert settings.plan == "examples/plan.json"
    assert settings.admin_cidrs == ("10.0.0.0/8", "192.168.1.0/24")
    assert settings.nat is False
    w = settings.overrides("w")
    assert (w.market, w.zone, w.boot_disk_gb, w.filesystem) == (
        Market.SPOT,
        "use1-az1",
        500,
        FileSystemKind.NONE,
    )
    assert settings.overrides("other").market is None


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"cloudwright:natGateway": "maybe"}, "true or false"),
        ({"cloudwright:workloads": {"w": {"market": "cheap"}}}, "cheap"),
        ({"cloudwright:workloads": {"w": {"zones": "a"}}}, "unknown override"),
        ({"cloudwright:workloads": {"w": {"bootDiskGb": -1}}}, "whole number of GB from 1"),
        ({"cloudwright:owner": 3}, "expected a string"),
    ],
)
def test_settings_errors_name_the_key(config: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        StackSettings.parse(config, origin="stacks/Pulumi.dev.yaml")


def test_example_stack_configs_parse() -> None:
    for stack in ("dev", "prod"):
        config = read_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
        settings = StackSettings.parse(config)
        assert settings.plan
    assert plan_path(ROOT, "dev") == ROOT / "examples" / "plan.json"
    assert plan_path(ROOT, "nope") == ROOT / "plan.json"


def test_pulumi_project_file() -> None:
    import yaml

    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == "cloudwright"
    # pip fills .venv from requirements.txt (tests/test_pulumi_project.py checks the rest).
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }
    assert project["main"] == "stacks/" and project["stackConfigDir"] == "stacks"
    assert (ROOT / "stacks" / "__main__.py").is_file()


def test_cloud_modules_load_lazily_and_unknown_clouds_suggest() -> None:
    assert load_kit("aws").cloud == "aws"
    with pytest.raises(UnknownNameError, match="aws"):
        load_kit("awss")


# ---- Automation API --------------------------------------------------------------------------------


def test_deploy_without_the_pulumi_cli_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissingError, match="Pulumi CLI") as caught:
        automation.run("preview", stack="dev", project_dir=ROOT)
    assert (
        caught.value.hint is not None
        and "curl -fsSL https://get.pulumi.com | sh" in caught.value.hint
    )
    assert caught.value.exit_code == 5


def test_local_backend_by_default_and_passphrase_required(tmp_path: Path) -> None:
    env = automation.workspace_env(tmp_path, {"PULUMI_CONFIG_PASSPHRASE": ""})
    assert env["PULUMI_BACKEND_URL"] == f"file://{(tmp_path / '.cloudwright' / 'state').resolve()}"
    assert (tmp_path / ".cloudwright" / "state").is_dir()
    with pytest.raises(InputError, match="passphrase"):
        automation.workspace_env(tmp_path, {})
    assert (
        automation.workspace_env(tmp_path, {"PULUMI_BACKEND_URL": "https://api.pulumi.com"}) == {}
    )


def test_deploy_cli_reports_the_missing_tool(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "from cloudwright.cli.app import main; main()", "deploy", "preview"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 5, result.stderr
    assert "curl -fsSL https://get.pulumi.com | sh" in result.stderr


def test_the_pulumi_entry_point_runs_under_mocks(tmp_path: Path) -> None:
    """`stacks/__main__.py` itself (what `pulumi up` executes): reads the stack config, the plan
    and the catalog it names, builds the components and exports outputs per workload."""
    import runpy

    from cloudwright.optimizer.plan import save_plan
    from cloudwright.resource_graph.offline import run_mocked

    save_plan(plan(p5_cluster()), tmp_path / "plan.json")
    config = {
        "cloudwright:plan": str(tmp_path / "plan.json"),
        "cloudwright:catalog": str(ROOT / "tests" / "fixtures" / "catalog"),
        "cloudwright:owner": "entry-point",
    }
    registrations = run_mocked(
        lambda: runpy.run_path(str(ROOT / "stacks" / "__main__.py"), run_name="__main__"),
        project="cloudwright",
        stack="dev",
        config=config,
    )
    vpc = next(r for r in registrations if r.type == "aws:ec2/vpc:Vpc")
    assert vpc.inputs["tags"]["owner"] == "entry-point"
    assert any(r.type == "aws:autoscaling/group:Group" for r in registrations)


def test_regular_zones_come_before_edge_zones() -> None:
    from cloudwright.stacks.program import zone_rank

    zones = ["use1-atl2-az1", "use1-az6", "usw2-wl1-sfo-wlz1", "usw2-lax1-az1", "use1-az2"]
    assert sorted(zones, key=lambda z: zone_rank("aws", z)) == [
        "use1-az2",
        "use1-az6",
        "use1-atl2-az1",
        "usw2-lax1-az1",
        "usw2-wl1-sfo-wlz1",
    ]
    # Wavelength zone IDs (no "-az" suffix) are edge zones too, by the catalog's own rule.
    assert zone_rank("aws", "usw2-wl1-sfo-wlz1")[0] is True
    first = sorted(["us-central1-b", "us-central1-a"], key=lambda z: zone_rank("gcp", z))[0]
    assert first == "us-central1-a"


def test_placement_skips_local_and_wavelength_zones(fixture_catalog: Catalog) -> None:
    """A type sold in a Local Zone, a Wavelength Zone and one availability zone lands in the
    availability zone (the Local Zone's ID sorts before it)."""
    import pandas as pd

    from cloudwright.stacks.program import place
    from cloudwright.stacks.settings import WorkloadOverrides

    offerings = fixture_catalog.offerings
    base = offerings[offerings["instance_type"] == "g6.xlarge"].iloc[[0]]
    rows = [base.assign(zone=z) for z in ("use1-atl2-az1", "use1-wl1-bos-wlz1", "use1-az4")]
    frames = {name: fixture_catalog.table(name) for name in ("regions", "gpus", "coefficients")}
    frames["offerings"] = pd.concat(rows, ignore_index=True).drop(columns=["zone_kind"])
    catalog = Catalog.from_frames(frames, fixture_catalog.snapshot_date)
    a = assignment("edge", "aws", "us-east-1", "g6.xlarge", nodes=1, gpu="L4", gpu_count=1)
    assert place(a, WorkloadOverrides(), catalog).zone == "use1-az4"
