"""The dbt process started ahead of a build (dagster_project/dbt_server.py): it parses, then runs
the one `dbt build` its shim hands it, on the shim's own streams and with its exit code; without
it the shim is dbt itself."""

from __future__ import annotations

import json
import subprocess

import pytest

from dagster_project.defs.dbt import parse_ahead
from dagster_project.defs.dbt.project import dbt_executable
from dagster_project.settings import DBT_PROJECT_DIR


@pytest.fixture
def target(tmp_path, monkeypatch):
    # a scratch warehouse: the profile's file, and the target folder of its dbt runs
    monkeypatch.setenv("BACKLINKS_BUILD_PATH", str(tmp_path / "scratch.duckdb.building"))
    folder = tmp_path / "dbt-target"
    yield folder
    parse_ahead.cancel_all()


def run_shim(shim: str, target, *args: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """The shim as dagster-dbt starts dbt: JSON log on stdout, the target folder in the env."""
    proc = subprocess.run(
        [shim, *args],
        cwd=DBT_PROJECT_DIR,
        env=parse_ahead.dbt_environment(target, {}),
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    return proc, [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def test_the_build_runs_in_the_process_started_ahead_with_its_streams_and_exit_code(target):
    assert parse_ahead.start(target, {}, dbt_executable())
    assert not parse_ahead.start(target, {}, dbt_executable())  # one per target folder
    server = parse_ahead._running[target].process
    shim = parse_ahead.executable(target)

    # a seed builds: dbt's JSON events arrive on the shim's stdout, written by the server
    proc, events = run_shim(shim, target, "build", "--select", "spammy_tlds")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert {e["info"]["pid"] for e in events} == {server.pid}
    assert any(e["info"]["name"] == "LogSeedResult" for e in events)
    assert not any("parsing" in e["info"]["msg"].lower() for e in events)  # the held manifest
    parse_ahead.finish(target)
    assert server.poll() == 0  # one command, then it exits

    # the next process parses from the cache the first left; a failing build's exit code is the
    # shim's (a model whose sources do not exist in the scratch warehouse)
    assert parse_ahead.start(target, {}, dbt_executable())
    proc, events = run_shim(parse_ahead.executable(target), target, "build", "--select", "stg_audit__ingest_files")
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert any(e["info"]["level"] == "error" for e in events)
    parse_ahead.finish(target)

    # no process waiting (or any other command): the shim is dbt itself
    proc, _ = run_shim(shim, target, "--version")
    assert proc.returncode == 0 and "dbt" in (proc.stdout + proc.stderr).lower()


def test_a_run_that_builds_nothing_stops_the_process_and_leaves_no_half_cache(target):
    assert parse_ahead.start(target, {}, dbt_executable())
    server = parse_ahead._running[target].process
    parse_ahead.cancel_all()
    assert server.poll() is not None
    assert parse_ahead.executable(target) is None
