"""YAML with line numbers: parse a fleet file into plain data plus a path → line map.

Every error about a fleet names the field path and the line it sits on, so the loader keeps
the line of each mapping key and sequence item (1-based). Paths are tuples of keys and list
indexes, as pydantic reports them: ("workloads", 0, "gpu", "type").

Invariants: duplicate keys are errors (PyYAML would silently keep the last one); anchors,
aliases and merge keys (`<<`) work as YAML defines them; nothing here knows the fleet schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cloudwright.errors import InputError

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceMap:
    """Where each field of a parsed document sits in its file."""

    origin: str  # file name as the user gave it, for messages
    lines: dict[PathKey, int] = field(default_factory=dict)
    base_dir: Path = Path(".")

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Line of `path`, or of its longest known prefix (pydantic paths may add union tags)."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)

    def location(self, path: Sequence[str | int]) -> str:
        line = self.line_of(path)
        return f"{self.origin}:{line}" if line is not None else self.origin


def format_path(path: Sequence[str | int]) -> str:
    """('workloads', 0, 'gpu', 'type') → 'workloads[0].gpu.type'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def parse_yaml(text: str, origin: str, base_dir: Path = Path(".")) -> tuple[Any, SourceMap]:
    """Parse one YAML document; return its data and the line of every key and item."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[PathKey, int] = {}
        if node is None:
            return None, SourceMap(origin, lines, base_dir)
        lines[()] = node.start_mark.line + 1
        data = _construct(loader, node, (), lines, origin)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"not valid YAML: {problem}", location=where) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", location=origin) from exc
    finally:
        loader.dispose()
    return data, SourceMap(origin, lines, base_dir)


def load_yaml(path: str | Path) -> tuple[Any, SourceMap]:
    source = Path(path)
    try:
        text = source.read_text("utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"file not found: {source}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", location=str(source)) from exc
    except IsADirectoryError as exc:
        raise InputError(f"is a directory, not a fleet file: {source}") from exc
    return parse_yaml(text, str(source), source.resolve().parent)


def _construct(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: PathKey,
    lines: dict[PathKey, int],
    origin: str,
) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys in place
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise InputError(
                    "mapping keys must be plain names",
                    location=f"{origin}:{key_node.start_mark.line + 1}",
                )
            if key in out:
                raise InputError(
                    f"{format_path((*path, str(key)))}: duplicate key {key!r}",
                    location=f"{origin}:{key_node.start_mark.line + 1}",
                    hint="YAML would silently keep only the last value; remove one of them",
                )
            child = (*path, str(key))
            lines[child] = key_node.start_mark.line + 1
            out[key] = _construct(loader, value_node, child, lines, origin)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item_node in enumerate(node.value):
            child = (*path, index)
            lines[child] = item_node.start_mark.line + 1
            items.append(_construct(loader, item_node, child, lines, origin))
        return items
    return loader.construct_object(node, deep=True)
