"""The Dagster UI tells the truth: a CLI refresh is recorded in the persistent instance beside its
warehouse (no DAGSTER_HOME set, as `run_cli` runs it), with the materializations of the marts per
partition, and the code location that `dagster dev` loads on the same paths starts its partitions
at the warehouse's earliest snapshot and says which files it works on."""

from __future__ import annotations

import os
import subprocess
import sys

import dagster as dg

from dagster_project import partitions_start
from dagster_project.export import CONTRACT_MARTS
from dagster_project.instance import HOME_NAME
from tests.conftest import ROOT

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def _weeks(first: str, last: str) -> list[str]:
    import datetime as dt

    day, end, keys = dt.date.fromisoformat(first), dt.date.fromisoformat(last), []
    while day <= end:
        keys.append(day.isoformat())
        day += dt.timedelta(weeks=1)
    return keys


def test_a_cli_refresh_is_recorded_beside_its_warehouse(sample_refresh):
    home = sample_refresh.warehouse.parent / HOME_NAME
    assert (home / "dagster.yaml").is_file()
    marts = [
        name
        for (name,) in sample_refresh.query(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        )
    ]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert runs, f"no run recorded in {home}"
        run = runs[-1]  # the oldest: the sample refresh itself (later tests may add none or more)
        assert run.job_name == "refresh"
        assert run.tags["backlinks/cli"] == "backlinks refresh"
        if sample_refresh.exit_code == 0:
            assert run.status == dg.DagsterRunStatus.SUCCESS
        # the run covers the partitions from the warehouse's earliest snapshot: exactly the
        # first partition the code location has on this warehouse
        earliest = sample_refresh.query("select min(snapshot_date) from audit.ingest_files")[0][0]
        assert run.tags[RANGE_START] == partitions_start.week_start(earliest).isoformat()
        weeks = _weeks(run.tags[RANGE_START], run.tags[RANGE_END])
        for name in CONTRACT_MARTS:
            if name not in marts:
                continue
            key = dg.AssetKey(["marts", name])
            event = instance.get_latest_materialization_event(key)
            assert event is not None and event.run_id == run.run_id, f"marts/{name} not materialized by the CLI's run"
            # what the UI's partition bar shows: every week of the run materialized
            assert set(instance.get_materialized_partitions(key)) >= set(weeks), name


def test_dagster_dev_on_the_same_paths_sees_the_same_partitions_and_says_where_it_reads(sample_refresh):
    home = sample_refresh.warehouse.parent / HOME_NAME
    env = {
        **os.environ,
        "BACKLINKS_CONFIG": str(sample_refresh.config),
        "BACKLINKS_INBOX": str(sample_refresh.inbox),
        "BACKLINKS_WAREHOUSE": str(sample_refresh.warehouse),
        "DAGSTER_HOME": str(home),
    }
    env.pop("BACKLINKS_PARTITIONS_START", None)
    # what the code server of `dagster dev` does: load the code location from workspace.yaml's module
    code = (
        "from dagster_project.definitions import defs\n"
        "defs()\n"
        "from dagster_project.defs.automation.partitions import snapshot_partitions as p\n"
        "print(p.get_first_partition_key())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    earliest = sample_refresh.query("select min(snapshot_date) from audit.ingest_files")[0][0]
    assert proc.stdout.strip().splitlines()[-1] == partitions_start.week_start(earliest).isoformat()
    files = sum(1 for p in sample_refresh.inbox.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert (
        f"Backlink Warehouse: config {sample_refresh.config}, inbox {sample_refresh.inbox} ({files} files), "
        f"warehouse {sample_refresh.warehouse}"
    ) in proc.stderr
    assert f"runs are recorded in DAGSTER_HOME={home}, as `backlinks` records them" in proc.stderr
