"""Any source → one resource graph: sniff the document and hand it to the right reader.

Sources: a Cloudwright graph.json, a plan.json (priced through the offline preview), a
`pulumi preview --json` document, a `pulumi stack export`, a file-backend checkpoint, or `-`
for stdin (any of these); or a Pulumi project folder, whose Python program is run under
mocks (`resource_graph.program`; the stack from a `ProgramSource`, else `dev`). With no source at all, the current plan: the stack config's
`cloudwright:plan` in `stacks/Pulumi.dev.yaml`, else `plan.json`.

The kind is decided by the document's shape, never by its file name, and a document that
matches no shape is an input error naming what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudwright.core.errors import InputError
from cloudwright.core.jsonsource import read_json
from cloudwright.resource_graph.model import SCHEMA, Graph
from cloudwright.resource_graph.preview_json import is_preview, read_preview
from cloudwright.resource_graph.stack_export import is_checkpoint, is_export, read_state

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.plan import Plan
    from cloudwright.resource_graph.program import ProgramSource

STACK_CONFIG = Path("stacks") / "Pulumi.dev.yaml"
PLAN_CONFIG_KEY = "cloudwright:plan"
DEFAULT_PLAN = Path("plan.json")


@dataclass
class LoadedSource:
    """The graph, and the plan it came from when the source was a plan."""

    graph: Graph
    plan: Plan | None = None
    kind: str = ""


def load_graph(
    source: str | Path | ProgramSource | None,
    *,
    catalog: Catalog | None = None,
    config: Mapping[str, Any] | None = None,
) -> Graph:
    """The resource graph of `source` (see the module docstring for what it may be)."""
    return load_source(source, catalog=catalog, config=config).graph


def load_source(
    source: str | Path | ProgramSource | None,
    *,
    catalog: Catalog | None = None,
    config: Mapping[str, Any] | None = None,
    root: Path | None = None,
) -> LoadedSource:
    """Like `load_graph`, but also returns the plan when the source is one."""
    if source is None:
        base = root or Path.cwd()
        path = default_plan_path(base)
        stack_file = base / STACK_CONFIG
        if stack_file.is_file():
            # The plan the stack deploys, previewed with the stack's own config.
            config = {**read_stack_config(stack_file), **(config or {})}
        return _from_document(_read_json_file(path), str(path), catalog, config)
    if str(source) == "-":
        return _from_document(read_json("-"), "<stdin>", catalog, config)
    from cloudwright.resource_graph.program import is_program

    if is_program(source):
        from cloudwright.resource_graph.program import load_program

        return LoadedSource(load_program(source, config=config), kind="program")
    path = Path(source)
    return _from_document(_read_json_file(path), str(path), catalog, config)


def default_plan_path(root: Path) -> Path:
    """The plan the stack deploys: `cloudwright:plan` in stacks/Pulumi.dev.yaml, else plan.json."""
    stack_file = root / STACK_CONFIG
    if stack_file.is_file():
        configured = read_stack_config(stack_file).get(PLAN_CONFIG_KEY)
        if isinstance(configured, str) and configured:
            for base in (root, stack_file.parent):
                candidate = base / configured
                if candidate.is_file():
                    return candidate
            raise InputError(
                f"{PLAN_CONFIG_KEY} names {configured!r}, which does not exist",
                location=str(stack_file),
            )
    plan = root / DEFAULT_PLAN
    if plan.is_file():
        return plan
    raise InputError(
        "no source given and no plan found",
        hint=f"pass a file (plan.json, graph.json, `pulumi preview --json` output, a stack "
        f"export), a Pulumi Python project folder, or `-` for stdin, or set {PLAN_CONFIG_KEY} "
        f"in {STACK_CONFIG}",
    )


def read_stack_config(path: str | Path) -> dict[str, Any]:
    """The `config:` map of a Pulumi.<stack>.yaml (secure values become unknown secrets)."""
    from cloudwright.core.yamlsource import load_stack_config
    from cloudwright.resource_graph.state import plain_config

    config, _ = load_stack_config(path, secure="keep")
    return plain_config(config)


def _read_json_file(path: Path) -> Any:
    return read_json(path, what="JSON file")


def _is_plan(data: Any) -> bool:
    return isinstance(data, Mapping) and "assignments" in data and "catalog" in data


def _from_document(
    data: Any,
    origin: str,
    catalog: Catalog | None,
    config: Mapping[str, Any] | None,
) -> LoadedSource:
    if isinstance(data, Mapping) and data.get("schema") == SCHEMA:
        return LoadedSource(Graph.from_json(data, origin=origin), kind="graph")
    if _is_plan(data):
        return _from_plan(data, origin, catalog, config)
    if is_preview(data):
        return LoadedSource(read_preview(data, origin=origin, config=config), kind="preview")
    if is_export(data) or is_checkpoint(data):
        graph = read_state(data, origin=origin, config=config)
        return LoadedSource(graph, kind="export" if is_export(data) else "checkpoint")
    raise InputError(
        "unrecognised document",
        location=origin,
        hint="expected a Cloudwright graph.json or plan.json, `pulumi preview --json` output "
        '(steps[]), a `pulumi stack export` ({"deployment": ...}) or a file-backend '
        'checkpoint ({"checkpoint": ...})',
    )


def _from_plan(
    data: Any, origin: str, catalog: Catalog | None, config: Mapping[str, Any] | None
) -> LoadedSource:
    from cloudwright.optimizer.plan import parse_plan

    plan = parse_plan(data, origin)
    from cloudwright.resource_graph.offline import preview_plan

    graph = preview_plan(plan, catalog=catalog, config=config)
    if not graph.origin:
        graph.origin = origin
    return LoadedSource(graph, plan=plan, kind="plan")
