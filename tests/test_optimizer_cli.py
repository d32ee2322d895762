"""`cloudwright plan` end to end: formats, plan.json, --pareto, --lock, errors and exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudwright.cli import app as app_module
from cloudwright.cli.app import app
from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet import load_fleet
from cloudwright.optimizer.plan import load_plan, parse_plan
from cloudwright.optimizer.planner import plan

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "catalog"

FLEET = """\
version: 1
name: cli-demo
objective: balanced
carbon_price_usd_per_tonne: 190
capacity:
  - {cloud: aws, region: us-east-1, gpu: H100, max_gpus: 16}
workloads:
  - name: pretrain
    kind: training
    gpu: {type: H100, count: 8}
    nodes: 2
    interconnect: required
    utilization: 0.8
  - name: chat
    kind: inference
    gpu: {type: L4}
    replicas: 3
    users: [{name: fra, lat: 50.11, lon: 8.68}]
    latency_slo_ms: 60
"""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG", str(FIXTURE))
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "100000")
    return CliRunner()


@pytest.fixture
def fleet_file(tmp_path: Path) -> Path:
    path = tmp_path / "fleet.yaml"
    path.write_text(FLEET)
    return path


def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    """Through the real entry point, so the single error handler sets the exit code."""
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG", str(FIXTURE))
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "100000")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr("sys.argv", ["cloudwright", *args])
    with pytest.raises(SystemExit) as exit_info:
        app_module.main()
    code = exit_info.value.code
    return int(code) if isinstance(code, int) else 0, capsys.readouterr().err


def test_table_output_explains_and_says_estimates(runner: CliRunner, fleet_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(fleet_file), "--no-profiles"])
    assert result.exit_code == 0, result.output
    out = result.output
    for text in ("pretrain", "chat", "Why", "Best alternatives", "HiGHS", "estimate"):
        assert text in out


def test_json_output_is_the_plan(runner: CliRunner, fleet_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(fleet_file), "-f", "json", "--objective", "cost"])
    assert result.exit_code == 0, result.output
    p = parse_plan(json.loads(result.stdout))
    assert p.objective == "cost" and {a.workload for a in p.assignments} == {"pretrain", "chat"}


def test_short_o_is_out_in_plan_as_everywhere(
    runner: CliRunner, fleet_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(fleet_file), "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert parse_plan(json.loads(out.read_text("utf-8"))).assignments
    assert result.stdout == ""  # with --out, the plan goes to the file only


def test_markdown_output(runner: CliRunner, fleet_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(fleet_file), "-f", "markdown"])
    assert result.exit_code == 0, result.output
    assert "| workload | placement |" in result.stdout and "### Why" in result.stdout


def test_out_writes_a_valid_lock(runner: CliRunner, fleet_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(fleet_file), "--out", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    saved = load_plan(out)
    assert result.stdout == ""
    assert saved.fleet == "cli-demo"
    printed = runner.invoke(app, ["plan", str(fleet_file), "-f", "json"])
    assert parse_plan(json.loads(printed.stdout)).assignments == saved.assignments


def test_pareto_prints_the_frontier_and_writes_an_svg(
    runner: CliRunner, fleet_file: Path, tmp_path: Path
) -> None:
    chart = tmp_path / "frontier.svg"
    result = runner.invoke(
        app, ["plan", str(fleet_file), "--pareto", "--chart", str(chart), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    points = payload["pareto"]
    assert points and points[0]["carbon_price_usd_per_tonne"] == 0
    costs = [p["monthly_usd"] for p in points]
    carbon = [p["carbon_kg_month"] for p in points]
    assert costs == sorted(costs) and carbon == sorted(carbon, reverse=True)
    root = ET.parse(chart).getroot()
    assert root.tag.endswith("svg") and "estimates" in chart.read_text()


def test_lock_shows_the_diff(runner: CliRunner, fleet_file: Path, tmp_path: Path) -> None:
    lock = tmp_path / "plan.json"
    assert runner.invoke(app, ["plan", str(fleet_file), "--out", str(lock)]).exit_code == 0
    result = runner.invoke(app, ["plan", str(fleet_file), "--lock", str(lock)])
    assert result.exit_code == 0, result.output
    assert "Changes against the lock" in result.output and "kept" in result.output


def test_malformed_fleet_exits_2_with_file_and_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(FLEET.replace("    nodes: 2", "    nodez: 2"))
    code, err = run_main(monkeypatch, capsys, "plan", str(bad))
    assert code == 2
    assert f"{bad}:11" in err and "nodez" in err and "did you mean" in err


def test_infeasible_fleet_exits_3_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    impossible = tmp_path / "impossible.yaml"
    impossible.write_text(
        FLEET.replace("max_gpus: 16", "max_gpus: 0").replace(
            "interconnect: required", "interconnect: required\n    clouds: [aws]"
        )
    )
    out = tmp_path / "plan.json"
    code, err = run_main(monkeypatch, capsys, "plan", str(impossible), "--out", str(out))
    assert code == 3
    assert "capacity aws:us-east-1 H100 is 0 GPUs, 16 requested" in err
    assert not out.exists() and list(tmp_path.glob(".plan.json.*")) == []


def test_example_infeasible_fleet_names_the_eu_capacity(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shipped example over the shipped catalog (skips when no snapshot is shipped)."""
    if not (ROOT / "optimizer" / "catalog" / "data" / "manifest.json").is_file():
        pytest.skip("no shipped catalog snapshot")
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "100000")
    monkeypatch.setattr(
        "sys.argv", ["cloudwright", "plan", str(ROOT / "examples" / "infeasible.yaml")]
    )
    monkeypatch.delenv("CLOUDWRIGHT_CATALOG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        app_module.main()
    assert exit_info.value.code == 3
    assert "capacity EU H100 is 32 GPUs, 48 requested" in capsys.readouterr().err


@pytest.mark.parametrize("objective", ["cost", "carbon", "latency", "balanced"])
def test_example_fleet_plans_with_every_objective(objective: str) -> None:
    """examples/fleet.yaml on the shipped snapshot: the demo's four runs."""
    if not (ROOT / "optimizer" / "catalog" / "data" / "manifest.json").is_file():
        pytest.skip("no shipped catalog snapshot")
    catalog = Catalog.load()
    fleet = load_fleet(ROOT / "examples" / "fleet.yaml")
    p = plan(fleet, catalog, objective=objective)  # type: ignore[arg-type]
    assert len(p.assignments) == len(fleet.workloads)
    chat = p.assignment("chat-inference")
    retriever = p.assignment("chat-retriever")
    assert (chat.cloud, chat.region) == (retriever.cloud, retriever.region)
    assert chat.latency_ms is not None and chat.latency_ms <= 80
    assert p.assignment("llm-pretrain").interconnect != "none"
    assert fleet.budget is not None and p.totals.monthly_usd <= fleet.budget.monthly_usd
    eu = p.assignment("eu-analytics")
    assert catalog.region(eu.cloud, eu.region).country in {
        "AUT",
        "BEL",
        "DEU",
        "DNK",
        "ESP",
        "FIN",
        "FRA",
        "IRL",
        "ITA",
        "NLD",
        "POL",
        "SWE",
    }


def test_created_at_or_source_date_epoch_make_the_plan_byte_identical(
    runner: CliRunner, fleet_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outs = [tmp_path / f"plan{i}.json" for i in range(3)]
    for out in outs[:2]:
        args = ["plan", str(fleet_file), "-o", str(out), "--created-at", "2026-12-01T00:00:00"]
        assert runner.invoke(app, args).exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # the same instant
    assert runner.invoke(app, ["plan", str(fleet_file), "-o", str(outs[2])]).exit_code == 0
    first = outs[0].read_bytes()
    assert first == outs[1].read_bytes() == outs[2].read_bytes()
    assert b'"created_at": "2026-12-01T00:00:00+00:00"' in first
    bad = runner.invoke(app, ["plan", str(fleet_file), "--created-at", "yesterday"])
    assert isinstance(bad.exception, InputError) and "ISO-8601" in str(bad.exception)
