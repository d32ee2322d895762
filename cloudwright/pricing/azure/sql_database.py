"""Azure SQL Database (`azure:sql/database:Database`, `azure:mssql/database:Database`): the
service objective's compute and the data storage.

Service objective: `requestedServiceObjectiveName` (classic `sql`), else `skuName`
(`mssql`), read from inputs then outputs (Azure applies GP_Gen5_2 when none is asked).
vCore objectives `<tier>_Gen5_<vCores>` (GP, BC, HS) bill vCore-hours of compute plus the SQL
licence per vCore (pay as you go, no Azure Hybrid Benefit) and storage per GB of
`maxSizeGb` / `maxSizeBytes`; DTU objectives (Basic, S0–S12, P1–P15) bill a flat hourly rate
that includes their storage. Serverless (`GP_S_…`) and elastic-pool databases bill elsewhere
or by usage and stay unknown with the reason. Backup storage beyond the included amount is
not priced (noted).
"""

from __future__ import annotations

import re

from cloudwright.pricing.components import CostComponent, Quantity, TableRate, Text, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, raw, text_input, times
from cloudwright.resource_graph.model import Resource

_VCORE = re.compile(r"^(GP|BC|HS)_Gen5_(\d+)$")
_DTU = re.compile(r"^(Basic|S\d+|P\d+)$")
GIB = 2.0**30
DEFAULT_OBJECTIVE = "GP_Gen5_2"  # Azure's default for a new single database


def _objective(resource: Resource) -> Text:
    named = text_input(resource, "service objective", "requestedServiceObjectiveName", "skuName")
    return named or DEFAULT_OBJECTIVE


def _size_gb(resource: Resource) -> Quantity | None:
    gb = num_input(resource, "max size", "maxSizeGb")
    if gb is not None:
        return gb
    size = num_input(resource, "max size", "maxSizeBytes")
    return times(size, 1 / GIB) if size is not None else None


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    if isinstance(raw(resource, "elasticPoolName", "elasticPoolId"), str):
        return []  # billed on its elastic pool
    objective = _objective(resource)
    hours = ctx.compute_hours(resource)
    if isinstance(objective, Unpriced):
        return [
            CostComponent(
                "Compute", "hours", objective, TableRate("azure", "sql_database", objective, "hour")
            )
        ]
    dtu = _DTU.match(objective)
    if dtu:
        return [
            CostComponent(
                name=f"Compute ({objective}, DTU)",
                unit="hours",
                quantity=hours,
                price=TableRate("azure", "sql_database", objective, "hour"),
                note="DTU tiers include their base storage",
            )
        ]
    vcore = _VCORE.match(objective)
    if not vcore:
        reason = f"service objective {objective} is not priced (serverless, Gen4 and M-series are not in the table)"
        return [
            CostComponent(
                f"Compute ({objective})",
                "hours",
                Unpriced(reason),
                TableRate("azure", "sql_database", objective, "hour"),
            )
        ]
    tier, vcores = vcore.group(1), float(vcore.group(2))
    size = _size_gb(resource)
    components = [
        CostComponent(
            name=f"Compute (provisioned, {objective})",
            unit="vCore-hours",
            quantity=vcores * hours,
            price=TableRate("azure", "sql_database", f"{tier}_Gen5-vcore", "vCore-hour"),
        ),
        CostComponent(
            name="SQL license",
            unit="vCore-hours",
            quantity=vcores * hours,
            price=TableRate("azure", "sql_database", f"{tier}_Gen5-licence", "vCore-hour"),
            note="pay as you go; Azure Hybrid Benefit removes this line",
        ),
    ]
    if size is not None:
        components.append(
            CostComponent(
                name="Storage",
                unit="GB",
                quantity=size,
                price=TableRate("azure", "sql_database", f"{tier}-storage", "GB-month"),
                note="backup storage beyond the included amount is not priced",
            )
        )
    return components


PRICER = Pricer(
    types=("azure:sql/database:Database", "azure:mssql/database:Database"),
    summary="vCore compute + SQL licence + storage GB, or the DTU tier's hourly rate",
    price=price,
)
