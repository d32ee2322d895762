"""YAML with line numbers: the one loader for every YAML file Cloudwright reads.

Fleet specs, usage files, policy configurations and Pulumi stack configs all report errors
as `file:line` plus the field path, so the loader returns the data together with a
`SourceMap`: the 1-based line of every mapping key and sequence item. Paths are tuples of
keys and list indexes, as pydantic reports them: ("workloads", 0, "gpu", "type").

Invariants:
- a key written twice in one mapping is an error (PyYAML would silently keep the last);
- anchors, aliases and merge keys (`<<`) work as YAML defines them: keys written in the
  mapping override merged ones, and the first of several merged mappings wins — whatever
  the installed PyYAML does (6.0.4 changed its order);
- plain scalars follow the YAML 1.2 core schema: `NO`, `on`, `y` are strings, `0o17` and
  `0x1F` are integers, `.nan`/`.inf` are floats (readers refuse them where a figure is
  needed); an integer too large for a float (`10**400`) is an error at its line; other tags
  than the core ones are refused;
- mapping keys are plain scalars (names, numbers, booleans); a recursive alias is an error;
- size and depth are bounded (an alias bomb or 10,000 nested lists is an error, not a hang);
- nothing here knows any file's schema; messages name the file, never its kind's fields.

Three readers, the fastest that can take the text: `core.yamlblock` (plain block YAML, line
by line, no libyaml: most files, and generated fleets of 10^5 workloads), then libyaml's
events (`_EventBuilder`: no anchors, aliases, tags or merge keys), then libyaml's composer
(`_Builder`: everything, and the wording of every error). All three give the same data and
lines for any text the faster ones accept.

Also here: `load_stack_config`, the one reader of `Pulumi.<stack>.yaml` files (used by the
stack program's settings and by the resource-graph readers), with the handling of encrypted
(`secure:`) values chosen by the caller.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from cloudwright.core.errors import InputError
from cloudwright.core.yamlblock import BlockReader, Decline

PathKey = tuple[str | int, ...]
# Items of a top-level list: each item's line and its layout, {path inside the item: lines
# below the item's first}; items laid out alike share one layout.
ItemLines = dict[PathKey, list[tuple[int, dict[PathKey, int]]]]
MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class SourceMap:
    """Where each field of a parsed document sits in its file."""

    origin: str  # file name as the user gave it, for messages
    lines: dict[PathKey, int] = field(default_factory=dict)
    base_dir: Path = Path(".")
    # Lines inside the items of top-level lists (`workloads: [...]`), kept compactly: 10^5
    # workloads' fields as one tuple key each would take hundreds of MB.
    items: ItemLines = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Line of `path`, or of its longest known prefix (pydantic paths may add union tags)."""
        key = tuple(path)
        while key:
            line = self._line(key)
            if line is not None:
                return line
            key = key[:-1]
        return self.lines.get((), None)

    def _line(self, key: PathKey) -> int | None:
        line = self.lines.get(key)
        if line is not None or not self.items:
            return line
        for cut in (0, 1):  # the list is the document itself, or a top-level key's value
            index = key[cut] if len(key) > cut else None
            if not isinstance(index, int) or isinstance(index, bool):
                continue
            rows = self.items.get(key[:cut])
            if rows is not None and 0 <= index < len(rows):
                base, layout = rows[index]
                delta = 0 if len(key) == cut + 1 else layout.get(key[cut + 1 :])
                return None if delta is None else base + delta
        return None

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
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(
            f"not valid {syntax}: a NUL byte (binary data?)", location=f"{origin}:{line}"
        )
    try:  # most files: plain block YAML, read line by line without libyaml's events
        reader = BlockReader(text, _core_scalar, MAX_DEPTH)
        data = reader.read()
        return data, SourceMap(origin, reader.lines, base_dir, reader.items)
    except (Decline, RecursionError):
        pass
    lines: dict[PathKey, int] = {}
    if _Events is not None:  # no anchors, aliases, tags or merge keys
        try:
            events = _Events(text, lines)
            data = events.document()
            return data, SourceMap(origin, lines, base_dir, events.items)
        except (_NeedsComposer, yaml.YAMLError, InputError, RecursionError, ValueError):
            lines = {}  # the composer below decides, and words any error the same way
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, SourceMap(origin, lines, base_dir)
        lines[()] = node.start_mark.line + 1
        data = _Builder(origin, lines, budget=MIN_NODES + 4 * len(text)).build(node, (), 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"not valid {syntax}: {problem}", location=where) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"not valid {syntax}: {exc}", location=origin) from exc
    except RecursionError as exc:
        raise InputError(f"not valid {syntax}: nested too deeply", location=origin) from exc
    finally:
        loader.dispose()
    return data, SourceMap(origin, lines, base_dir)


