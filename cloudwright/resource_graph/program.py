"""Any Pulumi Python program, run offline under Pulumi's mocks, as a resource graph.

`load_program(DIR, stack=...)` reads the project (`resource_graph.project`: Pulumi.yaml, the
stack's config), then runs the program's `__main__.py` (or `main:`) with `runpy`, the way the
Pulumi CLI's Python host would: the program's folder first on `sys.path` (its own modules
import), its working directory, the stack's config and the project/stack names. Resources go
to lenient `OfflineMocks`: stand-in ids and outputs, plausible answers to the common data
sources, and an empty answer, noted in the graph, for any other. No Pulumi CLI, credentials or
network. What the program did to the process is undone afterwards: `sys.path`, the working
directory, and the modules it imported from its own folder (so two programs that both have a
`network.py` do not see each other's).

An exception in the program is the user's input error (exit 2) naming their file and line,
not a Cloudwright traceback; a program running past the time limit is stopped the same way.
Its stdout goes to stderr, so `cost DIR -f json` stays one JSON document.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import runpy
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeGuard

from cloudwright.core.errors import InputError, echo
from cloudwright.resource_graph.model import (
    COMPUTED,
    PULUMI_SECRET_SIG,
    PULUMI_SIG_KEY,
    SECRET,
    Graph,
    normalize_value,
)
from cloudwright.resource_graph.project import (
    SECRET_PLACEHOLDER,
    Project,
    StackConfig,
    overridden,
    read_project,
    stack_config,
)

TIME_LIMIT_S = 60.0
NOTE = (
    "Pulumi program run offline under mocks: ids, ARNs and other computed outputs are "
    "stand-ins (values only known after deployment stay unknown); inputs are what the "
    "program would send to `pulumi up`"
)
_MAX_MESSAGE = 400


@dataclass(frozen=True)
class ProgramSource:
    """A Pulumi program folder with the stack and time limit to run it with: how the CLI's
    `--stack` and `--time-limit` reach `load_source` through callers that pass a source."""

    directory: Path
    stack: str | None = None
    time_limit_s: float = TIME_LIMIT_S

    def __str__(self) -> str:
        return str(self.directory)

    def __fspath__(self) -> str:
        return str(self.directory)


def program_source(
    directory: str | Path | ProgramSource, stack: str | None, time_limit_s: float
) -> ProgramSource:
    return ProgramSource(Path(directory), stack, time_limit_s)


def is_program(source: str | Path | ProgramSource | None) -> TypeGuard[str | Path | ProgramSource]:
    """Whether `source` names a folder (a Pulumi project, or a mistake `load_program` names)."""
    if isinstance(source, ProgramSource):
        return True
    return source is not None and str(source) != "-" and Path(source).is_dir()


class ProgramTimeout(BaseException):
    """Raised into the program when its time is up (a BaseException: `except Exception` in
    the program does not swallow it)."""


def load_program(
    directory: str | Path | ProgramSource,
    *,
    stack: str | None = None,
    config: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
) -> Graph:
    """Run the Pulumi program in `directory` under mocks and return its resource graph.

    `config` (full keys) overrides the stack's; `time_limit_s` defaults to 60 s, or what a
    `ProgramSource` carries."""
    if isinstance(directory, ProgramSource):
        stack = stack if stack is not None else directory.stack
        time_limit_s = time_limit_s or directory.time_limit_s
        directory = directory.directory
    project = read_project(directory)
    settings = overridden(stack_config(project, stack), config)
    registrations, stand_ins, messages = _run(project, settings, time_limit_s or TIME_LIMIT_S)
    from cloudwright.resource_graph.offline import build_resources
    from cloudwright.resource_graph.regions import resolve_regions

    for reg in registrations:
        reg.inputs = _graph_values(reg.inputs)
        reg.state = _graph_values(reg.state)
    resources = build_resources(registrations)
    resolve_regions(resources, settings.graph)
    notes = [NOTE, *settings.notes]
    notes += [
        f"data source {token} has no offline stand-in: the program got empty values "
        f"({count} call{'s' if count > 1 else ''}); what it built from them may be incomplete"
        for token, count in stand_ins.items()
    ]
    notes += [f"the program warned: {m}" for m in messages]
    return Graph(
        source="program-mocks",
        resources=resources,
        project=project.name,
        stack=settings.name,
        config=settings.graph,
        origin=str(project.directory),
        notes=notes,
    )


def _graph_values(value: Any) -> Any:
    """Engine values as the graph keeps them: the SDK's unknowns (an output only known after
    deployment) and the engine's sentinel are computed unknowns; secrets, and anything
    built from a secret's placeholder, are unknown secrets."""
    from pulumi.output import Unknown as SdkUnknown

    if isinstance(value, SdkUnknown):
        return COMPUTED
    if isinstance(value, str):
        return SECRET if SECRET_PLACEHOLDER in value else normalize_value(value)
    if isinstance(value, Mapping):
        if value.get(PULUMI_SIG_KEY) == PULUMI_SECRET_SIG:
            return SECRET
        return {k: _graph_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_graph_values(v) for v in value]
    return value


