"""Atomic writes: all or nothing, with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cloudwright.core.fsio import atomic_writer, write_text


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    write_text(target, "old")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_new_file_gets_umask_permissions_not_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "report.html", "<html></html>")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o644


def test_replacing_keeps_existing_mode(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_text("a")
    target.chmod(0o640)
    write_text(target, "b")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# ---- outputs land only on regular files --------------------------------------------------


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize("kind", ["directory", "fifo", "device", "dangling-dir-link"])
def test_directories_fifos_and_devices_are_refused(tmp_path: Path, kind: str) -> None:
    from cloudwright.core.errors import InputError

    if kind == "directory":
        target = tmp_path / "dir"
        target.mkdir()
    elif kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    elif kind == "device":
        target = Path("/dev/null")
    else:
        (tmp_path / "d").mkdir()
        target = tmp_path / "to-dir"
        target.symlink_to(tmp_path / "d")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InputError, match="not a regular file"):
        write_text(target, "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if kind == "device":
        assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_an_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    from cloudwright.core.errors import InputError
    from cloudwright.core.fsio import refuse_inputs

    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("version: 1\n")
    link = tmp_path / "alias.yaml"
    link.symlink_to(fleet)
    for out in (fleet, link, tmp_path / "." / "fleet.yaml"):
        with pytest.raises(InputError, match="also an input"):
            refuse_inputs(out, fleet, None, "-")
    refuse_inputs(tmp_path / "plan.json", fleet)  # a new file is fine


def test_plan_refuses_to_overwrite_its_fleet(tmp_path: Path) -> None:
    from _cli import run_cli

    fleet = tmp_path / "fleet.yaml"
    text = "version: 1\nworkloads: []\n"
    fleet.write_text(text)
    done = run_cli("plan", str(fleet), "--out", str(fleet))
    assert done.returncode == 2 and "also an input" in done.stderr
    assert fleet.read_text() == text


def test_sigterm_during_a_write_leaves_no_temp_file(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    target = tmp_path / "plan.json"
    script = (
        "import signal, sys, time\n"
        "from cloudwright.cli.app import _terminated\n"
        "from cloudwright.core.fsio import atomic_writer\n"
        "signal.signal(signal.SIGTERM, _terminated)\n"
        f"with atomic_writer({str(target)!r}) as handle:\n"
        "    handle.write('half')\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=120) == 128 + signal.SIGTERM  # generous: a stalled VM
    assert list(tmp_path.iterdir()) == []
