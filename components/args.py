"""Typed inputs every cloud's components share, and the checks on plain inputs.

Component args are TypedDicts so that Pulumi's component analyzer can infer the package
schema from them (this module, like the component modules, does not use
`from __future__ import annotations`: the analyzer reads real types). Inputs that only pass
through to resources are `pulumi.Input[...]` (ids, ARNs, keys, images: an Output of another
resource or stack is fine); inputs that decide which resources exist and how many (node
count, fabric, CIDR block, file-system kind, admin ranges) are plain values, and the schema
marks them `plain`, because a component cannot create "an unknown number" of resources.
"""

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from cloudwright.components.interface import FabricSpec
from cloudwright.core.errors import InputError

# The fabric kinds the catalog knows (optimizer.catalog.schema.FABRICS, repeated here so the
# components layer does not import the catalog schema).
FABRIC_KINDS = (
    "EFA",
    "InfiniBand",
    "GPUDirect-TCPX",
    "GPUDirect-TCPXO",
    "GPUDirect-RDMA",
    "ICI",
    "none",
)


class FabricArgs(TypedDict):
    """The instance type's GPU fabric, as Cloudwright's catalog describes it."""

    kind: str
    """EFA, InfiniBand, GPUDirect-TCPX, GPUDirect-TCPXO, GPUDirect-RDMA, ICI (TPU), or none."""
    nics: NotRequired[int]
    """Fabric NICs per node: EFA interfaces, GPU NICs or InfiniBand ports."""
    gbps: NotRequired[float]
    """Total fabric bandwidth per node, in Gbit/s (informational)."""


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def need(args: Mapping[str, Any], key: str, component: str, why: str = "") -> Any:
    """`args[key]`, or InputError naming the input as a user of any language spells it."""
    value = args.get(key)
    if value is None or value == "":
        reason = f" ({why})" if why else ""
        raise InputError(f"input {camel(key)} is required{reason}", location=component)
    return value


def plain_int(args: Mapping[str, Any], key: str, component: str, *, minimum: int = 0) -> int:
    """A plain integer input (bools and fractions refused) at least `minimum`."""
    value = need(args, key, component)
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise InputError(
            f"input {camel(key)} must be a whole number, got {value!r}", location=component
        )
    if value < minimum:
        raise InputError(
            f"input {camel(key)} must be at least {minimum}, got {value}", location=component
        )
    return int(value)


def plain_float(args: Mapping[str, Any], key: str, component: str, default: float = 0.0) -> float:
    value = args.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputError(
            f"input {camel(key)} must be a number >= 0, got {value!r}", location=component
        )
    return float(value)


def fabric_spec(fabric: Mapping[str, Any] | None, component: str) -> FabricSpec:
    """The `fabric` input as the sizing functions take it (none when absent)."""
    if not fabric:
        return FabricSpec("none")
    kind = fabric.get("kind", "none")
    if kind not in FABRIC_KINDS:
        raise InputError(
            f"input fabric.kind {kind!r} is not one of {', '.join(FABRIC_KINDS)}",
            location=component,
        )
    nics = fabric.get("nics")
    gbps = fabric.get("gbps")
    return FabricSpec(kind, int(nics) if nics is not None else None, gbps)


def fabric_args(spec: FabricSpec) -> FabricArgs:
    out = FabricArgs(kind=spec.kind)
    if spec.nics is not None:
        out["nics"] = spec.nics
    if spec.gbps is not None:
        out["gbps"] = spec.gbps
    return out


def string_map(args: Mapping[str, Any], key: str) -> dict[str, str]:
    """A plain string → string map input (tags), empty when absent."""
    return {str(k): str(v) for k, v in (args.get(key) or {}).items()}
