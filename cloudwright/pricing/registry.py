"""Pulumi type token → pricer module, the free list, and everything else unsupported.

Adding a priced type: write one module under pricing/<cloud>/ that exposes `PRICER`, list
the module here, and add a golden case under tests/golden/pricing/. A type may appear in
exactly one place: a pricer, the free list, or neither (unsupported, reported as such).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Literal

from cloudwright.pricing.components import CostComponent
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.free import FREE_TYPES
from cloudwright.resource_graph.model import Resource

PriceFn = Callable[[Resource, PricingContext], list[CostComponent]]
LocateFn = Callable[[Resource, PricingContext], str | None]
Classification = Literal["priced", "free", "unsupported"]


@dataclass(frozen=True)
class Pricer:
    """What a pricer module exports as `PRICER`."""

    types: tuple[str, ...]
    summary: str  # one line for the supported-types table in docs/coverage.md
    price: PriceFn
    # Where a resource without a region of its own bills (a Kubernetes object: its
    # cluster's region); None: the resource's region as the graph resolved it.
    locate: LocateFn | None = None


MODULES: tuple[str, ...] = (
    "cloudwright.pricing.aws.ec2_instance",
    "cloudwright.pricing.aws.autoscaling_group",
    "cloudwright.pricing.aws.fleet",
    "cloudwright.pricing.aws.eks_cluster",
    "cloudwright.pricing.aws.eks_node_group",
    "cloudwright.pricing.aws.ebs_volume",
    "cloudwright.pricing.aws.fsx_lustre",
    "cloudwright.pricing.aws.s3_bucket",
    "cloudwright.pricing.aws.nat_gateway",
    "cloudwright.pricing.aws.eip",
    "cloudwright.pricing.aws.vpc_endpoint",
    "cloudwright.pricing.aws.kms_key",
    "cloudwright.pricing.aws.rds",
    "cloudwright.pricing.aws.load_balancer",
    "cloudwright.pricing.aws.lambda_function",
    "cloudwright.pricing.aws.ecs_service",
    "cloudwright.pricing.aws.log_group",
    "cloudwright.pricing.gcp.compute_instance",
    "cloudwright.pricing.gcp.instance_group_manager",
    "cloudwright.pricing.gcp.gke_cluster",
    "cloudwright.pricing.gcp.gke_node_pool",
    "cloudwright.pricing.gcp.persistent_disk",
    "cloudwright.pricing.gcp.filestore",
    "cloudwright.pricing.gcp.parallelstore",
    "cloudwright.pricing.gcp.managed_lustre",
    "cloudwright.pricing.gcp.gcs_bucket",
    "cloudwright.pricing.gcp.cloud_nat",
    "cloudwright.pricing.gcp.address",
    "cloudwright.pricing.gcp.cloud_sql",
    "cloudwright.pricing.gcp.forwarding_rule",
    "cloudwright.pricing.gcp.service_directory",
    "cloudwright.pricing.gcp.tpu_vm",
    "cloudwright.pricing.gcp.tpu_queued_resource",
    "cloudwright.pricing.azure.virtual_machine",
    "cloudwright.pricing.azure.vm_scale_set",
    "cloudwright.pricing.azure.aks_cluster",
    "cloudwright.pricing.azure.aks_agent_pool",
    "cloudwright.pricing.azure.managed_disk",
    "cloudwright.pricing.azure.managed_lustre",
    "cloudwright.pricing.azure.storage_account",
    "cloudwright.pricing.azure.nat_gateway",
    "cloudwright.pricing.azure.public_ip",
    "cloudwright.pricing.azure.sql_database",
    "cloudwright.pricing.azure.load_balancer",
    "cloudwright.pricing.azure.file_share",
    "cloudwright.pricing.azure.container_group",
    "cloudwright.pricing.azure.network_extras",
    "cloudwright.pricing.kubernetes",
    "cloudwright.pricing.site",
)


@cache
def pricers() -> dict[str, tuple[str, Pricer]]:
    """type token → (module name, pricer). Raises if a type is registered twice."""
    table: dict[str, tuple[str, Pricer]] = {}
    for name in MODULES:
        pricer: Pricer = import_module(name).PRICER
        for type_token in pricer.types:
            if type_token in table or type_token in FREE_TYPES:
                raise RuntimeError(f"{type_token} is registered twice ({name})")
            table[type_token] = (name, pricer)
    return table


def classify(type_token: str) -> Classification:
    if type_token in pricers():
        return "priced"
    if type_token in FREE_TYPES:
        return "free"
    return "unsupported"


def pricer_for(type_token: str) -> Pricer | None:
    hit = pricers().get(type_token)
    return hit[1] if hit is not None else None


def priced_types() -> set[str]:
    return set(pricers())
