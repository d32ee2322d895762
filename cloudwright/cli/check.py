"""`cloudwright check`: run the policy pack offline over a resource graph.

Parse, call `policies.offline.run_policies`, render with `reports.policy` (table) or
`reports.sarif`. The policy SDK, pandas and the readers are imported inside the command so
`cloudwright --help` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from cloudwright.cli.options import program_source, stack_option, time_limit_option


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"


def register(app: typer.Typer) -> None:
    """Add the command to the top-level app."""
    app.command()(check)


def check(
    source: str | None = typer.Argument(
        None,
        help="plan.json, graph.json, `pulumi preview --json` output, a stack export or "
        "checkpoint, a Pulumi Python program folder (run under mocks), or - for stdin. "
        "Default: the current plan (offline preview).",
    ),
    policy_config: Path | None = typer.Option(
        None,
        "--policy-config",
        "-c",
        help="Policy configuration (YAML/JSON, the shape of `pulumi preview "
        "--policy-pack-config`).",
    ),
    fmt: CheckFormat = typer.Option(CheckFormat.table, "--format", "-f", help="Output format."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the output to this file."),
    stack: str | None = stack_option(
        "Stack name the rules see (default: the graph's); for a program folder, also the "
        "Pulumi.<stack>.yaml it runs with (default: dev)."
    ),
    catalog_dir: Path | None = typer.Option(None, "--catalog", help="Catalog snapshot directory."),
    time_limit: float = time_limit_option(),
) -> None:
    """Check a stack against the policy pack (the rules `pulumi preview --policy-pack
    policies/` runs). Exits 1 on any mandatory violation; advisories are printed."""
    from cloudwright.core.fsio import refuse_inputs

    refuse_inputs(out, source, policy_config)
    import json

    from cloudwright import __version__
    from cloudwright.cli.common import open_catalog
    from cloudwright.cli.console import emit, err_console, out_console
    from cloudwright.core.errors import ThresholdExceeded
    from cloudwright.policies.config import PolicyConfig, load_policy_config
    from cloudwright.policies.offline import run_policies
    from cloudwright.policies.rules import build_policies
    from cloudwright.reports.policy import render_rich, render_text, summary
    from cloudwright.reports.sarif import to_sarif
    from cloudwright.resource_graph.load import load_graph

    catalog = open_catalog(catalog_dir)
    config = (
        load_policy_config(policy_config, build_policies())
        if policy_config is not None
        else PolicyConfig()
    )
    loaded = program_source(source, stack, time_limit, stack_needs_program=False)
    graph = load_graph(loaded, catalog=catalog)
    result = run_policies(graph, catalog, config, stack=stack)

    if fmt is CheckFormat.table and out is None:
        out_console().print(render_rich(result), highlight=False, soft_wrap=True)
    elif fmt is CheckFormat.table:
        emit(render_text(result), out)
    elif fmt is CheckFormat.json:
        emit(json.dumps(result.to_json(), indent=2), out)
    else:
        artifact = "-" if source == "-" else _artifact_file(source)
        sarif = to_sarif(result, graph=graph, source=artifact, version=__version__)
        emit(json.dumps(sarif, indent=2), out)
    if out is not None or fmt is not CheckFormat.table:
        err_console().print(summary(result), highlight=False)
    if not result.passed:
        raise ThresholdExceeded(
            f"{len(result.mandatory)} mandatory policy violation(s)",
            hint="fix the resources above, or change a policy's enforcementLevel in the "
            "policy configuration",
        )


def _artifact_file(source: str | None) -> Path | None:
    """The file the graph came from (the plan when no source was given; a program's main
    file; none for stdin)."""
    from cloudwright.core.errors import InputError
    from cloudwright.resource_graph.load import default_plan_path
    from cloudwright.resource_graph.program import is_program
    from cloudwright.resource_graph.project import read_project

    if source == "-":
        return None
    if is_program(source):
        project = read_project(Path(source))
        return Path(project.shown(project.main))
    if source is not None:
        return Path(source)
    try:
        return default_plan_path(Path.cwd())
    except InputError:
        return None
