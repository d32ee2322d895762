"""The hostile-input corpus: one named case per way a reader has been broken, run through the
real entry point. Each case states the exit code and a piece of the message it must give:
2 for the user's input, 4 for the catalog, 1 only for a failed gate; never a traceback,
never an internal error (70)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _cli import run_cli
from _hostile import ENV, FIXTURE_CATALOG, FLEET_FILE, GRAPH_FILE, PLAN_FILE, deep

GRAPH = json.loads(GRAPH_FILE.read_text("utf-8"))
PLAN = json.loads(PLAN_FILE.read_text("utf-8"))
SMALL_FLEET = """\
version: 1
objective: cost
workloads:
  - name: chat
    kind: inference
    gpu: {type: L4}
    replicas: 2
"""

DEFERRABLE = """\
version: 1
objective: carbon
workloads:
  - name: embed
    kind: batch
    gpu: {{type: L4}}
    deferrable: {{window_hours: 24, intensity_csv: "{csv}"}}
"""

Setup = Callable[[Path], list[str]]


def _intensity_csv(bad: str) -> str:
    """Two weeks of hourly intensity with one bad value."""
    rows = [f"2024-01-{1 + h // 24:02d}T{h % 24:02d}:00:00Z,{300 + h % 24}" for h in range(24 * 14)]
    rows[5] = rows[5].rsplit(",", 1)[0] + "," + bad
    return "timestamp,g_per_kwh\n" + "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Case:
    setup: Setup  # writes what the case needs under the folder, returns the CLI arguments
    code: int
    message: str  # a piece of stderr
    stdin: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    absent: str | None = None  # a file the command must not have written


def _write(folder: Path, name: str, content: str | bytes) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return str(path)


def _graph(**changes: object) -> str:
    graph = json.loads(json.dumps(GRAPH))
    for key, value in changes.items():
        if key == "provider":
            graph["resources"][3]["provider"] = value
        else:
            graph[key] = value
    return json.dumps(graph)


def _plan_with(field_name: str, value: object) -> str:
    plan = json.loads(json.dumps(PLAN))
    plan["assignments"][0][field_name] = value
    return json.dumps(plan)


def _catalog(folder: Path, damage: Callable[[Path], None]) -> str:
    root = folder / "catalog"
    shutil.copytree(FIXTURE_CATALOG, root)
    damage(root)
    return str(root)


def _replace_cell(root: Path, table: str, column: str, value: str) -> None:
    path = root / f"{table}.csv"
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index(column)] = value
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _drop_from_manifest(root: Path, table: str) -> None:
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    del manifest["tables"][table]
    (root / "manifest.json").write_text(json.dumps(manifest), "utf-8")


def _profile_home(folder: Path, line: str) -> dict[str, str]:
    _write(folder, "home/profiles.jsonl", line + "\n")
    return {"CLOUDWRIGHT_HOME": str(folder / "home")}


G = str(GRAPH_FILE)
CASES: dict[str, Case] = {
    # ---- numbers: finite or refused, gates fail closed
    "usage NaN hours with --fail-above 1": Case(
        lambda d: [
            "cost",
            G,
            "--fail-above",
            "1",
            "--usage",
            _write(d, "u.yaml", 'version: 1\ndefaults:\n  "*": {hours_per_month: .nan}\n'),
        ],
        2,
        "u.yaml:3: defaults.*.hours_per_month: expected a finite number",
    ),
    "usage negative storage": Case(
        lambda d: [
            "cost",
            G,
            "--usage",
            _write(d, "u.yaml", "version: 1\nresources:\n  llm-data: {storage_gb: -5}\n"),
        ],
        2,
        "u.yaml:3: resources.llm-data.storage_gb: -5 is out of range",
    ),
    "usage 10**400": Case(
        lambda d: [
            "cost",
            G,
            "--usage",
            _write(d, "u.yaml", f"version: 1\nresources:\n  x: {{egress_gb: {10**400}}}\n"),
        ],
        2,
        "u.yaml:3: resources.x.egress_gb: integer too large",
    ),
    "--fail-above nan": Case(
        lambda d: ["cost", G, "--fail-above", "nan"], 2, "Invalid value for '--fail-above'"
    ),
    "--fail-above inf": Case(
        lambda d: ["cost", G, "--fail-above", "inf"], 2, "inf is not a finite number"
    ),
    "plan nodes: -3": Case(
        lambda d: ["cost", _write(d, "p.json", _plan_with("nodes", -3))],
        2,
        "assignments.0.nodes: Input should be greater than or equal to 1 (got -3)",
    ),
    "plan negative hours": Case(
        lambda d: ["cost", _write(d, "p.json", _plan_with("hours_per_month", -720))],
        2,
        "assignments.0.hours_per_month",
    ),
    "plan negative price": Case(
        lambda d: ["cost", _write(d, "p.json", _plan_with("hourly_usd", -1))],
        2,
        "assignments.0.hourly_usd",
    ),
    "plan utilisation 7": Case(
        lambda d: ["cost", _write(d, "p.json", _plan_with("gpu_utilization", 7))],
        2,
        "assignments.0.gpu_utilization",
    ),
    "fleet .inf egress writes no plan": Case(
        lambda d: [
            "plan",
            _write(d, "f.yaml", SMALL_FLEET + "    egress_gb_month: .inf\n"),
            "--out",
            str(d / "plan.json"),
        ],
        2,
        "f.yaml:8: workloads[0].egress_gb_month: Input should be a finite number",
        absent="plan.json",
    ),
    "fleet .nan object_tb": Case(
        lambda d: ["plan", _write(d, "f.yaml", SMALL_FLEET + "    storage: {object_tb: .nan}\n")],
        2,
        "f.yaml:8: workloads[0].storage.object_tb: Input should be a finite number",
    ),
    "fleet .inf carbon price": Case(
        lambda d: [
            "plan",
            _write(
                d,
                "f.yaml",
                SMALL_FLEET.replace(
                    "objective: cost", "objective: cost\ncarbon_price_usd_per_tonne: .inf"
                ),
            ),
        ],
        2,
        "f.yaml:3: carbon_price_usd_per_tonne: Input should be a finite number",
    ),
    "fleet negative count": Case(
        lambda d: ["plan", _write(d, "f.yaml", SMALL_FLEET.replace("replicas: 2", "replicas: -2"))],
        2,
        "f.yaml:7: workloads[0].replicas: Input should be greater than or equal to 1",
    ),
    "fleet 10**400": Case(
        lambda d: [
            "plan",
            _write(d, "f.yaml", SMALL_FLEET.replace("replicas: 2", f"replicas: {10**400}")),
        ],
        2,
        "f.yaml:7: workloads[0].replicas: integer too large",
    ),
    "intensity CSV is a directory": Case(
        lambda d: [
            "plan",
            _write(d, "f.yaml", DEFERRABLE.format(csv=d)),
        ],
        2,
        "is a directory, not an intensity CSV",
    ),
    "intensity CSV with an infinite value": Case(
        lambda d: [
            "plan",
            _write(
                d, "f.yaml", DEFERRABLE.format(csv=_write(d, "grid.csv", _intensity_csv("inf")))
            ),
        ],
        2,
        "an infinite carbon intensity",
    ),
    "--carbon-price nan": Case(
        lambda d: ["plan", str(FLEET_FILE), "--carbon-price", "nan"],
        2,
        "Invalid value for '--carbon-price'",
    ),
    "policy monthlyUsd .nan": Case(
        lambda d: [
            "check",
            G,
            "-c",
            _write(
                d, "pc.yaml", "monthly-budget: {enforcementLevel: mandatory, monthlyUsd: .nan}\n"
            ),
        ],
        2,
        "pc.yaml:1: monthly-budget.monthlyUsd: expected a finite number",
    ),
    "profile store NaN energy": Case(
        lambda d: ["profile", "list"],
        4,
        "profiles.jsonl:1: NaN is not a number",
        env={"CLOUDWRIGHT_HOME": "home"},
    ),
    "stack config bootDiskGb 0": Case(
        lambda d: [
            "cost",
            str(PLAN_FILE),
            "--stack-config",
            _write(
                d, "Pulumi.dev.yaml", "config:\n  cloudwright:workloads:\n    x: {bootDiskGb: 0}\n"
            ),
        ],
        2,
        "bootDiskGb must be a whole number of GB from 1 to 65536",
    ),
    # ---- YAML
    "NUL byte in a fleet": Case(
        lambda d: ["plan", _write(d, "f.yaml", "version: 1\x00\n")],
        2,
        "f.yaml:1: not valid YAML: a NUL byte",
    ),
    "NUL byte in a usage file": Case(
        lambda d: ["cost", G, "--usage", _write(d, "u.yaml", "version: 1\n\x00")],
        2,
        "u.yaml:2: not valid YAML: a NUL byte",
    ),
    "NUL byte in a policy config": Case(
        lambda d: ["check", G, "-c", _write(d, "pc.yaml", "{}\x00")],
        2,
        "not valid YAML/JSON: a NUL byte",
    ),
    "NUL byte in a stack config": Case(
        lambda d: ["cost", G, "--stack-config", _write(d, "s.yaml", "config: {}\n\x00")],
        2,
        "s.yaml:2: not valid YAML: a NUL byte",
    ),
    "YAML nested 600 levels": Case(
        lambda d: ["plan", _write(d, "f.yaml", deep(600, json_syntax=False))],
        2,
        "nested more than 200 levels deep",
    ),
    # ---- JSON
    "JSON nested 100,000 levels": Case(
        lambda d: ["cost", _write(d, "deep.json", deep(100_000))],
        2,
        "nested more than 200 levels deep",
    ),
    "JSON nested 100,000 levels on stdin": Case(
        lambda d: ["cost", "-"], 2, "<stdin>: nested more than 200 levels deep", stdin=deep(100_000)
    ),
    "binary JSON": Case(
        lambda d: ["cost", _write(d, "bin.json", bytes(range(256)) * 4)],
        2,
        "bin.json:1: not valid JSON: a NUL byte",
    ),
    "non-UTF-8 JSON": Case(
        lambda d: ["cost", _write(d, "latin.json", '{"name": "Zürich"}'.encode("latin-1"))],
        2,
        "latin.json:1: not UTF-8 text",
    ),
    "UTF-16 JSON": Case(
        lambda d: ["cost", _write(d, "u16.json", json.dumps(GRAPH).encode("utf-16"))],
        2,
        "UTF-16/32 byte-order mark",
    ),
    "duplicate JSON key": Case(
        lambda d: [
            "cost",
            _write(
                d,
                "dup.json",
                '{"schema": "cloudwright.graph/v1",\n"resources": [],\n"resources": []}',
            ),
        ],
        2,
        "dup.json:1: duplicate key 'resources'",
    ),
    "NaN in JSON": Case(
        lambda d: ["cost", _write(d, "nan.json", _graph(project=float("nan")))],
        2,
        "NaN is not a number JSON allows",
    ),
    "10**400 in JSON": Case(
        lambda d: ["cost", _write(d, "big.json", _graph(plan_id=10**400))],
        2,
        "integer too large (401 digits)",
    ),
    '"provider": 5': Case(
        lambda d: ["cost", _write(d, "g.json", _graph(provider=5))],
        2,
        "resources[3].provider: expected a string, got the number 5",
    ),
    'resources: "x"': Case(
        lambda d: ["cost", _write(d, "g.json", _graph(resources="x"))],
        2,
        "resources: expected a list of resources",
    ),
    "a list where the graph belongs": Case(
        lambda d: ["cost", _write(d, "g.json", "[1, 2]")], 2, "unrecognised document"
    ),
    "preview step provider 5": Case(
        lambda d: [
            "cost",
            _write(
                d,
                "pv.json",
                json.dumps(
                    {
                        "steps": [
                            {
                                "op": "create",
                                "urn": "urn:pulumi:s::p::aws:s3/bucket:Bucket::b",
                                "provider": 5,
                                "newState": {"type": "aws:s3/bucket:Bucket", "inputs": {}},
                            }
                        ]
                    }
                ),
            ),
        ],
        2,
        "provider: expected a string, got 5",
    ),
    "stack export inputs a list": Case(
        lambda d: [
            "cost",
            _write(
                d,
                "ex.json",
                json.dumps(
                    {
                        "version": 3,
                        "deployment": {
                            "resources": [
                                {"urn": "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", "inputs": [1]}
                            ]
                        },
                    }
                ),
            ),
        ],
        2,
        "resources[0].inputs: expected an object",
    ),
    # ---- files
    # a folder is a Pulumi program source: one without Pulumi.yaml is named as such
    "directory as the source": Case(lambda d: ["cost", str(d)], 2, "no Pulumi.yaml in"),
    "directory as the usage file": Case(
        lambda d: ["cost", G, "--usage", str(d)], 2, "is a directory, not a usage file"
    ),
    "directory as the fleet": Case(
        lambda d: ["plan", str(d)], 2, "is a directory, not a fleet file"
    ),
    "directory as the policy config": Case(
        lambda d: ["check", G, "-c", str(d)], 2, "is a directory, not a policy configuration"
    ),
    "directory as the stack config": Case(
        lambda d: ["cost", G, "--stack-config", str(d)], 2, "is a directory, not a stack config"
    ),
    "directory as a diff side": Case(lambda d: ["diff", G, str(d)], 2, "no Pulumi.yaml in"),
    "directory as the profile store": Case(
        lambda d: ["profile", "list"],
        4,
        "cannot read the profile store",
        env={"CLOUDWRIGHT_HOME": "store-dir"},
    ),
    "missing file": Case(lambda d: ["cost", str(d / "nope.json")], 2, "JSON file not found"),
    "malformed saved report to diff": Case(
        lambda d: [
            "diff",
            _write(
                d, "old.json", '{"schema": "cloudwright.cost/v1", "totals": 5, "resources": "x"}'
            ),
            G,
        ],
        2,
        "old.json: not a valid saved cost report",
    ),
    "saved report with a negative total": Case(
        lambda d: [
            "diff",
            _write(
                d,
                "old.json",
                json.dumps(
                    {
                        "schema": "cloudwright.cost/v1",
                        "resources": [],
                        "totals": {"monthly_usd": -5},
                    }
                ),
            ),
            G,
        ],
        2,
        "totals.monthly_usd: -5 is negative",
    ),
    # ---- catalog tables (exit 4)
    "missing regions table": Case(
        lambda d: ["cost", G, "--catalog", _catalog(d, lambda r: (r / "regions.csv").unlink())],
        4,
        "catalog table 'regions' is missing",
    ),
    "regions table not in the manifest": Case(
        lambda d: [
            "cost",
            G,
            "--catalog",
            _catalog(d, lambda r: _drop_from_manifest(r, "regions")),
        ],
        4,
        "lists no 'regions' table",
    ),
    "corrupt catalog table (bad gzip)": Case(
        lambda d: [
            "cost",
            G,
            "--catalog",
            _catalog(d, lambda r: (r / "offerings.csv").write_bytes(b"\x1f\x8b\x08garbage")),
        ],
        4,
        "catalog table 'offerings'",
    ),
    "catalog table missing a column": Case(
        lambda d: [
            "cost",
            G,
            "--catalog",
            _catalog(d, lambda r: (r / "regions.csv").write_text("cloud,region\naws,us-east-1\n")),
        ],
        4,
        "catalog table 'regions'",
    ),
    "non-numeric catalog price": Case(
        lambda d: [
            "cost",
            G,
            "--catalog",
            _catalog(d, lambda r: _replace_cell(r, "offerings", "price_on_demand_usd_hr", "cheap")),
        ],
        4,
        "catalog table 'offerings'",
    ),
    "negative catalog price": Case(
        lambda d: [
            "cost",
            G,
            "--catalog",
            _catalog(d, lambda r: _replace_cell(r, "unit_prices", "usd_per_unit", "-1")),
        ],
        4,
        "line 2: usd_per_unit is -1.0; it must be a finite number ≥ 0",
    ),
    "infinite grid intensity": Case(
        lambda d: [
            "cost",
            G,
            "--catalog",
            _catalog(d, lambda r: _replace_cell(r, "regions", "grid_intensity_g_per_kwh", "inf")),
        ],
        4,
        "line 2: grid_intensity_g_per_kwh is inf; it must be a finite number ≥ 0",
    ),
    "malformed catalog manifest": Case(
        lambda d: [
            "cost",
            G,
            "--catalog",
            _catalog(d, lambda r: (r / "manifest.json").write_text('{"tables": [1]}')),
        ],
        4,
        "manifest.json: catalog manifest is malformed",
    ),
}


def _prepare(case_id: str, folder: Path) -> dict[str, str]:
    """Per-case state outside the arguments (profile stores)."""
    if case_id == "profile store NaN energy":
        return _profile_home(folder, '{"schema": "cloudwright.profile/v1", "energy": NaN}')
    if case_id == "directory as the profile store":
        (folder / "store-dir" / "profiles.jsonl").mkdir(parents=True)
        return {"CLOUDWRIGHT_HOME": str(folder / "store-dir")}
    return {}


@pytest.mark.parametrize("case_id", list(CASES))
def test_hostile_input(case_id: str, tmp_path: Path) -> None:
    case = CASES[case_id]
    env = {**ENV, **case.env, **_prepare(case_id, tmp_path)}
    args = case.setup(tmp_path)
    done = run_cli(*args, stdin=case.stdin, cwd=tmp_path, env=env)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == case.code, (done.returncode, done.stderr)
    assert case.message in done.stderr, done.stderr
    if case.absent is not None:
        assert not (tmp_path / case.absent).exists()


def test_a_bug_is_an_internal_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 70 and one line naming the bug, never a traceback nor exit 1 (reserved for gates)."""
    from cloudwright.pricing import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(pipeline, "report_for", broken)
    done = run_cli("cost", str(GRAPH_FILE), env=ENV)
    assert done.returncode == 70
    assert "internal error: ZeroDivisionError: float division by zero" in done.stderr
    assert "Traceback" not in done.stderr
    shown = run_cli("cost", str(GRAPH_FILE), env={**ENV, "CLOUDWRIGHT_TRACEBACK": "1"})
    assert shown.returncode == 70 and "Traceback" in shown.stderr


def test_deeply_nested_json_text_inside_an_input(tmp_path: Path) -> None:
    graph = json.loads(json.dumps(GRAPH))
    graph["resources"].append(
        {
            "urn": "urn:pulumi:dev::cloudwright::aws:s3/bucketPolicy:BucketPolicy::p",
            "type": "aws:s3/bucketPolicy:BucketPolicy",
            "name": "p",
            "inputs": {"bucket": "b", "policy": deep(50_000)},
        }
    )
    source = _write(tmp_path, "g.json", json.dumps(graph))
    for command in ("cost", "check"):
        done = run_cli(command, source, "-f", "json", cwd=tmp_path, env=ENV)
        assert "Traceback" not in done.stderr
        assert done.returncode in (0, 1, 2), (command, done.stderr)
