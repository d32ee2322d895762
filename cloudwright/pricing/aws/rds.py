"""RDS and Aurora: `aws:rds/instance:Instance`, `aws:rds/clusterInstance:ClusterInstance`,
`aws:rds/cluster:Cluster`.

Instance: instance-hours of `instanceClass` for the engine family (MySQL/MariaDB, PostgreSQL,
Aurora MySQL, Aurora PostgreSQL), doubled for Multi-AZ (a standby of the same class); storage
`allocatedStorage` GB by `storageType` (RDS default gp2; io1 when `iops` is set without a
type), doubled for Multi-AZ, plus provisioned IOPS for io1/io2 and gp3 IOPS above the
included baseline. Backup storage up to the database's size is free; more is usage and not
priced (noted). Commercial engines (Oracle, SQL Server) carry licence fees the table does not
hold: their hours stay unknown with the reason.

Aurora cluster instance: instance-hours by class (Aurora Serverless v2 `db.serverless`: ACU-
hours are usage). Aurora cluster: storage GB and I/O requests, both usage (the cluster's
volume grows with its data); Aurora Serverless v1 (`engineMode: serverless`) ACU-hours are
usage too. A non-Aurora Multi-AZ DB cluster (`dbClusterInstanceClass`) prices three
instances of that class and its storage.
"""

from __future__ import annotations

from dataclasses import replace

from cloudwright.pricing.components import CostComponent, Quantity, TableRate, Text, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import flag, num_input, raw, text_input, times
from cloudwright.resource_graph.model import Resource

INSTANCE = "aws:rds/instance:Instance"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
CLUSTER = "aws:rds/cluster:Cluster"
_FAMILY = {
    "mysql": "mysql",
    "mariadb": "mysql",
    "postgres": "postgres",
    "aurora": "aurora-mysql",
    "aurora-mysql": "aurora-mysql",
    "aurora-postgresql": "aurora-postgresql",
}
_STORAGE_LABEL = {
    "gp2": "general purpose SSD, gp2",
    "gp3": "general purpose SSD, gp3",
    "io1": "provisioned IOPS SSD, io1",
    "io2": "provisioned IOPS SSD, io2",
    "standard": "magnetic",
}
GP3_INCLUDED_IOPS = 3000.0  # RDS gp3 includes 3,000 IOPS below 400 GB (12,000 above)
GP3_LARGE_GB = 400.0
GP3_LARGE_IOPS = 12000.0
MULTI_AZ_DB_CLUSTER_INSTANCES = 3.0  # one writer and two readable standbys


def _engine(resource: Resource) -> Text:
    engine = text_input(resource, "engine", "engine")
    if engine is None:
        return Unpriced("the engine is not set")
    if isinstance(engine, Unpriced):
        return engine
    family = _FAMILY.get(engine.lower())
    if family is None:
        return Unpriced(
            f"{engine} carries a licence fee Cloudwright's table does not hold "
            "(MySQL, MariaDB, PostgreSQL and Aurora are priced)"
        )
    return family


def _class_hours(
    resource: Resource,
    ctx: PricingContext,
    instance_class: Text | None,
    engine: Text,
    copies: float,
    label: str,
) -> CostComponent:
    if instance_class is None:
        instance_class = Unpriced("the instance class is not set")
    product: Text = engine if isinstance(engine, Unpriced) else instance_class
    if isinstance(product, str) and isinstance(engine, str):
        product = f"{product}/{engine}"
    shown = instance_class if isinstance(instance_class, str) else "?"
    return CostComponent(
        name=f"Database instance (on-demand, {label}, {shown})",
        unit="hours",
        quantity=times(copies, ctx.compute_hours(resource)),
        price=TableRate("aws", "rds", product, "hour"),
    )


