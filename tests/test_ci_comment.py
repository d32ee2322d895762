"""`cloudwright comment github|gitlab` against a fake API on 127.0.0.1: one marked comment,
created then updated in place, found on a later page, replaced, per-tag; API errors exit 6
with the status and message and never show the token."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from _cli import run_cli
from _fake_api import FakeApi, fake_api

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ROOT / "tests" / "golden" / "graphs" / "fleet.graph.json"
TOKEN = "ghp_fake0123456789secret"
MARK = "<!-- cloudwright:comment tag=default -->"
CATALOG_ENV = {
    "CLOUDWRIGHT_CATALOG": str(ROOT / "tests" / "fixtures" / "catalog"),
    "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000",
}


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "cost.md"
    path.write_text("### Cloudwright cost estimate\n\n**$100/month**\n")
    return path


def github(api: FakeApi, path: Path, *extra: str, token: str = TOKEN):  # type: ignore[no-untyped-def]
    args = ["comment", "github", "--path", str(path), "--repo", "acme/infra"]
    args += ["--pull-request", "7", "--api-url", api.url, *extra]
    return run_cli(*args, env={"GITHUB_TOKEN": token})


def gitlab(api: FakeApi, path: Path, *extra: str):  # type: ignore[no-untyped-def]
    args = ["comment", "gitlab", "--path", str(path), "--project-id", "acme/infra"]
    args += ["--merge-request", "3", "--api-url", f"{api.url}/api/v4", *extra]
    return run_cli(*args, env={"GITLAB_TOKEN": TOKEN})


def test_create_then_update_the_same_comment(report: Path) -> None:
    with fake_api(TOKEN) as api:
        api.add("an unrelated review comment")
        first = github(api, report)
        assert first.returncode == 0, first.stderr
        assert "created the cost comment on acme/infra#7" in first.stderr
        report.write_text("### Cloudwright cost estimate\n\n**$250/month**\n")
        second = github(api, report)
        assert second.returncode == 0, second.stderr
        assert "updated the cost comment" in second.stderr
        ours = [c for c in api.comments if c["body"].startswith(MARK)]
        assert len(ours) == 1 and "$250/month" in ours[0]["body"] and len(api.comments) == 2
        assert api.methods() == ["GET", "POST", "GET", "PATCH"]
        _, path, headers = api.requests[-1]
        assert path == f"/repos/acme/infra/issues/comments/{ours[0]['id']}"
        assert headers["authorization"] == f"Bearer {TOKEN}"
        third = github(api, report)  # same body: nothing written
        assert "unchanged" in third.stderr and api.methods()[-1] == "GET"
    for done in (first, second, third):
        assert TOKEN not in done.stdout + done.stderr


def test_marker_on_a_later_page(report: Path) -> None:
    with fake_api(TOKEN, page_size=2) as api:
        for n in range(3):
            api.add(f"review {n}")
        api.add(f"{MARK}\nold estimate")
        api.add("review 4")
        done = github(api, report)
        assert done.returncode == 0, done.stderr
        assert [m for m in api.methods()] == ["GET", "GET", "GET", "PATCH"]
        assert len(api.comments) == 5 and "$100/month" in api.comments[3]["body"]


def test_tags_keep_separate_comments(report: Path) -> None:
    with fake_api(TOKEN) as api:
        assert github(api, report, "--tag", "prod").returncode == 0
        assert github(api, report, "--tag", "staging").returncode == 0
        assert github(api, report, "--tag", "prod").returncode == 0
        tags = sorted(c["body"].splitlines()[0] for c in api.comments)
        assert tags == [
            "<!-- cloudwright:comment tag=prod -->",
            "<!-- cloudwright:comment tag=staging -->",
        ]
        assert github(api, report, "--tag", "bad tag -->").returncode == 2


def test_delete_and_new_and_new(report: Path) -> None:
    with fake_api(TOKEN) as api:
        api.add(f"{MARK}\nold one")
        api.add("someone else")
        api.add(f"{MARK}\nold two")
        done = github(api, report, "--behavior", "delete-and-new")
        assert done.returncode == 0, done.stderr
        assert "deleted 2 older" in done.stderr
        assert [c["body"].startswith(MARK) for c in api.comments] == [False, True]
        assert api.methods().count("DELETE") == 2
        assert github(api, report, "--behavior", "new").returncode == 0
        assert sum(c["body"].startswith(MARK) for c in api.comments) == 2


def test_dry_run_reads_and_writes_nothing(report: Path) -> None:
    with fake_api(TOKEN) as api:
        done = github(api, report, "--dry-run")
        assert done.returncode == 0 and "would create" in done.stderr
        assert done.stdout.startswith(MARK) and api.methods() == ["GET"]
        bare = run_cli(
            "comment", "github", "--path", str(report), "--repo", "a/b",
            "--pull-request", "1", "--api-url", api.url, "--dry-run", env={"GITHUB_TOKEN": ""},
        )  # fmt: skip
        assert bare.returncode == 0 and "no token set" in bare.stderr and len(api.requests) == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "Bad credentials"), (403, f"token {TOKEN} lacks scope"), (404, "Not Found")],
)
def test_api_errors_exit_6_without_the_token(report: Path, status: int, message: str) -> None:
    with fake_api(TOKEN) as api:
        api.fail_with = (status, message)
        done = github(api, report)
    assert done.returncode == 6
    assert f"HTTP {status}" in done.stderr and message.split()[0] in done.stderr
    assert TOKEN not in done.stderr + done.stdout


def test_wrong_token_is_401(report: Path) -> None:
    with fake_api(TOKEN) as api:
        done = github(api, report, token="not-the-token")
    assert done.returncode == 6 and "HTTP 401: Bad credentials" in done.stderr
    assert "not-the-token" not in done.stderr


def test_network_errors_and_refusals(report: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = ["comment", "github", "--path", str(report), "--repo", "a/b", "--pull-request", "1"]
    closed = run_cli(*args, "--api-url", f"http://127.0.0.1:{port}", env={"GITHUB_TOKEN": TOKEN})
    assert closed.returncode == 6 and "127.0.0.1" in closed.stderr
    plain = run_cli(*args, "--api-url", "http://example.com", env={"GITHUB_TOKEN": TOKEN})
    assert plain.returncode == 2 and "unencrypted" in plain.stderr
    missing = run_cli(*args, env={"GITHUB_TOKEN": ""})
    assert missing.returncode == 2 and "GITHUB_TOKEN" in missing.stderr
    assert run_cli(*args, "--token", TOKEN).returncode == 2  # no such option


def test_gitlab_create_and_update(report: Path) -> None:
    with fake_api(TOKEN) as api:
        assert gitlab(api, report).returncode == 0
        report.write_text("new figures\n")
        done = gitlab(api, report)
        assert done.returncode == 0, done.stderr
        assert "updated" in done.stderr
        assert len(api.comments) == 1 and api.comments[0]["body"] == f"{MARK}\nnew figures\n"
        assert api.methods() == ["GET", "POST", "GET", "PUT"]
        _, path, headers = api.requests[-1]
        assert path.startswith("/api/v4/projects/acme%2Finfra/merge_requests/3/notes/")
        assert headers["private-token"] == TOKEN and "authorization" not in headers


def test_json_reports_become_markdown(tmp_path: Path) -> None:
    cost_json = tmp_path / "cost.json"
    assert (
        run_cli("cost", str(GRAPH), "-f", "json", "-o", str(cost_json), env=CATALOG_ENV).returncode
        == 0
    )
    diff_json = tmp_path / "diff.json"
    done = run_cli(
        "diff", str(cost_json), str(GRAPH), "-f", "json", "-o", str(diff_json), env=CATALOG_ENV
    )
    assert done.returncode == 0, done.stderr
    with fake_api(TOKEN) as api:
        assert github(api, cost_json, "--tag", "cost").returncode == 0
        assert github(api, diff_json, "--tag", "diff").returncode == 0
        bodies = [c["body"] for c in api.comments]
    assert "### Cloudwright cost estimate" in bodies[0] and "### Cloudwright cost diff" in bodies[1]
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps({"schema": "something/v1"}))
    with fake_api(TOKEN) as api:
        refused = github(api, bad)
        assert (
            refused.returncode == 2 and "not a cost report" in refused.stderr and not api.requests
        )


def test_long_reports_are_cut_to_the_host_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text("| row |\n" * 20_000)
    with fake_api(TOKEN) as api:
        assert github(api, big).returncode == 0
        body = api.comments[0]["body"]
    assert len(body) <= 65_536 and body.startswith(MARK) and "cut here" in body
