"""`cloudwright preview`: what `pulumi up` would create, computed offline.

Thin: for a Pulumi program folder, run it under mocks (`resource_graph.program`); else resolve
the plan (argument, else the stack config's `cloudwright:plan`, else plan.json) and call
`resource_graph.offline.preview_plan`. Render a table or the graph JSON. Heavy imports (the
Pulumi SDKs, pandas) happen inside the command.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from cloudwright.cli.options import stack_option, time_limit_option

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
        help="Plan lock, or a Pulumi Python program folder (Pulumi.yaml) to run under mocks "
        "(default: the stack's cloudwright:plan, else plan.json).",
        show_default=False,
    ),
    fmt: PreviewFormat = typer.Option(PreviewFormat.table, "--format", "-f", help="Output format."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Also write the resource graph (JSON) here."
    ),
    stack: str | None = stack_option("Stack whose config to apply (default: dev)."),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Catalog snapshot directory."),
    time_limit: float = time_limit_option(),
) -> None:
    """Run the stack program, or a Pulumi program folder, offline (Pulumi mocks) and show
    every resource it would create."""
    from cloudwright.core.fsio import refuse_inputs

    refuse_inputs(out, plan)
    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import emit, err_console, out_console
    from cloudwright.optimizer.plan import load_plan
    from cloudwright.reports.preview import preview_renderables
    from cloudwright.resource_graph.offline import preview_plan
    from cloudwright.resource_graph.program import is_program, load_program
    from cloudwright.stacks.settings import plan_path, read_stack_file, stack_file

    root = Path.cwd()
    if is_program(plan):
        graph = load_program(plan, stack=stack, time_limit_s=time_limit)
    else:
        name = stack or "dev"
        config_file = stack_file(root, name)
        config = read_stack_file(config_file) if config_file.is_file() else {}
        source = plan or plan_path(root, name)
        graph = preview_plan(
            load_plan(source), catalog=open_catalog(catalog_dir), stack=name, config=config
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
    for item in preview_renderables(graph):
        console.print(item)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
