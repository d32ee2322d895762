"""Comment threads of the two code hosts: a GitHub pull request's issue comments and a GitLab
merge request's notes, behind one small interface (list, create, update, delete).

GitHub REST: GET/POST /repos/{owner}/{repo}/issues/{n}/comments (paginated by `Link`),
PATCH/DELETE /repos/{owner}/{repo}/issues/comments/{id}. GitLab REST v4:
GET/POST /projects/{id}/merge_requests/{iid}/notes, PUT/DELETE …/notes/{note_id}; the
project is its numeric id or its URL-encoded path (`group/name`).
"""

from __future__ import annotations

import re
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cloudwright.core.errors import InputError, NetworkError
from cloudwright.integrations.http import JsonClient

GITHUB_API = "https://api.github.com"
GITLAB_API = "https://gitlab.com/api/v4"
PER_PAGE = 100
MAX_PAGES = 200  # 20,000 comments: far more than any review thread has
_REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")
_PROJECT = re.compile(r"^([0-9]{1,20}|[A-Za-z0-9_.-]{1,255}(/[A-Za-z0-9_.-]{1,255}){1,20})$")


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    url: str = ""


class Thread(ABC):
    """The comments of one pull/merge request."""

    name: str  # e.g. "owner/repo#12", for messages
    max_body: int  # characters the host accepts in one comment

    def __init__(self, client: JsonClient) -> None:
        self.client = client

    def comments(self) -> Iterator[Comment]:
        url: str | None = self._list_url()
        for _ in range(MAX_PAGES):
            if url is None:
                return
            page = self.client.request("GET", url)
            if not isinstance(page.data, list):
                raise NetworkError(f"GET {url}: expected a list of comments from the API")
            for item in page.data:
                yield self._comment(item, url)
            url = page.next_url
        raise NetworkError(f"{self.name}: more than {MAX_PAGES} pages of comments")

    def create(self, body: str) -> Comment:
        url = self._list_url()
        return self._comment(self.client.request("POST", url, {"body": body}).data, url)

    def update(self, comment: Comment, body: str) -> Comment:
        url = self._item_url(comment.id)
        return self._comment(
            self.client.request(self._update_method, url, {"body": body}).data, url
        )

    def delete(self, comment: Comment) -> None:
        self.client.request("DELETE", self._item_url(comment.id))

    _update_method = "PATCH"

    @abstractmethod
    def _list_url(self) -> str: ...

    @abstractmethod
    def _item_url(self, comment_id: int) -> str: ...

    @abstractmethod
    def _link(self, item: dict[str, Any]) -> str: ...

    def _comment(self, item: Any, url: str) -> Comment:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("id"), int)
            and isinstance(item.get("body"), str | None)
        ):
            raise NetworkError(f"{url}: the API returned a comment without an id and a body")
        return Comment(item["id"], item.get("body") or "", self._link(item))


class GitHubPullRequest(Thread):
    max_body = 65_536  # GitHub refuses longer issue comments

    def __init__(self, client: JsonClient, repo: str, number: int) -> None:
        super().__init__(client)
        if not _REPO.match(repo):
            raise InputError(f"--repo {repo!r}: expected owner/name")
        if number < 1:
            raise InputError(f"--pull-request {number}: expected a positive number")
        self.repo, self.number, self.name = repo, number, f"{repo}#{number}"

    def _list_url(self) -> str:
        path = f"/repos/{self.repo}/issues/{self.number}/comments"
        return self.client.url(path, {"per_page": PER_PAGE})

    def _item_url(self, comment_id: int) -> str:
        return self.client.url(f"/repos/{self.repo}/issues/comments/{comment_id}")

    def _link(self, item: dict[str, Any]) -> str:
        return str(item.get("html_url") or "")


class GitLabMergeRequest(Thread):
    max_body = 1_000_000  # GitLab's note limit
    _update_method = "PUT"

    def __init__(self, client: JsonClient, project: str, iid: int) -> None:
        super().__init__(client)
        if not _PROJECT.match(project):
            raise InputError(f"--project-id {project!r}: expected a numeric id or group/name")
        if iid < 1:
            raise InputError(f"--merge-request {iid}: expected a positive number")
        self.project, self.iid, self.name = project, iid, f"{project}!{iid}"
        self._base = f"/projects/{urllib.parse.quote(project, safe='')}/merge_requests/{iid}/notes"

    def _list_url(self) -> str:
        return self.client.url(self._base, {"per_page": PER_PAGE, "sort": "asc"})

    def _item_url(self, comment_id: int) -> str:
        return self.client.url(f"{self._base}/{comment_id}")

    def _link(self, item: dict[str, Any]) -> str:
        return f"note {item.get('id')}"


def github_thread(token: str, repo: str, number: int, api_url: str = GITHUB_API) -> Thread:
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    return GitHubPullRequest(JsonClient(api_url, headers, token=token), repo, number)


def gitlab_thread(token: str, project: str, iid: int, api_url: str = GITLAB_API) -> Thread:
    client = JsonClient(api_url, {"PRIVATE-TOKEN": token}, token=token)
    return GitLabMergeRequest(client, project, iid)
