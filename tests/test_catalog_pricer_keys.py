"""Every unit-price key a pricer (`pricing/**`) can ask for is in the shipped snapshot: priced,
or with an empty price and the reason.

The keys are found two ways. `UnitRate(...)` calls whose arguments are all string literals
are read from the pricers' source (AST), so a new literal key fails here until the catalog
has it. Products that come from a resource's inputs (EBS volume type, GCS storage class,
accelerator type, ...) are enumerated below from the providers' documented values and the
pricers' own tables; every non-literal call must match one of those families on the
arguments it does spell out, so a pricer asking for a new family fails here too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.catalog.build.gcp_gpus import accelerator_types
from cloudwright.pricing.aws.ebs_volume import _LABELS as EBS_TYPES
from cloudwright.pricing.azure.aks_cluster import _TIER_PRODUCT as AKS_TIERS
from cloudwright.pricing.azure.machine import _DISK_LABELS as AZURE_DISKS
from cloudwright.pricing.gcp.filestore import _LEGACY_TIERS as FILESTORE_LEGACY
from cloudwright.pricing.gcp.machine import _DISK_LABELS as GCP_DISKS

ROOT = Path(__file__).resolve().parent.parent
Key = tuple[str, str, str, str]
Pattern = tuple[str | None, str | None, str | None, str | None]

# Values the providers document for inputs that become a product name.
FSX_PRODUCTS = (
    "SCRATCH_1",  # the provider's default deployment type
    "SCRATCH_2",
    *(f"PERSISTENT_1-{t}" for t in (50, 100, 200)),
    *(f"PERSISTENT_1-HDD-{t}" for t in (12, 40)),
    *(f"PERSISTENT_2-{t}" for t in (125, 250, 500, 1000)),
)
GCS_CLASSES = (
    "STANDARD",
    "NEARLINE",
    "COLDLINE",
    "ARCHIVE",
    "MULTI_REGIONAL",
    "REGIONAL",
    "DURABLE_REDUCED_AVAILABILITY",
)
FILESTORE_TIERS = ("BASIC_HDD", "BASIC_SSD", "ZONAL", "REGIONAL", "ENTERPRISE")
AZURE_BLOB = (
    *(
        f"{tier}-{replication}"
        for tier in ("Hot", "Cool", "Cold", "Archive")
        for replication in ("LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS")
    ),
    "Premium-LRS",
    "Premium-ZRS",
)
AMLFS = tuple(f"AMLFS-Durable-Premium-{t}" for t in (40, 125, 250, 500))
REQUESTS = ("requests-put", "requests-get")


def input_driven_keys() -> set[Key]:
    keys: set[Key] = set()
    keys |= {("aws", "ebs", t, "GB-month") for t in EBS_TYPES}
    keys |= {("aws", "ebs", p, "IOPS-month") for p in ("gp3-iops", "io1-iops", "io2-iops")}
    keys |= {("aws", "ebs", "gp3-throughput", "MBps-month")}
    keys |= {("aws", "fsx_lustre", p, "GB-month") for p in FSX_PRODUCTS}
    keys |= {("aws", "s3", "STANDARD", "GB-month")}
    keys |= {("gcp", "pd", t, "GB-month") for t in GCP_DISKS}
    keys |= {("gcp", "gcs", c, "GB-month") for c in GCS_CLASSES}
    tiers = set(FILESTORE_TIERS) | set(FILESTORE_LEGACY.values())
    keys |= {("gcp", "filestore", t, "GB-month") for t in tiers}
    keys |= {("gcp", "managed_lustre", t, "GB-month") for t in ("125", "250", "500", "1000")}
    gpus = accelerator_types()["accelerator_type"]
    keys |= {("gcp", "gpu", str(t), "hour") for t in gpus}
    keys |= {("azure", "managed_disk", sku, "GB-month") for sku in AZURE_DISKS}
    keys |= {("azure", "blob", p, "GB-month") for p in AZURE_BLOB}
    keys |= {("azure", "managed_lustre", sku, "TiB-month") for sku in AMLFS}
    keys |= {("azure", "aks", p, "hour") for p in AKS_TIERS.values()}
    keys |= {("azure", "public_ip", p, "hour") for p in ("standard-static", "basic-static")}
    keys |= {("azure", "public_ip", "basic-dynamic", "hour")}
    for cloud, service in (("aws", "s3"), ("gcp", "gcs"), ("azure", "blob")):
        keys |= {(cloud, service, p, "1k-requests") for p in REQUESTS}
    for cloud in ("aws", "azure"):
        keys |= {(cloud, "nat_gateway", "gateway", "hour")}
        keys |= {(cloud, "nat_gateway", "data-processed", "GB")}
    return keys


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


Call = tuple[str, list[str | None], dict[str, str | None]]


def _calls(name: str) -> Iterator[Call]:
    """Every `name(...)` call in pricing/: where, positional and keyword arguments as
    literals (None where the argument is computed)."""
    for path in sorted((ROOT / "cloudwright" / "pricing").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == name:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                args = [_literal(a) for a in node.args]
                kwargs = {k.arg: _literal(k.value) for k in node.keywords if k.arg}
                yield where, args, kwargs


def _argument(call: Call, position: int, name: str) -> str | None:
    _, args, kwargs = call
    return args[position] if position < len(args) else kwargs.get(name)


def unit_rate_patterns() -> list[tuple[str, Pattern]]:
    fields = ("cloud", "service", "product", "unit")
    return [
        (call[0], tuple(_argument(call, i, f) for i, f in enumerate(fields)))  # type: ignore[misc]
        for call in _calls("UnitRate")
    ]


def helper_patterns() -> list[tuple[str, Pattern]]:
    """The shared helpers (`object_storage`, `nat_components`) take cloud and service from
    their callers: each call site's literals make patterns of their own."""
    out: list[tuple[str, Pattern]] = []
    for call in _calls("object_storage"):
        cloud, service = _argument(call, 2, "cloud"), _argument(call, 3, "service")
        out.append((call[0], (cloud, service, None, "GB-month")))
        out.append((call[0], (cloud, service, None, "1k-requests")))
    for call in _calls("nat_components"):
        cloud, service = _argument(call, 2, "cloud"), _argument(call, 3, "service")
        out.append((call[0], (cloud, service, "gateway", "hour")))
        out.append((call[0], (cloud, service, "data-processed", "GB")))
    return out


