"""Property-based fuzzing of the CLI, through the real entry point (tests/_cli.run_cli):
hostile graphs, plans, fleets, usage files, policy configurations, saved reports, stdin and
profile stores. Whatever the input: no traceback, no internal error (exit 70), and exit 1
only when a gate failed; JSON output is strict JSON (no NaN) with finite numbers."""

from __future__ import annotations

import itertools
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli
from _hostile import (
    ENV,
    documents,
    examples,
    load_samples,
    mutated,
    mutated_inputs,
    text_mutations,
    to_json,
    to_yaml,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudwright.core.jsonsource import parse_json

SAMPLES = load_samples()
GATES = ("exceeds --fail-above", "--fail-above $", "mandatory policy violation")
CLI = settings(
    max_examples=examples(15),
    deadline=15_000,  # ms: one command, whatever its input, finishes well within this
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_names = itertools.count()


@pytest.fixture(scope="module")
def work() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="cloudwright-fuzz-") as folder:
        yield Path(folder)


def write(work: Path, suffix: str, content: str | bytes) -> str:
    path = work / f"input{next(_names)}{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return str(path)


def cli(work: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Any:
    done = run_cli(*args, stdin=stdin, cwd=work, env={**ENV, **(env or {})})
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode != 70, done.stderr  # an internal error is a bug, whatever the input
    if done.returncode == 1:
        assert any(gate in done.stderr for gate in GATES), done.stderr
    else:
        assert done.returncode in (0, 2, 3, 4), (done.returncode, done.stderr)
    if done.returncode != 0:
        assert done.stderr.startswith("error: ") or "error: " in done.stderr, done.stderr
    return done


def strict_json(text: str) -> None:
    """Output JSON other tools can read: no NaN/Infinity literals, finite numbers."""
    parse_json(text, "stdout")


graphs = st.one_of(
    mutated_inputs(SAMPLES["graph"]).map(to_json),
    mutated_inputs(SAMPLES["graph"]).map(to_json),
    mutated(SAMPLES["graph"], max_edits=4).map(to_json),
    text_mutations(to_json(SAMPLES["graph"])),
    documents.map(to_json),
)
usages = st.one_of(st.none(), mutated(SAMPLES["usage"]).map(to_yaml))
formats = st.sampled_from(["table", "json", "csv", "markdown", "html", "focus"])


@CLI
@given(graph=graphs, usage=usages, fmt=formats, fail_above=st.sampled_from([None, "0", "1e9"]))
def test_cost(work: Path, graph: str | bytes, usage: str | None, fmt: str, fail_above: Any) -> None:
    args = ["cost", write(work, ".json", graph), "-f", fmt]
    if usage is not None:
        args += ["--usage", write(work, ".yaml", usage)]
    if fail_above is not None:
        args += ["--fail-above", fail_above]
    done = cli(work, *args)
    if done.returncode in (0, 1) and fmt == "json":
        strict_json(done.stdout)


@CLI
@given(stdin=st.one_of(st.text(max_size=300), documents.map(to_json), graphs.map(str)))
def test_cost_from_stdin(work: Path, stdin: str) -> None:
    cli(work, "cost", "-", "-f", "json", stdin=stdin)


@pytest.fixture(scope="module")
def saved(work: Path) -> dict[str, Any]:
    done = run_cli(
        "cost",
        str(Path(__file__).parent / "golden" / "graphs" / "fleet.graph.json"),
        "-f",
        "json",
        cwd=work,
        env=ENV,
    )
    assert done.returncode == 0, done.stderr
    return parse_json(done.stdout, "saved")  # type: ignore[no-any-return]


@CLI
@given(data=st.data())
def test_diff_saved_reports(work: Path, saved: dict[str, Any], data: st.DataObject) -> None:
    old = write(work, ".json", to_json(saved))
    hostile = data.draw(
        st.one_of(mutated(saved, max_edits=4).map(to_json), text_mutations(to_json(saved)))
    )
    done = cli(work, "diff", old, write(work, ".json", hostile), "-f", "json")
    if done.returncode == 0:
        strict_json(done.stdout)


@CLI
@given(
    graph=graphs,
    policy=st.one_of(
        st.none(),
        mutated(SAMPLES["policy"]).map(to_yaml),
        mutated(SAMPLES["policy"]).map(to_json),
    ),
)
def test_check(work: Path, graph: str | bytes, policy: str | None) -> None:
    args = ["check", write(work, ".json", graph), "-f", "json"]
    if policy is not None:
        args += ["-c", write(work, ".yaml", policy)]
    done = cli(work, *args)
    if done.returncode in (0, 1):
        strict_json(done.stdout)


@settings(CLI, max_examples=examples(6), deadline=60_000)
@given(
    fleet=st.one_of(
        mutated(SAMPLES["fleet"]).map(to_yaml), text_mutations(to_yaml(SAMPLES["fleet"]))
    )
)
def test_plan(work: Path, fleet: str | bytes) -> None:
    out = work / f"plan{next(_names)}.json"
    done = cli(work, "plan", write(work, ".yaml", fleet), "--out", str(out), "--time-limit", "5")
    if done.returncode != 0:
        assert not out.exists()  # a refused fleet writes no plan
    else:
        strict_json(out.read_text("utf-8"))


@settings(CLI, max_examples=examples(4), deadline=60_000)
@given(plan=mutated(SAMPLES["plan"], max_edits=2).map(to_json))
def test_cost_of_plan(work: Path, plan: str) -> None:
    cli(work, "cost", write(work, ".json", plan), "-f", "json")


@CLI
@given(
    lines=st.lists(
        st.one_of(
            st.binary(max_size=60),
            mutated({"schema": "cloudwright.profile/v1", "id": "a", "workload": "w"}).map(
                lambda d: to_json(d).encode()
            ),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_profile_store(work: Path, lines: list[bytes]) -> None:
    home = work / f"home{next(_names)}"
    home.mkdir()
    (home / "profiles.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    cli(work, "profile", "list", "-f", "json", env={"CLOUDWRIGHT_HOME": str(home)})


def test_json_outputs_have_finite_numbers(work: Path) -> None:
    """The check `strict_json` makes is a real one."""
    with pytest.raises(Exception, match="NaN"):
        strict_json('{"a": NaN}')
    assert math.isfinite(1.0)
