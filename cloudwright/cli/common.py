"""Things several commands need: opening the catalog (with the staleness warning), formats."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog

DEFAULT_MAX_AGE_DAYS = 30


def max_catalog_age_days() -> int:
    """Days before the snapshot counts as stale (env CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS)."""
    raw = os.environ.get("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "")
    try:
        return int(raw) if raw else DEFAULT_MAX_AGE_DAYS
    except ValueError as exc:
        from cloudwright.core.errors import InputError

        raise InputError(
            f"CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS must be a whole number, got {raw!r}"
        ) from exc


def open_catalog(directory: Path | None = None) -> Catalog:
    """The snapshot in `directory`, $CLOUDWRIGHT_CATALOG, or the packaged one; warns when old."""
    from cloudwright.cli.console import warn
    from cloudwright.optimizer.catalog import Catalog, default_catalog_dir
    from cloudwright.optimizer.catalog.cache import default_cache_dir

    catalog = Catalog.load(default_catalog_dir(directory), cache=default_cache_dir())
    age = catalog.age_days()
    limit = max_catalog_age_days()
    if age > limit:
        warn(
            f"catalog snapshot is {age} days old (taken {catalog.snapshot_date.isoformat()}; "
            f"limit {limit} days): prices may have moved. Refresh with "
            "`cloudwright catalog refresh --cloud C`."
        )
    return catalog


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
