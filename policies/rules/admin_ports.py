"""no-open-admin-ports: nothing lets the whole internet reach SSH (22) or RDP (3389).

A stack policy, so rules split across resources are judged together. The ingress rules
come from the resource facts layer (`resource_graph.facts.network`), every form of each
cloud: AWS security groups' (and the default group's) inline `ingress`,
`aws:ec2/securityGroupRule` (type ingress) and `aws:vpc/securityGroupIngressRule`; GCP VPC
firewalls and firewall-policy rules (hierarchical, global and regional network policies, as
rule resources or inline `...WithRules`); Azure NSG inline rules and separate security rules
(azure-native and classic).

A port is open when the sources of the rules admitting it (TCP or UDP; 'all protocols'
counts for both) cover the internet — by set arithmetic over the CIDRs, so 0.0.0.0/0 and
::/0 in any spelling (::0/0, 0:0:0:0:0:0:0:0/0), halves like 0.0.0.0/1 + 128.0.0.0/1, or
any set that leaves out only private, reserved or multicast space; Azure's '*', 'Any' and
'Internet' are the internet too. Rules are united per group they belong to: the security
group, the GCP network or firewall policy, the NSG. A GCP firewall with no source at all
applies to 0.0.0.0/0, as GCP defaults it. Sources or ports that are secret or computed are
unchecked (worst case: open).

`ports` lists the admin ports (default 22 and 3389).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from cloudwright.policies.adapters import stack_graph
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.common import Findings, schema, settings
from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.network import (
    INGRESS,
    Ingress,
    exposed,
    ingress,
    open_sources,
    reaches,
)
from cloudwright.resource_graph.model import Unknown

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

TYPES = frozenset(INGRESS)
_NAMES = {22: "SSH", 3389: "RDP"}
_ADVICE = {
    "aws": "restrict the source to your admin network or use SSM Session Manager / a bastion",
    "gcp": "narrow sourceRanges (e.g. 35.235.240.0/20 for IAP TCP forwarding) or use sourceTags",
    "azure": "restrict sourceAddressPrefix to your admin network or use Azure Bastion",
}


@dataclass
class _Open:
    """What one rule opens: ports, the sources shown, and rules it covers the internet with."""

    rule: Ingress
    ports: set[int] = field(default_factory=set)
    shown: list[str] = field(default_factory=list)
    others: list[Ingress] = field(default_factory=list)


def _describe(ports: set[int]) -> str:
    return ", ".join(f"{p} ({_NAMES[p]})" if p in _NAMES else str(p) for p in sorted(ports))


def _name(rule: Ingress) -> str:
    return rule.resource.name if rule.resource is not None else "?"


def _message(found: _Open) -> str:
    rule = found.rule
    cloud = rule.resource.cloud if rule.resource is not None else None
    together = ""
    if found.others:
        together = " together with " + ", ".join(f"{_name(o)} {o.where}" for o in found.others)
    sources = ", ".join(dict.fromkeys(found.shown))
    verb = (
        f"opens {_describe(found.ports)} to"
        if cloud == "aws"
        else (f"allows {_describe(found.ports)} from")
    )
    advice = _ADVICE.get(cloud or "", "restrict the source range")
    return f"{rule.where} {verb} {sources}{together}: {advice}"


def _admitting(group: list[Ingress], port: int, protocol: str, found: Findings) -> list[Ingress]:
    out = []
    for rule in group:
        hit = reaches(rule, port, protocol)
        if isinstance(hit, Unknown):
            if exposed(rule.sources) is not False:
                found.unknown(f"{_name(rule)} {rule.where} ports", hit, "admin ports open")
        elif hit:
            out.append(rule)
    return out


def check(index: GraphIndex, ports: list[int], found: Findings) -> None:
    """Record every rule that opens an admin port to the internet (alone, or together with
    the other rules of its group)."""
    by_target: dict[str, list[Ingress]] = defaultdict(list)
    for resource in index.resources:
        for rule in ingress(resource, index):
            by_target[rule.target].append(rule)
    opened: dict[int, _Open] = {}
    for group in by_target.values():
        for port in ports:
            for protocol in ("tcp", "udp"):
                admitting = _admitting(group, port, protocol, found)
                alone = [r for r in admitting if exposed(r.sources) is True]
                for rule in alone:
                    entry = opened.setdefault(id(rule), _Open(rule))
                    entry.ports.add(port)
                    entry.shown += open_sources(rule.sources) or [str(s) for s in rule.sources]
                if alone or not admitting:
                    continue
                together = exposed([s for r in admitting for s in r.sources])
                if isinstance(together, Unknown):
                    names = ", ".join(f"{_name(r)} {r.where}" for r in admitting)
                    found.unknown(f"the sources of {names}", together, "admin ports open")
                elif together:
                    for rule in admitting:
                        entry = opened.setdefault(id(rule), _Open(rule))
                        entry.ports.add(port)
                        entry.shown += [str(s) for s in rule.sources if isinstance(s, str)]
                        entry.others += [
                            o for o in admitting if o is not rule and o not in entry.others
                        ]
    for entry in opened.values():
        urn = entry.rule.resource.urn if entry.rule.resource is not None else None
        found.add(_message(entry), urn)


def policies(context: RuleContext) -> list[StackValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        ports = [int(port) for port in settings(args, CONFIG)["ports"]]
        graph = stack_graph(args)
        live = [r for r in graph.resources if r.type in TYPES]
        found = Findings()
        check(GraphIndex(live), ports, found)
        found.emit(report, with_urn=True)

    return [
        StackValidationPolicy(
            name=NAME,
            description="No security group, firewall, firewall policy or NSG opens SSH/RDP to "
            "the internet.",
            validate=validate,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=CONFIG,
            severity=Severity.CRITICAL,
            tags=["security", "network"],
            remediation_steps="Restrict the rule's source to a known admin range, or reach the "
            "nodes through SSM Session Manager, IAP TCP forwarding or Azure Bastion.",
        )
    ]
