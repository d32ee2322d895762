"""Small helpers every cloud's component classes share (no cloud SDK imports here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import pulumi

from cloudwright.components.interface import ClusterNetwork, ClusterStorage

T = TypeVar("T")


def child(
    parent: pulumi.Resource, *, depends_on: Sequence[pulumi.Resource] | None = None
) -> pulumi.ResourceOptions:
    """Options for a component's child: always parented, so it inherits the provider."""
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on or []))


def expect(value: object, cls: type[T], role: str) -> T:
    """The cloud module's own network/storage type, or a TypeError naming the mix-up."""
    if not isinstance(value, cls):
        raise TypeError(f"{role} must be a {cls.__name__}, got {type(value).__name__}")
    return value


def bootstrap_script(mount_command: str | None, mount_point: str) -> str:
    """A first-boot shell script that mounts the cluster's file system (retrying while the
    file system finishes coming up) and otherwise changes nothing on the image."""
    lines = ["#!/bin/bash", "set -u"]
    if mount_command:
        lines += [
            f"mkdir -p {mount_point}",
            "for attempt in $(seq 1 30); do",
            f"  if mountpoint -q {mount_point}; then break; fi",
            f"  {mount_command} && break",
            "  sleep 20",
            "done",
        ]
    return "\n".join(lines) + "\n"


__all__ = ["ClusterNetwork", "ClusterStorage", "bootstrap_script", "child", "expect"]