def _matches(pattern: Pattern, key: Key) -> bool:
    return all(p is None or p == k for p, k in zip(pattern, key, strict=True))


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


def requested_keys() -> set[Key]:
    literal = {
        (str(p[0]), str(p[1]), str(p[2]), str(p[3]))
        for _, p in unit_rate_patterns()
        if None not in p
    }
    return literal | input_driven_keys()


def test_the_scan_sees_the_pricers() -> None:
    patterns = [p for _, p in unit_rate_patterns()]
    assert ("aws", "vpc", "public-ipv4", "hour") in patterns
    assert ("gcp", "gpu", None, "hour") in patterns
    helpers = [p for _, p in helper_patterns()]
    assert ("aws", "s3", None, "GB-month") in helpers
    assert ("azure", "nat_gateway", "gateway", "hour") in helpers


def test_every_computed_key_family_is_enumerated() -> None:
    keys = input_driven_keys() | requested_keys()
    for where, pattern in unit_rate_patterns() + helper_patterns():
        if pattern[0] is None and pattern[1] is None:
            continue  # inside the shared helpers: covered by their call sites
        assert any(_matches(pattern, key) for key in keys), (
            f"{where} asks for {pattern}: no enumerated key matches; add the family to "
            "input_driven_keys() and its prices to the catalog"
        )


def test_every_requested_key_is_priced_or_says_why(shipped: Catalog) -> None:
    missing, silent = [], []
    for cloud, service, product, unit in sorted(requested_keys()):
        row = shipped.unit_price(cloud, service, product, unit, "*")
        if row is None:
            missing.append(f"{cloud}/{service}/{product}/{unit}")
        elif row.usd_per_unit is None and not row.notes:
            silent.append(f"{cloud}/{service}/{product}/{unit}")
    assert not missing, f"no catalog row (not even '*') for: {', '.join(missing)}"
    assert not silent, f"unknown price without a reason: {', '.join(silent)}"


def test_the_known_gaps_are_now_priced(shipped: Catalog) -> None:
    expect = {
        ("aws", "vpc", "public-ipv4", "hour", "us-west-2"): 0.005,
        ("aws", "kms", "key", "month", "eu-central-1"): 1.0,
        ("aws", "vpc_endpoint", "interface", "hour", "us-east-1"): 0.01,
        ("aws", "vpc_endpoint", "data-processed", "GB", "us-east-1"): 0.01,
        ("gcp", "pd", "pd-balanced", "GB-month", "europe-west4"): 0.11,  # calculator, per region
        ("gcp", "ip", "external-static", "hour", "us-central1"): 0.005,
        ("gcp", "gpu", "nvidia-tesla-t4", "hour", "us-central1"): 0.35,
        ("azure", "public_ip", "standard-static", "hour", "eastus"): 0.005,
    }
    for (cloud, service, product, unit, region), usd in expect.items():
        row = shipped.unit_price(cloud, service, product, unit, region)
        assert row is not None and row.usd_per_unit == pytest.approx(usd), (product, row)


def test_gpu_prices_are_per_region_and_bundled_gpus_say_so(shipped: Catalog) -> None:
    t4 = shipped.unit_price("gcp", "gpu", "nvidia-tesla-t4", "hour", "asia-east1")
    assert t4 is not None and t4.region == "asia-east1" and t4.usd_per_unit == pytest.approx(0.35)
    nowhere = shipped.unit_price("gcp", "gpu", "nvidia-tesla-v100", "hour", "me-central1")
    assert nowhere is not None and nowhere.usd_per_unit is None
    assert nowhere.notes and nowhere.notes.startswith("priced per region")
    l4 = shipped.unit_price("gcp", "gpu", "nvidia-l4", "hour", "us-central1")
    assert l4 is not None and l4.usd_per_unit is None
    assert l4.notes and "already includes it" in l4.notes
