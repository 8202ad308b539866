"""The DuckDB warehouse file: its landing tables, and the build-then-publish cycle.

Readers (BI tools, the DuckDB CLI) open the *published* file. A refresh never writes it in
place: it builds in `<warehouse>.building` (the previous generation brought up to date, see
generations.py, or else a copy of the published file), lands files and runs dbt there, and
publishes with one `os.replace` — atomic on one filesystem, so a reader sees either the old
complete state or the new one, and a killed refresh leaves the published file untouched (the
next refresh starts from it again). See README "What happens when…".

Every file it creates is in the storage version DuckDB 1.x clients read, and a read-write client
holding the published file (or the WAL one left when killed) is dealt with before building and
again at publishing (storage.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import duckdb
import polars as pl

from dagster_project import generations, schema, storage


def _columns_ddl(columns: dict[str, pl.DataType]) -> str:
    return ", ".join(f'"{name}" {schema.duckdb_type(dtype)}' for name, dtype in columns.items())


AUDIT_INGEST_FILES = """
create table if not exists audit.ingest_files (
    file_name varchar not null,          -- path relative to the inbox
    sha256 varchar not null,
    detected_format varchar,
    kind varchar,                        -- backlinks / mentions / rankings / ledger / referring_domains
    source_tool varchar,
    site_domain varchar,                 -- the site most of the file's rows belong to
    snapshot_date date,
    snapshot_date_source varchar,        -- name / folder / contents / mtime / ingested
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    status varchar not null,             -- loaded / rejected / duplicate
    error varchar,
    file_size bigint,
    ingested_at timestamp not null,
    primary key (file_name, sha256)
)
"""

AUDIT_REFRESHES = """
create table if not exists audit.refreshes (
    refreshed_at timestamp not null,
    config_fingerprint varchar not null,
    files_landed bigint not null,
    files_rejected bigint not null
)
"""

CONFIG_TABLES = {
    "sites": "site_domain varchar not null, role varchar not null, brand_terms varchar[]",
    "brand_terms": "site_domain varchar not null, term varchar not null",
    "keywords": "keyword varchar not null",
    "topics": "topic varchar not null, keyword varchar not null",
    "disavow_never": "domain varchar not null",
}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the landing schemas and tables if missing (idempotent)."""
    for name in ("raw", "audit", "config"):
        con.execute(f"create schema if not exists {name}")
    for kind in schema.KINDS:
        columns = schema.full_schema(kind)
        con.execute(f"create table if not exists raw.{kind} ({_columns_ddl(columns)})")
        # A warehouse built by an older version gains new columns (null for old rows).
        for name, dtype in columns.items():
            con.execute(f'alter table raw.{kind} add column if not exists "{name}" {schema.duckdb_type(dtype)}')
    con.execute(AUDIT_INGEST_FILES)
    con.execute(f"create table if not exists audit.quarantine ({_columns_ddl(schema.QUARANTINE)})")
    con.execute(AUDIT_REFRESHES)
    for name, columns in CONFIG_TABLES.items():
        con.execute(f"create table if not exists config.{name} ({columns})")


def build_path(warehouse: str | Path) -> Path:
    return Path(f"{warehouse}.building")


def begin_build(warehouse: str | Path, scopes: Mapping[tuple[str, str], str] | None = None) -> Path:
    return start_build(warehouse, scopes)[0]


def origin_path(warehouse: str | Path) -> Path:
    """The published file's identity when the build started (storage.Stamp), checked at publish."""
    return Path(f"{build_path(warehouse)}.origin")


def start_build(warehouse: str | Path, scopes: Mapping[tuple[str, str], str] | None = None) -> tuple[Path, str]:
    """Start the build file of a refresh (discarding any left by a killed run): the previous
    generation brought up to date when it can be (`scopes`: generations.incremental_scopes of the
    dbt manifest), else a copy of the published warehouse. Returns it and how it started.
    Raises storage.WarehouseBusy when another process holds the published file read-write."""
    warehouse, building = Path(warehouse), build_path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    for stale in (building, storage.wal_path(building), origin_path(warehouse)):
        stale.unlink(missing_ok=True)
    merged = storage.prepare_published(warehouse).note  # a WAL left by a killed client goes in first
    stamp = storage.Stamp.of(warehouse)
    how = "new warehouse"
    if warehouse.exists() and not storage.readable_by_1x(warehouse):
        # built by DuckDB 2.0 with its default storage: copied table by table into the readable
        # version (the spare, of the same age, cannot be brought up to date into it)
        generations.discard_spare(warehouse)
        storage.copy_readable(warehouse, building)
        how = f"migrated the published file to DuckDB storage {storage.STORAGE_VERSION} (readable by DuckDB 1.1+)"
    elif warehouse.exists():
        why_not = generations.reuse_spare(warehouse, building, scopes) if scopes is not None else "no dbt manifest"
        if why_not is None:
            how = "previous generation brought up to date"
        else:
            # The published file may be open read-only by a BI tool; copying it is safe (DuckDB
            # checkpoints on close, a WAL was merged above, and a refresh never writes it in place).
            shutil.copyfile(warehouse, building)
            how = f"copied the published file ({why_not})"
    else:
        generations.discard_spare(warehouse)
        storage.create(building)
    if merged:
        how = f"{how}; {merged}"
    origin_path(warehouse).write_text(stamp.dumps() if stamp else "", encoding="utf-8")
    with connect(building) as con:
        ensure_tables(con)
    return building, how


