"""The Cloudwright stack program: deploy exactly what the plan lock says.

`run(plan, catalog, settings)` is the whole program; `stacks/__main__.py` (what `pulumi up`
executes) only reads the stack config, the plan and the catalog, and the offline preview
calls `run` under Pulumi's mocks. For each assignment it:
1. looks up the instance type's fabric (kind, NIC count) in the catalog;
2. creates one explicit provider per cloud and region (shared by the workloads there);
3. builds the cloud's `ClusterNetwork`, `ClusterStorage` and `GpuCluster` components,
   tagged with workload, owner, cost-center, plan-id and managed-by.
It never re-optimises: a price change cannot move a cluster, only a new plan can.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi

from cloudwright.components.interface import (
    CloudKit,
    ClusterArgs,
    FabricSpec,
    FileSystemKind,
    Market,
    NetworkArgs,
    ProviderArgs,
    StorageArgs,
    filesystem_feature,
    load_kit,
    market_feature,
    require,
)
from cloudwright.components.site import GpuAllocation, allocation_inputs
from cloudwright.components.sizing import allocate_blocks
from cloudwright.components.tags import base_tags, slug
from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog.zones import is_edge_zone
from cloudwright.optimizer.fleet.sites import SITE_CLOUD
from cloudwright.optimizer.plan import Assignment, Plan, content_id
from cloudwright.stacks.settings import DEFAULT_BOOT_DISK_GB, StackSettings, WorkloadOverrides

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog


@dataclass(frozen=True)
class Placement:
    zone: str | None
    arch: str


def zone_rank(cloud: str, zone: str) -> tuple[bool, str]:
    """Sort key: availability zones first. AWS Local and Wavelength Zones lack services a
    cluster needs (FSx for Lustre, cluster placement across the region, most NAT gateways);
    `optimizer.catalog.zones` tells them apart by their documented zone-ID shapes."""
    return (is_edge_zone(cloud, zone), zone)


def place(assignment: Assignment, overrides: WorkloadOverrides, catalog: Catalog) -> Placement:
    """Zone and CPU architecture: the plan's zone, else the stack override, else the first zone
    (sorted, regular zones before AWS Local/Wavelength zones) where the catalog sells the type
    (preferring one with a spot price for spot)."""
    offers = catalog.find_offerings(
        cloud=assignment.cloud, region=assignment.region, instance_type=assignment.instance_type
    )
    arch_values = offers["arch"].dropna()
    arch = str(arch_values.iloc[0]) if not arch_values.empty else "x86_64"
    zone = assignment.zone or overrides.zone
    if zone is None and not offers.empty:
        pool = offers
        if assignment.pricing == "spot":
            spot = offers[offers["price_spot_usd_hr"].notna()]
            pool = spot if not spot.empty else offers
        zones = sorted(
            (str(z) for z in pool["zone"].dropna().unique()),
            key=lambda z: zone_rank(assignment.cloud, z),
        )
        zone = zones[0] if zones else None
    return Placement(zone, arch)


def market_of(assignment: Assignment, overrides: WorkloadOverrides) -> Market:
    if overrides.market is not None:
        return overrides.market
    if assignment.pricing == "spot":
        return Market.SPOT
    # commit_1y / commit_3y are billing constructs: the machines are plain on-demand ones and
    # the Reserved Instance / Savings Plan / committed use discount is bought separately (the
    # preview's notes say so; resource_graph.plan_usage.commitment_notes). No reservation here.
    return Market.CAPACITY_RESERVATION if overrides.reservation else Market.ON_DEMAND


def check_workloads(plan: Plan) -> None:
    seen: dict[str, str] = {}
    for a in plan.assignments:
        key = slug(a.deployment)
        if key in seen:
            raise InputError(
                f"workloads {seen[key]!r} and {a.deployment!r} share the resource name {key!r}",
                location="plan.assignments",
            )
        seen[key] = a.deployment


@dataclass
class _Context:
    plan_id: str
    catalog: Catalog
    settings: StackSettings
    blocks: Mapping[str, str]
    providers: dict[tuple[str, str], pulumi.ProviderResource]


def run(plan: Plan, catalog: Catalog, settings: StackSettings) -> dict[str, dict[str, Any]]:
    """Create every assignment's components; returns the stack outputs per workload."""
    check_workloads(plan)
    pinned = {w: o.cidr for w, o in settings.workloads.items() if o.cidr is not None}
    ctx = _Context(
        plan_id=plan.id or content_id(plan),
        catalog=catalog,
        settings=settings,
        blocks=allocate_blocks(
            [a.deployment for a in plan.assignments], settings.cidr_pool, pinned
        ),
        providers={},
    )
    # Own sites (cloud `site`): nothing to create in a cloud; one GpuAllocation component
    # each, so the graph, `cost` and `check` count their GPU-hours at the site's rate.
    on_site = [a for a in plan.assignments if a.cloud == SITE_CLOUD]
    cloud = [a for a in plan.assignments if a.cloud != SITE_CLOUD]
    outputs = {
        a.deployment: (deploy_tpu_assignment(a, ctx) if is_tpu(a) else deploy_assignment(a, ctx))
        for a in cloud
        if a.platform == "vm"
    }
    outputs.update(_deploy_kubernetes([a for a in cloud if a.platform != "vm"], ctx))
    outputs.update({a.deployment: deploy_site_assignment(a, ctx) for a in on_site})
    return outputs