def read_text(path: str | Path, *, what: str = "file") -> str:
    """A UTF-8 text file, or an InputError naming `what` it should have been (read by
    `core.inputs`: a pipe or a device cannot make it hang)."""
    from cloudwright.core.inputs import read_input

    data = read_input(path, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 text: {exc.reason}", location=f"{path}:{line}") from exc


def load_yaml(
    path: str | Path, *, what: str = "file", syntax: str = "YAML"
) -> tuple[Any, SourceMap]:
    """Read and parse a YAML file (relative paths inside it resolve against its directory)."""
    source = Path(path)
    text = read_text(source, what=what)
    return parse_yaml(text, str(source), source.resolve().parent, syntax=syntax)


# ---- YAML 1.2 core schema -------------------------------------------------------------------
# PyYAML resolves plain scalars by YAML 1.1 (`NO` → false, `on` → true, `0755` → 493, and
# the merge-key order changed between releases). The project owns resolution instead: the
# parser (libyaml's, when PyYAML has it) only tags plain scalars as plain, and `_core_scalar`
# resolves them by the YAML 1.2 core schema. Quoted scalars are strings.

_PLAIN = "tag:cloudwright,2026:plain"
_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES, _FALSES = frozenset({"true", "True", "TRUE"}), frozenset({"false", "False", "FALSE"})
_INT_RE = re.compile(r"[-+]?[0-9]+")
_OCT_RE, _HEX_RE = re.compile(r"0o[0-7]+"), re.compile(r"0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF_RE, _NAN_RE = re.compile(r"[-+]?\.(inf|Inf|INF)"), re.compile(r"\.(nan|NaN|NAN)")
_NO_MATCH = object()

# Bounds that keep a hostile file from exhausting memory or the stack: an alias bomb
# expands exponentially, and each nesting level costs recursion.
MAX_DEPTH = 200
_MAX_INT_DIGITS = 330  # integers longer than this cannot fit a float, in any base
_FLOAT_MAX = sys.float_info.max
MIN_NODES = 100_000  # values built, at least; more for longer files (4 per character of text)


_WORDS: dict[str, Any] = {
    **dict.fromkeys(_NULLS, None),
    **dict.fromkeys(_TRUES, True),
    **dict.fromkeys(_FALSES, False),
}
_NUMBER_START = frozenset("0123456789+-.")  # every core-schema number starts with one of these


def _core_scalar(value: str) -> Any:
    """A plain scalar by the YAML 1.2 core schema; anything else is the string itself."""
    word = _WORDS.get(value, _NO_MATCH)
    if word is not _NO_MATCH:
        return word
    if value[:1] in _NUMBER_START:
        number = _number(value)
        return value if number is _NO_MATCH else number
    return value


def _number(value: str) -> Any:
    if _INT_RE.fullmatch(value):
        return _whole(value, 10)
    if _OCT_RE.fullmatch(value):
        return _whole(value[2:], 8)
    if _HEX_RE.fullmatch(value):
        return _whole(value[2:], 16)
    if _FLOAT_RE.fullmatch(value):
        return float(value)
    if _INF_RE.fullmatch(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN_RE.fullmatch(value):
        return float("nan")
    return _NO_MATCH


def _whole(digits: str, base: int) -> int:
    """An integer, if a float can hold it: no figure needs more, and Python refuses to parse
    decimal integers of over 4,300 digits (ValueError, worded by `_Builder._scalar`)."""
    if len(digits) <= _MAX_INT_DIGITS:
        number = int(digits, base)
        if abs(number) <= _FLOAT_MAX:
            return number
    raise ValueError(f"integer too large ({len(digits)} digits): no figure is that big")


def _tagged_scalar(tag: str, value: str) -> Any:
    """A scalar with an explicit core tag (`!!str 5`, `!!float 1`): the tag decides."""
    if tag == _STR:
        return value
    if tag == _NULL and value in _NULLS:
        return None
    if tag == _BOOL and value in _TRUES | _FALSES:
        return value in _TRUES
    number = _number(value)
    if tag == _INT and isinstance(number, int):
        return number
    if tag == _FLOAT and isinstance(number, int | float):
        return float(number)
    raise ValueError(f"{value!r} is not a valid {tag.rsplit(':', 1)[-1]}")


class _Resolver(yaml.resolver.BaseResolver):
    """Tags plain scalars as plain (resolved later by the core schema) and `<<` as a merge."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return MERGE_TAG if value == "<<" else _PLAIN
        return str(super().resolve(kind, value, implicit))


class _PyLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.BaseConstructor,
    _Resolver,
):
    """Pure-Python parsing, for a PyYAML built without libyaml."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.BaseConstructor.__init__(self)
        _Resolver.__init__(self)


class _NeedsComposer(Exception):
    """The document uses what only the node composer handles (anchors, aliases, explicit
    tags, merge keys, complex keys), or breaks a rule: parse it again the full way."""


class _EventBuilder:
    """Plain data straight from libyaml's parse events, for documents without anchors,
    aliases, explicit tags or merge keys (nearly every file): no node tree, no per-scalar
    Python resolver call. Same data and same lines as `_Builder`; anything else raises
    `_NeedsComposer` and `parse_yaml` falls back to the composer, which also words every
    error. (Without aliases a document cannot outgrow the node budget: each value takes at
    least one character.)"""

    def __init__(self, text: str, lines: dict[PathKey, int]) -> None:
        self.parser = CParser(text)
        self.next: Callable[[], Any] = self.parser.get_event
        self.lines = lines
        self.shift = 1  # line = mark + shift: 1-based, or relative inside a top-level item
        self.items: ItemLines = {}
        self.layouts: dict[tuple[tuple[PathKey, int], ...], dict[PathKey, int]] = {}

    def document(self) -> Any:
        try:
            self.next()  # stream start
            event = self.next()
            if type(event) is yaml.StreamEndEvent:
                return None
            event = self.next()  # document start → the root value's first event
            self.lines[()] = event.start_mark.line + 1
            data = self.value(event, (), 0)
            self.next()  # document end
            if type(self.next()) is not yaml.StreamEndEvent:
                raise _NeedsComposer  # several documents: the composer says so
            return data
        finally:
            self.parser.dispose()

    def value(self, event: Any, path: PathKey, depth: int) -> Any:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _NeedsComposer
            return _core_scalar(event.value) if event.implicit[0] else event.value
        if kind is yaml.AliasEvent or event.anchor is not None or event.tag is not None:
            raise _NeedsComposer
        if depth > MAX_DEPTH:
            raise _NeedsComposer
        if kind is yaml.MappingStartEvent:
            return self.mapping(path, depth)
        return self.sequence(path, depth)

    def mapping(self, path: PathKey, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        lines, step = self.lines, self.next
        while True:
            event = step()
            if type(event) is not yaml.ScalarEvent:
                if type(event) is yaml.MappingEndEvent:
                    return out
                raise _NeedsComposer  # a complex key or an alias as a key
            if event.anchor is not None or event.tag is not None:
                raise _NeedsComposer
            key = event.value
            if event.implicit[0]:
                if key == "<<":
                    raise _NeedsComposer
                key = _core_scalar(key)
                if key is None or key != key:  # null or NaN: refused by the composer path
                    raise _NeedsComposer
            if key in out:
                raise _NeedsComposer  # a duplicate key: an error, worded by `_Builder`
            child = (*path, str(key))
            start: Any = event.start_mark  # always set by the C parser
            lines[child] = start.line + self.shift
            out[key] = self.value(step(), child, depth + 1)

    def sequence(self, path: PathKey, depth: int) -> list[Any]:
        if len(path) <= 1 and self.shift == 1:  # not inside an item (there shift ≤ 0)
            return self.laid_out(path, depth)
        items: list[Any] = []
        lines, step = self.lines, self.next
        while True:
            event = step()
            if type(event) is yaml.SequenceEndEvent:
                return items
            child = (*path, len(items))
            lines[child] = event.start_mark.line + self.shift
            items.append(self.value(event, child, depth + 1))

    def laid_out(self, path: PathKey, depth: int) -> list[Any]:
        """A top-level list: each item built with lines relative to its own (`items`)."""
        items: list[Any] = []
        rows: list[tuple[int, dict[PathKey, int]]] = []
        outer, layouts = self.lines, self.layouts
        try:
            while True:
                event = self.next()
                if type(event) is yaml.SequenceEndEvent:
                    break
                first = event.start_mark.line
                self.lines, self.shift = {}, -first
                items.append(self.value(event, (), depth + 1))
                layout = layouts.setdefault(tuple(self.lines.items()), self.lines)
                rows.append((first + 1, layout))
        finally:
            self.lines, self.shift = outer, 1
        self.items[path] = rows
        return items


_Loader: Any = _PyLoader
_Events: type[_EventBuilder] | None = None
try:  # libyaml's parser (PyYAML's wheels ship it): about 10x faster, with the same node marks
    from yaml._yaml import CParser

    class _LibyamlLoader(CParser, yaml.constructor.BaseConstructor, _Resolver):
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            yaml.constructor.BaseConstructor.__init__(self)
            _Resolver.__init__(self)

    _Loader = _LibyamlLoader
    _Events = _EventBuilder
except ImportError:
    pass


class _Builder:
    """Constructs plain Python data from a node tree: core-schema scalars, YAML's merge-key
    rule, line numbers, and no duplicate keys."""

    def __init__(self, origin: str, lines: dict[PathKey, int], *, budget: int) -> None:
        self.origin = origin
        self.budget = budget
        self.lines = lines
        self.active: set[int] = set()  # nodes being built: an alias back to one is recursive
        self.merging: set[int] = set()  # mappings whose merge keys are being resolved
        self.nodes = 0

    def at(self, node: yaml.Node) -> str:
        return f"{self.origin}:{node.start_mark.line + 1}"

    def build(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > self.budget:
            raise InputError(
                f"more than {self.budget:,} values for a file this size (aliases expanding "
                "exponentially?)",
                location=self.at(node),
            )
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if depth > MAX_DEPTH:
            raise InputError(f"nested more than {MAX_DEPTH} levels deep", location=self.at(node))
        if id(node) in self.active:
            raise InputError(
                f"{format_path(path)}: an alias refers to a value that contains it",
                location=self.at(node),
            )
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                self._expect_tag(node, _SEQ, path)
                return self._sequence(node, path, depth)
            assert isinstance(node, yaml.MappingNode)  # the composer makes only these three
            self._expect_tag(node, _MAP, path)
            return self._mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def _expect_tag(self, node: yaml.Node, tag: str, path: PathKey) -> None:
        if node.tag != tag:
            raise InputError(
                f"{format_path(path)}: unsupported tag {node.tag!r}", location=self.at(node)
            )

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        try:
            if node.tag == _PLAIN:
                return _core_scalar(node.value)
            return _tagged_scalar(node.tag, node.value)
        except ValueError as exc:
            raise InputError(f"{format_path(path)}: {exc}", location=self.at(node)) from exc

    def _sequence(self, node: yaml.SequenceNode, path: PathKey, depth: int) -> list[Any]:
        items = []
        for index, item_node in enumerate(node.value):
            child = (*path, index)
            self.lines[child] = item_node.start_mark.line + 1
            items.append(self.build(item_node, child, depth + 1))
        return items

    def _key(self, key_node: yaml.Node) -> Any:
        if not isinstance(key_node, yaml.ScalarNode):
            raise InputError("mapping keys must be plain names", location=self.at(key_node))
        key = self._scalar(key_node, ())
        if key is None or (isinstance(key, float) and key != key):
            raise InputError("mapping keys must be plain names", location=self.at(key_node))
        return key

    def _merged(self, value_node: yaml.Node) -> dict[Any, tuple[yaml.Node, yaml.Node]]:
        """`<<: *a` or `<<: [*a, *b]`: each merged mapping as it resolves itself (its own
        keys over what it merges), the first mapping winning over later ones."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        chosen: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise InputError(
                    "a merge key (<<) takes a mapping or a list of mappings",
                    location=self.at(source),
                )
            for key, pair in self._pairs(source, ()).items():
                chosen.setdefault(key, pair)
        return chosen

    def _pairs(
        self, node: yaml.MappingNode, path: PathKey
    ) -> dict[Any, tuple[yaml.Node, yaml.Node]]:
        """The mapping's key → (key node, value node), merge keys applied by YAML's rule:
        keys written in the mapping win over merged ones. Duplicate written keys are errors."""
        if id(node) in self.merging:
            raise InputError(
                "a merge key refers to a mapping that contains it", location=self.at(node)
            )
        self.merging.add(id(node))
        try:
            written: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
            merged: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
            for key_node, value_node in node.value:
                if key_node.tag == MERGE_TAG:
                    for key, pair in self._merged(value_node).items():
                        merged.setdefault(key, pair)
                    continue
                key = self._key(key_node)
                if key in written:
                    raise InputError(
                        f"{format_path((*path, str(key)))}: duplicate key {key!r}",
                        location=self.at(key_node),
                        hint="YAML would silently keep only the last value; remove one of them",
                    )
                written[key] = (key_node, value_node)
        finally:
            self.merging.discard(id(node))
        merged.update(written)
        return merged

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, (key_node, value_node) in self._pairs(node, path).items():
            child = (*path, str(key))
            self.lines[child] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, child, depth + 1)
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
