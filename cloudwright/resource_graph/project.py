"""A Pulumi project directory: its `Pulumi.yaml` and one stack's config, as a program run needs them.

`read_project(DIR)` checks what Pulumi itself would: a `Pulumi.yaml` (or `Pulumi.yml`) with a
`name` and a `runtime`; only the python runtime can be run here (the others are refused with
the way to get a `pulumi preview --json` instead); `main:` is a file or a folder holding
`__main__.py` (default: `DIR/__main__.py`); `stackConfigDir` moves the stack files.

`stack_config(project, stack)` is the config the program sees: the project's `config:`
defaults (`key: {default: ...}` or `key: value`), then `Pulumi.<stack>.yaml`. Bare keys get
the project's namespace, as in Pulumi. Encrypted (`secure:`) values cannot be decrypted
without the Pulumi CLI: the program gets `SECRET_PLACEHOLDER` (a string it can use like a
password), its key is marked secret, and the graph keeps them as unknown secrets.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudwright.core.errors import InputError, echo
from cloudwright.resource_graph.model import SECRET, is_unknown

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
DEFAULT_STACK = "dev"
# What a program reads for a `secure:` value; every input that contains it becomes an
# unknown secret in the graph, so the placeholder is never reported as a value.
SECRET_PLACEHOLDER = "cloudwright-offline-secret-placeholder"
_STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_OTHER_RUNTIMES = {
    "nodejs": "TypeScript/JavaScript",
    "go": "Go",
    "dotnet": ".NET",
    "java": "Java",
    "yaml": "YAML",
}


@dataclass(frozen=True)
class Project:
    directory: Path  # as the user named it (for messages)
    file: Path  # Pulumi.yaml
    name: str
    main: Path  # the Python file to run
    cwd: Path  # the working directory Pulumi gives the program
    stack_dir: Path
    virtualenv: Path | None = None  # runtime.options.virtualenv, when it exists
    defaults: dict[str, Any] = field(default_factory=dict)  # project-level config

    def shown(self, path: Path) -> str:
        """`path` (absolute, inside the project) as the user would write it."""
        try:
            return str(self.directory / path.relative_to(self.directory.resolve()))
        except ValueError:
            return str(path)


@dataclass(frozen=True)
class StackConfig:
    name: str
    file: Path | None  # None: no Pulumi.<stack>.yaml (the project's defaults only)
    values: dict[str, Any]  # what the program reads (secrets as the placeholder)
    graph: dict[str, Any]  # what the graph keeps (secrets unknown)
    secret_keys: list[str]
    notes: list[str] = field(default_factory=list)


def project_file(directory: Path) -> Path | None:
    for name in PROJECT_FILES:
        if (directory / name).is_file():
            return directory / name
    return None


def read_project(directory: str | Path) -> Project:
    """The project in `directory`; an InputError (exit 2) naming Pulumi.yaml otherwise."""
    from cloudwright.core.yamlsource import load_yaml

    where = Path(directory)
    if not where.is_dir():
        raise InputError(f"{echo(str(where))} is not a directory")
    file = project_file(where)
    if file is None:
        raise InputError(
            f"no Pulumi.yaml in {echo(str(where))}: not a Pulumi project",
            hint="pass the folder that holds Pulumi.yaml (and __main__.py), or a file: "
            "plan.json, graph.json, `pulumi preview --json` output, a stack export",
        )
    data, source = load_yaml(file, what="Pulumi project file")
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping (name:, runtime:, ...)", location=str(file))
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise InputError("name: a project name is required", location=source.location(["name"]))
    options = _runtime_options(data.get("runtime"), source.location(["runtime"]))
    main, cwd = _main(where.resolve(), data.get("main"), source.location(["main"]))
    stack_dir = data.get("stackConfigDir")
    if stack_dir is not None and not isinstance(stack_dir, str):
        raise InputError(
            "stackConfigDir: expected a folder name", location=source.location(["stackConfigDir"])
        )
    return Project(
        directory=where,
        file=file,
        name=name,
        main=main,
        cwd=cwd,
        stack_dir=where / stack_dir if stack_dir else where,
        virtualenv=_virtualenv(where, options.get("virtualenv")),
        defaults=_project_defaults(name, data.get("config"), source.location(["config"])),
    )


def _runtime_options(value: Any, where: str) -> Mapping[str, Any]:
    """The python runtime's options; any other runtime is an input error saying what to do."""
    options: Any = {}
    name = value
    if isinstance(value, Mapping):
        name, options = value.get("name"), value.get("options") or {}
    if not isinstance(name, str) or not name:
        raise InputError(
            f"runtime: expected a runtime name (python), got {echo(value)}", location=where
        )
    if name == "python":
        return options if isinstance(options, Mapping) else {}
    language = _OTHER_RUNTIMES.get(name)
    if language is None:
        raise InputError(f"runtime: {echo(name)} is not a Pulumi runtime", location=where)
    raise InputError(
        f"runtime: {name} — Cloudwright runs Pulumi Python programs only; {language} "
        "programs are not supported yet",
        location=where,
        hint="run `pulumi preview --json > preview.json` in the project (or `pulumi stack "
        "export > stack.json` for a deployed stack) and pass that file: "
        "`cloudwright cost preview.json`",
    )


