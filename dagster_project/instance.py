"""The Dagster instance the CLI records its runs in, so `dagster dev` shows what the CLI built.

Without a persistent instance the CLI ran in an ephemeral one and the UI showed every asset as
"Never materialized". The instance's home (`DAGSTER_HOME`: run history, event log, schedule and
sensor state, in SQLite files) is, by default, `.dagster_home/` beside the warehouse: one per
warehouse folder, found again from the same paths by `backlinks` and by `dagster dev`. An explicit
`DAGSTER_HOME` wins (a server's shared home, docs/automation.md). SQLite has one writer at a time;
the refresh lock already lets one refresh (CLI or Dagster run) write at a time, and the UI only
reads and queues.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from pathlib import Path

from dagster_project import settings

HOME_NAME = ".dagster_home"

# Written into a home the project creates (never into a DAGSTER_HOME of the user's). The tag limit
# is the production one (docs/automation.md): one run writing the warehouse at a time, so runs
# started from the UI queue behind each other instead of sharing the build copy.
DAGSTER_YAML = """\
# Written by `backlinks` (dagster_project/instance.py) for the runs of the CLI and `dagster dev`.
telemetry:
  enabled: false
concurrency:
  runs:
    tag_concurrency_limits:
      - key: backlinks/warehouse   # one writer of the DuckDB warehouse at a time
        limit: 1
"""


def default_home(paths: settings.Paths) -> Path:
    """`.dagster_home/` in the warehouse's folder."""
    return paths.warehouse.parent / HOME_NAME


def dagster_home(paths: settings.Paths, env: dict | None = None) -> Path:
    """The home of the instance the runs of this warehouse are recorded in: DAGSTER_HOME if set,
    else the default beside the warehouse."""
    explicit = (os.environ if env is None else env).get("DAGSTER_HOME")
    return Path(explicit).expanduser().resolve() if explicit else default_home(paths)


def prepare_home(paths: settings.Paths) -> Path:
    """Create the home if needed (with our dagster.yaml when it is the default one) and make it
    this process's DAGSTER_HOME, so `DagsterInstance.get()` opens it. Returns the home."""
    home = dagster_home(paths)
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if home == default_home(paths) and not config.exists():
        partial = config.with_name("dagster.yaml.part")
        partial.write_text(DAGSTER_YAML, encoding="utf-8")
        os.replace(partial, config)  # two first runs at once never leave half a file
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def unsynced_sqlite() -> None:
    """Let SQLite in this process skip fsync (PRAGMA synchronous=OFF) on Dagster's run history.

    Dagster's SQLite storage opens a connection per write, and a refresh of the bundled sample
    stores ~1,200 events (a materialization per asset and partition, a check evaluation per
    check): with a sync per commit that made a refresh 2-3x slower on this machine's disk
    (README, Benchmarks). Without the sync, a crash of the CLI loses nothing (the OS still writes
    the data); only a power loss or OS crash during a write can damage the history, which is
    nothing but run records: delete `.dagster_home/` and the next refresh starts a new one. The
    warehouse never depends on it. Only sqlite3 connections are touched (DuckDB's are not)."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if getattr(unsynced_sqlite, "done", False):
        return

    @event.listens_for(Engine, "connect")
    def _no_sync(dbapi_connection, _record) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute("PRAGMA synchronous=OFF")

    unsynced_sqlite.done = True


@contextlib.contextmanager
def reused_connections(instance) -> Iterator[None]:
    """For the duration, let the instance's SQLite event log keep one engine (and its pooled
    connections) per file instead of creating an engine, connecting, and reflecting the schema for
    every event it stores.

    Dagster's SQLite event log creates a SQLAlchemy engine per write (so every statement is also
    compiled again, the compiled cache being per engine) and asks SQLite whether the tag table
    exists for every materialization; a sample refresh stores ~1,400 events, twice each for asset
    events (the run's file and the cross-run index). Same files, same rows, same transactions:
    only how the connection is obtained changes (README, Benchmarks: ~5.8 → ~2 ms of CPU per
    event). Only the exact stock class is changed, and only in this process: another storage (a
    DAGSTER_HOME configured for Postgres) is left as it is. The engines are disposed at the end."""
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    storage = instance.event_log_storage
    if type(storage) is not SqliteEventLogStorage:
        yield
        return
    storage.__class__ = _reusing_class(SqliteEventLogStorage)
    try:
        yield
    finally:
        storage.__class__ = SqliteEventLogStorage
        for engine in storage.__dict__.pop("_reused_engines", {}).values():
            engine.dispose()
        storage.__dict__.pop("_known_tables", None)


@functools.cache
def _reusing_class(base: type) -> type:
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS
    from sqlalchemy import create_engine

    class ReusingSqliteEventLogStorage(base):
        # The stock _connect, with the engine kept per shard (one SQLite file) rather than created
        # and disposed around each transaction.
        @contextlib.contextmanager
        def _connect(self, shard: str):
            with self._db_lock:
                engines = self.__dict__.setdefault("_reused_engines", {})
                engine = engines.get(shard)
                if engine is None:
                    engine = create_engine(
                        self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
                    )
                    engines[shard] = engine
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
                with engine.connect() as conn, conn.begin():
                    yield conn

        def has_table(self, table_name: str) -> bool:
            # asked once per stored materialization; a table, once there, stays for the run
            known = self.__dict__.setdefault("_known_tables", set())
            if table_name not in known and super().has_table(table_name):
                known.add(table_name)
            return table_name in known

    return ReusingSqliteEventLogStorage


def count_files(inbox: Path) -> int | None:
    """Files under the inbox as the inbox scan sees them (hidden ones skipped); None: no folder."""
    from dagster_project import inbox as inbox_mod

    return len(inbox_mod.files(inbox)) if inbox.is_dir() else None


def location_banner(paths: settings.Paths, env_home: str | None, inbox_files: int | None) -> list[str]:
    """What the code location prints when it loads (`dagster dev`): the paths it reads, and where
    the CLI's runs are, with how to see them when this process's instance is another one."""
    inbox = (
        f"{paths.inbox} (missing: a run lands nothing)"
        if inbox_files is None
        else f"{paths.inbox} ({inbox_files} files)"
        if inbox_files
        else f"{paths.inbox} (empty: a run lands nothing)"
    )
    lines = [f"Backlink Warehouse: config {paths.config}, inbox {inbox}, warehouse {paths.warehouse}"]
    home = default_home(paths) if not env_home else Path(env_home).expanduser().resolve()
    if env_home and home == default_home(paths):
        lines.append(f"Backlink Warehouse: runs are recorded in DAGSTER_HOME={home}, as `backlinks` records them")
    elif env_home:
        lines.append(
            f"Backlink Warehouse: runs are recorded in DAGSTER_HOME={home}; `backlinks` records its runs there "
            f"only when DAGSTER_HOME is set for it too (else in {default_home(paths)})"
        )
    else:
        lines.append(
            f"Backlink Warehouse: DAGSTER_HOME is not set, so this instance is temporary and shows none of "
            f"the runs `backlinks` recorded in {home}; to see them, start: DAGSTER_HOME={home} dagster dev"
        )
    return lines
