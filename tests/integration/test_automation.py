"""Partitions, backfill, sensor and schedule, on a small archive of weekly Ahrefs exports (real bytes:
samplegen's writer) for the site and its three competitors.

Three Dagster + dbt runs in all, shared by the tests below (module fixtures, in order):
  1. `backlinks backfill --from 2026-01-05 --to 2026-02-09 --archive ARCHIVE` (CLI, one run);
  2. the partition 2026-01-26 materialised again in-process (`dg.materialize`): nothing doubles;
  3. the three oldest weeks deleted from the folder, a seventh week added, `backlinks refresh`:
     only the new week lands and the history of the deleted weeks stays.
The sensor and schedule tests evaluate them with Dagster's test contexts (no runs).

The site's story, weekly Ahrefs snapshots 2026-01-05 .. 2026-02-09 (Mondays):
  stable-{1..6}.com   every week, vendor first seen 2025-06-01
  new-blog.com        from 2026-01-19 (vendor first seen that day)        -> new that week
  gone-forum.com      until 2026-01-19, absent from 2026-01-26           -> lost at 2026-01-26
  flaky-site.com      absent on 2026-01-19 only, back from 2026-01-26    -> live at the end
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from dagster_project import warehouse as wh
from dagster_project.config import load_config
from dagster_project.defs.automation.partitions import RANGE_END_TAG, RANGE_START_TAG
from dagster_project.fingerprint import warehouse_fingerprint
from dagster_project.loader import ingest_inbox
from dagster_project.samplegen import writers
from tests.conftest import SAMPLE_CONFIG, run_cli
from tests.unit.test_refresh_lock import start_holder, stop

pytestmark = pytest.mark.e2e

SITE = "knifecraft.co.uk"
COMPETITORS = ("bladeworks.com", "chefsedge.de", "sharpstore.com")
WEEKS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=i) for i in range(6)]  # 01-05 .. 02-09
WEEK_7 = dt.date(2026, 2, 16)
OLD = dt.date(2025, 6, 1)


def _links_of(site: str, day: dt.date) -> list[tuple[str, dt.date]]:
    """(referring page, vendor first seen) of every link `site` has in its snapshot of `day`."""
    if site != SITE:  # competitors: three steady links each
        return [(f"https://www.{site.split('.')[0]}-fans-{i}.net/post", OLD) for i in range(1, 4)]
    links = [(f"https://stable-{i}.com/review", OLD) for i in range(1, 7)]
    if day >= dt.date(2026, 1, 19):
        links.append(("https://new-blog.com/best-knives", dt.date(2026, 1, 19)))
    if day < dt.date(2026, 1, 26):
        links.append(("https://gone-forum.com/t/42", OLD))
    if day != dt.date(2026, 1, 19):
        links.append(("https://flaky-site.com/links", OLD))
    return links


def ahrefs_export(site: str, day: dt.date, anchor: str = "chef knives") -> bytes:
    """One Ahrefs backlinks export (UTF-16, tab-separated, as Ahrefs writes it)."""
    links = _links_of(site, day)
    n = len(links)
    first = [dt.datetime.combine(f, dt.time(9)) for _, f in links]
    obs = pl.DataFrame(
        {
            "source_url": [u for u, _ in links],
            "target_url": [f"https://{site}/"] * n,
            "anchor": [anchor] * n,
            "title": ["Knife reviews"] * n,
            "left_context": [""] * n,
            "right_context": [""] * n,
            "language": ["en"] * n,
            "platform": [""] * n,
            "http_code": [200] * n,
            "nofollow": [False] * n,
            "ugc": [False] * n,
            "sponsored": [False] * n,
            "is_image": [False] * n,
            "is_sitewide": [False] * n,
            "is_content": [True] * n,
            "is_redirect": [False] * n,
            "first_seen": first,
            "last_seen": [dt.datetime.combine(day, dt.time(6))] * n,
            "lost_at": [None] * n,
            "lost_status": [None] * n,
            "drop_reason": [None] * n,
            "discovered_status": [None] * n,
            "new_link": [False] * n,
            "lost_link": [False] * n,
        }
    )
    ints = {c: 10 for c, t in writers.OBS_SCHEMA.items() if t == pl.Int64() and c not in obs.columns}
    obs = obs.with_columns(
        *[pl.lit(v).alias(c) for c, v in ints.items()],
        pl.lit(12.5).alias("url_rating"),
        pl.lit(False).alias("is_spam"),
        *[pl.lit("").alias(c) for c in ("topic", "domain_topic", "toxic_markers", "ip", "source_host")],
    )
    return writers.ahrefs_backlinks(obs.select(list(writers.OBS_SCHEMA)).cast(writers.OBS_SCHEMA))


def write_week(folder: Path, day: dt.date, sites=(SITE, *COMPETITORS)) -> list[Path]:
    paths = []
    for site in sites:
        path = folder / "ahrefs" / f"{site}-backlinks-subdomains_{day.isoformat()}_08-00-00.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(ahrefs_export(site, day))
        paths.append(path)
    return paths


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(sql).fetchall()


def site_links(warehouse: Path) -> dict[str, tuple]:
    rows = query(
        warehouse,
        f"select source_domain, first_seen, last_seen, is_lost, lost_at from marts.fct_backlinks where site_domain = '{SITE}'",
    )
    return {r[0]: r[1:] for r in rows}


def duplicate_observations(warehouse: Path) -> int:
    return query(
        warehouse,
        "select count(*) from (select 1 from intermediate.int_backlinks__observations "
        "group by site_domain, source_url, target_url, source_tool, snapshot_date having count(*) > 1)",
    )[0][0]


# ------------------------------------------------------------------------- the three runs


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("automation")
    folder, inbox = base / "archive", base / "inbox"
    inbox.mkdir()
    for day in WEEKS:
        write_week(folder, day)
    return {"base": base, "archive": folder, "inbox": inbox, "warehouse": base / "warehouse.duckdb"}


@pytest.fixture(scope="module")
def backfilled(archive) -> dict:
    """Run 1: the CLI backfill of the six archived weeks into an empty warehouse."""
    proc = run_cli(
        "backfill", "--from", "2026-01-05", "--to", "2026-02-09", "--archive", str(archive["archive"]),
        "--inbox", str(archive["inbox"]), "--warehouse", str(archive["warehouse"]), "--config", str(SAMPLE_CONFIG),
    )  # fmt: skip
    links = site_links(archive["warehouse"])
    velocity = query(
        archive["warehouse"],
        f"select period_start, new_referring_domains, lost_referring_domains from marts.link_velocity "
        f"where site_domain = '{SITE}' order by period_start",
    )
    counts = query(
        archive["warehouse"],
        "select snapshot_date, count(*) from intermediate.int_backlinks__snapshot_observations group by 1 order by 1",
    )
    return {**archive, "proc": proc, "links": links, "velocity": velocity, "counts": counts}


@pytest.fixture(scope="module")
def rematerialised(backfilled, monkeypatch_module) -> dict:
    """Run 2: partition 2026-01-26 again, in-process with Dagster's `materialize` (nothing new to land)."""
    from dagster_project import settings
    from dagster_project.definitions import defs
    from dagster_project.defs.resources import WarehouseResource

    paths = settings.Paths(SAMPLE_CONFIG.resolve(), backfilled["archive"], backfilled["warehouse"])
    monkeypatch_module.setenv("BACKLINKS_BUILD_PATH", str(paths.building))  # dbt's profiles.yml
    definitions = defs()
    result = dg.materialize(
        [*definitions.assets, *definitions.asset_checks],
        partition_key="2026-01-26",
        resources={
            "warehouse": WarehouseResource(
                warehouse=str(paths.warehouse), inbox=str(paths.inbox), config_path=str(paths.config)
            ),
            "dbt": definitions.resources["dbt"],
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    counts = query(
        backfilled["warehouse"],
        "select snapshot_date, count(*) from intermediate.int_backlinks__snapshot_observations group by 1 order by 1",
    )
    return {**backfilled, "result": result, "counts_after": counts, "links_after": site_links(backfilled["warehouse"])}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def pruned_refresh(rematerialised) -> dict:
    """Run 3: the three oldest weeks deleted from the folder, week 7 added, `backlinks refresh`."""
    folder = rematerialised["archive"]
    for day in WEEKS[:3]:
        for path in folder.rglob(f"*_{day.isoformat()}_*"):
            path.unlink()
    write_week(folder, WEEK_7)
    proc = run_cli(
        "refresh",
        "--inbox",
        str(folder),
        "--warehouse",
        str(rematerialised["warehouse"]),
        "--config",
        str(SAMPLE_CONFIG),
    )
    return {**rematerialised, "refresh_proc": proc, "links_pruned": site_links(rematerialised["warehouse"])}


# ------------------------------------------------------------------------- backfill


def test_backfill_is_one_run_over_the_range_with_progress_per_partition(backfilled):
    proc = backfilled["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Partitions 2026-01-05 .. 2026-02-09" in out and "one run" in out
    for day in WEEKS:  # the plan, each landed file, and the summary name the partitions
        assert f"{day.isoformat()}     4 new" in out
        assert out.count(f"partition {day.isoformat()}") == 4
    assert "Snapshots in the range" in out and "Traceback" not in out + proc.stderr
    files = query(backfilled["warehouse"], "select status, count(*) from audit.ingest_files group by 1")
    assert files == [("loaded", 24)]


def test_backfill_history_first_last_seen_lost_and_refound(backfilled):
    links = backfilled["links"]
    assert links["stable-1.com"] == (OLD, WEEKS[-1], False, None)  # vendor first seen predates tracking
    assert links["new-blog.com"][0] == dt.date(2026, 1, 19)
    # absent from the first later snapshot: lost at that snapshot
    assert links["gone-forum.com"] == (OLD, dt.date(2026, 1, 19), True, dt.date(2026, 1, 26))
    # missing from one snapshot, back in the next: re-found, live
    assert links["flaky-site.com"] == (OLD, WEEKS[-1], False, None)


def test_backfill_velocity_counts_the_new_and_the_lost_week(backfilled):
    weeks = {period: (new, lost) for period, new, lost in backfilled["velocity"]}
    assert weeks[dt.date(2026, 1, 19)] == (1, 0)  # new-blog.com
    assert weeks[dt.date(2026, 1, 26)] == (0, 1)  # gone-forum.com
    assert sum(lost for _, lost in weeks.values()) == 1  # flaky-site.com was never lost for good
    assert all(weeks[w] == (0, 0) for w in (dt.date(2026, 2, 2), dt.date(2026, 2, 9)))


# ------------------------------------------------------------------------- one partition again


def test_rematerialising_one_partition_changes_nothing(rematerialised):
    assert rematerialised["result"].success
    assert rematerialised["counts_after"] == rematerialised["counts"]  # no partition doubled or lost rows
    assert duplicate_observations(rematerialised["warehouse"]) == 0
    assert rematerialised["links_after"] == rematerialised["links"]
    # the run covered exactly that partition and rebuilt only its window
    materialised = rematerialised["result"].get_asset_materialization_events()
    assert {e.partition for e in materialised} == {"2026-01-26"}


# ------------------------------------------------------------------------- history kept


def test_deleting_old_inbox_files_keeps_history_and_adds_the_new_week(pruned_refresh):
    proc = pruned_refresh["refresh_proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Landing exports: 4 new" in proc.stdout
    links = pruned_refresh["links_pruned"]
    before = pruned_refresh["links"]
    # everything learnt from the deleted weeks is still there; only last_seen moves on
    assert links["gone-forum.com"] == before["gone-forum.com"]
    assert links["new-blog.com"][0] == dt.date(2026, 1, 19)
    assert links["stable-1.com"] == (OLD, WEEK_7, False, None)
    counts = dict(query(
        pruned_refresh["warehouse"],
        "select snapshot_date, count(*) from intermediate.int_backlinks__snapshot_observations group by 1",
    ))  # fmt: skip
    assert counts == {**dict(pruned_refresh["counts"]), WEEK_7: counts[WEEK_7]} and counts[WEEK_7] > 0
    assert duplicate_observations(pruned_refresh["warehouse"]) == 0


# ------------------------------------------------------------------------- sensor and schedule


@pytest.fixture
def loaded_inbox(tmp_path) -> dict:
    """An inbox of two weeks, landed straight into a warehouse (no dbt: the sensor reads the audit)."""
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse.duckdb"
    for day in WEEKS[:2]:
        write_week(inbox, day, sites=(SITE,))
    ingest_inbox(inbox, warehouse, load_config(SAMPLE_CONFIG))
    return {"inbox": inbox, "warehouse": warehouse}


def _resources(setup) -> dict:
    from dagster_project.defs.resources import WarehouseResource

    return {
        "warehouse": WarehouseResource(
            warehouse=str(setup["warehouse"]), inbox=str(setup["inbox"]), config_path=str(SAMPLE_CONFIG)
        )
    }


def _tick(setup, cursor: str | None, instance: dg.DagsterInstance):
    from dagster_project.defs.automation.sensors import inbox_sensor

    context = dg.build_sensor_context(cursor=cursor, instance=instance, resources=_resources(setup))
    result = inbox_sensor(context)
    return result, result.cursor


def test_sensor_new_same_changed_file_and_cursor(loaded_inbox):
    instance = dg.DagsterInstance.ephemeral()
    # everything in the inbox is loaded: no run, even with no cursor (a fresh instance)
    result, cursor = _tick(loaded_inbox, None, instance)
    assert not result.run_requests and "nothing new" in result.skip_reason.skip_message
    assert set(json.loads(cursor)["seen"]) == {
        p.relative_to(loaded_inbox["inbox"]).as_posix() for p in loaded_inbox["inbox"].rglob("*.csv")
    }

    # a new file: one run over its snapshot date
    (new,) = write_week(loaded_inbox["inbox"], WEEK_7, sites=(COMPETITORS[0],))
    result, cursor = _tick(loaded_inbox, cursor, instance)
    (request,) = result.run_requests
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == ("2026-02-16", "2026-02-16")

    # the same file again (the run has not loaded it yet): not requested twice
    result, cursor = _tick(loaded_inbox, cursor, instance)
    assert not result.run_requests

    # the cursor is all the sensor remembers: a restarted daemon reading the stored cursor agrees
    restarted = dg.DagsterInstance.ephemeral()
    result, _ = _tick(loaded_inbox, cursor, restarted)
    assert not result.run_requests

    # the file re-exported (other bytes, same name): requested again
    new.write_bytes(ahrefs_export(COMPETITORS[0], WEEK_7, anchor="a re-export"))
    result, cursor = _tick(loaded_inbox, cursor, instance)
    (request,) = result.run_requests
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == ("2026-02-16", "2026-02-16")
    old = loaded_inbox["inbox"] / "ahrefs" / f"{SITE}-backlinks-subdomains_{WEEKS[0].isoformat()}_08-00-00.csv"
    old.write_bytes(ahrefs_export(SITE, WEEKS[0], anchor="corrected"))  # a loaded week re-exported
    result, cursor = _tick(loaded_inbox, cursor, instance)
    (request,) = result.run_requests
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == ("2026-01-05", "2026-01-05")


def test_sensor_copy_of_loaded_bytes_triggers_nothing(loaded_inbox):
    loaded = next(loaded_inbox["inbox"].rglob("*.csv"))
    shutil.copy(loaded, loaded_inbox["inbox"] / "copy-of-an-export-2026-03-02.csv")
    result, _ = _tick(loaded_inbox, None, dg.DagsterInstance.ephemeral())
    assert not result.run_requests


def test_schedule_runs_the_new_files_partitions_and_skips_when_nothing_changed(loaded_inbox):
    from dagster_project.defs.automation.schedules import daily_refresh

    def evaluate():
        context = dg.build_schedule_context(
            instance=dg.DagsterInstance.ephemeral(),
            scheduled_execution_time=dt.datetime(2026, 2, 17, 6, tzinfo=dt.UTC),
            resources=_resources(loaded_inbox),
        )
        return daily_refresh(context)

    # a warehouse that was never published with this config: rebuild (latest partition)
    request = evaluate()
    assert isinstance(request, dg.RunRequest) and request.tags["backlinks/reason"] == "sites.yml or the models changed"
    with wh.connect(loaded_inbox["warehouse"]) as con:
        wh.record_refresh(con, warehouse_fingerprint(load_config(SAMPLE_CONFIG)))
    assert isinstance(evaluate(), dg.SkipReason)
    write_week(loaded_inbox["inbox"], WEEK_7, sites=(SITE,))
    request = evaluate()
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == ("2026-02-16", "2026-02-16")


def test_sensor_and_schedule_request_nothing_while_another_refresh_holds_the_lock(loaded_inbox):
    from dagster_project.defs.automation.schedules import daily_refresh

    # something to do: a new file for the sensor, a never-published config for the schedule
    write_week(loaded_inbox["inbox"], WEEK_7, sites=(SITE,))
    holder = start_holder(loaded_inbox["warehouse"])  # `backlinks refresh` by hand, say
    try:
        instance = dg.DagsterInstance.ephemeral()
        result, cursor = _tick(loaded_inbox, None, instance)
        assert not result.run_requests and cursor is None  # the cursor is left for the next tick
        expected = f"another refresh of {loaded_inbox['warehouse']} is running (pid {holder.pid}, started "
        assert result.skip_reason.skip_message.startswith(expected)
        assert result.skip_reason.skip_message.endswith("): backlinks refresh; not requesting a run")
        context = dg.build_schedule_context(instance=instance, resources=_resources(loaded_inbox))
        skip = daily_refresh(context)
        assert isinstance(skip, dg.SkipReason) and skip.skip_message == result.skip_reason.skip_message
    finally:
        stop(holder)
    # the holder is gone: the next tick requests the run
    (request,) = _tick(loaded_inbox, None, instance)[0].run_requests
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == ("2026-02-16", "2026-02-16")


def test_job_schedule_and_sensor_are_defined_and_off_by_default(monkeypatch):
    from dagster_project.definitions import defs
    from dagster_project.defs.automation import sensors

    definitions = defs()
    job = definitions.resolve_job_def("refresh")
    assert job.partitions_def is not None and job.run_tags["backlinks/warehouse"] == "writer"
    (schedule,) = [s for s in definitions.schedules if s.name == "daily_refresh"]
    (sensor,) = [s for s in definitions.sensors if s.name == "inbox_sensor"]
    assert schedule.cron_schedule == "0 6 * * *" and schedule.job_name == sensor.job_name == "refresh"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    monkeypatch.setenv("BACKLINKS_AUTOMATION", "on")
    assert sensors.automation_on()
