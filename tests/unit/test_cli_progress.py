"""The refresh's live progress: dbt's structured log events → "dbt_node" progress events, and the
renderer fed synthetic events, in plain mode (pipes, CI) and on a terminal (rich bars)."""

from __future__ import annotations

import io
import re

from rich.console import Console

from dagster_project import progress
from dagster_project.cli import output

# Real dbt 1.11 structured-log events (DBT_LOG_FORMAT=json, from a refresh of the bundled sample),
# trimmed to the fields that matter here.
START = {
    "info": {"name": "LogStartLine", "msg": "1 of 140 START sql view model staging.stg_audit__ingest_files [RUN]"},
    "data": {
        "description": "sql view model staging.stg_audit__ingest_files",
        "index": 1,
        "total": 140,
        "node_info": {
            "node_name": "stg_audit__ingest_files",
            "node_relation": {"schema": "staging"},
            "resource_type": "model",
            "unique_id": "model.backlink_warehouse.stg_audit__ingest_files",
            "node_status": "started",
        },
    },
}
MODEL_DONE = {
    "info": {"name": "LogModelResult", "msg": "2 of 140 OK created sql view model staging.stg_audit__quarantine"},
    "data": {
        "description": "sql view model staging.stg_audit__quarantine",
        "index": 2,
        "status": "OK",
        "total": 140,
        "node_info": {
            "node_name": "stg_audit__quarantine",
            "node_relation": {"schema": "staging"},
            "resource_type": "model",
            "unique_id": "model.backlink_warehouse.stg_audit__quarantine",
            "node_status": "success",
        },
    },
}
SEED_DONE = {
    "info": {"name": "LogSeedResult", "msg": "12 of 140 OK loaded seed file reference.spammy_tlds"},
    "data": {
        "index": 12,
        "schema": "reference",
        "status": "success",
        "total": 140,
        "node_info": {
            "node_name": "spammy_tlds",
            "node_relation": {"schema": "reference"},
            "resource_type": "seed",
            "unique_id": "seed.backlink_warehouse.spammy_tlds",
            "node_status": "success",
        },
    },
}
TEST_DONE = {
    "info": {"name": "LogTestResult", "msg": "15 of 140 PASS row_rules_stg_audit__quarantine"},
    "data": {
        "index": 15,
        "name": "row_rules_stg_audit__quarantine",
        "num_models": 140,
        "status": "pass",
        "node_info": {
            "node_name": "row_rules_stg_audit__quarantine",
            "node_relation": {"schema": "test_failures"},
            "resource_type": "test",
            "unique_id": "test.backlink_warehouse.row_rules_stg_audit__quarantine.583c2e5e5d",
            "node_status": "pass",
        },
    },
}
NODE_START = {  # a debug-level event: not a progress step
    "info": {"name": "NodeStart", "msg": "Began running node model.backlink_warehouse.stg_audit__ingest_files"},
    "data": {"node_info": START["data"]["node_info"]},
}


def test_dbt_log_events_become_node_progress_events():
    assert progress.dbt_node_event(START) == {
        "phase": "start",
        "name": "staging.stg_audit__ingest_files",
        "kind": "model",
        "index": 1,
        "total": 140,
        "status": None,
    }
    assert progress.dbt_node_event(MODEL_DONE) == {
        "phase": "done",
        "name": "staging.stg_audit__quarantine",
        "kind": "model",
        "index": 2,
        "total": 140,
        "status": "ok",
    }
    seed = progress.dbt_node_event(SEED_DONE)
    assert (seed["name"], seed["kind"], seed["status"]) == ("reference.spammy_tlds", "seed", "success")
    test = progress.dbt_node_event(TEST_DONE)  # a test's total is dbt's num_models; its name has no schema
    assert (test["name"], test["kind"], test["total"], test["status"]) == (
        "row_rules_stg_audit__quarantine",
        "test",
        140,
        "pass",
    )
    assert progress.dbt_node_event(NODE_START) is None
    assert progress.dbt_node_event({"info": {"name": "MainReportVersion"}, "data": {"version": "=1.11.16"}}) is None
    unit = {**TEST_DONE, "data": {**TEST_DONE["data"], "node_info": {"unique_id": "unit_test.backlink_warehouse.x"}}}
    assert progress.dbt_node_event(unit) is None  # a refresh excludes unit tests


