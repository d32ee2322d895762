"""`cloudwright diff --fail-above-delta / --fail-above-delta-pct`: exit 1 past the limit (the
output written first), fail closed when the change cannot be decided, bad limits exit 2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from _cli import run_cli

from cloudwright.core.errors import InputError
from cloudwright.reports.diff import CostDiff, Delta, Thresholds, gate

ROOT = Path(__file__).resolve().parent.parent
FLEET = ROOT / "tests" / "golden" / "graphs" / "fleet.graph.json"
ENV = {
    "CLOUDWRIGHT_CATALOG": str(ROOT / "tests" / "fixtures" / "catalog"),
    "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000",
}


def _graph(path: Path, *sizes: int) -> Path:
    """A graph of gp3 volumes in us-east-1 (fixture catalog: $0.08/GB-month), all priced."""
    resources = [
        {
            "urn": f"urn:pulumi:dev::p::aws:ebs/volume:Volume::v{i}",
            "type": "aws:ebs/volume:Volume",
            "name": f"v{i}",
            "cloud": "aws",
            "region": "us-east-1",
            "inputs": {"size": size, "type": "gp3"},
        }
        for i, size in enumerate(sizes)
    ]
    doc = {"schema": "cloudwright.graph/v1", "source": "stack-export", "resources": resources}
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    old = _graph(tmp_path / "old.graph.json", 100)  # $8
    new = _graph(tmp_path / "new.graph.json", 100, 100)  # $16: +$8, +100 %
    return str(old), str(new)


def diff(*args: str) -> tuple[int, str, str]:
    done = run_cli("diff", *args, env=ENV)
    return done.returncode, done.stdout, done.stderr


def test_delta_usd_limit(pair: tuple[str, str], tmp_path: Path) -> None:
    assert diff(*pair, "--fail-above-delta", "8.5")[0] == 0
    out = tmp_path / "diff.json"
    code, _, err = diff(*pair, "--fail-above-delta", "7.5", "-f", "json", "-o", str(out))
    assert code == 1 and "exceeds --fail-above-delta $7.50" in err
    written = json.loads(out.read_text())  # the output exists before the gate trips
    assert written["totals"]["delta_monthly_usd"] == pytest.approx(8.0)


def test_delta_pct_limit(pair: tuple[str, str]) -> None:
    assert diff(*pair, "--fail-above-delta-pct", "100.5")[0] == 0
    code, _, err = diff(*pair, "--fail-above-delta-pct", "99")
    assert code == 1 and "+100.0% exceeds --fail-above-delta-pct 99.0%" in err


def test_a_decrease_passes_any_limit(pair: tuple[str, str]) -> None:
    new, old = pair
    assert diff(old, new, "--fail-above-delta", "0", "--fail-above-delta-pct", "0")[0] == 0


def test_any_rise_from_zero_exceeds_a_percentage(tmp_path: Path) -> None:
    empty = _graph(tmp_path / "empty.graph.json")
    one = _graph(tmp_path / "one.graph.json", 10)
    code, _, err = diff(str(empty), str(one), "--fail-above-delta-pct", "1000")
    assert code == 1 and "an increase from $0" in err
    assert diff(str(empty), str(one), "--fail-above-delta", "1")[0] == 0  # $0.80


def test_fails_closed_on_unpriced_resources(pair: tuple[str, str]) -> None:
    # The fleet graph has an unsupported type and a resource of unknown price: no number of
    # dollars can be said to be under the limit, so the gate fails with that reason.
    code, _, err = diff(str(FLEET), str(FLEET), "--fail-above-delta", "1000000000")
    assert code == 1
    assert "cannot be decided" in err and "finetune-lustre" in err
    assert diff(pair[0], str(FLEET), "--fail-above-delta-pct", "1e9")[0] == 1
    assert diff(str(FLEET), str(FLEET))[0] == 0  # no threshold, no gate


@pytest.mark.parametrize(
    "option", ["--fail-above-delta=-1", "--fail-above-delta-pct=-0.5", "--fail-above-delta=nan"]
)
def test_bad_limits_are_usage_errors(pair: tuple[str, str], option: str) -> None:
    code, _, err = diff(*pair, option)
    assert code == 2 and option.split("=")[0] in err


def test_gate_in_the_library() -> None:
    with pytest.raises(InputError):
        Thresholds(delta_usd=-1)
    with pytest.raises(InputError):
        Thresholds(delta_pct=math.nan)
    broken = CostDiff("a", "b", [], [], Delta(1.0, math.nan), complete=True)
    assert "cannot be decided" in gate(broken, Thresholds(delta_usd=1))[0]
    fine = CostDiff("a", "b", [], [], Delta(10.0, 12.0), complete=True)
    assert gate(fine, Thresholds()) == []
    assert gate(fine, Thresholds(delta_usd=2)) == []
    assert len(gate(fine, Thresholds(delta_usd=1.99, delta_pct=19))) == 2
