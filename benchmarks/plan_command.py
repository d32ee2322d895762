"""How long the real `cloudwright plan` command takes, process start to plan.json written.

Writes the seeded fleets of `plan_scale.py` (capacity-coupled: every pool binds) as YAML
files, then runs `cloudwright plan FLEET.yaml --out plan.json -f json` in a subprocess and
reports wall time, peak RSS of the child (resource.getrusage(RUSAGE_CHILDREN).ru_maxrss)
and the solver's gap to the LP bound read back from the written plan.json. Each size runs
in its own fresh interpreter so peak RSS belongs to that size alone. With --example it also
times `cloudwright plan examples/fleet.yaml` and `cloudwright cost examples/plan.json`.

    .venv/bin/python benchmarks/plan_command.py [--sizes 10000 100000] [--runs 3] [--example]

Before/after: `git worktree add /tmp/before REV` and run with `--tree /tmp/before` (the
children import that checkout's code through PYTHONPATH and run in it; fleets still come
from this checkout's generator).

Goals: 10,000 workloads ≤ 3 s with gap ≤ 0.5 %; 100,000 ≤ 30 s and ≤ 1.5 GB peak;
`plan examples/fleet.yaml` ≤ 0.8 s; `cost examples/plan.json` ≤ 2.5 s.

The machine is shared, so each figure is the best (and the median) of --runs runs. The CLI
keeps parsed catalog tables in ~/.cache/cloudwright/catalog (`optimizer.catalog.cache`); an
untimed run fills it first, and `--no-catalog-cache` times every run parsing the CSVs afresh
(CLOUDWRIGHT_CACHE_DIR=off). Python byte-code caches matter a lot for start-up: where PYTHONDONTWRITEBYTECODE is set and the
environment has no __pycache__, every run compiles pandas, scipy and the Pulumi SDKs from
source. The header says which case applies; `--pycache DIR` runs the children with
PYTHONPYCACHEPREFIX=DIR (caches written there, the environment left untouched).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "benchmarks"))

GOALS = {10_000: (3.0, None), 100_000: (30.0, 1.5 * 1024)}  # seconds, MB


def write_fleet(n: int, seed: int, path: Path) -> None:
    """The plan_scale fleet of n workloads as a YAML file (libyaml's emitter: fast)."""
    import yaml
    from plan_scale import fleet_spec  # the same generator, the same fleet

    spec = fleet_spec(n, seed)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(spec, fh, Dumper=dumper, sort_keys=False, default_flow_style=None, width=120)


def child_env(pycache: Path | None, catalog_cache: bool, tree: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["COLUMNS"] = "200"
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    if not catalog_cache:
        env["CLOUDWRIGHT_CACHE_DIR"] = "off"
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one run of argv in a fresh grandchild process.

    RUSAGE_CHILDREN is the maximum over all waited-for children, so each run happens inside
    a throwaway Python that reports its own children's peak."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t0 = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "wall = time.perf_counter() - t0\n"
        "if p.returncode:\n"
        "    sys.stderr.buffer.write(p.stderr); sys.exit(p.returncode)\n"
        "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *argv],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    wall, rss = out.stdout.split()
    return float(wall), float(rss)


def summary(samples: list[tuple[float, float]]) -> str:
    walls = [w for w, _ in samples]
    rss = max(r for _, r in samples)
    return (
        f"best {min(walls):6.2f} s │ median {statistics.median(walls):6.2f} s │ "
        f"peak RSS {rss:,.0f} MB"
    )


def bench_plan(n: int, seed: int, runs: int, env: dict[str, str], tmp: Path) -> None:
    fleet = tmp / f"fleet-{n}.yaml"
    t0 = time.perf_counter()
    write_fleet(n, seed, fleet)
    size_mb = fleet.stat().st_size / 1e6
    print(f"{n:>7,} workloads: wrote {fleet.name} ({size_mb:.1f} MB) in "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
    out = tmp / f"plan-{n}.json"
    argv = [str(BIN / "cloudwright"), "plan", str(fleet), "--out", str(out), "-f", "json"]
    samples = []
    for _ in range(runs):
        out.unlink(missing_ok=True)
        samples.append(timed(argv, env))
    solver = json.loads(out.read_text("utf-8"))["solver"]
    goal_s, goal_mb = GOALS.get(n, (None, None))
    goal = f"goal ≤ {goal_s:g} s" if goal_s else ""
    if goal_mb:
        goal += f", ≤ {goal_mb / 1024:g} GB"
    print(
        f"{'':>7}  plan --out: {summary(samples)} │ {solver['status']} │ objective "
        f"{solver['objective_value']:,.2f} │ LP bound {solver['lp_bound']:,.2f} │ gap "
        f"{solver['gap']:.4%} (goal ≤ 0.5 %) │ {goal}"
    )


def bench_examples(runs: int, env: dict[str, str], tmp: Path) -> None:
    script = str(BIN / "cloudwright")
    cases = {
        "cloudwright plan examples/fleet.yaml (goal ≤ 0.8 s)": [
            script, "plan", "examples/fleet.yaml",
        ],
        "cloudwright cost examples/plan.json (goal ≤ 2.5 s)": [
            script, "cost", "examples/plan.json",
        ],
    }  # fmt: skip
    for label, argv in cases.items():
        samples = [timed(argv, env) for _ in range(runs)]
        print(f"{label}: {summary(samples)}")


def bytecode_note(env: dict[str, str]) -> str:
    if env.get("PYTHONPYCACHEPREFIX"):
        return f"byte-code cache in {env['PYTHONPYCACHEPREFIX']}"
    import pandas

    cached = any(Path(pandas.__file__).parent.glob("__pycache__/*.pyc"))
    if cached:
        return "byte-code caches present"
    if env.get("PYTHONDONTWRITEBYTECODE"):
        return "NO byte-code caches (PYTHONDONTWRITEBYTECODE set): every import compiles"
    return "byte-code caches written on the first run"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--example", action="store_true", help="also time the example commands")
    parser.add_argument("--pycache", type=Path, help="PYTHONPYCACHEPREFIX for the children")
    parser.add_argument("--keep", type=Path, help="write fleets and plans here (default: temp)")
    parser.add_argument("--tree", type=Path, help="time another checkout's code (see above)")
    parser.add_argument(
        "--no-catalog-cache",
        dest="catalog_cache",
        action="store_false",
        help="parse the catalog CSVs in every run (CLOUDWRIGHT_CACHE_DIR=off)",
    )
    args = parser.parse_args()
    global ROOT
    if args.tree is not None:
        ROOT = args.tree.resolve()
        print(f"timing the code in {ROOT}")
    env = child_env(args.pycache, args.catalog_cache, args.tree)
    for argv in (["plan", "examples/fleet.yaml"], ["cost", "examples/plan.json"]):
        # untimed: fills the byte-code and catalog caches the timed runs then find
        subprocess.run([str(BIN / "cloudwright"), *argv], env=env, capture_output=True, cwd=ROOT)
    cache = "catalog cache warm" if args.catalog_cache else "no catalog cache"
    print(f"{os.cpu_count()} CPUs; {bytecode_note(env)}; {cache}; best/median of {args.runs} runs")
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        if args.example:
            bench_examples(args.runs, env, tmp)
        for n in args.sizes:
            bench_plan(n, args.seed, args.runs, env, tmp)


if __name__ == "__main__":
    main()
