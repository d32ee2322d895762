"""Run the real CLI entry point in this process (argv, env, cwd, stdin and exit code as a
subprocess would see them) — ten times faster than a process per call. Tests of the process
boundary itself (the console script, signals) still spawn one."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path


@contextlib.contextmanager
def _patched_env(extra: Mapping[str, str]) -> Iterator[None]:
    # The whole environment is restored: a command may set variables for its own process
    # (e.g. --carbon-basis), which must not leak into the next in-process run.
    saved = dict(os.environ)
    os.environ.update(extra)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_cli(
    *args: str,
    stdin: str | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`cloudwright ARGS` through `cloudwright.cli.app.main`, in-process."""
    from cloudwright.cli import console
    from cloudwright.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    saved = (sys.argv, sys.stdin, Path.cwd(), console._stderr, console._stdout)
    console._stderr = console._stdout = None  # consoles bind to the redirected streams
    sys.argv = ["cloudwright", *args]
    sys.stdin = io.StringIO(stdin or "")
    try:
        if cwd is not None:
            os.chdir(cwd)
        with (
            _patched_env(env or {}),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                main()
            except SystemExit as done:
                code = done.code
    finally:
        sys.argv, sys.stdin = saved[0], saved[1]
        os.chdir(saved[2])
        console._stderr, console._stdout = saved[3], saved[4]
    returncode = code if isinstance(code, int) else (0 if code is None else 1)
    return subprocess.CompletedProcess(
        ["cloudwright", *args], returncode, out.getvalue(), err.getvalue()
    )
