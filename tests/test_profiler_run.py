"""Profiling real commands on this machine: energy > 0, exit codes passed through, the CLI.

These run codecarbon for real (about two seconds each: codecarbon's hardware detection
takes most of it), so they share runs through module-scoped fixtures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudwright.cli.app import app
from cloudwright.core.errors import InputError
from cloudwright.profiler.record import Location, Profile
from cloudwright.profiler.runner import ProfileRequest, RunOutcome, run_profiled
from cloudwright.profiler.store import ProfileStore

BUSY = "sum(i*i for i in range(3*10**6)); print('child output')"
CLI = Path(sys.executable).with_name("cloudwright")


def _request(command: list[str], workload: str = "busy") -> ProfileRequest:
    return ProfileRequest(
        command=command,
        workload=workload,
        location=Location(country_iso3="USA"),
        interval_s=1.0,
    )


@pytest.fixture(scope="module")
def busy_run() -> RunOutcome:
    return run_profiled(_request([sys.executable, "-c", BUSY]))


def test_short_command_records_energy(busy_run: RunOutcome) -> None:
    assert busy_run.exit_code == 0
    profile = busy_run.profile
    assert profile is not None
    e = profile.energy
    assert e.total_kwh > 0 and e.cpu_kwh > 0 and e.ram_kwh > 0
    assert e.total_kwh == pytest.approx(e.cpu_kwh + e.gpu_kwh + e.ram_kwh)
    assert profile.duration_s > 0
    assert profile.utilization.cpu_seconds is not None and profile.utilization.cpu_seconds > 0
    assert profile.hardware.cpu_count >= 1 and profile.hardware.ram_total_gb > 0
    assert profile.codecarbon_version.startswith("3.")
    assert profile.measurement.tracking_mode == "process"


def test_profile_says_how_each_part_was_obtained(busy_run: RunOutcome) -> None:
    profile = busy_run.profile
    assert profile is not None
    m = profile.measurement
    notes = " ".join(m.notes)
    if Path("/sys/class/powercap/intel-rapl").exists():
        pytest.skip("this machine exposes RAPL; the fallback path is not exercised")
    assert m.cpu_method == "cpu-load"
    assert "CPU-load fallback, an estimate" in notes and "RAPL" in notes
    assert m.cpu_tdp_w is not None and m.cpu_tdp_source
    if profile.hardware.gpu_count == 0:
        assert m.gpu_method == "none" and profile.energy.gpu_kwh == 0
        assert profile.utilization.gpu is None  # not sampled: null, never a fake 0
        assert "No NVIDIA or AMD GPU found" in notes
    assert "RAM power is codecarbon's model, an estimate" in notes


def test_failing_command_exit_code_passes_through() -> None:
    outcome = run_profiled(_request([sys.executable, "-c", "import sys; sys.exit(3)"], "fails"))
    assert outcome.exit_code == 3
    assert outcome.profile is not None and not outcome.profile.succeeded


def test_missing_command_is_an_input_error() -> None:
    with pytest.raises(InputError, match="command not found"):
        run_profiled(_request(["no-such-command-cloudwright-test"]))


def test_cli_runs_stores_lists_and_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDWRIGHT_HOME", str(tmp_path))
    runner = CliRunner()
    args = ["profile", "--workload", "cli", "--country", "DEU", "--interval", "1", "--"]
    ok = runner.invoke(app, [*args, sys.executable, "-c", BUSY])
    assert ok.exit_code == 0, ok.output
    failed = runner.invoke(app, [*args, sys.executable, "-c", "import sys; sys.exit(3)"])
    assert failed.exit_code == 3
    stored = ProfileStore(tmp_path).history("cli")
    assert [p.exit_code for p in stored] == [0, 3]
    assert stored[0].location.country_iso3 == "DEU"
    assert stored[0].location.grid_intensity_source is not None
    assert stored[0].emissions_kg is not None and stored[0].emissions_kg > 0

    listed = runner.invoke(app, ["profile", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    (newest,) = json.loads(listed.output)
    assert newest["workload"] == "cli" and newest["exit_code"] == 0  # newest *successful*

    shown = runner.invoke(app, ["profile", "show", "cli", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    body = json.loads(shown.output)
    assert body["latest"]["id"] == stored[0].id and len(body["history"]) == 2

    table = runner.invoke(app, ["profile", "show", "cli"])
    assert table.exit_code == 0, table.output
    assert "History (2 runs)" in table.output and "not used by plans" not in table.output


def test_cli_show_scales_to_a_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, busy_run: RunOutcome
) -> None:
    from conftest import FIXTURES

    assert busy_run.profile is not None
    monkeypatch.setenv("CLOUDWRIGHT_HOME", str(tmp_path))
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "100000")
    ProfileStore(tmp_path).add(busy_run.profile)
    result = CliRunner().invoke(
        app,
        [
            *("profile", "show", "busy", "-f", "json", "--on", "aws:p5.48xlarge"),
            *("--utilization", "0.5", "--catalog", str(FIXTURES / "catalog")),
        ],
    )
    assert result.exit_code == 0, result.output
    scaled = json.loads(result.output)["scaled"]
    parts = {p["part"]: p for p in scaled["parts"]}
    assert parts["CPU"]["basis"] == "measured"
    if busy_run.profile.hardware.gpu_count == 0:
        assert parts["GPU"]["basis"] == "modelled"
        assert parts["GPU"]["from_profile_w"] == pytest.approx(parts["GPU"]["modelled_w"])
    assert "scaled to aws:p5.48xlarge" in scaled["source"]


def test_cli_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDWRIGHT_HOME", str(tmp_path))
    runner = CliRunner()
    no_workload = runner.invoke(app, ["profile", "--country", "USA", "--", "true"])
    assert isinstance(no_workload.exception, InputError)
    assert "--workload" in str(no_workload.exception)
    no_where = runner.invoke(app, ["profile", "-w", "x", "--", "true"])
    assert isinstance(no_where.exception, InputError)
    typo = runner.invoke(app, ["profile", "lsit"])
    assert isinstance(typo.exception, InputError) and "list" in str(typo.exception)
    without_dashes = runner.invoke(app, ["profile", "-w", "x", "python3", "t.py"])
    assert "put it after `--`" in str(without_dashes.exception)
    unknown = runner.invoke(app, ["profile", "show", "nothing-here"])
    assert isinstance(unknown.exception, InputError)
    helped = runner.invoke(app, ["profile"])
    assert helped.exit_code == 0 and "list" in helped.output and "--workload" in helped.output
    country = runner.invoke(app, ["profile", "-w", "x", "--country", "USX", "--", "true"])
    assert "did you mean" in str(country.exception) and "USA" in str(country.exception)
    assert not (tmp_path / "profiles.jsonl").exists()  # nothing ran, nothing stored


def test_real_subprocess_streams_output_and_passes_exit_code(tmp_path: Path) -> None:
    env = {**os.environ, "CLOUDWRIGHT_HOME": str(tmp_path)}
    base = [str(CLI), "profile", "-w", "sub", "--country", "FRA", "--interval", "1", "--"]
    script = "import sys; print('to stdout'); print('to stderr', file=sys.stderr); sys.exit(7)"
    done = subprocess.run(
        [*base, sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 7
    assert done.stdout.splitlines()[0] == "to stdout"  # the child's stdout stays clean
    assert "to stderr" in done.stderr and "profiled 'sub'" in done.stderr
    # Options of the command itself (--version) belong to the command, not to us.
    version = subprocess.run(
        [*base, sys.executable, "--version"], capture_output=True, text=True, env=env, timeout=120
    )
    assert version.returncode == 0 and version.stdout.startswith("Python")
    profiles = ProfileStore(tmp_path).history("sub")
    assert [p.exit_code for p in profiles] == [7, 0]
    assert all(isinstance(p, Profile) and p.energy.total_kwh > 0 for p in profiles)


def test_show_prints_commands_literally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_profiler_scaling import make_profile

    monkeypatch.setenv("CLOUDWRIGHT_HOME", str(tmp_path))
    profile = make_profile(workload="lit").model_copy(
        update={"command": ["python", "-c", "print('[bold]x[/bold]')"]}
    )
    ProfileStore(tmp_path).add(profile)
    shown = CliRunner().invoke(app, ["profile", "show", "lit"])
    assert shown.exit_code == 0, shown.output
    assert "[bold]x[/bold]" in shown.output  # not swallowed as Rich markup
    stray = CliRunner().invoke(app, ["profile", "list", "--", "true"])
    assert isinstance(stray.exception, InputError) and "runs nothing" in str(stray.exception)


def test_codecarbon_csv_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDWRIGHT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    base = ["profile", "-w", "csv", "--country", "USA", "--interval", "1"]
    plain = runner.invoke(app, [*base, "--", sys.executable, "-c", "pass"])
    assert plain.exit_code == 0, plain.output
    assert not list(tmp_path.rglob("emissions.csv"))  # nothing in the working directory
    asked = runner.invoke(
        app, [*base, "--codecarbon-csv", str(tmp_path / "cc"), "--", sys.executable, "-c", "pass"]
    )
    assert asked.exit_code == 0, asked.output
    rows = (tmp_path / "cc" / "emissions.csv").read_text().splitlines()
    assert rows[0].startswith("timestamp,project_name") and len(rows) >= 2
    assert ",csv," in rows[-1]  # codecarbon's project_name is the workload


def test_machine_mode_charges_the_whole_machine() -> None:
    request = ProfileRequest(
        command=[sys.executable, "-c", "pass"],
        workload="machine",
        location=Location(country_iso3="USA"),
        interval_s=1.0,
        tracking_mode="machine",
    )
    outcome = run_profiled(request)
    assert outcome.exit_code == 0 and outcome.profile is not None
    profile = outcome.profile
    assert profile.measurement.tracking_mode == "machine"
    assert profile.energy.total_kwh > 0
    if profile.measurement.cpu_method == "cpu-load":
        assert any("whole-machine CPU load" in n for n in profile.measurement.notes)
