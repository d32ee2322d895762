"""Atomic file output: a reader never sees a half-written file, and a failure leaves none behind.

Outputs only ever land on regular files. A symlink is followed to its target (the link stays);
an existing directory, FIFO, socket or device is refused (exit 2), so `--out /dev/null` run as
root, or `--out` a named pipe, never replaces it. `refuse_inputs` stops a command from writing
over a file it reads (`plan F.yaml --out F.yaml`). The CLI turns SIGTERM into an exit, so the
temp file is removed on every way out.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Yield a temp file beside `path`; rename it over `path` only if the block succeeds.

    The result gets ordinary permissions (0666 less the umask, or the mode of the file it
    replaces) rather than mkstemp's private 0600, so reports can be served and shared.
    """
    target = output_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.fchmod(fd, _final_mode(target))
    try:
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else ""
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def output_path(path: str | Path) -> Path:
    """Where an output for `path` may be written: the path itself, or a symlink's target.
    Refuses anything that exists and is not a regular file."""
    from cloudwright.core.errors import InputError

    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from exc
    if stat.S_ISREG(mode):
        return target
    kind = "a directory" if stat.S_ISDIR(mode) else _special_kind(mode)
    raise InputError(
        f"{path} is {kind}, not a regular file: refusing to write over it",
        hint="give --out a file path",
    )


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def refuse_inputs(out: str | Path | None, *inputs: str | Path | None) -> None:
    """Refuse an output path that is one of the command's own inputs (also via links)."""
    from cloudwright.core.errors import InputError

    if out is None:
        return
    target = output_path(out)
    for given in inputs:
        if given is None or str(given) == "-":
            continue
        try:
            same = os.path.samefile(target, given)
        except OSError:  # either does not exist (yet): they cannot be the same file
            continue
        if same:
            raise InputError(
                f"--out {out} is also an input of this command: refusing to overwrite it",
                hint="write the output to another file",
            )


def _final_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def write_json(path: str | Path, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n")
