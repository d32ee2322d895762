"""The policy pack's entry point under `pulumi preview --policy-pack policies/`.

This is the only place a `PolicyPack` is constructed: pulumi-policy's constructor starts
the analyzer's gRPC server and never returns, so it runs only when this file is executed
as the program (`__name__ == "__main__"`, which is how Pulumi's Python analyzer runs a
pack). Importing this module — tests do — builds the policies and starts nothing.
"""

from __future__ import annotations

from typing import Any

from cloudwright.policies import PACK_NAME
from cloudwright.policies.rules import build_policies


def pack_arguments() -> dict[str, Any]:
    """Everything `PolicyPack` is given, so tests can check it without starting a server."""
    return {
        "name": PACK_NAME,
        "policies": build_policies(),
        "description": "Cloudwright guardrails for GPU fleets on AWS, GCP and Azure: budget, "
        "carbon, residency, storage security, admin ports, tags, GPU fabric, capacity.",
        "display_name": "Cloudwright GPU fleet guardrails",
        "tags": ["aws", "gcp", "azure", "gpu", "finops"],
    }


if __name__ == "__main__":
    from pulumi_policy import PolicyPack

    PolicyPack(**pack_arguments())
