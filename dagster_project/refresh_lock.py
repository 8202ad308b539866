"""One refresh per warehouse at a time: an OS lock on `<warehouse>.lock`.

Two refreshes of one warehouse would share its build copy (`<warehouse>.building`) and its dbt
target folder, and the second would fail with a misleading dbt error (or, worse, corrupt the
first one's build). Every writer — `backlinks refresh`/`backfill`, and every Dagster run of the
assets — holds this lock for its whole duration.

- The lock is `fcntl.flock` on the open lock file: the kernel releases it when the holder's
  process ends, however it ends (SIGKILL, power loss), so a lock left by a dead process is free
  by construction — no pid guessing, no timeout. The file itself is never deleted (deleting a
  flock'ed file lets two processes lock two different inodes of one name); it just stays.
- The holder writes its pid, start time, command and (for a Dagster run) run id into the file,
  for the message a second refresh prints. That text is informative only: who *holds* the lock is
  decided by the kernel, never by the text.
- Re-entrant within the holding process: the CLI holds the lock and runs the Dagster job in the
  same process, whose landing step checks the lock again. Steps of a Dagster run in other
  processes (the multiprocess executor) pass when the file names their run.

Linux/macOS only (fcntl), like the rest of the deployment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# A busy lock is retried for this long before giving up: a sensor or a landing step probes the
# lock for microseconds (a shared lock), and a refresh starting at that instant must not be
# told "busy" by a probe.
PROBE_GRACE_SECONDS = 0.5
_RETRY_SECONDS = 0.02


def lock_path(warehouse: str | Path) -> Path:
    return Path(f"{Path(warehouse).expanduser().resolve()}.lock")


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) the lock, as its holder wrote it."""

    pid: int
    started: dt.datetime  # local time, aware
    command: str = ""
    run_id: str = ""  # the Dagster run holding it, if any

    def dump(self) -> str:
        return json.dumps(
            {"pid": self.pid, "started": self.started.isoformat(), "command": self.command, "run_id": self.run_id}
        )

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), dt.datetime.fromisoformat(data["started"]), str(data.get("command") or ""),
                       str(data.get("run_id") or ""))  # fmt: skip
        except (ValueError, TypeError, KeyError):
            return None  # empty (a holder between taking the lock and writing) or foreign text

    def describe(self, now: dt.datetime | None = None) -> str:
        """`pid 123, started 14:05` (with the date when it is not today)."""
        if self.pid <= 0:
            return "pid unknown"
        now = now or dt.datetime.now().astimezone()
        started = self.started.astimezone(now.tzinfo)
        when = started.strftime("%H:%M") if started.date() == now.date() else started.strftime("%Y-%m-%d %H:%M")
        return f"pid {self.pid}, started {when}"


def busy_message(warehouse: str | Path, holder: Holder | None) -> str:
    """The one line a second refresh prints."""
    if holder is None:
        return f"another refresh of {warehouse} is running"
    return f"another refresh of {warehouse} is running ({holder.describe()})" + (
        f": {holder.command}" if holder.command else ""
    )


class Busy(Exception):
    """Another process holds the warehouse's refresh lock."""

    def __init__(self, warehouse: str | Path, holder: Holder | None):
        self.warehouse, self.holder = warehouse, holder
        super().__init__(busy_message(warehouse, holder))


@dataclass
class _Held:
    fd: int
    holder: Holder
    depth: int = 1


_held: dict[Path, _Held] = {}  # locks this process holds, by lock file
_guard = threading.Lock()


def _try_flock(fd: int, operation: int, grace: float) -> bool:
    deadline = time.monotonic() + grace
    while True:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_RETRY_SECONDS)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_holder(fd: int) -> Holder | None:
    """The holder's own description of itself. The holder writes it just after taking the lock, so
    a reader may catch the file empty or still naming the previous (dead) holder: retry briefly."""
    found = None
    for _ in range(25):
        found = Holder.parse(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
        if found is not None and _alive(found.pid):
            return found
        time.sleep(_RETRY_SECONDS)
    return found


@contextlib.contextmanager
def hold(
    warehouse: str | Path,
    *,
    command: str = "",
    run_id: str = "",
    wait: bool = False,
    on_wait: Callable[[Holder | None], None] | None = None,
    grace: float = PROBE_GRACE_SECONDS,
) -> Iterator[bool]:
    """Hold the refresh lock of `warehouse` for the block; yields True if it had to wait for it.

    Busy: raise `Busy` naming the holder, or with `wait` call `on_wait(holder)` and block until the
    holder is done (the kernel wakes us the moment it releases: no polling interval to tune).
    Already held by this process: re-entered (the CLI's lock covers its in-process Dagster run).
    """
    path = lock_path(warehouse)
    with _guard:
        mine = _held.get(path)
        if mine is not None:
            mine.depth += 1
    if mine is not None:
        try:
            yield False
        finally:
            with _guard:
                mine.depth -= 1
        return

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by dbt & co. (close-on-exec)
    waited = False
    try:
        if not _try_flock(fd, fcntl.LOCK_EX, grace):
            current = _read_holder(fd)
            if not wait:
                raise Busy(warehouse, current)
            if on_wait is not None:
                on_wait(current)
            fcntl.flock(fd, fcntl.LOCK_EX)  # queued by the kernel; Ctrl-C interrupts it
            waited = True
        command = command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])
        me = Holder(os.getpid(), dt.datetime.now().astimezone().replace(microsecond=0), command, run_id)
        os.ftruncate(fd, 0)
        os.pwrite(fd, (me.dump() + "\n").encode(), 0)
        with _guard:
            _held[path] = _Held(fd, me)
        try:
            yield waited
        finally:
            with _guard:
                _held.pop(path, None)
    finally:
        os.close(fd)  # releases the lock (the file stays: see the module doc)


def held_here(warehouse: str | Path) -> bool:
    """Whether this process holds the lock."""
    with _guard:
        return lock_path(warehouse) in _held


def holder(warehouse: str | Path, run_id: str = "") -> Holder | None:
    """Who holds the lock, if anyone other than this process or the Dagster run `run_id` does.

    A probe: takes a shared lock for an instant (never the exclusive one, so it cannot block a
    writer for longer than `hold`'s grace) and never creates the file.
    """
    path = lock_path(warehouse)
    if held_here(warehouse):
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None  # never locked
    try:
        if _try_flock(fd, fcntl.LOCK_SH, grace=0):
            return None  # free (closing the fd drops the shared lock)
        current = _read_holder(fd)
        if current is not None and run_id and current.run_id == run_id:
            return None
        return current or Holder(0, dt.datetime.now().astimezone())  # held, by a holder that wrote nothing
    finally:
        os.close(fd)


def last_holder(warehouse: str | Path) -> Holder | None:
    """What the lock file says about its latest holder, without asking whether it still holds it."""
    try:
        return Holder.parse(lock_path(warehouse).read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        return None
