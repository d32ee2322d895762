"""Kubernetes objects that make the cloud bill something: a `Service` of type LoadBalancer
(a cloud load balancer) and a `PersistentVolumeClaim` (a cloud disk). Every other Kubernetes
kind is on the free list (its pods run on nodes billed on the node group or pool).

Which cloud: the storage provisioner a claim records (`volume.kubernetes.io/storage-
provisioner` or its beta spelling: EBS, GCE PD, Azure Disk CSI or in-tree), else the one
kind of managed cluster in the graph (EKS, GKE, AKS); neither, or clusters of several
clouds, is unknown. A local provisioner (minikube/kind/k3s host paths) bills nothing. The
region is the cluster's.

- Service, LoadBalancer: GKE a forwarding rule (the flat first-five rate when the graph has
  no other forwarding rule in the region, else the per-rule rate); EKS a classic load
  balancer (the in-tree controller's default without annotations; with the AWS Load
  Balancer Controller's `nlb` annotation a network load balancer); AKS one Standard load
  balancer rule per port on the cluster's shared balancer. Other service types: nothing.
- PersistentVolumeClaim: `spec.resources.requests.storage` (else `status.capacity`) of the
  cluster's default class: GKE pd-balanced (standard-rwo) or pd-standard (in-tree
  `kubernetes.io/gce-pd`), EKS gp2, AKS StandardSSD_LRS (managed-csi, by size tier).
"""

from __future__ import annotations

import re
from typing import Any

from cloudwright.pricing.aws.ebs_volume import EbsArgs, ebs_components
from cloudwright.pricing.aws.load_balancer import classic_components
from cloudwright.pricing.azure.machine import managed_disk
from cloudwright.pricing.components import (
    CostComponent,
    Quantity,
    StorageEnergy,
    TableRate,
    UnitRate,
    Unpriced,
)
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import raw
from cloudwright.resource_graph.facts.values import as_list
from cloudwright.resource_graph.model import Resource, Unknown

SERVICE = "kubernetes:core/v1:Service"
CLAIM = "kubernetes:core/v1:PersistentVolumeClaim"
CLUSTERS = {
    "aws": ("aws:eks/cluster:Cluster",),
    "gcp": ("gcp:container/cluster:Cluster",),
    "azure": (
        "azure:containerservice/kubernetesCluster:KubernetesCluster",
        "azure-native:containerservice:ManagedCluster",
    ),
}
FORWARDING_RULES = (
    "gcp:compute/forwardingRule:ForwardingRule",
    "gcp:compute/globalForwardingRule:GlobalForwardingRule",
)
_PROVISIONERS = {
    "ebs.csi.aws.com": "aws",
    "kubernetes.io/aws-ebs": "aws",
    "pd.csi.storage.gke.io": "gcp",
    "kubernetes.io/gce-pd": "gcp",
    "disk.csi.azure.com": "azure",
    "kubernetes.io/azure-disk": "azure",
}
_LOCAL = re.compile(r"hostpath|local-path|local-volume|no-provisioner", re.IGNORECASE)
_ANNOTATIONS = (
    "volume.kubernetes.io/storage-provisioner",
    "volume.beta.kubernetes.io/storage-provisioner",
)
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGTPE]i?)?\s*$")
_FACTOR = {
    None: 1e-9,
    "K": 1e-6,
    "M": 1e-3,
    "G": 1.0,
    "T": 1e3,
    "P": 1e6,
    "E": 1e9,
    "Ki": 2**10 / 1e9,
    "Mi": 2**20 / 1e9,
    "Gi": 2**30 / 1e9,
    "Ti": 2**40 / 1e9,
    "Pi": 2**50 / 1e9,
    "Ei": 2**60 / 1e9,
}
NLB_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-type"


def _clusters(ctx: PricingContext) -> dict[str, list[Resource]]:
    found: dict[str, list[Resource]] = {}
    for cloud, types in CLUSTERS.items():
        live = [r for r in ctx.of_type(*types) if r.op not in ("delete", "discard")]
        if live:
            found[cloud] = live
    return found


def _provisioner(resource: Resource) -> str | None:
    annotations = raw(resource, "metadata.annotations")
    if isinstance(annotations, dict):
        for key in _ANNOTATIONS:
            value = annotations.get(key)
            if isinstance(value, str) and value:
                return value
    return None


def _cloud(resource: Resource, ctx: PricingContext) -> tuple[str | None, str | None]:
    """(cloud, why not) of where this object's cloud resource is created."""
    provisioner = _provisioner(resource) if resource.type == CLAIM else None
    if provisioner is not None:
        if provisioner in _PROVISIONERS:
            return _PROVISIONERS[provisioner], None
        if _LOCAL.search(provisioner):
            return None, None  # a node's local disk: nothing billed
    clusters = _clusters(ctx)
    if len(clusters) == 1:
        return next(iter(clusters)), None
    if not clusters:
        return None, "no EKS, GKE or AKS cluster in this graph says which cloud it runs on"
    return None, f"clusters of several clouds ({', '.join(sorted(clusters))}) in this graph"


