"""Small helpers every cloud's component classes share (no cloud SDK imports here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

import pulumi

T = TypeVar("T")


def child(
    parent: pulumi.Resource, *, depends_on: Sequence[pulumi.Resource] | None = None
) -> pulumi.ResourceOptions:
    """Options for a component's child: always parented, so it inherits the provider."""
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on or []))


def expect(value: object, cls: type[T], role: str) -> T:
    """The kit's own network/storage type, or a TypeError naming the mix-up (kits only: the
    components themselves take ids and Outputs, never another component)."""
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


def joined(*parts: Any) -> pulumi.Output[str | None]:
    """`parts` concatenated once all are known, or None when any is missing or empty (an
    existing file system named without its DNS name, a mock that computes no outputs):
    `Output.concat` would fail on the None instead."""

    def join(values: list[Any]) -> str | None:
        if any(v is None or v == "" for v in values):
            return None
        return "".join(str(v) for v in values)

    return pulumi.Output.all(*parts).apply(join)


def concat_computed(*parts: Any) -> pulumi.Output[str]:
    """`Output.concat` for parts the cloud always computes (an e-mail, an account name): typed
    as a string, but a mock that computes nothing gets None rather than a failed program."""
    return cast(pulumi.Output[str], joined(*parts))


def first_or_none(values: Sequence[T] | None) -> T | None:
    """The first item of a data source's list, or None when it answered with nothing (the
    resource then takes the cloud's default, e.g. any zone of the region)."""
    return values[0] if values else None


__all__ = ["bootstrap_script", "child", "expect", "first_or_none", "joined"]
