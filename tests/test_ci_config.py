"""`cloudwright cost --config cloudwright.yml`: several projects priced, each on its own and in
a combined total that is their sum and stays partial when a project is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _cli import run_cli

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ROOT / "tests" / "golden" / "graphs" / "fleet.graph.json"  # has unpriced resources
PLAN = ROOT / "tests" / "golden" / "plans" / "llm.plan.json"
ENV = {
    "CLOUDWRIGHT_CATALOG": str(ROOT / "tests" / "fixtures" / "catalog"),
    "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000",
}
FLEET = """\
version: 1
name: chat-fleet
objective: cost
workloads:
  - name: chat
    kind: inference
    gpu: {type: L4}
    replicas: 2
"""
CONFIG = """\
version: 1
projects:
  - name: platform
    source: sources/fleet.graph.json
  - name: llm
    source: sources/llm.plan.json
    usage: usage.yml
  - name: chat
    fleet: fleets/chat.yaml
"""


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """Three projects laid out beside the config file (paths in it are relative to it)."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "fleets").mkdir()
    shutil.copy(GRAPH, tmp_path / "sources")
    shutil.copy(PLAN, tmp_path / "sources")
    (tmp_path / "fleets" / "chat.yaml").write_text(FLEET)
    (tmp_path / "usage.yml").write_text('defaults:\n  "*": {egress_gb: 100}\n')
    (tmp_path / "cloudwright.yml").write_text(CONFIG)
    return tmp_path


def cost(*args: str, cwd: Path = ROOT) -> tuple[int, str, str]:
    done = run_cli("cost", *args, env=ENV, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


def test_combined_is_the_sum_and_stays_partial(project_dir: Path) -> None:
    code, out, err = cost("--config", str(project_dir / "cloudwright.yml"), "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "cloudwright.cost-projects/v1"
    names = [p["name"] for p in doc["projects"]]
    assert names == ["platform", "llm", "chat"]
    monthly = [p["report"]["totals"]["monthly_usd"] for p in doc["projects"]]
    carbon = [p["report"]["totals"]["carbon_kg_month"] for p in doc["projects"]]
    assert all(m > 0 for m in monthly)
    assert doc["totals"]["monthly_usd"] == pytest.approx(sum(monthly))
    assert doc["totals"]["carbon_kg_month"] == pytest.approx(sum(carbon))
    # The graph has an unsupported type and an unknown price: the combined total says so.
    assert doc["totals"]["complete"] is False and doc["totals"]["status"] == "partial"
    assert doc["totals"]["partial_projects"] == ["platform"]
    assert doc["totals"]["unknown_components"] >= 1
    assert "lower bound" in err
    # Each project alone is priced the way `cloudwright cost` prices it.
    alone = json.loads(cost(str(PLAN), "-f", "json", "-u", str(project_dir / "usage.yml"))[1])
    assert monthly[1] == pytest.approx(alone["totals"]["monthly_usd"])
    assert doc["projects"][1]["origin"] == "sources/llm.plan.json"


def test_complete_projects_make_a_complete_total(project_dir: Path) -> None:
    config = project_dir / "cloudwright.yml"
    config.write_text(CONFIG.replace("sources/fleet.graph.json", "sources/llm.plan.json"))
    code, out, _ = cost("--config", str(config), "-f", "json")
    totals = json.loads(out)["totals"]
    assert code == 0 and totals["complete"] is True and totals["status"] == "complete"


def test_table_markdown_and_gate(project_dir: Path) -> None:
    config = str(project_dir / "cloudwright.yml")
    code, out, _ = cost("--config", config)
    assert code == 0 and "Combined total" in out and "lower bound" in out
    code, out, _ = cost("--config", config, "-f", "markdown")
    assert out.startswith("### Cloudwright cost estimate: 3 projects")
    assert "| platform |" in out and "Partial:" in out
    code, _, err = cost("--config", config, "--fail-above", "1000")
    assert code == 1 and "combined monthly estimate" in err


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("version: 1\nprojects:\n  - name: a\n    sourc: x.json\n", 4, "projects[0].sourc"),
        ("version: 1\nprojects:\n  - name: a\n", 3, "exactly one of `source`"),
        (
            "version: 1\nprojects:\n  - name: a\n    source: x.json\n    fleet: f.yaml\n",
            3,
            "exactly one",
        ),
        ("version: 2\nprojects:\n  - {name: a, source: x.json}\n", 1, "version"),
        ("version: 1\nprojects: []\n", 2, "projects"),
        (
            "version: 1\nprojects:\n  - {name: a, source: x.json}\n  - {name: a, source: y.json}\n",
            4,
            "already used",
        ),
        ("version: 1\nprojects:\n  - {name: 'a b', source: x.json}\n", 3, "projects[0].name"),
    ],
)
def test_bad_config_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    config = tmp_path / "cloudwright.yml"
    config.write_text(text)
    code, _, err = cost("--config", str(config))
    assert code == 2, err
    assert f"{config}:{line}" in err and needle in err


def test_missing_source_and_conflicting_options(project_dir: Path) -> None:
    config = project_dir / "cloudwright.yml"
    (project_dir / "sources" / "llm.plan.json").unlink()
    code, _, err = cost("--config", str(config))
    assert code == 2 and "llm.plan.json" in err
    for extra in (["-u", "usage.yml"], [str(PLAN)], ["-f", "csv"]):
        code, _, err = cost("--config", str(config), *extra)
        assert code == 2 and "--config" in err
