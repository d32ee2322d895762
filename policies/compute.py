"""Compute facts of one resource: which instance types it launches and whether they are spot.

One reader per Pulumi type (the types that launch VMs or define how they launch), so the
instance-type, spot and GPU rules read the same facts whether the VM is an EC2 launch
template, a GCP instance template or an Azure scale set.

Spot / preemptible capacity, per provider:
- AWS launch templates and instances: `instanceMarketOptions` with `marketType` 'spot'
  (the provider's default when the block is present without a market type);
  auto-scaling groups: a `mixedInstancesPolicy` whose on-demand share above base
  capacity is below 100 %; `aws:ec2/spotInstanceRequest` always.
- GCP: `scheduling.provisioningModel: SPOT` or `scheduling.preemptible: true`.
- Azure: `priority` 'Spot' (or the legacy 'Low') on the VM or the scale set's VM profile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cloudwright.policies import props as p


@dataclass(frozen=True)
class ComputeFacts:
    cloud: str
    instance_types: list[Any] = field(default_factory=list)  # str or UNKNOWN
    spot: Any = False  # bool or UNKNOWN
    spot_setting: str = ""  # where the spot choice is made, for messages
    type_setting: str = ""  # the input that names the instance type, for messages


def _aws_market(props: Any, prefix: str = "") -> tuple[Any, str]:
    options = p.get(props, f"{prefix}instanceMarketOptions")
    if options is None:
        return False, ""
    if options is p.UNKNOWN:
        return p.UNKNOWN, f"{prefix}instanceMarketOptions"
    market = p.get(options, "marketType")
    if market is p.UNKNOWN:
        return p.UNKNOWN, f"{prefix}instanceMarketOptions.marketType"
    return (market in (None, "spot")), f"{prefix}instanceMarketOptions.marketType"


def _aws_launch_template(props: Any) -> ComputeFacts:
    spot, where = _aws_market(props)
    types = [p.get(props, "instanceType")] if p.get(props, "instanceType") is not None else []
    return ComputeFacts("aws", types, spot, where, "instanceType")


def _aws_instance(props: Any) -> ComputeFacts:
    return _aws_launch_template(props)


def _aws_spot_request(props: Any) -> ComputeFacts:
    facts = _aws_launch_template(props)
    return ComputeFacts("aws", facts.instance_types, True, "aws:ec2/spotInstanceRequest", "")


def _aws_group(props: Any) -> ComputeFacts:
    policy = p.get(props, "mixedInstancesPolicy")
    if not policy:
        return ComputeFacts("aws")
    overrides = p.get(policy, "launchTemplate.overrides")
    types: list[Any] = [
        p.get(o, "instanceType") for o in p.as_list(overrides) if p.get(o, "instanceType")
    ]
    if p.is_unknown(overrides):
        types = [p.UNKNOWN]
    share = p.as_int(p.get(policy, "instancesDistribution.onDemandPercentageAboveBaseCapacity"))
    where = "mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity"
    spot: Any = p.UNKNOWN if share is p.UNKNOWN else (isinstance(share, int) and share < 100)
    return ComputeFacts("aws", types, spot, where, "mixedInstancesPolicy.launchTemplate.overrides")


def _gcp_machine(props: Any) -> ComputeFacts:
    machine = p.get(props, "machineType")
    types = [p.last_segment(machine) if isinstance(machine, str) else machine] if machine else []
    model = p.get(props, "scheduling.provisioningModel")
    preemptible = p.as_bool(p.get(props, "scheduling.preemptible"))
    if model is p.UNKNOWN or preemptible is p.UNKNOWN:
        spot: Any = p.UNKNOWN
    else:
        spot = (isinstance(model, str) and model.upper() == "SPOT") or preemptible is True
    where = "scheduling.provisioningModel" if model else "scheduling.preemptible"
    return ComputeFacts("gcp", types, spot, where, "machineType")


def _azure_priority(value: Any) -> Any:
    if value is p.UNKNOWN:
        return p.UNKNOWN
    return isinstance(value, str) and value.lower() in ("spot", "low")


def _azure_native_vmss(props: Any) -> ComputeFacts:
    size = p.get(props, "sku.name")
    spot = _azure_priority(p.get(props, "virtualMachineProfile.priority"))
    return ComputeFacts(
        "azure", [size] if size else [], spot, "virtualMachineProfile.priority", "sku.name"
    )


def _azure_native_vm(props: Any) -> ComputeFacts:
    size = p.get(props, "hardwareProfile.vmSize")
    spot = _azure_priority(p.get(props, "priority"))
    return ComputeFacts("azure", [size] if size else [], spot, "priority", "hardwareProfile.vmSize")


def _azure_classic(size_key: str) -> Callable[[Any], ComputeFacts]:
    def read(props: Any) -> ComputeFacts:
        size = p.get(props, size_key)
        spot = _azure_priority(p.get(props, "priority"))
        return ComputeFacts("azure", [size] if size else [], spot, "priority", size_key)

    return read


READERS: dict[str, Callable[[Any], ComputeFacts]] = {
    "aws:ec2/launchTemplate:LaunchTemplate": _aws_launch_template,
    "aws:ec2/instance:Instance": _aws_instance,
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": _aws_spot_request,
    "aws:autoscaling/group:Group": _aws_group,
    "gcp:compute/instance:Instance": _gcp_machine,
    "gcp:compute/instanceTemplate:InstanceTemplate": _gcp_machine,
    "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": _gcp_machine,
    "azure-native:compute:VirtualMachineScaleSet": _azure_native_vmss,
    "azure-native:compute:VirtualMachine": _azure_native_vm,
    "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet": _azure_classic("sku"),
    "azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet": _azure_classic(
        "sku"
    ),
    "azure:compute/linuxVirtualMachine:LinuxVirtualMachine": _azure_classic("size"),
    "azure:compute/windowsVirtualMachine:WindowsVirtualMachine": _azure_classic("size"),
}


def compute_facts(resource_type: str, props: Any) -> ComputeFacts | None:
    """The compute facts of a resource, or None when the type launches no VMs."""
    reader = READERS.get(resource_type)
    return reader(props) if reader else None
