"""`cloudwright preview`: what `pulumi up` would create for a plan, computed offline.

Thin: resolve the plan (argument, else the stack config's `cloudwright:plan`, else plan.json),
call `resource_graph.offline.preview_plan`, render a table or the graph JSON. Heavy imports
(the Pulumi SDKs, pandas) happen inside the command.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cloudwright.resource_graph.model import Graph


PIPE_WIDTH = 160


class PreviewFormat(StrEnum):
    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add the command to the top-level app."""
    app.command(name="preview")(preview_command)


def preview_command(
    plan: Path | None = typer.Argument(
        None,
        help="Plan lock (default: the stack's cloudwright:plan, else plan.json).",
        show_default=False,
    ),
    fmt: PreviewFormat = typer.Option(PreviewFormat.table, "--format", "-f", help="Output format."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Also write the resource graph (JSON) here."
    ),
    stack: str = typer.Option("dev", "--stack", "-s", help="Stack whose config to apply."),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Catalog snapshot directory."),
) -> None:
    """Run the stack program offline (Pulumi mocks) and show every resource it would create."""
    from cloudwright.core.fsio import refuse_inputs

    refuse_inputs(out, plan)
    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import emit, err_console, out_console
    from cloudwright.optimizer.plan import load_plan
    from cloudwright.resource_graph.offline import preview_plan
    from cloudwright.stacks.settings import plan_path, read_stack_file, stack_file

    root = Path.cwd()
    config_file = stack_file(root, stack)
    config = read_stack_file(config_file) if config_file.is_file() else {}
    source = plan or plan_path(root, stack)
    graph = preview_plan(
        load_plan(source), catalog=open_catalog(catalog_dir), stack=stack, config=config
    )
    graph.origin = _display(source, root)
    if out is not None:
        graph.save(out)
        err_console().print(f"wrote {out}", highlight=False)
    if fmt is PreviewFormat.json:
        if out is None:  # with --out the graph is already in that file
            import json

            emit(json.dumps(graph.to_json(), indent=2), None)
        return
    console = out_console()
    if not console.is_terminal:  # files, pipes, CI logs: keep rows whole
        from rich.console import Console

        console = Console(width=PIPE_WIDTH, soft_wrap=False)
    for item in _renderables(graph):
        console.print(item)


def _renderables(graph: Graph) -> list[RenderableType]:
    """One table per (cloud, region, workload): type, name and the settings that matter."""
    from itertools import groupby

    from rich.table import Table

    from cloudwright.components.summary import key_settings

    resources = sorted(
        graph.custom_resources(),
        key=lambda r: (r.cloud or "", r.region or "", r.workload or "", r.type, r.name),
    )
    items: list[RenderableType] = [f"Offline preview of {graph.origin} (stack {graph.stack})"]
    for (cloud, region, workload), group in groupby(
        resources, key=lambda r: (r.cloud or "-", r.region or "-", r.workload or "-")
    ):
        table = Table(title=f"{cloud} {region} · {workload}", title_justify="left")
        for column in ("type", "name", "key settings"):
            table.add_column(column, overflow="fold")
        for r in group:
            table.add_row(_short_type(r.type), r.name, key_settings(r.type, r.inputs))
        items.append(table)
    components = sum(1 for r in graph if r.is_component)
    providers = sum(1 for r in graph if r.is_provider)
    items.append(
        f"{len(resources)} resources, {components} components, {providers} providers "
        f"(plan {graph.plan_id}); ids and computed outputs are stand-ins"
    )
    return items


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _short_type(type_token: str) -> str:
    """'aws:ec2/launchTemplate:LaunchTemplate' → 'aws:ec2:LaunchTemplate'."""
    parts = type_token.split(":")
    if len(parts) == 3:
        return f"{parts[0]}:{parts[1].split('/')[0]}:{parts[2]}"
    return type_token
