"""Pulumi Python programs run offline under mocks (resource_graph.program, .project,
.invokes): the six example programs under tests/fixtures/programs give the resources their
code declares, placed by their stack config; data sources get plausible stand-ins; the
program's process state is restored; bad projects are input errors naming Pulumi.yaml."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cloudwright.core.errors import InputError
from cloudwright.resource_graph.load import load_source
from cloudwright.resource_graph.model import SECRET, Graph, Resource, is_unknown
from cloudwright.resource_graph.program import load_program, program_source
from cloudwright.resource_graph.project import SECRET_PLACEHOLDER

PROGRAMS = Path(__file__).resolve().parent / "fixtures" / "programs"


def _one(graph: Graph, type_token: str, name: str | None = None) -> Resource:
    found = [r for r in graph if r.type == type_token and (name is None or r.name == name)]
    assert len(found) == 1, f"{type_token} {name}: {[r.name for r in found]}"
    return found[0]


def _types(graph: Graph) -> set[str]:
    return {r.type for r in graph.custom_resources()}


def _regions(graph: Graph) -> set[str | None]:
    return {r.region for r in graph.custom_resources()}


@pytest.fixture(scope="module")
def graphs() -> Callable[[str], Graph]:
    cache: dict[str, Graph] = {}

    def get(name: str) -> Graph:
        if name not in cache:
            cache[name] = load_program(PROGRAMS / name)
        return cache[name]

    return get


def test_aws_webtier(graphs: Callable[[str], Graph]) -> None:
    graph = graphs("aws-webtier")
    assert graph.source == "program-mocks" and graph.stack == "dev"
    assert graph.project == "aws-webtier"
    assert {
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/eip:Eip",
        "aws:ec2/instance:Instance",
        "aws:rds/instance:Instance",
        "aws:s3/bucket:Bucket",
    } <= _types(graph)
    assert _regions(graph) == {"eu-west-1"}  # aws:region in Pulumi.dev.yaml
    web = _one(graph, "aws:ec2/instance:Instance")
    assert web.inputs["instanceType"] == "t3.medium"  # the project's own config key
    assert str(web.inputs["ami"]).startswith("ami-")  # aws.ec2.get_ami's stand-in
    # zones from get_availability_zones follow the configured region
    zones = {r.inputs["availabilityZone"] for r in graph if r.type == "aws:ec2/subnet:Subnet"}
    assert zones == {"eu-west-1a", "eu-west-1b"}
    db = _one(graph, "aws:rds/instance:Instance")
    assert (db.inputs["instanceClass"], db.inputs["allocatedStorage"]) == ("db.t3.micro", 20)
    assert db.inputs["storageType"] == "gp3" and db.inputs["engine"] == "postgres"
    # a `secure:` value reaches the program as a placeholder and the graph as a secret
    assert db.inputs["password"] is SECRET
    assert graph.config["aws-webtier:dbPassword"] is SECRET
    assert graph.config["aws-webtier:webCount"] == 1  # Pulumi.yaml's project default
    assert SECRET_PLACEHOLDER not in json.dumps(graph.to_json())
    assert any("stand-ins" in n for n in graph.notes)


def test_aws_eks_policy_documents_are_built_from_the_arguments(
    graphs: Callable[[str], Graph],
) -> None:
    graph = graphs("aws-eks")
    assert {"aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:iam/role:Role"} <= (
        _types(graph)
    )
    nodes = _one(graph, "aws:eks/nodeGroup:NodeGroup")
    assert nodes.inputs["instanceTypes"] == ["m5.large"]
    assert nodes.inputs["scalingConfig"]["desiredSize"] == 3
    assert nodes.region == "us-west-2"
    role = _one(graph, "aws:iam/role:Role", "eks-cluster")
    policy = json.loads(role.inputs["assumeRolePolicy"])
    assert policy["Statement"] == [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "eks.amazonaws.com"},
        }
    ]
    cluster = _one(graph, "aws:eks/cluster:Cluster")
    assert len(cluster.inputs["vpcConfig"]["subnetIds"]) == 3  # default VPC's subnets
    assert cluster.inputs["tags"]["owner"] == "123456789012"  # get_caller_identity
    assert not any("no offline stand-in" in n for n in graph.notes)


def test_aws_fargate(graphs: Callable[[str], Graph]) -> None:
    graph = graphs("aws-fargate")
    task = _one(graph, "aws:ecs/taskDefinition:TaskDefinition")
    assert (task.inputs["cpu"], task.inputs["memory"]) == ("512", "1024")
    service = _one(graph, "aws:ecs/service:Service")
    assert service.inputs["desiredCount"] == 2 and service.inputs["launchType"] == "FARGATE"
    assert {"aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"} <= _types(graph)
    assert "aws:lb/listener:Listener" in _types(graph)
    assert _regions(graph) == {"us-east-1"}


def test_gcp_gke_sql_reads_stack_config_dir(graphs: Callable[[str], Graph]) -> None:
    graph = graphs("gcp-gke-sql")
    cluster = _one(graph, "gcp:container/cluster:Cluster")
    assert cluster.inputs["removeDefaultNodePool"] is True
    assert cluster.inputs["resourceLabels"] == {"project": "acme-analytics-dev"}
    assert cluster.inputs["minMasterVersion"].startswith("1.30.")  # the version prefix asked
    pool = _one(graph, "gcp:container/nodePool:NodePool")
    assert pool.inputs["nodeConfig"]["machineType"] == "n2-standard-4"
    assert pool.inputs["nodeCount"] == 3  # stacks/Pulumi.dev.yaml (stackConfigDir)
    db = _one(graph, "gcp:sql/databaseInstance:DatabaseInstance")
    assert db.inputs["settings"]["tier"] == "db-custom-2-7680"
    assert db.region == "europe-west4" and pool.zone == "europe-west4-a"
    assert _one(graph, "gcp:sql/user:User").inputs["password"] is SECRET


def test_azure_aks_and_the_generic_fallback(graphs: Callable[[str], Graph]) -> None:
    graph = graphs("azure-aks")
    cluster = _one(graph, "azure-native:containerservice:ManagedCluster")
    (pool,) = cluster.inputs["agentPoolProfiles"]
    assert (pool["vmSize"], pool["count"]) == ("Standard_D4s_v5", 3)
    assert cluster.region == "westeurope"
    assert cluster.inputs["tags"]["tenant"] == "00000000-0000-0000-0000-00000000a11d"
    # list_managed_cluster_user_credentials has no stand-in: empty answer, and the graph says so
    (note,) = [n for n in graph.notes if "no offline stand-in" in n]
    assert "azure-native:containerservice:listManagedClusterUserCredentials" in note


def test_azure_vm_lb(graphs: Callable[[str], Graph]) -> None:
    graph = graphs("azure-vm-lb")
    vms = [r for r in graph if r.type == "azure-native:compute:VirtualMachine"]
    assert [vm.inputs["hardwareProfile"]["vmSize"] for vm in vms] == ["Standard_D2s_v5"] * 2
    assert len([r for r in graph if r.type == "azure-native:compute:Disk"]) == 2
    lb = _one(graph, "azure-native:network:LoadBalancer")
    assert lb.inputs["sku"] == {"name": "Standard"}
    ip = _one(graph, "azure-native:network:PublicIPAddress")
    assert ip.inputs["sku"]["name"] == "Standard"
    assert _regions(graph) == {"northeurope"}


def test_load_source_takes_a_program_folder_and_its_stack(tmp_path: Path) -> None:
    project = _program(
        tmp_path,
        "import pulumi_aws as aws\naws.ec2.Instance('vm', ami='ami-1', instance_type='t3.micro')\n",
        stacks={"dev": "aws:region: us-east-1", "prod": "aws:region: eu-central-1"},
    )
    loaded = load_source(str(project))
    assert loaded.kind == "program" and loaded.graph.stack == "dev"
    assert _regions(loaded.graph) == {"us-east-1"}
    prod = load_source(program_source(project, "prod", 30)).graph
    assert prod.stack == "prod" and _regions(prod) == {"eu-central-1"}
    # a fully qualified stack name selects the same file
    assert load_program(project, stack="acme/shop/prod").stack == "prod"
    with pytest.raises(InputError, match=r"Pulumi\.qa\.yaml.*\n.*dev, prod"):
        load_program(project, stack="qa")


def _program(
    root: Path,
    main: str,
    *,
    name: str = "demo",
    stacks: dict[str, str] | None = None,
    project: str = "",
    files: dict[str, str] | None = None,
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n{project}")
    (root / "__main__.py").write_text(main)
    for stack, config in (stacks or {}).items():
        indented = "\n".join("  " + line for line in config.splitlines())
        (root / f"Pulumi.{stack}.yaml").write_text(f"config:\n{indented}\n")
    for file, text in (files or {}).items():
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_text(text)
    return root


def test_sibling_modules_import_and_do_not_leak(tmp_path: Path) -> None:
    body = "import pulumi_aws as aws\nfrom net import size\naws.ec2.Instance('vm', ami='a', instance_type=size)\n"
    one = _program(tmp_path / "one", body, files={"net.py": "size = 't3.small'\n"})
    two = _program(tmp_path / "two", body, files={"net.py": "size = 'm5.large'\n"})
    path, modules = list(sys.path), set(sys.modules)
    sizes = [
        _one(load_program(p), "aws:ec2/instance:Instance").inputs["instanceType"]
        for p in (one, two)
    ]
    assert sizes == ["t3.small", "m5.large"]
    assert sys.path == path and "net" not in sys.modules
    assert set(sys.modules) - modules <= {
        m for m in sys.modules if m.startswith(("pulumi", "cloudwright"))
    }


def test_main_folder_project_defaults_and_bare_keys(tmp_path: Path) -> None:
    project = _program(
        tmp_path,
        "raise SystemExit('not this one')\n",
        project="main: app/\nconfig:\n  size:\n    type: string\n    default: t3.large\n  aws:region:\n    value: ap-south-1\n",
        files={
            "app/__main__.py": "import pulumi, pulumi_aws as aws\n"
            "c = pulumi.Config()\n"
            "aws.ec2.Instance('vm', ami='a', instance_type=c.require('size'), tags={'n': c.get('n')})\n",
        },
        stacks={"dev": "n: seven"},  # a bare key belongs to the project
    )
    vm = _one(load_program(project), "aws:ec2/instance:Instance")
    assert vm.inputs["instanceType"] == "t3.large" and vm.inputs["tags"] == {"n": "seven"}
    assert vm.region == "ap-south-1"


def test_unknown_data_source_gets_a_shaped_empty_answer(tmp_path: Path) -> None:
    project = _program(
        tmp_path,
        "import pulumi_aws as aws\n"
        "found = aws.ec2.get_instances(instance_tags={'role': 'db'})\n"
        "assert found.ids == [] and found.private_ips == []\n"  # lists, not None
        "aws.s3.Bucket('b', tags={'n': str(len(found.ids))})\n",
        stacks={"dev": "aws:region: us-east-2"},
    )
    graph = load_program(project)
    assert _one(graph, "aws:s3/bucket:Bucket").inputs["tags"] == {"n": "0"}
    (note,) = [n for n in graph.notes if "no offline stand-in" in n]
    assert "aws:ec2/getInstances:getInstances" in note and "empty values" in note


def test_unknown_outputs_stay_unknown(tmp_path: Path) -> None:
    project = _program(
        tmp_path,
        "import pulumi_aws as aws\n"
        "vm = aws.ec2.Instance('vm', ami='a', instance_type='t3.micro')\n"
        "aws.ec2.Eip('ip', instance=vm.id, tags={'ip': vm.public_ip})\n",
        stacks={"dev": "aws:region: us-east-1"},
    )
    eip = _one(load_program(project), "aws:ec2/eip:Eip")
    assert is_unknown(eip.inputs["tags"]["ip"])  # only known after deployment
    assert str(eip.inputs["instance"]).startswith("inst-")  # a stand-in id


@pytest.mark.parametrize(
    ("yaml", "match"),
    [
        ("name: x\nruntime: nodejs\n", r"Pulumi\.yaml:2: runtime: nodejs .* not supported yet"),
        ("name: x\nruntime: {name: go}\n", r"Pulumi\.yaml:2: runtime: go"),
        ("name: x\nruntime: cobol\n", r"Pulumi\.yaml:2: runtime: 'cobol' is not a Pulumi runtime"),
        ("name: x\n", r"runtime: expected a runtime name"),
        ("runtime: python\n", r"Pulumi\.yaml.*name: a project name is required"),
        ("name: x\nruntime: python\nmain: nowhere.py\n", r"main: 'nowhere.py' does not exist"),
    ],
)
def test_bad_projects_are_input_errors_naming_pulumi_yaml(
    tmp_path: Path, yaml: str, match: str
) -> None:
    (tmp_path / "Pulumi.yaml").write_text(yaml)
    (tmp_path / "__main__.py").write_text("")
    with pytest.raises(InputError, match=match):
        load_program(tmp_path)


def test_other_runtimes_say_how_to_get_a_preview(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: x\nruntime: yaml\n")
    with pytest.raises(InputError) as error:
        load_program(tmp_path)
    assert "pulumi preview --json" in str(error.value) and error.value.exit_code == 2


def test_no_pulumi_yaml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no Pulumi\.yaml"):
        load_program(tmp_path)


def test_time_limit_in_a_worker_thread(tmp_path: Path) -> None:
    """Off the main thread there is no SIGALRM: a watchdog stops the program instead, and the
    thread gets its own event loop."""
    import threading

    spin = _program(tmp_path / "spin", "while True:\n    pass\n")
    fine = _program(
        tmp_path / "fine",
        "import pulumi_aws as aws\naws.s3.Bucket('b')\n",
        stacks={"dev": "aws:region: us-west-1"},
    )
    results: list[object] = []

    def run(project: Path) -> None:
        try:
            results.append(load_program(project, time_limit_s=1))
        except InputError as error:
            results.append(error)

    for project in (spin, fine):
        worker = threading.Thread(target=run, args=(project,))
        worker.start()
        worker.join(30)
        assert not worker.is_alive()
    stopped, graph = results
    assert isinstance(stopped, InputError) and "did not finish within 1 s" in str(stopped)
    assert isinstance(graph, Graph) and _regions(graph) == {"us-west-1"}
