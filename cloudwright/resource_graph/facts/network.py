"""Who can reach what: ingress rules of every cloud's firewalls, and whether a set of source
ranges covers the internet.

`ingress(resource, index)` reads every form that lets traffic in:
- AWS: security groups' (and the default security group's) inline `ingress`,
  `aws:ec2/securityGroupRule` (type ingress), `aws:vpc/securityGroupIngressRule`;
  protocol '-1'/'all' means every port.
- GCP: VPC firewalls (ingress, not disabled; no source at all means 0.0.0.0/0), and firewall
  policy rules, hierarchical, global network and regional network ones, as rule resources
  (`FirewallPolicyRule`, `NetworkFirewallPolicyRule`, `RegionNetworkFirewallPolicyRule`) or
  inline (`...WithRules`): ingress rules with action 'allow', `match.srcIpRanges`,
  `match.layer4Configs`.
- Azure: inbound Allow rules inline in network security groups or as separate rules
  (azure-native `SecurityRule`, classic `NetworkSecurityRule`); '*', 'Any' and 'Internet'
  are the internet.
Each rule names the group it belongs to (`target`), so rules split across resources are
judged together. `covers_internet` decides coverage by set arithmetic over `ipaddress`
networks: any spelling of 0.0.0.0/0 or ::/0, halves like 0.0.0.0/1 + 128.0.0.0/1, or any set
whose gaps are only private, reserved or multicast space.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.values import as_bool, as_int, as_list, lookup, lower, read
from cloudwright.resource_graph.model import Resource, Unknown

PortRange = tuple[int, int]
ANY_PORT: PortRange = (0, 65535)
ALL_PROTOCOLS = ("-1", "all", "*", "asterisk")
PROTOCOLS = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp"}
AZURE_INTERNET = ("*", "any", "internet", "0.0.0.0/0", "::/0")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_V4_ALL = ipaddress.ip_network("0.0.0.0/0")
_V6_ALL = ipaddress.ip_network("::/0")
_V6_UNICAST = ipaddress.ip_network("2000::/3")


@dataclass(frozen=True)
class Ingress:
    """One rule that lets traffic in."""

    where: str  # "ingress[1]", "the rule", "securityRules[0] (ssh)", "rules[2]"
    sources: list[Any]  # CIDRs, Azure tags, or Unknown
    protocols: frozenset[str] | Unknown  # {"tcp", "udp"}: port-bearing protocols it allows
    ports: list[PortRange] | Unknown
    target: str  # the group it belongs to: security group, network, policy, NSG
    resource: Resource | None = field(default=None, compare=False)


def parse_network(value: Any) -> Network | None:
    """A CIDR in any spelling ('::0/0', '0:0:0:0:0:0:0:0/0', ' 10.0.0.0/8'); None if not one."""
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def _gaps(whole: Network, nets: Iterable[Network]) -> list[Network]:
    gaps: list[Any] = [whole]
    for net in ipaddress.collapse_addresses(nets):  # type: ignore[type-var]
        kept: list[Any] = []
        for gap in gaps:
            if not gap.overlaps(net):
                kept.append(gap)
            elif net.subnet_of(gap):
                kept.extend(gap.address_exclude(net))
            # else: the gap lies inside `net` and is covered
        gaps = kept
    return gaps


def _internet_v4(gap: Network) -> bool:
    return gap.is_global and not gap.is_multicast


def _internet_v6(gap: Network) -> bool:
    if not gap.overlaps(_V6_UNICAST):
        return False
    return not (gap.subnet_of(_V6_UNICAST) and not gap.is_global)  # type: ignore[arg-type]


def covers_internet(sources: Iterable[Any]) -> bool:
    """True when the ranges together reach every internet address of IPv4 or of IPv6 (the
    gaps they leave are private, reserved or multicast space only)."""
    nets = [n for n in map(parse_network, sources) if n is not None]
    v4 = [n for n in nets if n.version == 4]
    v6 = [n for n in nets if n.version == 6]
    if v4 and not any(_internet_v4(g) for g in _gaps(_V4_ALL, v4)):
        return True
    return bool(v6) and not any(_internet_v6(g) for g in _gaps(_V6_ALL, v6))


def is_internet_tag(source: Any) -> bool:
    """Azure's names for 'anywhere' ('*', 'Any', 'Internet'), any case."""
    return lower(source) in AZURE_INTERNET


def parse_ports(spec: Any) -> PortRange | None:
    """'22', '20-30', '*', 22 → a range; anything else → None."""
    if isinstance(spec, int) and not isinstance(spec, bool):
        return (spec, spec)
    if not isinstance(spec, str):
        return None
    text = spec.strip()
    if text in ("*", ""):
        return ANY_PORT
    low, _, high = text.partition("-")
    try:
        return (int(low), int(high or low))
    except ValueError:
        return None


def _protocols(value: Any) -> frozenset[str] | Unknown:
    if isinstance(value, Unknown):
        return value
    text = str(value).strip().lower()
    if text in ALL_PROTOCOLS:
        return frozenset({"tcp", "udp"})
    found = PROTOCOLS.get(text)
    return frozenset({found}) if found else frozenset()