def deploy_site_assignment(a: Assignment, ctx: _Context) -> dict[str, Any]:
    """A workload on an own site: no cloud resources, said so; one GpuAllocation component."""
    pulumi.log.info(
        f"site {a.region}: no cloud resources for {a.deployment} ({a.nodes} × {a.instance_type} "
        "on the team's own GPUs)"
    )
    tags = base_tags(
        workload=a.workload,
        plan_id=ctx.plan_id,
        owner=a.tags.get("owner"),
        cost_center=a.tags.get("cost-center"),
        extra=a.tags,
    )
    GpuAllocation(slug(a.deployment), allocation_inputs(a, tags))
    return {"site": a.region, "cloud_resources": 0, "gpus": a.gpu_count * a.nodes}


def _provider(kit: CloudKit, region: str, ctx: _Context) -> pulumi.ProviderResource:
    key = (kit.cloud, region)
    if key not in ctx.providers:
        ctx.providers[key] = kit.provider(
            f"{kit.cloud}-{region}",
            ProviderArgs(
                region=region,
                project=ctx.settings.gcp_project,
                subscription_id=ctx.settings.azure_subscription,
            ),
        )
    return ctx.providers[key]


def deploy_assignment(a: Assignment, ctx: _Context) -> dict[str, Any]:
    where = f"plan.assignments[{a.deployment}]"
    kit = load_kit(ctx.catalog.check_cloud(a.cloud, location=where))
    spec = ctx.catalog.instance(a.cloud, a.instance_type)
    fabric = FabricSpec(spec.interconnect, spec.interconnect_nics, spec.interconnect_gbps)
    overrides = ctx.settings.overrides(a.workload)
    market = market_of(a, overrides)
    feature = market_feature(market)
    if feature is not None:
        require(a.cloud, feature, location=where)
    filesystem = overrides.filesystem or FileSystemKind.AUTO
    fs_feature = filesystem_feature(filesystem)
    if fs_feature is not None:
        require(a.cloud, fs_feature, location=where)
    placement = place(a, overrides, ctx.catalog)
    tags = base_tags(
        workload=a.workload,
        plan_id=ctx.plan_id,
        owner=ctx.settings.owner,
        cost_center=ctx.settings.cost_center,
        extra=a.tags,
    )
    name = slug(a.deployment)
    opts = pulumi.ResourceOptions(providers=[_provider(kit, a.region, ctx)])
    network = kit.network(name, _network_args(a, name, fabric, placement, tags, ctx), opts)
    storage = kit.storage(
        name, _storage_args(a, name, placement, tags, filesystem, ctx), network, opts
    )
    cluster = kit.cluster(
        name, _cluster_args(a, name, fabric, placement, tags, market, ctx), network, storage, opts
    )
    return {
        "cloud": a.cloud,
        "region": a.region,
        "zone": placement.zone,
        "instanceType": a.instance_type,
        "nodes": a.nodes,
        "nodeGroup": cluster.node_group,
        "identity": cluster.identity,
        "bucket": storage.bucket,
        "fileSystem": storage.filesystem_kind.value,
        "mountCommand": storage.mount_command,
    }


