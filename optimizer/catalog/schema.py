"""The catalog's own schema: tables, columns, dtypes, and the unit-price vocabulary.

This is the contract between the builders (which write the snapshot) and every reader
(optimizer, pricing, components, policies). Builders must emit exactly these columns;
`validate_table` enforces it on load and on build. Add columns here first, then in builders.

Invariants:
- every row of every table carries `source` and `source_date` (ISO date or YYYY-MM);
- prices are USD; a missing price is NaN (unknown), never 0;
- `cloud` is one of CLOUDS; regions are the provider's own region codes;
- `gpu` uses the canonical names in CANONICAL_GPUS (None for CPU-only shapes).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

CLOUDS: tuple[str, ...] = ("aws", "gcp", "azure")

# Canonical accelerator names. Builders map source spellings (A100-80GB, H100-MEGA-80GB,
# A100 with 40 GB, ...) to these; the fleet spec accepts only these (with did-you-mean).
CANONICAL_GPUS: tuple[str, ...] = (
    "B300",
    "B200",
    "GB200",
    "H200",
    "H100",
    "A100-80GB",
    "A100-40GB",
    "L40S",
    "L40",
    "L4",
    "A10G",
    "A10",
    "T4",
    "T4g",
    "V100-32GB",
    "V100",
    "P100",
    "P4",
    "K80",
    "M60",
    "MI300X",
    "MI25",
    "A40",
    "RTX-PRO-6000",
    # Accelerators that are not GPUs, under the same `gpu` columns and fleet `gpu:` key:
    # gpu_count counts chips (TPU) or devices (Neuron, Gaudi).
    "TPU-v4",
    "TPU-v5e",
    "TPU-v5p",
    "TPU-v6e",
    "Trainium1",
    "Trainium2",
    "Inferentia2",
    "Gaudi-HL205",
)

# Families of CANONICAL_GPUS that are not NVIDIA/AMD GPUs (docs, policies, pricers).
TPUS: tuple[str, ...] = ("TPU-v4", "TPU-v5e", "TPU-v5p", "TPU-v6e")
NEURON: tuple[str, ...] = ("Trainium1", "Trainium2", "Inferentia2")

# Fabric kinds for the `interconnect` column. "none" means ordinary (ENA/gVNIC/AccelNet) Ethernet.
FABRICS: tuple[str, ...] = (
    "EFA",
    "InfiniBand",
    "GPUDirect-TCPX",
    "GPUDirect-TCPXO",
    "GPUDirect-RDMA",
    # Google's inter-chip interconnect: the chips of a TPU slice, across its hosts, form one
    # torus (no NICs to attach; the slice is the unit of placement).
    "ICI",
    "none",
)


# `offerings.price_status`, most to least trusted:
# - list: the provider's list price from the source docs/catalog.md names as trusted for it;
# - secondary: a list price from a cross-check source, used where the trusted one has no row;
# - estimated: modelled, not published (AWS outside us-east-1: us-east-1 list × a fitted
#   regional factor); the row's source starts with "estimated:";
# - doubtful: a price the flags put in doubt (outlier, placeholder, a copy known to be wrong);
# - unknown: no on-demand price (NaN).
PRICE_STATUSES: tuple[str, ...] = ("list", "secondary", "estimated", "doubtful", "unknown")
# `offerings.arch` values (sources saying amd64 / aarch64 are normalised by the builders).
ARCHES: tuple[str, ...] = ("x86_64", "arm64")
# Two sources whose on-demand prices differ by more than this share keep both figures.
ALT_PRICE_TOLERANCE = 0.02


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # pandas dtype name
    nullable: bool = False
    doc: str = ""


def _c(name: str, dtype: str, nullable: bool = False, doc: str = "") -> Column:
    return Column(name, dtype, nullable, doc)


_SOURCE = [
    _c("source", "string", doc="where the row's numbers come from (repo@commit:path, URL, doc)"),
    _c("source_date", "string", doc="date of the source snapshot, ISO date or YYYY-MM"),
]

TABLES: dict[str, list[Column]] = {
    "offerings": [
        _c("cloud", "string"),
        _c("region", "string"),
        _c(
            "zone",
            "string",
            True,
            "AWS zone ID (use1-az1) or GCP zone; null where the source has none",
        ),
        _c(
            "zone_kind",
            "string",
            True,
            "availability-zone | local-zone | wavelength-zone (AWS ZoneType words, see "
            "optimizer.catalog.zones); null where zone is null",
        ),
        _c("instance_type", "string"),
        _c("gpu", "string", True, "canonical GPU name; null for CPU-only shapes"),
        _c("gpu_count", "Int64"),
        _c(
            "gpu_fraction",
            "Float64",
            True,
            "share of one GPU for partitioned sizes (Azure NVads A10 v5: 1/6); gpu_count is 0 then",
        ),
        _c("gpu_memory_gb", "Float64", True, "per GPU"),
        _c(
            "gpu_variant",
            "string",
            True,
            "the GPU's form factor as the gpus table names it (SXM5, PCIe-80GB, NVL, ...): "
            "selects board and platform power; null for CPU-only shapes",
        ),
        _c("vcpus", "Float64", True),
        _c("memory_gb", "Float64", True),
        _c("arch", "string", True, "x86_64 | arm64"),
        _c("interconnect", "string", doc="one of FABRICS"),
        _c("interconnect_nics", "Int64", True, "fabric NICs (EFA interfaces, GPU NICs, IB ports)"),
        _c(
            "interconnect_gbps",
            "Float64",
            True,
            "total fabric bandwidth, per direction (TPU slices: ICI of all chips)",
        ),
        _c(
            "hosts",
            "Int64",
            True,
            "VMs a TPU slice spans (one accelerator type, deployed as one resource); null for "
            "single-machine shapes",
        ),
        _c("topology", "string", True, "TPU slice chip topology (2x2x1, 4x4, ...); else null"),
        _c("price_on_demand_usd_hr", "Float64", True, "full hourly price incl. attached GPUs"),
        _c("price_spot_usd_hr", "Float64", True),
        _c(
            "price_status",
            "string",
            True,
            "how far to trust the on-demand price: one of PRICE_STATUSES (null only in "
            "snapshots built before the column)",
        ),
        _c(
            "price_alt_usd_hr",
            "Float64",
            True,
            "a second source's on-demand price where it differs from the chosen one by more "
            "than ALT_PRICE_TOLERANCE (null when the sources agree or there is one source)",
        ),
        _c("price_alt_source", "string", True, "source and date of price_alt_usd_hr"),
        _c(
            "price_commit_1y_usd_hr",
            "Float64",
            True,
            "1-year commitment $/h (GCP resource CUD, AWS standard RI no upfront); NaN = none known",
        ),
        _c("price_commit_3y_usd_hr", "Float64", True, "3-year commitment $/h; NaN = none known"),
        _c("price_commit_source", "string", True, "source and date of the commitment prices"),
        _c(
            "price_flag",
            "string",
            True,
            "why a price is doubtful (outlier vs. peers, spot≈on-demand)",
        ),
        *_SOURCE,
        _c("snapshot_date", "string"),
    ],
    "regions": [
        _c("cloud", "string"),
        _c("region", "string"),
        _c("display_name", "string", True),
        _c("city", "string", True),
        _c("country", "string", doc="ISO 3166-1 alpha-3"),
        _c(
            "subdivision",
            "string",
            True,
            "US state / Canadian province code where the grid data needs it",
        ),
        _c("continent", "string"),
        _c("lat", "Float64"),
        _c("lon", "Float64"),
        _c("grid_intensity_g_per_kwh", "Float64"),
        _c(
            "grid_intensity_source",
            "string",
            doc="e.g. 'codecarbon 3.x global_energy_mix (USA/VA)'",
        ),
        _c("grid_intensity_year", "string", True),
        _c(
            "grid_intensity_alt_g_per_kwh",
            "Float64",
            True,
            "second source (Cloud Carbon Footprint)",
        ),
        _c("grid_intensity_alt_source", "string", True),
        _c(
            "grid_intensity_provider_g_per_kwh",
            "Float64",
            True,
            "the provider's own published figure for the region (Google per-region data); an "
            "alternative basis, not the default (the default is one figure per grid zone)",
        ),
        _c("grid_intensity_provider_source", "string", True),
        _c("pue", "Float64"),
        _c("pue_source", "string"),
        *_SOURCE,
    ],
    "gpus": [
        _c("gpu", "string"),
        _c("variant", "string", True),
        _c("memory_gb", "Float64"),
        _c("board_power_w", "Float64"),
        _c(
            "platform_w_per_gpu",
            "Float64",
            True,
            "server power beyond GPUs, CPUs and memory (NVSwitch, NICs, fans, storage, power "
            "conversion) per GPU at full load, from a published system maximum; null = not modelled",
        ),
        _c("platform_source", "string", True),
        _c("verified", "boolean", doc="False where the source says 'verify before relying on it'"),
        *_SOURCE,
    ],
    "egress": [
        _c("cloud", "string"),
        _c("region", "string", doc="source region, or '*' for the cloud's default"),
        _c(
            "destination",
            "string",
            doc="internet | inter_region | inter_continent | intra_region | <cloud>:<region>",
        ),
        _c("tier_start_gb", "Float64", doc="monthly volume where this tier starts"),
        _c("usd_per_gb", "Float64"),
        *_SOURCE,
    ],
    "unit_prices": [
        _c("cloud", "string"),
        _c(
            "region", "string", doc="region code, or '*' when the source gives one price everywhere"
        ),
        _c("service", "string", doc="see UNIT_PRICE_KEYS"),
        _c("product", "string", doc="see UNIT_PRICE_KEYS"),
        _c("unit", "string", doc="GB-month, TiB-month, hour, IOPS-month, MBps-month, GB, ..."),
        _c(
            "usd_per_unit", "Float64", True, "NaN = known to exist, price not found (never guessed)"
        ),
        _c("tier_start", "Float64", True, "quantity where a volume tier starts (null = flat)"),
        _c("notes", "string", True),
        *_SOURCE,
    ],
    "coefficients": [
        _c("cloud", "string", doc="aws | gcp | azure | '*' for all"),
        _c("name", "string", doc="see COEFFICIENTS"),
        _c("value", "Float64"),
        _c("unit", "string"),
        *_SOURCE,
    ],
    # Work done per chip relative to one H100 (SXM), from MLPerf (build/throughput.py).
    "throughput": [
        _c("family", "string", doc="canonical accelerator name (MLPerf names where none)"),
        _c("kind", "string", doc="training | inference"),
        _c("scenario", "string", True, "MLPerf Inference scenario (Server, Offline, ...)"),
        _c("ratio", "Float64", doc="work per chip ÷ work per H100 chip (> 0)"),
        _c("benchmark", "string"),
        _c("round", "string", doc="MLPerf round (v4.0, v5.1, ...); never mixed in a ratio"),
        _c("chips", "Int64", doc="the family's chips in the compared systems (largest)"),
        _c("h100_chips", "Int64", doc="the H100 systems' chips it was compared with"),
        _c("scale_mismatch", "Float64", doc="|log2(h100_chips ÷ chips)|; 0 = same scale"),
        _c("results", "string", doc="result rows compared: family vs H100"),
        _c("submitters", "string"),
        _c("systems", "string"),
        _c("availability", "string", doc="available | preview | unknown (family's systems)"),
        _c("preferred", "boolean", doc="the row the optimizer uses for (kind, scenario, family)"),
        _c("method", "string", doc="how the ratio was derived, with the medians"),
        *_SOURCE,
    ],
    "latency": [
        _c("cloud_a", "string"),
        _c("region_a", "string"),
        _c("cloud_b", "string"),
        _c("region_b", "string"),
        _c("rtt_ms", "Float64", doc="measured round-trip time, p50 or median"),
        *_SOURCE,
    ],
}

# Unit prices the code relies on: (cloud, service, product, unit). Builders must emit a row
# for each (usd_per_unit NaN and a note when the price is not found); more rows are welcome.
UNIT_PRICE_KEYS: tuple[tuple[str, str, str, str], ...] = (
    # AWS
    ("aws", "ebs", "gp3", "GB-month"),
    ("aws", "ebs", "gp3-iops", "IOPS-month"),
    ("aws", "ebs", "gp3-throughput", "MBps-month"),
    ("aws", "ebs", "gp2", "GB-month"),
    ("aws", "ebs", "io1", "GB-month"),
    ("aws", "ebs", "io1-iops", "IOPS-month"),
    ("aws", "ebs", "io2", "GB-month"),
    ("aws", "ebs", "st1", "GB-month"),
    ("aws", "ebs", "sc1", "GB-month"),
    ("aws", "ebs", "standard", "GB-month"),
    ("aws", "s3", "STANDARD", "GB-month"),
    ("aws", "fsx_lustre", "PERSISTENT_2-125", "GB-month"),
    ("aws", "fsx_lustre", "PERSISTENT_2-250", "GB-month"),
    ("aws", "fsx_lustre", "PERSISTENT_2-500", "GB-month"),
    ("aws", "fsx_lustre", "PERSISTENT_2-1000", "GB-month"),
    ("aws", "fsx_lustre", "SCRATCH_2", "GB-month"),
    ("aws", "fsx_lustre", "metadata-iops", "IOPS-month"),
    ("aws", "nat_gateway", "gateway", "hour"),
    ("aws", "nat_gateway", "data-processed", "GB"),
    ("aws", "eks", "cluster", "hour"),
    # GCP
    ("gcp", "pd", "pd-standard", "GB-month"),
    ("gcp", "pd", "pd-balanced", "GB-month"),
    ("gcp", "pd", "pd-ssd", "GB-month"),
    ("gcp", "pd", "pd-extreme", "GB-month"),
    ("gcp", "pd", "hyperdisk-balanced", "GB-month"),
    ("gcp", "gcs", "STANDARD", "GB-month"),
    ("gcp", "filestore", "BASIC_HDD", "GB-month"),
    ("gcp", "filestore", "BASIC_SSD", "GB-month"),
    ("gcp", "filestore", "ZONAL", "GB-month"),
    ("gcp", "filestore", "REGIONAL", "GB-month"),
    ("gcp", "filestore", "ENTERPRISE", "GB-month"),
    ("gcp", "parallelstore", "capacity", "GB-month"),
    ("gcp", "managed_lustre", "125", "GB-month"),
    ("gcp", "managed_lustre", "250", "GB-month"),
    ("gcp", "managed_lustre", "500", "GB-month"),
    ("gcp", "managed_lustre", "1000", "GB-month"),
    ("gcp", "gke", "cluster", "hour"),
    ("gcp", "cloud_nat", "gateway", "hour"),
    ("gcp", "cloud_nat", "data-processed", "GB"),
    # Azure
    ("azure", "managed_disk", "Premium_LRS", "GB-month"),
    ("azure", "managed_disk", "StandardSSD_LRS", "GB-month"),
    ("azure", "managed_disk", "Standard_LRS", "GB-month"),
    ("azure", "managed_disk", "PremiumV2_LRS", "GB-month"),
    ("azure", "blob", "Hot-LRS", "GB-month"),
    ("azure", "blob", "Hot-ZRS", "GB-month"),
    ("azure", "blob", "Hot-GRS", "GB-month"),
    ("azure", "managed_lustre", "AMLFS-Durable-Premium-40", "TiB-month"),
    ("azure", "managed_lustre", "AMLFS-Durable-Premium-125", "TiB-month"),
    ("azure", "managed_lustre", "AMLFS-Durable-Premium-250", "TiB-month"),
    ("azure", "managed_lustre", "AMLFS-Durable-Premium-500", "TiB-month"),
    ("azure", "aks", "cluster-standard", "hour"),
    ("azure", "nat_gateway", "gateway", "hour"),
    ("azure", "nat_gateway", "data-processed", "GB"),
    # Added for the cost reports' pricers (pricing/): every key a pricer can ask for has a
    # row, priced or empty with the reason (tests/test_catalog_pricer_keys.py checks it).
    ("aws", "ebs", "io2-iops", "IOPS-month"),
    ("aws", "s3", "requests-put", "1k-requests"),
    ("aws", "s3", "requests-get", "1k-requests"),
    ("aws", "fsx_lustre", "SCRATCH_1", "GB-month"),
    ("aws", "fsx_lustre", "PERSISTENT_1-50", "GB-month"),
    ("aws", "fsx_lustre", "PERSISTENT_1-100", "GB-month"),
    ("aws", "fsx_lustre", "PERSISTENT_1-200", "GB-month"),
    ("aws", "fsx_lustre", "PERSISTENT_1-HDD-12", "GB-month"),
    ("aws", "fsx_lustre", "PERSISTENT_1-HDD-40", "GB-month"),
    ("aws", "vpc", "public-ipv4", "hour"),
    ("aws", "kms", "key", "month"),
    ("aws", "vpc_endpoint", "interface", "hour"),
    ("aws", "vpc_endpoint", "data-processed", "GB"),
    ("gcp", "pd", "hyperdisk-throughput", "GB-month"),
    ("gcp", "pd", "hyperdisk-extreme", "GB-month"),
    ("gcp", "pd", "hyperdisk-ml", "GB-month"),
    ("gcp", "gcs", "NEARLINE", "GB-month"),
    ("gcp", "gcs", "COLDLINE", "GB-month"),
    ("gcp", "gcs", "ARCHIVE", "GB-month"),
    ("gcp", "gcs", "requests-put", "1k-requests"),
    ("gcp", "gcs", "requests-get", "1k-requests"),
    ("gcp", "cloud_nat", "vm", "VM-hour"),
    ("gcp", "ip", "external-static", "hour"),
    ("gcp", "gpu", "nvidia-tesla-t4", "hour"),
    ("gcp", "gpu", "nvidia-tesla-v100", "hour"),
    ("gcp", "gpu", "nvidia-tesla-p100", "hour"),
    ("gcp", "gpu", "nvidia-tesla-p4", "hour"),
    ("azure", "managed_disk", "Premium_ZRS", "GB-month"),
    ("azure", "managed_disk", "StandardSSD_ZRS", "GB-month"),
    ("azure", "managed_disk", "UltraSSD_LRS", "GB-month"),
    ("azure", "blob", "Cool-LRS", "GB-month"),
    ("azure", "blob", "requests-put", "1k-requests"),
    ("azure", "blob", "requests-get", "1k-requests"),
    ("azure", "aks", "cluster-premium", "hour"),
    ("azure", "public_ip", "standard-static", "hour"),
    ("azure", "public_ip", "basic-static", "hour"),
    ("azure", "public_ip", "basic-dynamic", "hour"),
)

# Coefficients the models read (name → unit). cloud '*' rows apply to every cloud unless a
# cloud-specific row exists.
COEFFICIENTS: dict[str, str] = {
    "cpu_min_w_per_vcpu": "W",  # CCF: average min watts per vCPU for the cloud
    "cpu_max_w_per_vcpu": "W",  # CCF: average max watts per vCPU
    "memory_w_per_gb": "W/GB",  # CCF: 0.392
    "ssd_w_per_tb": "W/TB",  # CCF: 1.2
    "hdd_w_per_tb": "W/TB",  # CCF: 0.65
    "network_kwh_per_gb": "kWh/GB",  # CCF: 0.001
    "replication_object": "x",  # CCF replication factors per storage class
    "replication_block": "x",
    "replication_file": "x",
    "gpu_idle_fraction": "fraction",  # GPU draw at 0 % utilisation ÷ board power
    "cpu_utilization_default": "fraction",  # CCF assumes 50 % host CPU load when unmeasured
    "pue": "ratio",  # per cloud; regions may override
    "embodied_kg_per_gpu_month": "kgCO2e/GPU-month",
    "spot_interruption_overhead": "fraction",  # expected extra hours from preemption + restart
    "latency_intercept_ms": "ms",  # fitted: rtt = intercept + inflation × fibre-bound rtt
    "latency_inflation": "x",
    "latency_access_ms": "ms",  # last-mile allowance for a user population
    "fibre_km_per_ms": "km/ms",  # 204: light in fibre, one way
    "hours_per_month": "h",  # 730
}


# Tables added after snapshots were shipped: a snapshot without one reads it as empty.
OPTIONAL_TABLES: tuple[str, ...] = ("throughput",)


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in TABLES[name]})


def coerce_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with exactly the schema's columns, in order, cast to their dtypes."""
    from cloudwright.core.errors import DataError

    columns = TABLES[name]
    # Nullable columns added to the schema later may be absent from older snapshots: empty.
    absent = [c.name for c in columns if c.nullable and c.name not in frame.columns]
    if absent:
        frame = frame.copy()
        for name_ in absent:
            frame[name_] = pd.NA
    missing = [c.name for c in columns if c.name not in frame.columns]
    if missing:
        raise DataError(f"catalog table {name!r} is missing columns: {', '.join(missing)}")
    out = frame[[c.name for c in columns]].copy()
    for col in columns:
        try:
            out[col.name] = out[col.name].astype(pd.api.types.pandas_dtype(col.dtype))
        except (TypeError, ValueError) as exc:
            raise DataError(f"catalog table {name!r} column {col.name!r}: {exc}") from exc
        if not col.nullable and out[col.name].isna().any():
            bad = int(out[col.name].isna().sum())
            raise DataError(f"catalog table {name!r} column {col.name!r} has {bad} empty values")
    return out
