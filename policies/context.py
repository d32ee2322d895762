"""What rules need from outside a resource: the catalog, the cost engine, the stack's name.

Rules are built by `build_policies(context)` and close over one `RuleContext`. Under
`pulumi preview` the pack builds the default context (the packaged catalog or
$CLOUDWRIGHT_CATALOG, the real cost engine, the stack name from the Pulumi runtime);
the offline runner hands in the catalog it already opened and the graph's stack name;
tests hand in the fixture catalog and, where they test rule logic alone, a stub estimator.
Everything is loaded lazily, so building the policies costs nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.resource_graph.model import Graph


Estimator = Callable[["Graph", "Catalog"], Any]


def default_catalog() -> Catalog:
    """$CLOUDWRIGHT_CATALOG if set, else the snapshot shipped with the package."""
    from cloudwright.optimizer.catalog import Catalog, default_catalog_dir

    return Catalog.load(default_catalog_dir())


def default_estimator(graph: Graph, catalog: Catalog) -> Any:
    """The project's cost engine (imported on first use: pandas is not free to import)."""
    from cloudwright.pricing.engine import estimate

    return estimate(graph, catalog)


def pulumi_stack_name() -> str | None:
    """The stack being previewed. The engine starts analyzers with PULUMI_STACK set (the SDK
    reads the same variable); outside a Pulumi run there is no stack."""
    return os.environ.get("PULUMI_STACK") or None


def pulumi_project_name() -> str | None:
    return os.environ.get("PULUMI_PROJECT") or None


@dataclass
class RuleContext:
    """Lazily-loaded collaborators shared by every rule of one pack instance."""

    catalog_loader: Callable[[], Catalog] = default_catalog
    estimator: Estimator = default_estimator
    stack_name: Callable[[], str | None] = pulumi_stack_name
    project_name: Callable[[], str | None] = pulumi_project_name
    # Workload → usage a plan priced (graph.plan_usage), when the graph checked is a plan's
    # preview: the budget and carbon rules then price the same hours, storage and egress.
    plan_usage: dict[str, dict[str, float]] = field(default_factory=dict)
    _catalog: Catalog | None = field(default=None, init=False, repr=False)
    _estimated: tuple[Sequence[Any], Any] | None = field(default=None, init=False, repr=False)

    @classmethod
    def offline(
        cls,
        catalog: Catalog,
        *,
        stack: str | None,
        project: str | None = None,
        estimator: Estimator | None = None,
    ) -> RuleContext:
        context = cls(
            catalog_loader=lambda: catalog,
            estimator=estimator or default_estimator,
            stack_name=lambda: stack,
            project_name=lambda: project,
        )
        context._catalog = catalog
        return context

    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = self.catalog_loader()
        return self._catalog

    def estimate(self, graph: Graph) -> Any:
        return self.estimator(graph, self.catalog())

    def estimate_stack(self, resources: Sequence[Any]) -> Any:
        """The cost report of a stack's `PolicyResource`s. The budget and carbon rules price
        the same list in one offline run, so the last report is kept for that list object
        (the engine hands each stack policy a fresh list, which is simply priced again)."""
        from cloudwright.policies.adapters import graph_from_stack

        if self._estimated is not None and self._estimated[0] is resources:
            return self._estimated[1]
        graph = graph_from_stack(resources, stack=self.stack_name(), project=self.project_name())
        graph.plan_usage = self.plan_usage
        report = self.estimate(graph)
        self._estimated = (resources, report)
        return report
