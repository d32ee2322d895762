"""private-cluster-endpoint: a managed Kubernetes API server is not open to the internet.

The API server of a GPU cluster holds every workload's secrets and schedules onto nodes
with fabric access; an endpoint anyone can reach is one leaked token away from the fleet.
- EKS (`aws:eks/cluster:Cluster`): `vpcConfig.endpointPublicAccess` is false. The provider
  defaults it to true and `publicAccessCidrs` to 0.0.0.0/0, so an omitted flag is public;
  a public endpoint restricted to ranges that are not the whole internet passes.
- GKE (`gcp:container/cluster:Cluster`): `privateClusterConfig.enablePrivateEndpoint` is
  true, or the public endpoint is limited by `masterAuthorizedNetworksConfig` to ranges that
  are not the whole internet (and `gcpPublicCidrsAccessEnabled` is not true).
- AKS (`azure-native:containerservice:ManagedCluster`,
  `azure:containerservice/kubernetesCluster:KubernetesCluster`):
  `apiServerAccessProfile.enablePrivateCluster` (`privateClusterEnabled`) is true, or the
  public endpoint has authorized IP ranges that are not the whole internet.

`exempt` lists cluster name globs that may be public on purpose. A deciding value that is
secret or computed is unchecked (worst case: public).
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from cloudwright.policies import props as p
from cloudwright.policies.adapters import resource_of
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.common import Findings, schema, settings, string_list
from cloudwright.resource_graph.facts.values import as_bool, as_list, lookup, read
from cloudwright.resource_graph.model import Resource, Unknown

NAME = "private-cluster-endpoint"

CONFIG = schema(
    {
        "exempt": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Name globs of clusters whose API server may be public on purpose.",
        }
    }
)

EKS = "aws:eks/cluster:Cluster"
GKE = "gcp:container/cluster:Cluster"
AKS = "azure-native:containerservice:ManagedCluster"
AKS_CLASSIC = "azure:containerservice/kubernetesCluster:KubernetesCluster"
TYPES = frozenset({EKS, GKE, AKS, AKS_CLASSIC})
WORLD = frozenset({"0.0.0.0/0", "::/0", "*", "internet", "any"})


def _ranges_problem(ranges: Any, what: str) -> str | None:
    """None when `ranges` restrict the public endpoint to something less than the world."""
    if isinstance(ranges, Unknown):
        return None
    values = [v for v in as_list(ranges) if v is not None]
    if not values:
        return f"the public endpoint takes any address ({what} not set)"
    open_to = [v for v in values if isinstance(v, str) and v.strip().lower() in WORLD]
    if open_to:
        return f"the public endpoint is open to {open_to[0]} ({what})"
    return None


def _eks(r: Resource, found: Findings) -> str | None:
    public = as_bool(read(r, "vpcConfig.endpointPublicAccess"))
    if isinstance(public, Unknown):
        found.unknown("vpcConfig.endpointPublicAccess", public, "public")
        return None
    if public is False:
        return None
    cidrs = read(r, "vpcConfig.publicAccessCidrs")
    if isinstance(cidrs, Unknown):
        found.unknown("vpcConfig.publicAccessCidrs", cidrs, "0.0.0.0/0")
        return None
    if cidrs is None:
        cidrs = ["0.0.0.0/0"]  # the EKS default
    problem = _ranges_problem(cidrs, "vpcConfig.publicAccessCidrs")
    if problem is None:
        return None
    return (
        f"EKS API endpoint is public: {problem}; set vpcConfig.endpointPublicAccess false and "
        "endpointPrivateAccess true"
    )


def _gke(r: Resource, found: Findings) -> str | None:
    private = as_bool(read(r, "privateClusterConfig.enablePrivateEndpoint"))
    if isinstance(private, Unknown):
        found.unknown("privateClusterConfig.enablePrivateEndpoint", private, "public")
        return None
    if private is True:
        return None
    if as_bool(read(r, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled")) is True:
        problem: str | None = (
            "every Google Cloud public IP may reach it (gcpPublicCidrsAccessEnabled)"
        )
    else:
        blocks = read(r, "masterAuthorizedNetworksConfig.cidrBlocks")
        cidrs = (
            blocks
            if isinstance(blocks, Unknown)
            else [lookup(b, "cidrBlock") for b in as_list(blocks)]
        )
        problem = _ranges_problem(cidrs, "masterAuthorizedNetworksConfig.cidrBlocks")
    if problem is None:
        return None
    return (
        f"GKE control plane endpoint is public: {problem}; set "
        "privateClusterConfig.enablePrivateEndpoint true (with enablePrivateNodes)"
    )


def _aks(r: Resource, found: Findings) -> str | None:
    classic = r.type == AKS_CLASSIC
    key = "privateClusterEnabled" if classic else "apiServerAccessProfile.enablePrivateCluster"
    private = as_bool(read(r, key))
    if isinstance(private, Unknown):
        found.unknown(key, private, "public")
        return None
    if private is True:
        return None
    ranges_key = (
        "apiServerAccessProfile.authorizedIpRanges"
        if classic
        else "apiServerAccessProfile.authorizedIPRanges"
    )
    problem = _ranges_problem(read(r, ranges_key), ranges_key)
    if problem is None:
        return None
    return f"AKS API server is public: {problem}; set {key} true"


CHECKS = {EKS: _eks, GKE: _gke, AKS: _aks, AKS_CLASSIC: _aks}


def policies(context: RuleContext) -> list[ResourceValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        check = CHECKS.get(args.resource_type)
        if check is None:
            return
        resource = resource_of(args)
        exempt = string_list(settings(args, CONFIG)["exempt"])
        if exempt and p.glob_match(resource.name, exempt):
            return
        found = Findings()
        message = check(resource, found)
        if message is not None:
            found.add(message)
        found.emit(report)

    return [
        ResourceValidationPolicy(
            name=NAME,
            description="Managed Kubernetes API servers (EKS, GKE, AKS) are private or "
            "limited to known ranges.",
            validate=validate,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=CONFIG,
            severity=Severity.HIGH,
            tags=["security", "kubernetes"],
            remediation_steps="Turn the public endpoint off (private cluster / private "
            "endpoint) or restrict it to your own ranges.",
        )
    ]
