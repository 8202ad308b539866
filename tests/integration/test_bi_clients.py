"""Every DuckDB client BI tools ship opens the warehouse, and a read-write client never breaks it.

1. The published sample warehouse opens in real DuckDB 1.x clients — Python duckdb 1.1.3 and the
   DuckDB CLI of the `duckdb-cli` package by the README's command — with the same row count in
   every mart as DuckDB 2.x, after a fresh refresh and after incremental ones (the `.spare`
   catch-up path).
2. A DuckDB client holding the published file read-write makes `backlinks refresh` refuse with
   one line and exit 3, touching nothing; a client killed mid-session (SIGKILL) leaves a WAL, and
   the next refresh merges it first: its committed rows are in the new warehouse, which every
   client then opens.
"""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import storage
from tests.conftest import SAMPLE_INBOX, refresh
from tests.fixtures.duckdb1x import OLDEST_PYTHON_CLIENT, cli_counts, python_client_counts

pytestmark = pytest.mark.e2e

EXIT_BUSY = 3
# a new Majestic snapshot per month after the sample's: the sample's last one, minus some links
NEW_SNAPSHOTS = [f"majestic/knifecraft.co.uk_backlinks_fresh_{month}.csv" for month in ("2026-11-01", "2026-12-01")]

# A user's client: opens the warehouse read-write, adds a table of its own (outside the project's
# schemas) and commits rows, updates one of them, then stays in its session until told to close
# or killed. DuckDB keeps committed work in the WAL until a checkpoint (at close).
_CLIENT = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("create schema if not exists analyst")
con.execute("create table if not exists analyst.outreach (domain varchar, status varchar)")
con.execute("insert into analyst.outreach select distinct source_domain, 'todo' from marts.competitor_gaps order by all limit 5")
con.execute("insert into analyst.outreach values (?, 'todo')", [sys.argv[2]])
con.execute("update analyst.outreach set status = 'emailed' where domain = ?", [sys.argv[2]])
print("committed", flush=True)
sys.stdin.readline()
con.close()
"""


class Client:
    def __init__(self, path: Path, marker: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CLIENT, str(path), marker], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout.readline().strip() == "committed"

    def close(self) -> None:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.wait(timeout=60) == 0

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)


def marts(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.sql("select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
    assert len(names) >= 10
    return [f"marts.{name}" for (name,) in names]


def counts_2x(path: Path, tables: list[str]) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.sql(f"select count(*) from {t}").fetchall()[0][0] for t in tables}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_log(warehouse: Path) -> str:
    return (warehouse.parent / "logs" / f"{warehouse.stem}-last-run.log").read_text(encoding="utf-8")


def add_snapshot(inbox: Path, name: str) -> None:
    previous = (
        (SAMPLE_INBOX / "majestic/knifecraft.co.uk_backlinks_fresh_2026-10-01.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    drop = 5 if "11-01" in name else 9
    (inbox / name).write_text("\n".join(previous[:-drop]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def history(sample_refresh, tmp_path_factory):
    """The sample warehouse copied, then: a live read-write client makes a refresh refuse; it
    closes; a second client is killed mid-session; two refreshes with a new snapshot each (the
    first merges the WAL and copies, the second brings the spare up to date)."""
    assert sample_refresh.exit_code == 0, sample_refresh.stdout[-3000:]
    base = tmp_path_factory.mktemp("clients")
    inbox, warehouse = base / "inbox", base / "warehouse.duckdb"
    shutil.copytree(SAMPLE_INBOX, inbox)
    shutil.copyfile(sample_refresh.warehouse, warehouse)
    add_snapshot(inbox, NEW_SNAPSHOTS[0])
    seen: dict = {"warehouse": warehouse}

    holder = Client(warehouse, "held.example")
    try:
        seen["sha while held"] = _sha(warehouse)
        seen["refused"] = refresh(inbox, warehouse)
        seen["sha after refused"] = _sha(warehouse)
    finally:
        holder.close()
    Client(warehouse, "killed.example").kill()
    seen["wal after kill"] = storage.wal_path(warehouse).exists()

    seen["first"] = refresh(inbox, warehouse)
    seen["first log"] = build_log(warehouse)
    seen["first marts"] = marts(warehouse)
    seen["first 2.x"] = counts_2x(warehouse, seen["first marts"])
    seen["first 1.x"] = python_client_counts(warehouse, seen["first marts"])
    seen["first outreach"] = counts_2x(warehouse, ["analyst.outreach"])

    add_snapshot(inbox, NEW_SNAPSHOTS[1])
    seen["second"] = refresh(inbox, warehouse)
    seen["second log"] = build_log(warehouse)
    return seen


def test_the_fresh_sample_warehouse_opens_in_duckdb_1x_with_the_same_rows(sample_refresh):
    warehouse = sample_refresh.warehouse
    assert storage.file_storage_number(warehouse) == storage.READABLE_STORAGE_NUMBER
    tables = marts(warehouse)
    expected = counts_2x(warehouse, tables)
    assert sum(expected.values()) > 1000
    version, counts = python_client_counts(warehouse, tables)
    assert (version, counts) == (OLDEST_PYTHON_CLIENT.split("==")[1], expected)
    version, counts = cli_counts(warehouse, tables)  # the README's command
    assert version.startswith("v1.") and counts == expected


def test_a_read_write_holder_makes_the_refresh_refuse_with_one_line(history):
    run = history["refused"]
    assert run.exit_code == EXIT_BUSY, run.stdout[-2000:] + run.stderr[-2000:]
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stdout + run.stderr
    assert lines[0].startswith(f"error: {history['warehouse']} is open read-write in another process (python")
    assert "read-only" in lines[0]
    assert history["sha after refused"] == history["sha while held"]
    assert "Landing exports" not in run.stdout  # refused before anything started


def test_the_wal_of_a_killed_client_is_merged_and_its_rows_kept(history):
    assert history["wal after kill"]
    run = history["first"]
    assert run.exit_code == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "merged a WAL another DuckDB client left" in run.stdout
    assert not storage.wal_path(history["warehouse"]).exists()
    # both clients' committed rows: the one that closed, and the one killed mid-session
    assert history["first outreach"] == {"analyst.outreach": 12}
    rows = run.query("select domain, status from analyst.outreach where domain like '%.example' order by 1")
    assert rows == [("held.example", "emailed"), ("killed.example", "emailed")]


def test_after_refreshes_every_client_reads_the_same_marts(history):
    warehouse = history["warehouse"]
    _version, counts = history["first 1.x"]
    assert counts == history["first 2.x"]
    second = history["second"]
    assert second.exit_code == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "build file" in history["second log"] and "previous generation brought up to date" in history["second log"]
    assert storage.file_storage_number(warehouse) == storage.READABLE_STORAGE_NUMBER
    tables = marts(warehouse)
    expected = counts_2x(warehouse, tables)
    assert expected["marts.fct_backlinks"] == history["first 2.x"]["marts.fct_backlinks"]  # lost links are kept
    assert python_client_counts(warehouse, [*tables, "analyst.outreach"])[1] == {**expected, "analyst.outreach": 12}
    assert cli_counts(warehouse, tables)[1] == expected
    # the user's table rode along into the generation brought up to date
    assert second.query("select count(*) from analyst.outreach where status = 'emailed'") == [(2,)]