def _network_args(
    a: Assignment,
    name: str,
    fabric: FabricSpec,
    placement: Placement,
    tags: Mapping[str, str],
    ctx: _Context,
) -> NetworkArgs:
    return NetworkArgs(
        cluster=name,
        workload=a.workload,
        region=a.region,
        zone=placement.zone,
        cidr_block=ctx.blocks[a.deployment],
        instance_type=a.instance_type,
        nodes=a.nodes,
        fabric=fabric,
        tags=tags,
        admin_cidrs=ctx.settings.admin_cidrs,
        nat=ctx.settings.nat,
        efa_only=ctx.settings.efa_only,
        project=ctx.settings.gcp_project,
    )


def _storage_args(
    a: Assignment,
    name: str,
    placement: Placement,
    tags: Mapping[str, str],
    filesystem: FileSystemKind,
    ctx: _Context,
) -> StorageArgs:
    return StorageArgs(
        cluster=name,
        workload=a.workload,
        region=a.region,
        zone=placement.zone,
        tags=tags,
        object_tb=a.storage.object_tb,
        parallel_fs_tb=a.storage.parallel_fs_tb,
        throughput_mb_s_per_tib=a.storage.parallel_fs_throughput_mb_s_per_tib,
        filesystem=filesystem,
        kms_key=ctx.settings.overrides(a.workload).kms_key,
        force_destroy=ctx.settings.force_destroy,
    )


def _cluster_args(
    a: Assignment,
    name: str,
    fabric: FabricSpec,
    placement: Placement,
    tags: Mapping[str, str],
    market: Market,
    ctx: _Context,
) -> ClusterArgs:
    overrides = ctx.settings.overrides(a.workload)
    return ClusterArgs(
        cluster=name,
        workload=a.workload,
        region=a.region,
        zone=placement.zone,
        instance_type=a.instance_type,
        nodes=a.nodes,
        gpu=a.gpu,
        gpu_count=a.gpu_count,
        fabric=fabric,
        tags=tags,
        arch=placement.arch,
        market=market,
        reservation=overrides.reservation,
        image=overrides.image,
        boot_disk_gb=overrides.boot_disk_gb or DEFAULT_BOOT_DISK_GB,
        admin_cidrs=ctx.settings.admin_cidrs,
        ssh_public_key=ctx.settings.ssh_public_key,
        efa_only=ctx.settings.efa_only,
        encryption_at_host=ctx.settings.azure_encryption_at_host,
        project=ctx.settings.gcp_project,
    )


# ---- platform: kubernetes ---------------------------------------------------------------