# An exposure (a documented consumer of marts, dbt/models/exposures.yml) is a node of the build
# that runs nothing: dbt counts it in its total and reports it with LogNodeNoOpResult.
EXPOSURE_DONE = {
    "info": {"name": "LogNodeNoOpResult", "msg": "158 of 158 NO-OP exposure html_report"},
    "data": {
        "description": "exposure html_report",
        "index": 158,
        "total": 158,
        "node_info": {
            "node_name": "html_report",
            "resource_type": "exposure",
            "unique_id": "exposure.backlink_warehouse.html_report",
            "node_status": "no-op",
        },
    },
}


def test_an_exposure_counts_as_done_so_the_build_reaches_its_total():
    event = progress.dbt_node_event(EXPOSURE_DONE)
    assert (event["phase"], event["kind"], event["status"], event["total"]) == ("done", "exposure", "no-op", 158)
    console, buffer = plain_console()
    build = output.BuildProgress(console, live=False, clock=Clock())
    build(progress.dbt_node_event(START) | {"total": 2})
    build(progress.dbt_node_event(MODEL_DONE) | {"total": 2})
    build(event | {"total": 2})
    build.finish()
    assert (
        buffer.getvalue()
        .splitlines()[-1]
        .startswith("  dbt 2/2 nodes in 0.0 s: 1 models built, 0 tests run, 1 exposures")
    )


def synthetic_build(models: int, tests: int, failed: int = 0) -> list[dict]:
    """A dbt build's node events in dbt's order: each node starts, then is done."""
    events = []
    total = models + tests
    for i in range(total):
        kind = "model" if i < models else "test"
        name = f"marts.model_{i}" if kind == "model" else f"not_null_test_{i}"
        status = ("fail" if i >= total - failed else "pass") if kind == "test" else "success"
        events.append({"phase": "start", "name": name, "kind": kind, "index": i + 1, "total": total, "status": None})
        events.append({"phase": "done", "name": name, "kind": kind, "index": i + 1, "total": total, "status": status})
    return events


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def plain_console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=100, highlight=False, color_system=None), buffer


def test_plain_progress_prints_a_few_lines_with_done_and_total():
    console, buffer = plain_console()
    clock = Clock()
    build = output.BuildProgress(console, live=False, clock=clock)
    for event in synthetic_build(models=57, tests=83, failed=2):
        clock.now += 0.1  # a fast build: 28 s in all
        build(event)
    build.finish()
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "Building models: dbt build of 140 nodes (models, seeds, tests)"
    steps = [tuple(map(int, m.groups())) for m in map(re.compile(r"^  dbt (\d+)/(\d+) nodes").match, lines) if m]
    # a line at each quarter (35, 70, 105) and at 10 s and 20 s, then the tally: never one per node
    assert len(lines) <= 1 + output.PLAIN_STEPS + 2 and len(steps) >= output.PLAIN_STEPS - 1
    assert all(total == 140 for _, total in steps) and [d for d, _ in steps] == sorted(d for d, _ in steps)
    assert lines[-1].startswith("  dbt 140/140 nodes in 27.9 s: 57 models built, 83 tests run, 2 failed")
    # a progress line names the node running
    assert any(re.search(r"· marts\.model_\d+$|· not_null_test_\d+$", line) for line in lines[1:-1])


def test_plain_progress_of_a_slow_build_prints_about_every_ten_seconds():
    console, buffer = plain_console()
    clock = Clock()
    build = output.BuildProgress(console, live=False, clock=clock)
    for event in synthetic_build(models=10, tests=10):
        clock.now += 3.0  # 6 s a node: 120 s in all
        build(event)
    build.finish()
    lines = buffer.getvalue().splitlines()
    assert 120 / output.PLAIN_SECONDS - 2 <= len(lines) - 2 <= 120 / output.PLAIN_SECONDS + output.PLAIN_STEPS
    assert len(lines) - 2 < 20  # fewer than one per node


