"""The profile store: an append-only JSON Lines file under the project.

Location: `<project>/.cloudwright/profiles.jsonl`, where the project is the nearest directory
holding `Pulumi.yaml` or `pyproject.toml` from the working directory upward (the working
directory itself when there is none); `$CLOUDWRIGHT_HOME` names the state directory instead.

Why append with a lock rather than rewrite-and-rename: a profile is one small record and the
history only grows, so an append is O(1) where a rewrite copies the whole history each time,
and two `cloudwright profile` runs finishing together (parallel CI jobs) must both land.
The rules that make appending safe:
- a writer takes an exclusive `flock` on the file, writes one complete line (looping over
  short writes) and fsyncs before releasing it, so writers never interleave;
- a crash mid-write can leave only an unterminated last line. Readers ignore an unterminated
  last line (it may also be a write in flight: readers take no lock), and the next writer,
  under the lock, truncates that fragment before appending: it was never acknowledged;
- a *complete* line that is not a valid record (hand edits, disk corruption) is an error
  naming `profiles.jsonl:LINE`: measured data is not silently dropped;
- records carry `schema`; one from a newer Cloudwright is refused, not guessed at.
"""

from __future__ import annotations

import builtins
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError

from cloudwright.core.errors import DataError, InputError
from cloudwright.core.jsonsource import parse_json
from cloudwright.optimizer.catalog import Catalog, InstanceSpec
from cloudwright.optimizer.models.energy import MeasuredPower
from cloudwright.profiler.record import SCHEMA, Profile
from cloudwright.profiler.scaling import measured_power_from

STATE_DIRNAME = ".cloudwright"
STORE_FILENAME = "profiles.jsonl"
PROJECT_MARKERS = ("Pulumi.yaml", "pyproject.toml")
HOME_ENV = "CLOUDWRIGHT_HOME"
_SCHEMA_PREFIX = SCHEMA.rsplit("/", 1)[0] + "/v"
_MAX_MEMO = 50_000


