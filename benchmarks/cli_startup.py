"""Start-up and catalog-load timings: `cloudwright --help`, and `Catalog.load()` + first queries.

Run: `.venv/bin/python benchmarks/cli_startup.py [--runs N]`. Prints medians; the goals are
`cloudwright --help` ≤ 0.3 s and Catalog.load() + region_offerings well under 1 s. When the
help goal is missed, the import-time breakdown (python -X importtime) says what dominates.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HELP_GOAL_S = 0.3


def _median_wall_s(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli_help(runs: int) -> dict[str, float]:
    python = [sys.executable, "-c", "pass"]
    script = BIN / "cloudwright"
    imports = [sys.executable, "-c", "import typer, rich"]
    return {
        "python -c pass": _median_wall_s(python, runs),
        "import typer, rich": _median_wall_s(imports, runs),
        "cloudwright --help": _median_wall_s([str(script), "--help"], runs),
        "cloudwright catalog --help": _median_wall_s([str(script), "catalog", "--help"], runs),
    }


def top_imports(n: int = 8) -> list[tuple[float, str]]:
    """The n slowest imports (cumulative) of `cloudwright --help`, via -X importtime."""
    code = "import sys; sys.argv=['cloudwright','--help']\nfrom cloudwright.cli.app import main\ntry: main()\nexcept SystemExit: pass"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]) / 1e6, parts[2].rstrip()))
    rows.sort(reverse=True)
    return rows[:n]


def catalog_load(runs: int) -> dict[str, float]:
    code = """
import time
t0 = time.perf_counter()
from cloudwright.optimizer.catalog import Catalog
t1 = time.perf_counter()
c = Catalog.load()
offers = c.region_offerings
t2 = time.perf_counter()
c.hourly_price("aws", "us-east-1", "p5.48xlarge")
c.region("gcp", "us-central1")
c.latency(("aws", "us-east-1"), ("azure", "westeurope"))
c.unit_price("aws", "ebs", "gp3", "GB-month", "us-east-1")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
        )
        samples.append([float(x) for x in out.stdout.split()])
    columns = list(zip(*samples, strict=True))
    return {
        "import optimizer.catalog (pandas)": statistics.median(columns[0]),
        "Catalog.load() + region_offerings": statistics.median(columns[1]),
        "first lookups (price, region, latency, unit price)": statistics.median(columns[2]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"median of {args.runs} runs (seconds)")
    help_times = cli_help(args.runs)
    for name, seconds in help_times.items():
        print(f"  {name:<52} {seconds:6.3f}")
    verdict = "meets" if help_times["cloudwright --help"] <= HELP_GOAL_S else "misses"
    print(f"  → cloudwright --help {verdict} the {HELP_GOAL_S} s goal")
    if verdict == "misses":
        print("  slowest imports of `cloudwright --help` (cumulative s):")
        for seconds, name in top_imports():
            print(f"    {seconds:6.3f} {name}")
    for name, seconds in catalog_load(args.runs).items():
        print(f"  {name:<52} {seconds:6.3f}")


if __name__ == "__main__":
    main()
