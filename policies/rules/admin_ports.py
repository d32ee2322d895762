"""no-open-admin-ports: nothing lets the whole internet reach SSH (22) or RDP (3389).

A rule is open when it allows ingress from 0.0.0.0/0 or ::/0 (Azure also '*', 'Any',
'Internet') on a protocol that carries ports (TCP, UDP, or all protocols) over a port
range that includes an admin port. Checked on:
- AWS: security groups' inline `ingress` blocks, `aws:ec2/securityGroupRule` (type
  ingress) and `aws:vpc/securityGroupIngressRule`; protocol '-1'/'all' means every port.
- GCP: ingress firewalls that are not disabled; `allows[]` with no `ports` means every
  port; a rule with no `sourceRanges`, `sourceTags` or `sourceServiceAccounts` applies to
  0.0.0.0/0, as GCP defaults it.
- Azure: inbound Allow rules, inline in network security groups or as separate rules
  (azure-native and classic azure).

`ports` lists the admin ports (default 22 and 3389).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from cloudwright.policies import props as p
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.common import schema, settings

NAME = "no-open-admin-ports"

CONFIG = schema(
    {
        "ports": {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": 65535},
            "minItems": 1,
            "default": [22, 3389],
            "description": "Ports that must never be open to the internet.",
        }
    }
)

OPEN_SOURCES = ("0.0.0.0/0", "::/0", "*", "any", "internet")
ALL_PROTOCOLS = ("-1", "all", "*")
PORT_PROTOCOLS = ("tcp", "udp", "6", "17", *ALL_PROTOCOLS)
ANY_PORT = (0, 65535)

PortRange = tuple[int, int]
Checker = Callable[[Any, list[int]], list[str]]


def _is_open(source: Any) -> bool:
    return isinstance(source, str) and source.strip().lower() in OPEN_SOURCES


def _parse_range(spec: Any) -> PortRange | None:
    """'22', '20-30', '*' → a port range; anything else (unknown, junk) → None."""
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


def _hits(ranges: Iterable[PortRange], ports: list[int]) -> list[int]:
    return sorted({port for low, high in ranges for port in ports if low <= port <= high})


def _describe(ports: list[int]) -> str:
    names = {22: "SSH", 3389: "RDP"}
    return ", ".join(f"{port} ({names[port]})" if port in names else str(port) for port in ports)


def _aws_rule(rule: Any, ports: list[int], where: str, protocol_key: str) -> list[str]:
    protocol = str(p.get(rule, protocol_key, "")).lower()
    if protocol not in PORT_PROTOCOLS:
        return []
    sources = [
        *(s for s in _strings(p.get(rule, "cidrBlocks"))),
        *(s for s in _strings(p.get(rule, "ipv6CidrBlocks"))),
        *(s for s in (p.get(rule, "cidrIpv4"), p.get(rule, "cidrIpv6")) if isinstance(s, str)),
    ]
    open_sources = [s for s in sources if s in ("0.0.0.0/0", "::/0")]
    if not open_sources:
        return []
    if protocol in ALL_PROTOCOLS:
        port_range: PortRange | None = ANY_PORT
    else:
        low, high = p.as_int(p.get(rule, "fromPort")), p.as_int(p.get(rule, "toPort"))
        port_range = (low, high) if isinstance(low, int) and isinstance(high, int) else None
    hit = _hits([port_range] if port_range else [], ports)
    if not hit:
        return []
    return [
        f"{where} opens {_describe(hit)} to {', '.join(open_sources)}: restrict the source to "
        "your admin network or use SSM Session Manager / a bastion"
    ]


def _strings(value: Any) -> list[str]:
    return [v for v in p.as_list(value) if isinstance(v, str)]


def _aws_security_group(props: Any, ports: list[int]) -> list[str]:
    found: list[str] = []
    for index, rule in enumerate(p.as_list(p.get(props, "ingress"))):
        found += _aws_rule(rule, ports, f"ingress[{index}]", "protocol")
    return found


def _aws_group_rule(props: Any, ports: list[int]) -> list[str]:
    if p.get(props, "type") != "ingress":
        return []
    return _aws_rule(props, ports, "the ingress rule", "protocol")


def _aws_ingress_rule(props: Any, ports: list[int]) -> list[str]:
    return _aws_rule(props, ports, "the ingress rule", "ipProtocol")


def _gcp_firewall(props: Any, ports: list[int]) -> list[str]:
    if str(p.get(props, "direction", "INGRESS")).upper() != "INGRESS":
        return []
    if p.as_bool(p.get(props, "disabled")) is True:
        return []
    ranges = _strings(p.get(props, "sourceRanges"))
    scoped = _strings(p.get(props, "sourceTags")) or _strings(p.get(props, "sourceServiceAccounts"))
    if not ranges and not scoped and p.get(props, "sourceRanges") is not p.UNKNOWN:
        ranges = ["0.0.0.0/0"]  # GCP's default source for an ingress rule with none given
    open_sources = [r for r in ranges if r in ("0.0.0.0/0", "::/0")]
    if not open_sources:
        return []
    port_ranges: list[PortRange] = []
    for allow in p.as_list(p.get(props, "allows")):
        if str(p.get(allow, "protocol", "")).lower() not in PORT_PROTOCOLS:
            continue
        listed = _strings(p.get(allow, "ports"))
        port_ranges += [r for r in map(_parse_range, listed) if r] if listed else [ANY_PORT]
    hit = _hits(port_ranges, ports)
    if not hit:
        return []
    return [
        f"allows {_describe(hit)} from {', '.join(open_sources)}: narrow sourceRanges "
        "(e.g. 35.235.240.0/20 for IAP TCP forwarding) or use sourceTags"
    ]


def _azure_rule(rule: Any, ports: list[int], where: str) -> list[str]:
    if str(p.get(rule, "direction", "")).lower() != "inbound":
        return []
    if str(p.get(rule, "access", "")).lower() != "allow":
        return []
    if str(p.get(rule, "protocol", "*")).lower() not in PORT_PROTOCOLS:
        return []
    sources = [p.get(rule, "sourceAddressPrefix"), *_strings(p.get(rule, "sourceAddressPrefixes"))]
    open_sources = [s for s in sources if _is_open(s)]
    if not open_sources:
        return []
    specs = [p.get(rule, "destinationPortRange"), *_strings(p.get(rule, "destinationPortRanges"))]
    hit = _hits([r for r in map(_parse_range, specs) if r], ports)
    if not hit:
        return []
    return [
        f"{where} allows {_describe(hit)} from {', '.join(map(str, open_sources))}: restrict "
        "sourceAddressPrefix to your admin network or use Azure Bastion"
    ]


def _azure_nsg(props: Any, ports: list[int]) -> list[str]:
    found: list[str] = []
    for index, rule in enumerate(p.as_list(p.get(props, "securityRules"))):
        name = p.get(rule, "name")
        where = f"securityRules[{index}]" + (f" ({name})" if isinstance(name, str) else "")
        found += _azure_rule(rule, ports, where)
    return found


def _azure_security_rule(props: Any, ports: list[int]) -> list[str]:
    return _azure_rule(props, ports, "the rule")


CHECKS: dict[str, Checker] = {
    "aws:ec2/securityGroup:SecurityGroup": _aws_security_group,
    "aws:ec2/securityGroupRule:SecurityGroupRule": _aws_group_rule,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _aws_ingress_rule,
    "gcp:compute/firewall:Firewall": _gcp_firewall,
    "azure-native:network:NetworkSecurityGroup": _azure_nsg,
    "azure-native:network:SecurityRule": _azure_security_rule,
    "azure:network/networkSecurityGroup:NetworkSecurityGroup": _azure_nsg,
    "azure:network/networkSecurityRule:NetworkSecurityRule": _azure_security_rule,
}


def policies(context: RuleContext) -> list[ResourceValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        check = CHECKS.get(args.resource_type)
        if check is None:
            return
        ports = [int(port) for port in settings(args, CONFIG)["ports"]]
        for message in check(args.props, ports):
            report(message)

    return [
        ResourceValidationPolicy(
            name=NAME,
            description="No security group, firewall or NSG opens SSH/RDP to the internet.",
            validate=validate,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=CONFIG,
            severity=Severity.CRITICAL,
            tags=["security", "network"],
            remediation_steps="Restrict the rule's source to a known admin range, or reach the "
            "nodes through SSM Session Manager, IAP TCP forwarding or Azure Bastion.",
        )
    ]
