"""The fleet spec: what to run (workloads) and the rules for where (constraints).

`load_fleet(path) -> Fleet` parses and validates a YAML fleet file; every error names the
field path and the line. `resolve(fleet, catalog)` checks names against the catalog.
"""

from cloudwright.optimizer.fleet.load import load_fleet, parse_fleet
from cloudwright.optimizer.fleet.spec import (
    Budget,
    CapacityEntry,
    DataSpec,
    Deferral,
    Fleet,
    GpuRequest,
    Migration,
    Residency,
    StorageSpec,
    UserPopulation,
    Workload,
)

__all__ = [
    "Budget",
    "CapacityEntry",
    "DataSpec",
    "Deferral",
    "Fleet",
    "GpuRequest",
    "Migration",
    "Residency",
    "StorageSpec",
    "UserPopulation",
    "Workload",
    "load_fleet",
    "parse_fleet",
]
