"""Running a job of the code location in this process, and what of its events the user must see."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.markup import escape

from dagster_project import instance as instance_mod
from dagster_project import settings

CLI_TAG = "backlinks/cli"  # which command started a run (shown in the UI's run list)


@dataclass
class RunOutcome:
    success: bool
    failed_checks: list[tuple[str, str, str]] = field(default_factory=list)  # (asset, check, reason)
    warned_checks: list[tuple[str, str, str]] = field(default_factory=list)  # WARN severity: shown, exit 0
    passed_checks: int = 0
    failed_steps: list[str] = field(default_factory=list)
    rejected_files: list[tuple[str, str]] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)  # Dagster step key -> wall seconds
    started_at: float = 0.0  # perf_counter() when the job started and ended
    ended_at: float = 0.0


def run_refresh_job(job_name: str = "refresh", progress_listener=None, **execute_kwargs) -> RunOutcome:
    """Execute a job of the code location in this process and collect what the user must see."""
    import dagster as dg

    from dagster_project import progress
    from dagster_project.definitions import defs

    unsubscribe = progress.subscribe(progress_listener) if progress_listener else (lambda: None)
    log_path = run_log_path()
    try:
        with (
            open(log_path, "w", encoding="utf-8") as log_file,
            contextlib.redirect_stdout(log_file),
            contextlib.redirect_stderr(log_file),
        ):
            # Loading the definitions may run `dbt parse`; its chatter belongs in the log too.
            instance_mod.prepare_home(settings.resolve())  # before loading: the location's banner names it
            _head_start(execute_kwargs.get("tags", {}))
            job = defs().resolve_job_def(job_name)
            # A persistent instance (beside the warehouse unless DAGSTER_HOME says otherwise), so
            # `dagster dev` shows the runs the CLI made (instance.py); the CLI's command is a tag.
            instance_mod.unsynced_sqlite()  # a run's ~1,200 events, each without an fsync
            instance = dg.DagsterInstance.get()
            command = click.get_current_context(silent=True)
            tags = {
                **execute_kwargs.pop("tags", {}),
                CLI_TAG: f"backlinks {command.info_name}" if command else "backlinks",
            }
            # a caller's run config (e.g. backfill's archive folder) is merged with the logging one
            run_config = {
                "loggers": {"console": {"config": {"log_level": "INFO"}}},
                **execute_kwargs.pop("run_config", {}),
            }
            started = time.perf_counter()
            with instance_mod.reused_connections(instance):  # ~1,400 events, one engine per file
                result = job.execute_in_process(
                    instance=instance, raise_on_error=False, run_config=run_config, tags=tags, **execute_kwargs
                )
            ended = time.perf_counter()
    finally:
        from dagster_project.defs.dbt import parse_ahead
        from dagster_project.quality import worker

        # normally used by the dbt step; not left waiting when the run ended before it
        worker.stop()
        parse_ahead.cancel_all()
        unsubscribe()
        if progress_listener:  # the run is over, even a crashed one: no live bar may stay on screen
            progress_listener("run_finished", {})
    outcome = RunOutcome(success=result.success, started_at=started, ended_at=ended)
    for stats in instance.get_run_step_stats(result.run_id):
        if stats.start_time and stats.end_time:
            outcome.step_seconds[stats.step_key] = stats.end_time - stats.start_time
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if evaluation.passed:
                outcome.passed_checks += 1
            else:
                reason = (evaluation.description or "") or check_reason(evaluation.metadata)
                found = (evaluation.asset_key.to_user_string(), evaluation.check_name, reason)
                # WARN severity (drift, freshness, dbt `severity: warn`) is reported, not a failed run
                warned = evaluation.severity == dg.AssetCheckSeverity.WARN
                (outcome.warned_checks if warned else outcome.failed_checks).append(found)
        elif event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            outcome.failed_steps.append(f"{event.step_key}: {error.message.strip() if error else 'failed'}")
    return outcome


def _head_start(tags: dict) -> None:
    """Start, on the other core, what the run's steps will need, before its definitions load
    (~2 s of one core): the validation worker's GX import, and the build's dbt process, which
    parses meanwhile (the step that uses each finds it running: quality/worker.py,
    defs/dbt/parse_ahead.py). Started by the landing step, both competed with landing for the two
    cores, and the parse ended after the batch checks, holding up the dbt build (README,
    Benchmarks). Not on Spark: its dbt runs another target, started by the build step."""
    from dagster_project.quality import worker

    worker.start()  # first: its module imports nothing heavy, unlike the ones below
    from dagster_project.defs.automation.partitions import RANGE_END_TAG, RANGE_START_TAG

    if RANGE_START_TAG in tags and RANGE_END_TAG in tags and settings.engine() == "duckdb":
        from dagster_project.defs.dbt import parse_ahead
        from dagster_project.defs.dbt.project import dbt_executable, dbt_project

        dbt_project()  # a stale manifest is parsed again first (project.py)
        target = settings.resolve().dbt_target
        if parse_ahead.start_for_run(target, tags[RANGE_START_TAG], tags[RANGE_END_TAG], dbt_executable()):
            print(f"dbt started ahead of the build (parsing while files land): {target}")  # the run log


def run_log_path() -> Path:
    """dbt's and Dagster's detailed output of the last run, next to the warehouse (never committed)."""
    paths = settings.resolve()
    paths.logs.mkdir(parents=True, exist_ok=True)
    return paths.logs / f"{paths.warehouse.stem}-last-run.log"


def check_reason(metadata) -> str:
    # Our quality checks put a readable one-line `reason` first; the rest is dbt's vocabulary.
    # Escaped: a reason quotes data (a file name, an anchor) that must not be read as rich markup.
    if "reason" in metadata:
        return escape(str(metadata["reason"].value))
    for key in ("failed_expectations", "dagster_dbt/failed_row_count", "failed_rows"):
        if key in metadata:
            return escape(f"{key}: {metadata[key].value}")
    return ""
