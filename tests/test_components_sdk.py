"""A cloud's provider SDK missing (`pip install cloudwright` without that extra): one clear
error, exit 5, naming the extra; the other clouds keep working."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from _cli import run_cli
from _plans import p5_cluster, plan

from cloudwright.components.interface import load_kit
from cloudwright.components.sdk import require_sdk
from cloudwright.core.errors import ToolMissingError
from cloudwright.optimizer.plan import save_plan

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def without_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if pulumi-aws were not installed: importing it fails, and no module of ours that
    imported it is cached (monkeypatch puts everything back afterwards)."""
    for name in list(sys.modules):
        if name == "pulumi_aws" or name.startswith(("pulumi_aws.", "cloudwright.components.aws")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pulumi_aws", None)


def test_require_sdk_names_the_extra(without_aws: None) -> None:
    with pytest.raises(ToolMissingError) as caught:
        require_sdk("aws")
    assert caught.value.exit_code == 5
    assert "pulumi-aws" in str(caught.value)
    assert "cloudwright[aws]" in (caught.value.hint or "")


def test_importing_the_components_goes_through_the_helper(without_aws: None) -> None:
    with pytest.raises(ToolMissingError, match="pulumi-aws"):
        load_kit("aws")
    with pytest.raises(ToolMissingError):
        import cloudwright.components.aws.cluster  # noqa: F401
    assert load_kit("gcp").cloud == "gcp"  # the other clouds are unaffected


def test_the_provider_serves_the_clouds_that_are_installed(without_aws: None) -> None:
    from cloudwright.components.provider import component_types

    served = {c.__module__.split(".")[2] for c in component_types()}
    assert served == {"gcp", "azure"}


def test_cli_preview_exits_5_with_the_install_line(
    without_aws: None, tmp_path: Path, fixture_catalog: object
) -> None:
    path = tmp_path / "plan.json"
    save_plan(plan(p5_cluster()), path)
    result = run_cli("preview", str(path), cwd=tmp_path)
    assert result.returncode == 5, result.stderr
    assert "cloudwright[aws]" in result.stderr
    assert "Traceback" not in result.stderr
