"""The catalog for people: `optimizer.catalog.views.stats` / `views.show` results as Rich
tables, JSON or CSV text.

Pure formatting: every function takes data and returns a string or a Rich renderable; the
CLI decides where it goes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from cloudwright.optimizer.catalog.views import records
from cloudwright.reports import format as fmt

if TYPE_CHECKING:
    from rich.table import Table

TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("cloud", "cloud"),
    ("region", "region"),
    ("zone", "zone"),
    ("instance_type", "instance type"),
    ("gpu", "GPU"),
    ("gpu_count", "#"),
    ("vcpus", "vCPU"),
    ("memory_gb", "mem GB"),
    ("interconnect", "fabric"),
    ("price_on_demand_usd_hr", "$/h"),
    ("price_spot_usd_hr", "spot"),
    ("price_status", "status"),
    ("price_alt_usd_hr", "alt $/h"),
    ("grid_intensity_g_per_kwh", "gCO2/kWh"),
    ("pue", "PUE"),
    ("price_flag", "flag"),
)


def to_json(data: Any) -> str:
    payload = records(data) if isinstance(data, pd.DataFrame) else data
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def to_csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(frame.columns), lineterminator="\n")
    writer.writeheader()
    for row in records(frame):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


_FLAG_TAGS: tuple[tuple[str, str], ...] = (
    ("corrected", "corrected"),
    ("cross-check", "2 sources"),
    ("third-party copy", "third-party"),
    ("unknown", "price unknown"),
    ("host VM listed at $0", "host $0"),
    ("low outlier", "low outlier"),
    ("high outlier", "high outlier"),
    ("spot within", "spot≈on-demand"),
    ("placeholder", "placeholder"),
)


def flag_tags(flag: str) -> str:
    """Short labels for a price_flag (the full text is in JSON/CSV output)."""
    return ", ".join(tag for needle, tag in _FLAG_TAGS if needle in flag)


def _cell(column: str, value: Any) -> str:
    if column == "price_flag":
        return flag_tags(str(value)) if value else ""
    money = column.endswith("_usd_hr")
    if value is None:
        # An unknown price is a dash; no second-source figure is blank.
        return "—" if money and column != "price_alt_usd_hr" else ""
    if money:
        return fmt.number(float(value), 4)
    if isinstance(value, float):
        return fmt.number(value) if column == "grid_intensity_g_per_kwh" else f"{value:g}"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


# Terminal width that fits every column with the longest instance-type names on one line.
FULL_WIDTH = 160
# Columns a narrower terminal drops, widest tier first (JSON/CSV always carry them all).
_DROPPED_BELOW: tuple[tuple[int, frozenset[str]], ...] = (
    (130, frozenset({"zone", "vcpus", "memory_gb", "pue", "price_alt_usd_hr"})),
    (100, frozenset({"interconnect", "grid_intensity_g_per_kwh"})),
    # Below 100 columns: cloud joins region ("gcp:us-central1"), the count joins the GPU
    # ("8×H100").
    (100, frozenset({"compact", "cloud", "gpu_count"})),
)


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["region"] = out["cloud"] + ":" + out["region"]
    count = out["gpu_count"].astype("string")
    out["gpu"] = (count + "×" + out["gpu"]).where(out["gpu"].notna())
    return out


def show_table(
    frame: pd.DataFrame, limit: int | None, width: int | None = None
) -> tuple[Table, str | None]:
    """A Rich table of the first `limit` rows (all when None) and a footer note; a narrow
    terminal (`width`) drops the less essential columns (see _DROPPED_BELOW)."""
    from rich.table import Table

    dropped: set[str] = set()
    for threshold, keys in _DROPPED_BELOW:
        if width is not None and width < threshold:
            dropped |= keys
    columns = [(key, title) for key, title in TABLE_COLUMNS if key not in dropped]
    from rich import box

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, padding=(0, 1))
    for key, title in columns:
        numeric = key.startswith(
            ("price_on", "price_spot", "price_alt", "gpu_count", "vcpus", "memory", "grid", "pue")
        )
        table.add_column(
            title,
            justify="right" if numeric else "left",
            # Narrow terminals wrap the long names rather than cut them.
            no_wrap=numeric or key == "gpu" or ("compact" not in dropped and key != "price_flag"),
            overflow="fold",
            min_width=9 if key == "price_flag" else None,
        )
    shown = frame if limit is None else frame.head(limit)
    for row in records(_compact(shown) if "compact" in dropped else shown):
        cells = [_cell(key, row.get(key)) for key, _ in columns]
        if width is not None and width < FULL_WIDTH:
            # An attached-GPU name (n1-standard-8+nvidia-tesla-t4x1) breaks after its host
            # rather than being cut.
            cells = [
                c.replace("+", "+\n") if k == "instance_type" else c
                for c, (k, _) in zip(cells, columns, strict=True)
            ]
        table.add_row(*cells)
    note = None
    if len(shown) < len(frame):
        note = (
            f"showing {len(shown)} of {len(frame)} offerings (cheapest first); --limit 0 shows all"
        )
    if frame.empty:
        note = "no offerings match"
    return table, note


def stats_table(data: dict[str, Any]) -> Table:
    from rich.table import Table

    table = Table(
        title=f"catalog snapshot {data['snapshot_date']} ({data['age_days']} days old)",
        header_style="bold",
    )
    for title in (
        "cloud",
        "regions",
        "instance types",
        "GPU offerings",
        "GPU regions",
        "flagged prices",
        "GPU models",
    ):
        table.add_column(title, justify="left" if title in ("cloud", "GPU models") else "right")
    for cloud, info in data["clouds"].items():
        table.add_row(
            cloud,
            str(info["regions"]),
            str(info["instance_types"]),
            str(info["gpu_offerings"]),
            str(info["gpu_regions"]),
            str(info["flagged_prices"]),
            ", ".join(info["gpu_models"]),
        )
    return table


def accelerators_table(rows: list[dict[str, Any]]) -> Table:
    """`views.accelerator_stats` rows: TPU, Trainium, Inferentia, Gaudi, MI300X offerings and
    their on-demand price per accelerator-hour (trusted prices only)."""
    from rich.table import Table

    table = Table(title="accelerators (price per chip / device hour)", header_style="bold")
    for title in ("accelerator", "cloud", "offerings", "regions", "min $/h", "median $/h"):
        table.add_column(title, justify="left" if title in ("accelerator", "cloud") else "right")
    table.add_column("not priced", justify="left")
    for row in rows:
        missing = []
        if row["doubtful_prices"]:
            missing.append(f"{row['doubtful_prices']} doubtful")
        if row["unknown_prices"]:
            missing.append(f"{row['unknown_prices']} unknown")
        table.add_row(
            row["accelerator"],
            row["cloud"],
            str(row["offerings"]),
            str(row["regions"]),
            *(
                "—" if row[k] is None else fmt.number(float(row[k]), 4)
                for k in ("min_usd_per_accelerator_hr", "median_usd_per_accelerator_hr")
            ),
            ", ".join(missing),
        )
    return table
