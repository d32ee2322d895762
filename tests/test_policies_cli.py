"""`cloudwright check`: formats, --out, exit codes (1 on a mandatory violation, 0 when only
advisories remain, 2 on a bad policy configuration)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _cli import run_cli
from _policy_graphs import FIXTURES
from typer.testing import CliRunner

from cloudwright.cli.app import app
from cloudwright.core.errors import ThresholdExceeded

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "tests" / "fixtures" / "catalog"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG", str(CATALOG))
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "100000")
    return CliRunner()


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, "utf-8")
    return path


def test_table_names_policy_urn_and_fix_then_fails(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", str(FIXTURES / "aws_insecure.json")])
    assert isinstance(result.exception, ThresholdExceeded)  # the app's handler exits 1 on it
    out = result.stdout
    assert "MANDATORY no-open-admin-ports" in out
    assert (
        "urn:pulumi:prod::cloudwright::cloudwright:aws:Network$aws:ec2/securityGroup:SecurityGroup::nodes-sg"
        in out
    )
    assert "ingress[1] opens 22 (SSH) to 0.0.0.0/0: restrict the source" in out
    assert "ADVISORY  required-tags" in out
    assert "FAILED:" in out


def test_advisories_only_exit_zero(runner: CliRunner, tmp_path: Path) -> None:
    config = _config(tmp_path, "all: advisory\n")
    result = runner.invoke(app, ["check", str(FIXTURES / "aws_insecure.json"), "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert "passed: 0 mandatory" in result.stdout and "ADVISORY" in result.stdout


def test_json_output(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    result = runner.invoke(
        app, ["check", str(FIXTURES / "gcp_secure.json"), "-f", "json", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["schema"] == "cloudwright.policy-result/v1" and data["passed"] is True
    assert (
        data["summary"]["resources"] > 0 and len(data["policies"]) == 12
    )  # 11 + private-cluster-endpoint
    assert "passed:" in result.stderr


def test_sarif_output_uses_the_source_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "check.sarif"
    result = runner.invoke(
        app, ["check", "tests/fixtures/policies/azure_insecure.json", "-f", "sarif", "-o", str(out)]
    )
    assert isinstance(result.exception, ThresholdExceeded)
    log = json.loads(out.read_text())
    item = log["runs"][0]["results"][0]
    uri = item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "tests/fixtures/policies/azure_insecure.json"


def test_bad_config_is_a_clear_input_error(runner: CliRunner, tmp_path: Path) -> None:
    from cloudwright.core.errors import InputError

    config = _config(tmp_path, "monthly-budget:\n  monthlyUSD: 5\n")
    result = runner.invoke(app, ["check", str(FIXTURES / "aws_secure.json"), "-c", str(config)])
    assert isinstance(result.exception, InputError)
    assert str(result.exception).startswith(
        f"{config}:2: monthly-budget.monthlyUSD: unknown setting"
    )


def test_exit_codes_through_the_console_script(tmp_path: Path) -> None:
    env = {"CLOUDWRIGHT_CATALOG": str(CATALOG), "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000"}
    script = Path(sys.executable).parent / "cloudwright"
    # The process boundary once (the console script's real exit status) …
    failing = subprocess.run(
        [str(script), "check", str(FIXTURES / "aws_insecure.json")],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
        cwd=tmp_path,
    )
    assert failing.returncode == 1
    assert "mandatory policy violation(s)" in failing.stderr

    # … and the other codes through the same entry point, in-process.
    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli("check", *args, env=env, cwd=tmp_path)

    passing = check(str(FIXTURES / "aws_secure.json"))
    assert passing.returncode == 0, passing.stderr
    bad = _config(tmp_path, "gpu-fabric: mandetory\n")
    config_error = check(str(FIXTURES / "aws_secure.json"), "-c", str(bad))
    assert config_error.returncode == 2
    assert "unknown enforcement level 'mandetory'" in config_error.stderr
    assert "did you mean: mandatory" in config_error.stderr