def locate(resource: Resource, ctx: PricingContext) -> str | None:
    cloud, _ = _cloud(resource, ctx)
    if cloud is None:
        return None
    regions = {c.region for c in _clusters(ctx).get(cloud, []) if c.region}
    return regions.pop() if len(regions) == 1 else None


def _size_gb(value: Any) -> Quantity:
    if isinstance(value, Unknown):
        return Unpriced("the requested storage is computed at apply time")
    match = _SIZE.match(value) if isinstance(value, str) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) * 1e-9  # a bare number is bytes
    if match is None:
        return Unpriced(f"the requested storage is not a Kubernetes quantity ({value!r})")
    return float(match.group(1)) * _FACTOR[match.group(2)]


def _claim(resource: Resource, ctx: PricingContext, cloud: str) -> list[CostComponent]:
    size = _size_gb(raw(resource, "spec.resources.requests.storage", "status.capacity.storage"))
    if cloud == "aws":
        return ebs_components(EbsArgs("gp2", size), prefix="Volume: ")
    if cloud == "azure":
        gib = size / (2**30 / 1e9) if isinstance(size, float) else size
        return managed_disk("StandardSSD_LRS", gib, prefix="Volume: ")
    if _provisioner(resource) == "kubernetes.io/gce-pd":
        return [
            CostComponent(
                name="Volume: Storage (standard persistent disk, pd-standard)",
                unit="GB",
                quantity=size,
                price=UnitRate("gcp", "pd", "pd-standard", "GB-month"),
                energy=StorageEnergy("hdd", "block"),
            )
        ]
    return [
        CostComponent(
            name="Volume: Storage (balanced persistent disk, pd-balanced)",
            unit="GB",
            quantity=size,
            price=UnitRate("gcp", "pd", "pd-balanced", "GB-month"),
            energy=StorageEnergy("ssd", "block"),
            note="the cluster's default class standard-rwo",
        )
    ]


def _load_balancer(resource: Resource, ctx: PricingContext, cloud: str) -> list[CostComponent]:
    hours = ctx.always_on_hours(resource)
    if cloud == "aws":
        annotations = raw(resource, "metadata.annotations")
        kind = annotations.get(NLB_ANNOTATION) if isinstance(annotations, dict) else None
        if kind in ("nlb", "external"):
            return [
                CostComponent(
                    name="Network load balancer",
                    unit="hours",
                    quantity=hours,
                    price=TableRate("aws", "elb", "network", "hour"),
                )
            ]
        return classic_components(resource, ctx)
    if cloud == "azure":
        ports = max(len(as_list(raw(resource, "spec.ports"))), 1)
        return [
            CostComponent(
                name=f"Load balancer rules ({ports}, on the cluster's Standard balancer)",
                unit="rule-hours",
                quantity=ports * hours,
                price=TableRate("azure", "load_balancer", "rule-additional", "hour"),
                note="one rule per port; the balancer's flat first-five rate is not split",
            )
        ]
    others = [r for r in ctx.of_type(*FORWARDING_RULES) if r.region == locate(resource, ctx)]
    product = "additional" if others else "first-5"
    return [
        CostComponent(
            name="Forwarding rule (LoadBalancer service)",
            unit="hours",
            quantity=hours,
            price=TableRate("gcp", "forwarding_rule", product, "hour"),
        )
    ]


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    if resource.type == SERVICE:
        kind = raw(resource, "spec.type")
        if kind != "LoadBalancer":
            if isinstance(kind, Unknown):
                why = Unpriced("the service type is computed at apply time")
                return [
                    CostComponent("Load balancer", "hours", why, TableRate("*", "*", why, "hour"))
                ]
            return []  # ClusterIP, NodePort, ExternalName: no cloud resource
    cloud, why_not = _cloud(resource, ctx)
    if cloud is None:
        if why_not is None:
            return []  # provisioned on the node's local disk
        what = "load balancer" if resource.type == SERVICE else "volume"
        reason = Unpriced(f"the cloud behind this {what} is unknown: {why_not}")
        return [
            CostComponent(what.capitalize(), "hours", reason, TableRate("*", "*", reason, "hour"))
        ]
    if resource.type == SERVICE:
        return _load_balancer(resource, ctx, cloud)
    return _claim(resource, ctx, cloud)


PRICER = Pricer(
    types=(SERVICE, CLAIM),
    summary="LoadBalancer services as the cluster cloud's load balancer; claims as its "
    "default disk class (by provisioner or cluster); other types nothing",
    price=price,
    locate=locate,
)
