"""The files Pulumi itself reads: Pulumi.yaml and requirements.txt for the stack program,
and a self-contained policy pack (PulumiPolicy.yaml, its own requirements.txt naming the
cloudwright distribution, a main that imports only the installed package). Fields checked
against Pulumi's project-file and policy-pack-file references."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from typing import Any

import yaml

import cloudwright

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "policies"
PYTHON_TOOLCHAINS = {"pip", "poetry", "uv"}
PROJECT_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict), path
    return data


def requirement_lines(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text("utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def check_python_runtime(runtime: Any, home: Path) -> None:
    assert runtime["name"] == "python"
    options = runtime["options"]
    assert set(options) <= {"toolchain", "virtualenv", "typechecker"}
    assert options["toolchain"] in PYTHON_TOOLCHAINS
    # pip reads requirements.txt next to the manifest; the venv path is relative to it.
    assert (home / "requirements.txt").is_file()
    assert not Path(options["virtualenv"]).is_absolute()


def test_project_file_fields() -> None:
    project = load(ROOT / "Pulumi.yaml")
    assert set(project) <= {
        "name", "runtime", "description", "config", "main", "stackConfigDir", "backend",
        "options", "template", "plugins", "packages",
    }  # fmt: skip
    assert PROJECT_NAME.match(project["name"])
    check_python_runtime(project["runtime"], ROOT)
    assert (ROOT / project["main"] / "__main__.py").is_file()
    assert (ROOT / project["stackConfigDir"]).is_dir()


def test_stack_requirements_install_this_checkout_with_every_cloud() -> None:
    assert requirement_lines(ROOT / "requirements.txt") == ["-e .[all]"]


def test_policy_pack_file_fields() -> None:
    pack = load(PACK / "PulumiPolicy.yaml")
    assert set(pack) <= {
        "runtime",
        "version",
        "main",
        "description",
        "author",
        "website",
        "license",
    }
    check_python_runtime(pack["runtime"], PACK)
    venv = (PACK / pack["runtime"]["options"]["virtualenv"]).resolve()
    assert venv.is_relative_to(PACK.resolve())  # nothing outside the folder that is published
    assert SEMVER.match(pack["version"])
    assert pack["version"] == cloudwright.__version__


def test_policy_requirements_name_the_distribution_at_the_packs_version() -> None:
    lines = requirement_lines(PACK / "requirements.txt")
    assert lines == [f"cloudwright=={cloudwright.__version__}"]


def test_policy_main_imports_only_the_installed_package() -> None:
    tree = ast.parse((PACK / "__main__.py").read_text("utf-8"))
    modules = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
    assert {m.split(".")[0] for m in modules} <= {
        "__future__",
        "typing",
        "cloudwright",
        "pulumi_policy",
    }
    assert "sys" not in modules  # no sys.path games: the pack runs from the installed package
    for module in modules:
        assert importlib.util.find_spec(module) is not None, module
    spec = importlib.util.find_spec("cloudwright.policies")
    assert spec is not None and spec.origin is not None
