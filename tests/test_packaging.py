"""What `pip wheel .` builds: one import package, the data it needs, nothing of the repo's.

A user's own `components/` or `policies/` folder (common in Pulumi projects) must not shadow
Cloudwright's, so the wheel installs only `cloudwright`; the repository's top-level folders
reach it through links (cloudwright/optimizer -> ../optimizer …)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINKED = ("optimizer", "components", "stacks", "policies")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy of the tracked files (links kept), so the checkout gets no build/.
    source = tmp_path_factory.mktemp("src") / "cloudwright"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        origin, copy = ROOT / name, source / name
        if not origin.is_symlink() and not origin.is_file():
            continue  # deleted in the working tree
        copy.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_symlink():
            copy.symlink_to(origin.readlink())
        else:
            shutil.copy2(origin, copy)
    # No build isolation: the locked setuptools is already installed, and CI has no need to
    # reach an index for it.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("cloudwright-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


@pytest.mark.slow
def test_only_top_level_package_is_cloudwright(wheel_names: list[str]) -> None:
    tops = {name.split("/", 1)[0] for name in wheel_names if not name.startswith("cloudwright-")}
    assert tops == {"cloudwright"}


@pytest.mark.slow
def test_linked_folders_and_their_data_ship_inside_it(wheel_names: list[str]) -> None:
    for folder in LINKED:
        assert f"cloudwright/{folder}/__init__.py" in wheel_names
    for table in (ROOT / "optimizer" / "catalog" / "data").iterdir():
        assert f"cloudwright/optimizer/catalog/data/{table.name}" in wheel_names
    assert any(n.startswith("cloudwright/reports/templates/") for n in wheel_names)


@pytest.mark.slow
def test_builders_stack_configs_and_dev_tools_stay_out(wheel_names: list[str]) -> None:
    assert not [n for n in wheel_names if n.startswith("cloudwright/optimizer/catalog/build/")]
    assert not [n for n in wheel_names if n.startswith("cloudwright/stacks/Pulumi.")]
    assert not [n for n in wheel_names if n.split("/")[0] in {"tests", "scripts", "benchmarks"}]


def test_repository_links_point_at_the_top_level_folders() -> None:
    for folder in LINKED:
        link = ROOT / "cloudwright" / folder
        assert link.is_symlink() and link.resolve() == (ROOT / folder).resolve()


@pytest.fixture(scope="module")
def wheel_metadata(wheel: Path, wheel_names: list[str]) -> str:
    (metadata,) = [n for n in wheel_names if n.endswith(".dist-info/METADATA")]
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(metadata).decode()


@pytest.mark.slow
def test_provider_sdks_are_per_cloud_extras(wheel_metadata: str) -> None:
    requires = [
        line.removeprefix("Requires-Dist: ")
        for line in wheel_metadata.splitlines()
        if line.startswith("Requires-Dist: ")
    ]
    extras = {
        line.removeprefix("Provides-Extra: ")
        for line in wheel_metadata.splitlines()
        if line.startswith("Provides-Extra: ")
    }
    assert {"aws", "gcp", "azure", "all", "dev"} <= extras
    base = [r for r in requires if "extra ==" not in r]
    for sdk in ("pulumi-aws", "pulumi-gcp", "pulumi-azure-native"):
        assert not [r for r in base if r.startswith(sdk)], f"{sdk} is still a base dependency"
    for cloud, sdk in (
        ("aws", "pulumi-aws"),
        ("gcp", "pulumi-gcp"),
        ("azure", "pulumi-azure-native"),
    ):
        assert any(r.startswith(sdk) and f'extra == "{cloud}"' in r for r in requires), cloud
    assert any(r.startswith("cloudwright[") and 'extra == "all"' in r for r in requires)
    # The components' own SDK and the policy SDK stay: every extra builds on them.
    assert {r.split("<")[0].split(">")[0] for r in base} >= {"pulumi", "pulumi-policy"}
