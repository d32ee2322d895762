"""The shared YAML loader (`cloudwright.core.yamlsource`) and the files read through it: usage
files, policy configurations and Pulumi stack configs. Duplicate keys are errors everywhere,
errors keep file:line, merge keys and anchors behave as YAML says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cloudwright.core.errors import InputError
from cloudwright.core.yamlsource import (
    SourceMap,
    format_path,
    load_stack_config,
    load_yaml,
    parse_yaml,
)
from cloudwright.policies.config import load_policy_config
from cloudwright.policies.rules import build_policies
from cloudwright.pricing.usage import load_usage
from cloudwright.resource_graph.load import read_stack_config
from cloudwright.resource_graph.model import Unknown
from cloudwright.stacks.settings import read_stack_file


def write(tmp_path: Path, text: str, name: str = "file.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_lines_of_keys_and_items() -> None:
    data, source = parse_yaml("a:\n  b:\n    - x\n    - y: 1\nc: 2\n", "f.yaml")
    assert data == {"a": {"b": ["x", {"y": 1}]}, "c": 2}
    assert source.line_of(("a", "b", 1, "y")) == 4
    assert source.line_of(("c",)) == 5
    assert source.line_of(("a", "b", 7, "nope")) == 2  # longest known prefix
    assert source.location(("a", "b", 0)) == "f.yaml:3"
    assert SourceMap("g.yaml").location(("x",)) == "g.yaml"


def test_lines_inside_top_level_list_items() -> None:
    text = "w:\n- name: a\n  gpu: {type: [H100]}\n- name: b\n  gpu:\n    type: [L4]\n"
    data, source = parse_yaml(text, "f.yaml")
    assert data["w"][1] == {"name": "b", "gpu": {"type": ["L4"]}}
    assert source.line_of(("w", 0, "gpu", "type", 0)) == 3
    assert source.line_of(("w", 1)) == 4
    assert source.line_of(("w", 1, "gpu", "type", 0)) == 6
    assert source.line_of(("w", 1, "gpu", "nope", 3)) == 5  # longest known prefix
    assert source.line_of(("w", 7, "name")) == 1  # no such item: the list's key
    _, root = parse_yaml("- a\n- {b: 1,\n   c: 2}\n", "g.yaml")
    assert root.line_of((1, "c")) == 3 and root.line_of((0,)) == 1


def test_duplicate_keys_name_the_path_and_the_second_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml("top:\n  key: 1\n  other: 2\n  key: 3\n", "f.yaml")
    error = caught.value
    assert error.location == "f.yaml:4"
    assert "top.key: duplicate key 'key'" in error.message
    assert error.hint and "last value" in error.hint


def test_merge_keys_and_anchors_follow_yaml() -> None:
    text = (
        "base: &base {cpu: 1, mem: 2}\n"
        "other: &other {cpu: 9, disk: 3}\n"
        "a:\n  <<: [*base, *other]\n  mem: 5\n"  # the first merged map wins; written keys win
        "b: *base\n"
    )
    data, source = parse_yaml(text, "f.yaml")
    assert data["a"] == {"cpu": 1, "mem": 5, "disk": 3}
    assert data["b"] == {"cpu": 1, "mem": 2}
    assert source.line_of(("a", "mem")) == 5


def test_recursive_aliases_and_complex_keys_are_refused() -> None:
    with pytest.raises(InputError, match="alias refers to a value that contains it"):
        parse_yaml("a: &a\n  b: *a\n", "f.yaml")
    with pytest.raises(InputError, match="plain names"):
        parse_yaml("? [1, 2]\n: x\n", "f.yaml")


def test_syntax_errors_keep_the_line_and_the_format_name() -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml("a: [\n", "f.json", syntax="YAML/JSON")
    assert caught.value.location == "f.json:2"
    assert "not valid YAML/JSON: did not find expected node content" in caught.value.message


def test_file_errors_say_what_the_file_should_have_been(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="usage file not found"):
        load_yaml(tmp_path / "nope.yaml", what="usage file")
    with pytest.raises(InputError, match="is a directory, not a policy configuration"):
        load_yaml(tmp_path, what="policy configuration")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"a: \xe9\n")
    with pytest.raises(InputError, match="not UTF-8"):
        load_yaml(bad)
    data, source = load_yaml(write(tmp_path, ""))
    assert data is None and source.base_dir == tmp_path.resolve()


def test_messages_never_name_the_fleet(tmp_path: Path) -> None:
    for call in (
        lambda: load_yaml(tmp_path),
        lambda: load_yaml(tmp_path / "x.yaml"),
        lambda: parse_yaml("a: 1\na: 2\n", "x.yaml"),
    ):
        with pytest.raises(InputError) as caught:
            call()
        assert "fleet" not in str(caught.value).lower()


def test_format_path() -> None:
    assert format_path(("workloads", 0, "gpu", "type")) == "workloads[0].gpu.type"
    assert format_path(()) == "(top level)"


READERS: dict[str, Callable[[Path], Any]] = {
    "usage file": load_usage,
    "policy configuration": lambda path: load_policy_config(path, build_policies()),
    "stack config (settings)": read_stack_file,
    "stack config (resource graph)": read_stack_config,
}
DUPLICATES = {
    "usage file": "resources:\n  data:\n    storage_gb: 1\n    storage_gb: 2\n",
    "policy configuration": "monthly-budget:\n  monthlyUsd: 10\n  monthlyUsd: 20\n",
    "stack config (settings)": "config:\n  aws:region: us-east-1\n  aws:region: eu-west-1\n",
    "stack config (resource graph)": "config:\n  gcp:zone: a\n  gcp:zone: b\n",
}
DUPLICATE_LINE = {
    "usage file": 4,
    "policy configuration": 3,
    "stack config (settings)": 3,
    "stack config (resource graph)": 3,
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_refuses_duplicate_keys_at_their_line(tmp_path: Path, reader: str) -> None:
    path = write(tmp_path, DUPLICATES[reader])
    with pytest.raises(InputError) as caught:
        READERS[reader](path)
    assert caught.value.location == f"{path}:{DUPLICATE_LINE[reader]}"
    assert "duplicate key" in caught.value.message


def test_policy_errors_in_lists_keep_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "allowed-regions:\n  regions:\n    - eu-*\n    - 7\n")
    with pytest.raises(InputError) as caught:
        load_policy_config(path, build_policies())
    assert caught.value.location == f"{path}:4"


def test_usage_merge_keys_work(tmp_path: Path) -> None:
    text = (
        "defaults:\n"
        "  '*': &common {hours_per_month: 600, egress_gb: 10}\n"
        "workloads:\n"
        "  llm:\n    <<: *common\n    egress_gb: 50\n"
    )
    usage = load_usage(write(tmp_path, text))
    assert usage.workloads["llm"] == {"hours_per_month": 600, "egress_gb": 50}


STACK = (
    "encryptionsalt: v1:abc\n"
    "config:\n"
    "  aws:region: us-east-1\n"
    "  cloudwright:sshPublicKey:\n    secure: v1:AAAA\n"
    "  cloudwright:workloads:\n    llm: {market: spot}\n"
)


def test_one_stack_config_reader_two_secure_value_policies(tmp_path: Path) -> None:
    path = write(tmp_path, STACK, "Pulumi.dev.yaml")
    omitted, source = load_stack_config(path, secure="omit")
    assert omitted == {
        "aws:region": "us-east-1",
        "cloudwright:workloads": {"llm": {"market": "spot"}},
    }
    assert source.location(("config", "cloudwright:workloads", "llm")) == f"{path}:7"
    kept, _ = load_stack_config(path, secure="keep")
    assert kept["cloudwright:sshPublicKey"] == {"secure": "v1:AAAA"}
    # The settings reader leaves secrets out; the graph readers keep them as unknown secrets.
    assert "cloudwright:sshPublicKey" not in read_stack_file(path)
    secret = read_stack_config(path)["cloudwright:sshPublicKey"]
    assert isinstance(secret, Unknown) and secret.reason == "secret"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("- a\n", "expected a mapping with a `config:` key", 1),
        ("config:\n  - a\n", "`config:` must be a mapping", 1),
    ],
)
def test_stack_config_shape_errors(tmp_path: Path, text: str, message: str, line: int) -> None:
    path = write(tmp_path, text, "Pulumi.dev.yaml")
    for reader in (read_stack_file, read_stack_config):
        with pytest.raises(InputError) as caught:
            reader(path)
        assert caught.value.location == f"{path}:{line}" and message in caught.value.message


def test_stack_config_without_config_is_empty(tmp_path: Path) -> None:
    for text in ("", "encryptionsalt: v1:abc\n"):
        path = write(tmp_path, text, "Pulumi.dev.yaml")
        assert read_stack_file(path) == {} and read_stack_config(path) == {}
    with pytest.raises(InputError, match="stack config not found"):
        read_stack_file(tmp_path / "Pulumi.nope.yaml")


# ---- YAML 1.2 core schema, whatever PyYAML resolves ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[DE, NO, SE]", ["DE", "NO", "SE"]),  # Norway, not false
        ("[on, off, yes, no, y, n, Y, N]", ["on", "off", "yes", "no", "y", "n", "Y", "N"]),
        ("[true, True, TRUE, false, FALSE]", [True, True, True, False, False]),
        ("[~, null, Null, NULL, ]", [None, None, None, None]),
        ("[0o17, 0x1F, 012, -3, +4, 1_000]", [15, 31, 12, -3, 4, "1_000"]),
        ("[1.5, .5, 1e3, -2.5E-1, 3.]", [1.5, 0.5, 1000.0, -0.25, 3.0]),
        ("['1', \"true\", 12:30, 2026-01-01]", ["1", "true", "12:30", "2026-01-01"]),
        ("[!!str 5, !!float 2, !!int '7', !!bool true, !!null '']", ["5", 2.0, 7, True, None]),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text: str, expected: list[Any]) -> None:
    data, _ = parse_yaml(f"v: {text}\n", "f.yaml")
    assert data["v"] == expected


def test_non_finite_floats_are_read_as_floats_for_readers_to_refuse() -> None:
    data, _ = parse_yaml("v: [.inf, -.Inf, .nan]\n", "f.yaml")
    assert data["v"][0] == float("inf") and data["v"][1] == float("-inf")
    assert data["v"][2] != data["v"][2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!binary aGk=\n", "not a valid binary"),
        ("a: !Ref x\n", "not a valid !Ref"),
        ("a: !!int x\n", "not a valid int"),
        ("a: !!set {x}\n", "unsupported tag"),
        ("a: !!python/object:os.system {}\n", "unsupported tag"),
        ("a: b\x00c\n", "NUL byte"),
        ("<<: 5\n", "merge key \\(<<\\) takes a mapping"),
    ],
)
def test_other_tags_and_binary_input_are_refused_with_a_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_yaml(text, "f.yaml")
    assert caught.value.location == "f.yaml:1"


def test_merge_keys_nested_and_multiple_keep_yaml_precedence() -> None:
    text = "a: &a {x: 1, y: 1}\nb: &b {<<: *a, y: 2, z: 2}\nc:\n  <<: [*b, {x: 3, w: 3}]\n  z: 9\n"
    data, source = parse_yaml(text, "f.yaml")
    assert data["b"] == {"x": 1, "y": 2, "z": 2}
    assert data["c"] == {"x": 1, "y": 2, "z": 9, "w": 3}
    assert source.line_of(("c", "w")) == 4 and source.line_of(("c", "z")) == 5


def test_alias_bomb_and_deep_nesting_fail_fast() -> None:
    import time

    rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    started = time.monotonic()
    with pytest.raises(InputError, match="aliases expanding exponentially"):
        parse_yaml("\n".join(rows) + "\n", "f.yaml")
    assert time.monotonic() - started < 5
    with pytest.raises(InputError, match="nest"):
        parse_yaml("v: " + "[" * 600 + "]" * 600 + "\n", "f.yaml")
    with pytest.raises(InputError, match="nest"):
        parse_yaml("v: " + "[" * 100_000 + "]" * 100_000 + "\n", "f.yaml")


def test_the_parser_is_libyaml_when_pyyaml_has_it() -> None:
    import yaml

    from cloudwright.core import yamlsource

    if getattr(yaml, "__with_libyaml__", False):
        assert yamlsource._Loader.__name__ == "_LibyamlLoader"
    data, source = yamlsource._PyLoader("a: [NO]\n"), None  # the fallback composes too
    assert data.get_single_node() is not None and source is None
