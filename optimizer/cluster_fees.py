"""The managed Kubernetes cluster fee a `platform: kubernetes` workload adds to its plan.

Kubernetes workloads of one cloud and region share one managed cluster (EKS, GKE, AKS: the
stack program builds one per cloud+region, see stacks/program.py), whose control plane is
billed by the hour whatever runs on it. The solver weighs the whole fee on every kubernetes
candidate (`solver.objective.kubernetes_fees`: an upper bound on the share, since sharing is
only known once placed); the plan build then adds each workload's equal share to its
monthly cost (`CostBreakdown.cluster_fee_usd`) and says so in its `why`.

Prices come from the catalog's unit prices (source and date kept there): EKS standard
support, GKE's cluster management fee, AKS Standard tier (the tier the stack deploys).
GKE's free tier credit (one zonal or Autopilot cluster per billing account) is not applied.
A fee the catalog does not price is unknown, never $0: the share is left out and the
explanation says the fee is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.models.cluster_fee import SERVICE_NAMES, cluster_fee_usd_month


@dataclass(frozen=True)
class FeeShare:
    usd_month: float | None  # this workload's share; None when the catalog has no price
    cluster_usd_month: float | None  # the whole cluster's fee
    sharers: int  # kubernetes workloads on the same cloud+region
    service: str

    def sentence(self) -> str:
        if self.usd_month is None:
            return (
                f"Runs as a node pool in a shared {self.service} cluster; the cluster fee is "
                "unknown (no catalog price), so it is not in this cost."
            )
        shared = f", shared by {self.sharers} kubernetes workloads" if self.sharers > 1 else ""
        return (
            f"Includes ${self.usd_month:,.2f}/month of the {self.service} cluster fee "
            f"(${self.cluster_usd_month or 0:,.2f}/month{shared}); the solver weighed the "
            "whole fee against each region, the plan bills this share."
        )


def fee_shares(
    catalog: Catalog, placements: Sequence[tuple[str, str, str]]
) -> list[FeeShare | None]:
    """Per workload, from (platform, cloud, region): its share of its cloud+region's
    managed cluster fee (None for VM workloads)."""
    sharers: dict[tuple[str, str], int] = {}
    # An own site (cloud `site`) runs its own scheduler: no managed cluster fee to share.
    placements = [(p if c != "site" else "vm", c, r) for p, c, r in placements]
    for platform, cloud, region in placements:
        if platform == "kubernetes":
            sharers[(cloud, region)] = sharers.get((cloud, region), 0) + 1
    fees: dict[tuple[str, str], float | None] = {
        key: cluster_fee_usd_month(catalog, *key) for key in sharers
    }
    out: list[FeeShare | None] = []
    for platform, cloud, region in placements:
        if platform != "kubernetes":
            out.append(None)
            continue
        n = sharers[(cloud, region)]
        fee = fees[(cloud, region)]
        out.append(
            FeeShare(
                None if fee is None else fee / n,
                fee,
                n,
                SERVICE_NAMES.get(cloud, "managed Kubernetes"),
            )
        )
    return out
