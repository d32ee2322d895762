"""Catalog snapshots checked as they load: a file that is not what `schema.TABLES` says is a
DataError (exit 4) naming the table, the file and the problem; never a pandas or gzip
traceback, never a silent zero.

- the manifest is read by the project's bounded JSON reader, and must list every table of
  the schema with a file that exists (`read_manifest`): a snapshot without its `regions`
  table cannot price energy or carbon, so it is refused instead of reporting 0 kg;
- a table file must be a readable CSV (gzipped or not), UTF-8, with the schema's required
  columns, whose numeric columns parse as numbers (`read_table`);
- numbers are finite, and prices, sizes, counts, powers, intensities, PUE and latencies are
  not negative; latitude and longitude are in range; the month's hours are positive
  (`check_values`). A missing price stays NaN (unknown), as the schema says.

Only snapshots read from a directory are checked here; in-memory catalogs (tests, a build in
progress) are coerced by `schema.coerce_table` alone.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog.types import Manifest

REBUILD_HINT = (
    "rebuild or re-download the snapshot (`cloudwright catalog build`, `catalog refresh`)"
)
# Numeric columns whose values may be negative, with their range.
_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("regions", "lat"): (-90.0, 90.0),
    ("regions", "lon"): (-180.0, 180.0),
}
# Coefficients the models divide by: they must be positive.
_POSITIVE_COEFFICIENTS = ("hours_per_month", "pue", "fibre_km_per_ms")
_READ_ERRORS = (
    OSError,  # gzip.BadGzipFile, truncated files, permissions
    EOFError,
    zlib.error,
    UnicodeDecodeError,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
    ValueError,  # a number column holding text
    TypeError,
    OverflowError,
)


def read_manifest(root: Path) -> Manifest:
    """The snapshot's manifest, with every table of the schema listed and present."""
    from cloudwright.core.jsonsource import read_json
    from cloudwright.optimizer.catalog.types import Manifest

    path = root / "manifest.json"
    try:
        manifest = Manifest.from_json(read_json(path, what="catalog manifest", error=DataError))
    except DataError as exc:
        message = exc.message if exc.message.startswith(str(path)) else f"{path}: {exc.message}"
        raise DataError(message, hint=REBUILD_HINT) from exc
    for name in schema.TABLES:
        info = manifest.tables.get(name)
        if info is None and name in schema.OPTIONAL_TABLES:
            continue  # built before the table existed: it reads as empty
        if info is None:
            raise DataError(f"catalog manifest {path} lists no {name!r} table", hint=REBUILD_HINT)
        if not (root / info.file).is_file():
            raise DataError(
                f"catalog table {name!r} is missing: {root / info.file} does not exist",
                hint=REBUILD_HINT,
            )
    return manifest


def read_table(name: str, path: Path, dtypes: dict[str, str]) -> pd.DataFrame:
    """One table file as the schema's dtypes, or a DataError saying what is wrong with it."""
    try:
        frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    except _READ_ERRORS as exc:
        raise DataError(
            f"catalog table {name!r} ({path}) cannot be read: {_reason(exc)}", hint=REBUILD_HINT
        ) from exc
    missing = [c.name for c in schema.TABLES[name] if not c.nullable and c.name not in frame]
    if name == "offerings" and "zone_kind" not in frame and "zone" not in frame:
        missing.append("zone")  # older snapshots: zone_kind is derived from it
    if missing:  # before anything derives a column from them
        raise DataError(
            f"catalog table {name!r} ({path}) is missing columns: {', '.join(missing)}",
            hint=REBUILD_HINT,
        )
    return frame


def check_values(name: str, path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (already coerced to the schema) when its numbers are sane, else a DataError
    naming the first bad row (line numbers count the header as line 1)."""
    for column in schema.TABLES[name]:
        if column.dtype not in ("Float64", "Int64"):
            continue
        values = frame[column.name].to_numpy(dtype=float, na_value=np.nan)
        low, high = _RANGES.get((name, column.name), (0.0, np.inf))
        with np.errstate(invalid="ignore"):  # NaN compares false: unknown stays allowed
            bad = np.isinf(values) | (values < low) | (values > high)
            if name == "coefficients" and column.name == "value":
                divisor = frame["name"].isin(_POSITIVE_COEFFICIENTS).to_numpy(dtype=bool)
                bad |= divisor & (values <= 0)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            rule = "a finite number ≥ 0" if high == np.inf else f"between {low:g} and {high:g}"
            if name == "coefficients":
                rule = f"a finite number{' > 0' if frame['name'].iloc[row] in _POSITIVE_COEFFICIENTS else ' ≥ 0'}"
            raise DataError(
                f"catalog table {name!r} ({path}) line {row + 2}: {column.name} is "
                f"{float(values[row])!r}; it must be {rule}",
                hint=REBUILD_HINT,
            )
    return frame


def check_vocabulary(name: str, path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` when its vocabulary columns hold only the schema's words (offerings:
    price_status, arch)."""
    if name != "offerings":
        return frame
    for column, words in (("price_status", schema.PRICE_STATUSES), ("arch", schema.ARCHES)):
        values = frame[column]
        bad = values.notna() & ~values.isin(list(words))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
            raise DataError(
                f"catalog table {name!r} ({path}) line {row + 2}: {column} is "
                f"{values.iloc[row]!r}; it must be one of {', '.join(words)}",
                hint=REBUILD_HINT,
            )
    return frame


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
