"""`python -m dagster_project.spark_lake`: a landed DuckDB warehouse exported to the Parquet lake
(the migration path to Spark), in the layout landing writes (tests/unit/test_lake.py compares the
two on the sample), swapped in whole, the warehouse untouched."""

from __future__ import annotations

import hashlib

import duckdb

from dagster_project import lake
from dagster_project import warehouse as wh
from dagster_project.config import Config
from dagster_project.loader import ingest_inbox
from dagster_project.spark_lake import export_lake, main

CONFIG = Config.model_validate({"site": {"domain": "knifecraft.co.uk"}, "competitors": ["bladeworks.com"]})
HEADER = "Linking page,Last crawled\n"


def landed_warehouse(tmp_path, rows: int):
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    lines = "".join(f"https://a{i}.example.com/,2026-09-01\n" for i in range(rows))
    (inbox / "gsc-2026-09-01.csv").write_text(HEADER + lines)
    ingest_inbox(inbox, tmp_path / "w.duckdb", CONFIG)
    with wh.connect(tmp_path / "w.duckdb") as con:
        wh.record_refresh(con, "fingerprint-1")
    return tmp_path / "w.duckdb"


def count(where, sql):
    with duckdb.connect() as con:
        lake.create_views(con, where)
        return con.sql(sql).fetchall()[0][0]


def test_a_re_export_replaces_the_lake_whole_and_never_writes_the_warehouse(tmp_path):
    warehouse = landed_warehouse(tmp_path, 5)
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    rows = export_lake(warehouse, tmp_path / "lake")
    assert (rows["raw.backlinks"], rows["config.sites"], rows["audit.ingest_files"]) == (5, 2, 1)
    assert count(tmp_path / "lake", "select count(*) from raw.backlinks") == 5
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before

    landed_warehouse(tmp_path, 3)  # a new version of the file: supersedes the old one
    assert export_lake(warehouse, tmp_path / "lake")["raw.backlinks"] == 3
    assert count(tmp_path / "lake", "select count(*) from raw.backlinks") == 3
    assert count(tmp_path / "lake", "select count(*) from audit.ingest_files where status = 'superseded'") == 1
    # nothing left beside the lake (no staging or old folders)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inbox", "lake", "w.duckdb"]


def test_the_command_names_a_missing_warehouse(tmp_path, capsys):
    assert main(["--warehouse", str(tmp_path / "none.duckdb"), "--lake", str(tmp_path / "lake")]) == 2
    assert f"no warehouse at {tmp_path / 'none.duckdb'}" in capsys.readouterr().err
    assert not (tmp_path / "lake").exists()