def _storage(resource: Resource, copies: float) -> list[CostComponent]:
    size = num_input(resource, "allocated storage", "allocatedStorage")
    if size is None:
        return []
    iops = num_input(resource, "provisioned IOPS", "iops")
    kind = text_input(resource, "storage type", "storageType")
    if kind is None:
        kind = "io1" if isinstance(iops, float) and iops > 0 else "gp2"
    if isinstance(kind, Unpriced):
        return [CostComponent("Storage", "GB", kind, TableRate("aws", "rds", kind, "GB-month"))]
    kind = kind.lower()
    label = _STORAGE_LABEL.get(kind, kind)
    out = [
        CostComponent(
            name=f"Storage ({label})",
            unit="GB",
            quantity=times(size, copies),
            price=TableRate("aws", "rds", f"storage-{kind}", "GB-month"),
        )
    ]
    if kind in ("io1", "io2") and iops is not None:
        out.append(
            CostComponent(
                name=f"Provisioned IOPS ({kind})",
                unit="IOPS",
                quantity=times(iops, copies),
                price=TableRate("aws", "rds", f"iops-{kind}", "IOPS-month"),
            )
        )
    if kind == "gp3" and isinstance(iops, float) and isinstance(size, float):
        included = GP3_LARGE_IOPS if size >= GP3_LARGE_GB else GP3_INCLUDED_IOPS
        if iops > included:
            out.append(
                CostComponent(
                    name=f"Provisioned IOPS (gp3, above {included:,.0f})",
                    unit="IOPS",
                    quantity=(iops - included) * copies,
                    price=TableRate("aws", "rds", "iops-gp3", "IOPS-month"),
                )
            )
    return out


def _instance(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    multi_az = flag(raw(resource, "multiAz"))
    copies = 2.0 if multi_az else 1.0
    engine = _engine(resource)
    instance_class = text_input(resource, "instance class", "instanceClass")
    label = "Multi-AZ" if multi_az else "Single-AZ"
    components = [_class_hours(resource, ctx, instance_class, engine, copies, label)]
    if isinstance(engine, str) and engine.startswith("aurora"):
        return components  # an Aurora instance's storage is its cluster's
    storage = _storage(resource, copies)
    if storage:
        storage[0] = _with_backup_note(storage[0])
    return components + storage


def _with_backup_note(component: CostComponent) -> CostComponent:
    note = "backup storage up to the database size is free; more is billed per GB (not priced)"
    return replace(component, note=note)


def _cluster_instance(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    instance_class = text_input(resource, "instance class", "instanceClass")
    engine = _engine(resource)
    if instance_class == "db.serverless":
        return [_acu(resource, ctx, "aurora-serverless-v2", "Aurora Serverless v2")]
    return [_class_hours(resource, ctx, instance_class, engine, 1.0, "cluster member")]


def _acu(resource: Resource, ctx: PricingContext, product: str, label: str) -> CostComponent:
    return CostComponent(
        name=f"{label} capacity",
        unit="ACU-hours",
        quantity=Unpriced("depends on usage: Aurora capacity units follow the load"),
        price=TableRate("aws", "rds", product, "ACU-hour"),
        usage_based=True,
        note="ACU-hours are not a usage-file key yet: price them from the AWS console figures",
    )


def _cluster(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    engine = _engine(resource)
    if isinstance(engine, str) and not engine.startswith("aurora"):
        # A Multi-AZ DB cluster (MySQL/PostgreSQL): three instances of one class + storage.
        instance_class = text_input(resource, "instance class", "dbClusterInstanceClass")
        copies = MULTI_AZ_DB_CLUSTER_INSTANCES
        return [
            _class_hours(resource, ctx, instance_class, engine, copies, "Multi-AZ DB cluster"),
            *_storage(resource, copies),
        ]
    components = []
    mode = text_input(resource, "engine mode", "engineMode")
    if mode == "serverless":
        components.append(_acu(resource, ctx, "aurora-serverless-v1", "Aurora Serverless v1"))
    io: Quantity = ctx.usage_quantity(resource, "requests")
    components += [
        CostComponent(
            name="Storage (Aurora)",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "storage_gb"),
            price=TableRate("aws", "rds", "aurora-storage", "GB-month"),
            usage_based=True,
            usage_key="storage_gb",
            note="backup storage up to the cluster volume's size is free",
        ),
        CostComponent(
            name="I/O requests",
            unit="1M requests",
            quantity=times(io, 1e-6) if not isinstance(io, Unpriced) else io,
            price=TableRate("aws", "rds", "aurora-io", "1M-requests"),
            usage_based=True,
            usage_key="requests",
        ),
    ]
    return components


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    if resource.type == CLUSTER:
        return _cluster(resource, ctx)
    if resource.type == CLUSTER_INSTANCE:
        return _cluster_instance(resource, ctx)
    return _instance(resource, ctx)


PRICER = Pricer(
    types=(INSTANCE, CLUSTER_INSTANCE, CLUSTER),
    summary="instance-hours by class and engine (×2 Multi-AZ), storage GB by type, "
    "provisioned IOPS; Aurora storage and I/O (usage)",
    price=price,
)
