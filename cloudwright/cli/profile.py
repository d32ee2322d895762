"""`cloudwright profile`: measure a workload's energy with codecarbon; list and show profiles.

`profile` is both a group (`profile list`, `profile show NAME`) and a command runner
(`profile --workload NAME --country ISO3 -- CMD ARGS…`). Everything after `--` is the
command, taken verbatim: the group splits it off before Click parses options, so the
command's own flags never reach Click and a command named like a subcommand still runs.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from cloudwright.cli.common import TableFormat
from cloudwright.cli.options import finite

if TYPE_CHECKING:
    from typer._click import Command, Context

    from cloudwright.profiler.record import Profile
    from cloudwright.profiler.store import ProfileStore

COMMAND_KEY = "cloudwright.profile.command"
_USAGE = "cloudwright profile --workload NAME --country ISO3 -- python train.py"


class _ProfileGroup(TyperGroup):
    """A group whose callback can also run a command given after `--`."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if "--" in args:
            cut = args.index("--")
            ctx.meta[COMMAND_KEY] = args[cut + 1 :]
            args = args[:cut]
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            from cloudwright.core.errors import InputError, closest

            near = closest(args[0], self.commands)
            hint = f"did you mean: {', '.join(near)}?" if near else None
            raise InputError(
                f"no profile subcommand {args[0]!r}; to profile a command, put it after "
                f"`--`: {_USAGE}",
                hint=hint,
            )
        return super().resolve_command(ctx, args)


class Mode(StrEnum):
    process = "process"
    machine = "machine"


app = typer.Typer(
    cls=_ProfileGroup,
    help="Measure a workload's energy with codecarbon (CPU by RAPL or load, GPU by NVML, RAM) "
    "so plans and cost reports use what was measured. Run: " + _USAGE,
    invoke_without_command=True,
    no_args_is_help=False,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)


@app.callback()
def profile(
    ctx: typer.Context,
    workload: str | None = typer.Option(
        None, "--workload", "-w", help="Workload name, as in the fleet spec."
    ),
    country: str | None = typer.Option(
        None, "--country", help="ISO 3166-1 alpha-3 country of this machine (e.g. USA, DEU)."
    ),
    subdivision: str | None = typer.Option(
        None, "--subdivision", help="US state / Canadian province / Nordic zone (with --country)."
    ),
    cloud: str | None = typer.Option(
        None, "--cloud", help="Cloud of this machine (aws, gcp, azure)."
    ),
    region: str | None = typer.Option(None, "--region", help="Cloud region of this machine."),
    interval: float = typer.Option(
        5.0,
        "--interval",
        min=0.1,
        max=86_400,
        callback=finite,
        help="Seconds between codecarbon energy readings.",
    ),
    mode: Mode = typer.Option(
        Mode.process,
        "--mode",
        help="process: this command's CPU share (shared machines, CI); "
        "machine: the whole machine's draw (a dedicated node).",
    ),
    catalog_dir: Path | None = typer.Option(
        None, "--catalog", help="Catalog snapshot directory (for --cloud/--region)."
    ),
    codecarbon_csv: Path | None = typer.Option(
        None,
        "--codecarbon-csv",
        help="Also write codecarbon's own emissions.csv into this directory.",
    ),
) -> None:
    """Run CMD under codecarbon and store its profile; the exit code is CMD's."""
    command: list[str] = ctx.meta.get(COMMAND_KEY) or []
    if ctx.invoked_subcommand is not None:
        if command:
            from cloudwright.core.errors import InputError

            raise InputError(
                f"`profile {ctx.invoked_subcommand}` runs nothing; drop the `-- …` part",
                hint=_USAGE,
            )
        return
    if not command and not workload:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    from cloudwright.core.errors import InputError

    if not command:
        raise InputError("nothing to run", hint=f"put the command after `--`: {_USAGE}")
    if not workload:
        raise InputError("--workload NAME is required to store the profile", hint=_USAGE)
    where = {"country": country, "subdivision": subdivision, "cloud": cloud, "region": region}
    code = _run(command, workload, interval, where, mode.value, catalog_dir, codecarbon_csv)
    raise typer.Exit(code)


def _run(
    command: list[str],
    workload: str,
    interval_s: float,
    where: dict[str, str | None],
    mode: str,
    catalog_dir: Path | None,
    codecarbon_csv: Path | None,
) -> int:
    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import print_error, warn
    from cloudwright.profiler.grid import resolve_location
    from cloudwright.profiler.runner import ProfileRequest, run_profiled
    from cloudwright.profiler.store import ProfileStore

    catalog = open_catalog(catalog_dir) if where["cloud"] else None
    location = resolve_location(catalog, **where)
    store = ProfileStore.open_default()
    store.check_writable()
    outcome = run_profiled(
        ProfileRequest(
            command=command,
            workload=workload,
            interval_s=interval_s,
            location=location,
            tracking_mode="machine" if mode == "machine" else "process",
            codecarbon_csv_dir=codecarbon_csv,
        )
    )
    if outcome.profile is None:
        from cloudwright.core.errors import DataError

        error = DataError(f"no profile stored: {outcome.problem}")
        if outcome.exit_code == 0:
            raise error
        print_error(error)  # the command's own failure code wins
        return outcome.exit_code
    discarded = store.add(outcome.profile)
    if discarded:
        warn(f"discarded {discarded} bytes of an unfinished record at the end of {store.path}")
    _print_summary(outcome.profile, store)
    return outcome.exit_code


