"""A YAML file read in a forked child while the command does something else (imports).

`load_yaml_ahead(path)` is `core.yamlsource.load_yaml(path)` run by `core.forked.Ahead`: the
parsed data and its source map come back by `marshal`; a child that fails has the file read
again here, so errors are exactly `load_yaml`'s.
"""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISREG
from typing import Any

from cloudwright.core.forked import Ahead
from cloudwright.core.yamlsource import SourceMap, load_yaml

# Files read ahead in a forked child (`load_yaml_ahead`) from this size: 256 KiB of fleet YAML
# (~1,200 workloads) takes ~25 ms to read, about what the fork costs the parent afterwards
# (its pages turn copy-on-write while it imports).
AHEAD_MIN_BYTES = 1 << 18


def load_yaml_ahead(
    path: str | Path, *, what: str = "file", syntax: str = "YAML"
) -> Ahead[tuple[Any, SourceMap]]:
    """`load_yaml(path)` started in a forked child (`core.forked.Ahead`), so a command can
    import what it needs meanwhile; `.result()` is what `load_yaml` returns or raises. Only
    a regular file of AHEAD_MIN_BYTES or more is read ahead: a pipe or a device is read
    once, by this process, and a small file reads faster than a fork costs."""
    try:
        stat = os.stat(path)
        ahead = S_ISREG(stat.st_mode) and stat.st_size >= AHEAD_MIN_BYTES
    except (OSError, ValueError):
        ahead = False  # load_yaml says what is wrong with the path
    return Ahead(
        lambda: load_yaml(path, what=what, syntax=syntax),
        _pack_parsed,
        _unpack_parsed,
        fork=ahead,
    )


def _pack_parsed(parsed: tuple[Any, SourceMap]) -> tuple[Any, ...]:
    data, smap = parsed
    return (data, smap.origin, smap.lines, str(smap.base_dir), smap.items)


def _unpack_parsed(packed: tuple[Any, ...]) -> tuple[Any, SourceMap]:
    data, origin, lines, base_dir, items = packed
    return data, SourceMap(origin, lines, Path(base_dir), items)
