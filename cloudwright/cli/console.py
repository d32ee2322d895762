"""Shared output helpers for commands: stderr console, error printing, writing results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from cloudwright.errors import CloudwrightError

_stderr: Console | None = None
_stdout: Console | None = None


def err_console() -> Console:
    global _stderr
    if _stderr is None:
        from rich.console import Console

        _stderr = Console(stderr=True)
    return _stderr


def out_console() -> Console:
    global _stdout
    if _stdout is None:
        from rich.console import Console

        _stdout = Console()
    return _stdout


def print_error(error: CloudwrightError) -> None:
    console = err_console()
    console.print(f"[bold red]error:[/] {error.message}", highlight=False, markup=True)
    if error.hint:
        console.print(f"  [yellow]{error.hint}[/]", highlight=False)


def warn(message: str) -> None:
    err_console().print(f"[yellow]warning:[/] {message}", highlight=False)


def emit(text: str, out: Path | None) -> None:
    """Print `text` to stdout, or write it atomically to `out` (and say so on stderr)."""
    if out is None:
        import sys

        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from cloudwright.fsio import write_text

    write_text(out, text)
    err_console().print(f"wrote {out}", highlight=False)
