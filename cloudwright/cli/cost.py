"""`cloudwright cost` and `cloudwright diff`: cost, energy and carbon before `pulumi up`.

Parse, call `pricing.pipeline.report_for` (load the source, price it), render with
`reports.*`. Everything but typer is imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cloudwright.cli.options import finite, program_source, stack_option, time_limit_option

if TYPE_CHECKING:
    from cloudwright.optimizer.models.energy import ProfileSource
    from cloudwright.pricing.report import CostReport
    from cloudwright.reports.html import Budget

SOURCE_HELP = (
    "plan.json, graph.json, `pulumi preview --json` output, a `pulumi stack export`, a "
    "file-backend checkpoint, or - for stdin. Default: the offline preview of the current "
    "plan (cloudwright:plan in stacks/Pulumi.dev.yaml, else plan.json)."
)


class Unpriced(StrEnum):
    """What `--fail-above` does with a total that is a lower bound."""

    fail = "fail"
    pass_with_note = "pass-with-note"


class CommitPurchase(StrEnum):
    commit_1y = "commit-1y"
    commit_3y = "commit-3y"


class CostFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    focus = "focus"


class DiffFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def register(app: typer.Typer) -> None:
    """Add `cost` and `diff` to the top-level app."""
    app.command()(cost)
    app.command()(diff)


def _profiles(enabled: bool) -> ProfileSource | None:
    """Measured energy from the profiler's store, when the project has one."""
    if not enabled:
        return None
    from cloudwright.profiler.store import ProfileStore

    return ProfileStore.open_default()


def _render(report: CostReport, fmt: CostFormat, budget: Budget | None = None) -> str:
    if fmt is CostFormat.json:
        import json

        return json.dumps(report.to_json(), indent=2) + "\n"
    if fmt is CostFormat.csv:
        from cloudwright.reports.csv_out import render_csv

        return render_csv(report)
    if fmt is CostFormat.markdown:
        from cloudwright.reports.markdown import render_markdown

        return render_markdown(report)
    if fmt is CostFormat.html:
        from cloudwright.reports.html import render_html

        return render_html(report, budget=budget)
    if fmt is CostFormat.focus:
        from cloudwright.reports.focus import render_focus

        return render_focus(report)
    from cloudwright.reports.table import render_text

    return render_text(report)


