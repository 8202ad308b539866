"""Landing tables: one transaction per file, superseded re-exports, duplicates, build/publish."""

import duckdb

from dagster_project import warehouse as wh
from dagster_project.config import Config
from dagster_project.loader import ingest_inbox

CONFIG = Config.model_validate({"site": {"domain": "knifecraft.co.uk"}, "competitors": ["bladeworks.com"]})
HEADER = "Linking page,Last crawled\n"


def counts(path):
    with duckdb.connect(str(path), read_only=True) as con:
        files = con.sql("select file_name, status from audit.ingest_files order by all").fetchall()
        rows = con.sql("select count(*) from raw.backlinks").fetchall()[0][0]
    return files, rows


def test_ingest_is_idempotent_and_supersedes_changed_files(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    (inbox / "gsc-2026-09-01.csv").write_text(
        HEADER + "https://a.example.com/1,2026-09-01\nhttps://b.example.com/2,2026-09-01\n"
    )
    (inbox / "zz-copy.csv").write_bytes((inbox / "gsc-2026-09-01.csv").read_bytes())

    report = ingest_inbox(inbox, db, CONFIG)
    assert (report.files_loaded, report.files_duplicate) == (1, 1)
    assert counts(db) == ([("gsc-2026-09-01.csv", "loaded"), ("zz-copy.csv", "duplicate")], 2)

    again = ingest_inbox(inbox, db, CONFIG)  # same bytes: nothing changes
    assert (again.files_loaded, again.files_duplicate, again.files_unchanged) == (0, 0, 2)
    assert counts(db)[1] == 2

    (inbox / "gsc-2026-09-01.csv").write_text(HEADER + "https://a.example.com/1,2026-09-01\n")
    ingest_inbox(inbox, db, CONFIG)
    files, rows = counts(db)
    assert rows == 1  # the re-export replaced the old version's rows
    assert ("gsc-2026-09-01.csv", "superseded") in files and ("gsc-2026-09-01.csv", "loaded") in files


def test_build_copy_is_published_atomically(tmp_path):
    published = tmp_path / "w.duckdb"
    building = wh.begin_build(published)
    with wh.connect(building) as con:
        con.execute("create table raw.marker as select 1 as x")
    assert not published.exists()  # nothing visible before publish
    wh.publish(published)
    assert not building.exists()
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.sql("select x from raw.marker").fetchall() == [(1,)]

    # a killed refresh leaves a stale build copy; the next one starts again from the published file
    building = wh.begin_build(published)
    with wh.connect(building) as con:
        con.execute("drop table raw.marker")
    building = wh.begin_build(published)
    with wh.connect(building) as con:
        assert con.sql("select x from raw.marker").fetchall() == [(1,)]


def test_config_tables_mirror_sites_yml(tmp_path):
    db = tmp_path / "w.duckdb"
    config = Config.model_validate(
        {
            "site": {"domain": "knifecraft.co.uk", "brand": ["KnifeCraft"]},
            "competitors": ["bladeworks.com"],
            "topics": {"knives": ["knife", "blade"]},
            "keywords": ["chef knife"],
            "disavow": {"never": ["bbc.co.uk"]},
        }
    )
    with wh.connect(db) as con:
        wh.ensure_tables(con)
        wh.write_config(con, config)
        wh.write_config(con, config)  # rewritten, not appended
        assert con.sql("select site_domain, role from config.sites order by role desc").fetchall() == [
            ("knifecraft.co.uk", "site"),
            ("bladeworks.com", "competitor"),
        ]
        assert con.sql("select count(*) from config.topics").fetchall() == [(2,)]
        assert con.sql("select exact_match_max_share from config.thresholds").fetchall() == [(0.05,)]
