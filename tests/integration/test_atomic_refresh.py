"""Readers never see a half-built warehouse. A BI tool (another process) holds a read-only DuckDB
connection on the published file while a refresh with a new export runs — first one killed while
it lands files, then one that completes: the refresh succeeds, the open connection keeps seeing
the previous complete state throughout, and a new connection sees the new state. (Kills during
dbt are in test_crash_safety.py.)"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE_INBOX, refresh
from tests.integration.test_crash_safety import kill_when, landing_files, start_refresh

pytestmark = pytest.mark.e2e

NEW_FILE = "majestic/knifecraft.co.uk_backlinks_fresh_2026-11-01.csv"
STATE_SQL = """
select
    (select count(*) from audit.ingest_files) as files,
    (select count(*) from raw.backlinks) as raw_backlinks,
    (select count(*) from marts.fct_backlinks) as links,
    (select count(*) from marts.fct_backlinks where is_lost) as lost_links,
    (select cast(max(snapshot_date) as varchar) from raw.backlinks where source_tool = 'majestic') as newest_majestic
"""

# A BI tool: opens the file read-only once, then answers STATE_SQL on that same connection per line.
_READER = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
for line in sys.stdin:
    print(json.dumps(con.sql(line).fetchall()[0]), flush=True)
"""


class Reader:
    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _READER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def state(self) -> list:
        self.proc.stdin.write(" ".join(STATE_SQL.split()) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _state(path: Path) -> list:
    with duckdb.connect(str(path), read_only=True) as con:
        return list(con.sql(STATE_SQL).fetchall()[0])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def grown(sample_refresh, tmp_path_factory):
    """The sample warehouse (published), its inbox plus a new Majestic snapshot, and what a reader
    holding a connection open saw at each step."""
    assert sample_refresh.exit_code == 0, sample_refresh.stdout[-3000:]
    base = tmp_path_factory.mktemp("atomic")
    inbox, warehouse = base / "inbox", base / "warehouse.duckdb"
    shutil.copytree(SAMPLE_INBOX, inbox)
    shutil.copyfile(sample_refresh.warehouse, warehouse)
    # next month's export: the same links but the last five (lost) — new bytes, a new snapshot
    previous = (SAMPLE_INBOX / NEW_FILE.replace("2026-11-01", "2026-10-01")).read_text(encoding="utf-8").splitlines()
    (inbox / NEW_FILE).write_text("\n".join(previous[:-5]) + "\n", encoding="utf-8")
    rows = len(previous) - 1 - 5

    seen = {"published sha": _sha(warehouse), "new rows": rows}
    reader = Reader(warehouse)
    try:
        seen["reader before"] = reader.state()
        kill_when(start_refresh(inbox, warehouse), landing_files)  # the new file half-landed in the build copy
        seen["reader after a killed refresh"] = reader.state()
        seen["published sha after a killed refresh"] = _sha(warehouse)
        started = time.monotonic()
        seen["run"] = refresh(inbox, warehouse)
        seen["refresh seconds"] = time.monotonic() - started
        seen["reader after the refresh"] = reader.state()
    finally:
        reader.close()
    seen["new connection"] = _state(warehouse)
    return seen


def test_the_refresh_succeeds_while_a_reader_holds_the_warehouse(grown):
    run = grown["run"]
    print(f"atomic refresh: {grown['refresh seconds']:.0f} s")
    assert run.exit_code == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"loaded {NEW_FILE}" in " ".join(run.stdout.split())


def test_a_killed_refresh_changes_nothing_a_reader_sees(grown):
    assert grown["published sha after a killed refresh"] == grown["published sha"]
    assert grown["reader after a killed refresh"] == grown["reader before"]


def test_the_open_reader_keeps_the_previous_complete_state(grown):
    files, raw, links, lost, newest = grown["reader after the refresh"]
    assert [files, raw, links, lost, newest] == grown["reader before"]
    assert newest == "2026-10-01"


def test_a_new_connection_sees_the_new_state(grown):
    files, raw, links, _, newest = grown["new connection"]
    old_files, old_raw, old_links, _, _ = grown["reader before"]
    assert newest == "2026-11-01"
    assert files == old_files + 1
    assert raw == old_raw + grown["new rows"]
    assert links == old_links  # the new snapshot repeats known links only