def publish(warehouse: str | Path) -> None:
    """Atomically replace the published warehouse with the finished build copy, keeping the file
    it replaces as the next refresh's starting point (generations.keep_spare).

    Under a shared lock on the published file (no read-write client can open it meanwhile), and
    only if nobody changed it since the build started: a client that wrote to it (or was killed
    leaving its WAL) during the refresh would otherwise lose that work to the new generation.
    Raises storage.WarehouseBusy then; the next refresh starts from the file as that client left it."""
    warehouse, building = Path(warehouse), build_path(warehouse)
    with connect(building) as con:
        con.execute("checkpoint")
    origin = origin_path(warehouse)
    started = storage.Stamp.loads(origin.read_text(encoding="utf-8")) if origin.exists() else None
    with storage.shared_lock(warehouse):
        if storage.wal_path(warehouse).exists():
            raise storage.WarehouseBusy(
                f"{storage.wal_path(warehouse)} appeared during the refresh (a DuckDB client was killed holding"
                f" {warehouse.name}); not published, the next refresh merges it first"
            )
        if origin.exists() and storage.Stamp.of(warehouse) != started:
            raise storage.WarehouseBusy(
                f"{warehouse} was changed by another process during the refresh; not published (nothing of"
                " that change is lost): refresh again"
            )
        generations.keep_spare(warehouse)
        os.replace(building, warehouse)
    generations.record_published(warehouse)
    origin.unlink(missing_ok=True)


@contextlib.contextmanager
def connect(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """One short-lived connection: DuckDB is single-writer across processes, so never hold one
    while dbt (a subprocess) runs. A file it creates is in the storage version DuckDB 1.x reads."""
    if not read_only and str(path) != ":memory:" and not Path(path).exists():
        storage.create(path)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def ingest_state(path: str | Path):
    """What a warehouse has recorded (planning.WarehouseState): every file version with its status
    and snapshot date, and the fingerprint of its last publish. Read-only; empty when the file does
    not exist yet."""
    from dagster_project.planning import WarehouseState

    if not Path(path).exists():
        return WarehouseState()
    with connect(path, read_only=True) as con:
        return state_of(con)


def published_state(warehouse: str | Path):
    """What readers have, for planning (the CLI, the schedule, the sensor, the backfill): the
    published file's audit (ingest_state), or on Spark (BACKLINKS_ENGINE) the Parquet lake's as of
    its last recorded refresh (lake.published_state; the lake's place follows the warehouse path)."""
    from dagster_project import settings

    paths = settings.Paths(Path(), Path(), Path(warehouse))
    if paths.engine == "spark":
        from dagster_project import lake

        return lake.published_state(paths.lake)
    return ingest_state(warehouse)


def state_of(con: duckdb.DuckDBPyConnection):
    """ingest_state over an open connection (the one reader of audit.ingest_files for planning)."""
    from dagster_project.planning import WarehouseState

    try:
        rows = con.sql("select file_name, sha256, status, snapshot_date from audit.ingest_files").fetchall()
    except duckdb.CatalogException:
        return WarehouseState()
    try:
        last = con.sql("select config_fingerprint from audit.refreshes order by refreshed_at desc limit 1").fetchall()
    except duckdb.CatalogException:
        last = []
    return WarehouseState({(name, sha): (status, day) for name, sha, status, day in rows}, last[0][0] if last else None)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    con.register("_incoming", frame.to_arrow())
    try:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f"insert into {table} ({columns}) select {columns} from _incoming")
    finally:
        con.unregister("_incoming")


