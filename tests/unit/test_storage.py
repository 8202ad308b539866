"""The warehouse file and other DuckDB clients: the storage version every file is written in, a
read-write client holding the published file, and the WAL one leaves when it is killed.

Clients are real processes (DuckDB's locks are per process); files are real DuckDB files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import generations, storage
from dagster_project import warehouse as wh

# A DuckDB client that opens the file read-write, commits work of its own, says so, and then
# stays inside its session (no checkpoint) until it is killed or told to close.
_CLIENT = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("create schema if not exists analyst")
con.execute("create table analyst.notes (domain varchar, note varchar)")
con.execute("insert into analyst.notes values ('bladeworks.com', 'pitch in Q1'), ('chefsedge.de', 'ask for a review')")
con.execute("update raw.marker set x = 2")
print("committed", flush=True)
sys.stdin.readline()
con.close()
print("closed", flush=True)
"""


class Client:
    """A read-write DuckDB client in another process, holding `path` open."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CLIENT, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout.readline().strip() == "committed"

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def close(self) -> None:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "closed"
        self.proc.wait(timeout=30)


def published_warehouse(tmp_path: Path) -> Path:
    """A published warehouse as a refresh leaves it (one table of the project's)."""
    path = tmp_path / "warehouse.duckdb"
    building = wh.begin_build(path)
    with wh.connect(building) as con:
        con.execute("create table raw.marker as select 1 as x")
    wh.publish(path)
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql).fetchall()


# --------------------------------------------------------------------------- storage version


def test_the_storage_number_is_read_from_the_file_header(tmp_path):
    readable, default = tmp_path / "readable.duckdb", tmp_path / "default.duckdb"
    storage.create(readable)
    duckdb.connect(str(default)).close()  # DuckDB 2.0's own default
    assert storage.file_storage_number(readable) == storage.READABLE_STORAGE_NUMBER == 64
    assert storage.file_storage_number(default) > 64
    assert storage.readable_by_1x(readable) and not storage.readable_by_1x(default)
    assert storage.storage_number(b"not a database file at all") is None
    assert storage.storage_number(b"") is None


def test_every_file_the_project_creates_stays_readable_when_reopened_plainly(tmp_path):
    """dbt-duckdb and GX open the build file with a plain duckdb.connect: DuckDB keeps the
    storage version the file was created with (it never upgrades a file by itself)."""
    path = tmp_path / "w.duckdb"
    with wh.connect(path) as con:  # creates it
        wh.ensure_tables(con)
    with duckdb.connect(str(path)) as con:  # what dbt does: write, checkpoint, close
        con.execute(
            "create schema marts; create table marts.t as select range as i, 'x' || range as s from range(200000)"
        )
        con.execute("checkpoint")
    assert storage.file_storage_number(path) == 64
    building = wh.begin_build(path)  # the copy fallback
    assert storage.file_storage_number(building) == 64


def test_a_warehouse_in_2_0_storage_is_migrated_without_losing_anything(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(published)) as con:  # built before: DuckDB 2.0's default storage
        wh.ensure_tables(con)
        con.execute("insert into audit.refreshes values (now(), 'fp', 1, 0)")
        con.execute("create schema marts; create table marts.t as select range as i from range(1000)")
        con.execute("create view marts.v as select count(*) as n from marts.t")
        con.execute("create schema analyst; create table analyst.notes as select 'mine' as note")
    generations.spare_path(published).write_bytes(published.read_bytes())  # its spare, same storage
    assert not storage.readable_by_1x(published)
    before = published.read_bytes()

    building, how = wh.start_build(published, {})
    assert how.startswith("migrated the published file to DuckDB storage v1.1.0")
    assert published.read_bytes() == before  # only read
    assert not generations.spare_path(published).exists()
    assert storage.file_storage_number(building) == 64
    assert rows(building, "select count(*), sum(i) from marts.t") == [(1000, 499500)]
    assert rows(building, "select n from marts.v") == [(1000,)]
    assert rows(building, "select note from analyst.notes") == [("mine",)]
    assert rows(building, "select count(*) from audit.refreshes") == [(1,)]
    wh.publish(published)
    assert storage.readable_by_1x(published)
    # the next refresh does not start from the 2.0 spare publish kept
    _, how = wh.start_build(published, {})
    assert how == "copied the published file (the previous generation is not in storage v1.1.0)"


# --------------------------------------------------------------------------- other clients