def _deploy_kubernetes(assignments: list[Assignment], ctx: _Context) -> dict[str, dict[str, Any]]:
    """Kubernetes workloads: per cloud and region one cluster network and one managed cluster
    (EKS, GKE, AKS; or the stack's adopted one), then per workload its storage and a GPU node
    pool in that network, with the VM clusters' fabric guarantees."""
    from cloudwright.components.kubernetes import (
        KubernetesClusterSpec,
        NodePoolSpec,
        load_kubernetes_kit,
    )

    groups: dict[tuple[str, str], list[Assignment]] = {}
    for a in assignments:
        cloud = ctx.catalog.check_cloud(a.cloud, location=f"plan.assignments[{a.deployment}]")
        groups.setdefault((cloud, a.region), []).append(a)
    adopted_regions: dict[str, list[str]] = {}
    for cloud, region in groups:
        adopted_regions.setdefault(cloud, []).append(region)
    outputs: dict[str, dict[str, Any]] = {}
    for (cloud, region), members in groups.items():
        kit, k8s = load_kit(cloud), load_kubernetes_kit(cloud)
        existing = ctx.settings.kubernetes_clusters.get(cloud)
        if existing and len(adopted_regions[cloud]) > 1:
            raise InputError(
                f"one existing {cloud} cluster cannot serve kubernetes workloads in "
                f"{len(adopted_regions[cloud])} regions ({', '.join(adopted_regions[cloud])})",
                location="stack config",
                hint="pin those workloads to one region, or drop the adopted cluster",
            )
        name = slug(f"{cloud}-{region}-k8s")
        first = members[0]
        specs = {a.deployment: ctx.catalog.instance(cloud, a.instance_type) for a in members}
        fabrics = {
            w: FabricSpec(s.interconnect, s.interconnect_nics, s.interconnect_gbps)
            for w, s in specs.items()
        }
        # The network carries the widest fabric of the group (GCP: its GPU NIC networks).
        widest = max(members, key=lambda a: fabrics[a.deployment].nics or 0)
        kinds = {f.kind for f in fabrics.values() if f.present}
        if cloud == "gcp" and len(kinds) > 1:
            raise InputError(
                f"kubernetes workloads on gcp:{region} need different GPU fabrics "
                f"({', '.join(sorted(kinds))}); their cluster network holds one layout",
                location="plan.assignments",
                hint="give one of them platform: vm, or plan them into different regions",
            )
        placements = {
            a.deployment: place(a, ctx.settings.overrides(a.workload), ctx.catalog) for a in members
        }
        zone = placements[first.deployment].zone
        for a in members[1:]:
            if placements[a.deployment].zone not in (None, zone):
                raise InputError(
                    f"kubernetes workloads {first.deployment!r} and {a.deployment!r} on "
                    f"{cloud}:{region} are placed in different zones ({zone}, "
                    f"{placements[a.deployment].zone}); their cluster network has one node zone",
                    location="plan.assignments",
                    hint="pin both to one zone with cloudwright:workloads.<name>.zone",
                )
        tags = base_tags(
            workload=name,
            plan_id=ctx.plan_id,
            owner=ctx.settings.owner,
            cost_center=ctx.settings.cost_center,
        )
        opts = pulumi.ResourceOptions(providers=[_provider(kit, region, ctx)])
        block = ctx.blocks[first.deployment]
        network = kit.network(
            name,
            NetworkArgs(
                cluster=name,
                workload=name,
                region=region,
                zone=zone,
                cidr_block=block,
                instance_type=widest.instance_type,
                nodes=sum(a.nodes for a in members),
                fabric=fabrics[widest.deployment],
                tags=tags,
                admin_cidrs=ctx.settings.admin_cidrs,
                nat=ctx.settings.nat,
                efa_only=ctx.settings.efa_only,
                project=ctx.settings.gcp_project,
            ),
            opts,
        )
        cluster = k8s.cluster(
            name,
            KubernetesClusterSpec(
                cluster=name,
                region=region,
                tags=tags,
                cidr_block=block,
                existing=existing,
                project=ctx.settings.gcp_project,
            ),
            network,
            opts,
        )
        for a in members:
            where = f"plan.assignments[{a.deployment}]"
            overrides = ctx.settings.overrides(a.workload)
            market = market_of(a, overrides)
            feature = market_feature(market)
            if feature is not None:
                require(cloud, feature, location=where)
            filesystem = overrides.filesystem or FileSystemKind.AUTO
            fs_feature = filesystem_feature(filesystem)
            if fs_feature is not None:
                require(cloud, fs_feature, location=where)
            pool_tags = base_tags(
                workload=a.workload,
                plan_id=ctx.plan_id,
                owner=ctx.settings.owner,
                cost_center=ctx.settings.cost_center,
                extra=a.tags,
            )
            own = slug(a.deployment)
            placement = placements[a.deployment]
            storage = kit.storage(
                own,
                _storage_args(a, own, Placement(zone, placement.arch), pool_tags, filesystem, ctx),
                network,
                opts,
            )
            pool = k8s.node_pool(
                own,
                NodePoolSpec(
                    cluster=own,
                    workload=a.workload,
                    region=region,
                    zone=zone,
                    instance_type=a.instance_type,
                    nodes=a.nodes,
                    gpu=a.gpu,
                    gpu_count=a.gpu_count,
                    fabric=fabrics[a.deployment],
                    tags=pool_tags,
                    arch=placement.arch,
                    market=market,
                    reservation=overrides.reservation,
                    boot_disk_gb=overrides.boot_disk_gb or DEFAULT_BOOT_DISK_GB,
                    efa_only=ctx.settings.efa_only,
                    encryption_at_host=ctx.settings.azure_encryption_at_host,
                    project=ctx.settings.gcp_project,
                ),
                cluster,
                network,
                storage,
                opts,
            )
            outputs[a.deployment] = {
                "cloud": cloud,
                "region": region,
                "zone": zone,
                "platform": "kubernetes",
                "instanceType": a.instance_type,
                "nodes": a.nodes,
                "cluster": cluster.cluster_name,
                "nodeGroup": pool.node_group,
                "identity": pool.identity,
                "deviceManifests": pool.device_manifests,
                "bucket": storage.bucket,
                "fileSystem": storage.filesystem_kind.value,
                "mountCommand": storage.mount_command,
            }
    return outputs


