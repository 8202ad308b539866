"""The refresh lock (dagster_project/refresh_lock.py) between real processes: busy, re-entrant,
taken over from a SIGKILLed holder, waited for."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from dagster_project import refresh_lock
from tests.conftest import ROOT

# A second process holding the lock until its stdin closes (or it is killed).
_HOLDER = """
import sys
from dagster_project import refresh_lock
with refresh_lock.hold(sys.argv[1], command="backlinks refresh"):
    print("held", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "warehouse.duckdb"


def start_holder(warehouse) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(warehouse)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout.readline() == "held\n"
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0


def test_a_second_holder_is_refused_naming_the_first(warehouse):
    first = start_holder(warehouse)
    try:
        with pytest.raises(refresh_lock.Busy) as busy, refresh_lock.hold(warehouse, grace=0):
            pass
        started = busy.value.holder.started
        assert str(busy.value) == (
            f"another refresh of {warehouse} is running (pid {first.pid}, started {started:%H:%M}): backlinks refresh"
        )
        assert busy.value.holder.pid == first.pid
        assert abs(dt.datetime.now().astimezone() - started) < dt.timedelta(minutes=10)  # when it took the lock
        # a probe names the holder too, and creates nothing
        assert refresh_lock.holder(warehouse).pid == first.pid
        assert not warehouse.exists()
    finally:
        stop(first)
    # released: free for anyone, and the probe says so
    assert refresh_lock.holder(warehouse) is None
    with refresh_lock.hold(warehouse, command="backlinks backfill") as waited:
        assert not waited
        text = json.loads(refresh_lock.lock_path(warehouse).read_text())
        assert (text["pid"], text["command"]) == (os.getpid(), "backlinks backfill")


def test_reentrant_within_the_holding_process(warehouse):
    with refresh_lock.hold(warehouse):
        assert refresh_lock.held_here(warehouse) and refresh_lock.holder(warehouse) is None
        with refresh_lock.hold(warehouse, grace=0):  # the CLI's in-process Dagster run
            assert refresh_lock.held_here(warehouse)
        assert refresh_lock.held_here(warehouse)  # the inner exit does not release it
    assert not refresh_lock.held_here(warehouse)


def test_the_lock_of_a_sigkilled_process_is_taken_over(warehouse):
    dead = start_holder(warehouse)
    dead.send_signal(signal.SIGKILL)
    dead.wait(timeout=30)
    # its lock file stays, naming it; the kernel released the lock with the process
    assert json.loads(refresh_lock.lock_path(warehouse).read_text())["pid"] == dead.pid
    assert refresh_lock.holder(warehouse) is None
    with refresh_lock.hold(warehouse, grace=0) as waited:
        assert not waited
        assert json.loads(refresh_lock.lock_path(warehouse).read_text())["pid"] == os.getpid()


def test_wait_says_so_then_runs_once_the_holder_is_done(warehouse):
    first = start_holder(warehouse)
    told, acquired = [], threading.Event()
    outcome = {}

    def second():
        with refresh_lock.hold(warehouse, wait=True, on_wait=told.append) as waited:
            outcome["waited"] = waited
            outcome["pid"] = json.loads(refresh_lock.lock_path(warehouse).read_text())["pid"]
            acquired.set()

    thread = threading.Thread(target=second)
    thread.start()
    try:
        # it said whom it waits for; it cannot hold the lock while the first holds it
        for _ in range(500):
            if told:
                break
            acquired.wait(0.01)
        assert [h.pid for h in told] == [first.pid]
        assert not acquired.is_set()
    finally:
        stop(first)
    thread.join(timeout=30)
    assert outcome == {"waited": True, "pid": os.getpid()}


def test_a_dagster_run_holding_the_lock_lets_its_own_steps_pass(warehouse):
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER.replace('command="backlinks refresh"', 'command="Dagster run 1a2b", run_id="1a2b-run"'),
         str(warehouse)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline() == "held\n"
    try:
        assert refresh_lock.holder(warehouse, run_id="1a2b-run") is None  # a step of that run
        other = refresh_lock.holder(warehouse, run_id="another-run")
        assert other is not None and other.command == "Dagster run 1a2b"
    finally:
        stop(holder)


def test_probes_never_make_a_refresh_busy(warehouse):
    # a sensor probing in a loop (shared lock for an instant) while a refresh takes the lock
    refresh_lock.lock_path(warehouse).touch()
    prober = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\nfrom dagster_project import refresh_lock\nprint('go', flush=True)\n"
         "while True: refresh_lock.holder(sys.argv[1])", str(warehouse)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert prober.stdout.readline() == "go\n"
        for _ in range(50):
            with refresh_lock.hold(warehouse):
                pass
    finally:
        prober.kill()
        prober.wait(timeout=30)


def test_started_shows_the_date_when_not_today():
    now = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
    assert (
        refresh_lock.Holder(42, dt.datetime(2026, 12, 7, 6, 5, tzinfo=dt.UTC)).describe(now) == "pid 42, started 06:05"
    )
    yesterday = refresh_lock.Holder(42, dt.datetime(2026, 12, 6, 23, 50, tzinfo=dt.UTC))
    assert yesterday.describe(now) == "pid 42, started 2026-12-06 23:50"
    assert refresh_lock.Holder.parse("") is None and refresh_lock.Holder.parse("not json") is None
