"""Work on every core through forked processes: rendering a long sequence of pieces
(`render_ranges`: the plan's assignments), filling shared arrays (`run_ranges`), and one
job started ahead while this process does something else (`Ahead`: the fleet file parsed
while the optimizer imports).

A 10^5-workload plan spends most of its last phase explaining and serialising assignments,
one at a time, each independent of the others. `render_ranges` splits the indexes into
contiguous ranges, forks a child per range but the first (copy-on-write: the solved
problem is shared, not copied), renders the first range itself meanwhile, then streams each
child's pieces back in order. Each child writes its pieces to a temporary file (length-
prefixed) and leaves with `os._exit`, running nothing of the parent's exit handlers.

`run_ranges(count, work, workers)` is the same split for work that writes its results into
memory made by `shared_buffer` before the fork (an anonymous shared mapping: what a child
writes there, the parent reads; nothing else a child does is seen by the parent).

`Ahead(job, pack, unpack)` forks a child that runs `job()` and sends `pack(value)` back
through a pipe (marshal: plain data only); `result()` returns `unpack(...)` of it.

Invariants: the pieces come out exactly as `render(0, count)` yields them, and shared
buffers hold exactly what `work(0, count)` writes, whatever the number of workers; a child
that fails (any exception, a signal) has its range done again by the parent, so a failure
costs time, never output (an `Ahead` whose child fails, for any reason, runs `job()` in
the parent, so its errors are raised here, as without a child); a child's file is read as a
stream (never held whole); no child outlives the object that forked it. Without `os.fork`
(Windows) or with one worker, nothing is forked.
"""

from __future__ import annotations

import gc
import marshal
import mmap
import os
import signal
import struct
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from itertools import pairwise
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from cloudwright.core.gcpause import gc_paused

Render = Callable[[int, int], Iterator[bytes]]  # (start, stop) → pieces, in order
Work = Callable[[int, int], None]  # (start, stop) → results written to shared buffers
PARALLEL_MIN = 4000  # below this a fork (tens of ms with a large heap) does not pay
MAX_WORKERS = 4
T = TypeVar("T")
_LENGTH = struct.Struct("<Q")
_END = 2**64 - 1


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask where there is one)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def default_workers(count: int, minimum: int = PARALLEL_MIN) -> int:
    """Workers for `count` items: one per usable core (≤ MAX_WORKERS), one when fewer than
    `minimum` (where a fork does not pay)."""
    if count < minimum or not hasattr(os, "fork"):
        return 1
    return max(1, min(MAX_WORKERS, usable_cores()))


def shared_buffer(size: int) -> mmap.mmap:
    """`size` bytes (at least one) that children forked after this call share with the
    parent: what `run_ranges` work writes here comes back."""
    return mmap.mmap(-1, max(size, 1))  # anonymous, MAP_SHARED: the default on POSIX


