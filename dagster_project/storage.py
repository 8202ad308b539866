"""The warehouse file as other programs see it: its storage version, and who else holds it.

Storage version. DuckDB 2.0 writes storage version 69 by default, which DuckDB 1.x refuses ("can
only read versions between 64 and 68"): the DuckDB CLI and the node, JDBC and ODBC drivers that BI
tools (Metabase, DBeaver, Evidence) ship are 1.x. So every warehouse file the project creates is
created with `STORAGE_VERSION 'v1.1.0'` (header version 64, read by DuckDB 1.1 and later), and
DuckDB keeps a file's storage version when it is opened again without one (it never upgrades a
file by itself): dbt-duckdb's and GX's plain `duckdb.connect` keep writing 64. A warehouse built
before this (version 69) is migrated on its next refresh: the build starts from a v1.1.0 copy
made with COPY FROM DATABASE instead of a byte copy (see warehouse.start_build).

Other clients. A refresh never writes the published file in place, and readers (read-only
connections, shared locks) never block it. A read-write client is different:
- alive, it holds an exclusive lock: the refresh refuses (WarehouseBusy, exit 3) rather than
  publish a new file under it and strand what that client writes next;
- killed, it leaves `<warehouse>.wal` holding its committed work. DuckDB replays a WAL only into
  the file it belongs to, and a WAL beside another file makes every later open fail ("Failure
  while replaying WAL file"). So before building, a WAL the refresh did not write is checkpointed
  into the published file (open read-write, which replays it; CHECKPOINT; close); if that cannot
  be done (a reader holds the file), the refresh refuses, naming it. It is never deleted.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

STORAGE_VERSION = "v1.1.0"  # what the project writes: every DuckDB from 1.1 on reads it
READABLE_STORAGE_NUMBER = 64  # the header version of such a file (2.0's default is 69)
_MAGIC = b"DUCK"  # a DuckDB file's main header: 8 bytes checksum, "DUCK", uint64 version number

_LOCK_HELD = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def storage_number(header: bytes) -> int | None:
    """The storage version number in the first bytes of a DuckDB file, None if it is not one."""
    if len(header) < 20 or header[8:12] != _MAGIC:
        return None
    return int.from_bytes(header[12:20], "little")


def file_storage_number(path: str | Path) -> int | None:
    with open(path, "rb") as f:
        return storage_number(f.read(20))


def readable_by_1x(path: str | Path) -> bool:
    """Whether DuckDB 1.1+ (the CLI, BI drivers) can open this file."""
    number = file_storage_number(path)
    return number is not None and number <= READABLE_STORAGE_NUMBER


def wal_path(path: str | Path) -> Path:
    return Path(f"{path}.wal")


def create(path: str | Path) -> None:
    """Create an empty database file in STORAGE_VERSION (every later plain open keeps it)."""
    with contextlib.closing(duckdb.connect()) as con:
        con.execute(f"attach ? as new_file (storage_version '{STORAGE_VERSION}')", [str(path)])
        con.execute("detach new_file")


def copy_readable(source: str | Path, target: str | Path) -> None:
    """Copy every schema, table, view and row of `source` into a new `target` in STORAGE_VERSION
    (the migration of a file in a newer storage version; `source` is only read)."""
    target = Path(target)
    for stale in (target, wal_path(target)):
        stale.unlink(missing_ok=True)
    with contextlib.closing(duckdb.connect()) as con:
        con.execute("attach ? as source_db (read_only)", [str(source)])
        con.execute(f"attach ? as target_db (storage_version '{STORAGE_VERSION}')", [str(target)])
        con.execute("copy from database source_db to target_db")
        con.execute("detach target_db")
        con.execute("detach source_db")


# --------------------------------------------------------------------------- other clients


class WarehouseBusy(Exception):
    """Another process keeps the refresh from using the warehouse. The message is one line for
    the user: which file, who holds it, what to do."""


def lock_holder(message: str) -> str | None:
    """'<program> (PID n)' when a DuckDB error says another process holds the file's lock."""
    match = _LOCK_HELD.search(message)
    if match is None:
        return "another process" if "Conflicting lock" in message else None
    return f"{Path(match['program']).name} (PID {match['pid']})"