def _run(
    project: Project, settings: StackConfig, time_limit_s: float
) -> tuple[list[Any], dict[str, int], list[str]]:
    """(registrations, stand-in invokes, warnings) of one run of the program."""
    from cloudwright.resource_graph.mocks import OfflineMocks
    from cloudwright.resource_graph.offline import run_mocked
    from cloudwright.resource_graph.sdkload import load_only_what_is_used

    load_only_what_is_used()
    _event_loop()  # the SDK needs this thread's loop; a worker thread has none yet
    mocks = OfflineMocks(settings.values, lenient=True)
    log = _LogCapture()
    try:
        with _program_process(project), log, _time_limit(time_limit_s):
            registrations = run_mocked(
                lambda: runpy.run_path(str(project.main), run_name="__main__"),
                project=project.name,
                stack=settings.name,
                config=settings.values,
                secret_keys=settings.secret_keys,
                mocks=mocks,
            )
    except ProgramTimeout:
        _fresh_event_loop()
        raise InputError(
            f"the program did not finish within {time_limit_s:g} s and was stopped",
            location=project.shown(project.main),
            hint="a loop that never ends, or a call that waits on the network? "
            "Raise the limit with --time-limit SECONDS",
        ) from None
    except SystemExit as done:
        if done.code not in (0, None):
            status = f"the program exited with status {done.code}"
            raise _program_error(done, project, status) from None
        registrations = []
    except (KeyboardInterrupt, GeneratorExit):
        raise
    except BaseException as exc:  # anything the user's program raised
        raise _program_error(exc, project) from None
    if log.errors:
        raise InputError(
            "the program reported errors: " + "; ".join(log.errors),
            location=project.shown(project.main),
            hint="`pulumi preview` would fail the same way",
        )
    return registrations, dict(mocks.stand_ins), log.warnings


def _program_error(exc: BaseException, project: Project, message: str | None = None) -> InputError:
    """The user's exception as an input error at the innermost line of their own code."""
    frames = _user_frames(exc, project.directory.resolve())
    kind = type(exc).__name__
    text = message or (f"{kind}: {_clean(str(exc))}" if str(exc) else kind)
    code = ""
    location = project.shown(project.main)
    if frames:
        frame = frames[-1]
        location = f"{project.shown(Path(frame.filename).resolve())}:{frame.lineno}"
        code = (frame.line or "").strip()
    notes = []
    if kind == "ConfigMissingError":
        notes.append("set the key in the stack's Pulumi.<stack>.yaml (config:)")
    elif isinstance(exc, ModuleNotFoundError):
        notes.append(
            f"{echo(exc.name)} is not installed next to Cloudwright: install it in the same "
            "environment (Cloudwright provides pulumi, pulumi_aws, pulumi_gcp, "
            "pulumi_azure_native)"
        )
    elif isinstance(exc, RecursionError):
        notes.append("the program recursed without end")
    # The console indents the hint's first line by two spaces: the rest line up with it.
    lines = [f"> {_clean(code)}"] if code else []
    hint = "\n  ".join([*lines, *notes]) or None
    return InputError(text, location=location, hint=hint)


