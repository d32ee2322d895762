"""Purchase options: how a placement is bought (on-demand, spot, a 1- or 3-year commitment).

The fleet names them `on-demand | spot | commit-1y | commit-3y`; plans store the pricing as
`on_demand | spot | commit_1y | commit_3y`; the solver carries a small integer code per
candidate (the order below). A commitment (GCP resource-based committed use discount, AWS
standard Reserved Instance / Savings Plan, no upfront) bills every hour of its term whether
the machines run or not: its monthly cost is the commit $/h × COMMIT_BILLED_HOURS × nodes,
whatever hours the workload runs. It is a billing construct: the machines deployed are plain
on-demand instances; the reservation/CUD is bought separately.
"""

from __future__ import annotations

from typing import Literal

PurchaseName = Literal["on-demand", "spot", "commit-1y", "commit-3y"]
Pricing = Literal["on_demand", "spot", "commit_1y", "commit_3y"]

ON_DEMAND, SPOT, COMMIT_1Y, COMMIT_3Y = 0, 1, 2, 3
PRICING: tuple[Pricing, ...] = ("on_demand", "spot", "commit_1y", "commit_3y")  # by code
NAMES: tuple[PurchaseName, ...] = ("on-demand", "spot", "commit-1y", "commit-3y")  # by code
CODE: dict[str, int] = {
    **{p: i for i, p in enumerate(PRICING)},
    **{n: i for i, n in enumerate(NAMES)},
}

# Hours a commitment bills per month (365 × 24 / 12): every hour of the term.
COMMIT_BILLED_HOURS = 730.0
TERM_YEARS: dict[str, int] = {"commit_1y": 1, "commit_3y": 3}
# The catalog column holding each commitment's $/h.
COMMIT_COLUMN: dict[str, str] = {
    "commit_1y": "price_commit_1y_usd_hr",
    "commit_3y": "price_commit_3y_usd_hr",
}

# What the buyer purchases outside the stack, by cloud.
COMMIT_PRODUCT: dict[str, str] = {
    "aws": "AWS Reserved Instances / Savings Plans",
    "gcp": "GCP committed use discount",
    "azure": "Azure Reserved VM Instances",
}


def is_commitment(pricing: str) -> bool:
    return pricing in TERM_YEARS


def label(pricing: str) -> str:
    """The user-facing name: 'on-demand', 'spot', 'commit-1y', 'commit-3y'."""
    return NAMES[CODE[pricing]] if pricing in CODE else pricing


def term(pricing: str) -> str:
    """'1-year commitment' for commit_1y, and so on."""
    return f"{TERM_YEARS[pricing]}-year commitment"


def commit_product(cloud: str) -> str:
    return COMMIT_PRODUCT.get(cloud, f"a {cloud} reservation")


def billing_rule(pricing: str) -> str:
    """One sentence on how a commitment bills (for why/notes/previews)."""
    return (
        f"{term(pricing)}: billed {COMMIT_BILLED_HOURS:g} h/month for the whole "
        f"{TERM_YEARS[pricing] * 12}-month term, even when idle"
    )
