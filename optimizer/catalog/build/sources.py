"""Where the builders' inputs come from: source descriptions, dates and the project's own
reference tables.

Two kinds of input feed the builders:
- public source files (a SkyPilot catalog dir, `../shared/data`): described by `SourceRef`s,
  looked up in `reference/known_sources.csv` by their path under the input root, else
  described by their path and file date;
- the project's own reference tables in `reference/` (region subdivisions, PUE, published
  coefficients, price corrections, ...), each row carrying its own source and date.

Invariant: every row a builder emits carries `source` and `source_date`; builders never
invent either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pandas as pd

from cloudwright.core.errors import DataError

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class SourceRef:
    """One input: a human-readable source and the date its numbers were taken."""

    source: str
    source_date: str  # ISO date or YYYY-MM

    def as_manifest(self, name: str) -> dict[str, str]:
        return {"name": name, "source": self.source, "date": self.source_date}


def read_csv(path: Path, **kwargs: object) -> pd.DataFrame:
    """Read a CSV input or raise DataError naming the file."""
    if not path.is_file():
        raise DataError(f"input file not found: {path}")
    try:
        return pd.read_csv(path, **kwargs)  # type: ignore[call-overload]
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read as CSV ({exc})") from exc


@cache
def reference_table(name: str) -> pd.DataFrame:
    """A project-owned reference table from `reference/<name>.csv` (read once)."""
    return read_csv(REFERENCE_DIR / f"{name}.csv", keep_default_na=False, na_values=[""])


def reference_value(table: str, name: str) -> float:
    """The `value` of row `name` in a reference table with name/value columns."""
    frame = reference_table(table)
    hit = frame.loc[frame["name"] == name, "value"].astype(float)
    if hit.empty:
        raise DataError(f"reference/{table}.csv has no row {name!r}")
    return float(hit.iloc[0])


def describe(path: Path) -> SourceRef:
    """The source and date of an input file: from known_sources.csv when the file is one of
    the reference inputs (matched by the end of its path), else its path and modification
    date (a user's own SkyPilot catalog dir)."""
    posix = path.resolve().as_posix()
    for rec in reference_table("known_sources").to_dict("records"):
        if posix.endswith("/" + str(rec["path"])):
            return SourceRef(str(rec["source"]), str(rec["source_date"]))
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()
    return SourceRef(f"{path} (file as given)", modified.isoformat())


def parse_source_date(value: str) -> date:
    """First day covered by an ISO date, YYYY-MM or (in older snapshots) YYYY string."""
    text = value.strip()
    if not _DATE.match(text):
        raise DataError(f"source date {value!r} is not YYYY-MM or YYYY-MM-DD")
    padded = {4: f"{text}-01-01", 7: f"{text}-01"}.get(len(text), text)
    try:
        return date.fromisoformat(padded)
    except ValueError as exc:
        raise DataError(f"source date {value!r}: {exc}") from exc


def normalise_date(text: str) -> str:
    """A source's free-text date ('<=2024-01', '2023-04 (skyplane); undated', '2022-2026')
    as the latest ISO date or YYYY-MM it mentions (a bare year counts as its January)."""
    full = re.findall(r"(?<!\d)\d{4}-(?:0[1-9]|1[0-2])(?:-\d{2})?(?!\d)", text)
    if full:
        return latest_date(full)
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", text)
    if years:
        return f"{max(years)}-01"
    raise DataError(f"no date in source date text {text!r}")


def latest_date(values: list[str]) -> str:
    """The latest of several source dates (as written)."""
    return max(values, key=parse_source_date)
