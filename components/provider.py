"""The components as a Pulumi component provider (package `cloudwright`), for any language.

`pulumi package add <path to this repository>` (or to an installed copy) reads
`PulumiPlugin.yaml`, runs `python -m cloudwright.components` (`serve`), asks the provider for
its schema and generates an SDK for TypeScript, Go, C#, Java or YAML programs; `new
cloudwright.aws.GpuCluster(...)` there becomes a `Construct` call that builds the Python
component here.

The schema comes from the SDK's component analyzer (`pulumi.provider.experimental`: the
TypedDict args and the annotated outputs of each class). That analyzer puts every component
in the `index` module (`cloudwright:index:AwsGpuCluster`); `CloudwrightProvider` publishes
them under the type tokens the components have always registered (`cloudwright:aws:GpuCluster`
...), so stacks deployed before keep their URNs and generated SDKs get one module per cloud.
Only clouds whose provider SDK is installed are served (`components.sdk`).
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult

from cloudwright import __version__
from cloudwright.components.interface import CLOUD_MODULES
from cloudwright.core.errors import ToolMissingError

PACKAGE = "cloudwright"
INDEX_MODULE = "index"
# Components in a cloud's modules besides its package and kubernetes.py (same extra).
EXTRA_MODULES: dict[str, tuple[str, ...]] = {"gcp": ("tpu",)}  # TPU slices


def component_types(clouds: Sequence[str] = tuple(CLOUD_MODULES)) -> list[type[Any]]:
    """Every component class of the clouds whose SDK is installed (all three with [all])."""
    found: list[type[Any]] = []
    for cloud in clouds:
        try:
            module = importlib.import_module(CLOUD_MODULES[cloud])
        except ToolMissingError:
            continue  # that cloud's extra is not installed: serve the others
        found += list(module.COMPONENTS)
        # GPU node pools on managed Kubernetes (EKS, GKE, AKS): the same cloud's extra.
        found += list(importlib.import_module(f"{CLOUD_MODULES[cloud]}.kubernetes").COMPONENTS)
        for extra in EXTRA_MODULES.get(cloud, ()):
            found += list(importlib.import_module(f"{CLOUD_MODULES[cloud]}.{extra}").COMPONENTS)
    if not found:
        raise ToolMissingError(
            "no cloud's Pulumi provider SDK is installed, so there are no components to serve",
            hint="pip install 'cloudwright[all]' (or [aws], [gcp], [azure])",
        )
    return found


def type_token(component: type[Any]) -> str:
    module = sys.modules[component.__module__]
    # A module with two components (kubernetes.py: cluster and pool) names each one's token.
    token = getattr(module, "TYPE_TOKENS", {}).get(component.__name__) or getattr(
        module, "TYPE_TOKEN", None
    )
    if not isinstance(token, str):
        raise TypeError(f"{component.__name__} has no TYPE_TOKEN in {component.__module__}")
    return token


class CloudwrightProvider(ComponentProvider):
    """The SDK's component provider, publishing each component under its own type token."""

    def __init__(self, components: Sequence[type[Any]], version: str = __version__) -> None:
        super().__init__(list(components), PACKAGE, None, version)
        self.tokens = {c.__name__: type_token(c) for c in components}
        self.classes = {token: name for name, token in self.tokens.items()}
        schema = json.loads(self.schema or "{}")
        schema["resources"] = {
            self.tokens[token.rsplit(":", 1)[-1]]: spec
            for token, spec in schema.get("resources", {}).items()
        }
        schema.setdefault("displayName", "Cloudwright")
        schema.setdefault(
            "description",
            "GPU clusters, their network and storage on AWS, GCP and Azure "
            "(Cloudwright's Pulumi components)",
        )
        self.schema = json.dumps(schema)

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        class_name = self.classes.get(resource_type)
        if class_name is None:
            raise ValueError(
                f"unknown resource type {resource_type}; this provider builds "
                f"{', '.join(sorted(self.classes))}"
            )
        # The SDK finds the class by its index token; the class registers its own token.
        return super().construct(name, f"{PACKAGE}:{INDEX_MODULE}:{class_name}", inputs, options)


def serve(args: Sequence[str] | None = None) -> None:
    """Start the provider's gRPC server (prints its port; the engine address is argv[1]),
    as the SDK's `component_provider_host` does, with the token mapping above."""
    from pulumi.provider import main

    main(CloudwrightProvider(component_types()), list(sys.argv[1:] if args is None else args))
