"""cloudwright.core.jsonsource: the one JSON reader refuses what it cannot read, with the file
and line, and never raises anything but a project error."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from cloudwright.core.errors import DataError, InputError
from cloudwright.core.jsonsource import MAX_DEPTH, parse_json, read_json


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 200 levels deep"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested more than 200 levels deep"),
        (bytes(range(256)), "f.json:1: not valid JSON: a NUL byte"),
        (b"\n[1, \xc3]", "f.json:2: not UTF-8 text"),
        (b"\xff\xfe[\x001\x00]\x00", "UTF-16/32 byte-order mark"),
        (b'{"a": 1,\n "b": {"c": 1,\n  "c": 2}}', "f.json:2: duplicate key 'c'"),
        (b"[1,\nNaN]", "f.json:2: NaN is not a number JSON allows"),
        (b'{"x": Infinity}', "Infinity is not a number JSON allows"),
        (b"[-Infinity]", "-Infinity is not a number"),
        (b"[1e999]", "number too large (1e999)"),
        (b"[%d]" % 10**400, "integer too large (401 digits)"),
        (b"[-" + b"9" * 5000 + b"]", "integer too large (5000 digits)"),
        (b"", "empty: no JSON document"),
        (b'{"a": 1', "f.json:1: not valid JSON"),
    ],
    ids=[
        "100000-deep",
        "201-deep",
        "binary",
        "bad-utf8",
        "utf16",
        "duplicate-key",
        "nan",
        "infinity",
        "minus-infinity",
        "float-overflow",
        "10**400",
        "5000-digits",
        "empty",
        "truncated",
    ],
)
def test_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_json(data, "f.json")
    assert message in str(caught.value)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("data", "value"),
    [
        (b"\xef\xbb\xbf[1]", [1]),  # a UTF-8 byte-order mark is skipped
        (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, None),
        (b"[1e308, %d]" % 10**300, [1e308, 10**300]),
        (b'["\\u0000", "NaN", "1e999"]', ["\x00", "NaN", "1e999"]),
        (b'{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}', None),
    ],
)
def test_accepted(data: bytes, value: object) -> None:
    parsed = parse_json(data, "f.json")
    if value is not None:
        assert parsed == value


def test_text_input_and_data_errors() -> None:
    assert parse_json('{"a": [1, 2]}', "t") == {"a": [1, 2]}
    with pytest.raises(InputError, match="NUL byte"):
        parse_json("[1]\x00", "t")
    with pytest.raises(DataError, match=r"m\.json:1: NaN"):
        parse_json(b"[NaN]", "m.json", error=DataError)


def test_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"ok": true}')
    assert read_json(good) == {"ok": True}
    with pytest.raises(InputError, match="plan file not found"):
        read_json(tmp_path / "nope.json", what="plan file")
    with pytest.raises(InputError, match="is a directory, not a plan file"):
        read_json(tmp_path, what="plan file")
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"from": "stdin"}'))
    assert read_json("-") == {"from": "stdin"}


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_endless_inputs_are_refused_not_read_forever() -> None:
    from cloudwright.core.yamlsource import read_text

    with pytest.raises(InputError, match=r"/dev/zero:1: a NUL byte"):
        read_json("/dev/zero")
    with pytest.raises(InputError, match="NUL byte"):
        read_text("/dev/zero", what="fleet file")
    with pytest.raises(InputError, match="empty: no JSON document"):
        read_json("/dev/null")
