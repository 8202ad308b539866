"""What a refresh decides to do, end to end (dagster_project/planning.py decides it).

On top of the session's sample refresh (copied, never changed):
- a Semrush export whose file name carries an implausible date (2099) is dated like landing dates
  it (here: by its contents), so an incremental refresh equals a full rebuild of the same inbox;
- a rejected file alone (notes.txt) is recorded and named, exit 1, and no dbt build runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE_INBOX, refresh
from tests.integration.test_incremental_equivalence import differing_relations

pytestmark = pytest.mark.e2e

SEMRUSH_OCTOBER = SAMPLE_INBOX / "semrush" / "2026-10-01" / "knifecraft.co.uk-backlinks.csv"
NEW_PAGE = "https://www.a-new-referrer.com/best-knives"


def copy_of_sample(sample_refresh, base: Path) -> tuple[Path, Path]:
    """The sample's inbox and published warehouse, copied (the session's refresh stays as it is)."""
    inbox, warehouse = base / "inbox", base / "warehouse.duckdb"
    shutil.copytree(sample_refresh.inbox, inbox)
    shutil.copyfile(sample_refresh.warehouse, warehouse)
    return inbox, warehouse


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def implausible_name(sample_refresh, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("implausible")
    inbox, warehouse = copy_of_sample(sample_refresh, base)
    # the October Semrush export, one link moved to a page no other export has, renamed with a
    # date no export can have: its contents date it (2026-10-01), not its name
    lines = SEMRUSH_OCTOBER.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[1].split(",")
    fields[2] = NEW_PAGE
    (inbox / "semrush" / "knifecraft.co.uk-backlinks-2099-01-01.csv").write_text(
        "".join([lines[0], ",".join(fields), *lines[2:]]), encoding="utf-8"
    )
    incremental = refresh(inbox, warehouse)
    full = refresh(inbox, base / "full.duckdb")  # the same inbox into a new warehouse: a full build
    return {"incremental": incremental, "full": full}


def test_a_file_with_an_implausible_name_date_is_dated_by_its_contents(implausible_name):
    run = implausible_name["incremental"]
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "Landing exports: 1 new" in run.stdout
    rows = run.query(
        "select snapshot_date, snapshot_date_source from audit.ingest_files where file_name like '%2099-01-01.csv'"
    )
    assert [(d.isoformat(), s) for d, s in rows] == [("2026-10-01", "contents")]
    assert run.query("select count(*) from marts.fct_backlinks where source_url = ?", [NEW_PAGE]) == [(1,)]


def test_incremental_refresh_with_an_implausible_name_date_equals_a_full_rebuild(implausible_name):
    assert implausible_name["full"].exit_code == 0, implausible_name["full"].stdout
    assert differing_relations(implausible_name["incremental"].warehouse, implausible_name["full"].warehouse) == {}


def test_the_new_referring_domain_is_an_event_after_an_incremental_refresh_as_after_a_full_one(implausible_name):
    # differing_relations compares marts.link_changes too; here the event itself, in both
    sql = (
        "select event, event_date, source_url, detail from marts.link_changes"
        " where source_domain = 'a-new-referrer.com' order by event"
    )
    events = implausible_name["incremental"].query(sql)
    assert events == implausible_name["full"].query(sql)
    assert [(e[0], e[2]) for e in events] == [("new_referring_domain", NEW_PAGE)]
    assert events[0][3].startswith("1 link, 1 live")


@pytest.fixture(scope="module")
def rejected_only(sample_refresh, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("rejected")
    inbox, warehouse = copy_of_sample(sample_refresh, base)
    (inbox / "notes.txt").write_text("call the Ahrefs rep on Monday\n", encoding="utf-8")
    first = refresh(inbox, warehouse)
    again = refresh(inbox, warehouse)
    return {"first": first, "again": again, "sample": sample_refresh}


def test_a_rejected_file_alone_is_recorded_and_named_without_rebuilding(rejected_only):
    run = rejected_only["first"]
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "rejected notes.txt" in run.stdout and "Traceback" not in run.stdout + run.stderr
    assert "nothing loadable" in run.stdout.lower()
    # dbt did not run: no model built, no dbt artifacts next to the warehouse, every model as it was
    assert "Models not rebuilt" in run.stdout and "Building models" not in run.stdout
    assert not (run.warehouse.parent / "logs" / "warehouse-dbt" / "run_results.json").exists()
    assert differing_relations(run.warehouse, rejected_only["sample"].warehouse) == {}
    # rows read = loaded + quarantined holds for the rejected file's audit row too
    assert run.query(
        "select status, rows_read, rows_loaded, rows_quarantined from audit.ingest_files where file_name = 'notes.txt'"
    ) == [("rejected", 0, 0, 0)]
    # recorded: the next refresh has nothing to do
    again = rejected_only["again"]
    assert again.exit_code == 0 and "Nothing new" in again.stdout, again.stdout + again.stderr