# ---- GCP TPU slices -----------------------------------------------------------------------


def is_tpu(a: Assignment) -> bool:
    """A TPU slice (the catalog's TPU accelerators, sold only on GCP)."""
    from cloudwright.optimizer.catalog.schema import TPUS

    return a.cloud == "gcp" and a.gpu in TPUS


def deploy_tpu_assignment(a: Assignment, ctx: _Context) -> dict[str, Any]:
    """A TPU assignment: the workload's network (no fabric NICs: ICI joins the chips) and
    storage as for GPUs, then one `GcpTpuSlice` per node of the plan in the plan's zone."""
    from cloudwright.components.gcp.tpu import GcpTpuSlice, GcpTpuSliceArgs

    where = f"plan.assignments[{a.deployment}]"
    kit = load_kit(ctx.catalog.check_cloud(a.cloud, location=where))
    overrides = ctx.settings.overrides(a.workload)
    market = market_of(a, overrides)
    filesystem = overrides.filesystem or FileSystemKind.AUTO
    placement = place(a, overrides, ctx.catalog)
    if placement.zone is None:
        raise InputError(
            f"no zone sells {a.instance_type} in {a.region}",
            location=where,
            hint="set cloudwright:workloads.<workload>.zone in the stack config",
        )
    tags = base_tags(
        workload=a.workload,
        plan_id=ctx.plan_id,
        owner=ctx.settings.owner,
        cost_center=ctx.settings.cost_center,
        extra=a.tags,
    )
    name = slug(a.deployment)
    opts = pulumi.ResourceOptions(providers=[_provider(kit, a.region, ctx)])
    no_fabric = FabricSpec("none")
    network = kit.network(name, _network_args(a, name, no_fabric, placement, tags, ctx), opts)
    storage = kit.storage(
        name, _storage_args(a, name, placement, tags, filesystem, ctx), network, opts
    )
    net: Any = network  # GcpClusterNetwork / GcpClusterStorage (the GCP kit's)
    store: Any = storage
    inputs = GcpTpuSliceArgs(
        cluster=name,
        accelerator_type=a.instance_type,
        zone=placement.zone,
        project=ctx.settings.gcp_project or "",
        network=net.network_name,
        subnetwork=net.node_subnet_id,
        slices=a.nodes,
        market=market,
        queued=overrides.queued,
        tags=dict(tags),
    )
    if overrides.image:
        inputs["runtime_version"] = overrides.image
    if store.bucket_name is not None:
        inputs["bucket_name"] = store.bucket_name
    if store.mount_command is not None:
        inputs["mount_command"] = store.mount_command
    slice_ = GcpTpuSlice(name, inputs, opts)
    return {
        "cloud": a.cloud,
        "region": a.region,
        "zone": placement.zone,
        "instanceType": a.instance_type,
        "nodes": a.nodes,
        "nodeGroup": slice_.node_group,
        "identity": slice_.identity,
        "bucket": storage.bucket,
        "fileSystem": storage.filesystem_kind.value,
        "mountCommand": storage.mount_command,
    }
