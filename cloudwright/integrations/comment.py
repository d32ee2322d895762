"""One cost comment per pull/merge request, found again by a hidden marker.

The comment's body starts with `<!-- cloudwright:comment tag=TAG -->` (TAG `default` unless
`--tag` names one, so several projects can each keep their own comment). Behaviours, named
as Infracost names them:

- `update` (default): edit the newest marked comment when its body changed (left alone when
  it did not), else create one;
- `new`: always add a new comment;
- `delete-and-new`: delete every marked comment, then add a new one.

The body comes from a file (`--path`): Markdown as written (`cost --format markdown`,
`diff --format markdown`), or a saved JSON cost report, cost diff or multi-project report,
rendered to Markdown here. A body longer than the host accepts is cut with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cloudwright.core.errors import InputError
from cloudwright.integrations.hosts import Comment, Thread

Behavior = Literal["update", "new", "delete-and-new"]
BEHAVIORS: tuple[str, ...] = ("update", "new", "delete-and-new")
TAG_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_ANY_MARKER = re.compile(r"<!--\s*cloudwright:comment\b[^>]*-->\n?")
MAX_INPUT_BYTES = 16 * 1024 * 1024


def marker(tag: str | None = None) -> str:
    tag = tag or "default"
    if not TAG_PATTERN.match(tag):
        raise InputError(f"--tag {tag!r}: use 1-64 letters, digits, '.', '_' or '-'")
    return f"<!-- cloudwright:comment tag={tag} -->"


def comment_body(markdown: str, tag: str | None, max_chars: int) -> str:
    """The marker line, then `markdown` (markers inside it removed, so a pasted comment cannot
    claim another tag), cut to `max_chars` with a note when longer."""
    head = marker(tag) + "\n"
    text = _ANY_MARKER.sub("", markdown).strip("\n") + "\n"
    room = max_chars - len(head)
    if len(text) > room:
        note = "\n\n_… cut here: the report is longer than a comment may be. See the CI job._\n"
        text = text[: max(0, room - len(note))] + note
    return head + text


def markdown_from_file(path: str | Path) -> str:
    """The comment's Markdown from `path` (see the module docstring)."""
    from cloudwright.core.inputs import read_input

    raw = read_input(path, what="report file")
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError(f"{path}: larger than {MAX_INPUT_BYTES // 1024**2} MiB: not a report")
    stripped = raw.lstrip()
    if stripped.startswith(b"{") or str(path).lower().endswith(".json"):
        from cloudwright.core.jsonsource import parse_json

        return _render_json(parse_json(raw, str(path)), str(path))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text: not a Markdown report", location=str(path)) from exc


def _render_json(data: Any, origin: str) -> str:
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema == "cloudwright.cost/v1":
        from cloudwright.pricing.report import CostReport
        from cloudwright.reports.markdown import render_markdown

        return render_markdown(CostReport.from_json(data, origin=origin))
    if schema == "cloudwright.cost-diff/v1":
        from cloudwright.reports.diff import render_markdown as diff_markdown
        from cloudwright.reports.diff_saved import diff_from_json

        return diff_markdown(diff_from_json(data, origin))
    if schema == "cloudwright.cost-projects/v1":
        from cloudwright.pricing.projects import projects_from_json
        from cloudwright.reports.projects import render_markdown as projects_markdown

        return projects_markdown(projects_from_json(data, origin))
    raise InputError(
        f"schema {schema!r} is not a cost report",
        location=origin,
        hint="pass `cloudwright cost/diff --format json` or `--format markdown` output",
    )


@dataclass(frozen=True)
class Outcome:
    action: Literal["created", "updated", "unchanged", "would create", "would update"]
    comment: Comment | None
    deleted: int = 0

    def describe(self, thread: Thread) -> str:
        where = f" ({self.comment.url})" if self.comment is not None and self.comment.url else ""
        verb = "would delete" if self.action.startswith("would") else "deleted"
        gone = f", {verb} {self.deleted} older" if self.deleted else ""
        return f"{self.action} the cost comment on {thread.name}{where}{gone}"


def post(
    thread: Thread, body: str, *, tag: str | None, behavior: str, dry_run: bool = False
) -> Outcome:
    """Create, update or replace the marked comment on `thread` as `behavior` says. With
    `dry_run`, the comments are read and nothing is written."""
    if behavior not in BEHAVIORS:
        raise InputError(f"--behavior {behavior!r}: expected one of {', '.join(BEHAVIORS)}")
    mark = marker(tag)
    marked = [c for c in thread.comments() if c.body.startswith(mark)]
    if behavior == "update" and marked:
        latest = marked[-1]
        if latest.body.rstrip("\n") == body.rstrip("\n"):
            return Outcome("unchanged", latest)
        if dry_run:
            return Outcome("would update", latest)
        return Outcome("updated", thread.update(latest, body))
    doomed = marked if behavior == "delete-and-new" else []
    if dry_run:
        return Outcome("would create", None, deleted=len(doomed))
    for old in doomed:
        thread.delete(old)
    return Outcome("created", thread.create(body), deleted=len(doomed))
