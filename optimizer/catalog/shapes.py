"""Instance-type names for GPUs attached to a general-purpose host (GCP N1 + T4/V100/P100/P4).

GCP sells its older GPUs as accelerators attached to an N1 machine type instead of as machine
types of their own. The catalog keys offerings by instance type, and `n1-standard-8` is
already a CPU shape, so an attached shape gets a distinct name:

    <machine type>+<accelerator type>x<count>      e.g. n1-standard-8+nvidia-tesla-t4x1

with GCP's own accelerator type names (`nvidia-tesla-t4`, as `guestAccelerators[].type` and
`gcloud --accelerator=type=...` spell them). To deploy one, create the machine type and
attach `count` accelerators of that type (`split_attached` gives both); GCP also requires
`scheduling.onHostMaintenance = "TERMINATE"` for VMs with attached GPUs.

Pure functions, no pandas: components, stacks and pricing may import them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEPARATOR = "+"
_ATTACHED = re.compile(r"^(?P<machine>[a-z0-9-]+)\+(?P<accelerator>[a-z0-9-]+?)x(?P<count>\d+)$")


@dataclass(frozen=True)
class AttachedShape:
    """A host machine type with `count` accelerators of `accelerator_type` attached."""

    machine_type: str
    accelerator_type: str
    count: int

    @property
    def instance_type(self) -> str:
        return attached_name(self.machine_type, self.accelerator_type, self.count)


def attached_name(machine_type: str, accelerator_type: str, count: int) -> str:
    """The catalog's instance-type name of a host with attached accelerators."""
    return f"{machine_type}{SEPARATOR}{accelerator_type}x{count}"


def split_attached(instance_type: str) -> AttachedShape | None:
    """The host and accelerators of an attached-GPU instance type; None for any other name."""
    match = _ATTACHED.match(instance_type)
    if match is None:
        return None
    count = int(match.group("count"))
    if count < 1:
        return None
    return AttachedShape(match.group("machine"), match.group("accelerator"), count)


def machine_type_of(instance_type: str) -> str:
    """The machine type to deploy: the host of an attached shape, else the name itself."""
    shape = split_attached(instance_type)
    return shape.machine_type if shape is not None else instance_type