def _user_frames(exc: BaseException, root: Path) -> list[traceback.FrameSummary]:
    """Frames of `exc` (and the exceptions it was raised from) inside the project folder."""
    seen: set[int] = set()
    found: list[traceback.FrameSummary] = []
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = [f for f in _frames(current.__traceback__) if _inside(f.filename, root)]
        if frames:
            found = frames  # the innermost exception's own frames win
            break
        current = current.__cause__ or current.__context__
    return found


def _frames(tb: TracebackType | None) -> list[traceback.FrameSummary]:
    return list(traceback.extract_tb(tb)) if tb is not None else []


def _inside(filename: str, root: Path) -> bool:
    try:
        Path(filename).resolve().relative_to(root)
    except ValueError:
        return False
    return True


def _clean(text: str) -> str:
    """An exception message from the program, printable and bounded."""
    spaced = " ".join(text.split("\n")).replace("\t", " ")
    flat = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in spaced)
    return flat if len(flat) <= _MAX_MESSAGE else flat[: _MAX_MESSAGE - 1] + "…"


# ---- the process around the program ------------------------------------------------------------


@contextlib.contextmanager
def _program_process(project: Project) -> Iterator[None]:
    """sys.path, cwd, stdout and the module table as Pulumi's host sets them, restored after."""
    folder = project.main.parent.resolve()
    own = _own_module_names(folder)
    shadowed = {name: sys.modules.pop(name) for name in list(sys.modules) if _top(name) in own}
    saved_path, saved_cwd = list(sys.path), os.getcwd()
    sys.path.insert(0, str(folder))
    if project.virtualenv is not None:
        sys.path.append(str(project.virtualenv))  # packages Cloudwright lacks; ours win
    os.chdir(project.cwd)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        for name in [n for n, m in sys.modules.items() if _from_folder(m, folder)]:
            del sys.modules[name]
        sys.modules.update(shadowed)


def _top(name: str) -> str:
    return name.split(".", 1)[0]


def _own_module_names(folder: Path) -> set[str]:
    """Top-level names the program's folder defines (foo.py, package foo/)."""
    names = {p.stem for p in folder.glob("*.py") if p.stem != "__main__"}
    names |= {p.name for p in folder.iterdir() if (p / "__init__.py").is_file()}
    return names


def _from_folder(module: Any, folder: Path) -> bool:
    file = getattr(module, "__file__", None)
    return isinstance(file, str) and _inside(file, folder)


class _LogCapture(logging.Handler):
    """The program's `pulumi.log` warnings and errors (the mocks' engine logs them here)."""

    LOGGER = "cloudwright.offline_preview"

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[str] = []
        self.errors: list[str] = []
        self._propagate = True

    def emit(self, record: logging.LogRecord) -> None:
        bag = self.errors if record.levelno >= logging.ERROR else self.warnings
        if len(bag) < 20:
            bag.append(_clean(record.getMessage()))

    def __enter__(self) -> _LogCapture:
        logger = logging.getLogger(self.LOGGER)
        self._propagate, logger.propagate = logger.propagate, False
        logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger(self.LOGGER)
        logger.removeHandler(self)
        logger.propagate = self._propagate


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ProgramTimeout in this thread after `seconds`: SIGALRM on the main thread (it
    also interrupts a sleep), else a watchdog that raises it between bytecodes."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        yield from _alarm(seconds)
        return
    import ctypes

    target = threading.get_ident()
    done = threading.Event()

    def watch() -> None:
        if not done.wait(seconds):
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(target), ctypes.py_object(ProgramTimeout)
            )

    watchdog = threading.Thread(target=watch, name="program-time-limit", daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        done.set()
        watchdog.join()


def _alarm(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise ProgramTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _event_loop() -> asyncio.AbstractEventLoop:
    """This thread's event loop, made when it has none (or its last one was closed)."""
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        loop = None
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


def _fresh_event_loop() -> None:
    """A stopped program leaves tasks on its event loop: cancel them and start the next
    program on a new loop, so none of them runs again."""
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return
    for task in asyncio.all_tasks(loop):
        task.cancel()
    asyncio.set_event_loop(asyncio.new_event_loop())
    with contextlib.suppress(Exception):
        loop.close()
