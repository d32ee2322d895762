"""`cloudwright cost` and `cloudwright diff` end to end: in-process through the real entry
point, and once as the installed console script for the real exit code."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _cli import run_cli

ROOT = Path(__file__).resolve().parent.parent
FLEET = ROOT / "tests" / "golden" / "graphs" / "fleet.graph.json"
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"


ENV = {
    "CLOUDWRIGHT_CATALOG": str(FIXTURE_CATALOG),
    "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000",
    "COLUMNS": "160",
}


def cloudwright(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=stdin, cwd=cwd or ROOT, env=ENV)


def console_script(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed `cloudwright` script in its own process: the real exit code."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "cloudwright"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_table_to_terminal() -> None:
    done = cloudwright("cost", str(FLEET))
    assert done.returncode == 0, done.stderr
    assert "llm-pretrain-asg" in done.stdout and "Monthly total" in done.stdout


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("json", lambda text: json.loads(text)["schema"] == "cloudwright.cost/v1"),
        ("csv", lambda text: "resource_status" in text.splitlines()[0]),
        ("markdown", lambda text: text.startswith("### Cloudwright cost estimate")),
        ("html", lambda text: text.startswith("<!doctype html>")),
        ("focus", lambda text: "BilledCost" in text.splitlines()[0]),
    ],
)
def test_formats_to_file(tmp_path: Path, fmt: str, check: object) -> None:
    out = tmp_path / f"report.{fmt}"
    done = cloudwright("cost", str(FLEET), "--format", fmt, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert callable(check) and check(out.read_text("utf-8"))
    assert "monthly estimate $" in done.stderr


def test_fail_above_writes_then_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "cost.json"
    done = console_script("cost", str(FLEET), "-f", "json", "-o", str(out), "--fail-above", "1000")
    assert done.returncode == 1
    assert "exceeds --fail-above $1,000" in done.stderr
    assert json.loads(out.read_text())["totals"]["monthly_usd"] > 1000
    # The fleet has unpriced parts: under the limit, the gate cannot show it holds (fail
    # closed) unless told to pass with a note.
    closed = cloudwright("cost", str(FLEET), "-f", "json", "-o", str(out), "--fail-above", "1e7")
    assert closed.returncode == 1 and "cannot be shown to hold" in closed.stderr
    ok = cloudwright(
        "cost",
        str(FLEET),
        "-f",
        "json",
        "-o",
        str(out),
        "--fail-above",
        "1e7",
        "--unpriced",
        "pass-with-note",
    )
    assert ok.returncode == 0
    assert "lower bound" in ok.stderr


def test_stdin_and_usage_file(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("resources:\n  llm-pretrain-data: {storage_gb: 1000}\n")
    done = cloudwright("cost", "-", "--usage", str(usage), "-f", "csv", stdin=FLEET.read_text())
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    data = next(r for r in rows if r["name"] == "llm-pretrain-data")
    assert float(data["monthly_usd"]) == pytest.approx(23.0)


def test_bad_usage_file_is_a_clean_error(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("resources:\n  x: {storage: 1}\n")
    done = cloudwright("cost", str(FLEET), "--usage", str(usage))
    assert done.returncode == 2
    assert f"{usage}:2" in done.stderr and "unknown usage key 'storage'" in done.stderr
    assert "Traceback" not in done.stderr


def test_stack_config_places_an_export(tmp_path: Path) -> None:
    export = {
        "version": 3,
        "deployment": {
            "resources": [
                {
                    "urn": "urn:pulumi:dev::p::aws:ebs/volume:Volume::v",
                    "type": "aws:ebs/volume:Volume",
                    "custom": True,
                    "inputs": {"size": 100, "type": "gp3"},
                }
            ]
        },
    }
    source = tmp_path / "export.json"
    source.write_text(json.dumps(export))
    config = tmp_path / "Pulumi.dev.yaml"
    config.write_text("config:\n  aws:region: us-east-1\n")
    done = cloudwright("cost", str(source), "--stack-config", str(config), "-f", "json")
    report = json.loads(done.stdout)
    assert report["resources"][0]["region"] == "us-east-1"
    assert report["totals"]["monthly_usd"] == pytest.approx(8.0)


def test_diff_two_reports(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    assert cloudwright("cost", str(FLEET), "-f", "json", "-o", str(old)).returncode == 0
    data = json.loads(FLEET.read_text())
    data["resources"] = [r for r in data["resources"] if r["name"] != "egress-nat"]
    new = tmp_path / "new.graph.json"
    new.write_text(json.dumps(data))
    done = cloudwright("diff", str(old), str(new), "-f", "json")
    assert done.returncode == 0, done.stderr
    diff = json.loads(done.stdout)
    removed = [r for r in diff["resources"] if r["change"] == "removed"]
    assert [r["name"] for r in removed] == ["egress-nat"]
    assert diff["totals"]["delta_monthly_usd"] == pytest.approx(-0.045 * 730)
    md = cloudwright("diff", str(old), str(new), "-f", "markdown")
    assert md.stdout.startswith("### Cloudwright cost diff")


def test_no_source_and_no_plan_explains(tmp_path: Path) -> None:
    done = cloudwright("cost", cwd=tmp_path)
    assert done.returncode == 2 and "no source given and no plan found" in done.stderr
