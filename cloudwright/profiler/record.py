"""The profile record: what one measured run of a workload stored, and its JSON schema.

A `Profile` is one run of one command under codecarbon. It keeps the raw energy by part
(kWh, IT energy: codecarbon's PUE is pinned to 1.0 so the target region's PUE can be
applied later), the hardware codecarbon detected, and *how* each part was obtained, because
on most machines some parts are estimates (CPU from load × TDP when RAPL is unreadable, RAM
from codecarbon's DIMM model always). Readers must be able to tell measured from estimated.

Invariants:
- every record carries `schema` = SCHEMA; records of a newer schema are refused, not guessed;
- every number is finite; energies are kWh ≥ 0 and `total_kwh` equals the sum of the parts;
- utilisations are fractions in [0, 1] or None when nothing was sampled (never a fake 0).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA = "cloudwright.profile/v1"
MAX_KWH = 1e9  # a terawatt-hour per part: no run comes near, and the figures stay finite

TrackingMode = Literal["process", "machine"]

# How codecarbon obtained a part. "measured" methods read a hardware energy counter; the
# others are codecarbon's estimates, and a profile says so.
CpuMethod = Literal[
    "rapl",  # Linux powercap energy counters: measured
    "windows-emi",  # Windows Energy Meter Interface (RAPL): measured
    "power-gadget",  # Intel Power Gadget: measured
    "powermetrics",  # Apple powermetrics: measured
    "raspberry-pmic",  # Raspberry Pi PMIC rails: measured
    "cpu-load",  # CPU load × TDP curve: estimate
    "tdp-constant",  # 50 % of TDP, whatever the load: estimate
    "unknown",
]
GpuMethod = Literal["nvml", "amdsmi", "powermetrics", "none"]
RamMethod = Literal["dimm-model", "user-constant", "raspberry-pmic"]

MEASURED_CPU_METHODS: frozenset[str] = frozenset(
    {"rapl", "windows-emi", "power-gadget", "powermetrics", "raspberry-pmic"}
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Energy(_Model):
    """IT energy of the run by part (kWh, before any PUE)."""

    cpu_kwh: float = Field(ge=0, le=MAX_KWH)
    gpu_kwh: float = Field(ge=0, le=MAX_KWH)
    ram_kwh: float = Field(ge=0, le=MAX_KWH)
    total_kwh: float = Field(ge=0, le=3 * MAX_KWH)

    @model_validator(mode="after")
    def _total_is_sum(self) -> Energy:
        parts = self.cpu_kwh + self.gpu_kwh + self.ram_kwh
        if abs(parts - self.total_kwh) > 1e-9 + 1e-6 * max(parts, self.total_kwh):
            raise ValueError(f"total_kwh {self.total_kwh} is not the sum of the parts {parts}")
        return self


class Hardware(_Model):
    """What codecarbon detected on the measuring machine."""

    cpu_model: str | None
    cpu_count: int = Field(
        ge=1, le=10**6, description="logical CPUs (threads), as vCPUs count them"
    )
    cpu_physical_count: int | None = None
    gpu_model: str | None = None  # codecarbon's summary, e.g. "8 x NVIDIA H100 80GB HBM3"
    gpu_names: list[str] = []  # one entry per tracked device
    gpu_count: int = Field(default=0, ge=0, le=10**6)
    ram_total_gb: float = Field(ge=1e-3, le=1e9, description="GiB, as codecarbon reports it")


class Measurement(_Model):
    """How codecarbon obtained each part, in its own words and ours."""

    tracking_mode: TrackingMode
    interval_s: float = Field(gt=0)
    cpu_method: CpuMethod
    cpu_tdp_w: float | None = Field(default=None, ge=0)  # TDP the load/constant estimate used
    cpu_tdp_source: str | None = None  # codecarbon's CPU table, or its per-thread default
    gpu_method: GpuMethod
    ram_method: RamMethod
    notes: list[str] = []  # plain-language caveats shown by `profile show`

    @property
    def cpu_measured(self) -> bool:
        return self.cpu_method in MEASURED_CPU_METHODS

    @property
    def summary(self) -> str:
        """One phrase: what was measured, what was estimated."""
        cpu = "CPU measured" if self.cpu_measured else f"CPU estimated ({self.cpu_method})"
        gpu = "no GPU" if self.gpu_method == "none" else f"GPU measured ({self.gpu_method})"
        ram = "RAM estimated" if self.ram_method == "dimm-model" else f"RAM {self.ram_method}"
        return f"{gpu}, {cpu}, {ram}"


class Utilization(_Model):
    """Average utilisation over the run (fractions), and the run's peak memory."""

    gpu: float | None = Field(default=None, ge=0, le=1, description="NVML mean, None if unsampled")
    cpu: float | None = Field(
        default=None, ge=0, le=1, description="child CPU-seconds ÷ (wall × logical CPUs)"
    )
    cpu_seconds: float | None = Field(default=None, ge=0)
    peak_rss_gb: float | None = Field(default=None, ge=0)


class Location(_Model):
    """Where the measuring machine is (sets codecarbon's grid intensity for its emissions)."""

    country_iso3: str
    country_name: str | None = None
    subdivision: str | None = None
    cloud: str | None = None
    region: str | None = None
    grid_intensity_g_per_kwh: float | None = Field(default=None, ge=0)
    grid_intensity_source: str | None = None

    @property
    def label(self) -> str:
        if self.cloud and self.region:
            return f"{self.cloud}:{self.region} ({self.country_iso3})"
        if self.subdivision:
            return f"{self.country_iso3}/{self.subdivision}"
        return self.country_iso3


class Profile(_Model):
    """One measured run of a workload's command."""

    schema_: str = Field(default=SCHEMA, alias="schema")
    id: str
    workload: str = Field(min_length=1)
    command: list[str] = Field(min_length=1)
    started_at: datetime
    duration_s: float = Field(ge=1e-6, le=1e10)  # power = energy ÷ duration stays finite
    exit_code: int
    energy: Energy
    emissions_kg: float | None = Field(default=None, ge=0)  # codecarbon's, at `location`
    hardware: Hardware
    measurement: Measurement
    utilization: Utilization
    location: Location
    codecarbon_version: str
    cloudwright_version: str
    host: str | None = None

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0

    @property
    def date(self) -> str:
        return self.started_at.date().isoformat()

    def average_power_w(self) -> dict[str, float]:
        """Average IT power by part over the run (W)."""
        hours = self.duration_s / 3600.0
        e = self.energy
        return {
            "cpu": e.cpu_kwh * 1000.0 / hours,
            "gpu": e.gpu_kwh * 1000.0 / hours,
            "ram": e.ram_kwh * 1000.0 / hours,
            "total": e.total_kwh * 1000.0 / hours,
        }

    def to_json_line(self) -> str:
        return self.model_dump_json(by_alias=True) + "\n"
