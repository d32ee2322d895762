"""Builders: derive the catalog snapshot from public sources with the project's own code.

One module per table or source; each is a pure function from input paths to a frame in
`schema.TABLES`. `build_snapshot` runs them all and writes the snapshot atomically.
"""

from cloudwright.optimizer.catalog.build.snapshot import (
    BuildInputs,
    Snapshot,
    build_snapshot,
    build_tables,
)

__all__ = ["BuildInputs", "Snapshot", "build_snapshot", "build_tables"]
