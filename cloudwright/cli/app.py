"""Top-level Typer app and the one error handler.

Start-up must stay fast (`cloudwright --help` ≤ 0.3 s): command modules import only
typer at module level and pull pandas, scipy and the Pulumi SDKs inside the commands.
"""

from __future__ import annotations

import sys

import typer

from cloudwright.cli import carbon, catalog, check, cost, deploy, plan, preview, profile
from cloudwright.errors import CloudwrightError

app = typer.Typer(
    name="cloudwright",
    help="Place GPU workloads on AWS, GCP and Azure by price, latency and carbon; "
    "deploy them with Pulumi; report cost and carbon before you run `pulumi up`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

app.add_typer(catalog.app, name="catalog")
plan.register(app)
preview.register(app)
app.add_typer(deploy.app, name="deploy")
cost.register(app)
check.register(app)
app.add_typer(profile.app, name="profile")
app.add_typer(carbon.app, name="carbon")


def main() -> None:
    """Console-script entry point: run the app, turn project errors into a message and exit code."""
    try:
        app()
    except CloudwrightError as error:
        from cloudwright.cli.console import print_error

        print_error(error)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