def _main(directory: Path, value: Any, where: str) -> tuple[Path, Path]:
    """(file to run, working directory): `main:` a folder runs its __main__.py from inside
    it; `main:` a file runs from the project folder, as the Pulumi CLI does."""
    if value is None:
        main = directory / "__main__.py"
        if not main.is_file():
            raise InputError(
                "no __main__.py in the project folder",
                location=where.rsplit(":", 1)[0],
                hint="Pulumi runs __main__.py, or the file or folder `main:` names",
            )
        return main, directory
    if not isinstance(value, str) or not value:
        raise InputError("main: expected a file or folder name", location=where)
    target = directory / value
    if target.is_dir():
        if not (target / "__main__.py").is_file():
            raise InputError(f"main: {echo(value)} has no __main__.py", location=where)
        return target / "__main__.py", target
    if not target.is_file():
        raise InputError(f"main: {echo(value)} does not exist", location=where)
    return target, directory


def _virtualenv(directory: Path, value: Any) -> Path | None:
    """The project's own virtualenv site-packages, when it was built for this Python."""
    if not isinstance(value, str) or not value:
        return None
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for site in (Path(value), directory / value):
        packages = site / "lib" / version / "site-packages"
        if packages.is_dir():
            return packages
    return None


def _full_key(project: str, key: Any) -> str:
    text = str(key)
    return text if ":" in text else f"{project}:{text}"


def _project_defaults(project: str, config: Any, where: str) -> dict[str, Any]:
    """Pulumi.yaml `config:` — `key: value`, `key: {value: v}` or `key: {type, default}`."""
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise InputError("config: expected a mapping", location=where)
    out: dict[str, Any] = {}
    for key, spec in config.items():
        if isinstance(spec, Mapping) and ("default" in spec or "value" in spec):
            out[_full_key(project, key)] = spec.get("value", spec.get("default"))
        elif not isinstance(spec, Mapping):
            out[_full_key(project, key)] = spec
    return out


def stack_name(value: str | None) -> str:
    """The stack's short name (`acme/shop/prod` → prod); a bad name is an input error."""
    name = (value or DEFAULT_STACK).rsplit("/", 1)[-1]
    if not _STACK_NAME.match(name):
        raise InputError(
            f"--stack: {echo(value)} is not a stack name (letters, digits, '-', '_', '.')"
        )
    return name


def stack_config(project: Project, stack: str | None) -> StackConfig:
    """The config `pulumi preview --stack STACK` would give the program (module docstring)."""
    from cloudwright.core.yamlsource import load_yaml

    name = stack_name(stack)
    file = project.stack_dir / f"Pulumi.{name}.yaml"
    notes: list[str] = []
    raw: dict[str, Any] = {}
    if file.is_file():
        data, source = load_yaml(file, what="stack config")
        if data is not None and not isinstance(data, Mapping):
            raise InputError("expected a mapping with a `config:` key", location=str(file))
        config = (data or {}).get("config") or {}
        if not isinstance(config, Mapping):
            raise InputError("`config:` must be a mapping", location=source.location(["config"]))
        raw = {_full_key(project.name, k): v for k, v in config.items()}
        if (data or {}).get("environment"):
            notes.append(
                f"{file.name} imports Pulumi ESC environments; their values are not "
                "available offline (set the keys the program needs in the stack file)"
            )
    elif stack is not None or _other_stacks(project):
        found = ", ".join(_other_stacks(project)) or "none"
        raise InputError(
            f"no stack config {file.name} in {echo(str(project.stack_dir))}",
            hint=f"stacks found: {found}; choose one with --stack",
        )
    else:
        notes.append(f"no {file.name}: the program ran with the project's defaults only")
    merged = {**project.defaults, **raw}
    values: dict[str, Any] = {}
    graph: dict[str, Any] = {}
    secrets: list[str] = []
    for key, value in merged.items():
        hidden, secret = _hide(value)
        values[key] = hidden
        graph[key] = SECRET if secret else value
        if secret:
            secrets.append(key)
    present = file if file.is_file() else None
    return StackConfig(name, present, values, graph, secrets, notes)


def overridden(settings: StackConfig, config: Mapping[str, Any] | None) -> StackConfig:
    """`settings` with `config` (full keys; a value unknown to the caller counts as a secret
    the program cannot read) laid over it."""
    if not config:
        return settings
    values, graph = dict(settings.values), dict(settings.graph)
    secrets = list(settings.secret_keys)
    for key, value in config.items():
        if value is None:
            continue
        hidden, secret = _hide(value)
        if is_unknown(value):
            hidden, secret = SECRET_PLACEHOLDER, True
        values[key], graph[key] = hidden, value
        if secret and key not in secrets:
            secrets.append(key)
    return StackConfig(settings.name, settings.file, values, graph, secrets, settings.notes)


def _hide(value: Any) -> tuple[Any, bool]:
    """`{secure: ...}` (at any depth) → the placeholder; and whether there was one."""
    if isinstance(value, Mapping):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        pairs = {str(k): _hide(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        items = [_hide(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def _other_stacks(project: Project) -> list[str]:
    return sorted(
        p.name.removeprefix("Pulumi.").removesuffix(".yaml")
        for p in project.stack_dir.glob("Pulumi.*.yaml")
    )
