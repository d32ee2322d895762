"""Check a fleet's names against the catalog and fill in its defaults.

`resolve(fleet, catalog)` returns a copy in canonical form: GPU types as the catalog spells
them, clouds lower-case, countries as ISO 3166 alpha-3, every workload's `nodes`,
`hours_per_month`, `utilization`, `platform` and `clouds` filled (fleet value, else the catalog's
coefficient, else full utilisation as a conservative upper bound). Each unknown name raises
`UnknownNameError` at its file:line with the closest valid names.

Invariants: the input is not mutated; a resolved fleet resolves to itself.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence

from cloudwright.core.errors import InputError, UnknownNameError
from cloudwright.core.yamlsource import SourceMap, format_path
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.fieldshare import FieldSets
from cloudwright.optimizer.fleet.sites import with_sites
from cloudwright.optimizer.fleet.spec import CapacityEntry, Fleet, Residency, Workload
from cloudwright.optimizer.fleet.work import canonical_throughput, size_by_work
from cloudwright.optimizer.purchase import NAMES

Path_ = tuple[str | int, ...]
GLOB_CHARS = frozenset("*?[")


def resolve(fleet: Fleet, catalog: Catalog) -> Fleet:
    """Canonical copy of `fleet` with defaults filled; raises on any unknown name."""
    # The fleet's own sites become catalog rows and capacity entries (optimizer/fleet/sites.py).
    fleet, catalog = with_sites(fleet, catalog)
    src = fleet.source
    fleet_clouds = _clouds(catalog, fleet.clouds, ("clouds",), src)
    hours_default = fleet.hours_per_month or catalog.coefficient("hours_per_month").value
    names = _Names(catalog)
    workloads = [
        _workload(names, fleet, src, w, ("workloads", i), fleet_clouds, hours_default)
        for i, w in enumerate(fleet.workloads)
    ]
    capacity = [_capacity(catalog, c, ("capacity", i), src) for i, c in enumerate(fleet.capacity)]
    update = {
        "clouds": fleet_clouds,
        "workloads": workloads,
        "capacity": capacity,
        "allow": names.residency(fleet.allow, ("allow",), src),
        "deny": names.residency(fleet.deny, ("deny",), src),
    }
    resolved = fleet.model_copy(update=update)
    # Equal field-name sets: one copy, not one per model (~2 KB each, 10^5–10^6 models).
    sets = FieldSets()
    for w in workloads:
        for part in (w, w.gpu, w.storage, w.data, w.deferrable, w.allow, w.deny, *w.users):
            sets.share(part)
    for entry in capacity:
        sets.share(entry)
    return resolved


class _Names:
    """Catalog name lookups, computed once per resolve (a fleet may name thousands of GPUs)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._gpus = {g.lower(): g for g in catalog.gpu_names()}
        self._types: dict[tuple[str, ...], set[str]] = {}
        self._residency: dict[tuple[object, ...], Residency] = {}

    def gpu(self, name: str, at: Path_, src: SourceMap) -> str:
        hit = self._gpus.get(name.lower())
        return hit if hit is not None else self.catalog.check_gpu(name, location=_loc(src, at))

    def location(self, key: str, at: Path_, src: SourceMap) -> None:
        """Check a `cloud:region` data location."""
        cloud, region = key.split(":", 1)
        if region in self.catalog.region_names(cloud):
            return
        location = _loc(src, at)
        self.catalog.check_region(
            self.catalog.check_cloud(cloud, location=location), region, location=location
        )

    def instance_types(self, clouds: Sequence[str]) -> set[str]:
        key = tuple(clouds)
        if key not in self._types:
            self._types[key] = {t for c in clouds for t in self.catalog.instance_type_names(c)}
        return self._types[key]

    def residency(self, rule: Residency | None, at: Path_, src: SourceMap) -> Residency | None:
        if rule is None:
            return None
        key = (tuple(rule.regions), tuple(rule.countries), tuple(rule.continents))
        if key not in self._residency:
            self._residency[key] = _residency(self.catalog, rule, at, src)
        return self._residency[key]


