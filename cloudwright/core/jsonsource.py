"""JSON with bounds: the one reader of every JSON document Cloudwright reads.

Plans, resource graphs, `pulumi preview --json` output, stack exports and checkpoints, saved
cost reports, profile records and the catalog manifest all come through `read_json` (a file,
or `-` for stdin, read by `core.inputs`: no read can hang) or `parse_json` (bytes or text held in memory). Whatever the input, the
result is plain data (dict, list, str, int, float, bool, None) or a project error that names
the file and, where it can, the line; never a traceback.

Invariants:
- the input is UTF-8 (a UTF-8 byte-order mark is skipped; UTF-16/32 and other binary data are
  refused, with a hint for PowerShell's UTF-16 redirects); a NUL byte is refused;
- a key written twice in one object is an error (Python's json keeps the last silently), as
  in the YAML loader;
- numbers are finite: `NaN`/`Infinity` (which Python's json accepts, RFC 8259 does not), a
  float that overflows (`1e999`) and an integer too large for a float (`10**400`) are errors;
- nesting is bounded (MAX_DEPTH): 100,000 nested lists are an error, not a RecursionError,
  and nothing downstream that walks the data recursively can run out of stack.

Checks that cost a pass over the data run only when the text can break them (enough
brackets, a digit run or an exponent long enough), so a 100 MB plan reads at json's speed
plus the duplicate-key hook.
"""

from __future__ import annotations

import codecs
import json
import json.decoder
import json.scanner
import re
import sys
from pathlib import Path
from typing import Any

from cloudwright.core.errors import CloudwrightError, InputError
from cloudwright.core.inputs import fail, read_input, read_stream

MAX_DEPTH = 200  # the YAML loader's bound too
_FLOAT_MAX = sys.float_info.max
# Only text with a digit run or an exponent this long can hold a number no float can hold.
_SUSPECT_NUMBER = re.compile(r"[0-9]{300}|[eE][-+]?[0-9]{3}")
_MAX_INT_DIGITS = 330  # beyond any float; also far below Python's int-parsing limit

ErrorKind = type[CloudwrightError]
_JSON_OBJECT: Any = getattr(json.decoder, "JSONObject")  # noqa: B009 (untyped in typeshed)


class _Refused(Exception):
    """A rule of this module broken while json parses; `parse_json` words it."""

    def __init__(self, message: str, literal: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.literal = literal  # the offending text, to find its line


def read_json(source: str | Path, *, what: str = "JSON file", error: ErrorKind = InputError) -> Any:
    """The JSON document in the file `source`, or on stdin when `source` is "-".
    `what` names the file in messages; `error` is the project error to raise (InputError for
    the user's files, DataError for Cloudwright's own data)."""
    if str(source) == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        data: bytes | str = (
            read_stream(buffer, "<stdin>", error=error) if buffer is not None else sys.stdin.read()
        )
        return parse_json(data, "<stdin>", error=error)
    return parse_json(read_input(source, what=what, error=error), str(source), error=error)


def parse_json(data: bytes | str, origin: str, *, error: ErrorKind = InputError) -> Any:
    """Parse one JSON document held in memory; `origin` names it in messages."""
    text = _text(data, origin, error)
    if not text.strip():
        raise fail(error, "empty: no JSON document", origin)
    suspect = _SUSPECT_NUMBER.search(text) is not None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object,
            parse_constant=_constant,
            parse_int=_int if suspect else None,
            parse_float=_float if suspect else None,
        )
    except json.JSONDecodeError as exc:
        raise fail(error, f"not valid JSON: {exc.msg}", f"{origin}:{exc.lineno}") from exc
    except RecursionError as exc:
        raise _too_deep(error, origin) from exc
    except _Refused as exc:
        raise fail(error, exc.message, _where(text, origin, exc)) from exc
    if text.count("[") + text.count("{") > MAX_DEPTH and _deeper_than(value, MAX_DEPTH):
        raise _too_deep(error, origin)
    return value


def _text(data: bytes | str, origin: str, error: ErrorKind) -> str:
    """The document as text: UTF-8, no NUL byte, without a byte-order mark."""
    if isinstance(data, str):
        nul = data.find("\x00")
        if nul >= 0:
            raise _nul(error, origin, data.count("\n", 0, nul) + 1)
        return data.removeprefix("\ufeff")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise fail(
            error,
            "not UTF-8 text: a UTF-16/32 byte-order mark",
            origin,
            hint="save the file as UTF-8 (PowerShell's `>` writes UTF-16: pipe through "
            "`Out-File -Encoding utf8` instead)",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _nul(error, origin, data.count(b"\n", 0, nul) + 1)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise fail(
            error, f"not UTF-8 text: {exc.reason} (binary data?)", f"{origin}:{line}"
        ) from exc


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"duplicate key {key!r} in one object")
            seen.add(key)
    return obj


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number JSON allows (numbers must be finite)", name)


def _int(literal: str) -> int:
    digits = len(literal) - literal.startswith("-")
    if digits > _MAX_INT_DIGITS or abs(number := int(literal)) > _FLOAT_MAX:
        raise _Refused(f"integer too large ({digits} digits): no figure is that big", literal)
    return number


def _float(literal: str) -> float:
    number = float(literal)
    if number in (float("inf"), float("-inf")):
        raise _Refused(f"number too large ({_clip(literal)}): it overflows a float", literal)
    return number


def _clip(literal: str) -> str:
    return literal if len(literal) <= 24 else f"{literal[:10]}…{literal[-10:]}"


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest more than `limit` levels (breadth-first, containers only)."""
    level = [value]
    for _ in range(limit):
        below: list[Any] = []
        for container in level:
            items = container.values() if type(container) is dict else container
            below.extend(v for v in items if type(v) is dict or type(v) is list)
        if not below:
            return False
        level = below
    return True


def _where(text: str, origin: str, refused: _Refused) -> str:
    """origin:line of a refused literal, or of the object holding a duplicate key."""
    position = text.find(refused.literal) if refused.literal else _duplicate_at(text)
    if position is None or position < 0:
        return origin
    return f"{origin}:{text.count(chr(10), 0, position) + 1}"


def _duplicate_at(text: str) -> int | None:
    """Where the first object with a duplicate key starts: json's pure-Python scanner run
    again (slow, and only after the fast parse found one) with a hook that knows positions."""

    class Found(Exception):
        pass

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        start = s_and_end[1] - 1
        pairs, end = _JSON_OBJECT(s_and_end, args[0], args[1], None, list, *args[4:])
        if len({key for key, _ in pairs}) != len(pairs):
            raise Found(start)
        return dict(pairs), end

    decoder = json.JSONDecoder(parse_constant=lambda name: None)
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except Found as found:
        return int(found.args[0])
    except (ValueError, RecursionError):
        return None
    return None


def _nul(error: ErrorKind, origin: str, line: int) -> CloudwrightError:
    return fail(error, "not valid JSON: a NUL byte (binary data?)", f"{origin}:{line}")


def _too_deep(error: ErrorKind, origin: str) -> CloudwrightError:
    return fail(error, f"nested more than {MAX_DEPTH} levels deep", origin)
