"""A refresh killed (SIGKILL to its process group: the CLI and its dbt) while landing files and again
while dbt builds leaves nothing half-done: nothing is published, and the next refresh completes
with exactly the tables of an uninterrupted run of the same inbox (the session's `sample_refresh`),
every input file registered once with all its rows."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import psutil
import pytest
from polars.testing import assert_frame_equal

from tests.conftest import ROOT, SAMPLE_CONFIG, SAMPLE_INBOX, refresh

pytestmark = pytest.mark.e2e


# --- helpers (also used by test_atomic_refresh.py) ---------------------------------------------------


def start_refresh(inbox: Path, warehouse: Path, config: Path = SAMPLE_CONFIG, *extra: str) -> subprocess.Popen:
    """`backlinks refresh` in its own process group, progress lines readable as they are printed."""
    env = {
        **os.environ,
        "BACKLINKS_CONFIG": "",
        "BACKLINKS_INBOX": "",
        "BACKLINKS_WAREHOUSE": "",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DAGSTER_HOME", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dagster_project.cli",
            "refresh",
            "--inbox",
            str(inbox),
            "--warehouse",
            str(warehouse),
            "--config",
            str(config),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def kill_when(proc: subprocess.Popen, reached: Callable[[str], bool], timeout: float = 600) -> list[str]:
    """Read the refresh's output until a line satisfies `reached`, then SIGKILL its process group
    (and any descendant that left it). Returns the lines read."""
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=lambda: [*map(lines.put, proc.stdout), lines.put(None)], daemon=True).start()
    seen, deadline = [], time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
        if line is None:
            raise AssertionError("the refresh ended before the kill point:\n" + "".join(seen))
        seen.append(line)
        if reached(line):
            break
    family = psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGKILL)
    for child in family:  # a child in another process group (none expected) must not outlive the test
        if child.is_running():
            child.kill()
    proc.wait(timeout=60)
    psutil.wait_procs(family, timeout=30)
    return seen


def landing_files(line: str) -> bool:
    return line.strip().startswith(("loaded ", "rejected "))


def building_models(line: str) -> bool:
    return line.startswith("Building models")


def _select_all(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    """Every row of a mart, nested values as text (so frames sort and compare), sorted."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = 'marts' "
        "and table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    nested = ("[]", "STRUCT", "MAP", "UNION")
    select = ", ".join(
        f'cast("{name}" as varchar) as "{name}"' if any(mark in kind for mark in nested) else f'"{name}"'
        for name, kind in columns
    )
    frame = con.sql(f'select {select} from marts."{table}"').pl()
    return frame.sort(frame.columns, nulls_last=True)


def warehouse_state(path: Path) -> dict[str, pl.DataFrame]:
    """What a refresh produced, independent of when: audit (without timestamps), rows per file, every mart."""
    with duckdb.connect(str(path), read_only=True) as con:
        state = {
            "audit.ingest_files": con.sql(
                "select file_name, sha256, status, detected_format, snapshot_date, rows_read, rows_loaded, "
                "rows_quarantined, error from audit.ingest_files"
            ).pl(),
            "audit.quarantine": con.sql("select file_name, row_number, reason, raw from audit.quarantine").pl(),
            "raw rows per file": con.sql(
                "select 'backlinks' as kind, file_sha256, count(*) as n from raw.backlinks group by all union all "
                "select 'mentions', file_sha256, count(*) from raw.mentions group by all union all "
                "select 'rankings', file_sha256, count(*) from raw.rankings group by all"
            ).pl(),
        }
        marts = con.sql("select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
        for (table,) in marts:
            state[f"marts.{table}"] = _select_all(con, table)
    return {name: frame.sort(frame.columns, nulls_last=True) for name, frame in state.items()}


def assert_same_state(actual: dict[str, pl.DataFrame], expected: dict[str, pl.DataFrame]) -> None:
    assert sorted(actual) == sorted(expected)
    for name in expected:
        assert actual[name].height == expected[name].height, name
        assert_frame_equal(actual[name], expected[name], check_exact=False, rel_tol=1e-9, abs_tol=1e-12), name


# --- the test ------------------------------------------------------------------------------------------


def test_a_killed_refresh_leaves_nothing_half_done_and_the_next_one_completes(sample_refresh, tmp_path):
    assert sample_refresh.exit_code == 0, sample_refresh.stdout[-3000:]
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse.duckdb"
    shutil.copytree(SAMPLE_INBOX, inbox)
    building = Path(f"{warehouse}.building")
    timings = {}

    started = time.monotonic()
    seen = kill_when(start_refresh(inbox, warehouse), landing_files)
    timings["killed while landing"] = time.monotonic() - started
    assert building.exists() and not warehouse.exists(), "".join(seen)  # nothing published

    started = time.monotonic()
    seen = kill_when(start_refresh(inbox, warehouse), building_models)
    timings["killed while dbt builds"] = time.monotonic() - started
    assert not warehouse.exists(), "".join(seen)
    with duckdb.connect(str(building), read_only=True) as con:  # the dead run had landed every file
        assert con.sql("select count(*) from audit.ingest_files").fetchall()[0][0] == sum(
            1 for p in inbox.rglob("*") if p.is_file()
        )

    started = time.monotonic()
    run = refresh(inbox, warehouse)
    timings["completed"] = time.monotonic() - started
    print(f"crash-safety timings: {timings}")
    assert run.exit_code == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert not building.exists()
    assert_same_state(warehouse_state(warehouse), warehouse_state(sample_refresh.warehouse))
    # every inbox file registered exactly once (no half-registered or lost file)
    names = run.query("select file_name, count(*) from audit.ingest_files group by 1")
    assert sorted(names) == sorted((p.relative_to(inbox).as_posix(), 1) for p in inbox.rglob("*") if p.is_file())
