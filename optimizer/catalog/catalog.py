"""The `Catalog`: typed, read-only queries over one snapshot of the catalog tables.

A Catalog is passed to whoever needs prices, regions, GPUs, egress, coefficients or
latency; nothing reads the tables through module globals, so tests hand in a small
fixture catalog. Tables load lazily from the snapshot directory (CSV, optionally gzipped)
and are validated against `schema.TABLES`.

Every lookup that misses raises `UnknownNameError` with the closest valid names.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from cloudwright.core.errors import DataError, UnknownNameError
from cloudwright.optimizer.catalog import regional, schema, validate
from cloudwright.optimizer.catalog.cache import TableCache
from cloudwright.optimizer.catalog.carbon_basis import apply_basis, carbon_basis
from cloudwright.optimizer.catalog.egress import EgressTable
from cloudwright.optimizer.catalog.lookups import Names
from cloudwright.optimizer.catalog.types import (
    Coefficient,
    GpuSpec,
    InstanceSpec,
    LatencyEstimate,
    Manifest,
    Point,
    RegionInfo,
    TableInfo,
    UnitPrice,
    _none_if_na,
    great_circle_km,
)
from cloudwright.optimizer.catalog.zones import zone_kind

PACKAGED_SNAPSHOT = Path(__file__).resolve().parent / "data"
CATALOG_ENV = "CLOUDWRIGHT_CATALOG"

__all__ = [
    "CATALOG_ENV",
    "PACKAGED_SNAPSHOT",
    "Catalog",
    "Coefficient",
    "GpuSpec",
    "InstanceSpec",
    "LatencyEstimate",
    "Manifest",
    "Point",
    "RegionInfo",
    "TableInfo",
    "UnitPrice",
    "default_catalog_dir",
    "great_circle_km",
]


def default_catalog_dir(directory: str | Path | None = None) -> Path:
    """The snapshot to open: `directory` when given, else $CLOUDWRIGHT_CATALOG when set, else
    the one shipped with the package. The only reader of $CLOUDWRIGHT_CATALOG."""
    if directory is not None:
        return Path(directory)
    env = os.environ.get(CATALOG_ENV)
    return Path(env) if env else PACKAGED_SNAPSHOT


class Catalog:
    """One catalog snapshot. Construct with `Catalog.load()` or `Catalog.from_frames()`."""

    def __init__(
        self,
        directory: Path | None,
        manifest: Manifest,
        frames: dict[str, pd.DataFrame] | None = None,
        cache: TableCache | None = None,
    ) -> None:
        self._directory = directory
        self.manifest = manifest
        self._frames: dict[str, pd.DataFrame] = dict(frames or {})
        self._cache = cache
        # The grid-intensity basis of the regions table (`catalog.carbon_basis`).
        self.carbon_basis = carbon_basis()
        if "regions" in self._frames:
            self._frames["regions"] = apply_basis(self._frames["regions"], self.carbon_basis)

    # ---- construction -------------------------------------------------------------
    @classmethod
    def load(cls, directory: str | Path | None = None, *, cache: Path | None = None) -> Catalog:
        """Open the snapshot in `directory` (default: the one shipped with the package).
        With `cache`, parsed tables are kept in that folder between runs (`catalog.cache`)."""
        root = Path(directory) if directory is not None else PACKAGED_SNAPSHOT
        manifest_path = root / "manifest.json"
        if not manifest_path.is_file():
            raise DataError(
                f"no catalog snapshot at {root} (manifest.json missing)",
                hint="build one with `cloudwright catalog build --from-skypilot DIR`",
            )
        manifest = validate.read_manifest(root)  # every table listed and present
        files = [t.file for t in manifest.tables.values()]
        return cls(root, manifest, cache=TableCache.open(cache, root, files) if cache else None)

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame], snapshot_date: date) -> Catalog:
        """An in-memory catalog (tests, freshly built snapshots). Missing tables are empty."""
        coerced = {
            n: schema.coerce_table(n, frames.get(n, schema.empty_table(n))) for n in schema.TABLES
        }
        manifest = Manifest(
            snapshot_date=snapshot_date,
            built_at="",
            builder="in-memory",
            tables={n: TableInfo(f"{n}.csv", len(f)) for n, f in coerced.items()},
        )
        return cls(None, manifest, coerced)

    def table(self, name: str) -> pd.DataFrame:
        """A schema-checked table. Callers must not mutate it (copy first)."""
        if name not in schema.TABLES:
            raise UnknownNameError("catalog table", name, schema.TABLES)
        if name not in self._frames:
            frame = self._read(name)
            if name == "regions":
                frame = apply_basis(frame, self.carbon_basis)
            self._frames[name] = frame
        return self._frames[name]

    def _read(self, name: str) -> pd.DataFrame:
        info = self.manifest.tables.get(name)
        if info is None or self._directory is None:
            return schema.empty_table(name)
        path = self._directory / info.file
        if not path.is_file():
            raise DataError(f"catalog table file missing: {path}")
        if self._cache is not None:
            return self._cache.frame(name, lambda: self._parse(name, path))
        return self._parse(name, path)

    def _parse(self, name: str, path: Path) -> pd.DataFrame:
        dtypes = {c.name: c.dtype for c in schema.TABLES[name]}
        frame = validate.read_table(name, path, dtypes)
        if name == "offerings" and "zone_kind" not in frame.columns:
            frame = frame.assign(zone_kind=_zone_kinds(frame))  # snapshots built before it
        checked = validate.check_values(name, path, schema.coerce_table(name, frame))
        return validate.check_vocabulary(name, path, checked)

    # ---- snapshot age ---------------------------------------------------------------
    @property
    def snapshot_date(self) -> date:
        return self.manifest.snapshot_date

    def age_days(self, today: date | None = None) -> int:
        return ((today or date.today()) - self.snapshot_date).days

    # ---- tables ---------------------------------------------------------------------
    @property
    def offerings(self) -> pd.DataFrame:
        return self.table("offerings")

    @property
    def regions(self) -> pd.DataFrame:
        return self.table("regions")

    @property
    def gpus(self) -> pd.DataFrame:
        return self.table("gpus")

    @property
    def egress(self) -> pd.DataFrame:
        return self.table("egress")

    @property
    def unit_prices(self) -> pd.DataFrame:
        return self.table("unit_prices")

    @property
    def coefficients(self) -> pd.DataFrame:
        return self.table("coefficients")

    @property
    def throughput(self) -> pd.DataFrame:
        """Work per chip relative to one H100, from MLPerf (empty in older snapshots)."""
        return self.table("throughput")

    @property
    def latency_measured(self) -> pd.DataFrame:
        return self.table("latency")

    # ---- name checks ----------------------------------------------------------------
    def clouds(self) -> list[str]:
        return list(self._names.clouds)

    @cached_property
    def _names(self) -> Names:
        """Names the checks and lookups ask for again and again, computed once."""
        return Names(self)

    def check_cloud(self, cloud: str, *, location: str | None = None) -> str:
        name = cloud.lower()
        if name not in schema.CLOUDS:
            raise UnknownNameError("cloud", cloud, schema.CLOUDS, location=location)
        return name

    def region_names(self, cloud: str) -> list[str]:
        return self._region_names.get(cloud, [])

    @property
    def _region_names(self) -> dict[str, list[str]]:
        return self._names.region_names

    def check_region(self, cloud: str, region: str, *, location: str | None = None) -> str:
        cloud = self.check_cloud(cloud, location=location)
        valid = self.region_names(cloud)
        if region not in valid:
            raise UnknownNameError("region", region, valid, location=location, scope=cloud)
        return region

    def gpu_names(self) -> list[str]:
        return list(self._names.gpus)

    def check_gpu(self, gpu: str, *, location: str | None = None) -> str:
        hit = self._names.gpu_lookup.get(gpu.lower())
        if hit is None:
            raise UnknownNameError("GPU", gpu, self.gpu_names(), location=location)
        return hit

    def instance_type_names(self, cloud: str | None = None) -> list[str]:
        return list(self._names.instance_types(cloud))

    def check_instance_type(
        self, cloud: str, instance_type: str, *, location: str | None = None
    ) -> str:
        if instance_type not in self._names.instance_type_set(cloud):
            valid = self.instance_type_names(cloud)
            raise UnknownNameError(
                "instance type", instance_type, valid, location=location, scope=cloud
            )
        return instance_type

    # ---- typed lookups ----------------------------------------------------------------
    def region(self, cloud: str, region: str) -> RegionInfo:
        row = self._region_rows.get((cloud, region))
        if row is None:
            self.check_region(cloud, region)  # raises with suggestions when unknown
            raise DataError(
                f"region {cloud}:{region} sells instances but has no region row "
                "(coordinates, grid intensity, PUE)"
            )
        return row

    @cached_property
    def _region_rows(self) -> dict[tuple[str, str], RegionInfo]:
        rows: dict[tuple[str, str], RegionInfo] = {}
        for rec in self.regions.to_dict("records"):
            rows[(rec["cloud"], rec["region"])] = RegionInfo(
                cloud=rec["cloud"],
                region=rec["region"],
                display_name=_none_if_na(rec["display_name"]),
                city=_none_if_na(rec["city"]),
                country=rec["country"],
                subdivision=_none_if_na(rec["subdivision"]),
                continent=rec["continent"],
                lat=float(rec["lat"]),
                lon=float(rec["lon"]),
                grid_intensity_g_per_kwh=float(rec["grid_intensity_g_per_kwh"]),
                grid_intensity_source=rec["grid_intensity_source"],
                pue=float(rec["pue"]),
                pue_source=rec["pue_source"],
            )
        return rows

    def gpu(self, model: str, variant: str | None = None) -> GpuSpec:
        """The GPU's spec: the row of `variant` (an offering's `gpu_variant`), else the
        model's first row (the SXM part the 8-GPU shapes carry)."""
        canonical = self.check_gpu(model)
        key = (canonical, variant)
        if key not in self._gpu_specs:
            rows = self._gpu_rows.get(canonical)
            if not rows:
                raise DataError(f"GPU {canonical} is sold but has no row in the gpus table")
            chosen = rows
            if variant is not None:
                chosen = [r for r in rows if _none_if_na(r["variant"]) == variant]
            if not chosen:
                raise DataError(f"GPU {canonical} has no variant {variant!r} in the gpus table")
            rec = chosen[0]
            platform = _none_if_na(rec.get("platform_w_per_gpu"))
            self._gpu_specs[key] = GpuSpec(
                canonical,
                float(rec["memory_gb"]),
                float(rec["board_power_w"]),
                bool(rec["verified"]),
                str(rec["source"]),
                _none_if_na(rec["variant"]),
                float(platform) if platform is not None else 0.0,
            )
        return self._gpu_specs[key]

    @cached_property
    def _gpu_rows(self) -> dict[str, list[dict[str, Any]]]:
        """gpu → its rows of the gpus table, in table order (a frame filter per lookup cost
        ~2 ms; a plan asks for dozens)."""
        rows: dict[str, list[dict[str, Any]]] = {}
        for rec in self.gpus.to_dict("records"):
            rows.setdefault(rec["gpu"], []).append({str(k): v for k, v in rec.items()})
        return rows

    @cached_property
    def _gpu_specs(self) -> dict[tuple[str, str | None], GpuSpec]:
        return {}

    def instance(self, cloud: str, instance_type: str) -> InstanceSpec:
        spec = self._instance_specs.get((cloud, instance_type))
        if spec is None:
            row = self._instance_rows.get((cloud, instance_type))
            if row is None:
                self.check_instance_type(cloud, instance_type)
                raise DataError(f"no spec for {cloud}:{instance_type}")
            spec = self._instance_specs[(cloud, instance_type)] = self._instance_spec(row)
        return spec

    _SPEC_COLUMNS = (
        "cloud", "instance_type", "gpu", "gpu_count", "gpu_memory_gb", "vcpus", "memory_gb",
        "interconnect", "interconnect_nics", "interconnect_gbps", "gpu_variant",
    )  # fmt: skip

    @cached_property
    def _instance_rows(self) -> dict[tuple[str, str], int]:
        """(cloud, instance_type) → position of its first offerings row (its spec)."""
        frame = self.offerings
        first = ~frame.duplicated(["cloud", "instance_type"]).to_numpy()
        clouds, types = frame["cloud"][first].tolist(), frame["instance_type"][first].tolist()
        rows = zip(clouds, types, first.nonzero()[0].tolist(), strict=True)
        return {(str(c), str(t)): p for c, t, p in rows}

    @cached_property
    def _instance_specs(self) -> dict[tuple[str, str], InstanceSpec]:
        return {}  # filled on first use of each type: a plan or estimate asks for a few

    def _instance_spec(self, row: int) -> InstanceSpec:
        rec = self.offerings.iloc[[row]][list(self._SPEC_COLUMNS)].to_dict("records")[0]
        nics = _none_if_na(rec["interconnect_nics"])
        return InstanceSpec(
            cloud=rec["cloud"],
            instance_type=rec["instance_type"],
            gpu=_none_if_na(rec["gpu"]),
            gpu_count=int(_none_if_na(rec["gpu_count"]) or 0),
            gpu_memory_gb=_none_if_na(rec["gpu_memory_gb"]),
            vcpus=_none_if_na(rec["vcpus"]),
            memory_gb=_none_if_na(rec["memory_gb"]),
            interconnect=rec["interconnect"],
            interconnect_nics=int(nics) if nics is not None else None,
            interconnect_gbps=_none_if_na(rec["interconnect_gbps"]),
            gpu_variant=_none_if_na(rec["gpu_variant"]),
        )

    def find_offerings(
        self,
        *,
        cloud: str | None = None,
        region: str | None = None,
        gpu: str | None = None,
        instance_type: str | None = None,
        spot: bool = False,
    ) -> pd.DataFrame:
        """Zone-level offerings matching every given filter (names validated, did-you-mean)."""
        if cloud is not None:
            cloud = self.check_cloud(cloud)
        if region is not None:
            if cloud is not None:
                self.check_region(cloud, region)
            elif region not in {r for names in self._region_names.values() for r in names}:
                raise UnknownNameError(
                    "region", region, [r for n in self._region_names.values() for r in n]
                )
        if instance_type is not None and instance_type not in self._names.instance_type_set():
            raise UnknownNameError(
                "instance type", instance_type, self.instance_type_names(cloud), scope=cloud
            )
        # Rows of the (cloud, region) asked for, in table order, then the other filters.
        frame = self.offerings
        if cloud is not None and region is not None:
            frame = frame.iloc[self._names.rows_of(cloud, region)]
        mask = pd.Series(True, index=frame.index)
        if cloud is not None:
            mask &= frame["cloud"] == cloud
        if region is not None:
            mask &= frame["region"] == region
        if gpu is not None:
            mask &= frame["gpu"] == self.check_gpu(gpu)
        if instance_type is not None:
            mask &= frame["instance_type"] == instance_type
        if spot:
            mask &= frame["price_spot_usd_hr"].notna()
        return frame[mask]

    @cached_property
    def region_offerings(self) -> pd.DataFrame:
        """One row per (cloud, region, instance_type): on-demand price (median over zones),
        the cheapest spot price and the zone that has it. The optimizer's candidate table.

        AWS Local and Wavelength Zones (`zone_kind`) count like any zone here; for workloads
        that must stay in the region's own zones (multi-node fabric, FSx) the table also has
        `price_spot_az_usd_hr` / `spot_az_zone` (cheapest spot outside those zones),
        `spot_zone_kind`, and `edge_only` (the type is sold there only in such zones)."""
        if self._cache is not None:
            return self._cache.frame("region_offerings", self._region_offerings)
        return self._region_offerings()

    def _region_offerings(self) -> pd.DataFrame:
        """`region_offerings`, computed from the offerings table."""
        return regional.region_offerings(self.offerings)

    @cached_property
    def accelerator_offerings(self) -> pd.DataFrame:
        """The zone rows of accelerator types (`regional.accelerator_rows`): the optimizer's."""
        return self.derived(
            "accelerator_offerings", lambda: regional.accelerator_rows(self.offerings)
        )

    @cached_property
    def accelerator_region_offerings(self) -> pd.DataFrame:
        build = lambda: regional.accelerator_rows(self.region_offerings)  # noqa: E731
        return self.derived("accelerator_region_offerings", build)

    def derived(self, name: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A frame computed from the tables, kept in the table cache when there is one."""
        return self._cache.frame(name, build) if self._cache is not None else build()

    # Columns of `region_offering` records: what per-resource price lookups need.
    OFFERING_RECORD_COLUMNS = (
        "cloud", "region", "instance_type", "price_on_demand_usd_hr", "price_spot_usd_hr",
        "price_flag", "price_status", "source", "snapshot_date",
        "price_commit_1y_usd_hr", "price_commit_3y_usd_hr", "price_commit_source",
    )  # fmt: skip

    @cached_property
    def _region_offering_index(self) -> dict[tuple[str, str, str], int]:
        """(cloud, region, instance_type) → row in `_region_offering_columns`, built once per
        catalog: pricing looks up thousands of resources, and a table scan per lookup would
        dominate. A row's record dict is made on first use (a few dozen of 10^5 are)."""
        clouds, regions, types = (map(str, c) for c in self._region_offering_columns[:3])
        keys = zip(clouds, regions, types, strict=True)
        return dict(zip(keys, range(len(self.region_offerings)), strict=True))

    @cached_property
    def _region_offering_columns(self) -> list[list[Any]]:
        frame = self.region_offerings
        # Commitment columns may be absent from an older snapshot: None (unknown) throughout.
        return [
            frame[c].tolist() if c in frame.columns else [None] * len(frame)
            for c in self.OFFERING_RECORD_COLUMNS
        ]

    @cached_property
    def _region_offering_records(self) -> dict[int, dict[str, Any]]:
        return {}

    def region_offering(self, cloud: str, region: str, instance_type: str) -> dict[str, Any] | None:
        """The region-level record (OFFERING_RECORD_COLUMNS) of an offering, or None.
        The returned dict is shared: read it, don't change it."""
        row = self._region_offering_index.get((cloud, region, instance_type))
        if row is None:
            return None
        records = self._region_offering_records
        if row not in records:
            values = [column[row] for column in self._region_offering_columns]
            records[row] = dict(zip(self.OFFERING_RECORD_COLUMNS, values, strict=True))
        return records[row]

    def region_offering_keys(self) -> list[tuple[str, str, str]]:
        """Every (cloud, region, instance_type) the catalog sells."""
        return list(self._region_offering_index)

    @cached_property
    def region_offering_types(self) -> tuple[tuple[str, str], ...]:
        """Every (cloud, instance_type) the catalog sells, once, latest table row first
        (10^5 region rows, a few thousand types: callers that need only the types skip the
        rest)."""
        clouds, _, types = self._region_offering_columns[:3]
        pairs = zip(map(str, reversed(clouds)), map(str, reversed(types)), strict=True)
        return tuple(dict.fromkeys(pairs))

    def hourly_price(
        self, cloud: str, region: str, instance_type: str, *, spot: bool = False
    ) -> float | None:
        """Region-level hourly price; None when the catalog has no price for it."""
        rec = self.region_offering(cloud, region, instance_type)
        if rec is None:
            self.check_region(cloud, region)
            self.check_instance_type(cloud, instance_type)
            return None
        value = _none_if_na(rec["price_spot_usd_hr" if spot else "price_on_demand_usd_hr"])
        return float(value) if value is not None else None

    def unit_price(
        self, cloud: str, service: str, product: str, unit: str, region: str
    ) -> UnitPrice | None:
        """The region's price for (service, product, unit), else the cloud-wide '*' row.

        Returns None when the catalog has no row at all; a row whose price is unknown comes
        back with usd_per_unit=None so callers can say "unknown" rather than $0.
        """
        regions = self._names.unit_price_regions((cloud, service, product, unit))
        if regions is None:
            return None
        return regions.get(region) or regions.get("*")

    def coefficient(self, name: str, cloud: str = "*") -> Coefficient:
        for wanted in (cloud, "*"):
            hit = self._names.coefficients.get((name, wanted))
            if hit is not None:
                return hit
        names = self.coefficients["name"].unique()
        raise UnknownNameError("coefficient", name, names, scope=cloud)

    @cached_property
    def egress_table(self) -> EgressTable:
        """The egress tiers indexed once: kinds, ladders, whole-volume and marginal prices."""
        return EgressTable(self)

    def egress_usd_per_gb(
        self, cloud: str, region: str, destination: str, monthly_gb: float = 0.0
    ) -> float:
        """Marginal $/GB for traffic leaving cloud:region toward `destination` at a monthly
        volume of `monthly_gb` (the tier that volume falls in).

        destination is 'internet', 'intra_region', 'inter_region', 'inter_continent', or a
        'cloud:region' pair: a row priced for that exact pair wins (AWS us-east-1 ↔ us-east-2),
        else the pair resolves to one of the former (see `egress.EgressTable.ladder`).
        """
        return self.egress_table.usd_per_gb(cloud, region, destination, monthly_gb)

    # ---- latency ------------------------------------------------------------------------
    @cached_property
    def _measured_rtt(self) -> dict[tuple[str, str, str, str], tuple[float, str]]:
        out: dict[tuple[str, str, str, str], tuple[float, str]] = {}
        for rec in self.latency_measured.to_dict("records"):
            a = (rec["cloud_a"], rec["region_a"])
            b = (rec["cloud_b"], rec["region_b"])
            value = (float(rec["rtt_ms"]), str(rec["source"]))
            out.setdefault((*a, *b), value)
            out.setdefault((*b, *a), value)
        return out

    def point_of(self, cloud: str, region: str) -> Point:
        info = self.region(cloud, region)
        return Point(info.lat, info.lon, f"{cloud}:{region}")

    def modelled_rtt_ms(self, a: Point, b: Point, *, user_endpoint: bool = False) -> float:
        """Fitted great-circle model, never below the fibre light-speed bound."""
        km = great_circle_km(a, b)
        fibre = self.coefficient("fibre_km_per_ms").value
        bound = 2 * km / fibre
        intercept = self.coefficient("latency_intercept_ms").value
        inflation = self.coefficient("latency_inflation").value
        rtt = intercept + inflation * bound
        if user_endpoint:
            rtt += self.coefficient("latency_access_ms").value
        return max(rtt, bound)

    def latency(self, a: Point | tuple[str, str], b: Point | tuple[str, str]) -> LatencyEstimate:
        """RTT between two places: measured when both are regions with a published figure,
        else the fitted model. A `Point` is a user population (adds the access allowance)."""
        if isinstance(a, tuple) and isinstance(b, tuple):
            hit = self._measured_rtt.get((*a, *b))
            if hit is not None:
                return LatencyEstimate(hit[0], "measured", hit[1])
        user = isinstance(a, Point) or isinstance(b, Point)
        pa = a if isinstance(a, Point) else self.point_of(*a)
        pb = b if isinstance(b, Point) else self.point_of(*b)
        rtt = self.modelled_rtt_ms(pa, pb, user_endpoint=user)
        source = self.coefficient("latency_inflation").source
        return LatencyEstimate(rtt, "modelled", f"great-circle model fitted to {source}")

    def sources(self) -> dict[str, list[dict[str, Any]]]:
        return {name: info.sources for name, info in self.manifest.tables.items()}


def _zone_kinds(offerings: pd.DataFrame) -> pd.Series:
    """Zone kinds derived from the zone IDs, for snapshots that predate the column."""
    kinds = [
        zone_kind(str(c), z if isinstance(z, str) else None)
        for c, z in zip(offerings["cloud"], offerings["zone"], strict=True)
    ]
    return pd.Series(kinds, index=offerings.index, dtype="string")
