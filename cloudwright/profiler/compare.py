"""A profile scaled to a target instance, next to the energy model's figure for it
(`cloudwright profile show NAME --on CLOUD:TYPE`). Data only; reports.profile renders it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.models.energy import node_power
from cloudwright.profiler.record import Profile
from cloudwright.profiler.scaling import ScaledPower, describe, scale_profile


@dataclass(frozen=True)
class Comparison:
    """A profile scaled to a target instance next to the energy model's figure."""

    cloud: str
    instance_type: str
    gpu_utilization: float
    scaled: ScaledPower
    modelled: dict[str, float]
    source: str

    def rows(self) -> list[dict[str, Any]]:
        s = self.scaled
        parts = [
            ("GPU", s.gpu_w, s.gpu_basis, self.modelled["gpu"]),
            ("CPU", s.cpu_w, s.cpu_basis, self.modelled["cpu"]),
            ("RAM", s.ram_w, s.ram_basis, self.modelled["ram"]),
            ("total", s.total_w, "", self.modelled["total"]),
        ]
        return [
            {"part": name, "from_profile_w": round(w, 2), "basis": b, "modelled_w": round(m, 2)}
            for name, w, b, m in parts
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "cloud": self.cloud,
            "instance_type": self.instance_type,
            "gpu_utilization": self.gpu_utilization,
            "parts": self.rows(),
            "source": self.source,
        }


def compare(
    catalog: Catalog, profile: Profile, cloud: str, instance_type: str, gpu_utilization: float
) -> Comparison:
    """Scale `profile` to one node of cloud:instance_type and set the model beside it."""
    cloud = catalog.check_cloud(cloud)
    spec = catalog.instance(cloud, instance_type)
    scaled = scale_profile(catalog, profile, spec, gpu_utilization)
    model = node_power(catalog, spec, gpu_utilization)
    modelled = {
        "gpu": model.gpu_w,
        "cpu": model.cpu_w,
        "ram": model.memory_w,
        "total": model.total_w,
    }
    return Comparison(
        cloud, instance_type, gpu_utilization, scaled, modelled, describe(profile, spec, scaled)
    )
