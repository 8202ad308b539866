"""The Parquet lake landing writes on Spark (dagster_project/lake.py): its layout and partitions,
supersede, duplicates, rows read = loaded + quarantined, whole files only, the planning state it
gives back, and the export of a DuckDB warehouse into the same layout. No Spark here: DuckDB
reads the files as Spark's register_lake_sources lays them out (Hive partitions)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dagster_project import lake, planning, schema
from dagster_project import warehouse as wh
from dagster_project.config import Config, load_config
from dagster_project.loader import ingest_inbox
from dagster_project.spark_lake import export_lake

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
SAMPLE_CONFIG = load_config(ROOT / "data" / "sites.yml")
SMALL = Config.model_validate({"site": {"domain": "knifecraft.co.uk"}, "competitors": ["bladeworks.com"]})
HEADER = "Linking page,Last crawled\n"


def land(inbox: Path, where: Path, config=SMALL) -> lake.LakeSink:
    sink = lake.LakeSink(where)
    sink.ensure_tables()
    ingest_inbox(inbox, None, config, sink=sink)
    return sink


def view(where: Path, sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        lake.create_views(con, where)
        return con.sql(sql).fetchall()


def files_under(where: Path) -> list[str]:
    return sorted(p.relative_to(where).as_posix() for p in where.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def sample_lake(tmp_path_factory) -> tuple[Path, Path]:
    """The bundled sample landed into a lake and, for comparison, into a DuckDB warehouse."""
    base = tmp_path_factory.mktemp("lake")
    land(SAMPLE, base / "lake", SAMPLE_CONFIG)
    ingest_inbox(SAMPLE, base / "w.duckdb", SAMPLE_CONFIG)
    return base / "lake", base / "w.duckdb"


def test_each_landed_version_is_one_file_per_table_raw_partitioned_by_snapshot_date(sample_lake):
    where, _ = sample_lake
    audit = {
        r[1]: r for r in view(where, "select file_name, sha256, kind, snapshot_date, status from audit.ingest_files")
    }
    raw_files = [p for p in files_under(where) if p.startswith("raw/")]
    assert raw_files
    for path in raw_files:
        match = re.fullmatch(r"raw/(\w+)/snapshot_date=(\d{4}-\d{2}-\d{2})/([0-9a-f]{64})\.parquet", path)
        assert match, path
        kind, day, sha = match.groups()
        _, _, audit_kind, audit_day, status = audit[sha]  # every raw file belongs to a landed version
        assert (kind, day, status) == (audit_kind, audit_day.isoformat(), "loaded")
        # the date is the folder's, not a column of the file
        assert "snapshot_date" not in pl.read_parquet_schema(where / path)
    for path in files_under(where):  # every table of the sample has rows (no refresh is recorded yet)
        assert not path.endswith(".tmp") and ("empty.parquet" not in path or path == "audit/refreshes/empty.parquet")
    assert {p.split("/")[1] for p in raw_files} == set(schema.KINDS)
    assert len([p for p in files_under(where) if p.startswith("audit/ingest_files/")]) == len(audit)
    quarantined = {sha for (sha,) in view(where, "select distinct file_sha256 from audit.quarantine")}
    assert sorted(p for p in files_under(where) if p.startswith("audit/quarantine/")) == sorted(
        f"audit/quarantine/{sha}.parquet" for sha in quarantined
    )


def test_rows_read_equal_rows_in_raw_plus_quarantine_for_every_file(sample_lake):
    where, _ = sample_lake
    per_kind = " union all ".join(f"select file_sha256 from raw.{kind}" for kind in schema.KINDS)
    mismatches = view(
        where,
        f"""
        select f.file_name, f.rows_read, f.rows_loaded, f.rows_quarantined, coalesce(r.n, 0), coalesce(q.n, 0)
        from audit.ingest_files f
        left join (select file_sha256, count(*) n from ({per_kind}) group by all) r on r.file_sha256 = f.sha256
        left join (select file_sha256, count(*) n from audit.quarantine group by all) q on q.file_sha256 = f.sha256
        where f.rows_read <> f.rows_loaded + f.rows_quarantined
           or f.rows_loaded <> coalesce(r.n, 0) or f.rows_quarantined <> coalesce(q.n, 0)
        """,
    )
    assert mismatches == []
    assert view(where, "select sum(rows_quarantined) from audit.ingest_files")[0][0] > 0  # the sample has some


def test_the_lake_holds_the_rows_and_types_of_the_duckdb_landing(sample_lake):
    where, warehouse = sample_lake
    with duckdb.connect() as con, duckdb.connect(str(warehouse), read_only=True) as duck:
        lake.create_views(con, where)
        for table in [f"raw.{k}" for k in schema.KINDS] + [
            "audit.quarantine",
            "config.sites",
            "config.brand_terms",
            "config.keywords",
            "config.topics",
            "config.disavow_never",
            "config.thresholds",
        ]:
            columns = [r[:2] for r in duck.sql(f"describe {table}").fetchall()]
            assert [r[:2] for r in con.sql(f"describe {table}").fetchall()] == columns, table
            query = f"select * from {table} order by all"
            assert con.sql(query).fetchall() == duck.sql(query).fetchall(), table
        query = "select * exclude (ingested_at) from audit.ingest_files order by all"  # landed at other times
        assert con.sql(query).fetchall() == duck.sql(query).fetchall()
        assert con.sql("describe raw.backlinks").fetchall()[4][:2] == ("snapshot_date", "DATE")


def test_planning_reads_the_same_state_from_the_lake_as_from_duckdb(sample_lake):
    where, warehouse = sample_lake
    assert lake.LakeSink(where).state() == wh.ingest_state(warehouse)
    # so the next refresh plans the same: nothing new in the same inbox
    from dagster_project import inbox as inbox_mod

    today = planning.dt.date(2026, 12, 1)
    files = inbox_mod.scan(SAMPLE)
    again = planning.plan(files, lake.LakeSink(where).state(), today)
    assert (len(again.new), len(again.duplicates), len(again.unchanged)) == (0, 0, len(files))


def test_a_new_version_supersedes_and_a_copy_is_a_duplicate_as_in_duckdb(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    name = "gsc-2026-09-01.csv"
    (inbox / name).write_text(HEADER + "https://a.example.com/1,2026-09-01\nhttps://b.example.com/2,2026-09-01\n")
    shutil.copy(inbox / name, inbox / "zz-copy.csv")
    land(inbox, tmp_path / "lake")
    ingest_inbox(inbox, tmp_path / "w.duckdb", SMALL)
    first = lake.LakeSink(tmp_path / "lake").state()
    old_sha = next(sha for (n, sha), (status, _) in first.files.items() if n == name)
    assert sorted((n, s) for (n, _), (s, _) in first.files.items()) == [(name, "loaded"), ("zz-copy.csv", "duplicate")]
    assert view(tmp_path / "lake", "select count(*) from raw.backlinks") == [(2,)]  # the copy added no rows

    (inbox / name).write_text(HEADER + "https://a.example.com/1,2026-09-01\n")  # re-exported: new bytes
    land(inbox, tmp_path / "lake")
    ingest_inbox(inbox, tmp_path / "w.duckdb", SMALL)
    state = lake.LakeSink(tmp_path / "lake").state()
    assert state == wh.ingest_state(tmp_path / "w.duckdb")
    assert state.files[(name, old_sha)][0] == "superseded"
    assert view(tmp_path / "lake", "select count(*) from raw.backlinks") == [(1,)]
    assert not list((tmp_path / "lake").glob(f"raw/*/*/{old_sha}.parquet"))  # its rows left raw
    reason = view(
        tmp_path / "lake", f"select error from audit.ingest_files where sha256 = '{old_sha}' and file_name = '{name}'"
    )
    assert reason == [("replaced by a newer version of the same file",)]


def test_an_empty_table_has_its_columns_until_its_first_file(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    where = tmp_path / "lake"
    sink = lake.LakeSink(where)
    sink.ensure_tables()
    # no file yet: every table reads as empty with its columns, raw.* with the date partition
    assert (where / "raw" / "mentions" / "snapshot_date=1970-01-01" / "empty.parquet").exists()
    assert view(where, "select count(*) from raw.mentions") == [(0,)]
    assert [r[0] for r in view(where, "describe raw.mentions")] == list(schema.full_schema("mentions"))
    (inbox / "gsc-2026-09-01.csv").write_text(HEADER + "https://a.example.com/1,2026-09-01\n")
    land(inbox, where)
    assert sorted(p.name for p in (where / "raw" / "backlinks").iterdir()) == ["snapshot_date=2026-09-01"]
    assert (where / "raw" / "mentions" / "snapshot_date=1970-01-01" / "empty.parquet").exists()
    assert not (where / "audit" / "ingest_files" / "empty.parquet").exists()


def test_a_killed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "t" / "x.parquet"
    real = pl.DataFrame.write_parquet

    def dies_halfway(self, file, *args, **kwargs):
        Path(file).write_bytes(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(pl.DataFrame, "write_parquet", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        lake.write_file(pl.DataFrame({"a": [1]}), target)
    assert not target.exists() and list(target.parent.iterdir()) == []
    monkeypatch.setattr(pl.DataFrame, "write_parquet", real)
    lake.write_file(pl.DataFrame({"a": [1]}), target)
    assert pl.read_parquet(target)["a"].to_list() == [1]


def test_what_a_killed_landing_left_is_swept_and_landed_again(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "gsc-2026-09-01.csv").write_text(HEADER + "https://a.example.com/1,2026-09-01\n")
    where = tmp_path / "lake"
    land(inbox, where)
    # a landing killed after writing a version's rows, before its audit row (the last write),
    # and one killed while writing (a temporary file)
    stray = where / "raw" / "backlinks" / "snapshot_date=2026-09-02" / f"{'e' * 64}.parquet"
    shutil.copy(next((where / "raw" / "backlinks").glob("*/*.parquet")), stray.parent.mkdir() or stray)
    temp = where / "audit" / "ingest_files" / ".x.parquet.123.tmp"
    temp.write_bytes(b"half")
    lake.LakeSink(where).ensure_tables()
    assert not stray.exists() and not temp.exists()
    assert view(where, "select count(*) from raw.backlinks") == [(1,)]


def test_a_refresh_is_recorded_after_dbt_and_until_then_its_files_count_as_new(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "gsc-2026-09-01.csv").write_text(HEADER + "https://a.example.com/1,2026-09-01\n")
    where = tmp_path / "lake"
    sink = land(inbox, where)
    # landed, refresh not recorded (killed before dbt finished): still what the next run rebuilds
    changes = planning.landed_changes(lake.published_state(where), sink.state())
    assert (changes.loaded, sorted(changes.dates)) == (1, [planning.dt.date(2026, 9, 1)])
    sink.record_refresh("fingerprint-1")
    assert lake.published_state(where) == lake.LakeSink(where).state()
    assert lake.published_state(where).fingerprint == "fingerprint-1"
    (inbox / "gsc-2026-10-01.csv").write_text(HEADER + "https://c.example.com/1,2026-10-01\n")
    changes = planning.landed_changes(lake.published_state(where), land(inbox, where).state())
    assert (changes.loaded, sorted(changes.dates)) == (1, [planning.dt.date(2026, 10, 1)])
    assert view(where, "select files_landed, config_fingerprint from audit.refreshes") == [(1, "fingerprint-1")]


SKIP = ("audit/ingest_files/", "audit/refreshes/", "config/", "_state/")  # named by landing time or rewritten


def test_a_duckdb_warehouse_exports_to_the_same_lake(sample_lake, tmp_path):
    landed, shared = sample_lake
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(shared, warehouse)
    with wh.connect(warehouse) as con:  # a warehouse as a refresh leaves it
        wh.record_refresh(con, "fingerprint-1")
    exported = tmp_path / "exported"
    rows = export_lake(warehouse, exported)
    assert rows["raw.backlinks"] == view(landed, "select count(*) from raw.backlinks")[0][0]
    names = [p for p in files_under(landed) if not p.startswith(SKIP)]
    assert [p for p in files_under(exported) if not p.startswith(SKIP)] == names
    for table in [f"raw.{k}" for k in schema.KINDS] + ["audit.quarantine", "config.thresholds", "config.sites"]:
        query = f"select * from {table} order by all"
        assert view(exported, query) == view(landed, query), table
    # the export is what the warehouse's last refresh published: nothing is pending
    assert lake.published_state(exported) == wh.ingest_state(warehouse)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exported", "w.duckdb"]  # no staging folder left


def test_planning_everywhere_reads_the_lake_when_the_engine_is_spark(tmp_path, monkeypatch):
    """The CLI, schedule, sensor and backfill ask warehouse.published_state: on Spark the lake
    beside the warehouse path, as of its last recorded refresh."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "gsc-2026-09-01.csv").write_text(HEADER + "https://a.example.com/1,2026-09-01\n")
    monkeypatch.setenv("BACKLINKS_LAKE", "")
    land(inbox, tmp_path / "lake").record_refresh("fingerprint-1")
    monkeypatch.setenv("BACKLINKS_ENGINE", "spark")
    state = wh.published_state(tmp_path / "w.duckdb")
    assert state == lake.LakeSink(tmp_path / "lake").state() and state.holds_data
    monkeypatch.setenv("BACKLINKS_ENGINE", "duckdb")
    assert wh.published_state(tmp_path / "w.duckdb") == planning.WarehouseState()  # no DuckDB file there
