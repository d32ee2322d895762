"""`cloudwright plan`: place a fleet's workloads and write the plan lock (plan.json).

Thin: parse options, call `optimizer.planner.plan`, render with `reports.plan`, write
atomically. Heavy imports (pandas, scipy, the optimizer) happen inside the command.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cloudwright.cli.options import finite

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import RenderableType

    from cloudwright.optimizer.fleet.spec import Fleet
    from cloudwright.optimizer.models.energy import ProfileSource
    from cloudwright.optimizer.pareto import ParetoPoint
    from cloudwright.optimizer.planner import PlanDraft, Problem


PIPE_WIDTH = 150


class ObjectiveChoice(StrEnum):
    cost = "cost"
    carbon = "carbon"
    latency = "latency"
    balanced = "balanced"


class PlanFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


# What a plan built is left to the process exit (the console script ends with os._exit, see
# `app.run`): freeing 10^5 workloads' objects one by one takes ~0.35 s. A later in-process
# call (tests) replaces, and so frees, the previous one's.
_LEFT_FOR_EXIT: list[object] = []


def register(app: typer.Typer) -> None:
    """Add the command to the top-level app."""
    app.command(name="plan")(plan_command)


def plan_command(
    fleet: Path = typer.Argument(..., help="Fleet spec (YAML).", show_default=False),
    objective: ObjectiveChoice | None = typer.Option(
        None, "--objective", help="Override the fleet's objective."
    ),
    carbon_price: float | None = typer.Option(
        None,
        "--carbon-price",
        min=0,
        max=1e12,
        callback=finite,
        help="US$ per tonne CO2e for `balanced` (and carbon hysteresis with --lock).",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the plan lock (plan.json) here."
    ),
    lock: Path | None = typer.Option(
        None, "--lock", help="Current plan.json: keep placements unless moving pays."
    ),
    pareto: bool = typer.Option(
        False, "--pareto", help="Also sweep the carbon price: cost/carbon frontier + chart."
    ),
    chart: Path | None = typer.Option(
        None, "--chart", help="Where --pareto writes its SVG (default: beside --out, or ./)."
    ),
    fmt: PlanFormat = typer.Option(PlanFormat.table, "--format", "-f", help="Output format."),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Catalog snapshot directory."),
    time_limit: float = typer.Option(
        60.0, "--time-limit", min=1, callback=finite, help="Solver time limit (s)."
    ),
    use_profiles: bool = typer.Option(
        True, "--profiles/--no-profiles", help="Use measured energy profiles when present."
    ),
    created_at: str | None = typer.Option(
        None,
        "--created-at",
        metavar="ISO-8601",
        help="The plan's timestamp (default: $SOURCE_DATE_EPOCH, else now). Either makes "
        "plan.json byte-identical across runs (the solver's wall time is then left out).",
    ),
) -> None:
    """Place every workload by cost, carbon, latency or a balance of them; write plan.json."""
    from cloudwright.core.fsio import refuse_inputs

    refuse_inputs(out, fleet, lock)
    refuse_inputs(chart, fleet, lock, out)
    loaded = _read_fleet(fleet)
    from cloudwright.cli.common import open_catalog
    from cloudwright.core.gcpause import gc_paused
    from cloudwright.optimizer.fleet.resolve import resolve
    from cloudwright.optimizer.plan import load_plan
    from cloudwright.optimizer.planner import draft_plan, objective_spec, optimise, prepare
    from cloudwright.reports import plan as render

    catalog = open_catalog(catalog_dir)
    with gc_paused():
        resolved = resolve(loaded, catalog)
    # Only the resolved copy is kept: 10^5 workloads need not be held twice while the
    # candidates take their memory.
    del loaded
    fleet_name = resolved.name or fleet.stem
    locked = load_plan(lock) if lock is not None else None
    profiles = _profiles(use_profiles)
    problem = prepare(resolved, catalog, lock=locked, profiles=profiles, resolved=True)
    spec = objective_spec(problem, objective.value if objective else None, carbon_price)
    outcome = optimise(problem, spec, time_limit_s=time_limit)
    when = _timestamp(created_at)
    # Streamed to --out: the assignments' renderers may start before the head is built.
    count = len(outcome.solution.choice)
    streamed = out is not None and (fmt is not PlanFormat.table or count > render.BRIEF_ROWS)
    draft = draft_plan(problem, outcome, fleet_name=fleet_name, created_at=when, prerender=streamed)
    _LEFT_FOR_EXIT[:] = [resolved, problem, outcome, draft]
    try:
        _finish(draft, problem, out, chart, fmt, pareto, when, time_limit)
    finally:
        draft.close()


def _finish(
    draft: PlanDraft,
    problem: Problem,
    out: Path | None,
    chart: Path | None,
    fmt: PlanFormat,
    pareto: bool,
    when: datetime | None,
    time_limit: float,
) -> None:
    """Write and print the drafted plan."""
    from cloudwright.cli.console import emit, err_console
    from cloudwright.optimizer.plan import save_plan
    from cloudwright.reports import plan as render

    head = draft.head
    if when is not None and head.solver is not None:  # reproducible: no wall-clock figure
        head = head.model_copy(update={"solver": head.solver.model_copy(update={"seconds": None})})
    points = _frontier(problem, time_limit) if pareto else None
    brief = out is not None and draft.count > render.BRIEF_ROWS
    if out is not None and (fmt is not PlanFormat.table or brief):
        # Only the file needs the assignments: each is built, written and dropped in turn.
        save_plan(head, out, rendered=draft.rendered())
        err_console().print(f"wrote {out}", highlight=False)
        if points is not None:
            _write_chart(points, chart or _default_chart(out))
        if fmt is PlanFormat.table:
            _print(render.brief_renderables(head, draft.count), points)
        return
    result = head.model_copy(update={"assignments": draft.plan().assignments})
    if out is not None:
        save_plan(result, out)
        err_console().print(f"wrote {out}", highlight=False)
    if points is not None:
        _write_chart(points, chart or _default_chart(out))
    if out is not None and fmt is not PlanFormat.table:
        return  # the plan is in the file; stdout stays free of a second copy
    if fmt is PlanFormat.json:
        emit(render.render_json(result, points), None)
    elif fmt is PlanFormat.markdown:
        emit(render.render_markdown(result, points), None)
    else:
        _print(render.plan_renderables(result, brief=out is not None), points)


def _read_fleet(path: Path) -> Fleet:
    """The fleet file, its YAML read on the other core while the plan path imports
    (~0.5 s: pandas, the solver, the plan models)."""
    from cloudwright.core.gcpause import gc_paused
    from cloudwright.core.yamlahead import load_yaml_ahead

    # Imports build ~10^5 objects that live as long as the process: the collector's passes
    # over them free nothing (paused: ~0.05 s).
    with gc_paused(), load_yaml_ahead(path, what="fleet file") as parsed:
        import cloudwright.optimizer.planner
        import cloudwright.reports.plan  # noqa: F401  (imported here to overlap the read)
        from cloudwright.optimizer.fleet import load_fleet

        return load_fleet(path, parsed.result())


def _print(items: list[RenderableType], points: list[ParetoPoint] | None) -> None:
    from cloudwright.cli.console import emit, out_console
    from cloudwright.reports import plan as render

    if points is not None:
        items.append(render.pareto_table(points))
    if out_console().is_terminal:
        for item in items:
            out_console().print(item)
    else:  # files, pipes, CI logs: no terminal width to honour, keep the tables whole
        emit(render.render_text(items, width=PIPE_WIDTH), None)


def _timestamp(given: str | None) -> datetime | None:
    """--created-at, else $SOURCE_DATE_EPOCH (reproducible-builds.org), else None (now)."""
    import os
    from datetime import UTC, datetime

    from cloudwright.core.errors import InputError

    if given is not None:
        try:
            when = datetime.fromisoformat(given)
        except ValueError as exc:
            raise InputError(f"--created-at: {given!r} is not an ISO-8601 date-time") from exc
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise InputError(f"SOURCE_DATE_EPOCH: {epoch!r} is not a Unix timestamp") from exc


def _profiles(enabled: bool) -> ProfileSource | None:
    """The project's profile store as it is now (read once, answered from memory), when
    enabled and it holds a successful profile (else every answer would be "unprofiled":
    None spares asking once per workload)."""
    if not enabled:
        return None
    from cloudwright.profiler.store import ProfileStore

    store = ProfileStore.open_default()
    if not any(p.succeeded for p in store.list()):
        return None
    return store.snapshot()  # reads the file once more only if it changed meanwhile


def _frontier(problem: Problem, time_limit: float) -> list[ParetoPoint]:
    from cloudwright.optimizer.pareto import frontier

    return frontier(problem, time_limit_s=time_limit)


def _default_chart(out: Path | None) -> Path:
    if out is None:
        return Path("pareto.svg")
    return out.with_name(out.stem + ".pareto.svg")


def _write_chart(points: list[ParetoPoint], path: Path) -> None:
    from cloudwright.cli.console import err_console
    from cloudwright.core.fsio import write_text
    from cloudwright.reports.chart import frontier_svg

    write_text(path, frontier_svg(points))
    err_console().print(f"wrote {path}", highlight=False)
