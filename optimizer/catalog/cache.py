"""An on-disk cache of a snapshot's parsed tables, so a command does not re-parse 10^5 CSV
rows and regroup them on every run.

`Catalog.load(directory, cache=DIR)` keeps, under DIR, one folder per snapshot state holding
each table as the loader returns it (schema-checked) and the derived `region_offerings`, as
pickles. A folder's name is a hash of everything the frames depend on: the snapshot's path,
the size and modification time of its manifest and of every table file, the source of the
code that parses and derives them (catalog.py, schema.py, zones.py), and the Python, pandas
and numpy versions. Any change gives a new folder; the oldest folders beyond
`KEEP_SNAPSHOTS` are removed. A missing, unreadable or foreign entry is rebuilt from the
CSV; a cache that cannot be written is skipped silently: the cache only ever saves time.

The CLI opens catalogs with `default_cache_dir()`: `$CLOUDWRIGHT_CACHE_DIR`, else
`$XDG_CACHE_HOME/cloudwright/catalog`, else `~/.cache/cloudwright/catalog`;
`CLOUDWRIGHT_CACHE_DIR=off` (or empty) turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

CACHE_ENV = "CLOUDWRIGHT_CACHE_DIR"
FORMAT = 2  # bump when what is stored changes shape (2: derived accelerator views, names)
KEEP_SNAPSHOTS = 4
_CODE = (
    "catalog.py",
    "schema.py",
    "zones.py",
    "flags.py",
    "validate.py",
    "regional.py",
    "lookups.py",
)  # the code the cached frames come out of


def default_cache_dir() -> Path | None:
    """Where the CLI caches parsed catalogs; None when turned off."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return None if value.strip().lower() in {"", "off", "0", "false", "no"} else Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cloudwright" / "catalog"


class TableCache:
    """The cache folder of one snapshot state (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def open(cls, root: Path, snapshot: Path, files: Iterable[str]) -> TableCache:
        """The folder for `snapshot` (its manifest plus the table `files` it names)."""
        digest = hashlib.sha256()
        here = Path(__file__).resolve().parent
        for part in (FORMAT, sys.version, pd.__version__, np.__version__, snapshot.resolve()):
            digest.update(f"{part}\0".encode())
        for name in _CODE:
            digest.update(_file_bytes(here / name))
        for name in ("manifest.json", *sorted(files)):
            digest.update(f"{name}\0{_stamp(snapshot / name)}\0".encode())
        return cls(root / digest.hexdigest()[:24])

    def frame(self, name: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The cached frame `name`, else `build()` (stored for next time)."""
        path = self.folder / f"{name}.pickle"
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, pd.DataFrame):
                return cached
        except Exception:  # missing, torn or foreign (another pandas): rebuild below
            pass
        frame = build()
        self._store(path, frame)
        return frame

    def _store(self, path: Path, frame: pd.DataFrame) -> None:
        try:
            fresh = not self.folder.is_dir()
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(frame, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
            if fresh:
                _prune(self.folder.parent, keep=self.folder)
        except OSError:
            return  # a read-only or full disk: run without the cache


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _prune(root: Path, *, keep: Path) -> None:
    """Remove all but the newest KEEP_SNAPSHOTS folders (never `keep`)."""
    try:
        folders = sorted(
            ((p.stat().st_mtime, p) for p in root.iterdir() if p.is_dir() and p != keep),
            reverse=True,
        )
    except OSError:
        return  # another process is pruning too
    for _, old in folders[KEEP_SNAPSHOTS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
