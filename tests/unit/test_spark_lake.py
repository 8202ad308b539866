"""The Parquet lake the Spark target reads (dagster_project/spark_lake.py): one folder per source
table, every row, the warehouse untouched, a re-export replacing a table whole."""

from __future__ import annotations

import datetime
import hashlib

import duckdb

from dagster_project.spark_lake import export_lake, main


def make_warehouse(path, backlinks: int) -> None:
    with duckdb.connect(str(path)) as con:
        for schema in ("raw", "audit", "config", "marts"):
            con.execute(f"create schema {schema}")
        con.execute(
            "create table raw.backlinks as select range as row_number, 'https://a.example/' || range as source_url, "
            "date '2026-10-01' as snapshot_date, ['x', 'it''s'] as tags from range(?)",
            [backlinks],
        )
        con.execute(
            "create table audit.ingest_files as select 'abc' as sha256, timestamp '2026-10-02 08:00:00' as loaded_at"
        )
        con.execute("create table config.sites as select 'knifecraft.co.uk' as domain, true as is_site")
        con.execute("create table marts.fct_backlinks as select 1 as x")


def test_every_source_table_becomes_one_folder_of_parquet(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    make_warehouse(warehouse, 5)
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()

    rows = export_lake(warehouse, tmp_path / "lake")

    assert rows == {"audit.ingest_files": 1, "config.sites": 1, "raw.backlinks": 5}  # marts are not sources
    assert sorted(p.relative_to(tmp_path / "lake").as_posix() for p in (tmp_path / "lake").glob("*/*")) == [
        "audit/ingest_files",
        "config/sites",
        "raw/backlinks",
    ]
    back = duckdb.sql(
        f"select * from read_parquet('{tmp_path}/lake/raw/backlinks/*.parquet') order by row_number"
    ).fetchall()
    assert back[1][1:] == ("https://a.example/1", datetime.date(2026, 10, 1), ["x", "it's"])
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before


def test_a_re_export_replaces_each_table_whole(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    make_warehouse(warehouse, 7)
    export_lake(warehouse, tmp_path / "lake")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.backlinks where row_number >= 3")
    assert export_lake(warehouse, tmp_path / "lake")["raw.backlinks"] == 3
    assert duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/lake/raw/backlinks/*.parquet')").fetchall() == [
        (3,)
    ]
    # nothing left beside the tables (no staging or old folders)
    assert sorted(p.name for p in (tmp_path / "lake" / "raw").iterdir()) == ["backlinks"]


def test_the_command_names_a_missing_warehouse(tmp_path, capsys):
    assert main(["--warehouse", str(tmp_path / "none.duckdb"), "--lake", str(tmp_path / "lake")]) == 2
    assert f"no warehouse at {tmp_path / 'none.duckdb'}" in capsys.readouterr().err
    assert not (tmp_path / "lake").exists()
