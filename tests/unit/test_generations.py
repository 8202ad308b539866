"""Publishing without copying: the previous generation is brought up to date exactly, or not used.

Two generations of a small warehouse are made by hand, the way refreshes change them: generation
2 lands a new file, supersedes an old one, rebuilds the source pages int_backlinks__changed_sources
names in an incremental model, rebuilds a mart whole and stores a test failure. (The same catch-up
on the real dbt project is proven in tests/integration/test_incremental_equivalence.py.)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import generations
from dagster_project import warehouse as wh

SCOPES = {
    ("changed_sources", ""): "intermediate.int_backlinks__changed_sources",
    ("intermediate", "int_backlinks__observations"): "sources",
    ("intermediate", "int_backlinks__link_state"): "sources",
    ("intermediate", "int_backlinks__snapshots"): "window",
}


def _file(con, name: str, sha: str, status: str) -> None:
    con.execute(
        "insert into audit.ingest_files (file_name, sha256, rows_read, rows_loaded, rows_quarantined, status, ingested_at)"
        " values (?, ?, 2, 2, 0, ?, now())",
        [name, sha, status],
    )


def generation_1(path: Path) -> None:
    with wh.connect(path) as con:
        wh.ensure_tables(con)
        con.execute("create schema intermediate; create schema marts; create schema test_failures")
        con.execute(
            "create table intermediate.int_backlinks__changed_sources (source_url_key varchar, source_domain varchar)"
        )
        con.execute("create table intermediate.int_backlinks__observations (source_url_key varchar, seen int)")
        con.execute("create table intermediate.int_backlinks__snapshots (snapshot_date date, links int)")
        con.execute("create table marts.summary (links int)")
        con.execute("create view marts.v_summary as select * from marts.summary")
        _file(con, "a.csv", "f1", "loaded")
        con.execute(
            "insert into raw.backlinks (file_sha256, row_number, source_url, snapshot_date) values"
            " ('f1', 1, 'https://a.org/', date '2026-09-01'), ('f1', 2, 'https://b.org/', date '2026-09-01')"
        )
        con.execute(
            "insert into intermediate.int_backlinks__changed_sources values ('a.org/', 'a.org'), ('b.org/', 'b.org')"
        )
        con.execute("insert into intermediate.int_backlinks__observations values ('a.org/', 1), ('b.org/', 1)")
        # pages no later generation touches (a catch-up replays few of the pages)
        con.execute("insert into intermediate.int_backlinks__observations select 'p' || range || '/', 1 from range(6)")
        # one link per page
        con.execute(
            "create table intermediate.int_backlinks__link_state as"
            " select distinct source_url_key from intermediate.int_backlinks__observations"
        )
        con.execute("insert into intermediate.int_backlinks__snapshots values (date '2026-09-01', 2)")
        con.execute("insert into marts.summary values (2)")
        generations.record_build_window(con, "2026-09-01", "2026-09-01", True)
        wh.record_refresh(con, "fp")


def generation_2(path: Path, full_rebuild: bool = False, untouched_pages: int = 6) -> None:
    """What a refresh does to generation 1: a.csv re-exported (new bytes, one row), c.csv new;
    the build rebuilt pages b and c and all but `untouched_pages` of the others."""
    with wh.connect(path) as con:
        con.execute("delete from raw.backlinks where file_sha256 = 'f1'")
        con.execute("update audit.ingest_files set status = 'superseded' where sha256 = 'f1'")
        _file(con, "a.csv", "f1b", "loaded")
        _file(con, "c.csv", "f2", "loaded")
        con.execute(
            "insert into raw.backlinks (file_sha256, row_number, source_url, snapshot_date) values"
            " ('f1b', 1, 'https://a.org/', date '2026-09-01'), ('f2', 1, 'https://c.org/', date '2026-10-01')"
        )
        con.execute("delete from intermediate.int_backlinks__changed_sources")
        con.execute(
            "insert into intermediate.int_backlinks__changed_sources values ('b.org/', 'b.org'), ('c.org/', 'c.org')"
        )
        con.execute(
            "insert into intermediate.int_backlinks__changed_sources select 'p' || range || '/', 'p' from range(?, 6)",
            [untouched_pages],
        )
        con.execute("delete from intermediate.int_backlinks__observations where source_url_key in ('b.org/', 'c.org/')")
        con.execute("insert into intermediate.int_backlinks__observations values ('c.org/', 2)")
        con.execute("delete from intermediate.int_backlinks__link_state where source_url_key in ('b.org/', 'c.org/')")
        con.execute("insert into intermediate.int_backlinks__link_state values ('c.org/')")
        con.execute("insert into intermediate.int_backlinks__snapshots values (date '2026-10-01', 1)")
        con.execute("delete from marts.summary; insert into marts.summary values (2)")
        con.execute("create table test_failures.not_null_x as select 1 as failing_row")
        generations.record_build_window(con, "2026-10-01", "2026-10-01", full_rebuild)
        wh.record_refresh(con, "fp")


def make_two_generations(folder: Path, untouched_pages: int = 6) -> Path:
    """A published warehouse (generation 2) and its spare (generation 1), as publish leaves them."""
    published = folder / "warehouse.duckdb"
    generation_1(published)
    shutil.copyfile(published, generations.spare_path(published))
    generation_2(published, untouched_pages=untouched_pages)
    generations.record_published(published)
    return published


@pytest.fixture
def two_generations(tmp_path) -> Path:
    return make_two_generations(tmp_path)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def differences(a: Path, b: Path) -> dict[str, int]:
    con = duckdb.connect()
    con.execute("attach ? as a (read_only)", [str(a)])
    con.execute("attach ? as b (read_only)", [str(b)])
    tables = con.sql("select schema_name, table_name from duckdb_tables() where database_name = 'b'").fetchall()
    assert len(tables) > 10
    found = {}
    for schema, table in tables:
        n = con.sql(
            f'select (select count(*) from (from a."{schema}"."{table}" except all from b."{schema}"."{table}"))'
            f' + (select count(*) from (from b."{schema}"."{table}" except all from a."{schema}"."{table}"))'
        ).fetchall()[0][0]
        if n:
            found[f"{schema}.{table}"] = n
    con.close()
    return found


def test_the_previous_generation_is_brought_up_to_date_without_touching_the_published_file(two_generations):
    published = two_generations
    before = digest(published)
    building, how = wh.start_build(published, SCOPES)
    assert how == "previous generation brought up to date"
    assert not generations.spare_path(published).exists()  # it became the build file
    assert differences(building, published) == {}
    assert digest(published) == before


def test_publish_keeps_the_replaced_file_as_the_spare(two_generations):
    published = two_generations
    wh.start_build(published, SCOPES)
    inode = os.stat(published).st_ino
    wh.publish(published)
    assert os.stat(generations.spare_path(published)).st_ino == inode
    assert os.stat(published).st_ino != inode


def test_a_reader_holding_the_previous_generation_makes_the_refresh_copy_instead(two_generations):
    published = two_generations
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True);"
         " print('open', flush=True); time.sleep(60)", str(generations.spare_path(published))],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout.readline().strip() == "open"
        building, how = wh.start_build(published, SCOPES)
    finally:
        reader.kill()
        reader.wait()
    assert how.startswith("copied the published file (the previous generation is in use")
    assert differences(building, published) == {}


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        ("full_rebuild", "the last build rebuilt everything"),
        ("same_generation", "the spare is not the previous generation"),
        ("hard_link", "the spare is the published file"),
        ("no_scopes", "no dbt manifest"),
    ],
)
def test_a_spare_that_is_not_provably_one_generation_behind_is_not_used(tmp_path, spoil, reason):
    published, spare = tmp_path / "warehouse.duckdb", generations.spare_path(tmp_path / "warehouse.duckdb")
    generation_1(published)
    if spoil == "same_generation":  # e.g. a refresh killed after publishing kept nothing new
        generation_2(published)
        shutil.copyfile(published, spare)
    elif spoil == "hard_link":  # a refresh killed between keep_spare and os.replace
        generation_2(published)
        os.link(published, spare)
    else:
        shutil.copyfile(published, spare)
        generation_2(published, full_rebuild=spoil == "full_rebuild")
    generations.record_published(published)
    before = digest(published)
    building, how = wh.start_build(published, None if spoil == "no_scopes" else SCOPES)
    assert how == f"copied the published file ({reason})"
    assert differences(building, published) == {}
    assert digest(published) == before


def test_a_build_that_rebuilt_most_pages_is_published_by_a_copy_not_replayed(tmp_path, monkeypatch):
    """A weekly full export lists every live page: replaying them all costs more than a copy
    (judged on warehouses of COPY_MIN_BYTES and more: here on this small one)."""
    monkeypatch.setattr(generations, "COPY_MIN_BYTES", 0)
    published = make_two_generations(tmp_path, untouched_pages=4)  # pages b, c, p4, p5; 8 links: over a quarter
    building, how = wh.start_build(published, SCOPES)
    assert (
        how
        == "copied the published file (the last build rebuilt 4 source pages, of 8 links: a copy costs less than replaying them)"
    )
    assert differences(building, published) == {}


@pytest.mark.parametrize("min_bytes", [0, 10**12])
def test_a_build_that_rebuilt_a_quarter_of_the_pages_or_a_small_warehouse_is_caught_up(
    tmp_path, monkeypatch, min_bytes
):
    monkeypatch.setattr(generations, "COPY_MIN_BYTES", min_bytes)
    # 2 pages of 8 links, or all 8 pages of a small warehouse
    published = make_two_generations(tmp_path, untouched_pages=6 if min_bytes == 0 else 0)
    building, how = wh.start_build(published, SCOPES)
    assert how == "previous generation brought up to date"
    assert differences(building, published) == {}


def test_the_catch_up_is_one_transaction(two_generations, monkeypatch):
    """A failure half-way leaves nothing applied (the refresh then copies)."""
    published = two_generations
    calls = []
    real = generations.scope_condition

    def failing(*args):
        calls.append(args)
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(generations, "scope_condition", failing)
    building, how = wh.start_build(published, SCOPES)
    monkeypatch.setattr(generations, "scope_condition", real)
    assert calls and how == "copied the published file (disk full)"
    assert differences(building, published) == {}
