"""The Dagster instance the CLI records its runs in (instance.py), what the code location says when
it loads, and why a run that lands nothing landed nothing (the landing asset's note)."""

from pathlib import Path

import dagster as dg

from dagster_project import instance as I
from dagster_project import settings
from dagster_project.defs.ingest.assets import landing_note


def _paths(tmp_path: Path) -> settings.Paths:
    return settings.Paths(tmp_path / "sites.yml", tmp_path / "inbox", tmp_path / "wh" / "warehouse.duckdb")


def test_the_home_is_beside_the_warehouse_unless_dagster_home_is_set(tmp_path):
    paths = _paths(tmp_path)
    assert I.dagster_home(paths, env={}) == tmp_path / "wh" / ".dagster_home"
    assert I.dagster_home(paths, env={"DAGSTER_HOME": str(tmp_path / "srv")}) == tmp_path / "srv"


def test_prepare_home_writes_a_dagster_yaml_dagster_accepts(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", "")  # unset for this test (restored after it)
    paths = _paths(tmp_path)
    home = I.prepare_home(paths)
    assert home == tmp_path / "wh" / ".dagster_home"
    import os

    assert os.environ["DAGSTER_HOME"] == str(home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.is_persistent
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        assert {"key": "backlinks/warehouse", "limit": 1} in [dict(limit) for limit in limits]
        assert instance.telemetry_enabled is False
    # a second call keeps the file as the user may have edited it
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    I.prepare_home(paths)
    assert (home / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"


def test_a_dagster_home_of_the_users_is_used_as_it_is(tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    monkeypatch.setenv("DAGSTER_HOME", str(mine))
    assert I.prepare_home(_paths(tmp_path)) == mine
    assert mine.is_dir() and not (mine / "dagster.yaml").exists()
    assert not (tmp_path / "wh" / ".dagster_home").exists()


def test_the_banner_names_the_paths_and_where_the_cli_runs_are(tmp_path):
    paths = _paths(tmp_path)
    home = tmp_path / "wh" / ".dagster_home"
    first, second = I.location_banner(paths, None, 3)
    assert (
        first
        == f"Backlink Warehouse: config {paths.config}, inbox {paths.inbox} (3 files), warehouse {paths.warehouse}"
    )
    # `dagster dev` without DAGSTER_HOME: a temporary instance; say how to see the CLI's runs
    assert "temporary" in second and f"DAGSTER_HOME={home} dagster dev" in second
    _, same = I.location_banner(paths, str(home), 3)
    assert same == f"Backlink Warehouse: runs are recorded in DAGSTER_HOME={home}, as `backlinks` records them"
    _, other = I.location_banner(paths, str(tmp_path / "srv"), 3)
    assert f"DAGSTER_HOME={tmp_path / 'srv'}" in other and str(home) in other
    assert "(empty: a run lands nothing)" in I.location_banner(paths, None, 0)[0]
    assert "(missing: a run lands nothing)" in I.location_banner(paths, None, None)[0]


def test_count_files_counts_what_the_inbox_scan_sees(tmp_path):
    assert I.count_files(tmp_path / "none") is None
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.csv").write_text("x")
    (tmp_path / "y.csv").write_text("y")
    (tmp_path / ".hidden.csv").write_text("z")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("z")
    assert I.count_files(tmp_path) == 2


def _counts(**given):
    base = {
        "files_seen": 0,
        "files_loaded": 0,
        "files_rejected": 0,
        "files_duplicate": 0,
        "files_unchanged": 0,
        "files_skipped": 0,
    }
    return {**base, **given}


def test_a_run_over_an_empty_inbox_says_so():
    note = landing_note(_counts(), Path("/data/inbox"), "2026-09-28", "2026-09-28")
    assert note.startswith("the inbox /data/inbox holds no exports")
    archive = landing_note(_counts(), Path("/archive"), "2026-09-28", "2026-09-28", archive=True)
    assert archive == "the archive folder /archive holds no exports: nothing to land"


def test_a_run_that_lands_nothing_says_why_and_one_that_lands_says_nothing():
    assert "3 files already loaded, 1 duplicates" in landing_note(
        _counts(files_seen=4, files_unchanged=3, files_duplicate=1), Path("/i"), "2026-09-28", "2026-09-28"
    )
    skipped = landing_note(
        _counts(files_seen=5, files_skipped=2, files_unchanged=3), Path("/i"), "2026-09-28", "2026-10-05"
    )
    assert (
        skipped
        == "no new export in partitions 2026-09-28..2026-10-05: the 2 new files in /i belong to other partitions"
    )
    assert landing_note(_counts(files_seen=5, files_loaded=1), Path("/i"), "a", "b") is None
    assert landing_note(_counts(files_seen=5, files_rejected=1), Path("/i"), "a", "b") is None


def _partitioned_run(home: Path, reuse: bool) -> list[tuple]:
    """One run over three weekly partitions of a partitioned asset with a check, recorded in the
    persistent instance at `home`; its id and the rows it stored (wall-clock columns left out)."""
    import sqlite3

    weeks = dg.WeeklyPartitionsDefinition(start_date="2026-08-03", end_date="2026-08-31", day_offset=1)

    @dg.asset(partitions_def=weeks, backfill_policy=dg.BackfillPolicy.single_run())
    def links(context: dg.AssetExecutionContext) -> None:
        context.log.info(f"weeks {context.partition_key_range}")

    @dg.asset_check(asset=links)
    def has_rows() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True, metadata={"rows": 3})

    home.mkdir()
    (home / "dagster.yaml").write_text(I.DAGSTER_YAML)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        job = dg.Definitions(assets=[links], asset_checks=[has_rows]).resolve_implicit_global_asset_job_def()
        tags = {"dagster/asset_partition_range_start": "2026-08-03", "dagster/asset_partition_range_end": "2026-08-17"}
        if reuse:
            storage = instance.event_log_storage
            with I.reused_connections(instance):
                assert type(storage).__name__ == "ReusingSqliteEventLogStorage"
                result = job.execute_in_process(instance=instance, tags=tags)
            # the stock class again, and no engine (no open SQLite file) left behind
            assert type(storage).__name__ == "SqliteEventLogStorage" and "_reused_engines" not in vars(storage)
        else:
            result = job.execute_in_process(instance=instance, tags=tags)
        assert result.success
        assert instance.get_materialized_partitions(links.key) == {"2026-08-03", "2026-08-10", "2026-08-17"}
    # what was stored, file by file: every table's row count, and the identifying columns of the
    # event log, the check executions and the materialization tags (event bodies hold clocks and pids)
    columns = {
        "event_logs": "dagster_event_type, asset_key, partition, step_key",
        "asset_check_executions": "asset_key, check_name, partition, execution_status",
        "asset_event_tags": "asset_key, key",  # values: data versions, hashed from the run id
        "asset_keys": "asset_key",
    }
    rows = []
    for db in sorted((home / "history" / "runs").glob("*.db")):
        shard = "run" if db.stem == result.run_id else db.stem
        with sqlite3.connect(db) as con:
            for (table,) in con.execute("select name from sqlite_master where type = 'table' order by 1"):
                rows.append((shard, table, con.execute(f'select count(*) from "{table}"').fetchone()[0]))
                if table in columns:
                    rows += sorted(
                        (shard, table, *map(str, r)) for r in con.execute(f"select {columns[table]} from {table}")
                    )
    return rows


def test_reused_connections_store_what_dagster_stores(tmp_path):
    """The CLI's cheaper event writes (one SQLite engine per file) record the same events, the same
    asset rows and the same per-partition materializations as Dagster's own storage."""
    stock = _partitioned_run(tmp_path / "stock", reuse=False)
    reused = _partitioned_run(tmp_path / "reused", reuse=True)
    assert ("index", "event_logs", "ASSET_MATERIALIZATION", '["links"]', "2026-08-17", "links") in stock
    assert reused == stock