def _clouds(catalog: Catalog, clouds: Sequence[str] | None, at: Path_, src: SourceMap) -> list[str]:
    if clouds is None:
        return catalog.clouds()
    out: list[str] = []
    for i, cloud in enumerate(clouds):
        name = catalog.check_cloud(cloud, location=_loc(src, (*at, i)))
        if name not in out:
            out.append(name)
    return out


def _workload(
    names: _Names,
    fleet: Fleet,
    src: SourceMap,
    w: Workload,
    at: Path_,
    fleet_clouds: list[str],
    hours_default: float,
) -> Workload:
    catalog = names.catalog
    gpus = [names.gpu(g, (*at, "gpu", "type", i), src) for i, g in enumerate(w.gpu.type)]
    clouds = _clouds(catalog, w.clouds, (*at, "clouds"), src) if w.clouds else fleet_clouds
    outside = [c for c in clouds if c not in fleet_clouds]
    if outside:
        raise InputError(
            f"{format_path((*at, 'clouds'))}: {', '.join(outside)} is not among the fleet's "
            f"clouds ({', '.join(fleet_clouds)})",
            location=_loc(src, (*at, "clouds")),
            hint="a workload can narrow the fleet's clouds, not widen them",
        )
    if w.instance_types:
        _check_pins(
            names.instance_types(clouds), w.instance_types, clouds, (*at, "instance_types"), src
        )
    if w.data is not None:
        names.location(w.data.location, (*at, "data", "location"), src)
    utilization = w.utilization if w.utilization is not None else fleet.utilization
    canonical = list(dict.fromkeys(gpus))
    gpu = w.gpu if canonical == w.gpu.type else w.gpu.model_copy(update={"type": canonical})
    throughput = canonical_throughput(w, at, lambda g, p: names.gpu(g, p, src))
    unrated: tuple[str, ...] = ()
    if gpu.h100_equivalents is not None:  # (a copy per workload costs ~13 µs: only when used)
        probe = w.model_copy(update={"throughput": throughput})
        gpu, unrated = size_by_work(catalog, probe, gpu, at, src)
    out = w.model_copy(
        update={
            "gpu": gpu,
            "throughput": throughput,
            "clouds": clouds,
            "nodes": w.node_count,
            "hours_per_month": w.hours_per_month or hours_default,
            # Unset utilisation → full board power: an upper bound, never an optimistic guess.
            "utilization": 1.0 if utilization is None else utilization,
            **_purchase(fleet, w),
            "owner": w.owner or fleet.owner,
            "cost_center": w.cost_center or fleet.cost_center,
            "platform": w.platform or fleet.platform,
            "allow": names.residency(w.allow, (*at, "allow"), src),
            "deny": names.residency(w.deny, (*at, "deny"), src),
        }
    )
    out._unrated = unrated  # families left out for want of a throughput ratio
    return out


def _purchase(fleet: Fleet, w: Workload) -> dict[str, object]:
    """The workload's allowed purchase options (its own list, else the fleet's default plus
    spot when it says `spot: true`, else on-demand [+ spot]); `spot` follows the list."""
    if w.purchase is not None:
        allowed = list(w.purchase)
    else:
        allowed = list(fleet.purchase or ["on-demand"])
        if w.spot and "spot" not in allowed:
            allowed.append("spot")
        if not w.spot and "spot" in w.model_fields_set and "spot" in allowed:
            allowed.remove("spot")  # an explicit `spot: false` narrows the fleet's default
    allowed = [n for n in NAMES if n in allowed]  # canonical order, no repeats
    return {"purchase": allowed, "spot": "spot" in allowed}


