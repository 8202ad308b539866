"""`backlinks refresh --engine spark`: the bundled sample landed straight into the Parquet lake
and built with dbt's spark target (dbt-spark session mode, a local Spark in the dbt process) in the
same Dagster graph as on DuckDB (landing, the Great Expectations batch checks, the dbt assets,
recording the refresh) gives the same contract marts as the DuckDB refresh of the same inbox
(README, "Running on Spark").

One full Spark refresh per session (Spark's start-up and its per-query overhead make it the slowest
build in the suite); every test reads its result. The last tests then land a later snapshot with a
second Spark refresh (incremental: the models replace only the partitions it touches, and every
data test runs) and re-run part of its window: they come last in this module because they change
the Spark tables the others read."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dagster_project import planning
from dagster_project.defs.automation.partitions import current_bounds
from tests.conftest import ROOT, SAMPLE_CONFIG, SAMPLE_INBOX, CliRun, refresh, run_cli

pytestmark = [pytest.mark.spark, pytest.mark.e2e]

DBT_DIR = ROOT / "dbt"
# A double may differ in its last bits between engines, and round(x, n) of a value that is a
# half in the last place n rounds either way (DuckDB rounds the binary value, Spark its
# shortest decimal: -0.33725 -> -0.3372 / -0.3373), so one unit of the 4th decimal is allowed.
FLOAT_ABS_TOL = 1.01e-4
FLOAT_REL_TOL = 1e-9


@dataclass
class SparkBuild:
    proc: subprocess.CompletedProcess
    duckdb_warehouse: Path
    spark_dir: Path
    base: Path
    seconds: float
    inbox: Path

    @property
    def lake(self) -> Path:
        return self.base / "lake"

    def mart_files(self, table: str) -> str:
        return str(self.spark_dir / "warehouse" / "marts.db" / table / "*.parquet")


# Source-page buckets of the partitioned Spark tables. More than the default 16, so the incremental
# run below (a new Moz snapshot of one site: 79 pages) leaves some untouched: its pages fall in 28
# of 32 (all 16 of 16). Each bucket is a partition every build writes: 64 cost ~35 s more than 32
# per full build of the sample, on the suite's critical path.
SPARK_BUCKETS = "32"


def spark_dbt_build(
    base: Path, window: dict[str, str] | None = None, *extra: str
) -> tuple[subprocess.CompletedProcess, float]:
    """`dbt build --target spark` over the lake and Spark tables under `base`; `window` is the
    snapshot window of an incremental run, passed as the Dagster dbt asset passes it; `extra`
    more dbt arguments (a selection)."""
    env = {
        **os.environ,
        "BACKLINKS_LAKE": str(base / "lake"),
        "BACKLINKS_SPARK_DIR": str(base / "spark"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # as spark_refresh below (a bucket count is fixed at a table's first build)
        "BACKLINKS_SPARK_BUCKETS": SPARK_BUCKETS,
    }
    for name in ("BACKLINKS_DBT_MIN_DATE", "BACKLINKS_DBT_MAX_DATE"):
        env.pop(name, None)
    if window:
        env["BACKLINKS_DBT_MIN_DATE"], env["BACKLINKS_DBT_MAX_DATE"] = window["min_date"], window["max_date"]
    started = time.monotonic()
    # seeds, models and their data tests; not the dbt unit tests (fixed inputs, no data: the DuckDB
    # suite runs them, and Spark 4.3 fails three of them with an internal ClassCastException)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dbt.cli.main",
            "build",
            "--target",
            "spark",
            "--profiles-dir",
            ".",
            "--target-path",
            str(base / "target"),
            "--log-path",
            str(base / "logs"),
            "--exclude-resource-type",
            "unit_test",
            *extra,
        ],
        cwd=DBT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        stdin=subprocess.DEVNULL,
    )
    return proc, time.monotonic() - started


@pytest.fixture(scope="session")
def spark_sample(tmp_path_factory) -> CliRun:
    """The bundled sample refreshed on DuckDB for this module alone: the Spark builds are the
    slowest tests, so they run on the other worker beside the modules that share `sample_refresh`
    (tests/conftest.py), at the price of a second refresh of the sample."""
    base = tmp_path_factory.mktemp("spark-sample")
    shutil.copytree(SAMPLE_INBOX, base / "inbox")
    run = refresh(base / "inbox", base / "warehouse.duckdb")
    assert run.exit_code in (0, 1), f"refresh crashed:\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="session")
def spark_build(spark_sample, tmp_path_factory) -> SparkBuild:
    import importlib.util

    if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("dbt.adapters.spark") is None:
        message = "the Spark tests need the `spark` dependency group: python3 -m uv run --group spark pytest"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("Spark needs Java 17 (`java` on PATH); .ci/run installs openjdk-17-jre-headless")
        pytest.skip("Spark needs Java 17 (`java` on PATH): apt-get install openjdk-17-jre-headless")
    base = tmp_path_factory.mktemp("spark")
    shutil.copytree(SAMPLE_INBOX, base / "inbox")
    # seeds and models; their data tests run once, in the incremental refresh below (every model
    # is built there too), which keeps the suite's two Spark builds to what they must show
    # (DBT_EXCLUDE_RESOURCE_TYPES is dbt's own setting for --exclude-resource-type)
    proc, seconds = spark_refresh(base, DBT_EXCLUDE_RESOURCE_TYPES="test")
    return SparkBuild(proc, spark_sample.warehouse, base / "spark", base, seconds, base / "inbox")


def spark_refresh(base: Path, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    """`backlinks refresh --engine spark` of `base/inbox`: the lake and the Spark tables beside the
    warehouse path (`base/lake`, `base/spark`), which names only the logs and the refresh lock."""
    started = time.monotonic()
    proc = run_cli(
        "refresh",
        "--engine",
        "spark",
        "--inbox",
        str(base / "inbox"),
        "--warehouse",
        str(base / "warehouse.duckdb"),
        "--config",
        str(SAMPLE_CONFIG),
        # dbt.log with every statement (its default is info), which the tests below look for
        env={
            "BACKLINKS_SPARK_BUCKETS": SPARK_BUCKETS,
            "BACKLINKS_LAKE": "",
            "BACKLINKS_SPARK_DIR": "",
            "DBT_LOG_LEVEL_FILE": "debug",
            **env,
        },
        timeout=1500,
    )
    return proc, time.monotonic() - started


def run_log(base: Path) -> str:
    return (base / "logs" / "warehouse-last-run.log").read_text(encoding="utf-8")


def contract_marts(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]


def test_a_spark_refresh_lands_the_lake_checks_builds_and_records_it(spark_build):
    out = spark_build.proc.stdout
    assert spark_build.proc.returncode == 0, (
        f"refresh --engine spark failed:\n{out[-6000:]}\n{spark_build.proc.stderr[-3000:]}"
    )
    assert "Landing exports: 65 new" in out and f"Published {spark_build.lake}" in out
    assert "Checks: " in out and " 0 failed" in out  # the Great Expectations batch checks ran on the lake
    log = run_log(spark_build.base)
    assert "full refresh: a first build" in log
    for kind in ("backlinks", "mentions", "rankings", "ledger"):
        assert f"{kind}: every expectation passed" in log, kind
    # the summary read the Spark marts and the lake
    assert "Link profiles" in out and "knifecraft.co.uk" in out and "quarantined rows" in out
    # landing wrote the lake directly, partitioned by snapshot date; no DuckDB warehouse in between
    assert not (spark_build.base / "warehouse.duckdb").exists()
    days = sorted(p.name for p in (spark_build.lake / "raw" / "backlinks").iterdir())
    assert days[0] == "snapshot_date=2026-08-01" and len(days) >= 3, days
    # dbt registered the raw folders as tables partitioned by a date, which the models read
    dbt_log = (spark_build.base / "logs" / "warehouse-dbt-spark" / "dbt.log").read_text(encoding="utf-8")
    assert "recover partitions" in dbt_log
    # the refresh was recorded after dbt succeeded
    with duckdb.connect() as con:
        recorded = con.execute(
            f"select count(*) from read_parquet('{spark_build.lake}/audit/refreshes/*.parquet')"
        ).fetchone()
    assert recorded == (1,)


def test_every_contract_mart_equals_the_duckdb_build(spark_build):
    assert spark_build.proc.returncode == 0, spark_build.proc.stdout[-3000:]
    mismatches = mart_mismatches(spark_build.duckdb_warehouse, spark_build)
    assert not mismatches, "\n".join(mismatches)


def mart_mismatches(warehouse: Path, spark_build: SparkBuild) -> list[str]:
    """Every contract mart of the DuckDB `warehouse` against its Spark table: the differences."""
    marts = contract_marts(warehouse)
    assert len(marts) >= 16
    mismatches = []
    con = duckdb.connect()
    con.execute(f"attach '{warehouse}' as wh (read_only)")
    for table in marts:
        columns = con.execute(
            "select column_name, data_type from duckdb_columns() where database_name = 'wh' and schema_name = 'marts' "
            "and table_name = ? order by column_index",
            [table],
        ).fetchall()
        spark_source = f"read_parquet('{spark_build.mart_files(table)}')"
        spark_columns = con.execute(f"describe select * from {spark_source}").fetchall()
        assert [(name, spark_type) for name, spark_type, *_ in spark_columns] == columns, table
        floats = [i for i, (_, data_type) in enumerate(columns) if data_type == "DOUBLE"]
        # order by the exact columns, then by the floats coarsely, so near-equal rows pair up
        order = ", ".join(f"round(#{i + 1}, 2)" if i in floats else f"#{i + 1}" for i in range(len(columns))) + "".join(
            f", #{i + 1}" for i in floats
        )
        duck_rows = con.execute(f"select * from wh.marts.{table} order by {order}").fetchall()
        spark_rows = con.execute(f"select * from {spark_source} order by {order}").fetchall()
        if len(duck_rows) != len(spark_rows):
            mismatches.append(f"{table}: {len(duck_rows)} rows on DuckDB, {len(spark_rows)} on Spark")
            continue
        for duck_row, spark_row in zip(duck_rows, spark_rows):
            differs = [(name, d, s) for (name, _), d, s in zip(columns, duck_row, spark_row) if not same_value(d, s)]
            if differs:
                mismatches.append(f"{table}: {differs[:3]} in {duck_row}")
                break
    con.close()
    return mismatches


def same_value(duck, spark) -> bool:
    if isinstance(duck, float) and isinstance(spark, float):
        if math.isnan(duck) or math.isnan(spark):
            return math.isnan(duck) and math.isnan(spark)
        return math.isclose(duck, spark, rel_tol=FLOAT_REL_TOL, abs_tol=FLOAT_ABS_TOL)
    return duck == spark


# --- one incremental Spark run (last: it changes the Spark tables the tests above read) ---------

# a later Moz export of one competitor: a few dozen pages change, so most key buckets do not
NEW_SNAPSHOT = "moz/sharpstore.com-inbound-links-2026-11-01.csv"
PREVIOUS_SNAPSHOT = "moz/sharpstore.com-inbound-links-2026-10-01.csv"


@dataclass
class IncrementalRun:
    proc: subprocess.CompletedProcess
    window: dict[str, str]
    warehouse: Path
    seconds: float
    files_before: set[str]
    files_after: set[str]


def bucket_files(spark_dir: Path) -> set[str]:
    """The Parquet files of int_backlinks__observations (a rewritten partition gets new names)."""
    folder = spark_dir / "warehouse" / "intermediate.db" / "int_backlinks__observations"
    return {str(path.relative_to(folder)) for path in folder.glob("*/*.parquet")}


@pytest.fixture(scope="session")
def spark_incremental(spark_build, spark_sample) -> IncrementalRun:
    """A later Moz snapshot (the 2026-10-01 export, 5 rows shorter) dropped into both inboxes: the
    DuckDB refresh lands it into a copy of the sample warehouse, and a second `backlinks refresh
    --engine spark` lands it into the lake and builds the Spark models incrementally over the
    tables of spark_build, with every data test."""
    assert spark_build.proc.returncode == 0, spark_build.proc.stdout[-3000:]
    base = spark_build.base / "incremental"
    inbox, warehouse = base / "inbox", base / "warehouse.duckdb"
    shutil.copytree(SAMPLE_INBOX, inbox)
    shutil.copyfile(spark_sample.warehouse, warehouse)
    previous = (SAMPLE_INBOX / PREVIOUS_SNAPSHOT).read_text(encoding="utf-8")
    later = "\n".join(previous.splitlines()[:-5]) + "\n"
    for folder in (inbox, spark_build.inbox):
        (folder / NEW_SNAPSHOT).write_text(later, encoding="utf-8")
    landed = refresh(inbox, warehouse)
    assert landed.exit_code in (0, 1), landed.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        day = con.execute("select max(snapshot_date) from raw.backlinks").fetchone()[0]
    assert day == dt.date(2026, 11, 1), day  # dated by its name
    files_before = bucket_files(spark_build.spark_dir)
    proc, seconds = spark_refresh(spark_build.base)
    files_after = bucket_files(spark_build.spark_dir)
    found = re.search(r"dbt build over snapshot dates (\S+)\.\.(\S+)", run_log(spark_build.base))
    window = {"min_date": found[1], "max_date": found[2]} if found else {}
    print(f"\nSpark: full refresh {spark_build.seconds:.0f} s, incremental refresh {seconds:.0f} s (window {window})")
    return IncrementalRun(proc, window, warehouse, seconds, files_before, files_after)


def test_an_incremental_spark_run_builds_incrementally_and_passes_every_data_test(spark_incremental, spark_build):
    out = spark_incremental.proc.stdout
    assert spark_incremental.proc.returncode == 0, f"{out[-6000:]}\n{spark_incremental.proc.stderr[-3000:]}"
    assert "Landing exports: 1 new" in out, out[:2000]
    # the window is what this refresh landed (planning.py), as on DuckDB: a real window, not all of time
    bounds = current_bounds()
    day = dt.date(2026, 11, 1)
    key = planning.partition_key_for(day, bounds)
    assert spark_incremental.window == planning.dbt_window(key, key, bounds, [day]), spark_incremental.window
    assert spark_incremental.window["min_date"] > "2000-01-01"
    assert "full refresh" not in run_log(spark_build.base)
    # every data test ran as an asset check and passed (row_rules, relationships, contracts' tests...)
    checks = re.search(r"Checks: (\d+) passed, (\d+) failed", out)
    assert checks and int(checks[1]) > 80 and checks[2] == "0", out[-3000:]
    dbt_log = (spark_build.base / "logs" / "warehouse-dbt-spark" / "dbt.log").read_text(encoding="utf-8")
    done = [line for line in dbt_log.splitlines() if "Done. PASS=" in line][-1]
    assert "ERROR=0" in done and "SKIP=0" in done, done
    finished = [line for line in dbt_log.splitlines() if "Finished running" in line][-1]
    assert " incremental models" in finished and " data tests" in finished, finished
    # the buckets of the changed pages were rewritten, the others kept their files
    assert spark_incremental.files_after - spark_incremental.files_before
    assert spark_incremental.files_after & spark_incremental.files_before


def test_the_incremental_spark_run_equals_the_duckdb_build_of_the_same_data(spark_incremental, spark_build):
    assert spark_incremental.proc.returncode == 0, spark_incremental.proc.stdout[-3000:]
    with duckdb.connect(str(spark_incremental.warehouse), read_only=True) as con:
        new_rows = con.execute("select count(*) from raw.backlinks where snapshot_date = date '2026-11-01'").fetchone()[
            0
        ]
    assert new_rows > 50  # the snapshot landed, so the run had something to rebuild
    mismatches = mart_mismatches(spark_incremental.warehouse, spark_build)
    assert not mismatches, "\n".join(mismatches)


def partitioned_tables(spark_dir: Path) -> dict[str, list[tuple]]:
    """Every partitioned Spark table (the incremental models): its rows, sorted."""
    tables = {}
    with duckdb.connect() as con:
        for folder in sorted((spark_dir / "warehouse" / "intermediate.db").iterdir()):
            if any("=" in child.name for child in folder.iterdir()):
                files = str(folder / "**" / "*.parquet")
                tables[folder.name] = con.execute(
                    f"select * from read_parquet('{files}', hive_partitioning = true) order by all"
                ).fetchall()
    return tables


def test_rerunning_the_window_on_spark_leaves_every_incremental_table_as_it_was(spark_incremental, spark_build):
    assert spark_incremental.proc.returncode == 0, spark_incremental.proc.stdout[-3000:]
    before = partitioned_tables(spark_build.spark_dir)
    assert len(before) == 13 and all(before.values()), {name: len(rows) for name, rows in before.items()}
    # one model of each way a run replaces partitions (by snapshot date, by source-page bucket, by
    # referring-domain bucket): the pre-hook and the overwrite are the same macros for all 13, and
    # re-running all of them would add ~2 min to the suite
    proc, _ = spark_dbt_build(
        spark_build.base,
        spark_incremental.window,
        "--select",
        "int_backlinks__snapshots int_backlinks__link_state int_velocity__domain_events",
        "--resource-type",
        "model",
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    after = partitioned_tables(spark_build.spark_dir)
    assert {name: len(rows) for name, rows in after.items()} == {name: len(rows) for name, rows in before.items()}
    assert after == before


def test_a_spark_refresh_with_nothing_new_answers_from_the_lake_without_spark(spark_incremental, spark_build):
    assert spark_incremental.proc.returncode == 0, spark_incremental.proc.stdout[-3000:]
    proc, _ = spark_refresh(spark_build.base)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Nothing new: 66 files already seen" in proc.stdout
    assert "Link profiles" in proc.stdout and "sharpstore.com" in proc.stdout  # the summary, from the Spark marts
