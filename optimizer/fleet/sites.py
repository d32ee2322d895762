"""A fleet's own sites (on-prem, colo, edge) as catalog rows, so the optimizer treats a site
exactly like a cloud region: candidates, capacity, residency, latency, carbon, co-location
and data gravity need no special case.

At fleet-preparation time (`site_catalog`) each site becomes, in cloud `site`:
- a region row: the site's coordinates, country/state (residency), PUE, and the grid
  intensity of its grid zone by the method the catalog uses for cloud regions
  (`catalog.codecarbon_grid.grid_intensity`: one location-based figure per country, US state,
  Canadian province or Nordic zone), unless the site declares its own figure;
- one offering per accelerator type and node size: `site-H100x8` is a node of 8 H100; node
  sizes are the accelerator's `gpus_per_node` (default 8) and every per-node GPU count the
  fleet's workloads ask for, up to the site's count. Host vCPUs and memory per GPU are an
  estimate of an HGX/DGX-class server (SITE_HOST_NOTE) unless declared. Price = $/GPU-hour ×
  GPUs per node (`site_rate`); no spot;
- egress rows at the site's `egress_usd_per_gb` (to the internet, other regions and
  continents; 0 inside the site);
- coefficient rows for cloud `site` where the catalog has per-cloud figures only (CPU power,
  replication): the mean of the three clouds' figures, said so in `source`.
The fleet gains one capacity entry per (site, accelerator type) with the site's GPU count
(`site_capacity`), fed to the same capacity rows as quotas and reservations.

`SiteCatalog` is the base catalog plus these rows; only it knows the cloud `site` (real
snapshots are never loosened to accept it). Built once per (catalog, sites, node sizes).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import pycountry

from cloudwright.core.errors import CloudwrightError, InputError, UnknownNameError
from cloudwright.optimizer.catalog import Catalog, Point, RegionInfo, great_circle_km, schema
from cloudwright.optimizer.catalog.regional import region_offerings
from cloudwright.optimizer.fleet.site_spec import Site, SiteAccelerator

if TYPE_CHECKING:
    from cloudwright.optimizer.fleet.spec import CapacityEntry, Fleet
    from cloudwright.optimizer.plan import Assignment

SITE_CLOUD = "site"
# (capex ÷ months + opex) is spread over the catalog's month: 730 h (its hours_per_month).
HOURS_PER_MONTH = 730.0
# Host per GPU when a site does not say: NVIDIA DGX H100 (2 × 56-core Xeon 8480C = 224
# threads, 2 TB memory, 8 GPUs) → 28 vCPUs and 256 GB per GPU. An estimate; CPU and memory
# power are modelled from it.
SITE_VCPUS_PER_GPU = 28.0
SITE_MEMORY_GB_PER_GPU = 256.0
SITE_HOST_NOTE = "host per GPU estimated from an NVIDIA DGX H100 (28 vCPU, 256 GB)"


def site_source(fleet: Fleet, index: int) -> str:
    origin = fleet.source.origin if fleet.source.origin else "fleet.yaml"
    return f"{origin} sites[{index}]"


@dataclass(frozen=True)
class SiteRate:
    usd_per_gpu_hour: float
    basis: str  # "declared" | "amortised" | "sunk"
    text: str  # how the figure was reached, for explanations


def site_rate(site: Site, acc: SiteAccelerator) -> SiteRate:
    """The GPU-hour price of `acc` at `site` (see site_spec's docstring for the order)."""
    if acc.usd_per_gpu_hour is not None:
        rate = acc.usd_per_gpu_hour
        return SiteRate(rate, "declared", f"the site's declared ${rate:,.2f}/GPU-hour")
    if site.sunk:
        paid = ""
        if site.cost is not None:
            paid = f" (amortised ${_amortised(site):,.2f}/GPU-hour, already paid)"
        return SiteRate(
            0.0,
            "sunk",
            "sunk capacity: already paid for, $0 marginal up to its size"
            f"{paid} — a decision of the fleet, not an unknown price",
        )
    assert site.cost is not None  # Site._priced guarantees one of the three
    rate = _amortised(site)
    c = site.cost
    return SiteRate(
        rate,
        "amortised",
        f"${rate:,.4f}/GPU-hour amortised: (${c.capex_usd:,.0f} ÷ {c.amortisation_months:g} "
        f"months + ${c.opex_usd_per_month:,.0f}/month) ÷ ({HOURS_PER_MONTH:g} h × "
        f"{site.gpus} GPUs)",
    )


def _amortised(site: Site) -> float:
    assert site.cost is not None
    c = site.cost
    monthly = c.capex_usd / c.amortisation_months + c.opex_usd_per_month
    return monthly / (HOURS_PER_MONTH * site.gpus)


def node_type(gpu: str, per_node: int) -> str:
    return f"site-{gpu}x{per_node}"


def country_alpha3(code: str, location: str) -> str:
    value = code.strip().upper()
    hit = pycountry.countries.get(alpha_2=value) if len(value) == 2 else None
    if len(value) == 3:
        hit = pycountry.countries.get(alpha_3=value)
    if hit is None:
        names = [str(c.alpha_2) for c in pycountry.countries]
        raise UnknownNameError("country code", code, names, location=location)
    return str(hit.alpha_3)


def continent_of(catalog: Catalog, alpha3: str, lat: float, lon: float) -> str:
    """The catalog's continent word for a location: that of the catalog's regions in the same
    country, else of the nearest catalog region (the catalog's own vocabulary, so residency
    rules written against cloud regions apply to sites alike)."""
    regions = catalog.regions
    same = regions[regions["country"] == alpha3]["continent"].dropna()
    if len(same):
        return str(same.mode().iloc[0])
    here = Point(lat, lon, "site")
    best = min(
        zip(regions["lat"], regions["lon"], regions["continent"], strict=True),
        key=lambda r: great_circle_km(here, Point(float(r[0]), float(r[1]), "")),
    )
    return str(best[2])


class SiteCatalog(Catalog):
    """A catalog plus the rows of a fleet's sites; the only catalog that knows cloud `site`."""

    def __init__(self, base: Catalog, frames: dict[str, pd.DataFrame], sites: Sequence[Site]):
        super().__init__(None, base.manifest, frames)
        self.base = base
        self.sites = {s.name: s for s in sites}
        self._site_offers = frames["offerings"][frames["offerings"]["cloud"] == SITE_CLOUD]

    def clouds(self) -> list[str]:
        return [*super().clouds(), SITE_CLOUD]

    def check_cloud(self, cloud: str, *, location: str | None = None) -> str:
        if cloud.lower() == SITE_CLOUD:
            return SITE_CLOUD
        try:
            return super().check_cloud(cloud, location=location)
        except UnknownNameError:
            raise UnknownNameError(
                "cloud", cloud, [*schema.CLOUDS, SITE_CLOUD], location=location
            ) from None

    def _region_offerings(self) -> pd.DataFrame:
        # The base's (possibly cached) table plus the sites' few rows: not recomputed.
        base = self.base.region_offerings
        mine = region_offerings(self._site_offers)
        return pd.concat([base, mine.reindex(columns=base.columns)], ignore_index=True)


_CACHE: weakref.WeakKeyDictionary[Catalog, dict[tuple[object, ...], SiteCatalog]] = (
    weakref.WeakKeyDictionary()
)


def site_catalog(fleet: Fleet, catalog: Catalog) -> Catalog:
    """`catalog` with the rows of `fleet.sites` (the catalog itself when there are none)."""
    sites = list(fleet.sites)
    if not sites:
        return catalog
    if isinstance(catalog, SiteCatalog):
        catalog = catalog.base
    sizes = tuple(sorted({w.gpu.count for w in fleet.workloads}))
    key = (tuple(s.model_dump_json() for s in sites), sizes, fleet.source.origin)
    per = _CACHE.setdefault(catalog, {})
    if key not in per:
        per[key] = _build(fleet, catalog, sizes)
    return per[key]


def _build(fleet: Fleet, catalog: Catalog, sizes: tuple[int, ...]) -> SiteCatalog:
    from cloudwright.optimizer.catalog.codecarbon_grid import grid_intensity

    src = fleet.source
    date = catalog.snapshot_date.isoformat()
    regions: list[dict[str, Any]] = []
    offers: list[dict[str, Any]] = []
    egress: list[dict[str, Any]] = []
    for i, site in enumerate(fleet.sites):
        at = ("sites", i)
        source = site_source(fleet, i)
        loc = site.location
        country = country_alpha3(loc.country, _loc(src, (*at, "location", "country")))
        if site.grid_intensity_g_per_kwh is not None:
            g, g_source, year = site.grid_intensity_g_per_kwh, f"{source} (declared)", None
        else:
            try:
                found = grid_intensity(country, loc.state)
            except Exception as exc:  # UnknownNameError, DataError, codecarbon's own errors
                field = (*at, "location", "state") if loc.state else (*at, "location")
                reason = exc.message if isinstance(exc, CloudwrightError) else str(exc)
                raise InputError(
                    f"no grid intensity for {country}{'/' + loc.state if loc.state else ''}: "
                    f"{reason}",
                    location=_loc(src, field),
                    hint=(f"{exc.hint}\n" if isinstance(exc, CloudwrightError) and exc.hint else "")
                    + "state: is a US state, Canadian province or Nordic zone code; or give "
                    "the site's own grid_intensity_g_per_kwh",
                ) from None
            g, g_source, year = found.g_per_kwh, found.source, found.year
        regions.append(
            {
                "cloud": SITE_CLOUD,
                "region": site.name,
                "display_name": f"{site.kind} site {site.name}",
                "city": loc.city,
                "country": country,
                "subdivision": loc.state.upper() if loc.state else None,
                "continent": continent_of(catalog, country, loc.lat, loc.lon),
                "lat": loc.lat,
                "lon": loc.lon,
                "grid_intensity_g_per_kwh": g,
                "grid_intensity_source": g_source,
                "grid_intensity_year": year,
                "pue": site.pue,
                "pue_source": f"{source} pue",
                "source": source,
                "source_date": date,
            }
        )
        for j, acc in enumerate(site.accelerators):
            offers.extend(_offer_rows(catalog, fleet, site, acc, (*at, "accelerators", j), sizes))
        for kind in ("internet", "inter_region", "inter_continent", "intra_region"):
            egress.append(
                {
                    "cloud": SITE_CLOUD,
                    "region": site.name,
                    "destination": kind,
                    "tier_start_gb": 0.0,
                    "usd_per_gb": 0.0 if kind == "intra_region" else site.egress_usd_per_gb,
                    "source": f"{source} egress_usd_per_gb"
                    + (" (inside the site: free)" if kind == "intra_region" else ""),
                    "source_date": date,
                }
            )
    _unique_names(fleet)
    frames = {n: catalog.table(n) for n in schema.TABLES}
    frames["regions"] = _append("regions", frames["regions"], regions)
    frames["offerings"] = _append("offerings", frames["offerings"], offers)
    frames["egress"] = _append("egress", frames["egress"], egress)
    frames["coefficients"] = _append(
        "coefficients", frames["coefficients"], _coefficients(frames["coefficients"], date)
    )
    return SiteCatalog(catalog, frames, fleet.sites)


def _offer_rows(
    catalog: Catalog,
    fleet: Fleet,
    site: Site,
    acc: SiteAccelerator,
    at: tuple[str | int, ...],
    sizes: tuple[int, ...],
) -> list[dict[str, Any]]:
    gpu = catalog.check_gpu(acc.type, location=_loc(fleet.source, (*at, "type")))
    spec = catalog.gpu(gpu)
    rate = site_rate(site, acc)
    source = f"{site_source(fleet, fleet.sites.index(site))}: {rate.text}"
    vcpus = acc.vcpus_per_gpu or SITE_VCPUS_PER_GPU
    memory = acc.memory_gb_per_gpu or SITE_MEMORY_GB_PER_GPU
    if acc.vcpus_per_gpu is None or acc.memory_gb_per_gpu is None:
        source += f"; {SITE_HOST_NOTE}"
    rows = []
    for n in sorted({acc.gpus_per_node, *sizes}):
        if n > acc.count:
            continue
        rows.append(
            {
                "cloud": SITE_CLOUD,
                "region": site.name,
                "zone": None,
                "zone_kind": None,
                "instance_type": node_type(gpu, n),
                "gpu": gpu,
                "gpu_count": n,
                "gpu_memory_gb": spec.memory_gb,
                "gpu_variant": spec.variant,
                "vcpus": vcpus * n,
                "memory_gb": memory * n,
                "arch": "x86_64",
                "interconnect": acc.fabric,
                "price_on_demand_usd_hr": rate.usd_per_gpu_hour * n,
                "price_spot_usd_hr": None,
                "price_status": "list" if rate.basis != "amortised" else "estimated",
                "source": source,
                "source_date": catalog.snapshot_date.isoformat(),
                "snapshot_date": catalog.snapshot_date.isoformat(),
            }
        )
    return rows


def _coefficients(frame: pd.DataFrame, date: str) -> list[dict[str, Any]]:
    """Rows for cloud `site` where a coefficient has per-cloud rows and no '*' row."""
    out = []
    for name, rows in frame.groupby("name", sort=True):
        if (rows["cloud"] == "*").any() or (rows["cloud"] == SITE_CLOUD).any():
            continue
        clouds = rows[rows["cloud"].isin(list(schema.CLOUDS))]
        if clouds.empty:
            continue
        out.append(
            {
                "cloud": SITE_CLOUD,
                "name": name,
                "value": float(clouds["value"].astype(float).mean()),
                "unit": str(clouds["unit"].iloc[0]),
                "source": "mean of the catalog's "
                + ", ".join(str(c) for c in clouds["cloud"])
                + f" figures ({clouds['source'].iloc[0]})",
                "source_date": date,
            }
        )
    return out


def _append(name: str, frame: pd.DataFrame, rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return frame
    extra = schema.coerce_table(name, pd.DataFrame(rows))
    extra = extra.reindex(columns=frame.columns)
    return pd.concat([frame, extra.astype(frame.dtypes.to_dict())], ignore_index=True)


def _unique_names(fleet: Fleet) -> None:
    seen: dict[str, int] = {}
    for i, site in enumerate(fleet.sites):
        if site.name in seen:
            at = ("sites", i, "name")
            raise InputError(
                f"sites[{i}].name: site name {site.name!r} is already used by "
                f"sites[{seen[site.name]}]",
                location=fleet.source.location(at),
                hint="site names must be unique",
            )
        seen[site.name] = i


def site_capacity(fleet: Fleet) -> list[CapacityEntry]:
    """One capacity entry per (site, accelerator type): the site's GPUs of that type."""
    from cloudwright.optimizer.fleet.spec import CapacityEntry

    out = []
    for site in fleet.sites:
        counts: dict[str, int] = {}
        for acc in site.accelerators:
            counts[acc.type] = counts.get(acc.type, 0) + acc.count
        for gpu, count in counts.items():
            out.append(
                CapacityEntry(
                    cloud=SITE_CLOUD,
                    region=site.name,
                    gpu=gpu,
                    max_gpus=count,
                    name=f"site {site.name}'s {count} {gpu}",
                )
            )
    return out


def with_sites(fleet: Fleet, catalog: Catalog) -> tuple[Fleet, Catalog]:
    """The fleet with its sites' capacity entries (once) and the catalog with their rows."""
    if not fleet.sites:
        return fleet, catalog
    extended = site_catalog(fleet, catalog)
    names = {c.name for c in fleet.capacity}
    extra = [c for c in site_capacity(fleet) if c.name not in names]
    update: dict[str, object] = {}
    if extra:
        update["capacity"] = [*fleet.capacity, *extra]
    # Declaring sites is asking for them: a fleet-wide `clouds:` list keeps them in reach
    # (a workload's own `clouds:` still narrows, e.g. to clouds only or to `site`).
    if fleet.clouds is not None and SITE_CLOUD not in [c.lower() for c in fleet.clouds]:
        update["clouds"] = [*fleet.clouds, SITE_CLOUD]
    if not update:
        return fleet, extended
    copy = fleet.model_copy(update=update)
    copy._source = fleet.source
    return copy, extended


def _loc(src: object, path: tuple[str | int, ...]) -> str:
    from cloudwright.core.yamlsource import SourceMap, format_path

    assert isinstance(src, SourceMap)
    return f"{src.location(path)}: {format_path(path)}"


def site_of(fleet: Fleet, name: str) -> Site | None:
    for site in fleet.sites:
        if site.name == name:
            return site
    return None


def site_assignment_fields(
    fleet: Fleet,
    info: RegionInfo,
    gpu: str,
    nodes: int,
    hours: float,
    energy_kwh_month: float,
    price_date: str,
) -> dict[str, Any]:
    """`site_kind` and `site` of an assignment placed at site `info.region` (plan.py)."""
    from cloudwright.optimizer.plan import SiteFacts

    site = site_of(fleet, info.region)
    if site is None:  # a plan's site rows come from its own fleet
        raise InputError(f"site {info.region!r} is not among the fleet's sites")
    acc = _accelerator(site, gpu)
    rate = site_rate(site, acc)
    node_hours_pue = nodes * hours * info.pue
    facts = SiteFacts(
        kind=site.kind,
        usd_per_gpu_hour=rate.usd_per_gpu_hour,
        price_basis=rate.basis,  # type: ignore[arg-type]
        price_source=f"{site_source(fleet, fleet.sites.index(site))}: {rate.text}",
        price_date=price_date,
        pue=info.pue,
        grid_intensity_g_per_kwh=info.grid_intensity_g_per_kwh,
        grid_intensity_source=info.grid_intensity_source,
        node_watts=energy_kwh_month * 1000.0 / node_hours_pue if node_hours_pue > 0 else 0.0,
        lat=info.lat,
        lon=info.lon,
        country=info.country,
    )
    return {"site_kind": site.kind, "site": facts}


def site_sentence(fleet: Fleet, info: RegionInfo, gpu: str) -> str:
    """Why-text for a workload placed at a site: what the site charges and on what basis."""
    site = site_of(fleet, info.region)
    if site is None:
        return ""
    rate = site_rate(site, _accelerator(site, gpu))
    return (
        f"Own {site.kind} site {site.name} ({site.gpus:,} GPUs, PUE {site.pue:g}, grid "
        f"{info.grid_intensity_g_per_kwh:,.0f} gCO2e/kWh): priced at {rate.text}; "
        "no cloud resources are created for it."
    )


def _accelerator(site: Site, gpu: str) -> SiteAccelerator:
    """The site's accelerator entry of canonical GPU `gpu` (names compare case-blind)."""
    for acc in site.accelerators:
        if acc.type.lower() == gpu.lower():
            return acc
    return site.accelerators[0]


def site_annotator(fleet: Fleet, catalog: Catalog) -> Callable[[Assignment], Assignment] | None:
    """What completes an assignment placed at one of `fleet`'s sites: `site_kind`, its site
    facts and a sentence on the site's price in `why` (None for a fleet without sites)."""
    if not fleet.sites:
        return None
    date = catalog.snapshot_date.isoformat()

    def finish(a: Assignment) -> Assignment:
        if a.cloud != SITE_CLOUD:
            return a
        info = catalog.region(SITE_CLOUD, a.region)
        gpu = a.gpu or ""
        fields = site_assignment_fields(
            fleet, info, gpu, a.nodes, a.hours_per_month, a.energy_kwh_month, date
        )
        fields["why"] = f"{a.why} {site_sentence(fleet, info, gpu)}".strip()
        return a.model_copy(update=fields)

    return finish


def site_notes(
    fleet: Fleet, keys: Sequence[tuple[str, str, str]], gpus: Sequence[float]
) -> list[str]:
    """One plan note per site: GPUs used of each accelerator type, from the chosen
    placements' (cloud, region, gpu) and GPU counts (nodes × GPUs per node)."""
    if not fleet.sites:
        return []
    used: dict[tuple[str, str], float] = {}
    for (cloud, region, gpu), n in zip(keys, gpus, strict=True):
        if cloud == SITE_CLOUD:
            used[(region, gpu.lower())] = used.get((region, gpu.lower()), 0.0) + float(n)
    out = []
    for site in fleet.sites:
        counts: dict[str, int] = {}
        for acc in site.accelerators:
            counts[acc.type] = counts.get(acc.type, 0) + acc.count
        parts = [
            f"{used.get((site.name, gpu.lower()), 0.0):,.0f} of {count:,} {gpu}"
            for gpu, count in counts.items()
        ]
        out.append(f"Site {site.name} ({site.kind}): {', '.join(parts)} GPUs used by this plan.")
    return out
