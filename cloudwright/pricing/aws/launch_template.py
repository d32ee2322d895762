"""Launch templates and launch configurations as seen by what launches them (Auto Scaling
groups, fleets, EKS node groups, instances). A template costs nothing itself (it is on the
free list); its instance type, purchase option and block devices price what launches it.

Which template a launcher uses, its instance type and its market come from the resource
facts layer (`resource_graph.facts.launch`); this module reads the template's EBS volumes:
launch templates' `blockDeviceMappings[].ebs`, launch configurations' `rootBlockDevice` and
`ebsBlockDevices`.
"""

from __future__ import annotations

from collections.abc import Mapping

from cloudwright.pricing.aws.ebs_volume import EbsArgs, block_device_args
from cloudwright.pricing.values import lookup, raw
from cloudwright.resource_graph.model import Resource

LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"


def template_devices(template: Resource | None) -> list[EbsArgs]:
    """The EBS volumes each instance launched from `template` gets (those with a size)."""
    if template is None:
        return []
    if template.type == LAUNCH_CONFIGURATION:
        root = raw(template, "rootBlockDevice")
        blocks = [root] if isinstance(root, Mapping) else []
        extra = raw(template, "ebsBlockDevices")
        blocks += [b for b in extra if isinstance(b, Mapping)] if isinstance(extra, list) else []
    else:
        mappings = raw(template, "blockDeviceMappings")
        blocks = [
            lookup(m, "ebs")
            for m in (mappings if isinstance(mappings, list) else [])
            if isinstance(m, Mapping) and isinstance(lookup(m, "ebs"), Mapping)
        ]
    return [
        block_device_args(block, size_label="volume size")
        for block in blocks
        if raw(block, "volumeSize") is not None
    ]
