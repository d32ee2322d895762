"""`cost --fail-above` fails closed on a lower bound (like the monthly-budget policy), and
`cost --policy-config` hands the HTML report its budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli import run_cli

ROOT = Path(__file__).resolve().parent.parent
ENV = {
    "CLOUDWRIGHT_CATALOG": str(ROOT / "tests" / "fixtures" / "catalog"),
    "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000",
}


def _graph(path: Path, *, unsupported: bool) -> str:
    """Two 100 GB gp3 volumes in us-east-1 ($16/month in the fixture catalog), plus a
    resource type nothing prices when `unsupported`."""
    resources = [
        {
            "urn": f"urn:pulumi:dev::p::aws:ebs/volume:Volume::v{i}",
            "type": "aws:ebs/volume:Volume",
            "name": f"v{i}",
            "cloud": "aws",
            "region": "us-east-1",
            "inputs": {"size": 100, "type": "gp3"},
        }
        for i in range(2)
    ]
    if unsupported:
        resources.append(
            {
                "urn": "urn:pulumi:dev::p::aws:quantum/computer:Computer::q",
                "type": "aws:quantum/computer:Computer",
                "name": "q",
                "cloud": "aws",
                "region": "us-east-1",
                "inputs": {},
            }
        )
    doc = {"schema": "cloudwright.graph/v1", "source": "stack-export", "resources": resources}
    path.write_text(json.dumps(doc))
    return str(path)


def cost(*args: str) -> tuple[int, str, str]:
    done = run_cli("cost", *args, env=ENV)
    return done.returncode, done.stdout, done.stderr


def test_complete_total_passes_under_and_fails_over(tmp_path: Path) -> None:
    graph = _graph(tmp_path / "g.json", unsupported=False)
    assert cost(graph, "-f", "json", "--fail-above", "17")[0] == 0
    code, _, err = cost(graph, "-f", "json", "--fail-above", "15")
    assert code == 1 and "exceeds --fail-above $15" in err


def test_lower_bound_under_the_limit_fails_closed(tmp_path: Path) -> None:
    graph = _graph(tmp_path / "g.json", unsupported=True)
    code, _, err = cost(graph, "-f", "json", "--fail-above", "1000")
    assert code == 1
    assert "lower bound" in err and "cannot be shown to hold" in err
    assert "--unpriced pass-with-note" in err
    code, _, err = cost(graph, "-f", "json", "--fail-above", "1000", "--unpriced", "pass-with-note")
    assert code == 0 and "passed: --unpriced pass-with-note" in err
    # Over the limit is over the limit, whatever the option says.
    code, _, err = cost(graph, "-f", "json", "--fail-above", "1", "--unpriced", "pass-with-note")
    assert code == 1 and "exceeds --fail-above" in err


def test_unpriced_takes_only_its_two_values(tmp_path: Path) -> None:
    graph = _graph(tmp_path / "g.json", unsupported=True)
    assert cost(graph, "--fail-above", "1", "--unpriced", "ignore")[0] == 2


@pytest.mark.parametrize(("cap", "shown"), [(12, True), (None, False)])
def test_policy_config_budget_reaches_the_html(
    tmp_path: Path, cap: int | None, shown: bool
) -> None:
    graph = _graph(tmp_path / "g.json", unsupported=False)
    config = tmp_path / "policy.yaml"
    config.write_text(
        f"monthly-budget:\n  monthlyUsd: {cap}\n" if cap is not None else "required-tags: {}\n"
    )
    out = tmp_path / "report.html"
    code, _, err = cost(graph, "-f", "html", "-o", str(out), "--policy-config", str(config))
    assert code == 0, err
    html = out.read_text()
    assert ("policy.yaml monthly-budget.monthlyUsd" in html) is shown


def test_bad_policy_config_names_the_field(tmp_path: Path) -> None:
    graph = _graph(tmp_path / "g.json", unsupported=False)
    config = tmp_path / "policy.yaml"
    config.write_text("monthly-budget:\n  monthlyUsd: lots\n")
    code, _, err = cost(graph, "-f", "html", "--policy-config", str(config))
    assert code == 2 and "monthlyUsd" in err


def test_the_plans_fleet_budget_reaches_the_html(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    _graph(path, unsupported=False)
    doc = json.loads(path.read_text())
    doc["budget_monthly_usd"] = 20
    path.write_text(json.dumps(doc))
    out = tmp_path / "report.html"
    code, _, err = cost(str(path), "-f", "html", "-o", str(out))
    assert code == 0, err
    assert "fleet budget.monthly_usd" in out.read_text()
    code, out_json, _ = cost(str(path), "-f", "json")
    assert json.loads(out_json)["source"]["budget_monthly_usd"] == 20
    doc["budget_monthly_usd"] = -5
    path.write_text(json.dumps(doc))
    code, _, err = cost(str(path), "-f", "json")
    assert code == 2 and "budget_monthly_usd" in err
