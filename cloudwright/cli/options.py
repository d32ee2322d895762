"""Checks shared by the commands' numeric options.

Click's ranges compare, and NaN compares false with everything: `--fail-above nan` or
`--utilization nan` would pass `min=`/`max=` and then every comparison with them, so a gate
could never fail. Every float option takes `callback=finite`: NaN and ±inf are usage errors
(exit 2) naming the option.
"""

from __future__ import annotations

import math

import typer


def finite(value: float | None) -> float | None:
    """Typer callback: the value when it is a finite number (or absent)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value
