"""Options and checks shared by the commands.

Click's ranges compare, and NaN compares false with everything: `--fail-above nan` or
`--utilization nan` would pass `min=`/`max=` and then every comparison with them, so a gate
could never fail. Every float option takes `callback=finite`: NaN and ±inf are usage errors
(exit 2) naming the option.

`--stack` and `--time-limit` are how `cost`, `preview` and `check` run a Pulumi program
folder (resource_graph.program); `program_source` hands them to the loaders with the folder.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from cloudwright.resource_graph.program import ProgramSource

TIME_LIMIT_S = 60.0  # resource_graph.program.TIME_LIMIT_S (not imported: start-up time)
STACK_HELP = (
    "Stack of a Pulumi program folder SOURCE: the Pulumi.<stack>.yaml config it runs with "
    "(default: dev)."
)


def finite(value: float | None) -> float | None:
    """Typer callback: the value when it is a finite number (or absent)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


def stack_option(help_text: str = STACK_HELP) -> Any:
    """`--stack/-s NAME` (absent: None, so a command can tell "not given" from `dev`)."""
    return typer.Option(None, "--stack", "-s", help=help_text, show_default=False)


def time_limit_option() -> Any:
    return typer.Option(
        TIME_LIMIT_S,
        "--time-limit",
        metavar="SECONDS",
        min=1,
        callback=finite,
        help="Stop a Pulumi program folder SOURCE that runs longer than this (exit 2).",
    )


def program_source(
    source: str | Path | None,
    stack: str | None,
    time_limit_s: float,
    *,
    stack_needs_program: bool = True,
) -> str | Path | ProgramSource | None:
    """`source` for the loaders: a folder carries `--stack` and `--time-limit` with it.
    `--stack` with another kind of source is a usage error when `stack_needs_program`
    (it would otherwise be silently ignored)."""
    from cloudwright.core.errors import InputError
    from cloudwright.resource_graph.program import is_program
    from cloudwright.resource_graph.program import program_source as folder

    if is_program(source):
        return folder(source, stack, time_limit_s)
    if stack is not None and stack_needs_program:
        raise InputError(
            "--stack chooses the stack of a Pulumi program folder, and SOURCE is not one",
            hint="for a preview, stack export or graph file, --stack-config "
            "Pulumi.<stack>.yaml places the resources the file does not locate",
        )
    return source
