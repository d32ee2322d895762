"""Top-level Typer app and the one error handler.

Start-up must stay fast (`cloudwright --help` ≤ 0.3 s): command modules import only
typer at module level and pull pandas, scipy and the Pulumi SDKs inside the commands.
"""

from __future__ import annotations

import atexit
import gc
import sys

import typer

from cloudwright.cli import (
    carbon,
    catalog,
    check,
    comment,
    cost,
    deploy,
    plan,
    preview,
    profile,
    usage,
)
from cloudwright.core.errors import CloudwrightError

app = typer.Typer(
    name="cloudwright",
    help="Place GPU workloads on AWS, GCP and Azure by price, latency and carbon; "
    "deploy them with Pulumi; report cost and carbon before you run `pulumi up`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, pwsh
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from cloudwright import __version__

        sys.stdout.write(f"cloudwright {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
    carbon_basis: str | None = typer.Option(
        None,
        "--carbon-basis",
        metavar="location|provider",
        help="Grid intensity basis for every carbon figure: location (default: one figure "
        "per grid zone, whatever the cloud) or provider (the cloud's own published "
        "per-region figure where there is one). Also $CLOUDWRIGHT_CARBON_BASIS.",
    ),
) -> None:
    """Place GPU workloads on AWS, GCP and Azure by price, latency and carbon; deploy them
    with Pulumi; report cost and carbon before you run `pulumi up`.

    Exit codes: 0 ok, 1 a gate failed (policy violation, --fail-above), 2 bad input,
    3 infeasible, 4 catalog/data error, 5 Pulumi CLI missing, 6 network error, 70 internal
    error (a bug: please report it)."""
    if carbon_basis is not None:
        import os

        # Read once, by the catalog (optimizer.catalog.carbon_basis), which validates it.
        os.environ["CLOUDWRIGHT_CARBON_BASIS"] = carbon_basis


app.add_typer(catalog.app, name="catalog")
plan.register(app)
preview.register(app)
app.add_typer(deploy.app, name="deploy")
cost.register(app)
check.register(app)
app.add_typer(profile.app, name="profile")
app.add_typer(carbon.app, name="carbon")
app.add_typer(comment.app, name="comment")
app.add_typer(usage.app, name="usage")


# Anything else that escapes a command is a bug in Cloudwright: a one-line message and this
# exit code (EX_SOFTWARE), never a traceback nor exit 1, which only a failed gate may use.
INTERNAL_ERROR = 70
TRACEBACK_ENV = "CLOUDWRIGHT_TRACEBACK"  # set to 1 to see the traceback of an internal error
_FREEZE_AT_EXIT: list[object] = []


def main() -> None:
    """Console-script entry point: run the app, turn project errors into a message and exit code."""
    import signal

    # At exit, move the heap out of the collector's reach: the interpreter's final
    # collections would rescan every object a command left (pandas, the Pulumi SDKs) to
    # free memory the OS reclaims anyway (measured: `cost examples/plan.json` 0.5 s, `plan
    # examples/fleet.yaml` 0.2 s). Registered once; atexit runs it after the command.
    if not _FREEZE_AT_EXIT:
        _FREEZE_AT_EXIT.append(atexit.register(gc.freeze))

    # SIGTERM exits like Ctrl-C does, through Python: atomic writes remove their temp file.
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    except CloudwrightError as error:
        from cloudwright.cli.console import print_error

        print_error(error)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        _closed_stdout()
    except Exception as error:
        _internal_error(error)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _internal_error(error: Exception) -> None:
    import os

    from cloudwright.cli.console import err_console

    if os.environ.get(TRACEBACK_ENV):
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    detail = str(error).splitlines()[0][:300] if str(error) else ""
    message = f"internal error: {type(error).__name__}" + (f": {detail}" if detail else "")
    hint = (
        "this is a bug in Cloudwright, not in your input: please report it with the command "
        f"you ran (set {TRACEBACK_ENV}=1 to see where it happened)"
    )
    console = err_console()
    console.print(f"error: {message}", highlight=False, markup=False)
    console.print(f"  {hint}", highlight=False, markup=False)
    sys.exit(INTERNAL_ERROR)


def _closed_stdout() -> None:
    """The reader of stdout went away (`cloudwright ... | head`): stop quietly, as a process
    killed by SIGPIPE would."""
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError):  # no real stdout (in-process tests)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(128 + 13)


def _terminated(signum: int, frame: object) -> None:
    sys.exit(128 + signum)


def run() -> None:
    """The console script: `main()`, then the process ends at once. The interpreter's own
    shutdown would free every module and object one by one (~0.1 s after a plan or a cost
    report, more after a large plan) for memory the OS takes back anyway. Exit handlers
    still run and stdout/stderr are flushed first; with other Python threads still running,
    the usual shutdown (which waits for them) is kept."""
    import contextlib
    import os
    import threading

    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if threading.active_count() > 1:
        sys.exit(code)  # type: ignore[arg-type]
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # sys.exit("message") prints it and exits 1
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing can reach it
            stream.flush()
    os._exit(code or 0)
