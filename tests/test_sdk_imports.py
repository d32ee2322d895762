"""mypy skips each provider SDK's top-level `__init__` (it imports every service and cost
5 minutes and 6.5 GB to analyse; see pyproject.toml). That is only safe while the code imports
services and classes by module — `from pulumi_aws import ec2`, `from pulumi_aws.provider
import Provider` — so every name it uses is still type-checked. This keeps it so."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SDKS = ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native")


def _imports_from_sdk_top_level() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        if path.parts[len(ROOT.parts)] in {".venv", ".venv-latest", "build", "tests"}:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in SDKS and node.level == 0:
                found += [(str(path.relative_to(ROOT)), node.module, a.name) for a in node.names]
    return found


def test_sdk_names_are_imported_by_module() -> None:
    found = _imports_from_sdk_top_level()
    assert found, "expected the components to import provider services"
    not_modules = [
        f"{where}: from {sdk} import {name}"
        for where, sdk, name in found
        if importlib.util.find_spec(f"{sdk}.{name}") is None
    ]
    assert not not_modules, "import these from their module (mypy skips the SDK root)"
