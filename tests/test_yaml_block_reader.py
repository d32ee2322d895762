"""The line-by-line block YAML reader (`core.yamlblock`) against libyaml's path.

`parse_yaml` tries the block reader first and falls back to libyaml when it declines; for
every text the outcome (data, every line of the source map, or the error and its line) must
be the one libyaml's path gives. Checked on hand-written edge cases and on thousands of
generated and mutated documents; and the reader must really take the common files (a
generated fleet, hand-written snippets) so the speed-up cannot silently disappear."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from cloudwright.core import yamlsource
from cloudwright.core.errors import InputError
from cloudwright.core.yamlblock import BlockReader, Decline
from cloudwright.core.yamlsource import MAX_DEPTH, _core_scalar, parse_yaml


def _outcome(text: str) -> tuple[Any, ...]:
    try:
        data, smap = parse_yaml(text, "f.yaml")
    except InputError as exc:
        return ("error", str(exc), exc.location)
    return ("ok", repr(data), smap.lines, smap.items, smap.line_of(("workloads", 1, "gpu")))


def _libyaml(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as patch:
        patch.setattr(yamlsource, "BlockReader", _Declining)
        return _outcome(text)


class _Declining:
    def __init__(self, *_: object) -> None:
        raise Decline


def _accepted(text: str) -> bool:
    try:
        BlockReader(text, _core_scalar, MAX_DEPTH).read()
    except Decline:
        return False
    return True


ACCEPTED = [
    "a: 1\nb: [x, 'y z', \"w\"]\nc: {k: v, n: 2}\n",
    "version: 1\nworkloads:\n- name: a\n  gpu:\n    type: [H100]\n    count: 8\n- name: b\n"
    "  gpu: {type: L4}\n  spot: true\n",
    "# comment\nworkloads:  # trailing\n  - name: a   # here\n    kind: batch\n\n  - name: b\n"
    "    users:\n      - {country: DE, share: 0.5}\n      - {country: FR, share: .5}\n",
    "a:\n  b:\n    - x\n    - y: 1\n      z: ~\nc: 2\n",
    "aws:region: us-east-1\ncloudwright:plan: plan.json\n",
    "k: 'it''s # not a comment'\nq: \"a: b\"\nplain: a#b, c[1] {d}\nurl: http://x/y?z=1\n",
    "n: [0o17, 0x1F, -5, +3, 1e3, .inf, -.Inf, .nan, NO, on, y, null, Null, true, FALSE]\n",
    "-  a: 1\n   b: 2\n- [1, 2]\n- x\n- -1\n- {}\n- []\n",
    "top: []\nother: {}\nlist:\n- 1\nempty:\nlast: x\n",
    "1: one\nfalse: no\n2.5: x\n",
]

DECLINED = [
    "a: &x 1\nb: *x\n",  # anchors, aliases
    "base: &b {x: 1}\nc:\n  <<: *b\n",  # merge keys
    "a: |\n  text\n",  # block scalars
    "a: multi\n  line\n",  # a multi-line plain scalar
    "a: [1,\n  2]\n",  # a multi-line flow
    "'quoted key': 1\n",
    "a: 1\na: 2\n",  # duplicate keys: libyaml's path words the error
    "a:\n    b: 1\n  c: 2\n",  # bad indentation
    "a: 1\n- b\n",
    "a: b: c\n",
    'a: "esc\\n"\n',
    "a:\tb\n",
    "a: 1\r\nb: 2\r\n",
    "\ufeffa: 1\n",
    "---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "  a: 1\n",
    "a: {b: [1]}\n",
    "a: !!str 5\n",
    "a: " + "9" * 400 + "\n",  # too large for a float: an error at its line
    "~: 1\n",
    "1: one\ntrue: yes\n",  # 1 == True: a duplicate key, as Python and libyaml's path see it
    "-\n  a: 1\n",
    "",
    "# only a comment\n",
    "k" * 1100 + ": 1\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_block_reader_takes_plain_block_yaml_and_agrees(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _accepted(text)
    assert _outcome(text) == _libyaml(text, monkeypatch)


@pytest.mark.parametrize("text", DECLINED)
def test_block_reader_leaves_the_rest_to_libyaml(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not _accepted(text)
    assert _outcome(text) == _libyaml(text, monkeypatch)


def test_generated_fleet_is_read_by_the_block_reader_with_the_same_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workloads = [
        {
            "name": f"w-{i}",
            "kind": ["batch", "training", "inference"][i % 3],
            "gpu": {"type": ["H100", "L4"][: 1 + i % 2], "count": 1 + i % 4},
            "nodes": i % 5 + 1,
            "utilization": round(0.5 + i / 1000, 3),
            "spot": i % 2 == 0,
            **({"users": [{"country": "DE", "share": 1.0}]} if i % 7 == 0 else {}),
        }
        for i in range(60)
    ]
    spec = {"version": 1, "name": "gen", "capacity": [{"cloud": "aws", "max_gpus": 8}]}
    spec["workloads"] = workloads
    for style in (None, False):
        text = yaml.safe_dump(spec, sort_keys=False, default_flow_style=style)
        assert _accepted(text)
        fast = _outcome(text)
        assert fast == _libyaml(text, monkeypatch)
        assert fast[0] == "ok" and fast[4] is not None


_WORDS = ["a", "b-c", "x_1", "on", "NO", "null", "~", "1", "0x1F", "-2", "1e3", ".5", "a b"]
_ODD = ["#", ": ", " #", "'", '"', "-", "- ", "[", "]", "{", "}", ",", "&", "*", "!", "|", "\t"]


def _random_value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.5:
        choice = rng.random()
        if choice < 0.3:
            return rng.choice(_WORDS)
        if choice < 0.45:
            return rng.randint(-1000, 10**6)
        if choice < 0.6:
            return round(rng.uniform(-10, 10), rng.randint(0, 4))
        if choice < 0.7:
            return rng.choice([True, False, None])
        return rng.choice(_WORDS) + rng.choice([*_ODD, ""]) + rng.choice(_WORDS)
    if roll < 0.75:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = [rng.choice(_WORDS) + str(n) for n in range(rng.randint(0, 4))]
    return {k: _random_value(rng, depth + 1) for k in keys}


def _mutate(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    n = rng.randrange(len(lines))
    line = lines[n]
    pos = rng.randint(0, len(line))
    action = rng.random()
    if action < 0.4:
        line = line[:pos] + rng.choice([*_ODD, " ", "  ", ":"]) + line[pos:]
    elif action < 0.6:
        line = line[:pos] + line[pos + 1 :]
    elif action < 0.8:
        line = " " * rng.randint(1, 3) + line
    else:
        lines.insert(n, line)
    lines[n] = line
    return "\n".join(lines)


def test_generated_and_mutated_documents_agree_with_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(20261203)
    taken = 0
    for _ in range(1500):
        doc = {f"k{n}": _random_value(rng, 0) for n in range(rng.randint(1, 5))}
        text = yaml.safe_dump(
            doc,
            sort_keys=False,
            default_flow_style=rng.choice([None, False]),
            indent=rng.choice([2, 4]),
            width=rng.choice([40, 1000]),
        )
        for candidate in (text, _mutate(rng, text), _mutate(rng, _mutate(rng, text))):
            taken += _accepted(candidate)
            assert _outcome(candidate) == _libyaml(candidate, monkeypatch), candidate
    assert taken > 500  # the reader takes many of these, so the comparison means something


def _scalar_text(rng: random.Random, value: Any) -> str:
    if isinstance(value, str) and rng.random() < 0.3:
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, str) and rng.random() < 0.2 and '"' not in value and "\\" not in value:
        return '"' + value + '"'
    return (
        "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )


def _hand_written(rng: random.Random, value: Any, indent: int) -> list[str]:
    """Block YAML the way people write it: indented or indentless dashes, comments, blank
    lines, one-line flows, quoted and plain scalars (not always valid YAML: that is fine)."""
    pad = " " * indent
    out: list[str] = []
    comment = lambda: "  # note" if rng.random() < 0.15 else ""  # noqa: E731
    items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    for key, item in items:
        lead = f"{pad}{key}:" if isinstance(value, dict) else f"{pad}-" + " " * rng.randint(1, 2)
        if rng.random() < 0.1:
            out.append("" if rng.random() < 0.5 else f"{pad}# a comment")
        if isinstance(item, dict | list) and item and rng.random() < 0.3:
            flat = (
                all(not isinstance(v, dict | list) for v in item.values())
                if isinstance(item, dict)
                else all(not isinstance(v, dict | list) for v in item)
            )
            if flat:
                if isinstance(item, dict):
                    body = ", ".join(f"{k}: {_scalar_text(rng, v)}" for k, v in item.items())
                    flow = "{" + body + "}"
                else:
                    flow = "[" + ", ".join(_scalar_text(rng, v) for v in item) + "]"
                out.append(f"{lead.rstrip()} {flow}{comment()}")
                continue
        if isinstance(item, dict | list) and item:
            if isinstance(value, list) and isinstance(item, dict) and rng.random() < 0.7:
                inner = _hand_written(rng, item, len(lead))
                out.append(lead + inner[0].lstrip(" "))
                out.extend(inner[1:])
                continue
            step = rng.choice([2, 4]) if isinstance(value, list) or isinstance(item, dict) else 0
            out.append(lead.rstrip() + comment())
            out.extend(_hand_written(rng, item, indent + (step or rng.choice([0, 2]))))
            continue
        text = _scalar_text(rng, item) if item not in ([], {}) else str(item)
        out.append(f"{lead.rstrip()} {text}{comment()}")
    return out


def test_hand_written_documents_agree_with_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    taken = 0
    for _ in range(1500):
        doc = {f"k{n}": _random_value(rng, 0) for n in range(rng.randint(1, 5))}
        text = "\n".join(_hand_written(rng, doc, 0)) + "\n"
        for candidate in (text, _mutate(rng, text)):
            taken += _accepted(candidate)
            assert _outcome(candidate) == _libyaml(candidate, monkeypatch), candidate
    assert taken > 500
