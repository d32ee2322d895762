"""`cost DIR`, `preview DIR` and `check DIR` on Pulumi Python programs (the six examples under
tests/fixtures/programs), and the program's own failures as exit 2 naming its file:line.

The pricing tests use the shipped catalog snapshot on purpose (not the frozen test catalog):
"every billable resource priced" is a claim about what users get."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli

from cloudwright.resource_graph.project import SECRET_PLACEHOLDER

PROGRAMS = Path(__file__).resolve().parent / "fixtures" / "programs"
NAMES = ("aws-webtier", "aws-eks", "aws-fargate", "gcp-gke-sql", "azure-aks", "azure-vm-lb")
# The resources each program must be charged for (free plumbing is not listed).
BILLABLE = {
    "aws-webtier": {
        "aws:ec2/instance:Instance",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/eip:Eip",
        "aws:rds/instance:Instance",
    },
    "aws-eks": {"aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup"},
    "aws-fargate": {"aws:ecs/service:Service", "aws:lb/loadBalancer:LoadBalancer"},
    "gcp-gke-sql": {
        "gcp:container/cluster:Cluster",
        "gcp:container/nodePool:NodePool",
        "gcp:sql/databaseInstance:DatabaseInstance",
    },
    "azure-aks": {"azure-native:containerservice:ManagedCluster"},
    "azure-vm-lb": {
        "azure-native:compute:VirtualMachine",
        "azure-native:compute:Disk",
        "azure-native:network:LoadBalancer",
        "azure-native:network:PublicIPAddress",
    },
}
_reports: dict[str, tuple[int, str, str]] = {}


def _cost(name: str) -> tuple[int, dict[str, Any], str]:
    """`cost DIR -f json` once per program (each run loads the catalog)."""
    if name not in _reports:
        done = run_cli("cost", str(PROGRAMS / name), "-f", "json")
        _reports[name] = (done.returncode, done.stdout, done.stderr)
    code, out, err = _reports[name]
    return code, (json.loads(out) if code == 0 else {}), err


@pytest.mark.parametrize("name", NAMES)
def test_cost_of_a_program_folder(name: str) -> None:
    code, report, err = _cost(name)
    assert code == 0, err
    assert "error" not in err.lower()
    lines = report["resources"]
    assert BILLABLE[name] <= {line["type"] for line in lines}
    assert report["totals"]["monthly_usd"] > 0
    assert any("under mocks" in note for note in report["notes"])


@pytest.mark.parametrize("name", NAMES)
def test_every_billable_resource_is_priced(name: str) -> None:
    """Each resource is priced or free with a reason: nothing partial, unknown or
    unsupported, and no type left out."""
    code, report, err = _cost(name)
    assert code == 0, err
    counts = report["totals"]["resources"]
    assert set(counts) <= {"priced", "free"}, counts
    assert report["unsupported_types"] == {}
    for line in report["resources"]:
        if line["type"] in BILLABLE[name]:
            assert line["status"] == "priced" and line["monthly_usd"] > 0, line


def test_secrets_are_never_printed() -> None:
    ciphertext = "bm90LWEtcmVhbC1zZWNyZXQtdmFsdWUtZm9yLXRlc3Rz"
    _, report, err = _cost("aws-webtier")
    preview = run_cli("preview", str(PROGRAMS / "aws-webtier"), "-f", "json")
    assert preview.returncode == 0, preview.stderr
    for text in (json.dumps(report), err, preview.stdout, preview.stderr):
        assert SECRET_PLACEHOLDER not in text and ciphertext not in text
    graph = json.loads(preview.stdout)
    assert graph["config"]["aws-webtier:dbPassword"] == {"$unknown": "secret"}


@pytest.mark.parametrize("name", ["aws-fargate", "gcp-gke-sql", "azure-vm-lb"])
def test_preview_lists_the_resources(name: str) -> None:
    done = run_cli("preview", str(PROGRAMS / name))
    assert done.returncode == 0, done.stderr
    short = {t.split(":")[-1] for t in BILLABLE[name]}
    assert all(kind in done.stdout for kind in short), done.stdout
    assert "(stack dev)" in done.stdout


def test_check_runs_the_policies_on_a_program() -> None:
    done = run_cli("check", str(PROGRAMS / "aws-eks"), "-f", "json")
    assert done.returncode in (0, 1), done.stderr
    result = json.loads(done.stdout)
    assert result["stack"] == "dev"
    assert any(v["policy"] == "required-tags" for v in result["violations"])
    sarif = run_cli("check", str(PROGRAMS / "aws-eks"), "-f", "sarif")
    assert sarif.returncode in (0, 1), sarif.stderr
    assert "__main__.py" in sarif.stdout  # the program's file is the SARIF artifact


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_a_raising_program_is_exit_2_at_the_users_line(tmp_path: Path) -> None:
    project = _write(
        tmp_path,
        {
            "Pulumi.yaml": "name: broken\nruntime: python\n",
            "sizes.py": "def size_for(stack):\n    return {'prod': 'm5.large'}[stack]\n",
            "__main__.py": "import pulumi\nfrom sizes import size_for\n\nsize_for(pulumi.get_stack())\n",
        },
    )
    done = run_cli("cost", str(project))
    assert done.returncode == 2
    assert f"{project}/sizes.py:2: KeyError: 'dev'" in done.stderr
    assert "{'prod': 'm5.large'}[stack]" in done.stderr
    assert "Traceback" not in done.stderr and "cloudwright/" not in done.stderr


def test_an_error_inside_apply_names_the_lambda(tmp_path: Path) -> None:
    project = _write(
        tmp_path,
        {
            "Pulumi.yaml": "name: broken\nruntime: python\n",
            "__main__.py": "import pulumi_aws as aws\n"
            "b = aws.s3.Bucket('b')\n"
            "b.arn.apply(lambda arn: arn.split(':')[99])\n",
        },
    )
    done = run_cli("preview", str(project))
    assert done.returncode == 2
    assert "__main__.py:3: IndexError" in done.stderr


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        ("name: web\nruntime: nodejs\n", "not supported yet"),
        ("name: web\nruntime:\n  name: go\n", "pulumi preview --json"),
    ],
)
def test_non_python_runtime_is_exit_2(tmp_path: Path, yaml: str, expected: str) -> None:
    _write(tmp_path, {"Pulumi.yaml": yaml, "index.ts": ""})
    done = run_cli("cost", str(tmp_path))
    assert done.returncode == 2
    assert "Pulumi.yaml" in done.stderr and expected in done.stderr


def test_missing_pulumi_yaml_is_exit_2(tmp_path: Path) -> None:
    _write(tmp_path, {"__main__.py": "print('hi')\n"})
    for command in ("cost", "preview", "check"):
        done = run_cli(command, str(tmp_path))
        assert done.returncode == 2 and "no Pulumi.yaml" in done.stderr, command


def test_a_program_that_never_ends_is_stopped(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"Pulumi.yaml": "name: spin\nruntime: python\n", "__main__.py": "while True:\n    pass\n"},
    )
    done = run_cli("cost", str(tmp_path), "--time-limit", "1")
    assert done.returncode == 2
    assert "did not finish within 1 s" in done.stderr and "--time-limit" in done.stderr
    # the process is usable afterwards
    assert _cost("aws-fargate")[0] == 0


def test_a_program_that_recurses_is_exit_2(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "Pulumi.yaml": "name: deep\nruntime: python\n",
            "__main__.py": "def walk(n):\n    return walk(n + 1)\n\nwalk(0)\n",
        },
    )
    done = run_cli("preview", str(tmp_path))
    assert done.returncode == 2
    assert "__main__.py:2: RecursionError" in done.stderr


def test_program_output_does_not_corrupt_json(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "Pulumi.yaml": "name: chatty\nruntime: python\n",
            "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n",
            "__main__.py": "import pulumi_aws as aws\nprint('creating a bucket')\naws.s3.Bucket('b')\n",
        },
    )
    done = run_cli("cost", str(tmp_path), "-f", "json")
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)
    assert "creating a bucket" in done.stderr


def test_stack_option(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "Pulumi.yaml": "name: two\nruntime: python\n",
            "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n",
            "Pulumi.prod.yaml": "config:\n  aws:region: eu-central-1\n",
            "__main__.py": "import pulumi_aws as aws\naws.ec2.Eip('ip', domain='vpc')\n",
        },
    )
    for stack, region in ((None, "us-east-1"), ("prod", "eu-central-1")):
        args = ["--stack", stack] if stack else []
        done = run_cli("cost", str(tmp_path), "-f", "json", *args)
        assert done.returncode == 0, done.stderr
        assert {line["region"] for line in json.loads(done.stdout)["resources"]} == {region}
    missing = run_cli("preview", str(tmp_path), "--stack", "qa")
    assert missing.returncode == 2 and "Pulumi.qa.yaml" in missing.stderr
    assert "dev, prod" in missing.stderr


def test_stack_with_a_file_source_is_refused(tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps({"schema": "cloudwright.graph/v1", "resources": []}))
    done = run_cli("cost", str(graph), "--stack", "prod")
    assert done.returncode == 2 and "--stack" in done.stderr and "--stack-config" in done.stderr
