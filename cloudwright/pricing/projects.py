"""cloudwright.yml: several projects priced in one run, each on its own and in one combined total.

```yaml
version: 1
projects:
  - name: training
    source: plans/training.plan.json   # plan.json, graph.json, `pulumi preview --json`,
    usage: usage/training.yml          # a stack export or checkpoint, a saved cost report
    stack_config: stacks/Pulumi.prod.yaml
  - name: research
    fleet: fleets/research.yaml        # a fleet spec: planned with the catalog, then priced
```

Paths are relative to the config file. Each project is priced exactly as `cloudwright cost`
prices its source (the plan's own usage under the project's usage file). The combined total
adds the projects' totals; it is complete only when every project is: a project with
resources that could not be priced makes it `partial` (a lower bound, and said so), never a
silently lower figure. Errors in the file name the file, the line and the field (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cloudwright.core.errors import InputError
from cloudwright.core.yamlsource import SourceMap, format_path

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.models.energy import ProfileSource
    from cloudwright.pricing.report import CostReport

CONFIG_VERSION = 1
SCHEMA = "cloudwright.cost-projects/v1"
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"
PathText = Annotated[str, Field(min_length=1, max_length=4096)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ProjectEntry(_Strict):
    """One project of the config file: a name and exactly one of `source` or `fleet`."""

    name: str = Field(pattern=NAME_PATTERN)
    source: PathText | None = None
    fleet: PathText | None = None
    usage: PathText | None = None
    stack_config: PathText | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ProjectEntry:
        if (self.source is None) == (self.fleet is None):
            raise ValueError("give exactly one of `source` (a JSON document) or `fleet` (YAML)")
        if self.fleet is not None and self.stack_config is not None:
            raise ValueError("stack_config places resources of a source; a fleet plans its own")
        return self


class ProjectsConfig(_Strict):
    version: Literal[1]
    projects: list[ProjectEntry] = Field(min_length=1, max_length=1000)


@dataclass(frozen=True)
class Project:
    """A project with its paths resolved against the config file's folder."""

    name: str
    source: Path | None
    fleet: Path | None
    usage: Path | None
    stack_config: Path | None
    location: str  # config file:line of the entry, for messages
    label: str = ""  # the source or fleet as the file writes it (reports show this)

    @property
    def origin(self) -> Path:
        where = self.source if self.source is not None else self.fleet
        assert where is not None  # the model requires one of them
        return where


def load_config(path: str | Path) -> list[Project]:
    """Read and validate cloudwright.yml (see the module docstring)."""
    from cloudwright.core.yamlsource import load_yaml

    data, smap = load_yaml(path, what="config file")
    return parse_config(data, smap)


def parse_config(data: Any, smap: SourceMap) -> list[Project]:
    try:
        config = ProjectsConfig.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc, smap) from exc
    seen: dict[str, int] = {}
    for i, entry in enumerate(config.projects):
        if entry.name in seen:
            raise InputError(
                f"projects[{i}].name: project name {entry.name!r} is already used by "
                f"projects[{seen[entry.name]}]",
                location=smap.location(("projects", i, "name")),
            )
        seen[entry.name] = i
    base = smap.base_dir

    def resolve(text: str | None) -> Path | None:
        return None if text is None else base / Path(text).expanduser()

    return [
        Project(
            name=e.name,
            source=resolve(e.source),
            fleet=resolve(e.fleet),
            usage=resolve(e.usage),
            stack_config=resolve(e.stack_config),
            location=smap.location(("projects", i)),
            label=e.source or e.fleet or "",
        )
        for i, e in enumerate(config.projects)
    ]


def _validation_error(exc: ValidationError, smap: SourceMap) -> InputError:
    errors = exc.errors()
    first = errors[0]
    path = tuple(p for p in first["loc"] if isinstance(p, str | int))
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field (expected name, source or fleet, usage, stack_config)"
    hint = f"{len(errors)} problems in total" if len(errors) > 1 else None
    return InputError(f"{format_path(path)}: {message}", location=smap.location(path), hint=hint)


@dataclass
class ProjectCost:
    name: str
    origin: str
    report: CostReport


