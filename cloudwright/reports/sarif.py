"""SARIF 2.1.0 for a policy run (`policies.offline.PolicyResult`; the `sarif` format of
`cloudwright check`), so code-scanning tools (GitHub, GitLab, Azure DevOps) can show
violations next to the file they came from.

One run, tool `cloudwright`; one reporting descriptor per policy (short and full
description, remediation as help, default level from its configured enforcement level,
tags, and GitHub's `security-severity` for security rules). Each violation is a result:
level `error` for mandatory, `warning` for advisory; values a preview could not know
become `note` results of kind `review`. Locations: the plan/graph file as the physical
artifact (with the line where the resource's URN — or, in a plan, its workload — appears)
and the resource URN as a logical location. `partialFingerprints` keep a result stable
across runs so scanners can track it.

Artifact URIs are relative to `%SRCROOT%` (`run.originalUriBaseIds`): the git top level of
the input file, or the current directory when the file is in no repository (or the file's
own folder when it lies outside that too), so a URI never climbs out with `../` and code
scanning finds the file whatever directory `check` ran in. Input read from stdin has the
artifact `stdin` (no base, no line) with a description saying so. Every rule's `helpUri`
and the driver's `informationUri` point into docs/policies.md (its heading anchors).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudwright.policies.offline import Note, PolicyInfo, PolicyResult, Violation
from cloudwright.resource_graph.model import Graph

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "cloudwright"
FINGERPRINT_KEY = "cloudwrightPolicy/v1"

LEVELS = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}
# GitHub reads `security-severity` (0-10) to rank security alerts: its bands are
# critical ≥ 9.0, high 7.0-8.9, medium 4.0-6.9, low < 4.0.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
SRCROOT = "%SRCROOT%"
STDIN_URI = "stdin"
POLICIES_DOC = "docs/policies.md"
DOCS_URL_ENV = "CLOUDWRIGHT_DOCS_URL"  # e.g. https://github.com/ORG/cloudwright/blob/main/


def docs_base() -> str | None:
    """Absolute base URI of the project's docs tree (ending in `/`): $CLOUDWRIGHT_DOCS_URL,
    else the package's `Documentation`/`Repository` project URL, else the docs of the
    source checkout this package runs from (a file URI); None when none is known, so no
    help link is made up."""
    configured = os.environ.get(DOCS_URL_ENV, "").strip()
    if configured.startswith(("https://", "http://", "file://")):
        return configured if configured.endswith("/") else configured + "/"
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        urls = metadata("cloudwright").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("documentation", "repository", "source") and url.strip():
            return url.strip().rstrip("/") + "/"
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / POLICIES_DOC).is_file():
        return checkout.as_uri() + "/"
    return None


def help_uri(anchor: str = "", base: str | None = None) -> str | None:
    """The URI of docs/policies.md (at `#anchor`), or None when no docs base is known."""
    root = base if base is not None else docs_base()
    if root is None:
        return None
    return f"{root}{POLICIES_DOC}" + (f"#{anchor}" if anchor else "")


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def _rule(info: PolicyInfo, docs: str | None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "tags": list(info.tags),
        "enforcementLevel": info.level,
        "defaultEnforcementLevel": info.default_level,
        "policyType": info.kind,
    }
    if info.severity and "security" in info.tags:
        properties["security-severity"] = SECURITY_SEVERITY[info.severity]
    help_text = info.remediation or info.description
    link = help_uri(info.name, docs) if docs else None
    return {
        "id": info.name,
        "name": _camel(info.name),
        "shortDescription": {"text": info.description},
        "fullDescription": {"text": info.description},
        "help": {
            "text": f"{help_text} See docs/policies.md#{info.name}.",
            "markdown": f"**{info.name}**: {help_text} See `docs/policies.md`.",
        },
        **({"helpUri": link} if link else {}),
        "defaultConfiguration": {"level": LEVELS.get(info.level, "warning")},
        "properties": properties,
    }


class _Locator:
    """Finds the line of a resource in the artifact's text (1 when it cannot)."""

    def __init__(self, text: str | None, graph: Graph | None) -> None:
        self.lines = text.splitlines() if text else []
        self.workloads = {r.urn: r.workload for r in graph.resources} if graph else {}

    def _find(self, needle: str) -> int | None:
        for number, line in enumerate(self.lines, start=1):
            if needle in line:
                return number
        return None

    def line(self, urn: str | None) -> int:
        if not urn or not self.lines:
            return 1
        found = self._find(json.dumps(urn))
        if found is None:
            workload = self.workloads.get(urn)
            found = self._find(f'"workload": {json.dumps(workload)}') if workload else None
        return found or 1


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Artifact:
    """The file a graph came from, as SARIF names it: `uri` relative to `root` (which
    becomes %SRCROOT%), or the `stdin` artifact (root None)."""

    uri: str
    root: Path | None
    text: str | None = None
    root_note: str = ""

    @property
    def stdin(self) -> bool:
        return self.root is None

    def location(self, line: int | None) -> dict[str, Any]:
        where: dict[str, Any] = {"uri": self.uri, "index": 0}
        if self.root is not None:
            where["uriBaseId"] = SRCROOT
        physical: dict[str, Any] = {"artifactLocation": where}
        if line is not None and not self.stdin:
            physical["region"] = {"startLine": line}
        return physical

    def describe(self) -> dict[str, Any]:
        where: dict[str, Any] = {"uri": self.uri}
        if self.root is not None:
            where["uriBaseId"] = SRCROOT
        entry: dict[str, Any] = {"location": where, "roles": ["analysisTarget"]}
        if self.stdin:
            entry["description"] = {
                "text": "read from standard input: no file to open; the results' logical "
                "locations (resource URNs) say where each finding is"
            }
        return entry


