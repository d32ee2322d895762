"""Load only the Pulumi SDK modules the offline preview uses.

A provider SDK's sub-package (`pulumi_gcp.compute`, `pulumi_aws.ec2`) is a lazy module whose
first attribute access runs its `__init__`, which imports every resource module of the
package: 288 for GCP compute, ~1.8 s for the few dozen resources of an example plan (most of
the preview). `load_only_what_is_used()` turns the sub-packages that are still lazy into
`_Selective` modules: `compute.Network` imports `pulumi_gcp/compute/network.py` (with the
package's shared `_inputs`/`outputs`, which every resource module imports itself) and nothing
else. A name found nowhere by that rule loads the whole package as before, so every name the
package exports still resolves, to the same object.

The rule follows the SDKs' generated layout: a resource class `RouterNat` (and its
`RouterNatArgs`) lives in `router_nat.py`; `get_zones`/`get_zones_output` in `get_zones.py`;
nested input types (`...Args`, `...ArgsDict`) in `_inputs.py`; output types in `outputs.py`,
enums in `_enums.py`.
The sub-packages' `__init__` files only re-export (`from .x import *`), so skipping them
changes nothing else. Used by the offline preview only; `pulumi up` imports the SDK as usual.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SDK_PACKAGES = ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native")
CLOUD_SDKS = dict(zip(("aws", "gcp", "azure"), SDK_PACKAGES, strict=True))
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SUFFIXES = ("ArgsDict", "Args")


def load_only_what_is_used(clouds: Iterable[str] | None = None) -> None:
    """Make the still-lazy sub-packages of the installed provider SDKs selective. With
    `clouds`, only those clouds' SDKs are imported here (an AWS and GCP plan need not pay the
    ~30 ms of importing Azure's); one imported later anyway loads as usual, only slower."""
    wanted = SDK_PACKAGES if clouds is None else [CLOUD_SDKS[c] for c in clouds if c in CLOUD_SDKS]
    for package in wanted:
        try:
            importlib.import_module(package)  # registers its sub-packages, lazily
        except ImportError:
            continue
    for name, module in list(sys.modules.items()):
        # `config` sub-packages replace their own class on import: leave them as they are.
        lazy = type(module).__name__ == "_LazyModule" and not name.endswith(".config")
        if name.startswith(SDK_PACKAGES) and lazy:
            spec = types.ModuleType.__getattribute__(module, "__spec__")
            if spec is not None and spec.submodule_search_locations:
                module.__class__ = _Selective


def _candidates(name: str) -> list[str]:
    """Modules of a generated SDK package that may define `name`, most likely first."""
    if name.startswith("get_"):
        return [name.removesuffix("_output")]
    base = name
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            base = name.removesuffix(suffix)
            break
    module = _CAMEL.sub("_", base).lower()
    if base != name:
        return [module, "_inputs"]
    return [module, "outputs", "_enums"]


class _Selective(types.ModuleType):
    """A provider sub-package that imports only the module defining each name asked for."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            return self._load_all(name)
        if name.islower() and not name.startswith("get_") and self._has_module(name):
            # a sub-module (`from . import outputs`, even while it is being imported)
            return importlib.import_module(f"{self.__name__}.{name}")
        for module in _candidates(name):
            if not self._has_module(module):
                continue
            found = getattr(importlib.import_module(f"{self.__name__}.{module}"), name, None)
            if found is not None:
                setattr(self, name, found)
                return found
        return self._load_all(name)

    def _has_module(self, module: str) -> bool:
        return any((Path(p) / f"{module}.py").is_file() for p in self.__path__)

    def _load_all(self, name: str) -> Any:
        """The package as a normal import would load it, then `name` from it."""
        object.__setattr__(self, "__class__", types.ModuleType)
        spec = self.__spec__
        if spec is None or spec.loader is None:
            raise AttributeError(name)
        spec.loader.exec_module(self)
        return getattr(self, name)
