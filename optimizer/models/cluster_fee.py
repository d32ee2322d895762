"""The monthly fee of one managed Kubernetes cluster (EKS, GKE, AKS Standard tier) in a
region: the fixed charge a `platform: kubernetes` workload brings with it. Read by the
solver (which weighs it) and by the plan build (which shares it out, `cluster_fees`).

Prices come from the catalog's unit prices (source and date kept there). A fee the catalog
does not price is unknown (None), never $0.
"""

from __future__ import annotations

from cloudwright.optimizer.catalog import Catalog

# (service, product, unit) of each cloud's cluster fee in the catalog's unit prices.
FEE_PRODUCTS: dict[str, tuple[str, str, str]] = {
    "aws": ("eks", "cluster", "hour"),
    "gcp": ("gke", "cluster", "hour"),
    "azure": ("aks", "cluster-standard", "hour"),
}
SERVICE_NAMES = {"aws": "EKS", "gcp": "GKE", "azure": "AKS Standard tier"}
# A control plane runs the whole month, whatever the nodes' hours: 8,760 h / 12.
CLUSTER_HOURS_PER_MONTH = 730.0


def cluster_fee_usd_month(catalog: Catalog, cloud: str, region: str) -> float | None:
    """One cluster's fee per month in cloud:region, or None when unknown (own sites have
    no managed cluster: None as well)."""
    product = FEE_PRODUCTS.get(cloud)
    if product is None:
        return None
    price = catalog.unit_price(cloud, *product, region)
    if price is None or price.usd_per_unit is None:
        return None
    return price.usd_per_unit * CLUSTER_HOURS_PER_MONTH