@dataclass
class CombinedTotals:
    """The projects' totals added up. `complete` only when every project's total is; else
    `monthly_usd` is a lower bound and `partial_projects` names the projects that make it so."""

    monthly_usd: float = 0.0
    hourly_usd: float = 0.0
    energy_kwh_month: float = 0.0
    carbon_kg_month: float = 0.0
    unknown_components: int = 0
    usage_pending: int = 0
    complete: bool = True
    partial_projects: list[str] = field(default_factory=list)

    @property
    def status(self) -> Literal["complete", "partial"]:
        return "complete" if self.complete else "partial"


@dataclass
class ProjectSet:
    config: str
    projects: list[ProjectCost]
    totals: CombinedTotals

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {
            "schema": SCHEMA,
            "estimate": True,
            "config": self.config,
            "totals": {**asdict(self.totals), "status": self.totals.status},
            "projects": [
                {"name": p.name, "origin": p.origin, "report": p.report.to_json()}
                for p in self.projects
            ],
        }


def combine(config: str, projects: list[ProjectCost]) -> ProjectSet:
    """Add the projects' totals; incompleteness carries over (see `CombinedTotals`)."""
    totals = CombinedTotals()
    for p in projects:
        t = p.report.totals
        totals.monthly_usd += t.monthly_usd
        totals.hourly_usd += t.hourly_usd
        totals.energy_kwh_month += t.energy_kwh_month
        totals.carbon_kg_month += t.carbon_kg_month
        totals.unknown_components += t.unknown_components
        totals.usage_pending += t.usage_pending
        if not t.complete:
            totals.complete = False
            totals.partial_projects.append(p.name)
    return ProjectSet(config, projects, totals)


def projects_from_json(data: Any, origin: str = "projects report") -> ProjectSet:
    """A `ProjectSet` from the JSON of `ProjectSet.to_json`: each project's report is checked
    as a saved cost report, and the combined total is added up again (never trusted)."""
    from cloudwright.pricing.report import CostReport

    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(
            f"not a multi-project report (expected schema {SCHEMA!r})", location=origin
        )
    items = data.get("projects")
    if not isinstance(items, list) or not items:
        raise InputError("projects: expected a non-empty list", location=origin)
    projects = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(f"projects[{i}]: expected an object with a name", location=origin)
        report = CostReport.from_json(item.get("report"), origin=f"{origin}: projects[{i}]")
        projects.append(ProjectCost(item["name"], str(item.get("origin") or ""), report))
    return combine(str(data.get("config") or origin), projects)


def price_projects(
    config_path: str | Path,
    *,
    catalog: Catalog,
    profiles: ProfileSource | None = None,
) -> ProjectSet:
    """Every project of the config file priced, and the combined total."""
    priced = [
        ProjectCost(p.name, p.label, price_project(p, catalog=catalog, profiles=profiles))
        for p in load_config(config_path)
    ]
    return combine(str(config_path), priced)


def price_project(
    project: Project, *, catalog: Catalog, profiles: ProfileSource | None = None
) -> CostReport:
    from cloudwright.pricing.pipeline import read_usage, report_for
    from cloudwright.resource_graph.load import read_stack_config

    usage = read_usage(project.usage)
    if project.fleet is not None:
        return _price_fleet(project.fleet, catalog, usage, profiles)
    config = read_stack_config(project.stack_config) if project.stack_config else None
    return report_for(
        project.source, catalog=catalog, usage=usage, config=config, profiles=profiles
    )


def _price_fleet(
    path: Path, catalog: Catalog, usage: Any, profiles: ProfileSource | None
) -> CostReport:
    """Plan the fleet (as `cloudwright plan` would, in memory), then price the plan."""
    from cloudwright.optimizer.fleet import load_fleet
    from cloudwright.optimizer.planner import build_plan, objective_spec, optimise, prepare
    from cloudwright.pricing.engine import estimate
    from cloudwright.resource_graph.offline import preview_plan

    fleet = load_fleet(path)
    problem = prepare(fleet, catalog, profiles=profiles)
    outcome = optimise(problem, objective_spec(problem))
    plan = build_plan(problem, outcome, fleet_name=fleet.name or path.stem)
    graph = preview_plan(plan, catalog=catalog)
    if not graph.origin:
        graph.origin = str(path)
    report = estimate(
        graph, catalog, usage=usage, profiles=profiles
    )  # the graph carries the plan's usage
    report.notes.append(f"planned from the fleet {path} with objective {plan.objective}")
    return report
