"""`cloudwright usage generate`: a skeleton listing the usage keys a source's pricers read; it
loads back as it is (changing nothing) and, once filled in, prices those lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _cli import run_cli

from cloudwright.pricing.pipeline import read_usage

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ROOT / "tests" / "golden" / "graphs" / "fleet.graph.json"
PLAN = ROOT / "tests" / "golden" / "plans" / "llm.plan.json"
ENV = {
    "CLOUDWRIGHT_CATALOG": str(ROOT / "tests" / "fixtures" / "catalog"),
    "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000",
}


def fill(text: str, resource: str, values: dict[str, float]) -> str:
    """Uncomment `resource`'s line and the given keys, with these numbers."""
    out = []
    inside = False
    for line in text.splitlines():
        if line == f"  # {resource}:":
            inside, line = True, f"  {resource}:"
        elif inside and line.startswith("  #   "):
            key = line.split(":")[0].removeprefix("  #   ")
            if key in values:
                line = f"    {key}: {values[key]}  # " + line.split("  # ", 1)[1]
        else:
            inside = False
        out.append(line)
    return "\n".join(out) + "\n"


def cost_json(*args: str) -> dict:  # type: ignore[type-arg]
    done = run_cli("cost", *args, "-f", "json", env=ENV)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def component(report: dict, name: str, key: str) -> dict:  # type: ignore[type-arg]
    resource = next(r for r in report["resources"] if r["name"] == name)
    return next(c for c in resource["components"] if c["usage_key"] == key)  # type: ignore[no-any-return]


def test_skeleton_loads_and_once_filled_prices_the_lines(tmp_path: Path) -> None:
    out = tmp_path / "usage.yml"
    done = run_cli("usage", "generate", str(GRAPH), "-o", str(out), env=ENV)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    # every usage-based line waiting in the report is in the skeleton, marked as needed
    before = cost_json(str(GRAPH))
    waiting = {
        (r["name"], c["usage_key"])
        for r in before["resources"]
        for c in r["components"]
        if c["status"] == "usage"
    }
    assert waiting >= {
        ("llm-pretrain-data", "storage_gb"),
        ("egress-nat", "data_processed_gb"),
        ("embed-data", "storage_gb"),
        ("finetunedata", "storage_gb"),
    }
    for name, key in waiting:
        block = text.split(f"  # {name}:\n", 1)[1].split("\n\n", 1)[0]
        assert re.search(rf"#   {key}: null +# needed", block), block
    assert "GB stored in an object store" in text and "workload llm-pretrain" in text
    # as generated it loads and changes nothing
    usage = read_usage(out)
    assert not (usage.resources or usage.defaults or usage.workloads)
    assert cost_json(str(GRAPH), "-u", str(out))["totals"] == before["totals"]
    # filled in, those lines are priced
    filled = fill(text, "llm-pretrain-data", {"storage_gb": 1000, "egress_gb": 10})
    filled = fill(filled, "egress-nat", {"data_processed_gb": 500})
    out.write_text(filled)
    after = cost_json(str(GRAPH), "-u", str(out))
    storage = component(after, "llm-pretrain-data", "storage_gb")
    assert storage["status"] == "priced" and storage["monthly_usd"] == pytest.approx(23.0)
    assert component(after, "llm-pretrain-data", "egress_gb")["quantity"] == 10
    assert component(after, "egress-nat", "data_processed_gb")["status"] == "priced"
    assert after["totals"]["usage_pending"] == before["totals"]["usage_pending"] - 2


def test_plan_values_show_as_current(tmp_path: Path) -> None:
    done = run_cli("usage", "generate", str(PLAN), env=ENV)
    assert done.returncode == 0, done.stderr
    assert re.search(r"#   storage_gb: 50000 +# now 50000 from plan workloads\.llm", done.stdout)
    assert re.search(r"#   hours_per_month: 720 +# now 720 from plan", done.stdout)
    out = tmp_path / "u.yml"
    out.write_text(done.stdout)
    assert not read_usage(out).resources


def test_uncommented_without_a_number_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "usage.yml"
    assert run_cli("usage", "generate", str(GRAPH), "-o", str(out), env=ENV).returncode == 0
    text = out.read_text().replace(
        "  # egress-nat:\n  #   data_processed_gb: null",
        "  egress-nat:\n    data_processed_gb: null",
    )
    out.write_text(text)
    done = run_cli("cost", str(GRAPH), "-u", str(out), env=ENV)
    assert done.returncode == 2 and "data_processed_gb: expected a number" in done.stderr


def test_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "usage.yml"
    out.write_text("mine\n")
    done = run_cli("usage", "generate", str(GRAPH), "-o", str(out), env=ENV)
    assert done.returncode == 2 and "--force" in done.stderr and out.read_text() == "mine\n"
    forced = run_cli("usage", "generate", str(GRAPH), "-o", str(out), "--force", env=ENV)
    assert forced.returncode == 0 and out.read_text().startswith("# Usage file")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


def test_hostile_names_stay_inside_comments(tmp_path: Path) -> None:
    graph = json.loads(GRAPH.read_text())
    bucket = next(r for r in graph["resources"] if r["name"] == "llm-pretrain-data")
    bucket["name"] = "evil\nversion: 2\n\x1b[2J"
    source = tmp_path / "g.json"
    source.write_text(json.dumps(graph))
    out = tmp_path / "usage.yml"
    assert run_cli("usage", "generate", str(source), "-o", str(out), env=ENV).returncode == 0
    assert "\x1b" not in out.read_text() and "\nversion: 2" not in out.read_text()
    read_usage(out)  # still loads
