"""A YAML file read in forked children while the command does something else (imports).

`load_yaml_ahead(path)` is `core.yamlsource.load_yaml(path)` run by `core.forked.Ahead`: the
parsed data and its source map come back by `marshal`. A large file whose bulk is one
top-level block list (a fleet's `workloads:`) is read in two parts, one per child: the text
before the list's middle item, and the rest of the list as a document of its own, its lines
numbered as in the file (`BlockReader(first=...)`). The parts are joined into exactly what
reading the whole file gives; where a part cannot be read that way (`Decline`: anything but
plain block YAML) or a child fails, the whole file is read here, so the result and every
error are `load_yaml`'s.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from pathlib import Path
from stat import S_ISREG
from typing import Any

from cloudwright.core.forked import Ahead, Cancellable
from cloudwright.core.yamlblock import BlockReader, Decline
from cloudwright.core.yamlsource import (
    MAX_DEPTH,
    ItemLines,
    PathKey,
    SourceMap,
    _core_scalar,
    load_yaml,
    read_text,
)

# Files read ahead in a forked child from this size: 256 KiB of fleet YAML (~1,200
# workloads) takes ~25 ms to read, about what the fork costs the parent afterwards (its
# pages turn copy-on-write while it imports). From SPLIT_MIN_BYTES, two children share it.
AHEAD_MIN_BYTES = 1 << 18
SPLIT_MIN_BYTES = 4 << 20
# A top-level key alone on its line (its value is the block below), and any top-level line;
# searched after a line break (a literal the engine finds fast), the text starting with one.
_TOP_KEY = re.compile(r"\n([A-Za-z0-9_][\w.\-/]*):[ ]*(?:#[^\n]*)?(?=\n)")
_TOP_LINE = re.compile(r"\n[^\s#\-]")
_ITEM = re.compile(r"( *)- ")
_CONTENT = re.compile(r"\n[ ]*[^\s#]")

Part = tuple[Any, dict[PathKey, int], ItemLines] | None  # data, lines, items; None: declined


class AheadRead(Cancellable):
    """The parse of one file, started in one or two children (see the module docstring)."""

    def __init__(self, path: str | Path, what: str, syntax: str) -> None:
        self._path, self._what, self._syntax = path, what, syntax
        self._whole: Ahead[tuple[Any, SourceMap]] | None = None
        self._parts: list[Ahead[Part]] = []
        try:
            stat = os.stat(path)
            size = stat.st_size if S_ISREG(stat.st_mode) else -1
        except (OSError, ValueError):
            size = -1  # load_yaml says what is wrong with the path
        text = read_text(path, what=what) if size >= SPLIT_MIN_BYTES else ""
        cuts = _split(text) if text else None
        if cuts is not None:  # each child cuts its own part out of the text it inherits
            self._parts = [
                Ahead(lambda: _read_part(*_head(text, *cuts)), _same, _same),
                Ahead(lambda: _read_part(*_tail(text, *cuts)), _same, _same),
            ]
        else:
            self._whole = Ahead(
                self._load, _pack_parsed, _unpack_parsed, fork=size >= AHEAD_MIN_BYTES
            )

    def _load(self) -> tuple[Any, SourceMap]:
        return load_yaml(self._path, what=self._what, syntax=self._syntax)

    @property
    def forked(self) -> int:
        """Children started (0, 1 or 2)."""
        if self._whole is not None:
            return int(self._whole._pid is not None)
        return sum(part._pid is not None for part in self._parts)

    def result(self) -> tuple[Any, SourceMap]:
        """What `load_yaml(path)` returns, or raises."""
        if self._whole is not None:
            return self._whole.result()
        joined = _join(*(part.result() for part in self._parts))
        if joined is None:
            return self._load()
        data, lines, items = joined
        source = Path(self._path)
        return data, SourceMap(str(source), lines, source.resolve().parent, items)

    def cancel(self) -> None:
        for part in self._parts:
            part.cancel()
        if self._whole is not None:
            self._whole.cancel()


def load_yaml_ahead(path: str | Path, *, what: str = "file", syntax: str = "YAML") -> AheadRead:
    """`load_yaml(path)` started in forked children (see the module docstring), so a command
    can import what it needs meanwhile; `.result()` is what `load_yaml` returns or raises.
    Only a regular file of AHEAD_MIN_BYTES or more is read ahead: a pipe or a device is
    read once, by this process, and a small file reads faster than a fork costs."""
    return AheadRead(path, what, syntax)


def _split(text: str) -> tuple[int, int, int] | None:
    """Where to cut `text` in two (see the module docstring): (the start of its longest
    top-level block list's key line, of the list's middle item, of what follows the list),
    or None (no such list, or not most of the text)."""
    lined = "\n" + text + "\n"  # position p in text is p + 1 here: a match's "\n" is p
    tops = [m.start() for m in _TOP_LINE.finditer(lined)] + [len(text)]
    best: tuple[int, int, int] | None = None  # (size, key line start, list end) in text
    for key in _TOP_KEY.finditer(lined):
        end = tops[bisect_right(tops, key.start())]
        if best is None or end - key.end() > best[0]:
            best = (end - key.end(), key.start(), end)
    if best is None or best[0] < len(text) // 2:
        return None
    _, key_at, end = best
    body = text.index("\n", key_at) + 1
    content = _CONTENT.search(lined, body, end)  # the list's first line starts at .start()
    item = _ITEM.match(text, content.start()) if content is not None else None
    if item is None:
        return None  # a mapping, not a list
    middle = lined.find(f"\n{item.group(1)}- ", body + (end - body) // 2, end)
    return (key_at, middle, end) if middle > body else None


def _head(text: str, key_at: int, cut: int, end: int) -> tuple[str, int]:
    """The text before the middle item, what follows the list kept on its own lines."""
    if end >= len(text):
        return text[:cut], 0
    return text[:cut] + "\n" * text.count("\n", cut, end) + text[end:], 0


def _tail(text: str, key_at: int, cut: int, end: int) -> tuple[str, int]:
    """The list's key line and its items from the middle one: a document whose lines are
    numbered as in the file (the key line's number is not read)."""
    key_line = text[key_at : text.index("\n", key_at)]
    return f"{key_line}\n{text[cut:end]}", text.count("\n", 0, cut) - 1


def _read_part(text: str, first: int) -> Part:
    try:
        reader = BlockReader(text, _core_scalar, MAX_DEPTH, first)
        return reader.read(), reader.lines, reader.items
    except (Decline, RecursionError):
        return None


def _join(head: Part, tail: Part) -> Part:
    """The head's document with the tail's list items after its own; None when the parts do
    not fit together as expected (the whole file is then read as one)."""
    if head is None or tail is None:
        return None
    data, lines, items = head
    tail_data, tail_lines, tail_items = tail
    if not isinstance(data, dict) or not isinstance(tail_data, dict) or len(tail_data) != 1:
        return None
    ((key, more),) = tail_data.items()
    path = (str(key),)
    if not isinstance(more, list) or not isinstance(data.get(key), list):
        return None
    if set(tail_items) != {path} or path not in items or set(tail_lines) - {(), path}:
        return None
    data[key] = data[key] + more
    items[path] = items[path] + tail_items[path]
    return data, lines, items


def _same(value: Any) -> Any:
    return value


def _pack_parsed(parsed: tuple[Any, SourceMap]) -> tuple[Any, ...]:
    data, smap = parsed
    return (data, smap.origin, smap.lines, str(smap.base_dir), smap.items)


def _unpack_parsed(packed: tuple[Any, ...]) -> tuple[Any, SourceMap]:
    data, origin, lines, base_dir, items = packed
    return data, SourceMap(origin, lines, Path(base_dir), items)
