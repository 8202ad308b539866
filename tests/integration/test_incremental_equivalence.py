"""An incrementally maintained warehouse is exactly the warehouse a full rebuild makes.

The bundled sample (every export format, four sites, monthly snapshots) is landed out of order,
one step at a time, and dbt runs incrementally over each step's snapshot window, as the Dagster
partitions make it do:

  1. October (first build)     2. August (before everything: every tool's first snapshot moves)
  3. September (in the middle: earlier links become absent at 09-01 instead of 10-01)
  4. a re-exported September Majestic file with half its rows (links vanish from a snapshot and
     from the snapshot that proved others absent), and a new Ahrefs export of 10-15 that spells a
     target page with `www.`, which only an August export (outside the window) linked to before.

Each step builds and publishes like a refresh (warehouse.start_build / publish): from the third
on, the build starts from the previous generation brought up to date (generations.py) instead of
a copy, so the comparison also proves that catch-up exact.

Then a copy of the same raw rows is rebuilt with --full-refresh, and every intermediate and mart
relation must hold the same rows. The run goes through dbt directly (no Dagster): the landing
layer is the loader the ingest asset calls, the window is the environment the dbt asset sets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import generations
from dagster_project import warehouse as wh
from dagster_project.config import load_config
from dagster_project.defs.dbt.build_args import window_env
from dagster_project.loader import ingest_inbox
from tests.conftest import ROOT, SAMPLE_CONFIG, SAMPLE_INBOX

pytestmark = pytest.mark.e2e

# bookkeeping of one run, not a function of the landed rows
RUN_STATE = {"int_backlinks__changed_sources", "int_profile__span_changes"}
AHREFS_SAMPLE = "ahrefs/knifecraft.co.uk-backlinks-subdomains_2026-10-01_10-03-17.csv"
GIFT_PAGE = "knifecraft.co.uk/gifts/wedding"  # a target no sample export links to


def dbt(warehouse: Path, work: Path, window: tuple[str, str], *args: str) -> None:
    env = {
        **os.environ,
        "BACKLINKS_BUILD_PATH": str(warehouse),
        **window_env({"min_date": window[0], "max_date": window[1]}),
    }
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--target-path", str(work / "target"), "--log-path", str(work / "target")],
        cwd=ROOT / "dbt", env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-6000:]


def ahrefs_export(path: Path, rows: list[tuple[str, str]]) -> None:
    """An Ahrefs backlinks export (UTF-16 TSV, as Ahrefs writes it) with (source, target) rows,
    the other columns copied from a sample row."""
    lines = (SAMPLE_INBOX / AHREFS_SAMPLE).read_bytes().decode("utf-16").split("\r\n")
    header, template = lines[0], lines[1].split("\t")
    columns = [c.strip('"') for c in header.split("\t")]
    source, target = columns.index("Referring page URL"), columns.index("Target URL")
    body = []
    for source_url, target_url in rows:
        fields = list(template)
        fields[source], fields[target] = f'"{source_url}"', f'"{target_url}"'
        body.append("\t".join(fields))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\r\n".join([header, *body, ""]).encode("utf-16"))


def land(inbox: Path, warehouse: Path, month: str) -> tuple[str, str]:
    """Land the new files of `month` (YYYY-MM, by the date in their name); their snapshot window."""
    config = load_config(SAMPLE_CONFIG)

    def in_month(new, landed):
        day = new.date or (landed.audit["snapshot_date"] if landed else None)
        return None if day is None else day.isoformat().startswith(month)

    ingest_inbox(inbox, warehouse, config, select=in_month)
    return window_of(warehouse, f"strftime(snapshot_date, '%Y-%m') = '{month}'")


def window_of(warehouse: Path, condition: str) -> tuple[str, str]:
    with wh.connect(warehouse, read_only=True) as con:
        low, high = con.sql(
            f"select min(snapshot_date), max(snapshot_date) from audit.ingest_files where {condition}"
        ).fetchall()[0]
    return low.isoformat(), high.isoformat()


def changed_sources(warehouse: Path) -> int:
    with wh.connect(warehouse, read_only=True) as con:
        return con.sql(
            "select count(distinct source_url_key) from intermediate.int_backlinks__changed_sources"
        ).fetchall()[0][0]


class Refreshes:
    """Build-and-publish steps of one warehouse, as the Dagster assets do them without Dagster."""

    def __init__(self, work: Path, warehouse: Path) -> None:
        self.work, self.warehouse, self.starts = work, warehouse, []

    def step(self, inbox: Path, month: str | None, *dbt_args: str) -> Path:
        manifest = self.work / "target" / "manifest.json"
        scopes = generations.incremental_scopes(manifest) if manifest.exists() else None
        building, how = wh.start_build(self.warehouse, scopes)
        self.starts.append(how)
        if month:
            window = land(inbox, building, month)
        else:
            ingest_inbox(inbox, building, load_config(SAMPLE_CONFIG))
            window = ("2026-09-01", "2026-10-15")
        dbt(building, self.work, window, *dbt_args)
        with wh.connect(building) as con:
            generations.record_build_window(con, *window, "--full-refresh" in dbt_args)
            wh.record_refresh(con, "fingerprint")
        wh.publish(self.warehouse)
        return self.warehouse


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("equivalence")
    inbox, incremental = work / "inbox", work / "incremental.duckdb"
    shutil.copytree(SAMPLE_INBOX, inbox)
    # August: three pages link to the gift page, spelt without www. (only this export has them)
    ahrefs_export(inbox / "extra" / "knifecraft.co.uk-backlinks-subdomains_2026-08-15_09-00-00.csv",
                  [(f"https://gift-blog-{i}.com/ideas", f"https://{GIFT_PAGE}") for i in range(3)])  # fmt: skip
    refreshes = Refreshes(work, incremental)
    runs = {}

    # seeds and models, no tests (the refresh tests run them): one dbt start per step
    build = ("build", "--exclude", "resource_type:test", "resource_type:unit_test")
    refreshes.step(inbox, "2026-10", *build, "--full-refresh")
    for month in ("2026-08", "2026-09"):
        refreshes.step(inbox, month, *build)
        runs[month] = changed_sources(incremental)

    # 4. a re-export of a September file (same name, half the rows) and a new October export
    majestic = inbox / "majestic" / "knifecraft.co.uk_backlinks_fresh_2026-09-01.csv"
    lines = majestic.read_bytes().split(b"\n")
    majestic.write_bytes(b"\n".join(lines[: len(lines) // 2]) + b"\n")
    ahrefs_export(inbox / "extra" / "knifecraft.co.uk-backlinks-subdomains_2026-10-15_09-00-00.csv",
                  [("https://gift-blog-9.com/ideas", f"https://www.{GIFT_PAGE}")])  # fmt: skip
    refreshes.step(inbox, None, *build)
    runs["step 4"] = changed_sources(incremental)

    full = work / "full.duckdb"
    shutil.copyfile(incremental, full)
    dbt(full, work, ("1900-01-01", "9999-12-31"), *build, "--full-refresh")
    runs["full"] = changed_sources(full)
    return {"incremental": incremental, "full": full, "runs": runs, "starts": refreshes.starts}


def relations(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    rows = con.sql(
        f"select schema_name, table_name from duckdb_tables() where database_name = '{database}' "
        f"union all select schema_name, view_name from duckdb_views() where database_name = '{database}' and not internal"
    ).fetchall()
    return sorted((s, t) for s, t in rows if s in ("intermediate", "marts") and t not in RUN_STATE)


def differing_relations(incremental: Path, full: Path) -> dict[str, list[int]]:
    """Every intermediate and mart relation whose rows differ between two warehouses (rows only in
    the first, rows only in the second), after checking both hold the same relations and real data."""
    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as incremental (read_only)")
    con.execute(f"attach '{full}' as full_build (read_only)")
    names = relations(con, "incremental")
    assert names == relations(con, "full_build") and len(names) > 30
    differing = {}
    for schema, name in names:
        counts = [
            con.sql(f"select count(*) from (from {a}.{schema}.{name} except all from {b}.{schema}.{name})").fetchall()[
                0
            ][0]
            for a, b in (("incremental", "full_build"), ("full_build", "incremental"))
        ]
        if any(counts):
            differing[f"{schema}.{name}"] = counts
    rows = con.sql("select count(*) from incremental.marts.fct_backlinks").fetchall()[0][0]
    assert rows > 1000  # the comparison is over the real sample, not an empty warehouse
    return differing


def test_every_model_holds_what_a_full_rebuild_holds(built):
    assert differing_relations(built["incremental"], built["full"]) == {}


def test_incremental_runs_rebuild_only_the_pages_their_window_touches(built):
    runs = built["runs"]
    # the full rebuild lists every page; each incremental run a strict subset
    assert all(0 < runs[step] < runs["full"] for step in ("2026-08", "2026-09", "step 4")), runs


def test_a_new_spelling_reaches_links_only_older_snapshots_had(built):
    with wh.connect(built["incremental"], read_only=True) as con:
        targets = con.sql(
            "select distinct target_url from marts.fct_backlinks where source_url_key like 'gift-blog-%'"
        ).fetchall()
    assert targets == [(f"https://www.{GIFT_PAGE}",)]


def test_builds_start_from_the_previous_generation_once_there_is_one(built):
    # 1: no warehouse yet; 2: no spare yet (the first publish had nothing to keep); 3: the spare
    # is the generation of step 1, but step 2's build was incremental: caught up, not copied
    assert built["starts"][0] == "new warehouse"
    assert built["starts"][1].startswith("copied the published file (no spare")
    assert built["starts"][2:] == ["previous generation brought up to date"] * 2