def busy_message(path: str | Path, holder: str, retry: str = "refresh again") -> str:
    return (
        f"{path} is open read-write in another process ({holder}): close that connection, or open the"
        f" warehouse read-only (duckdb -readonly, read_only=True, access_mode=READ_ONLY), then {retry}"
    )


def wal_blocked_message(path: str | Path, holder: str) -> str:
    return (
        f"{wal_path(path)} holds changes a DuckDB client committed and did not checkpoint (it was killed"
        f" holding {Path(path).name}); the refresh must merge them first but {holder} has the file open:"
        " close it, then refresh again (the WAL is kept)"
    )


def stray_wal_message(path: str | Path) -> str:
    return (
        f"{wal_path(path)} lies beside no warehouse file ({path} is missing): restore that file or move the"
        " WAL away, then refresh again (the WAL is kept)"
    )


@dataclass(frozen=True)
class Readiness:
    """What prepare_published found: a note for the log when it merged a WAL."""

    merged_wal: bool = False
    wal_bytes: int = 0

    @property
    def note(self) -> str | None:
        if not self.merged_wal:
            return None
        return f"merged a WAL another DuckDB client left ({self.wal_bytes:,} bytes) into the warehouse"


def _holder_of(error: duckdb.Error) -> str | None:
    return lock_holder(str(error))


def prepare_published(path: str | Path) -> Readiness:
    """Make sure a refresh may start from the published file, before anything is built.

    - no published file and no WAL: nothing to do (a new warehouse);
    - a WAL beside it and nobody holding the file: the client that wrote it died; replay and
      checkpoint it into the file (its committed work is kept);
    - otherwise probe with a read-only open: a read-write holder's exclusive lock refuses it,
      readers' shared locks do not.
    Raises WarehouseBusy with the one line to show when the refresh must not go on.
    """
    path = Path(path)
    wal = wal_path(path)
    if not path.exists():
        if wal.exists():
            raise WarehouseBusy(stray_wal_message(path))
        return Readiness()
    if wal.exists():
        size = wal.stat().st_size
        try:
            con = duckdb.connect(str(path))  # replays the WAL
        except duckdb.Error as error:
            holder = _holder_of(error)
            if holder is None:
                raise
            # a live read-write client has a WAL too: it is busy, not dead; a reader only
            # keeps a dead client's WAL from being merged
            with shared_lock(path):
                pass
            raise WarehouseBusy(wal_blocked_message(path, holder)) from None
        with contextlib.closing(con):
            con.execute("checkpoint")
        return Readiness(merged_wal=True, wal_bytes=size)
    with shared_lock(path):  # refused while a read-write client holds it; readers are fine
        pass
    return Readiness()


@contextlib.contextmanager
def shared_lock(path: str | Path):
    """Hold a read-only connection on `path` (if it exists): readers may come and go, no process
    can open it read-write meanwhile. Raises WarehouseBusy if one already has."""
    if not Path(path).exists():
        yield
        return
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        holder = _holder_of(error)
        if holder is None:
            raise
        raise WarehouseBusy(busy_message(path, holder)) from None
    with contextlib.closing(con):
        yield


@dataclass(frozen=True)
class Stamp:
    """The published file's identity when a build started; publishing checks it did not change
    (a read-write client that wrote and closed meanwhile would otherwise lose its work to the
    new generation)."""

    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | Path) -> Stamp | None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return cls(st.st_ino, st.st_size, st.st_mtime_ns)

    def dumps(self) -> str:
        return f"{self.inode} {self.size} {self.mtime_ns}"

    @classmethod
    def loads(cls, text: str) -> Stamp | None:
        parts = text.split()
        return cls(*(int(p) for p in parts)) if len(parts) == 3 else None
