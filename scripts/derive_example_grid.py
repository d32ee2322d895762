"""Derive examples/data/grid_de_hourly_2020-04_05.csv from the reference 15-minute trace.

Source: ../shared/data/carbon/hourly/de_2020_ci_15min.csv (Germany grid carbon intensity,
dos-group/vessim `data/ger_ci.csv` at 19e39b1, MIT; timezone not stated, read as UTC).
The example keeps April–May 2020 averaged to hours by the optimizer's own loader, so the
demo's time shifting runs on real grid shape without shipping the whole trace.

    .venv/bin/python scripts/derive_example_grid.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from cloudwright.core.fsio import write_text
from cloudwright.optimizer.models.timeshift import load_intensity_csv

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "carbon" / "hourly" / "de_2020_ci_15min.csv"
TARGET = ROOT / "examples" / "data" / "grid_de_hourly_2020-04_05.csv"
START, END = pd.Timestamp("2020-04-01", tz="UTC"), pd.Timestamp("2020-06-01", tz="UTC")


def derive() -> str:
    series = load_intensity_csv(SOURCE)
    index = pd.date_range(series.start, periods=series.hours, freq="1h")
    hourly = pd.Series(series.values, index=index)
    window = hourly[(hourly.index >= START) & (hourly.index < END)]
    lines = ["time_utc,g_co2_per_kwh"]
    lines += [f"{t.strftime('%Y-%m-%dT%H:%M:%SZ')},{v:.2f}" for t, v in window.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    text = derive()
    if "--check" in sys.argv:
        same = TARGET.read_text() == text
        print("up to date" if same else f"{TARGET} differs from a fresh derivation")
        return 0 if same else 1
    write_text(TARGET, text)
    print(f"wrote {TARGET} ({text.count(chr(10)) - 1} hours)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
