"""Two generations of the warehouse file, so a refresh never copies the whole warehouse.

A refresh builds in `<warehouse>.building` and publishes it with one `os.replace` (warehouse.py).
Copying the published file to start each build costs the whole warehouse per refresh: 20 GB of
history copied (and twice the disk) to add one export. Instead, publishing keeps the file it
replaces as `<warehouse>.spare` (a hard link to the inode readers had open, so nothing is
copied), and the next refresh starts from that spare, one generation behind, and brings it up to
date from the published file by applying only what the last refresh changed:

    raw.* and audit.quarantine   the rows of the files whose audit entry changed (new, superseded)
    dbt incremental models       the rows of the scope the last build rebuilt: its snapshot window,
                                 or the source pages / referring domains it listed in
                                 int_backlinks__changed_sources (the rows its pre-hooks deleted and
                                 re-inserted)
    every other table            replaced whole: configuration, audit lists and the tables dbt
                                 rebuilds whole on every run anyway (marts, lookups)

all in one DuckDB transaction, then checked (row counts of every table). Whenever the spare cannot
be proven to be exactly the previous generation - a reader still has it open (DuckDB's lock), the
last build was a full rebuild, a table or view differs, a refresh was killed, an older warehouse
without the build record - the spare is dropped and the refresh copies the published file as
before. So the fast path is an optimisation with the copy as its safety net, never a new way to
be wrong. The cost: the previous generation stays on disk (delete `<warehouse>.spare` at any time;
the next refresh copies once).

The spare is also not used when the published file changed after it was published (its inode,
size and modification time, noted in `<warehouse>.spare.stamp`, differ): a DuckDB client opened it
read-write and wrote to it, or left a WAL the refresh merged. Only a copy carries such changes
(a table a user added, rows updated by hand) into the next generation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path

import duckdb

from dagster_project import storage

SPARE_SUFFIX = ".spare"

# the dbt node whose rows name the source pages and referring domains a build rebuilt
CHANGED_SOURCES = "int_backlinks__changed_sources"
# the dbt node with one row per link: its row count (free, from DuckDB's metadata) bounds the
# number of source pages from above, where counting the pages would scan the biggest table
LINKS = "int_backlinks__link_state"
# Replaying the rows of more than this share of the source pages (judged against the links,
# which are at least as many) costs more than copying the published file: a row replayed is
# deleted, read from the other file and inserted again, several times what a copy spends on it
# (weekly full exports, 2026-12-08: landing with the catch-up 20.7 s on 3 weeks, 30.0 s on 12;
# with a copy 5.4 s and 6.9 s). A weekly *full* export lists every live page: its build
# rebuilds them all.
COPY_SHARE = 0.25
# Below this size the catch-up is kept whatever it replays: both take well under a second there.
COPY_MIN_BYTES = 256 * 2**20

BUILD_WINDOW_DDL = """
create table if not exists audit.build_window (
    min_date date not null,
    max_date date not null,
    full_rebuild boolean not null,
    built_at timestamp not null
)
"""


def spare_path(warehouse: str | Path) -> Path:
    return Path(f"{warehouse}{SPARE_SUFFIX}")


def stamp_path(warehouse: str | Path) -> Path:
    """The published file's identity right after the last publish (storage.Stamp)."""
    return Path(f"{warehouse}{SPARE_SUFFIX}.stamp")


def record_published(warehouse: str | Path) -> None:
    """After publishing: note the published file's identity, so the next refresh can tell whether
    anything but a refresh wrote it since."""
    stamp = storage.Stamp.of(warehouse)
    stamp_path(warehouse).write_text(stamp.dumps() if stamp else "", encoding="utf-8")


def discard_spare(warehouse: str | Path) -> None:
    for stale in (spare_path(warehouse), storage.wal_path(spare_path(warehouse)), stamp_path(warehouse)):
        stale.unlink(missing_ok=True)


