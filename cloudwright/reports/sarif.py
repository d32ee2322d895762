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
"""

from __future__ import annotations

import hashlib
import json
import os
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


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def _rule(info: PolicyInfo) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "tags": list(info.tags),
        "enforcementLevel": info.level,
        "defaultEnforcementLevel": info.default_level,
        "policyType": info.kind,
    }
    if info.severity and "security" in info.tags:
        properties["security-severity"] = SECURITY_SEVERITY[info.severity]
    help_text = info.remediation or info.description
    return {
        "id": info.name,
        "name": _camel(info.name),
        "shortDescription": {"text": info.description},
        "fullDescription": {"text": info.description},
        "help": {
            "text": f"{help_text} See docs/policies.md#{info.name}.",
            "markdown": f"**{info.name}**: {help_text} See `docs/policies.md`.",
        },
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


def _location(urn: str | None, name: str | None, artifact: str | None, line: int) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if artifact is not None:
        location["physicalLocation"] = {
            "artifactLocation": {"uri": artifact, "index": 0},
            "region": {"startLine": line},
        }
    if urn:
        logical = {"fullyQualifiedName": urn, "kind": "resource"}
        if name:
            logical["name"] = name
        location["logicalLocations"] = [logical]
    return location


def _result(
    violation: Violation, index: dict[str, int], artifact: str | None, locate: _Locator
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
    note: Note, index: dict[str, int], artifact: str | None, locate: _Locator
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


def artifact_uri(origin: str, base: Path | None = None) -> str | None:
    """The artifact's URI relative to `base` (the repository root), POSIX-style; None for
    sources that are not files (stdin, an in-memory program)."""
    if not origin or origin.startswith("<"):
        return None
    path = Path(origin)
    if not path.is_file():
        return None
    root = (base or Path.cwd()).resolve()
    resolved = path.resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return Path(os.path.relpath(resolved, root)).as_posix()


def to_sarif(
    result: PolicyResult,
    *,
    graph: Graph | None = None,
    artifact: str | None = None,
    artifact_text: str | None = None,
    version: str = "",
) -> dict[str, Any]:
    """The SARIF 2.1.0 log of one policy run."""
    rules = [_rule(info) for info in result.policies]
    index = {info.name: i for i, info in enumerate(result.policies)}
    locate = _Locator(artifact_text, graph)
    results = [_result(v, index, artifact, locate) for v in result.violations]
    results += [_note(n, index, artifact, locate) for n in result.unchecked if n.policy in index]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                **({"version": version, "semanticVersion": version} if version else {}),
                "rules": rules,
            }
        },
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
    if artifact is not None:
        run["artifacts"] = [{"location": {"uri": artifact}, "roles": ["analysisTarget"]}]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
