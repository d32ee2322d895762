"""Human-readable rendering of a policy run (`policies.offline.PolicyResult`; the `table`
format of `cloudwright check`).

Plain text first, so CI logs read well: one block per violation with the level, the
policy, the resource URN and the message (which says what to change), then a summary.
`render_rich` adds colour for terminals; `render_text` is the same content uncoloured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudwright.policies.offline import PolicyResult, Violation

if TYPE_CHECKING:
    from rich.console import RenderableType

_MARK = {"mandatory": "✗", "advisory": "!"}
_STYLE = {"mandatory": "bold red", "advisory": "yellow"}


def summary(result: PolicyResult) -> str:
    unchecked = sum(n.count for n in result.unchecked)
    verdict = "FAILED" if not result.passed else "passed"
    parts = [
        f"{verdict}: {len(result.mandatory)} mandatory, {len(result.advisory)} advisory "
        f"violation(s) across {result.resources_checked} resources and "
        f"{len(result.policies)} policies"
    ]
    if unchecked:
        parts.append(f"{unchecked} check(s) could not run on values unknown before apply")
    where = " ".join(x for x in (result.project, result.stack) if x)
    return f"{'; '.join(parts)}{f' ({where})' if where else ''}"


def _ordered(result: PolicyResult) -> list[Violation]:
    return [*result.mandatory, *result.advisory]


def _lines(violation: Violation) -> tuple[str, str, str]:
    head = f"{_MARK.get(violation.level, '!')} {violation.level.upper():9} {violation.policy}"
    return head, f"    {violation.urn}", f"    {violation.message}"


def _notes(result: PolicyResult) -> list[str]:
    lines = [f"  ? {n.policy}: {n.urn or 'stack'}: {n.reason}" for n in result.unchecked]
    lines += [
        f"  - {n.policy}: not applicable ({n.reason})"
        + (f" for {n.count} resources" if n.count > 1 else "")
        for n in result.not_applicable
    ]
    return lines


def render_text(result: PolicyResult) -> str:
    out: list[str] = []
    for violation in _ordered(result):
        out.extend(_lines(violation))
    notes = _notes(result)
    if notes:
        out.append("notes:")
        out.extend(notes)
    out.append(summary(result))
    return "\n".join(out) + "\n"


def render_rich(result: PolicyResult) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    parts: list[Text] = []
    for violation in _ordered(result):
        head, urn, message = _lines(violation)
        parts.append(Text(head, style=_STYLE.get(violation.level, "")))
        parts.append(Text(urn, style="cyan"))
        parts.append(Text(message))
    notes = _notes(result)
    if notes:
        parts.append(Text("notes:", style="dim"))
        parts.extend(Text(line, style="dim") for line in notes)
    parts.append(Text(summary(result), style="bold red" if not result.passed else "bold green"))
    return Group(*parts)
