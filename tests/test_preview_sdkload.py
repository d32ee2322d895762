"""The offline preview loads only the provider SDK modules it uses (`resource_graph.sdkload`):
every name resolves to the very object the full package import gives, and far fewer modules
are imported. Run in a fresh interpreter: other tests may have loaded the packages whole."""

from __future__ import annotations

import json
import subprocess
import sys

NAMES = {
    "pulumi_gcp.compute": [
        "Network", "Firewall", "FirewallAllowArgs", "RouterNat", "RouterNatLogConfigArgs",
        "InstanceGuestAcceleratorArgs", "get_zones_output", "outputs",
    ],
    "pulumi_aws.ec2": ["LaunchTemplate", "LaunchTemplateBlockDeviceMappingEbsArgs", "Vpc"],
    "pulumi_aws.autoscaling": ["Group", "GroupTagArgs"],
    "pulumi_azure_native.compute": ["VirtualMachineScaleSet", "CachingTypes", "SkuArgs"],
    "pulumi_azure_native.authorization": ["get_client_config_output"],
}  # fmt: skip

PROBE = """
import importlib, json, sys
from cloudwright.resource_graph.sdkload import load_only_what_is_used
names = json.loads(sys.argv[1])
load_only_what_is_used()
seen, loaded = {}, {}
for package, wanted in names.items():
    module = importlib.import_module(package)
    seen[package] = [getattr(module, n) for n in wanted]
    loaded[package] = sum(1 for m in sys.modules if m.startswith(package + "."))
same = {}
for package, objects in seen.items():
    module = sys.modules[package]
    module._load_all("__doc__")  # now the whole package, as `import` would load it
    same[package] = all(getattr(module, n) is o for n, o in zip(names[package], objects))
print(json.dumps({"loaded": loaded, "same": same}))
"""


def test_selective_sdk_modules_give_the_same_objects() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(NAMES)],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert all(result["same"].values()), result
    assert result["loaded"]["pulumi_gcp.compute"] < 20  # of 288 resource modules
    assert result["loaded"]["pulumi_aws.ec2"] < 20
