"""`pulumi preview` / `pulumi up` of the stack program through Pulumi's Automation API.

Drives the same program as `pulumi up` from the project root (`LocalWorkspace` on the
project directory, so Pulumi.yaml and stacks/Pulumi.<stack>.yaml apply). State goes to a
local file backend under `.cloudwright/state` unless the user chose a backend
(`PULUMI_BACKEND_URL`, or a `pulumi login`); such a backend encrypts secrets with a
passphrase, so `PULUMI_CONFIG_PASSPHRASE` (or `_FILE`) must be set.

Everything needs the `pulumi` binary: without it these functions raise ToolMissingError with
the install command. Nothing here prints; progress goes to the `on_output` callback.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cloudwright.core.errors import CloudwrightError, InputError, ToolMissingError

INSTALL_HINT = (
    "install the Pulumi CLI: curl -fsSL https://get.pulumi.com | sh "
    "(or see https://www.pulumi.com/docs/install/), then re-run"
)
STATE_DIR = Path(".cloudwright") / "state"
PLAN_KEY = "cloudwright:plan"

Action = Literal["preview", "up"]


@dataclass
class DeployResult:
    action: Action
    stack: str
    backend: str
    changes: dict[str, int] = field(default_factory=dict)  # op → count
    outputs: dict[str, Any] = field(default_factory=dict)
    result: str = ""  # up: succeeded / failed


def pulumi_binary(path: str | None = None) -> str:
    """The `pulumi` executable on PATH, or ToolMissingError saying how to install it."""
    found = shutil.which("pulumi", path=path)
    if found is None:
        raise ToolMissingError("the Pulumi CLI (`pulumi`) is not installed", hint=INSTALL_HINT)
    return found


def workspace_env(project_dir: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for the workspace: the user's backend if set, else a local file backend
    inside the project; a local backend needs a passphrase for secrets."""
    env = dict(os.environ if environ is None else environ)
    out: dict[str, str] = {}
    if not env.get("PULUMI_BACKEND_URL"):
        state = (project_dir / STATE_DIR).resolve()
        state.mkdir(parents=True, exist_ok=True)
        out["PULUMI_BACKEND_URL"] = f"file://{state}"
    backend = env.get("PULUMI_BACKEND_URL") or out["PULUMI_BACKEND_URL"]
    local = backend.startswith("file://")
    if (
        local
        and "PULUMI_CONFIG_PASSPHRASE" not in env
        and "PULUMI_CONFIG_PASSPHRASE_FILE" not in env
    ):
        raise InputError(
            f"a local Pulumi backend ({backend}) encrypts stack secrets with a passphrase, "
            "and none is set",
            hint="export PULUMI_CONFIG_PASSPHRASE=... (keep it: the stack needs it every time)",
        )
    return out


def _plan_setting(project_dir: Path, plan: Path | None) -> str | None:
    if plan is None:
        return None
    resolved = plan.resolve()
    if not resolved.is_file():
        raise InputError(f"plan file not found: {plan}")
    try:
        return str(resolved.relative_to(project_dir.resolve()))
    except ValueError:
        return str(resolved)


def run(
    action: Action,
    *,
    stack: str,
    project_dir: Path,
    plan: Path | None = None,
    on_output: Callable[[str], None] | None = None,
) -> DeployResult:
    """`pulumi preview` or `pulumi up` (non-interactive: the caller confirms) for `stack`."""
    pulumi_binary()
    if not (project_dir / "Pulumi.yaml").is_file():
        raise InputError(f"no Pulumi.yaml in {project_dir}", hint="run from the project root")
    from pulumi import automation as auto

    env = workspace_env(project_dir)
    workspace = auto.LocalWorkspaceOptions(work_dir=str(project_dir), env_vars=env)
    backend = env.get("PULUMI_BACKEND_URL") or os.environ.get("PULUMI_BACKEND_URL", "")
    try:
        target = auto.create_or_select_stack(
            stack_name=stack, work_dir=str(project_dir), opts=workspace
        )
        setting = _plan_setting(project_dir, plan)
        if setting is not None:
            target.set_config(PLAN_KEY, auto.ConfigValue(value=setting))
        if action == "preview":
            preview = target.preview(on_output=on_output, diff=False)
            return DeployResult(
                action,
                stack,
                backend,
                changes={str(k): int(v) for k, v in preview.change_summary.items()},
            )
        up = target.up(on_output=on_output)
    except auto.errors.CommandError as exc:
        raise CloudwrightError(
            f"pulumi {action} failed for stack {stack!r}", hint=str(exc).strip()[-2000:]
        ) from exc
    return DeployResult(
        action,
        stack,
        backend,
        changes={str(k): int(v) for k, v in (up.summary.resource_changes or {}).items()},
        outputs={k: v.value for k, v in up.outputs.items()},
        result=up.summary.result,
    )