def _git_top(path: Path) -> Path | None:
    start = path.resolve()
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        if (folder / ".git").exists():
            return folder
    return None


def artifact_for(source: str | Path | None, cwd: Path | None = None) -> Artifact | None:
    """The SARIF artifact of a `check` source: `-` is stdin; a file is named relative to its
    repository's top level, else to `cwd`, else to its own folder (never with `../`); None
    for sources that are not files (an in-memory program)."""
    if source is None:
        return None
    if str(source) == "-":
        return Artifact(STDIN_URI, None)
    path = Path(source)
    if str(source).startswith("<") or not path.is_file():
        return None
    resolved = path.resolve()
    here = (cwd or Path.cwd()).resolve()
    root, note = _git_top(resolved), "the top level of the input file's git repository"
    if root is None and resolved.is_relative_to(here):
        root, note = here, "the working directory (the input is in no git repository)"
    elif root is None:
        root, note = resolved.parent, "the input file's folder (in no repository)"
    try:
        text: str | None = resolved.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        text = None  # no line numbers, the location still names the file
    return Artifact(resolved.relative_to(root).as_posix(), root, text, note)


def artifact_uri(origin: str, base: Path | None = None) -> str | None:
    """The artifact's URI relative to its %SRCROOT% (see artifact_for), POSIX-style; None
    for sources that are not files."""
    artifact = artifact_for(origin, base)
    return artifact.uri if artifact is not None and not artifact.stdin else None


def _location(
    urn: str | None, name: str | None, artifact: Artifact | None, line: int | None
) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if artifact is not None:
        location["physicalLocation"] = artifact.location(line)
    if urn:
        logical = {"fullyQualifiedName": urn, "kind": "resource"}
        if name:
            logical["name"] = name
        location["logicalLocations"] = [logical]
    return location


def _result(
    violation: Violation, index: dict[str, int], artifact: Artifact | None, locate: _Locator
) -> dict[str, Any]:
    return {
        "ruleId": violation.policy,
        "ruleIndex": index[violation.policy],
        "level": LEVELS.get(violation.level, "warning"),
        "kind": "fail",
        "message": {"text": f"{violation.urn}: {violation.message}"},
        "locations": [
            _location(violation.urn, violation.resource_name, artifact, locate.line(violation.urn))
        ],
        "partialFingerprints": {
            FINGERPRINT_KEY: _fingerprint(violation.policy, violation.urn, violation.message)
        },
        "properties": {"enforcementLevel": violation.level},
    }


def _note(
    note: Note, index: dict[str, int], artifact: Artifact | None, locate: _Locator
) -> dict[str, Any]:
    return {
        "ruleId": note.policy,
        "ruleIndex": index[note.policy],
        "level": "note",
        "kind": "review",
        "message": {"text": f"{note.urn or 'stack'}: {note.reason}"},
        "locations": [_location(note.urn, None, artifact, locate.line(note.urn))],
        "partialFingerprints": {
            FINGERPRINT_KEY: _fingerprint(note.policy, note.urn or "", note.reason)
        },
    }


def to_sarif(
    result: PolicyResult,
    *,
    graph: Graph | None = None,
    source: str | Path | None = None,
    artifact: Artifact | None = None,
    version: str = "",
) -> dict[str, Any]:
    """The SARIF 2.1.0 log of one policy run over `source` (a file path, `-` for stdin, or
    None), or over an `artifact` already resolved."""
    target = artifact if artifact is not None else artifact_for(source)
    docs = docs_base()
    rules = [_rule(info, docs) for info in result.policies]
    index = {info.name: i for i, info in enumerate(result.policies)}
    locate = _Locator(target.text if target else None, graph)
    results = [_result(v, index, target, locate) for v in result.violations]
    results += [_note(n, index, target, locate) for n in result.unchecked if n.policy in index]
    information = help_uri(base=docs) if docs else None
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        **({"version": version, "semanticVersion": version} if version else {}),
        **({"informationUri": information} if information else {}),
        "rules": rules,
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"cloudwright/check/{result.project}/{result.stack}/"},
        "invocations": [{"executionSuccessful": True}],
        "results": results,
        "properties": {
            "project": result.project,
            "stack": result.stack,
            "passed": result.passed,
            "resourcesChecked": result.resources_checked,
        },
    }
    if target is not None:
        if target.root is not None:
            run["originalUriBaseIds"] = {
                SRCROOT: {
                    "uri": target.root.as_uri() + "/",
                    "description": {"text": target.root_note},
                }
            }
        run["artifacts"] = [target.describe()]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
