"""Fail when a Python source file grows past the point where it fits in one's head.

ruff's complexity rules catch long functions; this catches long modules.
"""

from __future__ import annotations

import sys
from pathlib import Path

MAX_LINES = 600
PACKAGES = (
    "cloudwright/core",
    "cloudwright/cli",
    "cloudwright/resource_graph",
    "cloudwright/pricing",
    "cloudwright/reports",
    "cloudwright/profiler",
    "optimizer",
    "components",
    "stacks",
    "policies",
    "scripts",
    "benchmarks",
)


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    too_long = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            n = sum(1 for _ in path.open(encoding="utf-8"))
            if n > MAX_LINES:
                too_long.append(f"{path.relative_to(root)}: {n} lines (limit {MAX_LINES})")
    for line in too_long:
        print(line, file=sys.stderr)
    return 1 if too_long else 0


if __name__ == "__main__":
    sys.exit(main())
