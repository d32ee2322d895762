"""YAML with line numbers: the one loader for every YAML file Cloudwright reads.

Fleet specs, usage files, policy configurations and Pulumi stack configs all report errors
as `file:line` plus the field path, so the loader returns the data together with a
`SourceMap`: the 1-based line of every mapping key and sequence item. Paths are tuples of
keys and list indexes, as pydantic reports them: ("workloads", 0, "gpu", "type").

Invariants:
- a key written twice in one mapping is an error (PyYAML would silently keep the last);
- anchors, aliases and merge keys (`<<`) work as YAML defines them: keys written in the
  mapping override merged ones, and the first of several merged mappings wins;
- mapping keys are plain scalars (names, numbers, booleans); a recursive alias is an error;
- nothing here knows any file's schema; messages name the file, never its kind's fields.

Also here: `load_stack_config`, the one reader of `Pulumi.<stack>.yaml` files (used by the
stack program's settings and by the resource-graph readers), with the handling of encrypted
(`secure:`) values chosen by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from cloudwright.errors import InputError

PathKey = tuple[str | int, ...]
MERGE_TAG = "tag:yaml.org,2002:merge"


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

    def location(self, path: Sequence[str | int] = ()) -> str:
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


def parse_yaml(
    text: str, origin: str, base_dir: Path = Path("."), *, syntax: str = "YAML"
) -> tuple[Any, SourceMap]:
    """Parse one YAML document; return its data and the line of every key and item.
    `syntax` names the format in messages ("YAML/JSON" for files that may be either)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[PathKey, int] = {}
        if node is None:
            return None, SourceMap(origin, lines, base_dir)
        lines[()] = node.start_mark.line + 1
        data = _Builder(loader, origin, lines).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"not valid {syntax}: {problem}", location=where) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"not valid {syntax}: {exc}", location=origin) from exc
    finally:
        loader.dispose()
    return data, SourceMap(origin, lines, base_dir)


def read_text(path: str | Path, *, what: str = "file") -> str:
    """A UTF-8 text file, or an InputError naming `what` it should have been."""
    source = Path(path)
    try:
        return source.read_text("utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{what} not found: {source}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", location=str(source)) from exc
    except IsADirectoryError as exc:
        raise InputError(f"{source} is a directory, not a {what}") from exc


def load_yaml(
    path: str | Path, *, what: str = "file", syntax: str = "YAML"
) -> tuple[Any, SourceMap]:
    """Read and parse a YAML file (relative paths inside it resolve against its directory)."""
    source = Path(path)
    text = read_text(source, what=what)
    return parse_yaml(text, str(source), source.resolve().parent, syntax=syntax)


class _Builder:
    """Constructs plain Python data from a node tree, recording lines and refusing
    duplicate keys."""

    def __init__(self, loader: yaml.SafeLoader, origin: str, lines: dict[PathKey, int]) -> None:
        self.loader = loader
        self.origin = origin
        self.lines = lines
        self.active: set[int] = set()  # nodes being built: an alias back to one is recursive

    def at(self, node: yaml.Node) -> str:
        return f"{self.origin}:{node.start_mark.line + 1}"

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self.loader.construct_object(node, deep=True)
        if id(node) in self.active:
            raise InputError(
                f"{format_path(path)}: an alias refers to a value that contains it",
                location=self.at(node),
            )
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node, path)
            return self._mapping(node, path)
        finally:
            self.active.discard(id(node))

    def _sequence(self, node: yaml.SequenceNode, path: PathKey) -> list[Any]:
        items = []
        for index, item_node in enumerate(node.value):
            child = (*path, index)
            self.lines[child] = item_node.start_mark.line + 1
            items.append(self.build(item_node, child))
        return items

    def _key(self, key_node: yaml.Node) -> Any:
        key = self.loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise InputError("mapping keys must be plain names", location=self.at(key_node))
        return key

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        # Duplicates are checked among the keys written here; merged keys may be overridden.
        written: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self._key(key_node)
            if key in written:
                raise InputError(
                    f"{format_path((*path, str(key)))}: duplicate key {key!r}",
                    location=self.at(key_node),
                    hint="YAML would silently keep only the last value; remove one of them",
                )
            written.add(key)
        self.loader.flatten_mapping(node)  # merged pairs first, in YAML's precedence order
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            child = (*path, str(key))
            self.lines[child] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, child)
        return out


# ---- Pulumi stack configuration ------------------------------------------------------------

SecureValues = Literal["omit", "keep"]


def load_stack_config(
    path: str | Path, *, secure: SecureValues
) -> tuple[dict[str, Any], SourceMap]:
    """The `config:` map of a Pulumi.<stack>.yaml (full keys, `aws:region`) and where each
    key sits in the file.

    Encrypted values (`{secure: v1:...}`) can only be decrypted by the Pulumi CLI. The caller
    says what it needs: `"omit"` leaves them out (settings then fall back to defaults),
    `"keep"` returns the `{"secure": ...}` mapping as written (the resource-graph readers turn
    it into an unknown secret). A file without `config:` has no settings; a `config:` that is
    not a mapping is an error at its line."""
    data, source = load_yaml(path, what="stack config")
    if data is None:
        return {}, source
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping with a `config:` key", location=source.location())
    config = data.get("config")
    if config is None:
        return {}, source
    if not isinstance(config, Mapping):
        raise InputError("`config:` must be a mapping", location=source.location(("config",)))
    out = {}
    for key, value in config.items():
        if secure == "omit" and isinstance(value, Mapping) and set(value) == {"secure"}:
            continue
        out[str(key)] = value
    return out, source
