"""What `cloudwright profile` shows, as plain data: rows, labelled fields, and JSON.

The CLI turns these into tables; nothing here prints. Units are in the labels and the
formatting picks a readable unit (a one-second test run is milliwatt-hours, a training run
hundreds of kilowatt-hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.models.energy import node_power
from cloudwright.profiler.record import Profile
from cloudwright.profiler.scaling import ScaledPower, describe, scale_profile

_ENERGY_UNITS = ((1.0, "kWh"), (1e-3, "Wh"), (1e-6, "mWh"), (1e-9, "µWh"))


def energy_unit(kwh: float) -> tuple[float, str]:
    """The unit (size in kWh, name) that shows `kwh` with 1 to 3 integer digits."""
    for factor, unit in _ENERGY_UNITS:
        if abs(kwh) >= factor:
            return factor, unit
    return _ENERGY_UNITS[-1]


def fmt_energy(kwh: float, unit: tuple[float, str] | None = None) -> str:
    """kWh in a readable unit ('1.71 mWh', '312 Wh'); pass `unit` to align several figures."""
    factor, name = unit or energy_unit(kwh)
    return f"{_sig3(kwh / factor)} {name}"


def fmt_power(watts: float) -> str:
    return "0 W" if watts == 0 else f"{_sig3(watts)} W"


def fmt_mass_kg(kg: float | None) -> str:
    if kg is None:
        return "n/a"
    for factor, unit in ((1000.0, "t"), (1.0, "kg"), (1e-3, "g")):
        if abs(kg) >= factor:
            return f"{_sig3(kg / factor)} {unit}"
    return f"{_sig3(kg / 1e-6)} mg"


def _sig3(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _pct(fraction: float | None) -> str:
    return "n/a" if fraction is None else f"{fraction * 100:.0f} %"


def command_text(profile: Profile) -> str:
    import shlex

    return shlex.join(profile.command)


def part_basis(profile: Profile) -> dict[str, str]:
    """'measured' / 'estimated' / 'none' per part, for labels."""
    m = profile.measurement
    return {
        "cpu": "measured" if m.cpu_measured else f"estimated: {m.cpu_method}",
        "gpu": "none" if m.gpu_method == "none" else f"measured: {m.gpu_method}",
        "ram": "estimated: codecarbon RAM model" if m.ram_method == "dimm-model" else m.ram_method,
    }


def hardware_text(profile: Profile) -> str:
    hw = profile.hardware
    gpus = hw.gpu_model or (f"{hw.gpu_count} GPU" if hw.gpu_count else "no GPU")
    return (
        f"{hw.cpu_model or 'unknown CPU'}, {hw.cpu_count} logical CPUs, "
        f"{hw.ram_total_gb:.1f} GiB RAM, {gpus}"
    )


def details(profile: Profile) -> list[tuple[str, str]]:
    """Labelled fields of one profile, in reading order."""
    e, basis, avg = profile.energy, part_basis(profile), profile.average_power_w()
    u, loc, m = profile.utilization, profile.location, profile.measurement
    unit = energy_unit(e.total_kwh)
    status = "ok" if profile.succeeded else "failed: not used by plans"
    intensity = (
        f", grid {loc.grid_intensity_g_per_kwh:g} g/kWh ({loc.grid_intensity_source})"
        if loc.grid_intensity_g_per_kwh is not None
        else ""
    )
    tdp = f", TDP {m.cpu_tdp_w:g} W from {m.cpu_tdp_source}" if m.cpu_tdp_w is not None else ""
    return [
        ("run", f"{profile.started_at:%Y-%m-%d %H:%M:%S} UTC, id {profile.id}"),
        ("command", command_text(profile)),
        ("exit code", f"{profile.exit_code} ({status})"),
        ("duration", f"{profile.duration_s:.3g} s"),
        ("energy total", f"{fmt_energy(e.total_kwh, unit)} (IT energy, before PUE)"),
        ("  CPU", f"{fmt_energy(e.cpu_kwh, unit)} ({basis['cpu']})"),
        ("  GPU", f"{fmt_energy(e.gpu_kwh, unit)} ({basis['gpu']})"),
        ("  RAM", f"{fmt_energy(e.ram_kwh, unit)} ({basis['ram']})"),
        (
            "average power",
            f"{fmt_power(avg['total'])} = CPU {fmt_power(avg['cpu'])} + GPU "
            f"{fmt_power(avg['gpu'])} + RAM {fmt_power(avg['ram'])}",
        ),
        ("hardware", hardware_text(profile)),
        ("method", f"{m.tracking_mode} mode, reading every {m.interval_s:g} s{tdp}"),
        (
            "utilisation",
            f"GPU {_pct(u.gpu)}, CPU {_pct(u.cpu)}"
            + (f" ({u.cpu_seconds:.3g} CPU-s)" if u.cpu_seconds is not None else "")
            + (f", peak RSS {u.peak_rss_gb:.3g} GiB" if u.peak_rss_gb is not None else ""),
        ),
        ("location", f"{loc.label}{intensity}"),
        ("emissions", f"{fmt_mass_kg(profile.emissions_kg)} CO2e at the measuring location"),
        (
            "versions",
            f"codecarbon {profile.codecarbon_version}, cloudwright {profile.cloudwright_version}"
            + (f", host {profile.host}" if profile.host else ""),
        ),
    ]


def history_row(profile: Profile) -> dict[str, Any]:
    return {
        "started (UTC)": f"{profile.started_at:%Y-%m-%d %H:%M}",
        "id": profile.id,
        "duration s": f"{profile.duration_s:.3g}",
        "energy": fmt_energy(profile.energy.total_kwh),
        "avg power": fmt_power(profile.average_power_w()["total"]),
        "exit": profile.exit_code,
    }


def _cpu_short(profile: Profile) -> str:
    m = profile.measurement
    return m.cpu_method if m.cpu_measured else f"{m.cpu_method} (est.)"


def list_rows(profiles: list[Profile], *, all_runs: bool) -> list[dict[str, Any]]:
    """One row per workload (its newest run and run count), or one per run."""
    if all_runs:
        return [{"workload": p.workload, **history_row(p), "cpu": _cpu_short(p)} for p in profiles]
    by_workload: dict[str, list[Profile]] = {}
    for p in profiles:
        by_workload.setdefault(p.workload, []).append(p)
    rows = []
    for name in sorted(by_workload):
        runs = by_workload[name]
        ok = [p for p in runs if p.succeeded]
        latest = ok[-1] if ok else runs[-1]
        rows.append(
            {
                "workload": name,
                "runs": len(runs),
                "latest": f"{latest.started_at:%Y-%m-%d}",
                "duration s": f"{latest.duration_s:.3g}",
                "energy": fmt_energy(latest.energy.total_kwh),
                "avg power": fmt_power(latest.average_power_w()["total"]),
                "gpu": latest.hardware.gpu_model or "none",
                "cpu": _cpu_short(latest),
                "exit": latest.exit_code,
            }
        )
    return rows


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
