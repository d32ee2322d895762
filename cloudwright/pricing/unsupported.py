"""Why a resource type without a pricer is not priced: the general reason, or a specific one
for types whose cost cannot be read from the resource itself.

A CloudFormation stack (`aws:cloudformation/stack:Stack`) creates its resources outside
Pulumi's graph: the state holds only the template text and the stack's outputs. Cloudwright
does not evaluate templates (their intrinsic functions, parameters and conditions decide
what is created), so the stack stays unsupported; the reason names the resource types its
template declares, so the reader knows what the estimate leaves out.
"""

from __future__ import annotations

import re

from cloudwright.resource_graph.facts.values import read
from cloudwright.resource_graph.model import Resource

NO_PRICER = "no pricer for this resource type"
CFN_STACK = "aws:cloudformation/stack:Stack"
_CFN_TYPE = re.compile(r"\bAWS::[A-Za-z0-9]+::[A-Za-z0-9]+\b")
_MAX_NAMED = 6


def unsupported_reason(resource: Resource) -> str:
    if resource.type == CFN_STACK:
        return _cfn_reason(resource)
    return NO_PRICER


def _cfn_reason(resource: Resource) -> str:
    reason = "a CloudFormation stack hides its resources: price its template separately"
    body = read(resource, "templateBody")
    if not isinstance(body, str):
        return reason
    # Resource types as the template spells them (`Type: AWS::…`, JSON or YAML alike).
    found = sorted(set(_CFN_TYPE.findall(body)))
    if not found:
        return reason
    shown = ", ".join(found[:_MAX_NAMED]) + (" …" if len(found) > _MAX_NAMED else "")
    return f"{reason} (its template declares {shown})"