def _port_list(specs: Iterable[Any]) -> list[PortRange] | Unknown:
    out: list[PortRange] = []
    for spec in specs:
        if isinstance(spec, Unknown):
            return spec
        parsed = parse_ports(spec)
        if parsed is not None:
            out.append(parsed)
    return out


def _strings(value: Any) -> list[Any]:
    if isinstance(value, Unknown):
        return [value]
    return [v for v in as_list(value) if isinstance(v, str | Unknown)]


# ---- AWS -------------------------------------------------------------------------------
def _aws_rule(rule: Any, where: str, target: str, protocol_key: str) -> Ingress:
    protocols = _protocols(lookup(rule, protocol_key))
    sources = [
        *_strings(lookup(rule, "cidrBlocks")),
        *_strings(lookup(rule, "ipv6CidrBlocks")),
        *_strings(lookup(rule, "cidrIpv4")),
        *_strings(lookup(rule, "cidrIpv6")),
    ]
    ports: list[PortRange] | Unknown
    if str(lookup(rule, protocol_key)).strip().lower() in ALL_PROTOCOLS:
        ports = [ANY_PORT]
    else:
        low, high = as_int(lookup(rule, "fromPort")), as_int(lookup(rule, "toPort"))
        unknown = next((v for v in (low, high) if isinstance(v, Unknown)), None)
        if unknown is not None:
            ports = unknown
        elif isinstance(low, int) and isinstance(high, int):
            ports = [ANY_PORT] if low == -1 else [(low, high)]
        else:
            ports = []
    return Ingress(where, sources, protocols, ports, target)


def _group_ref(resource: Resource, index: GraphIndex) -> str:
    ref = read(resource, "securityGroupId")
    group = index.resolve(
        resource,
        (
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        ),
        props=("securityGroupId",),
        ids=[ref],
    )
    if group is not None:
        return group.urn
    return ref if isinstance(ref, str) else resource.urn


def _aws_security_group(resource: Resource, index: GraphIndex) -> list[Ingress]:
    return [
        _aws_rule(rule, f"ingress[{n}]", resource.urn, "protocol")
        for n, rule in enumerate(as_list(read(resource, "ingress")))
    ]


def _aws_group_rule(resource: Resource, index: GraphIndex) -> list[Ingress]:
    if lower(read(resource, "type")) != "ingress":
        return []
    bag = {**resource.outputs, **resource.inputs}
    return [_aws_rule(bag, "the ingress rule", _group_ref(resource, index), "protocol")]


def _aws_ingress_rule(resource: Resource, index: GraphIndex) -> list[Ingress]:
    bag = {**resource.outputs, **resource.inputs}
    return [_aws_rule(bag, "the ingress rule", _group_ref(resource, index), "ipProtocol")]


# ---- GCP -------------------------------------------------------------------------------
def _gcp_firewall(resource: Resource, index: GraphIndex) -> list[Ingress]:
    if lower(read(resource, "direction") or "INGRESS") != "ingress":
        return []
    if as_bool(read(resource, "disabled")) is True:
        return []
    raw = read(resource, "sourceRanges")
    sources = _strings(raw)
    scoped = _strings(read(resource, "sourceTags")) or _strings(
        read(resource, "sourceServiceAccounts")
    )
    if not sources and not scoped:
        sources = ["0.0.0.0/0"]  # GCP's default source for an ingress rule with none given
    protocols, ports = _layer4(read(resource, "allows"), "protocol")
    return [Ingress("the firewall", sources, protocols, ports, _network(resource))]


def _layer4(entries: Any, protocol_key: str) -> tuple[frozenset[str] | Unknown, Any]:
    """(protocols, port ranges) of GCP `allows[]` / `layer4Configs[]` entries; an entry
    without ports allows every port."""
    protocols: set[str] = set()
    ports: list[PortRange] = []
    for entry in as_list(entries):
        kinds = _protocols(lookup(entry, protocol_key))
        if isinstance(kinds, Unknown):
            return kinds, []
        if not kinds:
            continue
        protocols |= kinds
        listed = _strings(lookup(entry, "ports"))
        found = _port_list(listed) if listed else [ANY_PORT]
        if isinstance(found, Unknown):
            return frozenset(protocols), found
        ports += found
    return frozenset(protocols), ports


def _network(resource: Resource) -> str:
    network = read(resource, "network")
    return f"network:{network}" if isinstance(network, str) else resource.urn


def _policy_rule(rule: Any, where: str, target: str) -> Ingress | None:
    if lower(lookup(rule, "direction") or "INGRESS") != "ingress":
        return None
    if lower(lookup(rule, "action")) != "allow" or as_bool(lookup(rule, "disabled")) is True:
        return None
    sources = _strings(lookup(rule, "match.srcIpRanges"))
    protocols, ports = _layer4(lookup(rule, "match.layer4Configs"), "ipProtocol")
    return Ingress(where, sources, protocols, ports, target)


