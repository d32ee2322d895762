"""CLI conventions every command keeps: --version, completion, one meaning per short option,
errors on stderr unwrapped when stderr is not a terminal."""

from __future__ import annotations

import ast
from pathlib import Path

from _cli import run_cli

from cloudwright import __version__

ROOT = Path(__file__).resolve().parent.parent


def test_version() -> None:
    for flag in ("--version", "-V"):
        done = run_cli(flag)
        assert done.returncode == 0 and done.stdout == f"cloudwright {__version__}\n"


def test_shell_completion_is_offered() -> None:
    done = run_cli("--help")
    assert "--install-completion" in done.stdout and "--show-completion" in done.stdout


def _short_options() -> dict[str, set[str]]:
    """Every `typer.Option(…, "--long", "-x", …)` in the CLI: short → set of long names."""
    seen: dict[str, set[str]] = {}
    for path in (ROOT / "cloudwright" / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Option"):
                continue
            names = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            longs = [n for n in names if n.startswith("--")]
            for short in (n for n in names if n.startswith("-") and not n.startswith("--")):
                seen.setdefault(short, set()).update(longs)
    return seen


def test_one_meaning_per_short_option() -> None:
    shorts = _short_options()
    assert shorts["-o"] == {"--out"} and shorts["-f"] == {"--format"}
    clashes = {short: longs for short, longs in shorts.items() if len(longs) != 1}
    assert not clashes


def test_errors_are_not_hard_wrapped_off_a_terminal(tmp_path: Path) -> None:
    long_dir = tmp_path / ("a-rather-long-directory-name-" * 4)
    done = run_cli("plan", str(long_dir / "fleet.yaml"))
    assert done.returncode == 2
    first = done.stderr.splitlines()[0]
    assert first.startswith("error:") and str(long_dir) in first and len(first) > 120


def test_echoed_names_are_escaped_and_truncated(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.yaml"
    name = "\x1b[2J" + "H" * 5000
    fleet.write_text(
        "version: 1\nworkloads:\n  - name: w\n    kind: training\n"
        f"    gpu: {{type: '{name}', count: 8}}\n"
    )
    done = run_cli("plan", str(fleet))
    assert done.returncode == 2 and "\x1b" not in done.stderr
    assert "H" * 200 not in done.stderr


def test_the_console_script_ends_with_the_commands_exit_code_and_output(tmp_path: Path) -> None:
    """`app.run` (the console script) skips the interpreter's teardown: the exit code, stdout
    and stderr must be exactly the command's."""
    import subprocess
    import sys

    def script(*args: str) -> subprocess.CompletedProcess[str]:
        code = "import sys; from cloudwright.cli.app import run; sys.argv[0] = 'cloudwright'; run()"
        return subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
        )

    done = script("--version")
    assert done.returncode == 0 and __version__ in done.stdout
    missing = script("plan", str(tmp_path / "missing.yaml"))
    assert missing.returncode == 2 and "not found" in missing.stderr
    fleet = Path(__file__).resolve().parent.parent / "examples" / "fleet.yaml"
    planned = script("plan", str(fleet), "-f", "json")
    assert planned.returncode == 0 and planned.stdout.rstrip().endswith("}")  # flushed whole