def find_project_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding a project marker file."""
    here = start.resolve()
    for candidate in (here, *here.parents):
        if any((candidate / marker).is_file() for marker in PROJECT_MARKERS):
            return candidate
    return None


def default_state_dir(cwd: Path | None = None, env: dict[str, str] | None = None) -> Path:
    """$CLOUDWRIGHT_HOME, else <project>/.cloudwright, else <cwd>/.cloudwright."""
    environ = os.environ if env is None else env
    if environ.get(HOME_ENV):
        return Path(environ[HOME_ENV]).expanduser()
    start = cwd or Path.cwd()
    return (find_project_root(start) or start.resolve()) / STATE_DIRNAME


def _parse_line(raw: bytes, where: str) -> Profile:
    try:
        data = parse_json(raw, where, error=DataError)
    except DataError as exc:  # one record per line: its line is the file's, not the record's
        raise DataError(
            exc.message.replace(f"{where}:1: ", f"{where}: ", 1), hint=_FIX_HINT
        ) from exc
    if not isinstance(data, dict):
        raise DataError(f"{where}: a profile record must be a JSON object", hint=_FIX_HINT)
    schema = data.get("schema")
    if schema != SCHEMA:
        if isinstance(schema, str) and schema.startswith(_SCHEMA_PREFIX):
            raise DataError(
                f"{where}: record schema {schema!r} is newer than this Cloudwright ({SCHEMA})",
                hint="upgrade cloudwright to read it",
            )
        raise DataError(f"{where}: not a profile record (schema {schema!r})", hint=_FIX_HINT)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise DataError(f"{where}: {field}: {first['msg']}", hint=_FIX_HINT) from exc


_FIX_HINT = "fix or delete that line (the file is plain JSON Lines, one profile per line)"


class ProfileStore:
    """Profiles of every workload of a project. Implements `optimizer.models.energy.ProfileSource`."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / STORE_FILENAME
        self._cache: tuple[tuple[int, int], builtins.list[Profile]] | None = None
        # The planner asks once per candidate instance; scaling reads the catalog each time.
        self._scaled: dict[tuple[object, ...], MeasuredPower] = {}

    @classmethod
    def open_default(cls) -> ProfileStore:
        """The store of the project around the working directory (see module doc)."""
        return cls(default_state_dir())

    def __repr__(self) -> str:
        return f"ProfileStore({str(self.directory)!r})"

    # ---- reading ----------------------------------------------------------------------
    def list(self) -> builtins.list[Profile]:
        """Every stored profile, oldest first (append order)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return []
        key = (stat.st_mtime_ns, stat.st_size)
        if self._cache is not None and self._cache[0] == key:
            return list(self._cache[1])
        profiles = self._read()
        self._cache = (key, profiles)
        return list(profiles)

    def _read(self) -> builtins.list[Profile]:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise DataError(
                f"cannot read the profile store {self.path}: {exc.strerror or exc}",
                hint=f"it must be a readable file; set {HOME_ENV} to use another directory",
            ) from exc
        lines = data.split(b"\n")
        # The piece after the last newline is empty, or an unterminated (torn / in-flight)
        # record that was never acknowledged: not part of the store.
        complete = lines[:-1]
        profiles: builtins.list[Profile] = []
        for number, raw in enumerate(complete, start=1):
            if raw.strip():
                profiles.append(_parse_line(raw, f"{self.path}:{number}"))
        return profiles

    def history(self, workload: str) -> builtins.list[Profile]:
        """Every run of `workload`, oldest first."""
        return [p for p in self.list() if p.workload == workload]

    def latest(self, workload: str, *, include_failed: bool = False) -> Profile | None:
        """The newest run of `workload` (by default the newest that exited 0)."""
        for profile in reversed(self.history(workload)):
            if include_failed or profile.succeeded:
                return profile
        return None

    def workloads(self) -> builtins.list[str]:
        return sorted({p.workload for p in self.list()})

    # ---- writing ----------------------------------------------------------------------
    def check_writable(self) -> None:
        """Fail before a long run rather than after it when the store cannot be written."""
        hint = f"set {HOME_ENV} to a writable directory"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {self.directory}: {exc.strerror}", hint=hint) from exc
        target = self.path if self.path.exists() else self.directory
        if not os.access(target, os.W_OK):
            raise InputError(f"cannot write profiles to {self.path}", hint=hint)

    def add(self, profile: Profile) -> int:
        """Append `profile` durably. Returns how many bytes of a torn tail were discarded."""
        line = profile.to_json_line().encode("utf-8")
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._locked() as fd:
            discarded = _truncate_torn_tail(fd)
            _write_all(fd, line)
            os.fsync(fd)
        return discarded

    @contextmanager
    def _locked(self) -> Iterator[int]:
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if created:
                _fsync_dir(self.directory)
            yield fd
        finally:
            os.close(fd)  # closing releases the lock

    # ---- ProfileSource ----------------------------------------------------------------
    def measured_power(
        self, catalog: Catalog, workload: str, spec: InstanceSpec, gpu_utilization: float
    ) -> MeasuredPower | None:
        """Measured per-node IT power of `workload` on `spec`, or None when unprofiled.

        Uses the newest successful profile with energy > 0, scaled as `profiler.scaling`
        documents.
        """
        return self._power(catalog, self.latest(workload), spec, gpu_utilization)

    def snapshot(self) -> ProfileSnapshot:
        """The store as it is now, read once: a `ProfileSource` that answers from memory.

        `measured_power` on the store itself checks the file each call (it may grow while a
        process runs); a plan asks once per workload (10^5 times), so it uses a snapshot.
        """
        newest: dict[str, Profile] = {}
        for profile in self.list():  # append order: a later success replaces an earlier one
            if profile.succeeded:
                newest[profile.workload] = profile
        return ProfileSnapshot(self, newest)

    def _power(
        self,
        catalog: Catalog,
        profile: Profile | None,
        spec: InstanceSpec,
        gpu_utilization: float,
    ) -> MeasuredPower | None:
        if profile is None or profile.energy.total_kwh <= 0:
            return None
        key = (catalog, profile.id, spec.cloud, spec.instance_type, gpu_utilization)
        found = self._scaled.get(key)
        if found is None:
            if len(self._scaled) >= _MAX_MEMO:
                self._scaled.clear()
            found = measured_power_from(catalog, profile, spec, gpu_utilization)
            self._scaled[key] = found
        return found


class ProfileSnapshot:
    """`ProfileStore.snapshot()`: the newest successful profile of each workload, in memory.
    Implements `optimizer.models.energy.ProfileSource` with the store's answers."""

    def __init__(self, store: ProfileStore, newest: dict[str, Profile]) -> None:
        self._store = store
        self._newest = newest

    def __repr__(self) -> str:
        return f"ProfileSnapshot({str(self._store.directory)!r}, {len(self._newest)} workloads)"

    def measured_power(
        self, catalog: Catalog, workload: str, spec: InstanceSpec, gpu_utilization: float
    ) -> MeasuredPower | None:
        """As `ProfileStore.measured_power`, from the snapshot."""
        return self._store._power(catalog, self._newest.get(workload), spec, gpu_utilization)


def _truncate_torn_tail(fd: int) -> int:
    """Cut an unterminated last line left by a crashed writer; returns bytes removed."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return 0
    end = size
    chunk = 4096
    while end > 0:
        start = max(0, end - chunk)
        block = os.pread(fd, end - start, start)
        cut = block.rfind(b"\n")
        if cut >= 0:
            keep = start + cut + 1
            os.ftruncate(fd, keep)
            return size - keep
        end = start
    os.ftruncate(fd, 0)
    return size


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    """Make a new file's directory entry durable (POSIX needs the directory fsynced too)."""
    dfd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