def test_the_printer_prints_a_line_per_file_then_the_build():
    console, buffer = plain_console()
    printer = output.ProgressPrinter(files_total=3, console=console, live=False)
    for name, status in (("a.csv", "loaded"), ("b.csv", "rejected"), ("c.csv", "loaded")):
        printer(
            "file",
            {
                "file_name": name,
                "status": status,
                "rows_read": 10,
                "rows_loaded": 10 if status == "loaded" else 0,
                "rows_quarantined": 0,
                "detected_format": "semrush_backlinks",
                "error": "not an export" if status == "rejected" else None,
            },
        )
    for event in synthetic_build(models=3, tests=2):
        printer("dbt_node", event)
    printer("dbt_finished", {"success": True})
    printer("published", {"path": "/tmp/w.duckdb"})
    printer("run_finished", {})
    out = buffer.getvalue()
    assert "  loaded a.csv semrush_backlinks rows 10/10" in out and "rejected b.csv" in out and "not an export" in out
    assert "Building models: dbt build of 5 nodes" in out
    assert out.count("dbt 5/5 nodes in") == 1  # the tally once, though both dbt_finished and run_finished came
    assert out.rstrip().endswith("Published /tmp/w.duckdb")


def terminal_console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=100, force_terminal=True, color_system=None), buffer


def test_on_a_terminal_the_build_is_a_bar_with_the_running_model_then_one_tally_line():
    console, buffer = terminal_console()
    assert output.live_progress(console, environ={})
    build = output.BuildProgress(console, live=True)
    events = synthetic_build(models=30, tests=10)
    for event in events[:41]:  # 20 nodes done, the 21st started
        build(event)
    task = build._bar.tasks[0]
    assert (task.completed, task.total, task.fields["current"]) == (20, 40, "marts.model_20")
    for event in events[41:]:
        build(event)
    build.finish()
    assert build._bar is None  # the bar is gone (transient)
    out = buffer.getvalue()
    assert "Building models: dbt build of 40 nodes" in out
    assert "40/40" in out  # the bar's last frame
    assert "dbt 40/40 nodes in" in out and "30 models built, 10 tests run" in out
    assert not re.search(r"^  dbt \d+/40 nodes ·", out, re.M)  # no plain lines on a terminal


def test_landing_many_files_on_a_terminal_is_a_bar_and_a_line_per_problem():
    console, buffer = terminal_console()
    printer = output.ProgressPrinter(files_total=60, console=console, live=True)
    for i in range(60):
        status = "rejected" if i in (7, 41) else "loaded"
        printer(
            "file",
            {
                "file_name": f"export-{i}.csv" if i != 59 else "[/]export [bold]59.csv",
                "status": status,
                "rows_read": 5,
                "rows_loaded": 0 if status == "rejected" else 5,
                "rows_quarantined": 1 if i == 9 else 0,
                "detected_format": "moz_inbound_links",
                "error": "bad header" if status == "rejected" else None,
            },
        )
    assert printer._landing is None  # every file landed: the bar is done
    out = buffer.getvalue()
    assert "rejected export-7.csv" in out and "rejected export-41.csv" in out and "export-9.csv" in out
    assert "loaded export-3.csv" not in out  # a clean file only moves the bar
    assert "60 files: 58 loaded, 2 rejected" in out
    assert "[/]export [bold]59.csv" in out  # a name in the bar is text, never markup


def test_landing_a_few_files_on_a_terminal_keeps_a_line_per_file():
    console, buffer = terminal_console()
    printer = output.ProgressPrinter(files_total=3, console=console, live=True)
    for i in range(3):
        printer(
            "file",
            {
                "file_name": f"f{i}.csv",
                "status": "loaded",
                "rows_read": 1,
                "rows_loaded": 1,
                "rows_quarantined": 0,
                "detected_format": "x",
            },
        )
    assert all(f"loaded f{i}.csv" in buffer.getvalue() for i in range(3))


def test_live_bars_only_on_a_terminal_outside_ci():
    terminal, _ = terminal_console()
    piped, _ = plain_console()
    assert output.live_progress(terminal, environ={})
    assert not output.live_progress(terminal, environ={"CI": "true"})
    assert output.live_progress(terminal, environ={"CI": "false"})
    assert not output.live_progress(piped, environ={})
