"""Reading a YAML file ahead in forked children (core/yamlahead.py): in two parts or whole,
the result and every error are what `load_yaml` gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cloudwright.core import yamlahead
from cloudwright.core.errors import InputError
from cloudwright.core.yamlahead import AHEAD_MIN_BYTES, load_yaml_ahead
from cloudwright.core.yamlsource import load_yaml

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")


def _items(n: int, indent: str = "  ") -> str:
    return "".join(
        f"{indent}- name: w{i}\n{indent}  gpu: {{type: L4, count: {i % 3 + 1}}}\n"
        f"{indent}  users:\n{indent}    - {{lat: {i % 90}, lon: 1.5, weight: 2}}\n"
        for i in range(n)
    )


TEXTS = {
    "plain": "version: 1\nname: f\nworkloads:\n" + _items(40),
    "keys after the list": "version: 1\nworkloads:\n" + _items(40) + "capacity:\n  - {gpu: L4}\n",
    "indentless list": "version: 1\nworkloads:\n" + _items(40, indent=""),
    "comments and blanks": "# fleet\nversion: 1\nworkloads:  # all of them\n"
    + _items(20)
    + "\n# a comment at the margin\n\n"
    + _items(20).replace("  - name: w1\n", "  - name: w1  # first\n"),
    "anchors (libyaml reads it)": "x-g: &g {type: L4}\nversion: 1\nworkloads:\n"
    + _items(40).replace("{type: L4, count: 1}", "*g"),
    "a duplicate key in the second half": "version: 1\nworkloads:\n"
    + _items(40)
    + "  - name: late\n    name: again\n",
    "a mapping, not a list": "version: 1\nworkloads:\n"
    + "".join(f"  w{i}: {{a: 1}}\n" for i in range(80)),
    "a small list": "version: 1\nnotes:\n"
    + "".join(f"  k{i}: {i}\n" for i in range(200))
    + "workloads:\n"
    + _items(2),
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_two_parts_read_as_the_whole_file(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(TEXTS[name])
    monkeypatch.setattr(yamlahead, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(yamlahead, "AHEAD_MIN_BYTES", 0)
    try:
        expected = load_yaml(path, what="fleet file")
    except InputError as error:
        with pytest.raises(InputError) as ahead_error:
            load_yaml_ahead(path, what="fleet file").result()
        assert str(ahead_error.value) == str(error)
        assert ahead_error.value.location == error.location
        return
    with load_yaml_ahead(path, what="fleet file") as ahead:
        splits = yamlahead._split(path.read_text()) is not None
        assert ahead.forked == (2 if splits else 1)
        assert ahead.result() == expected
    if name in ("plain", "keys after the list", "indentless list", "comments and blanks"):
        assert splits  # these are cut in two, and the parts join into the same result


def test_the_cut_is_at_an_item_of_the_longest_list() -> None:
    text = TEXTS["keys after the list"]
    found = yamlahead._split(text)
    assert found is not None
    key_at, cut, end = found
    assert text[key_at:].startswith("workloads:\n") and text[cut:].startswith("  - name: w")
    assert text[end:].startswith("capacity:")
    head, first = yamlahead._head(text, *found)
    assert first == 0 and head.count("\n") == text.count("\n")  # lines keep their numbers
    tail, first = yamlahead._tail(text, *found)
    assert tail.splitlines()[1] == text.splitlines()[first + 1]


def test_a_pipe_or_a_small_file_is_read_by_the_parent(tmp_path: Path) -> None:
    fifo = tmp_path / "fleet.fifo"
    os.mkfifo(fifo)
    with load_yaml_ahead(fifo, what="fleet file") as ahead:
        assert ahead.forked == 0  # not forked: a child would consume the stream
    small = tmp_path / "small.yaml"
    small.write_text("version: 1\n")
    with load_yaml_ahead(small, what="fleet file") as ahead:
        assert ahead.forked == 0 and ahead.result() == load_yaml(small, what="fleet file")


def test_a_file_read_ahead_whole_is_load_yaml(tmp_path: Path) -> None:
    good = tmp_path / "fleet.yaml"
    good.write_text(TEXTS["plain"] + "# padding\n" * (AHEAD_MIN_BYTES // 10))
    with load_yaml_ahead(good, what="fleet file") as ahead:
        assert ahead.forked == 1  # one child: under SPLIT_MIN_BYTES
        assert ahead.result() == load_yaml(good, what="fleet file")