def _check_pins(
    sold: set[str], pins: Sequence[str], clouds: Sequence[str], at: Path_, src: SourceMap
) -> None:
    for i, pin in enumerate(pins):
        if pin not in sold:
            raise UnknownNameError(
                "instance type",
                pin,
                sold,
                location=_loc(src, (*at, i)),
                scope=", ".join(clouds),
            )


def _capacity(catalog: Catalog, entry: CapacityEntry, at: Path_, src: SourceMap) -> CapacityEntry:
    cloud = entry.cloud
    clouds = catalog.clouds()
    if cloud is not None:
        cloud = catalog.check_cloud(cloud, location=_loc(src, (*at, "cloud")))
        clouds = [cloud]
    keys = [f"{c}:{r}" for c in clouds for r in catalog.region_names(c)]
    if not any(region_matches(entry.region, k) for k in keys):
        kind = "region pattern" if GLOB_CHARS & set(entry.region) else "region"
        raise UnknownNameError(
            kind,
            entry.region,
            [k.split(":", 1)[1] for k in keys],
            location=_loc(src, (*at, "region")),
            scope=", ".join(clouds),
        )
    continent = entry.continent
    if continent is not None:
        continent = _continent(catalog, continent, _loc(src, (*at, "continent")))
    gpu = entry.gpu
    if gpu is not None:
        gpu = catalog.check_gpu(gpu, location=_loc(src, (*at, "gpu")))
    return entry.model_copy(update={"cloud": cloud, "gpu": gpu, "continent": continent})


def _continent(catalog: Catalog, value: str, location: str) -> str:
    known = sorted(set(catalog.regions["continent"].dropna().unique()))
    lookup = {k.lower(): k for k in known}
    if value.lower() not in lookup:
        raise UnknownNameError("continent", value, known, location=location)
    return lookup[value.lower()]


def _residency(catalog: Catalog, rule: Residency, at: Path_, src: SourceMap) -> Residency:
    all_regions = [f"{c}:{r}" for c in catalog.clouds() for r in catalog.region_names(c)]
    for i, pattern in enumerate(rule.regions):
        if not any(region_matches(pattern, key) for key in all_regions):
            bare = [k.split(":", 1)[1] for k in all_regions]
            raise UnknownNameError(
                "region pattern",
                pattern,
                [*bare, *all_regions],
                location=_loc(src, (*at, "regions", i)),
            )
    countries = [
        _country(c, _loc(src, (*at, "countries", i))) for i, c in enumerate(rule.countries)
    ]
    continents = [
        _continent(catalog, c, _loc(src, (*at, "continents", i)))
        for i, c in enumerate(rule.continents)
    ]
    return rule.model_copy(update={"countries": countries, "continents": continents})


def _country(code: str, location: str) -> str:
    """ISO 3166 alpha-2 or alpha-3 (any case) → alpha-3."""
    import pycountry  # ~20 ms: only fleets that name countries pay for it

    value = code.strip().upper()
    hit = None
    if len(value) == 2:
        hit = pycountry.countries.get(alpha_2=value)
    elif len(value) == 3:
        hit = pycountry.countries.get(alpha_3=value)
    if hit is None:
        names = _country_codes()
        raise UnknownNameError("country code", code, names, location=location)
    return str(hit.alpha_3)


def _country_codes() -> list[str]:
    import pycountry

    codes: list[str] = []
    for country in pycountry.countries:
        codes.extend((str(country.alpha_2), str(country.alpha_3)))
    return codes


def region_matches(pattern: str, key: str) -> bool:
    """Does a residency/capacity pattern match `cloud:region`? Bare patterns match the code."""
    region = key.split(":", 1)[1]
    if ":" in pattern:
        return fnmatch.fnmatchcase(key, pattern)
    return fnmatch.fnmatchcase(region, pattern)


def matches_any(patterns: Iterable[str], key: str) -> bool:
    return any(region_matches(p, key) for p in patterns)


def _loc(src: SourceMap, path: Path_) -> str:
    return f"{src.location(path)}: {format_path(path)}"