def run_ranges(count: int, work: Work, workers: int) -> None:
    """`work(0, count)`, the ranges after the first done by forked children (their results
    must go to `shared_buffer` memory; see the module docstring)."""
    if workers <= 1 or count < 2 or not hasattr(os, "fork"):
        work(0, count)
        return
    bounds = [count * k // workers for k in range(workers + 1)]
    children: list[tuple[int, int, int]] = []
    for k in range(1, workers):
        lo, hi = bounds[k], bounds[k + 1]
        children.append((_fork(partial(work, lo, hi)), lo, hi))
    failed: list[tuple[int, int]] = []
    try:
        work(bounds[0], bounds[1])
    finally:  # every child waited for, even when the parent's own range raised
        for pid, lo, hi in children:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                failed.append((lo, hi))
    for lo, hi in failed:
        work(lo, hi)


class Cancellable:
    """Children that leaving a `with` block ends (`cancel()`), whether or not they were used."""

    def cancel(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.cancel()


def render_ranges(count: int, render: Render, workers: int) -> Iterator[bytes]:
    """`render(0, count)`'s pieces, the ranges after the first rendered by forked children
    (forked when the first piece is asked for)."""
    rendering = Rendering(count, render, workers)
    try:
        yield from rendering
    finally:
        rendering.cancel()


class Rendering(Cancellable):
    """`render(0, count)`'s pieces, the ranges after the first rendered by children forked
    now, so the parent can do other work before it iterates (the plan's head, say). The
    first range's share of `count` is `first_share` (default: an equal share). Iterate once;
    `cancel()` (or leaving it as a context manager) ends children whose pieces were not read
    and removes their files."""

    def __init__(
        self, count: int, render: Render, workers: int, *, first_share: float | None = None
    ) -> None:
        self._render = render
        self._children: list[tuple[int, Path, int, int]] = []
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        if workers <= 1 or count < 2 or not hasattr(os, "fork"):
            self._first = (0, count)
            return
        share = 1.0 / workers if first_share is None else first_share
        first = max(1, min(count - 1, round(count * share)))
        rest = count - first
        bounds = [first + rest * k // (workers - 1) for k in range(workers)]
        self._first = (0, first)
        self._scratch = tempfile.TemporaryDirectory(prefix="cloudwright-render-")
        for lo, hi in pairwise(bounds):
            path = Path(self._scratch.name) / f"range-{lo}.bin"
            pid = _fork(partial(_write_pieces, render, lo, hi, path))
            self._children.append((pid, path, lo, hi))

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._render(*self._first)
            while self._children:
                pid, path, lo, hi = self._children[0]
                _, status = os.waitpid(pid, 0)
                self._children.pop(0)
                ok = os.waitstatus_to_exitcode(status) == 0
                yield from _read(path) if ok else self._render(lo, hi)
        finally:
            self.cancel()

    def cancel(self) -> None:
        """End the children not yet waited for; remove their files."""
        children, self._children = self._children, []
        for pid, _, _, _ in children:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def _fork(job: Callable[[], object]) -> int:
    """A child that runs `job()` and leaves with os._exit (0: done, 1: it raised), running
    nothing of the parent's exit handlers; its pid."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            job()
            code = 0
        finally:
            os._exit(code)
    return pid


def _write_pieces(render: Render, lo: int, hi: int, path: Path) -> None:
    with path.open("wb") as fh:
        for piece in render(lo, hi):
            fh.write(_LENGTH.pack(len(piece)))
            fh.write(piece)
        fh.write(_LENGTH.pack(_END))  # end mark: a file without it is a failed child


def _read(path: Path) -> Iterator[bytes]:
    """The child's pieces, streamed (a child that exited 0 wrote its end mark)."""
    with path.open("rb") as fh:
        while True:
            head = fh.read(_LENGTH.size)
            if len(head) < _LENGTH.size:
                raise OSError(f"{path}: rendered pieces end without their end mark")
            (size,) = _LENGTH.unpack(head)
            if size == _END:
                return
            piece = fh.read(size)
            if len(piece) < size:
                raise OSError(f"{path}: a rendered piece is cut short")
            yield piece


class Ahead(Cancellable, Generic[T]):
    """`job()` started now in a forked child; `result()` waits for it (see the module
    docstring). Use as a context manager: leaving it ends a child whose result was never
    asked for."""

    def __init__(
        self,
        job: Callable[[], T],
        pack: Callable[[T], Any],
        unpack: Callable[[Any], T],
        *,
        fork: bool = True,
    ) -> None:
        self._job, self._unpack = job, unpack
        self._pid: int | None = None
        self._fd = -1
        if not fork or not hasattr(os, "fork"):
            return  # result() runs the job here
        read, write = os.pipe()

        def send() -> None:
            os.close(read)
            gc.disable()  # a throwaway process: the exit frees what the job builds
            payload = marshal.dumps(pack(job()))
            with os.fdopen(write, "wb") as sink:
                sink.write(payload)

        pid = _fork(send)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> T:
        """The child's value, else `job()` run here (no fork, or the child failed)."""
        pid, self._pid = self._pid, None
        if pid is None:
            return self._job()
        with os.fdopen(self._fd, "rb") as source:
            payload = source.read()  # before waiting: a full pipe would block the child
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            try:
                with gc_paused():  # containers only, no cycles (10^5 workloads: 0.9 → 0.15 s)
                    return self._unpack(marshal.loads(payload))
            except (EOFError, ValueError, TypeError):
                pass  # a cut or foreign payload: do the job here
        return self._job()

    def cancel(self) -> None:
        """End the child, if its result was never asked for."""
        pid, self._pid = self._pid, None
        if pid is not None:
            os.close(self._fd)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
