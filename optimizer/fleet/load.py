"""Read a fleet file: YAML → validated `Fleet`, every error naming the field path and line.

`load_fleet(path)` needs no catalog; names (GPU types, clouds, regions, instance types,
countries) are checked against the catalog later by `optimizer.fleet.resolve`, which uses
the source map kept on the returned object (`source_map(fleet)`).

Top-level keys starting with `x-` are ignored so a file can hold YAML anchors to reuse.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cloudwright.core.errors import InputError, closest
from cloudwright.core.gcpause import gc_paused
from cloudwright.core.yamlsource import SourceMap, format_path, load_yaml, parse_yaml
from cloudwright.optimizer.fleet.fieldshare import FieldSets
from cloudwright.optimizer.fleet.spec import Fleet, Workload

MAX_REPORTED = 8


def load_fleet(path: str | Path, parsed: tuple[Any, SourceMap] | None = None) -> Fleet:
    """Parse and validate the fleet file at `path` (`parsed`: its YAML already read, by
    `core.yamlahead.load_yaml_ahead`)."""
    with gc_paused():
        data, smap = parsed if parsed is not None else load_yaml(path, what="fleet file")
        return fleet_from_data(data, smap)


def parse_fleet(text: str, origin: str = "fleet.yaml", base_dir: Path = Path(".")) -> Fleet:
    """Parse fleet YAML held in memory (tests, stdin)."""
    with gc_paused():
        data, smap = parse_yaml(text, origin, base_dir)
        return fleet_from_data(data, smap)


def fleet_from_data(data: Any, smap: SourceMap) -> Fleet:
    if not isinstance(data, dict):
        raise InputError(
            "a fleet file is a mapping with `version: 1` and `workloads:`",
            location=smap.location(()),
        )
    data = {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
    try:
        fleet = Fleet.model_validate(data)
    except ValidationError as exc:
        raise _input_error(exc.errors(), smap, data) from exc
    problems = consistency_problems(fleet)
    if problems:
        raise _problems_error(problems, smap)
    fleet._source = smap
    sets = FieldSets()  # equal field-name sets: one copy, not one per model (~2 KB each)
    for w in fleet.workloads:
        for part in (w, w.gpu, w.storage, w.data, w.deferrable, w.allow, w.deny, *w.users):
            sets.share(part)
    return fleet


Problem = tuple[tuple[str | int, ...], str, str | None]  # path, message, hint


def consistency_problems(fleet: Fleet) -> list[Problem]:
    """Rules that span several fields, each reported at the field that breaks it."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, w in enumerate(fleet.workloads):
        at: tuple[str | int, ...] = ("workloads", i)
        if w.name in seen:
            problems.append(
                (
                    (*at, "name"),
                    f"workload name {w.name!r} is already used by workloads[{seen[w.name]}]",
                    "workload names must be unique",
                )
            )
        seen.setdefault(w.name, i)
        if w.replicas is not None and w.kind != "inference":
            problems.append(((*at, "replicas"), "replicas is for inference workloads", "use nodes"))
        if w.replicas is not None and w.nodes is not None:
            problems.append(((*at, "replicas"), "give nodes or replicas, not both", None))
        if w.gpu.h100_equivalents is not None and (w.nodes or w.replicas):
            field = "nodes" if w.nodes else "replicas"
            problems.append(
                (
                    (*at, field),
                    f"{field} comes from gpu.h100_equivalents (per offer): give one, not both",
                    None,
                )
            )
        if w.throughput is not None and w.gpu.h100_equivalents is None:
            problems.append(
                (
                    (*at, "throughput"),
                    "throughput ratios size a workload by work: they need gpu.h100_equivalents",
                    "gpu: {type: [...], h100_equivalents: N}",
                )
            )
        if w.latency_slo_ms is not None and not w.users:
            problems.append(
                (
                    (*at, "latency_slo_ms"),
                    "an SLO needs users (the populations it is measured from)",
                    "add users: [{name, lat, lon, weight}]",
                )
            )
        problems.extend(_placement_problems(w, at))
        spot_set = "spot" in w.model_fields_set
        if w.purchase is not None and spot_set and w.spot != ("spot" in w.purchase):
            problems.append(
                (
                    (*at, "purchase"),
                    f"spot: {str(w.spot).lower()} contradicts purchase: [{', '.join(w.purchase)}]",
                    "list spot in purchase (or drop `spot:`)"
                    if w.spot
                    else "drop spot from purchase (or `spot: false`)",
                )
            )
        if w.deferrable is not None and w.kind == "inference":
            problems.append(
                (
                    (*at, "deferrable"),
                    "an inference workload serves live traffic and cannot be deferred",
                    None,
                )
            )
    problems.extend(_colocation_problems(fleet))
    return problems


def _placement_problems(w: Workload, at: tuple[str | int, ...]) -> list[Problem]:
    """`placement.max_regions` > 1 splits an inference workload by user population."""
    if w.placement.max_regions == 1:
        return []
    field = (*at, "placement", "max_regions")
    if w.kind != "inference":
        return [(field, "only inference workloads are served from several regions", None)]
    out: list[Problem] = []
    names = [u.name for u in w.users]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        out.append(
            (
                (*at, "users"),
                f"user population {twice[0]!r} is named twice",
                "a workload served from several regions routes each population by its name",
            )
        )
    if w.colocate is not None and len(w.users) > 1:
        out.append(
            (
                (*at, "colocate"),
                "a workload served from several regions cannot join a co-location group "
                "(the group shares one region)",
                "drop colocate, or set placement.max_regions: 1",
            )
        )
    return out


