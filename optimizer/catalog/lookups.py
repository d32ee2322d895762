"""Lookup indexes over one catalog's tables: names (clouds, GPUs, instance types), the
offerings rows of each region, coefficients and unit-price rows.

A plan or an estimate asks the catalog the same questions thousands of times; a scan of the
10^5-row offerings table per question would dominate. `Catalog` builds one `Names` lazily
and each index on first use; the tables are read-only, so the indexes never go stale.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.regional import offering_names
from cloudwright.optimizer.catalog.types import Coefficient, UnitPrice, _none_if_na

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog.catalog import Catalog


# Names users write for a catalog GPU. `A100` is the 40 GB part, as SkyPilot's catalogs and
# `sky launch --gpus A100` use it; the SXM/PCIe and memory spellings name the same boards.
GPU_ALIASES: dict[str, str] = {
    "A100": "A100-40GB",
    "A100-40G": "A100-40GB",
    "A100-SXM4-40GB": "A100-40GB",
    "A100-80G": "A100-80GB",
    "A100-SXM4-80GB": "A100-80GB",
    "H100-SXM": "H100",
    "H100-SXM5": "H100",
    "H100-80GB": "H100",
    "H100-SXM-80GB": "H100",
    "H200-SXM": "H200",
    "H200-141GB": "H200",
    "V100-16GB": "V100",
    "L40-S": "L40S",
    # TPUs: Google's version names, gcloud's accelerator-type prefixes and the v5e pod name.
    "v4": "TPU-v4",
    "tpu-v4": "TPU-v4",
    "tpuv4": "TPU-v4",
    "v5e": "TPU-v5e",
    "tpu-v5e": "TPU-v5e",
    "tpu-v5-lite": "TPU-v5e",
    "v5litepod": "TPU-v5e",
    "tpuv5e": "TPU-v5e",
    "v5p": "TPU-v5p",
    "tpu-v5p": "TPU-v5p",
    "tpuv5p": "TPU-v5p",
    "v6e": "TPU-v6e",
    "tpu-v6e": "TPU-v6e",
    "tpuv6e": "TPU-v6e",
    "Trillium": "TPU-v6e",
    "TPU-Trillium": "TPU-v6e",
    # AWS Neuron devices: the product names and the instance families that carry them.
    "Trainium": "Trainium1",
    "Trainium-1": "Trainium1",
    "trn1": "Trainium1",
    "trn1n": "Trainium1",
    "Trainium-2": "Trainium2",
    "trn2": "Trainium2",
    "Inferentia-2": "Inferentia2",
    "inf2": "Inferentia2",
    # Intel Habana Gaudi (first generation, HL-205 mezzanine card; AWS dl1).
    "Gaudi": "Gaudi-HL205",
    "Gaudi1": "Gaudi-HL205",
    "HL-205": "Gaudi-HL205",
    "Gaudi-HL-205": "Gaudi-HL205",
    "dl1": "Gaudi-HL205",
    "MI300": "MI300X",
}


class Names:
    """The indexes of one catalog (see the module docstring)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @cached_property
    def _offered(self) -> dict[str, set[str]]:
        """Clouds, GPU names and `cloud:region`s in the offerings, from the table cache (not
        the 10^5 rows)."""
        catalog = self.catalog
        names = catalog.derived("offering_names", lambda: offering_names(catalog.offerings))
        return {
            kind: set(names.loc[names["kind"] == kind, "name"])
            for kind in ("cloud", "gpu", "region")
        }

    @cached_property
    def region_names(self) -> dict[str, list[str]]:
        """Regions per cloud: the regions table's and every region something is sold in."""
        names: dict[str, set[str]] = {}
        regions = self.catalog.regions[["cloud", "region"]].drop_duplicates()
        pairs = [(str(c), str(r)) for c, r in regions.itertuples(index=False)]
        pairs += [(k.split(":", 1)[0], k.split(":", 1)[1]) for k in self._offered["region"]]
        for cloud, region in pairs:
            names.setdefault(cloud, set()).add(region)
        return {c: sorted(r) for c, r in names.items()}

    @cached_property
    def clouds(self) -> tuple[str, ...]:
        present = self._offered["cloud"]
        return tuple(c for c in schema.CLOUDS if c in present)

    @cached_property
    def gpus(self) -> tuple[str, ...]:
        in_offerings = self._offered["gpu"]
        return tuple(sorted(in_offerings | set(self.catalog.gpus["gpu"].unique())))

    @cached_property
    def gpu_lookup(self) -> dict[str, str]:
        """Catalog names, any case, plus the aliases people write (GPU_ALIASES)."""
        lookup = {g.lower(): g for g in self.gpus}
        for alias, name in GPU_ALIASES.items():
            if name in self.gpus:
                lookup.setdefault(alias.lower(), name)
        return lookup

    @cached_property
    def _types(self) -> dict[str | None, tuple[str, ...]]:
        frame = self.catalog.offerings[["cloud", "instance_type"]].drop_duplicates()
        out: dict[str | None, tuple[str, ...]] = {
            str(c): tuple(sorted(g["instance_type"])) for c, g in frame.groupby("cloud")
        }
        out[None] = tuple(sorted(set(frame["instance_type"])))
        return out

    def instance_types(self, cloud: str | None = None) -> tuple[str, ...]:
        return self._types.get(cloud, ())

    @cached_property
    def _type_sets(self) -> dict[str | None, frozenset[str]]:
        return {c: frozenset(names) for c, names in self._types.items()}

    def instance_type_set(self, cloud: str | None = None) -> frozenset[str]:
        return self._type_sets.get(cloud, frozenset())

    @cached_property
    def _rows_by_region(self) -> dict[tuple[str, str], Any]:
        frame = self.catalog.offerings
        indices: dict[Any, Any] = frame.groupby(["cloud", "region"], sort=False).indices
        return dict(indices)

    def rows_of(self, cloud: str, region: str) -> Any:
        """Positions (ascending) of the offerings rows in cloud:region."""
        return self._rows_by_region.get((cloud, region), [])

    @cached_property
    def coefficients(self) -> dict[tuple[str, str], Coefficient]:
        out: dict[tuple[str, str], Coefficient] = {}
        for rec in self.catalog.coefficients.to_dict("records"):
            key = (str(rec["name"]), str(rec["cloud"]))
            out.setdefault(  # the first row wins, as a scan would find it
                key,
                Coefficient(
                    key[0],
                    float(rec["value"]),
                    str(rec["unit"]),
                    str(rec["source"]),
                    str(rec["source_date"]),
                ),
            )
        return out

    @cached_property
    def _unit_prices(self) -> dict[tuple[str, str, str, str], dict[str, UnitPrice]]:
        """(cloud, service, product, unit) → region → the row `Catalog.unit_price` answers
        with: the lowest tier_start, an unknown tier_start first, ties in table order (what a
        stable sort of the region's rows would put first). One pass over the table: a plan
        prices hundreds of (item, region) pairs, and a frame filter and sort each cost ~1 ms."""
        frame = self.catalog.unit_prices
        names = ("cloud", "service", "product", "unit", "region", "tier_start", "usd_per_unit")
        columns = [frame[c].tolist() for c in (*names, "source", "source_date", "notes")]
        best: dict[tuple[str, str, str, str], dict[str, tuple[tuple[int, float], UnitPrice]]] = {}
        for cloud, service, product, unit, region, tier, usd, source, day, notes in zip(
            *columns, strict=True
        ):
            if any(_none_if_na(v) is None for v in (cloud, service, product, unit, region)):
                continue  # a row without its key is never found (groupby drops NA keys)
            start = _none_if_na(tier)
            rank = (0, 0.0) if start is None else (1, float(start))
            regions = best.setdefault((str(cloud), str(service), str(product), str(unit)), {})
            held = regions.get(str(region))
            if held is not None and held[0] <= rank:
                continue
            price = _none_if_na(usd)
            regions[str(region)] = (
                rank,
                UnitPrice(
                    str(cloud),
                    str(region),
                    str(service),
                    str(product),
                    str(unit),
                    float(price) if price is not None else None,
                    str(source),
                    str(day),
                    _none_if_na(notes),
                ),
            )
        return {k: {r: held[1] for r, held in v.items()} for k, v in best.items()}

    def unit_price_regions(self, key: tuple[str, str, str, str]) -> dict[str, UnitPrice] | None:
        """Region → price of (cloud, service, product, unit); None when it has no row."""
        return self._unit_prices.get(key)
