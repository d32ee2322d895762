"""`cloudwright usage generate`: a usage-file skeleton for the usage-based lines of a source."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Usage files (stored GB, egress, requests, hours): docs/usage.md.")

SOURCE_HELP = (
    "plan.json, graph.json, `pulumi preview --json` output, a stack export or checkpoint, "
    "or - for stdin. Default: the current plan."
)


@app.callback()
def _group() -> None:
    """Usage files (stored GB, egress, requests, hours): docs/usage.md."""


@app.command()
def generate(
    source: str | None = typer.Argument(None, help=SOURCE_HELP),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the skeleton here (default: stdout)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite --out when it exists."),
    usage: Path | None = typer.Option(
        None, "--usage", "-u", help="An existing usage file: its values show as current ones."
    ),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Catalog snapshot directory."),
) -> None:
    """Write a usage file listing every usage key the source's resources read, each with a
    comment naming the resource and what the number means (all commented out: fill in)."""
    from cloudwright.core.fsio import output_path, refuse_inputs

    refuse_inputs(out, source, usage)
    from datetime import UTC, datetime

    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import emit, err_console
    from cloudwright.core.errors import InputError
    from cloudwright.pricing.pipeline import read_usage
    from cloudwright.reports.usage_file import render_usage_file, usage_skeleton

    if out is not None and output_path(out).exists() and not force:
        raise InputError(
            f"{out} exists: refusing to overwrite it", hint="pass --force to replace it"
        )
    catalog = open_catalog(catalog_dir)
    resources, report = usage_skeleton(
        source, catalog=catalog, base=read_usage(usage) if usage else None
    )
    today = datetime.now(UTC).date().isoformat()
    emit(render_usage_file(resources, report.origin or str(source or "plan"), today), out)
    keys = sum(len(r.keys) for r in resources)
    needed = sum(1 for r in resources for k in r.keys if k.needed)
    err_console().print(
        f"{keys} usage keys on {len(resources)} resources ({needed} needed to price a line)",
        highlight=False,
    )
