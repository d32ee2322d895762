"""The Pulumi program (`pulumi up` from the project root runs this, per Pulumi.yaml).

Reads the stack config, the plan lock it names (`cloudwright:plan`, relative to the project
root) and the catalog, then hands them to `stacks.program.run` and exports its outputs.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.plan import load_plan
from cloudwright.stacks.program import run
from cloudwright.stacks.settings import StackSettings, config_keys


def project_root() -> Path:
    """Where Pulumi.yaml is: the engine's root directory, else this file's parent's parent."""
    given = pulumi.get_root_directory()
    if given and (Path(given) / "Pulumi.yaml").is_file():
        return Path(given)
    return Path(__file__).resolve().parent.parent


root = project_root()
settings = StackSettings.parse(config_keys(), origin=f"stacks/Pulumi.{pulumi.get_stack()}.yaml")
catalog = Catalog.load(root / settings.catalog if settings.catalog else None)
for workload, outputs in run(load_plan(root / settings.plan), catalog, settings).items():
    pulumi.export(workload, outputs)
pulumi.export("planFile", settings.plan)
