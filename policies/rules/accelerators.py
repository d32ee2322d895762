"""Accelerators that are not launched as node groups: Cloud TPU slices.

A TPU VM (`gcp:tpu/v2Vm:V2Vm`) or each node spec of a queued resource
(`gcp:tpu/v2QueuedResource:V2QueuedResource`) is one slice of `acceleratorType` (`v5p-16`):
the catalog's row for that type gives its chips (`gpu_count`) and fabric (ICI for every
multi-chip slice). Trainium, Inferentia and Gaudi instances are ordinary EC2 node groups:
the catalog counts their Neuron devices / Gaudi cards in `gpu_count` and gives trn1/trn1n/
trn2/dl1 their EFA interfaces, so the node-group rules judge them as they judge GPUs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudwright.resource_graph.facts.fleet import SpecOf
from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.values import as_list, lookup, read
from cloudwright.resource_graph.model import Resource, Unknown

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog.catalog import InstanceSpec

TPU_VM = "gcp:tpu/v2Vm:V2Vm"
TPU_QUEUED = "gcp:tpu/v2QueuedResource:V2QueuedResource"


@dataclass(frozen=True)
class TpuSlice:
    """One TPU slice a resource creates."""

    resource: Resource
    accelerator_type: str | Unknown | None
    spec: InstanceSpec | None  # None: unknown or not a catalog TPU type

    @property
    def chips(self) -> int:
        return self.spec.gpu_count if self.spec is not None else 0

    @property
    def model(self) -> str | None:
        return self.spec.gpu if self.spec is not None else None

    def label(self) -> str:
        shown = self.accelerator_type if isinstance(self.accelerator_type, str) else "?"
        return f"TPU {self.resource.name} ({shown})"


def tpu_slices(index: GraphIndex, spec_of: SpecOf) -> list[TpuSlice]:
    """Every TPU slice in the graph, with the catalog's row for its accelerator type."""
    out: list[TpuSlice] = []
    for resource in index.of_type(TPU_VM):
        out.append(_slice(resource, read(resource, "acceleratorType"), spec_of))
    for resource in index.of_type(TPU_QUEUED):
        for spec in as_list(read(resource, "tpu.nodeSpecs")):
            value = lookup(spec, "node.acceleratorType") if isinstance(spec, Mapping) else None
            out.append(_slice(resource, value, spec_of))
    return out


def _slice(resource: Resource, value: Any, spec_of: SpecOf) -> TpuSlice:
    if isinstance(value, Unknown):
        return TpuSlice(resource, value, None)
    if not isinstance(value, str) or not value:
        return TpuSlice(resource, None, None)
    return TpuSlice(resource, value, spec_of("gcp", value))