def test_a_live_read_write_client_makes_the_refresh_refuse_and_keeps_its_work(tmp_path):
    published = published_warehouse(tmp_path)
    before = published.read_bytes()
    client = Client(published)
    try:
        with pytest.raises(storage.WarehouseBusy) as refused:
            wh.start_build(published, {})
        message = str(refused.value)
        assert "\n" not in message
        assert message.startswith(f"{published} is open read-write in another process (python")
        assert f"(PID {client.proc.pid})" in message and "read-only" in message
        assert published.read_bytes() == before and not wh.build_path(published).exists()
    finally:
        client.close()  # it lets go: its work is checkpointed into the file by DuckDB
    building, _ = wh.start_build(published, {})
    wh.publish(published)
    assert rows(published, "select * from analyst.notes order by 1")[0] == ("bladeworks.com", "pitch in Q1")
    assert rows(published, "select x from raw.marker") == [(2,)]
    assert not building.exists()


def test_a_reader_never_blocks_the_refresh(tmp_path):
    published = published_warehouse(tmp_path)
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True);"
         " print('open', flush=True); sys.stdin.readline()", str(published)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout.readline().strip() == "open"
        wh.start_build(published, {})
        wh.publish(published)
    finally:
        reader.kill()
        reader.wait()
    assert rows(published, "select x from raw.marker") == [(1,)]


def test_the_wal_of_a_killed_client_is_merged_before_building_never_dropped(tmp_path):
    published = published_warehouse(tmp_path)
    Client(published).kill()
    wal = storage.wal_path(published)
    assert wal.exists()  # its committed work lives only there

    building, how = wh.start_build(published, {})
    assert how.startswith("copied the published file") and how.endswith("into the warehouse")
    assert "merged a WAL another DuckDB client left" in how
    assert not wal.exists()
    assert rows(building, "select count(*) from analyst.notes") == [(2,)]
    assert rows(building, "select x from raw.marker") == [(2,)]
    wh.publish(published)
    assert not wal.exists()
    assert rows(published, "select count(*) from analyst.notes") == [(2,)]


def test_a_wal_that_cannot_be_merged_is_named_and_kept(tmp_path):
    published = published_warehouse(tmp_path)
    Client(published).kill()
    wal = storage.wal_path(published)
    wal_bytes = wal.read_bytes()
    reader = subprocess.Popen(  # a reader holds the file: it cannot be opened read-write to merge
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True);"
         " print('open', flush=True); sys.stdin.readline()", str(published)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout.readline().strip() == "open"
        with pytest.raises(storage.WarehouseBusy) as refused:
            wh.start_build(published, {})
    finally:
        reader.kill()
        reader.wait()
    assert str(refused.value).startswith(f"{wal} holds changes a DuckDB client committed")
    assert wal.read_bytes() == wal_bytes
    # a WAL beside no warehouse file at all (the file was moved away): named, kept
    moved = tmp_path / "moved.duckdb"
    os.replace(published, moved)
    with pytest.raises(storage.WarehouseBusy, match="lies beside no warehouse file"):
        wh.start_build(published, {})
    assert wal.read_bytes() == wal_bytes


def test_publish_refuses_when_a_client_wrote_to_the_published_file_during_the_build(tmp_path):
    published = published_warehouse(tmp_path)
    building, _ = wh.start_build(published, {})
    Client(published).close()  # opened, wrote, closed cleanly while the refresh was building
    with pytest.raises(storage.WarehouseBusy, match="was changed by another process during the refresh"):
        wh.publish(published)
    assert rows(published, "select count(*) from analyst.notes") == [(2,)]  # still the client's file
    wh.start_build(published, {})  # the next refresh starts from it
    wh.publish(published)
    assert rows(published, "select count(*) from analyst.notes") == [(2,)]
    assert building.exists() is False


def test_publish_refuses_next_to_a_wal_left_during_the_build(tmp_path):
    published = published_warehouse(tmp_path)
    wh.start_build(published, {})
    Client(published).kill()
    with pytest.raises(storage.WarehouseBusy, match="appeared during the refresh"):
        wh.publish(published)
    _building, how = wh.start_build(published, {})
    assert "merged a WAL" in how
    wh.publish(published)
    assert rows(published, "select count(*) from analyst.notes") == [(2,)]


def test_lock_holder_names_the_program_and_pid():
    message = (
        'IO Error: Could not set lock on file "/w/warehouse.duckdb": Conflicting lock is held in'
        " /usr/bin/duckdb (PID 4242) by user ana. See also https://duckdb.org/docs/current/connect/concurrency"
    )
    assert storage.lock_holder(message) == "duckdb (PID 4242)"
    assert storage.lock_holder("IO Error: Could not set lock: Conflicting lock is held") == "another process"
    assert storage.lock_holder("Catalog Error: Table with name x does not exist") is None
