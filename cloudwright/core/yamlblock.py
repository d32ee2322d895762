"""A line-by-line reader for the plain block YAML nearly every Cloudwright file is written in.

libyaml hands Python one event object (with two mark objects) per token: for a 100,000-
workload fleet (3.4 million events) that alone takes ~3 s. Files written the usual way (block
mappings and sequences, one value per line, single-line flow lists and mappings of plain or
simply quoted scalars, comments) need none of that: this reader splits the text into lines
and builds the data, the line of every key and item, and the compact per-item layouts of
top-level lists exactly as `yamlsource._EventBuilder` records them.

It accepts only what it can read unambiguously and raises `Decline` for anything else
(anchors, aliases, tags, merge keys, block scalars, multi-line scalars or flows, quoted keys,
tabs, CR line breaks, unusual characters, duplicate keys, directives, several documents, any
indentation YAML would refuse): `parse_yaml` then reads the file with libyaml, which also
words every error. So for every text it accepts, the result equals libyaml's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

PathKey = tuple[str | int, ...]
ItemLines = dict[PathKey, list[tuple[int, dict[PathKey, int]]]]

# Characters libyaml reads differently or refuses: controls, tabs, CR, NEL/LS/PS line breaks,
# the BOM. ASCII text (nearly every file) needs only the short first pattern; the second is
# compiled on first use (~6 ms).
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
_WIDE = "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# A mapping key: a plain name; `a:b` inside one is allowed (Pulumi's `aws:region`), as YAML
# reads it.
_KEY = re.compile(r"[A-Za-z0-9_][\w.\-/]*(?::[\w.\-/]+)*")
_SINGLE = re.compile(r"'((?:[^']|'')*)'(?: +#.*)?")
_DOUBLE = re.compile(r'"([^"\\]*)"(?: +#.*)?')
# One item of a single-line flow collection and the separator after it. Plain items hold no
# flow indicators, no `#` and no `:`; a quoted item no line break.
_FLOW_ITEM = re.compile(
    r" *(?:'((?:[^']|'')*)'|\"([^\"\\]*)\""
    r"|([^ ,\[\]{}#'\"&*!|>%@`?:\-][^,\[\]{}#:]*?|-[^ ,\[\]{}#:][^,\[\]{}#:]*?)) *([,\]}])"
)
_FLOW_KEY = re.compile(r" *([A-Za-z0-9_][\w.\-/]*): +")
_FLOW_END = re.compile(r"(?: +#.*)?")
_MAX_KEY = 1000  # libyaml refuses a key of over 1,024 characters
_EMPTY_FLOW = re.compile(r"(\[ *\]|\{ *\})(?: +#.*)?")


_MISS = object()
_DASHES = frozenset({"-", "- "})  # how a block sequence entry's line starts


class Decline(Exception):
    """The text uses something this reader leaves to libyaml."""


class BlockReader:
    """Reads one document (see the module docstring); `read()` returns the data, and fills
    `lines` and `items` as `_EventBuilder` would."""

    def __init__(
        self, text: str, scalar: Callable[[str], Any], max_depth: int, first: int = 0
    ) -> None:
        """`first`: the 0-based line of the text's first line in its file (a part of one)."""
        self.scalar = scalar
        self.max_depth = max_depth
        self.lines: dict[PathKey, int] = {}
        self.items: ItemLines = {}
        self.shift = 1  # line = 0-based line + shift: 1-based, or relative inside an item
        self.layouts: dict[tuple[tuple[PathKey, int], ...], dict[PathKey, int]] = {}
        if (_CONTROLS if text.isascii() else _wide()).search(text):
            raise Decline
        raws = text.split("\n")
        if raws[-1] == "":
            raws.pop()  # the final line break
        stripped = [raw.lstrip(" ") for raw in raws]
        indents = list(map(int.__sub__, map(len, raws), map(len, stripped)))
        numbers: Sequence[int] = range(len(raws))
        if "#" in text or " \n" in text or text[-1:] == " " or not all(stripped):
            # Comments, blank lines or trailing spaces (hand-written files): keep the rest.
            numbers = [n for n in numbers if stripped[n] and stripped[n][0] != "#"]
            stripped = [stripped[n].rstrip(" ") for n in numbers]
            indents = [indents[n] for n in numbers]
        if not numbers or indents[0]:
            raise Decline  # empty (comments only), or an indented document: libyaml decides
        if first:
            numbers = [n + first for n in numbers]
        bodies = stripped
        indents.append(-1)  # sentinel: the end closes every block
        self.indents, self.bodies, self.numbers = indents, bodies, numbers
        # Keys, scalars and flows repeat from item to item: each text is read once.
        self.keys: dict[str, tuple[Any, str]] = {}
        self.entries: dict[str, tuple[Any, str, str]] = {}  # whole `key: value` lines
        self.scalars: dict[str, Any] = {}
        self.flows: dict[str, tuple[bool, list[tuple[Any, str]], list[Any]]] = {}
        self.at = 0

    def read(self) -> Any:
        self.lines[()] = self.numbers[0] + 1
        data = self.block(0, (), 0)
        if self.at != len(self.bodies):
            raise Decline  # something at the top level after the document's value
        return data

    def block(self, indent: int, path: PathKey, depth: int) -> Any:
        if self.bodies[self.at][:2] in _DASHES:
            return self.sequence(indent, path, depth)
        return self.mapping(indent, path, depth)

    def mapping(self, indent: int, path: PathKey, depth: int) -> dict[Any, Any]:
        if depth > self.max_depth:
            raise Decline
        out: dict[Any, Any] = {}
        indents, bodies, numbers = self.indents, self.bodies, self.numbers
        entries, scalars, lines, shift = self.entries, self.scalars, self.lines, self.shift
        at = self.at
        while indents[at] == indent:
            body = bodies[at]
            entry = entries.get(body)
            if entry is None:
                entry = entries[body] = self.entry(body)
            key, name, rest = entry
            if key in out:
                raise Decline  # a duplicate: libyaml's path words the error
            child = (*path, name)
            number = numbers[at]
            lines[child] = number + shift
            at += 1
            if rest:
                value = scalars.get(rest, _MISS)
                if value is _MISS:
                    value = self.inline(rest, child, number, depth + 1)
                out[key] = value
                if indents[at] > indent:
                    raise Decline  # a multi-line scalar, or a block after a value
                continue
            self.at = at
            out[key] = self.below(indent, child, depth + 1)
            at = self.at
        if indents[at] > indent:
            raise Decline  # deeper than the keys, after a block that ended
        self.at = at
        return out

    def below(self, indent: int, path: PathKey, depth: int) -> Any:
        """The value of a `key:` written without one on its line: the block below, else null."""
        deeper = self.indents[self.at]
        if deeper > indent:
            return self.block(deeper, path, depth)
        if deeper == indent and self.bodies[self.at][:2] in _DASHES:
            return self.sequence(indent, path, depth)  # `key:` then `- item` at its indent
        return None

    def entry(self, body: str) -> tuple[Any, str, str]:
        """A `key: value` line: the key, its name in paths, and the value's text ("" when
        the line has none, or only a comment)."""
        cut = body.find(": ")
        if cut > 0:
            text, rest = body[:cut], body[cut + 2 :].lstrip(" ")
        elif body[-1] == ":":
            text, rest = body[:-1], ""
        else:
            raise Decline  # a list item or a scalar among keys
        known = self.keys.get(text)
        if known is None:
            known = self.keys[text] = self.key(text)
        return *known, "" if rest[:1] == "#" else rest

    def key(self, text: str) -> tuple[Any, str]:
        """A mapping key's value and its name in paths; plain names only."""
        if len(text) > _MAX_KEY or _KEY.fullmatch(text) is None:
            raise Decline  # quoted, complex or odd keys; libyaml refuses keys over 1,024
        key = _scalar(self.scalar, text)
        if key is None or key != key:
            raise Decline  # null and NaN keys: libyaml's path refuses them
        return key, str(key)

    def sequence(self, indent: int, path: PathKey, depth: int) -> list[Any]:
        if depth > self.max_depth:
            raise Decline
        items: list[Any] = []
        laid_out = len(path) <= 1 and self.shift == 1
        rows: list[tuple[int, dict[PathKey, int]]] = []
        indents, bodies, numbers = self.indents, self.bodies, self.numbers
        while True:
            at = self.at
            if indents[at] != indent:
                if indents[at] > indent:
                    raise Decline
                break
            body = bodies[at]
            if body[:2] not in _DASHES:
                break  # the next key of the mapping around an indentless list
            value = _entry(body)
            line = numbers[at]
            if laid_out:
                outer, self.lines, self.shift = self.lines, {}, -line
                child: PathKey = ()
            else:
                child = (*path, len(items))
                self.lines[child] = line + self.shift
            if value[0] not in "[{'\"" and (": " in value or value[-1] == ":"):
                inner = indent + len(body) - len(value)  # `- key: v`: a mapping there
                indents[at], bodies[at] = inner, value
                items.append(self.mapping(inner, child, depth + 1))
            else:
                self.at = at + 1
                items.append(self.inline(value, child, line, depth + 1))
                if indents[self.at] > indent:
                    raise Decline
            if laid_out:
                layout = self.layouts.setdefault(tuple(self.lines.items()), self.lines)
                rows.append((line + 1, layout))
                self.lines, self.shift = outer, 1
        if laid_out:
            self.items[path] = rows
        return items

    def inline(self, value: str, path: PathKey, line: int, depth: int) -> Any:
        """A value written on its key's or item's line: a scalar or a one-line flow."""
        first = value[0]
        if first == "[" or first == "{":
            return self.flow(value, path, line, depth)
        if first == "'":
            found = _SINGLE.fullmatch(value)
            if found is None:
                raise Decline  # a multi-line or malformed quoted scalar
            result: Any = found.group(1).replace("''", "'")
        elif first == '"':
            found = _DOUBLE.fullmatch(value)
            if found is None:
                raise Decline  # escapes, or not closed on this line
            result = found.group(1)
        else:
            if first in _INDICATORS and (first != "-" or len(value) == 1 or value[1] == " "):
                raise Decline
            plain = value
            cut = plain.find(" #")
            if cut >= 0:
                plain = plain[:cut].rstrip(" ")
            if ": " in plain or plain[-1] == ":":
                raise Decline  # a mapping where a scalar was expected: libyaml's error
            result = _scalar(self.scalar, plain)
        self.scalars[value] = result
        return result

    def flow(self, value: str, path: PathKey, line: int, depth: int) -> Any:
        if depth > self.max_depth:
            raise Decline
        known = self.flows.get(value)
        if known is None:
            known = self.flows[value] = self.parse_flow(value)
        mapping, keys, items = known
        at = line + self.shift
        if mapping:
            lines = self.lines
            for _, name in keys:
                lines[(*path, name)] = at
            return {key: item for (key, _), item in zip(keys, items, strict=True)}
        if len(path) <= 1 and self.shift == 1:  # a top-level list: `_EventBuilder.laid_out`
            layout = self.layouts.setdefault((), {})
            self.items[path] = [(line + 1, layout) for _ in items]
        else:
            self.lines.update({(*path, n): at for n in range(len(items))})
        return list(items)

    def parse_flow(self, value: str) -> tuple[bool, list[tuple[Any, str]], list[Any]]:
        """A one-line flow collection: (is a mapping, its keys and names, its items)."""
        mapping = value[0] == "{"
        keys: list[tuple[Any, str]] = []
        items: list[Any] = []
        if _EMPTY_FLOW.fullmatch(value):
            return mapping, keys, items
        close = "}" if mapping else "]"
        pos, scalar = 1, self.scalar
        while True:
            if mapping:
                found_key = _FLOW_KEY.match(value, pos)
                if found_key is None:
                    raise Decline
                key, name = self.key(found_key.group(1))
                if any(key == k for k, _ in keys):
                    raise Decline  # a duplicate key
                keys.append((key, name))
                pos = found_key.end()
            found = _FLOW_ITEM.match(value, pos)
            if found is None:
                raise Decline  # nested flows, empty items, comments or `:` inside, ...
            single, double, plain, end = found.groups()
            if single is not None:
                items.append(single.replace("''", "'"))
            elif double is not None:
                items.append(double)
            else:
                items.append(_scalar(scalar, plain))
            pos = found.end()
            if end == close:
                break
            if end != ",":
                raise Decline  # `]` closing a mapping or `}` closing a list
        if not _FLOW_END.fullmatch(value, pos):
            raise Decline
        return mapping, keys, items


@cache
def _wide() -> re.Pattern[str]:
    return re.compile(_WIDE)


def _entry(body: str) -> str:
    """What follows a block sequence entry's dash, when it starts on the same line."""
    if len(body) < 3:
        raise Decline  # `-` alone: the item's value starts on a later line
    value = body[2:].lstrip(" ")
    if value[0] == "#" or value[:2] in _DASHES:
        raise Decline  # a comment, then the value below; or a list in a list
    return value


def _scalar(scalar: Callable[[str], Any], text: str) -> Any:
    try:
        return scalar(text)
    except ValueError as exc:  # an integer too large: libyaml's path words the error
        raise Decline from exc
