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


def _graphql(port: int, query: str) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]


def test_backlinks_ui_serves_the_cli_runs_on_the_same_paths(sample_refresh):
    """`backlinks ui` with the refresh's flags and no DAGSTER_HOME: the real `dagster dev` answers
    with the CLI's run and a code location that loaded, reading the same inbox."""
    import signal
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "BACKLINKS_AUTOMATION")}
    flags = ["--config", str(sample_refresh.config), "--inbox", str(sample_refresh.inbox)]
    flags += ["--warehouse", str(sample_refresh.warehouse), "--port", str(port)]
    ui = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli", "ui", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
        start_new_session=True,  # dagster dev's webserver, daemon and code server: one group to stop
    )
    try:
        first = ui.stdout.readline()
        assert first.startswith(f"Dagster UI on http://127.0.0.1:{port} — warehouse {sample_refresh.warehouse}")
        assert f"runs in {sample_refresh.warehouse.parent / HOME_NAME}" in first
        deadline, data = time.monotonic() + 240, None
        query = (
            "{ runsOrError { ... on Runs { results { status tags { key value } } } }"
            " workspaceOrError { ... on Workspace { locationEntries { name"
            " locationOrLoadError { __typename } } } } }"
        )
        while time.monotonic() < deadline and ui.poll() is None:
            try:
                data = _graphql(port, query)
                entries = data["workspaceOrError"]["locationEntries"]
                if entries and entries[0]["locationOrLoadError"]:
                    break
            except OSError:
                pass
            time.sleep(2)
        assert data is not None, "dagster dev did not answer"
        (entry,) = data["workspaceOrError"]["locationEntries"]
        assert entry["name"] == "backlink_warehouse"
        assert entry["locationOrLoadError"]["__typename"] == "RepositoryLocation"
        cli_runs = [
            run
            for run in data["runsOrError"]["results"]
            if {"key": "backlinks/cli", "value": "backlinks refresh"} in run["tags"]
        ]
        assert cli_runs and all(run["status"] == "SUCCESS" for run in cli_runs)
    finally:
        os.killpg(ui.pid, signal.SIGTERM)
        try:
            ui.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(ui.pid, signal.SIGKILL)
            ui.wait()
