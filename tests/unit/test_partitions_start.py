"""Where the weekly snapshot partitions begin: the earliest snapshot the warehouse or the inbox
holds (partitions_start.py), not a fixed date in 2000."""

import datetime as dt
import shutil
from pathlib import Path

import duckdb

from dagster_project import partitions_start as S
from dagster_project.defs.automation import partitions as P

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
TODAY = dt.date(2026, 12, 9)  # a Wednesday


def test_the_earliest_snapshot_of_warehouse_or_inbox_decides_as_its_monday():
    # 2026-09-03 is a Thursday: its week starts on Monday 2026-08-31
    assert S.partitions_start(None, dt.date(2026, 9, 3), [], TODAY) == "2026-08-31"
    assert S.partitions_start(None, None, [dt.date(2026, 10, 1), dt.date(2026, 9, 3)], TODAY) == "2026-08-31"
    # an older export waiting in the inbox moves the start back, so it gets its own partition
    assert S.partitions_start(None, dt.date(2026, 9, 3), [dt.date(2025, 1, 1)], TODAY) == "2024-12-30"
    assert S.partitions_start(None, dt.date(2025, 1, 1), [dt.date(2026, 9, 3)], TODAY) == "2024-12-30"


def test_an_explicit_start_wins():
    assert S.partitions_start("2001-01-01", dt.date(2026, 9, 3), [dt.date(2025, 1, 1)], TODAY) == "2001-01-01"


def test_with_no_data_anywhere_the_start_is_recent():
    start = dt.date.fromisoformat(S.partitions_start(None, None, [], TODAY))
    assert start == dt.date(2026, 9, 14)  # the Monday 12 weeks before this week's
    assert start.weekday() == 0


def test_future_and_absurd_dates_do_not_move_the_start():
    # a name dated next year: the partitions still start no later than this week
    assert S.partitions_start(None, None, [dt.date(2027, 6, 1)], TODAY) == "2026-12-07"
    # `backup-19990101.csv` is not a snapshot: never before the old fixed start
    assert S.partitions_start(None, None, [dt.date(1999, 1, 1), dt.date(2026, 9, 3)], TODAY) == "2026-08-31"


def test_inbox_dates_come_from_names_only_and_skip_hidden_files(tmp_path):
    (tmp_path / "semrush" / "2026-09-01").mkdir(parents=True)
    (tmp_path / "semrush" / "2026-09-01" / "backlinks.csv").write_text("not even a table")
    (tmp_path / "ahrefs-backlinks-20261001.csv").write_text("x")
    (tmp_path / "undated.csv").write_text("x")
    (tmp_path / ".trash").mkdir()
    (tmp_path / ".trash" / "old-2001-01-01.csv").write_text("x")
    (tmp_path / ".old-2002-01-01.csv").write_text("x")
    assert sorted(S.inbox_dates(tmp_path)) == [dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    assert S.inbox_dates(tmp_path / "missing") == []


def test_the_bundled_sample_inbox_starts_at_its_first_snapshot():
    dates = S.inbox_dates(SAMPLE)
    assert dates, "the sample's file names carry their snapshot dates"
    start = S.partitions_start(None, None, dates, TODAY)
    assert start == S.week_start(min(dates)).isoformat()
    assert start > "2025-01-01"  # months of partitions, not 1,400 weeks back to 2000


def test_warehouse_earliest_reads_the_audit_and_tolerates_what_is_not_a_warehouse(tmp_path):
    assert S.warehouse_earliest(tmp_path / "none.duckdb") is None
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert S.warehouse_earliest(empty) is None  # no audit table yet
    wh = tmp_path / "wh.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.sql("create schema audit")
        con.sql("create table audit.ingest_files (file_name text, snapshot_date date)")
        con.sql(
            "insert into audit.ingest_files values ('a.csv', date '2026-10-01'), ('b.csv', date '2026-09-03'), ('c', null)"
        )
    assert S.warehouse_earliest(wh) == dt.date(2026, 9, 3)
    # a read-write holder in this process has the file: no start from it, and no error
    holder = duckdb.connect(str(wh))
    try:
        assert S.warehouse_earliest(wh) in (None, dt.date(2026, 9, 3))
    finally:
        holder.close()


def test_resolve_start_reads_the_shared_paths(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    monkeypatch.delenv(S.ENV, raising=False)
    monkeypatch.setenv("BACKLINKS_INBOX", str(inbox))
    monkeypatch.setenv("BACKLINKS_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    assert S.resolve_start() == S.week_start(min(S.inbox_dates(inbox))).isoformat()
    monkeypatch.setenv(S.ENV, "2003-03-03")
    assert S.resolve_start() == "2003-03-03"


def test_an_older_snapshot_than_the_first_partition_still_lands_in_it():
    bounds = P.Bounds(first="2026-08-31", last="2026-12-07")
    assert P.partition_key_for(dt.date(2024, 5, 5), bounds) == "2026-08-31"
    assert P.window_vars("2026-08-31", "2026-08-31", bounds)["min_date"] == P.OPEN_START  # open-ended
