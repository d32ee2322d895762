"""`cloudwright catalog` commands: stats, show, build, refresh.

Parse, call `optimizer.catalog`, render with `reports.catalog`. pandas and the builders are
imported inside the commands so `cloudwright --help` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from cloudwright.cli.options import finite

app = typer.Typer(
    help="The catalog: what AWS, GCP and Azure sell, where, at what price and carbon cost.",
    no_args_is_help=True,
)

# The reference data sits beside the repository (../shared/data); builds default to it.
DEFAULT_REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "data"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"


class ShowFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Cloud(StrEnum):
    aws = "aws"
    gcp = "gcp"
    azure = "azure"


@app.command()
def stats(
    fmt: StatsFormat = typer.Option(StatsFormat.table, "--format", "-f", help="Output format."),
    catalog_dir: Path | None = typer.Option(
        None, "--catalog", help="Snapshot directory (default: $CLOUDWRIGHT_CATALOG or packaged)."
    ),
) -> None:
    """Per cloud: regions, instance types, GPU offerings and GPU models in the snapshot."""
    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import out_console
    from cloudwright.optimizer.catalog import views
    from cloudwright.reports import catalog as render

    data = views.stats(open_catalog(catalog_dir))
    if fmt is StatsFormat.json:
        typer.echo(render.to_json(data), nl=False)
        return
    out_console().print(render.stats_table(data))
    if data.get("accelerators"):
        out_console().print(render.accelerators_table(data["accelerators"]))


@app.command()
def show(
    cloud: str | None = typer.Option(None, "--cloud", help="aws | gcp | azure"),
    region: str | None = typer.Option(None, "--region", help="Region code, e.g. us-east-1."),
    gpu: str | None = typer.Option(None, "--gpu", help="Canonical GPU name, e.g. H100, A100-80GB."),
    instance_type: str | None = typer.Option(None, "--instance-type", help="e.g. p5.48xlarge."),
    spot: bool = typer.Option(
        False, "--spot", help="Only offerings with a spot price; sort by it."
    ),
    fmt: ShowFormat = typer.Option(ShowFormat.table, "--format", "-f", help="Output format."),
    limit: int | None = typer.Option(
        None, "--limit", help="Rows to print (table default 50; 0 = all; JSON/CSV: all)."
    ),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Snapshot directory."),
) -> None:
    """Offerings per zone with full hourly prices, region carbon facts and coordinates.

    GCP accelerator shapes are priced as the host VM plus its GPUs. Unknown names fail with
    the closest valid ones.
    """
    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import err_console, out_console
    from cloudwright.optimizer.catalog import views
    from cloudwright.reports import catalog as render

    catalog = open_catalog(catalog_dir)
    frame = views.show(
        catalog, cloud=cloud, region=region, gpu=gpu, instance_type=instance_type, spot=spot
    )
    if limit:
        frame = frame.head(limit)
    if fmt is ShowFormat.json:
        typer.echo(render.to_json(frame), nl=False)
    elif fmt is ShowFormat.csv:
        typer.echo(render.to_csv(frame), nl=False)
    else:
        console = out_console()
        table, note = render.show_table(
            frame, None if limit == 0 else (limit or 50), width=console.width
        )
        console.print(table)
        if note:
            err_console().print(note, highlight=False)


@app.command()
def build(
    from_dir: Path | None = typer.Option(
        None,
        "--from",
        help="A reference set laid out like ../shared/data: its catalog/ is the SkyPilot-format "
        "input and the set itself the --reference (either can still be given).",
    ),
    from_skypilot: Path | None = typer.Option(
        None,
        "--from-skypilot",
        help="Directory with aws/, gcp/, azure/ vms*.csv in SkyPilot's format "
        "(as in ~/.sky/catalogs/<version>/).",
    ),
    reference: Path | None = typer.Option(
        None,
        "--reference",
        help="Reference data laid out like ../shared/data (regions, carbon, latency, prices, "
        "egress, gpu specs). Default: --from, else ../shared/data beside the repository.",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Snapshot directory to write (default: the packaged snapshot)."
    ),
) -> None:
    """Build a snapshot from SkyPilot-format catalogs plus the reference data; written
    atomically (a failed build leaves the old snapshot)."""
    from cloudwright.cli.console import err_console
    from cloudwright.core.errors import DataError, InputError
    from cloudwright.optimizer.catalog.catalog import PACKAGED_SNAPSHOT

    try:  # the builders need the reference data and ship only in a source checkout
        from cloudwright.optimizer.catalog.build import build_snapshot
    except ModuleNotFoundError as exc:
        raise DataError(
            "the catalog builders are not in this install (they ship with the source)",
            hint="clone the repository and run `make demo`, or use `catalog refresh`",
        ) from exc

    if from_skypilot is None and from_dir is None:
        raise InputError("catalog build needs --from DIR (or --from-skypilot DIR)")
    skypilot = from_skypilot or Path(str(from_dir)) / "catalog"
    reference = reference or from_dir or DEFAULT_REFERENCE
    target = out or PACKAGED_SNAPSHOT
    try:
        snapshot = build_snapshot(skypilot, reference, target)
    except (KeyError, ValueError, TypeError, UnicodeDecodeError) as exc:
        # The builders trust the column layout of their sources; a CSV of another shape
        # surfaces here. Nothing was written (the snapshot is swapped in atomically).
        raise DataError(
            f"malformed catalog source: {type(exc).__name__}: {exc}",
            hint="check the SkyPilot-format CSVs (--from-skypilot) and --reference files",
        ) from exc
    console = err_console()
    rows = ", ".join(f"{name} {len(frame)}" for name, frame in snapshot.tables.items())
    console.print(f"wrote {target} (snapshot {snapshot.snapshot_date}): {rows}", highlight=False)
    fit = snapshot.extra["latency_fit"]
    console.print(
        f"latency model: rtt = {fit['intercept_ms']} ms + {fit['inflation']} × fibre bound "
        f"({fit['pairs']} pairs, median |residual| {fit['median_abs_residual_ms']} ms)",
        highlight=False,
    )


@app.command()
def refresh(
    cloud: Cloud = typer.Option(..., "--cloud", help="Which cloud's prices to refresh."),
    api_key: str | None = typer.Option(
        None,
        "--api-key",
        envvar="CLOUDWRIGHT_GCP_API_KEY",
        help="GCP Cloud Billing Catalog API key (env CLOUDWRIGHT_GCP_API_KEY); GCP only.",
    ),
    timeout_s: float = typer.Option(
        30.0, "--timeout", min=0.1, max=3600, callback=finite, help="Seconds per HTTP request."
    ),
    catalog_dir: Path | None = typer.Option(
        None, "--catalog", help="Snapshot to update (default: $CLOUDWRIGHT_CATALOG or packaged)."
    ),
) -> None:
    """Update on-demand and spot prices from the provider's public price API. Offline, a
    timeout or a bad response: an error, and the snapshot is left untouched."""
    from cloudwright.cli.console import err_console
    from cloudwright.optimizer.catalog.refresh import refresh_snapshot

    result = refresh_snapshot(cloud.value, catalog_dir, api_key=api_key, timeout_s=timeout_s)
    err_console().print(result.summary(), highlight=False)