def _colocation_problems(fleet: Fleet) -> list[Problem]:
    groups = fleet.colocation_groups()
    problems: list[Problem] = []
    for i, w in enumerate(fleet.workloads):
        if w.colocate and len(groups[w.colocate]) == 1:
            others = [g for g in groups if g != w.colocate]
            near = closest(w.colocate, others)
            hint = f"did you mean: {', '.join(near)}?" if near else "a group needs two or more"
            problems.append(
                (
                    ("workloads", i, "colocate"),
                    f"co-location group {w.colocate!r} has only this workload",
                    hint,
                )
            )
    return problems


def _problems_error(problems: list[Problem], smap: SourceMap) -> InputError:
    lines = [
        f"{smap.location(p)}: {format_path(p)}: {m}" + (f" ({h})" if h else "")
        for p, m, h in problems[1:MAX_REPORTED]
    ]
    path, message, hint = problems[0]
    more = _more_hint(lines, len(problems))
    full_hint = "\n".join(x for x in (hint, more) if x) or None
    return InputError(
        f"{format_path(path)}: {message}", location=smap.location(path), hint=full_hint
    )


def _more_hint(lines: list[str], total: int) -> str | None:
    if not lines:
        return None
    extra = f"\n  … and {total - 1 - len(lines)} more" if total - 1 > len(lines) else ""
    return f"{total - 1} more problem(s):\n  " + "\n  ".join(lines) + extra


def _input_error(errors: Sequence[ErrorDetails], smap: SourceMap, data: Any) -> InputError:
    described = [_describe(e, data) for e in errors]
    first_path, first_msg, first_hint = described[0]
    others = [
        f"{smap.location(p)}: {format_path(p)}: {m}" + (f" ({h})" if h else "")
        for p, m, h in described[1:MAX_REPORTED]
    ]
    more = _more_hint(others, len(described))
    hint = "\n".join(x for x in (first_hint, more) if x) or None
    return InputError(
        f"{format_path(first_path)}: {first_msg}", location=smap.location(first_path), hint=hint
    )


def _describe(error: ErrorDetails, data: Any) -> tuple[tuple[str | int, ...], str, str | None]:
    """A user-facing (path, message, hint) for one pydantic error."""
    path = _data_path(error["loc"], data)
    kind = error["type"]
    if kind == "extra_forbidden" and path:
        parent, name = path[:-1], str(path[-1])
        valid = sorted(_fields_at(Fleet, parent))
        near = closest(name, valid)
        hint = f"did you mean: {', '.join(near)}?" if near else f"valid fields: {', '.join(valid)}"
        return path, f"unknown field {name!r}", hint
    if kind == "missing":
        return path, "this field is required", None
    if kind == "literal_error":
        expected = str((error.get("ctx") or {}).get("expected", ""))
        options = [o.strip().strip("'") for o in expected.replace(" or ", ",").split(",")]
        got = error.get("input")
        near = closest(str(got), [o for o in options if o]) if isinstance(got, str) else []
        suggestion = f"did you mean: {', '.join(near)}?" if near else None
        return path, f"{got!r} is not one of {expected}", suggestion
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    got = error.get("input")
    if isinstance(got, str | int | float | bool):
        message += f" (got {got!r})"
    return path, message, None


def _data_path(loc: tuple[int | str, ...], data: Any) -> tuple[str | int, ...]:
    """Drop the union/type tags pydantic puts into locations (`str`, `list[str]`, ...): a
    part that names a key or index of the data is the data's, whatever it looks like (a
    key may be spelt `[`); past the data, a tag-looking part is a tag."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if _holds(node, part):
            node = node[part]
        elif isinstance(part, str) and _is_type_tag(part):
            continue
        else:
            node = None
        path.append(part)
    return tuple(path)


def _holds(node: Any, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _is_type_tag(part: str) -> bool:
    return "[" in part or part in {"str", "int", "float", "bool", "dict", "list", "none"}


def _fields_at(model: type[BaseModel], path: Sequence[str | int]) -> set[str]:
    """Field names of the model found by following `path` from `model`."""
    current: Any = model
    for part in path:
        current = _unwrap(current, isinstance(part, int))
        if isinstance(part, str):
            if not (isinstance(current, type) and issubclass(current, BaseModel)):
                return set()
            info = current.model_fields.get(part)
            if info is None:
                return set()
            current = info.annotation
    current = _unwrap(current, False)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return set(current.model_fields)
    return set()


def _unwrap(annotation: Any, want_item: bool) -> Any:
    """Strip Optional/Annotated; with want_item, step into list[X]."""
    for _ in range(4):
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            lists = [a for a in args if typing.get_origin(a) is list]
            annotation = (models or lists or args)[0]
        elif origin is list and want_item:
            annotation = typing.get_args(annotation)[0]
            want_item = False
        else:
            break
    return annotation