def _print_summary(profile: Profile, store: ProfileStore) -> None:
    from cloudwright.cli.console import err_console
    from cloudwright.reports.profile import run_summary

    console = err_console()
    console.print(run_summary(profile), highlight=False)
    console.print(f"stored {profile.id} in {store.path}", highlight=False, markup=False)


@app.command("list")
def list_profiles(
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f"),
    all_runs: bool = typer.Option(
        False, "--all", help="Every run, not only each workload's newest."
    ),
) -> None:
    """Profiled workloads: newest successful run of each, with its energy and method."""
    from cloudwright.profiler.store import ProfileStore
    from cloudwright.reports.profile import list_rows

    store = ProfileStore.open_default()
    profiles = store.list()
    if fmt == TableFormat.json:
        chosen = profiles if all_runs else _newest_per_workload(profiles)
        _print_json([p.model_dump(mode="json", by_alias=True) for p in chosen])
        return
    rows = list_rows(profiles, all_runs=all_runs)
    if not rows:
        from cloudwright.cli.console import err_console

        err_console().print(f"no profiles in {store.path}", highlight=False)
        return
    _print_rows(rows, fmt, title=f"Profiles ({store.path})")


def _newest_per_workload(profiles: list[Profile]) -> list[Profile]:
    newest: dict[str, Profile] = {}
    for p in profiles:
        if p.succeeded or p.workload not in newest or not newest[p.workload].succeeded:
            newest[p.workload] = p
    return [newest[name] for name in sorted(newest)]


@app.command("show")
def show(
    name: str = typer.Argument(..., help="Workload name."),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f"),
    on: str | None = typer.Option(
        None, "--on", help="CLOUD:INSTANCE_TYPE to scale the profile to (e.g. aws:p5.48xlarge)."
    ),
    utilization: float = typer.Option(
        0.8,
        "--utilization",
        min=0.0,
        max=1.0,
        callback=finite,
        help="Planned GPU utilisation for --on.",
    ),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Catalog snapshot directory."),
) -> None:
    """A workload's newest profile, its run history, and optionally its scaled power."""
    from cloudwright.core.errors import UnknownNameError
    from cloudwright.profiler.store import ProfileStore

    store = ProfileStore.open_default()
    history = store.history(name)
    if not history:
        raise UnknownNameError("profiled workload", name, store.workloads(), scope=str(store.path))
    latest = store.latest(name) or history[-1]
    comparison = _comparison(latest, on, utilization, catalog_dir) if on else None
    if fmt == TableFormat.json:
        _print_json(
            {
                "latest": latest.model_dump(mode="json", by_alias=True),
                "history": [p.model_dump(mode="json", by_alias=True) for p in history],
                "scaled": comparison.to_json() if comparison else None,
            }
        )
        return
    _render_show(latest, history, comparison, fmt)


def _comparison(profile: Profile, on: str, utilization: float, catalog_dir: Path | None) -> Any:
    from cloudwright.cli.common import open_catalog
    from cloudwright.core.errors import InputError
    from cloudwright.profiler.compare import compare

    cloud, sep, instance_type = on.partition(":")
    if not sep or not cloud or not instance_type:
        raise InputError(f"--on wants CLOUD:INSTANCE_TYPE, got {on!r}", hint="e.g. aws:p5.48xlarge")
    return compare(open_catalog(catalog_dir), profile, cloud, instance_type, utilization)


def _render_show(
    latest: Profile, history: list[Profile], comparison: Any, fmt: TableFormat
) -> None:
    from cloudwright.cli.console import out_console
    from cloudwright.reports import profile as view

    title = f"Profile {latest.workload!r}"
    fields, notes = view.details(latest), latest.measurement.notes
    if fmt == TableFormat.markdown:
        typer.echo(view.details_markdown(title, fields, notes))
    else:
        console = out_console()
        for item in view.details_renderables(title, fields, notes):
            console.print(item, highlight=False)
    _print_rows([view.history_row(p) for p in history], fmt, title=f"History ({len(history)} runs)")
    if comparison is not None:
        _print_rows(comparison.rows(), fmt, title=view.comparison_title(comparison))
        typer.echo(f"source: {comparison.source}")


def _print_rows(rows: list[dict[str, Any]], fmt: TableFormat, *, title: str) -> None:
    if not rows:
        return
    from cloudwright.reports.profile import rows_markdown, rows_table

    if fmt == TableFormat.markdown:
        typer.echo(rows_markdown(rows, title))
        return
    from cloudwright.cli.console import out_console

    out_console().print(rows_table(rows, title))


def _print_json(obj: Any) -> None:
    import json

    typer.echo(json.dumps(obj, indent=2))
