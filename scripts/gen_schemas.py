"""Write the JSON Schemas in schemas/ from the code (`make schemas`); `--check` only compares
and exits 1 when a file is missing or differs (the test suite does the same)."""

from __future__ import annotations

import sys
from pathlib import Path

from cloudwright.core.fsio import write_text
from cloudwright.reports.schemas import generate

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, text in generate().items():
        path = SCHEMAS_DIR / name
        current = path.read_text("utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(name)
        if not check:
            write_text(path, text)
            print(f"wrote {path}")
    if check and stale:
        print(f"out of date: {', '.join(stale)} (run `make schemas`)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