def record_build_window(con: duckdb.DuckDBPyConnection, min_date: str, max_date: str, full_rebuild: bool) -> None:
    """Note what the dbt build of this refresh rebuilt (read by the next refresh's catch-up)."""
    con.execute(BUILD_WINDOW_DDL)
    con.begin()
    con.execute("delete from audit.build_window")
    con.execute(
        "insert into audit.build_window values (?, ?, ?, ?)",
        [min_date, max_date, full_rebuild, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )
    con.commit()


def keep_spare(warehouse: str | Path) -> None:
    """Before publishing: keep the current published file as the spare (a hard link, no copy)."""
    warehouse, spare = Path(warehouse), spare_path(warehouse)
    if not warehouse.exists():
        spare.unlink(missing_ok=True)
        return
    staging = Path(f"{spare}.new")
    staging.unlink(missing_ok=True)
    try:
        os.link(warehouse, staging)
    except OSError:  # a filesystem without hard links: no spare, the next refresh copies
        spare.unlink(missing_ok=True)
        return
    os.replace(staging, spare)


def incremental_scopes(manifest_path: str | Path) -> dict[tuple[str, str], str]:
    """(schema, table) -> scope of every dbt model built with incremental_by (its meta.tested_rows),
    plus (schema, table) of int_backlinks__changed_sources under the key 'changed_sources'."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    scopes: dict[tuple[str, str], str] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        relation = (node["schema"], node.get("alias") or node["name"])
        if node["name"] == CHANGED_SOURCES:
            scopes[("changed_sources", "")] = ".".join(relation)
        config = node["config"]
        scope = (config.get("meta") or {}).get("tested_rows")
        if config.get("materialized") == "incremental" and config.get("incremental_strategy") == "append" and scope:
            scopes[relation] = scope
    return scopes


def scope_condition(scope: str, window: tuple[dt.date, dt.date], changed_sources: str) -> str:
    """The rows of an incremental model that the last build deleted and inserted again, as SQL
    over the published file (attached as `published`); mirrors dbt's in_changed macro."""
    if scope == "window":
        return f"snapshot_date between date '{window[0]}' and date '{window[1]}'"
    if scope == "sources":
        return f"source_url_key in (select source_url_key from published.{changed_sources})"
    if scope == "domains":
        return (
            f"source_domain in (select source_domain from published.{changed_sources} where source_domain is not null)"
        )
    raise ValueError(f"unknown incremental scope {scope!r}")


class NotCaughtUp(Exception):
    """The spare is not provably one generation behind; the caller copies instead."""


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[tuple[str, str], list[str]]:
    rows = con.execute(
        "select schema_name, table_name, list(column_name order by column_index) from duckdb_columns()"
        " where database_name = ? and not internal and (schema_name, table_name) in"
        " (select schema_name, table_name from duckdb_tables() where database_name = ?) group by all",
        [catalog, catalog],
    ).fetchall()
    return {(schema, table): columns for schema, table, columns in rows}


def _views(con: duckdb.DuckDBPyConnection, catalog: str) -> set[tuple[str, str, str]]:
    rows = con.execute(
        "select schema_name, view_name, sql from duckdb_views() where database_name = ? and not internal", [catalog]
    ).fetchall()
    return set(rows)


def _one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchall()[0][0]


def catch_up(
    con: duckdb.DuckDBPyConnection, scopes: Mapping[tuple[str, str], str], copy_share: float | None = COPY_SHARE
) -> int:
    """Bring the spare (`con`'s own database) up to the published file (attached as `published`).
    Raises NotCaughtUp when that cannot be done exactly, or when the last build rebuilt more than
    `copy_share` of the source pages (None: whatever it rebuilt). Returns the rows written."""
    spare = _one(con, "select current_database()")
    # 1. exactly one generation behind: the published file's refreshes are the spare's plus one
    behind = _one(
        con,
        "select (select count(*) from published.audit.refreshes) = (select count(*) from audit.refreshes) + 1"
        " and (select max(refreshed_at) from audit.refreshes) is not distinct from"
        " (select refreshed_at from published.audit.refreshes order by refreshed_at desc limit 1 offset 1)",
    )
    if not behind:
        raise NotCaughtUp("the spare is not the previous generation")
    try:
        window = con.execute("select min_date, max_date, full_rebuild from published.audit.build_window").fetchall()
    except duckdb.CatalogException:
        raise NotCaughtUp("the published file has no build record") from None
    if len(window) != 1 or window[0][2]:
        raise NotCaughtUp("the last build rebuilt everything")
    window_dates = (window[0][0], window[0][1])
    changed_sources = scopes.get(("changed_sources", ""))
    # 2. the same tables (same columns) and views on both sides, but for stored test failures
    mine, theirs = _tables(con, spare), _tables(con, "published")
    failures = {key for key in mine.keys() | theirs.keys() if key[0] == "test_failures"}
    if {k: v for k, v in mine.items() if k not in failures} != {k: v for k, v in theirs.items() if k not in failures}:
        raise NotCaughtUp("the tables differ")
    if _views(con, spare) != _views(con, "published"):
        raise NotCaughtUp("the views differ")
    links = next((".".join(key) for key, scope in scopes.items() if key[1] == LINKS and scope == "sources"), None)
    if copy_share is not None and changed_sources and links:
        changed, total = con.execute(
            f"select (select count(distinct source_url_key) from published.{changed_sources}),"
            f" (select count(*) from published.{links})"
        ).fetchall()[0]
        if changed > copy_share * total:
            raise NotCaughtUp(
                f"the last build rebuilt {changed:,} source pages, of {total:,} links: a copy costs less than replaying them"
            )

    written = 0
    con.begin()
    try:
        # files whose audit entry changed: their raw and quarantined rows move
        con.execute(
            "create temp table _changed_files as select distinct sha256 from ("
            " (select file_name, sha256, status from published.audit.ingest_files"
            "  except select file_name, sha256, status from audit.ingest_files)"
            " union all"
            " (select file_name, sha256, status from audit.ingest_files"
            "  except select file_name, sha256, status from published.audit.ingest_files))"
        )
        for key in sorted(theirs):
            schema, table = key
            name = f'"{schema}"."{table}"'
            if key in failures:
                con.execute(f"drop table if exists {name}")
                con.execute(f"create table {name} as select * from published.{name}")
                continue
            if schema == "raw" or key == ("audit", "quarantine"):
                condition = "file_sha256 in (select sha256 from _changed_files)"
            elif key in scopes:
                if changed_sources is None and scopes[key] != "window":
                    raise NotCaughtUp("no int_backlinks__changed_sources in the manifest")
                condition = scope_condition(scopes[key], window_dates, changed_sources or "")
            else:
                condition = "true"
            con.execute(f"delete from {name} where {condition}")
            written += _one(con, f"insert into {name} select * from published.{name} where {condition}")
        for key in failures - theirs.keys():
            con.execute(f'drop table if exists "{key[0]}"."{key[1]}"')
        # 3. the result must have the published row counts everywhere
        for schema, table in sorted(theirs):
            name = f'"{schema}"."{table}"'
            if _one(con, f"select (select count(*) from {name}) = (select count(*) from published.{name})") is not True:
                raise NotCaughtUp(f"{schema}.{table} differs after the catch-up")
        con.execute("drop table _changed_files")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return written


def reuse_spare(warehouse: str | Path, building: str | Path, scopes: Mapping[tuple[str, str], str]) -> str | None:
    """Make `building` the spare brought up to date. Returns None on success, else the reason the
    caller must copy the published file instead (the spare is gone either way)."""
    warehouse, building, spare = Path(warehouse), Path(building), spare_path(warehouse)
    if not spare.exists():
        return "no spare"
    if os.path.samefile(spare, warehouse):  # a refresh killed between keep_spare and os.replace
        discard_spare(warehouse)
        return "the spare is the published file"
    stamp = stamp_path(warehouse)
    recorded = storage.Stamp.loads(stamp.read_text(encoding="utf-8")) if stamp.exists() else None
    if recorded is None or recorded != storage.Stamp.of(warehouse):
        discard_spare(warehouse)
        return "the published file was written outside a refresh" if recorded else "no record of the last publish"
    if not storage.readable_by_1x(spare):
        discard_spare(warehouse)
        return f"the previous generation is not in storage {storage.STORAGE_VERSION}"
    if storage.wal_path(spare).exists():  # a client killed holding the previous generation: keep its WAL in a copy
        discard_spare(warehouse)
        return "the previous generation has a WAL"
    os.replace(spare, building)
    try:
        con = duckdb.connect(str(building))
    except duckdb.Error as error:  # typically a reader still has the previous generation open
        _discard(building)
        return f"the previous generation is in use ({str(error).splitlines()[0]})"
    try:
        with contextlib.closing(con):
            con.execute("attach ? as published (read_only)", [str(warehouse)])
            catch_up(con, scopes, COPY_SHARE if warehouse.stat().st_size >= COPY_MIN_BYTES else None)
            con.execute("detach published")
            con.execute("checkpoint")
    except (NotCaughtUp, duckdb.Error) as error:
        _discard(building)
        return str(error).splitlines()[0]
    return None


def _discard(path: Path) -> None:
    for stale in (path, Path(f"{path}.wal")):
        stale.unlink(missing_ok=True)
