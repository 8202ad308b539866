"""Batch validation in a process of its own, started while the files land.

Importing Great Expectations costs ~3 s of one core (some thousand modules), and a refresh paid
it between landing and the dbt build: a tenth of the sample's refresh. A thread cannot hide it
(an import holds the GIL, and landing is Python too), a process can: started when landing
starts, it imports GX on the other core while the files land, then validates each batch it is
sent (`suites.validate_batch`, the same function, on the same read-only file) and sends the
report back. The checks fall back to validating in their own process whenever the worker is not
there or fails, so it is only ever a head start, never a second way to judge a batch.

Protocol: pickled requests on the worker's stdin, pickled replies on its stdout (the worker
moves everything else printed to stderr first). A worker exits when its stdin closes, so one
left behind by a failed run goes away with the process that started it.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

_worker: Worker | None = None


class Worker:
    def __init__(self, stderr: IO | int = subprocess.DEVNULL) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "dagster_project.quality.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )

    def validate_batch(self, path: Path, kind: str, files: Sequence, today):
        """The worker's `suites.validate_batch(...)`; raises if the worker is gone or failed."""
        pickle.dump((str(path), kind, list(files), today), self._process.stdin)
        self._process.stdin.flush()
        status, value = pickle.load(self._process.stdout)
        if status != "ok":
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        """Close its stdin: the worker exits on its own (not waited for: one still importing GX
        would hold up the dbt build for seconds)."""
        if self._process.poll() is None:
            self._process.stdin.close()


def start() -> bool:
    """Start the worker (if none is running); True if started. Its stderr goes where this
    process's stderr goes (during a CLI refresh: the run log)."""
    global _worker
    if _worker is not None and _worker._process.poll() is None:
        return False
    try:
        stderr = sys.stderr if sys.stderr and sys.stderr.fileno() >= 0 else subprocess.DEVNULL
    except (AttributeError, OSError, ValueError):  # a stream without a file descriptor
        stderr = subprocess.DEVNULL
    _worker = Worker(stderr)
    return True


def stop() -> None:
    global _worker
    if _worker is not None:
        worker, _worker = _worker, None
        worker.close()


def validate_batch(path: Path, kind: str, files: Sequence, today):
    """`suites.validate_batch`, in the worker when one is running, else here."""
    from dagster_project.quality import suites

    if _worker is not None:
        try:
            return _worker.validate_batch(path, kind, files, today)
        except (OSError, EOFError, pickle.PickleError, RuntimeError) as exc:
            print(f"validation worker failed ({exc!r}); validating in this process", file=sys.stderr)
            stop_quietly()
    return suites.validate_batch(path, kind, files, today)


def stop_quietly() -> None:
    global _worker
    worker, _worker = _worker, None
    if worker is not None and worker._process.poll() is None:
        worker._process.kill()


def _serve() -> None:
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the replies
    sys.stdout = sys.stderr
    from dagster_project.quality import suites

    suites._gx()  # the import this process exists for, done before the first request arrives
    requests = sys.stdin.buffer
    while True:
        try:
            path, kind, files, today = pickle.load(requests)
        except EOFError:
            return
        try:
            reply = ("ok", suites.validate_batch(Path(path), kind, files, today))
        except Exception as exc:  # reported to the caller, which validates in its own process
            reply = ("error", f"{type(exc).__name__}: {exc}")
        pickle.dump(reply, replies)
        replies.flush()


if __name__ == "__main__":
    _serve()