def _gcp_policy_rule(resource: Resource, index: GraphIndex) -> list[Ingress]:
    policy = read(resource, "firewallPolicy")
    target = f"firewall-policy:{policy}" if isinstance(policy, str) else resource.urn
    found = _policy_rule({**resource.outputs, **resource.inputs}, "the rule", target)
    return [found] if found is not None else []


def _gcp_policy_with_rules(resource: Resource, index: GraphIndex) -> list[Ingress]:
    found = []
    for number, rule in enumerate(as_list(read(resource, "rules"))):
        name = lookup(rule, "ruleName")
        where = f"rules[{number}]" + (f" ({name})" if isinstance(name, str) else "")
        hit = _policy_rule(rule, where, resource.urn)
        if hit is not None:
            found.append(hit)
    return found


# ---- Azure -----------------------------------------------------------------------------
def _azure_rule(rule: Any, where: str, target: str) -> Ingress | None:
    if lower(lookup(rule, "direction")) != "inbound" or lower(lookup(rule, "access")) != "allow":
        return None
    protocols = _protocols(lookup(rule, "protocol") or "*")
    sources = [
        lookup(rule, "sourceAddressPrefix"),
        *_strings(lookup(rule, "sourceAddressPrefixes")),
    ]
    specs = [lookup(rule, "destinationPortRange"), *_strings(lookup(rule, "destinationPortRanges"))]
    ports = _port_list(s for s in specs if s is not None)
    return Ingress(where, [s for s in sources if s is not None], protocols, ports, target)


def _azure_nsg(resource: Resource, index: GraphIndex) -> list[Ingress]:
    found = []
    for number, rule in enumerate(as_list(read(resource, "securityRules"))):
        name = lookup(rule, "name")
        where = f"securityRules[{number}]" + (f" ({name})" if isinstance(name, str) else "")
        hit = _azure_rule(
            rule, where, _nsg_key(resource, read(resource, "networkSecurityGroupName", "name"))
        )
        if hit is not None:
            found.append(hit)
    return found


def _nsg_key(resource: Resource, name: Any) -> str:
    return f"nsg:{name}" if isinstance(name, str) else resource.urn


def _azure_security_rule(resource: Resource, index: GraphIndex) -> list[Ingress]:
    bag = {**resource.outputs, **resource.inputs}
    hit = _azure_rule(
        bag, "the rule", _nsg_key(resource, read(resource, "networkSecurityGroupName"))
    )
    return [hit] if hit is not None else []


INGRESS: dict[str, Callable[[Resource, GraphIndex], list[Ingress]]] = {
    "aws:ec2/securityGroup:SecurityGroup": _aws_security_group,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _aws_security_group,
    "aws:ec2/securityGroupRule:SecurityGroupRule": _aws_group_rule,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _aws_ingress_rule,
    "gcp:compute/firewall:Firewall": _gcp_firewall,
    "gcp:compute/firewallPolicyRule:FirewallPolicyRule": _gcp_policy_rule,
    "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule": _gcp_policy_rule,
    "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule": _gcp_policy_rule,
    "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules": _gcp_policy_with_rules,
    "gcp:compute/networkFirewallPolicyWithRules:NetworkFirewallPolicyWithRules": _gcp_policy_with_rules,
    "gcp:compute/regionNetworkFirewallPolicyWithRules:RegionNetworkFirewallPolicyWithRules": _gcp_policy_with_rules,
    "azure-native:network:NetworkSecurityGroup": _azure_nsg,
    "azure-native:network:SecurityRule": _azure_security_rule,
    "azure:network/networkSecurityGroup:NetworkSecurityGroup": _azure_nsg,
    "azure:network/networkSecurityRule:NetworkSecurityRule": _azure_security_rule,
}


def ingress(resource: Resource, index: GraphIndex) -> list[Ingress]:
    """Every rule of `resource` that lets traffic in ([] for other types)."""
    reader = INGRESS.get(resource.type)
    if reader is None:
        return []
    return [
        Ingress(r.where, r.sources, r.protocols, r.ports, r.target, resource)
        for r in reader(resource, index)
    ]


def reaches(rule: Ingress, port: int, protocol: str) -> bool | Unknown:
    """Whether `rule` admits `protocol` traffic to `port` (Unknown when that is not known)."""
    if isinstance(rule.protocols, Unknown):
        return rule.protocols
    if protocol not in rule.protocols:
        return False
    if isinstance(rule.ports, Unknown):
        return rule.ports
    return any(low <= port <= high for low, high in rule.ports)


def open_sources(sources: Iterable[Any]) -> list[str]:
    """The sources that by themselves are the internet (for messages)."""
    return [
        s for s in sources if isinstance(s, str) and (is_internet_tag(s) or covers_internet([s]))
    ]


def exposed(sources: list[Any]) -> bool | Unknown:
    """Whether the sources together reach the whole internet; Unknown when one is unknown
    and the known ones do not already."""
    known = [s for s in sources if isinstance(s, str)]
    if any(is_internet_tag(s) for s in known) or covers_internet(known):
        return True
    unknown = next((s for s in sources if isinstance(s, Unknown)), None)
    return unknown if unknown is not None else False
