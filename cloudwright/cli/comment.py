"""`cloudwright comment github|gitlab`: post or update ONE cost comment on a pull/merge request.

Parses options only; `integrations.comment` decides what to write and `integrations.hosts`
talks to the API. The token comes from the environment (GITHUB_TOKEN, GITLAB_TOKEN), never
from the command line, and is never printed.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from collections.abc import Callable

    from cloudwright.integrations.hosts import Thread

app = typer.Typer(
    help="Post the cost report as one pull-request (GitHub) or merge-request (GitLab) "
    "comment, updated in place on every push. docs/ci.md.",
    no_args_is_help=True,
)

PATH_HELP = (
    "The report: `cost`/`diff --format markdown` output, or their `--format json` output "
    "(also `cost --config … --format json`), rendered to Markdown."
)
TAG_HELP = "Keep one comment per tag (several projects or jobs on one pull request)."
DRY_RUN_HELP = (
    "Read the comments and say what would be done; write nothing (no token: no API call)."
)


class Behavior(StrEnum):
    update = "update"
    new = "new"
    delete_and_new = "delete-and-new"


BEHAVIOR_HELP = (
    "update: edit the existing comment (create it the first time); new: a new comment each "
    "time; delete-and-new: delete the old comment(s), then post a new one."
)


@app.command("github")
def github(
    path: Path = typer.Option(..., "--path", "-p", help=PATH_HELP),
    repo: str = typer.Option(
        ..., "--repo", envvar="GITHUB_REPOSITORY", help="owner/name (default: $GITHUB_REPOSITORY)."
    ),
    pull_request: int = typer.Option(..., "--pull-request", min=1, help="Pull request number."),
    api_url: str = typer.Option(
        "https://api.github.com",
        "--api-url",
        envvar="GITHUB_API_URL",
        help="GitHub API root (GitHub Enterprise: https://HOST/api/v3).",
    ),
    behavior: Behavior = typer.Option(Behavior.update, "--behavior", help=BEHAVIOR_HELP),
    tag: str | None = typer.Option(None, "--tag", help=TAG_HELP),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP),
) -> None:
    """Post or update the cost comment on a GitHub pull request (token: $GITHUB_TOKEN)."""
    from cloudwright.integrations.hosts import github_thread

    token = _token("GITHUB_TOKEN", dry_run)
    _run(
        path, behavior, tag, dry_run, token, lambda t: github_thread(t, repo, pull_request, api_url)
    )


@app.command("gitlab")
def gitlab(
    path: Path = typer.Option(..., "--path", "-p", help=PATH_HELP),
    project_id: str = typer.Option(
        ...,
        "--project-id",
        envvar="CI_PROJECT_ID",
        help="Numeric project id or group/name (default: $CI_PROJECT_ID).",
    ),
    merge_request: int = typer.Option(
        ...,
        "--merge-request",
        envvar="CI_MERGE_REQUEST_IID",
        min=1,
        help="Merge request IID (default: $CI_MERGE_REQUEST_IID).",
    ),
    api_url: str = typer.Option(
        "https://gitlab.com/api/v4",
        "--api-url",
        envvar="CI_API_V4_URL",
        help="GitLab API root (self-managed: https://HOST/api/v4; default $CI_API_V4_URL).",
    ),
    behavior: Behavior = typer.Option(Behavior.update, "--behavior", help=BEHAVIOR_HELP),
    tag: str | None = typer.Option(None, "--tag", help=TAG_HELP),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP),
) -> None:
    """Post or update the cost comment on a GitLab merge request (token: $GITLAB_TOKEN)."""
    from cloudwright.integrations.hosts import gitlab_thread

    token = _token("GITLAB_TOKEN", dry_run)
    _run(
        path,
        behavior,
        tag,
        dry_run,
        token,
        lambda t: gitlab_thread(t, project_id, merge_request, api_url),
    )


def _token(variable: str, dry_run: bool) -> str | None:
    import os

    from cloudwright.core.errors import InputError

    token = os.environ.get(variable, "").strip()
    if token:
        return token
    if dry_run:
        return None
    raise InputError(
        f"${variable} is not set",
        hint=f"export {variable} (in CI, from the job's secrets); it is read from the "
        "environment only, never from the command line",
    )


def _run(
    path: Path,
    behavior: Behavior,
    tag: str | None,
    dry_run: bool,
    token: str | None,
    open_thread: Callable[[str], Thread],
) -> None:
    import sys

    from cloudwright.cli.console import err_console
    from cloudwright.integrations.comment import comment_body, markdown_from_file, post

    markdown = markdown_from_file(path)
    thread = open_thread(token or "")  # validates repo/project, number and URL
    body = comment_body(markdown, tag, thread.max_body)
    if token is None:  # a dry run without a token: show the plan, call nothing
        err_console().print(
            f"dry run: no token set; would list the comments of {thread.name} at "
            f"{thread.client.api_url} and {behavior.value} the one marked "
            f"{body.splitlines()[0]}",
            highlight=False,
            markup=False,
        )
        sys.stdout.write(body)
        return
    outcome = post(thread, body, tag=tag, behavior=behavior.value, dry_run=dry_run)
    err_console().print(outcome.describe(thread), highlight=False, markup=False)
    if dry_run:
        sys.stdout.write(body)
