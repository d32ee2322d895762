"""`cloudwright catalog ...` through Typer's CliRunner: formats, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudwright.cli.app import app

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "catalog"
SHOW_KEYS = {
    "cloud",
    "region",
    "zone",
    "zone_kind",
    "instance_type",
    "gpu",
    "gpu_count",
    "vcpus",
    "memory_gb",
    "price_on_demand_usd_hr",
    "price_spot_usd_hr",
    "gpu_board_power_w",
    "grid_intensity_g_per_kwh",
    "pue",
    "lat",
    "lon",
}


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG", str(FIXTURE))
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "100000")
    return CliRunner()


def test_stats_json_contract(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["snapshot_date"] == "2026-05-20" and isinstance(data["age_days"], int)
    assert set(data["clouds"]) == {"aws", "gcp", "azure"}
    aws = data["clouds"]["aws"]
    assert {"regions", "instance_types", "gpu_offerings", "gpu_models"} <= set(aws)
    assert aws["gpu_models"] == ["A100-40GB", "H100", "L4"]
    assert aws["regions"] == 2 and aws["instance_types"] == 4


def test_stats_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "stats"])
    assert result.exit_code == 0
    assert "aws" in result.stdout and "A100-40GB" in result.stdout


def test_show_json_has_the_contract_fields(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["catalog", "show", "--cloud", "gcp", "--region", "us-central1", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(set(r) >= SHOW_KEYS for r in rows)
    a3 = next(r for r in rows if r["instance_type"] == "a3-highgpu-8g")
    assert a3["price_on_demand_usd_hr"] == 88.49 and a3["gpu_board_power_w"] == 700.0
    assert (a3["lat"], a3["pue"]) == (41.2619, 1.1)
    prices = [r["price_on_demand_usd_hr"] for r in rows]
    assert prices == sorted(prices)  # cheapest first


def test_show_spot_filters_and_sorts_by_spot(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "show", "--gpu", "h100", "--spot", "-f", "json"])
    rows = json.loads(result.stdout)
    assert rows and all(r["gpu"] == "H100" and r["price_spot_usd_hr"] for r in rows)
    spots = [r["price_spot_usd_hr"] for r in rows]
    assert spots == sorted(spots)
    assert {r["cloud"] for r in rows} == {"aws", "gcp", "azure"}


def test_show_csv(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["catalog", "show", "--instance-type", "p5.48xlarge", "--format", "csv"]
    )
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 and {r["zone"] for r in rows} == {"use1-az2", "use1-az6"}
    assert rows[0]["price_on_demand_usd_hr"] == "55.04"


def test_show_table_limits_and_says_so(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "show", "--limit", "3"])
    assert result.exit_code == 0
    assert "m5.large" in result.stdout  # the cheapest row comes first


@pytest.mark.parametrize(
    ("args", "message", "suggestion"),
    [
        (["--cloud", "awz"], "unknown cloud 'awz'", "aws"),
        (
            ["--cloud", "aws", "--region", "us-east1"],
            "unknown region 'us-east1' in aws",
            "us-east-1",
        ),
        (["--gpu", "H10"], "unknown GPU 'H10'", "H100"),
        (["--instance-type", "p5.48xl"], "unknown instance type 'p5.48xl'", "p5.48xlarge"),
    ],
)
def test_unknown_names_fail_with_closest_valid_ones(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
    suggestion: str,
) -> None:
    from cloudwright.cli import app as app_module

    monkeypatch.setenv("CLOUDWRIGHT_CATALOG", str(FIXTURE))
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "100000")
    monkeypatch.setattr("sys.argv", ["cloudwright", "catalog", "show", *args])
    with pytest.raises(SystemExit) as exit_info:
        app_module.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "did you mean" in err and suggestion in err


def test_stale_snapshot_warns_with_its_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG", str(FIXTURE))
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "30")
    result = CliRunner().invoke(app, ["catalog", "stats", "-f", "json"])
    assert result.exit_code == 0
    assert "2026-05-20" in result.stderr and "days old" in result.stderr


def test_refresh_offline_exits_with_network_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import shutil
    import urllib.error
    import urllib.request

    from cloudwright.cli import app as app_module

    target = tmp_path / "snap"
    shutil.copytree(FIXTURE, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def offline(*args: object, **kwargs: object) -> None:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.setattr(
        "sys.argv",
        ["cloudwright", "catalog", "refresh", "--cloud", "azure", "--catalog", str(target)],
    )
    with pytest.raises(SystemExit) as exit_info:
        app_module.main()
    assert exit_info.value.code == 6
    assert "Temporary failure" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_build_from_missing_dir_is_a_data_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from cloudwright.cli import app as app_module

    monkeypatch.setattr(
        "sys.argv",
        [
            "cloudwright",
            "catalog",
            "build",
            "--from-skypilot",
            str(tmp_path / "nope"),
            "--reference",
            str(tmp_path / "no-reference"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    with pytest.raises(SystemExit) as exit_info:
        app_module.main()
    assert exit_info.value.code == 4
    err = capsys.readouterr().err
    # Either input may be reported first; both are named, nothing is written.
    assert "no SkyPilot catalog for aws" in err or "reference input missing" in err
    assert not (tmp_path / "out").exists()


def test_build_from_malformed_skypilot_csvs_is_a_data_error(
    shared_data: Path, tmp_path: Path
) -> None:
    from _cli import run_cli

    for cloud in ("aws", "gcp", "azure"):
        (tmp_path / "sky" / cloud).mkdir(parents=True)
        (tmp_path / "sky" / cloud / "vms.csv").write_text("foo,bar\n1,2\n")
    done = run_cli(
        "catalog", "build", "--from-skypilot", str(tmp_path / "sky"),
        "--reference", str(shared_data), "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert done.returncode == 4 and "malformed catalog source" in done.stderr
    assert not (tmp_path / "out").exists()