def cost(
    source: str | None = typer.Argument(None, help=SOURCE_HELP),
    usage: Path | None = typer.Option(
        None, "--usage", "-u", help="Usage file (YAML): stored GB, egress, hours; docs/usage.md."
    ),
    fmt: CostFormat = typer.Option(CostFormat.table, "--format", "-f", help="Output format."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the output to this file."),
    fail_above: float | None = typer.Option(
        None,
        "--fail-above",
        metavar="USD",
        min=0,
        callback=finite,
        help="Exit 1 (after writing the output) when the monthly total exceeds USD.",
    ),
    stack_config: Path | None = typer.Option(
        None,
        "--stack-config",
        help="Pulumi.<stack>.yaml whose config (aws:region, gcp:zone, azure-native:location, "
        "...) places resources the source does not locate.",
    ),
    stack: str | None = stack_option(),
    time_limit: float = time_limit_option(),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Catalog snapshot directory."),
    profiles: bool = typer.Option(
        True, "--profiles/--no-profiles", help="Use measured energy profiles when present."
    ),
    unpriced: Unpriced = typer.Option(
        Unpriced.fail,
        "--unpriced",
        help="--fail-above when the total is a lower bound (resources not priced): fail "
        "(it cannot be shown to hold) or pass with a note.",
    ),
    policy_config: Path | None = typer.Option(
        None,
        "--policy-config",
        "-c",
        help="Policy configuration whose monthly-budget.monthlyUsd the HTML report draws as "
        "the budget (else the plan's fleet budget, when the source is a plan).",
    ),
    config_file: Path | None = typer.Option(
        None,
        "--config",
        help="cloudwright.yml listing several projects (each a source or a fleet, with its "
        "own usage file and stack config): each priced, plus the combined total. docs/ci.md.",
    ),
    purchase: CommitPurchase | None = typer.Option(
        None,
        "--purchase",
        help="Price on-demand compute as a 1- or 3-year commitment (commit rate × 730 h/month, "
        "billed even when idle; spot stays spot). A plan's commit assignments are priced so "
        "without it.",
    ),
) -> None:
    """Estimate the monthly cost, energy and carbon of a stack, before `pulumi up`."""
    from cloudwright.core.fsio import refuse_inputs

    refuse_inputs(out, source, usage, stack_config, config_file, policy_config)
    if config_file is not None:
        given: dict[str, object] = {
            "SOURCE": source,
            "--usage": usage,
            "--stack-config": stack_config,
            "--stack": stack,
        }
        _cost_projects(config_file, given, fmt, out, fail_above, unpriced, catalog_dir, profiles)
        return

    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import emit, err_console, out_console
    from cloudwright.pricing.pipeline import read_usage, report_for, with_purchase
    from cloudwright.reports import format as money
    from cloudwright.resource_graph.load import read_stack_config

    catalog = open_catalog(catalog_dir)
    config = read_stack_config(stack_config) if stack_config is not None else None
    usage_read = read_usage(usage)
    report = report_for(
        program_source(source, stack, time_limit),  # a Pulumi program folder: --stack
        catalog=catalog,
        usage=with_purchase(usage_read, purchase.value) if purchase else usage_read,
        config=config,
        profiles=_profiles(profiles),
    )
    if purchase is not None:
        report.notes.append(
            f"--purchase {purchase.value}: on-demand compute priced at the catalog's commitment "
            "rate × 730 h/month (billed even when idle); spot stays spot; a type without a "
            "commitment price stays on-demand and its line says so"
        )
    if fmt is CostFormat.table and out is None:
        from cloudwright.reports.table import render

        console = out_console()
        console.print(render(report, console.width), highlight=False)
    else:
        budget = _budget(policy_config, report) if fmt is CostFormat.html else None
        emit(_render(report, fmt, budget), out)
        if fmt is CostFormat.focus and out is not None:  # FOCUS metadata beside the dataset
            from cloudwright.reports.focus import write_focus_metadata

            err_console().print(f"wrote {write_focus_metadata(report, out)}", highlight=False)
        t = report.totals
        err_console().print(
            f"monthly estimate {money.usd(t.monthly_usd)}"
            + ("" if t.complete else " (lower bound: some resources not priced)")
            + f", {money.mass(t.carbon_kg_month)} CO2e",
            highlight=False,
        )
    gate_total(
        "monthly estimate", report.totals.monthly_usd, report.totals.complete, fail_above, unpriced
    )


def _budget(policy_config: Path | None, report: CostReport) -> Budget | None:
    """The monthly budget the HTML report draws: `monthly-budget.monthlyUsd` of the policy
    configuration (validated like `check` validates it) when one is given and sets it, else
    the fleet's `budget.monthly_usd` a plan (or its preview graph) carries."""
    if policy_config is None:
        if report.budget_monthly_usd is None:
            return None
        from cloudwright.reports.html import Budget

        return Budget(report.budget_monthly_usd, "the plan's fleet budget.monthly_usd")
    from cloudwright.policies.config import load_policy_config
    from cloudwright.policies.rules import build_policies
    from cloudwright.reports.html import Budget

    config = load_policy_config(policy_config, build_policies())
    cap = config.properties_for("monthly-budget").get("monthlyUsd")
    if cap is None:
        return None
    return Budget(float(cap), f"{policy_config.name} monthly-budget.monthlyUsd")


def gate_total(
    what: str, total: float, complete: bool, fail_above: float | None, unpriced: Unpriced
) -> None:
    """`--fail-above`: exit 1 over the limit, and fail closed when the total cannot decide it
    (not a finite number, or a lower bound under the limit) unless `--unpriced
    pass-with-note`, the same choice the monthly-budget policy offers."""
    import math

    from cloudwright.cli.console import warn
    from cloudwright.core.errors import InputError, ThresholdExceeded
    from cloudwright.reports import format as money

    if fail_above is None:
        return
    if not math.isfinite(total):
        raise InputError(f"the {what} is {total}: --fail-above cannot be checked")
    if total > fail_above:
        raise ThresholdExceeded(
            f"{what} {money.usd(total)} exceeds --fail-above {money.usd(fail_above)}"
        )
    if complete:
        return
    message = (
        f"the {what} {money.usd(total)} is a lower bound (some resources are not priced): "
        f"--fail-above {money.usd(fail_above)} cannot be shown to hold"
    )
    if unpriced is Unpriced.pass_with_note:
        warn(message + " (passed: --unpriced pass-with-note)")
        return
    raise ThresholdExceeded(
        message + "; price them (a usage file, a catalog with their prices) or pass "
        "--unpriced pass-with-note"
    )


def _cost_projects(
    config_file: Path,
    given: dict[str, object],
    fmt: CostFormat,
    out: Path | None,
    fail_above: float | None,
    unpriced: Unpriced,
    catalog_dir: Path | None,
    profiles: bool,
) -> None:
    """`cost --config`: every project of the file, and the combined total (--fail-above
    gates the combined total; a partial total passes only with a warning that it may not)."""
    import json

    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import emit, err_console, out_console
    from cloudwright.core.errors import InputError
    from cloudwright.pricing.projects import price_projects
    from cloudwright.reports import format as money
    from cloudwright.reports import projects as render

    for name, value in given.items():
        if value is not None:
            raise InputError(
                f"{name} cannot be combined with --config",
                hint="each project in the config file names its own source, usage file and "
                "stack config",
            )
    if fmt not in (CostFormat.table, CostFormat.json, CostFormat.markdown):
        raise InputError(
            f"--format {fmt.value} is not available with --config",
            hint="use table, json or markdown",
        )
    result = price_projects(
        config_file, catalog=open_catalog(catalog_dir), profiles=_profiles(profiles)
    )
    if fmt is CostFormat.json:
        emit(json.dumps(result.to_json(), indent=2) + "\n", out)
    elif fmt is CostFormat.markdown:
        emit(render.render_markdown(result), out)
    elif out is None:
        out_console().print(render.render(result), highlight=False)
    else:
        emit(render.render_text(result), out)
    t = result.totals
    if fmt is not CostFormat.table or out is not None:
        err_console().print(
            f"combined monthly estimate {money.usd(t.monthly_usd)}"
            + ("" if t.complete else " (lower bound: some resources not priced)"),
            highlight=False,
        )
    gate_total("combined monthly estimate", t.monthly_usd, t.complete, fail_above, unpriced)


def diff(
    old: str = typer.Argument(..., help="Before: " + SOURCE_HELP + " Also a saved cost JSON."),
    new: str = typer.Argument(..., help="After: the same kinds of source."),
    usage: Path | None = typer.Option(
        None, "--usage", "-u", help="Usage file applied to both sides."
    ),
    fmt: DiffFormat = typer.Option(DiffFormat.table, "--format", "-f", help="Output format."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the output to this file."),
    stack_config: Path | None = typer.Option(
        None, "--stack-config", help="Pulumi.<stack>.yaml for resources without a region."
    ),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Catalog snapshot directory."),
    profiles: bool = typer.Option(
        True, "--profiles/--no-profiles", help="Use measured energy profiles when present."
    ),
    fail_above_delta: float | None = typer.Option(
        None,
        "--fail-above-delta",
        metavar="USD",
        min=0,
        callback=finite,
        help="Exit 1 (after writing the output) when the monthly cost rises by more than USD. "
        "Fails closed: exit 1 too when a side has resources that could not be priced.",
    ),
    fail_above_delta_pct: float | None = typer.Option(
        None,
        "--fail-above-delta-pct",
        metavar="PCT",
        min=0,
        callback=finite,
        help="Exit 1 when the monthly cost rises by more than PCT percent of the old total "
        "(any rise from $0 exceeds it). Fails closed like --fail-above-delta.",
    ),
) -> None:
    """Δ$ and ΔCO2e between two plans, graphs, previews, exports or saved cost reports."""
    from cloudwright.core.fsio import refuse_inputs

    refuse_inputs(out, old, new, usage, stack_config)
    import json

    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import emit, out_console, warn
    from cloudwright.core.errors import ThresholdExceeded
    from cloudwright.pricing.pipeline import read_usage, report_for
    from cloudwright.reports import diff as diffs
    from cloudwright.resource_graph.load import read_stack_config

    limits = diffs.Thresholds(fail_above_delta, fail_above_delta_pct)
    catalog = open_catalog(catalog_dir)
    config = read_stack_config(stack_config) if stack_config is not None else None
    usage_file = read_usage(usage)
    source = _profiles(profiles)
    reports = [
        report_for(s, catalog=catalog, usage=usage_file, config=config, profiles=source)
        for s in (old, new)
    ]
    result = diffs.diff_reports(*reports)
    if fmt is DiffFormat.table and out is None:
        out_console().print(diffs.render(result), highlight=False)
    elif fmt is DiffFormat.table:
        emit(diffs.render_text(result), out)
    elif fmt is DiffFormat.json:
        emit(json.dumps(result.to_json(), indent=2) + "\n", out)
    else:
        emit(diffs.render_markdown(result), out)
    reasons = diffs.gate(result, limits)
    if reasons:
        raise ThresholdExceeded("; ".join(reasons))
    pending = sum(r.totals.usage_pending for r in reports)
    if limits.active and pending:
        warn(
            f"{pending} usage-based line(s) wait on a usage file and are not in the change: "
            "`cloudwright usage generate` writes one to fill in"
        )
