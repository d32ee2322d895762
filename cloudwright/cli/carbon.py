"""`cloudwright carbon`: grid carbon intensity, from the catalog and from codecarbon's data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from cloudwright.cli.common import TableFormat

app = typer.Typer(
    help="Grid carbon intensity (gCO2e/kWh) and where it comes from.", no_args_is_help=True
)


@app.callback()
def carbon() -> None:
    """Grid carbon intensity (gCO2e/kWh) and where it comes from."""


@app.command("intensity")
def intensity(
    cloud: str | None = typer.Option(None, "--cloud", help="aws, gcp or azure."),
    region: str | None = typer.Option(
        None, "--region", help="Cloud region (with --cloud); without it, every region."
    ),
    country: str | None = typer.Option(
        None, "--country", help="ISO 3166-1 alpha-3 country code (e.g. DEU, USA)."
    ),
    subdivision: str | None = typer.Option(
        None,
        "--subdivision",
        help="US state (VA), Canadian province (QC) or Nordic zone (SE3), with --country.",
    ),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f"),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Catalog snapshot directory."),
) -> None:
    """Print the grid intensity of a cloud region or a country, and its source.

    For a region: the catalog's figure (what plans use), its alternative where the catalog
    has one, and codecarbon's own lookup. For a country: codecarbon's figure.
    """
    from cloudwright.profiler.grid import intensity_report

    catalog = None
    if cloud:
        from cloudwright.cli.common import open_catalog

        catalog = open_catalog(catalog_dir)
    rows = intensity_report(
        catalog, country=country, subdivision=subdivision, cloud=cloud, region=region
    )
    records = [r.to_json() for r in rows]
    if fmt == TableFormat.json:
        import json

        typer.echo(json.dumps(records, indent=2))
        return
    table_rows = [_table_row(r) for r in records]
    if fmt == TableFormat.markdown:
        _print_markdown(table_rows)
        return
    _print_table(table_rows)


def _table_row(record: dict[str, Any]) -> dict[str, str]:
    from cloudwright.reports import format as fmt

    where = record["country"] or ""
    if record["subdivision"]:
        where += f"/{record['subdivision']}"
    return {
        "where": record["scope"],
        "country": where,
        "basis": record["basis"],
        "gCO2e/kWh": fmt.number(record["g_per_kwh"], 1),
        "year": record["year"] or "",
        "source": record["source"],
    }


def _print_markdown(rows: list[dict[str, str]]) -> None:
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    lines += ["| " + " | ".join(r[c] for c in columns) + " |" for r in rows]
    typer.echo("\n".join(lines))


def _print_table(rows: list[dict[str, str]]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from cloudwright.cli.console import out_console

    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption="catalog: the figure plans use; catalog alt: its second source",
        caption_justify="left",
    )
    columns = [c for c in rows[0] if c != "basis" or len({r["basis"] for r in rows}) > 1]
    for column in columns:
        if column == "source":
            table.add_column(column, ratio=1, overflow="fold")
        else:
            right = column == "gCO2e/kWh"
            table.add_column(column, justify="right" if right else "left", no_wrap=True)
    for row in rows:
        table.add_row(*(Text(row[c]) for c in columns))
    out_console().print(table)
