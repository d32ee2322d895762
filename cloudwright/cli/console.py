"""Shared output helpers for commands: stderr console, error printing, writing results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from cloudwright.core.errors import CloudwrightError

_stderr: Console | None = None
_stdout: Console | None = None


def err_console() -> Console:
    global _stderr
    if _stderr is None:
        import sys

        from rich.console import Console

        # Not a terminal (CI logs, pipes): no hard wrap at 80 columns, one line per message.
        _stderr = Console(stderr=True, soft_wrap=not sys.stderr.isatty())
    return _stderr


def out_console() -> Console:
    global _stdout
    if _stdout is None:
        from rich.console import Console

        _stdout = Console()
    return _stdout


def print_error(error: CloudwrightError) -> None:
    from rich.markup import escape

    console = err_console()
    console.print(f"[bold red]error:[/] {escape(error.message)}", highlight=False, markup=True)
    if error.hint:
        console.print(f"  [yellow]{escape(error.hint)}[/]", highlight=False)


def warn(message: str) -> None:
    from rich.markup import escape

    err_console().print(f"[yellow]warning:[/] {escape(message)}", highlight=False)


def emit(text: str, out: Path | None) -> None:
    """Print `text` to stdout, or write it atomically to `out` (and say so on stderr)."""
    if out is None:
        import sys

        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from cloudwright.core.fsio import write_text

    write_text(out, text)
    err_console().print(f"wrote {out}", highlight=False)