def record_landed(con: duckdb.DuckDBPyConnection, landed) -> None:
    """Write one landed file (audit row, rows, quarantine) in one transaction.

    A known file name with new bytes supersedes its older version: the old rows leave raw, so
    a re-exported snapshot replaces rather than doubles it.
    """
    audit = landed.audit
    con.begin()
    try:
        previous = con.execute(
            "select sha256, kind from audit.ingest_files where file_name = ? and sha256 <> ? and status = 'loaded'",
            [audit["file_name"], audit["sha256"]],
        ).fetchall()
        for old_sha, old_kind in previous:
            if old_kind in schema.KINDS:
                con.execute(f"delete from raw.{old_kind} where file_sha256 = ?", [old_sha])
            con.execute("delete from audit.quarantine where file_sha256 = ?", [old_sha])
            con.execute(
                "update audit.ingest_files set status = 'superseded', error = ? where file_name = ? and sha256 = ?",
                ["replaced by a newer version of the same file", audit["file_name"], old_sha],
            )
        if landed.rows is not None and audit["status"] == "loaded":
            _insert(con, f"raw.{landed.kind}", landed.rows)
        _insert(con, "audit.quarantine", landed.quarantine)
        _insert(con, "audit.ingest_files", pl.DataFrame([audit], schema_overrides={"snapshot_date": pl.Date}))
        con.commit()
    except BaseException:
        con.rollback()
        raise


def record_duplicate(con: duckdb.DuckDBPyConnection, relative: str, sha: str, size: int, holder: str) -> None:
    import datetime as dt

    con.execute(
        "insert into audit.ingest_files (file_name, sha256, rows_read, rows_loaded, rows_quarantined, status, error, file_size, ingested_at)"
        " values (?, ?, 0, 0, 0, 'duplicate', ?, ?, ?)",
        [relative, sha, f"same bytes as {holder} (already loaded)", size, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )


def config_frames(config) -> dict[str, pl.DataFrame]:
    """sites.yml as the config.* tables (CONFIG_TABLES, then thresholds), for either sink."""
    sites = pl.DataFrame(
        {
            "site_domain": config.site_domains,
            "role": ["site"] + ["competitor"] * (len(config.site_domains) - 1),
        }
    )
    brand_terms = pl.DataFrame(
        {"site_domain": [config.site.domain] * len(config.site.brand), "term": list(config.site.brand)},
        schema={"site_domain": pl.String, "term": pl.String},
    )
    topics = pl.DataFrame(
        [(topic, kw) for topic, kws in config.topics.items() for kw in kws],
        schema={"topic": pl.String, "keyword": pl.String},
        orient="row",
    )
    return {
        "sites": sites,
        "brand_terms": brand_terms,
        "keywords": pl.DataFrame({"keyword": list(config.keywords)}, schema={"keyword": pl.String}),
        "topics": topics,
        "disavow_never": pl.DataFrame({"domain": list(config.disavow.never)}, schema={"domain": pl.String}),
        "thresholds": pl.DataFrame([config.thresholds.model_dump()]),
    }


def write_config(con: duckdb.DuckDBPyConnection, config) -> None:
    """Mirror sites.yml into config.* so dbt models join it like any table."""
    frames = config_frames(config)
    con.begin()
    for name in CONFIG_TABLES:
        con.execute(f"delete from config.{name}")
        _insert(con, f"config.{name}", frames[name])
    con.register("_thresholds", frames["thresholds"].to_arrow())
    con.execute("create or replace table config.thresholds as select * from _thresholds")
    con.unregister("_thresholds")
    con.commit()


class DuckDBSink:
    """Landing's writer into a DuckDB warehouse (loader.ingest_inbox; the lake's is lake.LakeSink):
    the functions above over one open connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def write_config(self, config) -> None:
        write_config(self.con, config)

    def state(self):
        return state_of(self.con)

    def record_landed(self, landed) -> None:
        record_landed(self.con, landed)

    def record_duplicate(self, relative: str, sha: str, size: int, holder: str) -> None:
        record_duplicate(self.con, relative, sha, size, holder)


def record_refresh(con: duckdb.DuckDBPyConnection, config_fingerprint: str) -> None:
    """Note a completed refresh (what the CLI compares to decide "nothing changed")."""
    import datetime as dt

    row = con.sql(
        "select count(*) filter (where status = 'loaded'), count(*) filter (where status = 'rejected') from audit.ingest_files"
    ).fetchall()[0]
    con.execute(
        "insert into audit.refreshes values (?, ?, ?, ?)",
        [dt.datetime.now(dt.UTC).replace(tzinfo=None), config_fingerprint, row[0], row[1]],
    )
