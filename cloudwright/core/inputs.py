"""Reading an input file's bytes, for the YAML and JSON loaders: every way of failing is a
project error naming the file, and nothing can make a read last forever.

A regular file is read whole. Anything else (stdin, a pipe, `<(cmd)`, a device) is read in
chunks and refused at its first NUL byte or past MAX_STREAM_BYTES, so `cloudwright plan
/dev/zero` or `cloudwright cost - < /dev/urandom` is an error within a chunk, not a hang.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import BinaryIO

from cloudwright.core.errors import CloudwrightError, InputError

MAX_STREAM_BYTES = 2 * 1024**3  # 2 GiB from a pipe or device: far beyond any real document
_CHUNK = 1 << 20

ErrorKind = type[CloudwrightError]


def read_input(path: str | Path, *, what: str, error: ErrorKind = InputError) -> bytes:
    """The bytes of the input file at `path`; `what` names it in messages."""
    source = Path(path)
    try:
        mode = source.stat().st_mode
        if stat.S_ISDIR(mode):
            raise fail(error, f"{source} is a directory, not a {what}")
        if stat.S_ISREG(mode):
            return source.read_bytes()
        with source.open("rb") as stream:
            return read_stream(stream, str(source), error=error)
    except FileNotFoundError as exc:
        raise fail(error, f"{what} not found: {source}") from exc
    except IsADirectoryError as exc:
        raise fail(error, f"{source} is a directory, not a {what}") from exc
    except PermissionError as exc:
        raise fail(error, f"cannot read {source}: permission denied") from exc
    except OSError as exc:
        raise fail(error, f"cannot read {source}: {exc.strerror or exc}") from exc


def read_stream(stream: BinaryIO, origin: str, *, error: ErrorKind = InputError) -> bytes:
    """All of `stream`, chunk by chunk, refused at a NUL byte or past MAX_STREAM_BYTES."""
    chunks: list[bytes] = []
    size = lines = 0
    while chunk := stream.read(_CHUNK):
        nul = chunk.find(b"\x00")
        if nul >= 0:
            line = lines + chunk.count(b"\n", 0, nul) + 1
            raise fail(error, "a NUL byte: binary data, not a text document", f"{origin}:{line}")
        size += len(chunk)
        if size > MAX_STREAM_BYTES:
            raise fail(
                error, f"more than {MAX_STREAM_BYTES // 1024**3} GiB: not a document", origin
            )
        lines += chunk.count(b"\n")
        chunks.append(chunk)
    return b"".join(chunks)


def fail(
    error: ErrorKind, message: str, location: str | None = None, *, hint: str | None = None
) -> CloudwrightError:
    """`error` with `message` at `location` (InputError keeps the location apart)."""
    if issubclass(error, InputError):
        return error(message, location=location, hint=hint)
    return error(f"{location}: {message}" if location else message, hint=hint)
