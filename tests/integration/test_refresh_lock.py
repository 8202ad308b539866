"""One refresh per warehouse at a time, end to end.

- Two `backlinks refresh` of the bundled sample into one warehouse at once: the second exits 3 with
  one line naming the first (pid, start time), a third with `--wait` waits and then finds nothing
  new, and the first completes with exactly the warehouse of an uninterrupted refresh.
- A Dagster run (the refresh job, launched as the UI's run worker launches it) started while a
  `backlinks refresh` holds the lock fails its first step with the same line and touches nothing.
- A run of the multiprocess executor holds the lock in its orchestrating process for the whole
  run; its steps, in child processes, pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.reconstruct import ReconstructableJob

from dagster_project import refresh_lock
from tests.conftest import SAMPLE_CONFIG, SAMPLE_INBOX, refresh
from tests.integration.test_crash_safety import (
    assert_same_state,
    start_refresh,
    warehouse_state,
)
from tests.unit.test_refresh_lock import start_holder, stop

pytestmark = pytest.mark.e2e


def _wait_for_holder(warehouse: Path, proc: subprocess.Popen) -> refresh_lock.Holder:
    for _ in range(6000):
        found = refresh_lock.holder(warehouse)
        if found is not None:
            return found
        assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.05)
    raise AssertionError("the first refresh never took the lock")


def test_a_second_refresh_exits_3_naming_the_first_which_completes(sample_refresh, tmp_path):
    assert sample_refresh.exit_code == 0, sample_refresh.stdout[-3000:]
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse.duckdb"
    shutil.copytree(SAMPLE_INBOX, inbox)

    first = start_refresh(inbox, warehouse)
    try:
        held = _wait_for_holder(warehouse, first)
        assert (held.pid, held.command) == (first.pid, "backlinks refresh")

        second = refresh(inbox, warehouse)
        assert second.exit_code == 3, second.stdout + second.stderr
        assert second.stderr.count("\n") == 1 and "Traceback" not in second.stdout + second.stderr
        assert second.stderr.startswith(
            f"error: another refresh of {warehouse} is running (pid {first.pid}, started {held.started:%H:%M}): "
            "backlinks refresh; try again later, or pass --wait to wait for it"
        )
        third = start_refresh(inbox, warehouse, SAMPLE_CONFIG, "--wait")  # queues behind the first
        said = [third.stdout.readline()]  # the header (wrapped, maybe), then what it waits for
        while not said[-1].startswith("another refresh") and len(said) < 3:
            said.append(third.stdout.readline())
        assert said[-1] == (
            f"another refresh of {warehouse} is running (pid {first.pid}, started {held.started:%H:%M}): "
            "backlinks refresh; waiting for it to finish…\n"
        ), said
        output, _ = first.communicate(timeout=900)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, output[-3000:]
    assert_same_state(warehouse_state(warehouse), warehouse_state(sample_refresh.warehouse))

    # the waiting one ran once the first was done: it found everything loaded
    rest, _ = third.communicate(timeout=300)
    assert third.returncode == 0 and "Nothing new: " in rest, rest[-3000:]
    assert json.loads(refresh_lock.lock_path(warehouse).read_text())["pid"] == third.pid
    assert refresh_lock.holder(warehouse) is None  # both gone, nothing left held


# --- Dagster runs -----------------------------------------------------------------------------------


def refresh_job_def():
    from dagster_project.definitions import defs

    return defs().resolve_job_def("refresh")


def test_a_dagster_run_fails_its_first_step_while_a_cli_refresh_holds_the_lock(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse.duckdb"
    shutil.copytree(SAMPLE_INBOX, inbox)
    holder = start_holder(warehouse)  # a `backlinks refresh` by hand
    try:
        resources = {
            "warehouse": {
                "config": {"warehouse": str(warehouse), "inbox": str(inbox), "config_path": str(SAMPLE_CONFIG)}
            }
        }
        with (
            dg.instance_for_test() as instance,
            dg.execute_job(
                ReconstructableJob.for_file(__file__, "refresh_job_def"),
                instance=instance,
                run_config={"resources": resources},
                tags={"dagster/partition": "2026-08-17"},
            ) as result,
        ):
            failures = {e.step_key: e.event_specific_data.error.message for e in result.all_events if e.is_step_failure}
            started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    finally:
        stop(holder)
    assert not result.success
    ((step, message),) = failures.items()
    assert step == "landed_exports"
    assert f"another refresh of {warehouse} is running (pid {holder.pid}, started " in message
    assert message.rstrip().endswith("): backlinks refresh")
    assert started == {"landed_exports"}  # no check, no dbt, no publish
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inbox", "warehouse.duckdb.lock"]  # nothing built


@dg.asset
def lock_probe(context) -> None:
    warehouse = os.environ["LOCK_PROBE_WAREHOUSE"]
    seen = {
        "pid": os.getpid(),
        "holder": refresh_lock.holder(warehouse).pid,  # someone holds it ...
        "holder_run": refresh_lock.holder(warehouse).run_id,
        "for_this_run": refresh_lock.holder(warehouse, run_id=context.run_id),  # ... this run: pass
    }
    Path(os.environ["LOCK_PROBE_OUT"]).write_text(json.dumps(seen))


def multiprocess_probe_job():
    from dagster_project.defs.automation.run_lock import locking

    return dg.Definitions(
        assets=[lock_probe], jobs=[dg.define_asset_job("probe", executor_def=locking(dg.multiprocess_executor))]
    ).resolve_job_def("probe")


def test_a_multiprocess_run_holds_the_lock_for_its_steps_in_child_processes(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("BACKLINKS_WAREHOUSE", str(warehouse))  # the run's warehouse (no resource here)
    monkeypatch.setenv("LOCK_PROBE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LOCK_PROBE_OUT", str(tmp_path / "seen.json"))
    with (
        dg.instance_for_test() as instance,
        dg.execute_job(ReconstructableJob.for_file(__file__, "multiprocess_probe_job"), instance=instance) as result,
    ):
        assert result.success
        run_id = result.run_id
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert seen["pid"] != os.getpid() and seen["holder"] == os.getpid()  # the step ran in a child
    assert seen["holder_run"] == run_id and seen["for_this_run"] is None
    assert refresh_lock.holder(warehouse) is None and not refresh_lock.held_here(warehouse)  # released


def test_landing_check_catches_a_refresh_that_ended_between_run_start_and_first_step(tmp_path):
    """The executor found the lock taken (by a refresh that has finished since): the step must not
    proceed unlocked. A run whose caller holds the lock (the CLI), or of `execute_in_process`, passes."""
    from types import SimpleNamespace

    from dagster_project.defs.automation.run_lock import check_landing

    warehouse = tmp_path / "warehouse.duckdb"
    stop(start_holder(warehouse))  # a refresh came and went; the file still names it

    def context(executor: str, run_id: str = "run-1"):
        return SimpleNamespace(run_id=run_id, job_def=SimpleNamespace(executor_def=SimpleNamespace(name=executor)))

    with pytest.raises(
        dg.Failure, match=r"another refresh of .* was running when this run started \(pid \d+, started "
    ):
        check_landing(context("in_process"), warehouse)
    check_landing(context("execute_in_process_executor"), warehouse)
    with refresh_lock.hold(warehouse, command="backlinks refresh"):  # the CLI's own in-process run
        check_landing(context("execute_in_process_executor"), warehouse)
    with refresh_lock.hold(warehouse, command="Dagster run run-1", run_id="run-1"):  # the run's executor took it
        check_landing(context("in_process"), warehouse)
