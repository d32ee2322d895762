"""Hostile inputs for the fuzz suite (tests/test_fuzz_*.py) and the hostile-input corpus
(tests/test_hostile_inputs.py): real samples from examples/ and tests/golden/, mutated
structures, non-finite and huge numbers, wrong types, deep nesting and binary bytes.

Everything here is plain data or text; the tests decide what to run it through."""

from __future__ import annotations

import copy
import json
import math
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"
GRAPH_FILE = GOLDEN / "graphs" / "fleet.graph.json"
PLAN_FILE = GOLDEN / "plans" / "llm.plan.json"
FLEET_FILE = ROOT / "examples" / "fleet.yaml"
POLICY_CONFIG_FILE = ROOT / "examples" / "policy-config.json"
ENV = {
    "CLOUDWRIGHT_CATALOG": str(FIXTURE_CATALOG),
    "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000",
    "CLOUDWRIGHT_CACHE_DIR": "off",
    "COLUMNS": "160",
}

# Examples per fuzz test: small enough that the whole suite takes seconds in `make test`;
# CLOUDWRIGHT_FUZZ_SCALE=50 runs fifty times as many (a long local or nightly hunt).
SCALE = max(1, int(os.environ.get("CLOUDWRIGHT_FUZZ_SCALE", "1")))


def examples(n: int) -> int:
    return n * SCALE


USAGE_SAMPLE: dict[str, Any] = {
    "version": 1,
    "defaults": {"*": {"hours_per_month": 730}, "aws:s3/bucket:Bucket": {"storage_gb": 1000}},
    "workloads": {"llm-pretrain": {"gpu_utilization": 0.8, "hours_per_month": 720}},
    "resources": {"llm-data": {"storage_gb": 50000, "egress_gb": 200, "get_requests": 1e6}},
}
STACK_CONFIG_SAMPLE: dict[str, Any] = {
    "config": {
        "aws:region": "us-east-1",
        "cloudwright:owner": "ml-platform",
        "cloudwright:sshCidrs": ["10.20.0.0/16"],
        "cloudwright:natGateway": True,
        "cloudwright:workloads": {"llm-pretrain": {"market": "spot", "bootDiskGb": 500}},
    }
}

# Values that have broken readers: non-finite and huge numbers, negatives, wrong types.
HOSTILE_SCALARS: list[Any] = [
    math.nan,
    math.inf,
    -math.inf,
    -1,
    -3,
    -0.5,
    -1e308,
    1e308,
    10**400,
    10**20,
    0,
    "",
    "x",
    "nan",
    "-5",
    "1e999",
    "\x00",
    " ",
    5,
    True,
    False,
    None,
    [],
    {},
    [1, 2],
    {"a": 1},
    {"$unknown": "secret"},
]


def load_samples() -> dict[str, Any]:
    """The real documents the mutations start from."""
    return {
        "graph": json.loads(GRAPH_FILE.read_text("utf-8")),
        "plan": json.loads(PLAN_FILE.read_text("utf-8")),
        "fleet": yaml.safe_load(FLEET_FILE.read_text("utf-8")),
        "policy": json.loads(POLICY_CONFIG_FILE.read_text("utf-8")),
        "usage": USAGE_SAMPLE,
        "stack": STACK_CONFIG_SAMPLE,
    }


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(HOSTILE_SCALARS),
)
# Random documents: JSON/YAML-shaped data of any structure.
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# What a mutation puts in place of a value.
replacements = st.one_of(st.sampled_from(HOSTILE_SCALARS), scalars, documents)


def deep(levels: int, *, json_syntax: bool = True) -> str:
    """A document nested `levels` deep (lists in JSON flow syntax; YAML reads it too)."""
    return "[" * levels + "]" * levels if json_syntax else "a: " + "[" * levels + "]" * levels


@st.composite
def mutated(draw: st.DrawFn, sample: Any, max_edits: int = 3) -> Any:
    """`sample` with 1..max_edits values (anywhere in the tree) replaced, dropped or wrapped."""
    data = json.loads(json.dumps(sample))  # a private deep copy (the samples are JSON-able)
    for _ in range(draw(st.integers(1, max_edits))):
        data = _edit(draw, data, root=True)
    return data


@st.composite
def mutated_inputs(draw: st.DrawFn, graph: dict[str, Any], max_edits: int = 3) -> dict[str, Any]:
    """A graph whose resources' inputs (what pricers and rules read) hold hostile values;
    the rest of the document stays valid, so the damage reaches pricing and policies."""
    data = json.loads(json.dumps(graph))
    resources = [r for r in data["resources"] if isinstance(r.get("inputs"), dict) and r["inputs"]]
    for _ in range(draw(st.integers(1, max_edits))):
        resource = draw(st.sampled_from(resources))
        resource["inputs"] = _edit(draw, resource["inputs"], root=True)
    return data


def _edit(draw: st.DrawFn, node: Any, root: bool = False) -> Any:
    """Walk down a random path; at the stopping point replace, drop or wrap the value (the
    document itself is replaced only by `documents`, not here)."""
    children = _children(node)
    if children and (root or draw(st.integers(0, 4)) > 0):  # mostly deeper: leaves matter
        key = draw(st.sampled_from(children))
        if isinstance(node, dict) and draw(st.integers(0, 9)) == 0:
            del node[key]  # a missing field
            return node
        node[key] = _edit(draw, node[key])
        return node
    action = draw(st.integers(0, 9))
    if action == 0:
        return [node]  # a list where a mapping (or a scalar) belongs
    if action == 1:
        return {"x": node}
    return copy.deepcopy(draw(replacements))  # HOSTILE_SCALARS' lists and dicts stay as they are


def _children(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


@st.composite
def text_mutations(draw: st.DrawFn, text: str) -> bytes:
    """Byte-level damage to a serialised document: truncation, inserted/deleted/replaced
    bytes (NUL, non-UTF-8, brackets, quotes, YAML indicators), duplicated lines."""
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.integers(0, 5))
        if action == 0:
            del data[at:]
        elif action == 1:
            junk = draw(
                st.one_of(
                    st.binary(min_size=1, max_size=4),
                    st.sampled_from([b"\x00", b"\xff\xfe", b"[", b"{", b'"', b"&a", b"*a", b"!!"]),
                )
            )
            data[at:at] = junk
        elif action == 2:
            del data[at : at + draw(st.integers(1, 8))]
        elif action == 3:
            data[at : at + 1] = draw(st.binary(min_size=1, max_size=1))
        elif action == 4:
            lines = bytes(data).split(b"\n")
            line = draw(st.integers(0, len(lines) - 1))
            lines.insert(line, lines[line])
            data = bytearray(b"\n".join(lines))
        else:
            data[at:at] = b"9" * 400  # a huge number, or a huge word
    return bytes(data)


def to_json(data: Any) -> str:
    """JSON as a careless writer would produce it (NaN/Infinity literals, huge integers)."""
    return json.dumps(data, allow_nan=True)


def to_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
