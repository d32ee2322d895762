"""The one way Cloudwright imports a cloud's Pulumi provider SDK.

The SDKs are optional (`pip install 'cloudwright[aws]'`, `[gcp]`, `[azure]` or `[all]`): a
missing one is a missing tool (exit 5) whose message names the extra to install, never a bare
ImportError from deep inside a component module. Each cloud's component package calls
`require_sdk` before its first SDK import, so every import of its modules goes through here.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from cloudwright.core.errors import ToolMissingError, UnknownNameError

SDK_MODULES: dict[str, str] = {
    "aws": "pulumi_aws",
    "gcp": "pulumi_gcp",
    "azure": "pulumi_azure_native",
}
SDK_DISTRIBUTIONS: dict[str, str] = {
    "aws": "pulumi-aws",
    "gcp": "pulumi-gcp",
    "azure": "pulumi-azure-native",
}


def install_hint(cloud: str) -> str:
    return (
        f"install cloudwright[{cloud}] (pip install 'cloudwright[{cloud}]'), "
        "or cloudwright[all] for every cloud"
    )


def require_sdk(cloud: str) -> ModuleType:
    """The cloud's provider SDK package, or ToolMissingError (exit 5) naming the extra."""
    module = SDK_MODULES.get(cloud)
    if module is None:
        raise UnknownNameError("cloud", cloud, SDK_MODULES)
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ToolMissingError(
            f"the {cloud} components need the Pulumi provider SDK {SDK_DISTRIBUTIONS[cloud]} "
            f"({module}), which is not installed ({exc})",
            hint=install_hint(cloud),
        ) from exc
