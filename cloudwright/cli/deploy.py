"""`cloudwright deploy preview|up`: the stack program through Pulumi's Automation API.

Thin: options → `stacks.automation.run`; streams Pulumi's own output to stderr. `up` shows
the preview and asks before changing anything unless `--yes`. Without the `pulumi` binary the
library raises ToolMissingError (install instructions) and the top-level handler prints it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from cloudwright.stacks.automation import DeployResult

app = typer.Typer(help="Deploy the plan with Pulumi (needs the Pulumi CLI).", no_args_is_help=True)

STACK_HELP = "Pulumi stack (config in stacks/Pulumi.<stack>.yaml)."
PLAN_HELP = "Plan lock to deploy (sets cloudwright:plan on the stack)."


@app.command("preview")
def preview(
    stack: str = typer.Option("dev", "--stack", "-s", help=STACK_HELP),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
) -> None:
    """`pulumi preview` of the stack: what `up` would change."""
    from cloudwright.stacks.automation import run

    result = run("preview", stack=stack, project_dir=Path.cwd(), plan=plan, on_output=_stream)
    _summarise(result)


@app.command("up")
def up(
    stack: str = typer.Option("dev", "--stack", "-s", help=STACK_HELP),
    plan: Path | None = typer.Option(None, "--plan", help=PLAN_HELP),
    yes: bool = typer.Option(False, "--yes", "-y", help="Apply without asking."),
) -> None:
    """`pulumi up` of the stack: create or update the plan's resources."""
    from cloudwright.stacks.automation import run

    if not yes:
        _summarise(
            run("preview", stack=stack, project_dir=Path.cwd(), plan=plan, on_output=_stream)
        )
        if not typer.confirm(f"Apply these changes to stack {stack!r}?", default=False):
            raise typer.Exit(1)
    _summarise(run("up", stack=stack, project_dir=Path.cwd(), plan=plan, on_output=_stream))


def _stream(line: str) -> None:
    from cloudwright.cli.console import err_console

    err_console().print(line.rstrip("\n"), highlight=False, markup=False)


def _summarise(result: DeployResult) -> None:
    from cloudwright.cli.console import out_console

    changes = ", ".join(f"{op}: {n}" for op, n in sorted(result.changes.items())) or "no changes"
    status = f" ({result.result})" if result.result else ""
    out_console().print(
        f"{result.action} of stack {result.stack}{status}: {changes} [backend {result.backend}]",
        highlight=False,
        markup=False,
    )
