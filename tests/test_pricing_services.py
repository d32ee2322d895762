"""The pricers added for real-stack coverage (issue 11): the pricing package's own price table,
managed databases, load balancers, serverless, Azure networking and storage, Kubernetes
objects, CloudFormation stacks, and the fixes to addresses, storage names and disk tiers."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli

from cloudwright.optimizer.catalog import Catalog
from cloudwright.pricing import estimate
from cloudwright.pricing.report import CostReport, ResourceCost
from cloudwright.pricing.tables import azure_disk_tier, table_keys, table_rate
from cloudwright.pricing.usage import Usage
from cloudwright.resource_graph.model import Graph, Resource, cloud_of_type

ROOT = Path(__file__).resolve().parent.parent


def r(type_token: str, name: str, inputs: dict[str, Any], **extra: Any) -> Resource:
    return Resource(
        urn=f"urn:pulumi:t::p::{type_token}::{name}",
        type=type_token,
        name=name,
        cloud=cloud_of_type(type_token),
        region=extra.pop("region", "us-east-1"),
        inputs=inputs,
        **extra,
    )


def price(catalog: Catalog, *resources: Resource, usage: Usage | None = None) -> CostReport:
    return estimate(
        Graph(source="offline-preview", resources=list(resources)), catalog, usage=usage
    )


def one(report: CostReport, name: str) -> ResourceCost:
    return next(c for c in report.resources if c.name == name)


# ---- the table -------------------------------------------------------------------------
def _literal_table_keys() -> set[tuple[str, str, str, str]]:
    keys = set()
    for path in (ROOT / "cloudwright" / "pricing").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "TableRate":
                args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
                if len(args) == 4 and all(isinstance(a, str) for a in args) and args[0] != "*":
                    keys.add(tuple(args))  # type: ignore[arg-type]
    return keys


def test_every_literal_table_key_has_a_price() -> None:
    missing = _literal_table_keys() - table_keys()
    assert not missing, sorted(missing)
    assert len(_literal_table_keys()) >= 15  # the scan sees the pricers


def test_a_region_outside_the_table_is_estimated_and_says_from_where() -> None:
    hit = table_rate("aws", "elb", "application", "hour", "eu-west-3")
    assert not isinstance(hit, str) and hit.estimated_from == "us-east-1"
    exact = table_rate("aws", "elb", "application", "hour", "us-west-2")
    assert not isinstance(exact, str) and exact.estimated_from is None
    assert "no price" in str(table_rate("aws", "elb", "nonexistent", "hour", "us-east-1"))


def test_estimated_prices_are_marked_in_the_report(fixture_catalog: Catalog) -> None:
    report = price(
        fixture_catalog, r("aws:lb/loadBalancer:LoadBalancer", "lb", {}, region="eu-west-3")
    )
    hours = one(report, "lb").components[0]
    assert hours.unit_price_usd == 0.0225
    assert hours.price_source and "estimated: the us-east-1 price" in hours.price_source
    assert hours.price_date


def test_azure_disk_tiers_round_up() -> None:
    assert azure_disk_tier("S", 10).name == "S4"  # type: ignore[union-attr]
    assert azure_disk_tier("P", 128).name == "P10"  # type: ignore[union-attr]
    assert azure_disk_tier("E", 129).name == "E15"  # type: ignore[union-attr]
    assert azure_disk_tier("P", 40000) is None


# ---- databases ---------------------------------------------------------------------------
def test_rds_multi_az_doubles_hours_and_storage(fixture_catalog: Catalog) -> None:
    inputs = {"engine": "postgres", "instanceClass": "db.t4g.micro", "allocatedStorage": 30}
    single = one(price(fixture_catalog, r("aws:rds/instance:Instance", "a", inputs)), "a")
    multi = one(
        price(fixture_catalog, r("aws:rds/instance:Instance", "b", {**inputs, "multiAz": True})),
        "b",
    )
    assert single.status == "priced"
    assert single.monthly_usd == pytest.approx(0.016 * 730 + 0.115 * 30)
    assert multi.monthly_usd == pytest.approx(2 * single.monthly_usd)  # type: ignore[operator]


def test_rds_unknown_class_is_unknown_not_zero(fixture_catalog: Catalog) -> None:
    db = one(
        price(
            fixture_catalog,
            r(
                "aws:rds/instance:Instance",
                "db",
                {"engine": "mysql", "instanceClass": "db.x9.huge"},
            ),
        ),
        "db",
    )
    assert db.status == "unknown" and db.monthly_usd is None
    assert "db.x9.huge/mysql" in (db.reason or "")


def test_cloud_sql_regional_doubles(fixture_catalog: Catalog) -> None:
    def sql(name: str, availability: str) -> Resource:
        settings = {"tier": "db-custom-4-16384", "availabilityType": availability}
        return r(
            "gcp:sql/databaseInstance:DatabaseInstance",
            name,
            {"settings": settings},
            region="us-central1",
        )

    report = price(fixture_catalog, sql("z", "ZONAL"), sql("h", "REGIONAL"))
    zonal = 4 * 730 * 0.0413 + 16 * 730 * 0.007 + 10 * 0.17
    assert one(report, "z").monthly_usd == pytest.approx(zonal)
    assert one(report, "h").monthly_usd == pytest.approx(2 * zonal)


def test_azure_sql_reads_the_objective_from_outputs(fixture_catalog: Catalog) -> None:
    db = r(
        "azure:sql/database:Database",
        "db",
        {},
        region="eastus",
        outputs={"requestedServiceObjectiveName": "GP_Gen5_4", "maxSizeBytes": "10737418240"},
    )
    cost = one(price(fixture_catalog, db), "db")
    assert cost.monthly_usd == pytest.approx(4 * 730 * (0.15222 + 0.1) + 10 * 0.115)
    assert (
        one(price(fixture_catalog, r("azure:sql/sqlServer:SqlServer", "s", {})), "s").status
        == "free"
    )


# ---- load balancers, serverless ---------------------------------------------------------
def test_lambda_gb_seconds(fixture_catalog: Catalog) -> None:
    usage = Usage(resources={"fn": {"requests": 1e6, "request_duration_ms": 200}})
    fn = one(
        price(
            fixture_catalog,
            r("aws:lambda/function:Function", "fn", {"memorySize": 2048}),
            usage=usage,
        ),
        "fn",
    )
    duration = fn.components[1]
    assert duration.quantity == pytest.approx(1e6 * 0.2 * 2)
    pending = one(price(fixture_catalog, r("aws:lambda/function:Function", "fn", {})), "fn")
    assert pending.status == "priced" and pending.usage_pending == 2


def test_fargate_needs_its_task_definition(fixture_catalog: Catalog) -> None:
    service = r(
        "aws:ecs/service:Service",
        "svc",
        {"launchType": "FARGATE", "desiredCount": 2, "taskDefinition": "arn:td:1"},
    )
    alone = one(price(fixture_catalog, service), "svc")
    assert alone.status == "unknown" and "task definition is not in this graph" in (
        alone.reason or ""
    )
    task = r(
        "aws:ecs/taskDefinition:TaskDefinition",
        "td",
        {"cpu": "1024", "memory": "2048", "runtimePlatform": {"cpuArchitecture": "ARM64"}},
        outputs={"arn": "arn:td:1"},
    )
    cost = one(price(fixture_catalog, service, task), "svc")
    assert cost.monthly_usd == pytest.approx(2 * 730 * (1 * 0.03238 + 2 * 0.00356))


def test_azure_basic_load_balancer_is_free_standard_is_not(fixture_catalog: Catalog) -> None:
    basic = r("azure:lb/loadBalancer:LoadBalancer", "basic", {"sku": "basic"}, region="eastus")
    rule = {"loadBalancerRules": ["a"]}
    std = r(
        "azure:lb/loadBalancer:LoadBalancer",
        "std",
        {"sku": "Standard", "frontendIpConfigurations": [rule]},
        region="eastus",
    )
    report = price(fixture_catalog, basic, std)
    assert one(report, "basic").status == "free"
    assert one(report, "std").monthly_usd == pytest.approx(0.025 * 730)


# ---- Azure storage and networking --------------------------------------------------------
def test_lower_case_account_tier_keeps_its_price(fixture_catalog: Catalog) -> None:
    account = r(
        "azure:storage/account:Account",
        "acct",
        {"accountTier": "standard", "accountReplicationType": "lrs"},
        region="eastus",
    )
    usage = Usage(resources={"acct": {"storage_gb": 100}})
    cost = one(price(fixture_catalog, account, usage=usage), "acct")
    assert cost.status == "priced" and cost.components[0].sku == "azure:blob:Hot-LRS:GB-month"


def test_managed_disk_bills_its_size_tier(fixture_catalog: Catalog) -> None:
    disk = r(
        "azure:compute/managedDisk:ManagedDisk",
        "d",
        {"storageAccountType": "Premium_LRS", "diskSizeGb": 100},
        region="eastus",
    )
    line = one(price(fixture_catalog, disk), "d").components[0]
    assert line.quantity == 128 and "P10" in line.name


def test_vnet_peering_is_usage_and_global_across_regions(fixture_catalog: Catalog) -> None:
    vnet = r(
        "azure:network/virtualNetwork:VirtualNetwork",
        "v",
        {},
        region="westeurope",
        outputs={"id": "/v"},
    )
    peer = r(
        "azure:network/virtualNetworkPeering:VirtualNetworkPeering",
        "p",
        {"remoteVirtualNetworkId": "/v"},
        region="eastus",
    )
    cost = one(price(fixture_catalog, vnet, peer), "p")
    assert cost.status == "priced" and cost.usage_pending == 2
    assert "global" in cost.components[0].name


# ---- GCP --------------------------------------------------------------------------------
def test_an_address_used_by_cloud_nat_is_in_use(fixture_catalog: Catalog) -> None:
    address = r(
        "gcp:compute/address:Address",
        "ip",
        {"region": "us-central1"},
        region="us-central1",
        outputs={"id": "projects/p/regions/us-central1/addresses/ip", "users": []},
    )
    nat = r(
        "gcp:compute/routerNat:RouterNat",
        "nat",
        {"natIps": ["projects/p/regions/us-central1/addresses/ip"]},
        region="us-central1",
    )
    line = one(price(fixture_catalog, address, nat), "ip").components[0]
    assert line.name == "Static external IP address" and line.note == "used by nat"
    idle = one(price(fixture_catalog, address), "ip").components[0]
    assert idle.name.endswith("(unused)")


def test_forwarding_rules_share_the_flat_rate(fixture_catalog: Catalog) -> None:
    rules = [
        r("gcp:compute/forwardingRule:ForwardingRule", f"f{i}", {}, region="us-central1")
        for i in range(6)
    ]
    report = price(fixture_catalog, *rules)
    monthly = [one(report, f"f{i}").monthly_usd for i in range(6)]
    assert monthly == pytest.approx([0.025 * 730, 0, 0, 0, 0, 0.01 * 730])


# ---- Kubernetes, CloudFormation -----------------------------------------------------------
def test_kubernetes_objects_without_a_cluster(fixture_catalog: Catalog) -> None:
    svc = r("kubernetes:core/v1:Service", "lb", {"spec": {"type": "LoadBalancer"}}, region=None)
    claim = r(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "pvc",
        {"spec": {"resources": {"requests": {"storage": "10Gi"}}}},
        region=None,
    )
    deploy = r("kubernetes:apps/v1:Deployment", "d", {}, region=None)
    report = price(fixture_catalog, svc, claim, deploy)
    assert one(report, "lb").status == "unknown"
    assert "no EKS, GKE or AKS cluster" in (one(report, "lb").reason or "")
    assert one(report, "d").status == "free"


def test_kubernetes_claim_on_aks_is_a_tiered_standard_ssd(fixture_catalog: Catalog) -> None:
    aks = r("azure-native:containerservice:ManagedCluster", "aks", {}, region="eastus")
    claim = r(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "pvc",
        {"spec": {"resources": {"requests": {"storage": "100Gi"}}}},
        region=None,
    )
    cost = one(price(fixture_catalog, aks, claim), "pvc")
    assert cost.region == "eastus"
    assert cost.components[0].quantity == 128 and "E10" in cost.components[0].name


def test_cloudformation_stack_says_what_it_hides(fixture_catalog: Catalog) -> None:
    body = "Resources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
    report = price(
        fixture_catalog,
        r("aws:cloudformation/stack:Stack", "s", {"templateBody": body}),
        r("aws:cloudformation/stack:Stack", "t", {}),
    )
    assert one(report, "s").status == "unsupported"
    assert "AWS::AutoScaling::AutoScalingGroup" in (one(report, "s").reason or "")
    assert one(report, "t").reason == (
        "a CloudFormation stack hides its resources: price its template separately"
    )


# ---- the stack config reaches a graph.json ------------------------------------------------
def test_stack_config_gives_a_graph_json_its_region(tmp_path: Path) -> None:
    lb = r("aws:lb/loadBalancer:LoadBalancer", "lb", {}, region=None)
    graph = Graph(source="offline-preview", resources=[lb], project="p", stack="s")
    source = tmp_path / "graph.json"
    source.write_text(json.dumps(graph.to_json()), "utf-8")
    config = tmp_path / "Pulumi.dev.yaml"
    config.write_text("config:\n  aws:region: us-west-2\n", "utf-8")
    out = tmp_path / "cost.json"
    args = ("cost", str(source), "-f", "json", "-o", str(out))
    run_cli(*args)
    assert json.loads(out.read_text())["resources"][0]["region"] is None
    run_cli(*args, "--stack-config", str(config))
    assert json.loads(out.read_text())["resources"][0]["region"] == "us-west-2"
