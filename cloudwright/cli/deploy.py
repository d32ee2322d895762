"""`cloudwright deploy` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="deploy commands", no_args_is_help=True)
