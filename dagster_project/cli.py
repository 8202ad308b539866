"""`backlinks`: the command line. Parses flags, validates sites.yml, runs the same Dagster job the
UI runs (in-process), and renders progress and a summary. No business logic lives here.

Exit status (README, Commands): 0 all good; 1 finished, but a file was rejected or a blocking check
failed; 2 bad usage or configuration (nothing changed); 3 the warehouse is busy: another process
holds it read-write (nothing changed).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dagster_project import inbox as inbox_mod
from dagster_project import settings, storage
from dagster_project import warehouse as wh
from dagster_project.config import ConfigError, load_config
from dagster_project.fingerprint import warehouse_fingerprint

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_BUSY = 3  # another process holds the warehouse (storage.WarehouseBusy); nothing changed
_STARTED = time.perf_counter()  # the "Time:" line counts from here (interpreter start-up is ~0.1 s before)

# Bound to the real stdout now: during a run, library chatter (dbt's log lines) is redirected to
# a log file, and only our progress lines reach the user. Wide when piped, so tables don't fold.
_STDOUT = sys.stdout
console = Console(file=_STDOUT, highlight=False, width=None if _STDOUT.isatty() else 160)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)  # a path in an error stays one line


class UsageError(click.UsageError):
    exit_code = EXIT_USAGE


def _fail_usage(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {message}")
    sys.exit(EXIT_USAGE)


def ready_warehouse(warehouse: Path) -> None:
    """Before reading or building: merge a WAL a killed client left; refuse (one line, exit 3)
    while another process holds the warehouse read-write (storage.prepare_published decides)."""
    try:
        note = storage.prepare_published(warehouse).note
    except storage.WarehouseBusy as busy:
        err_console.print(f"[bold red]error:[/] {escape(str(busy))}")
        sys.exit(EXIT_BUSY)
    if note:
        console.print(f"{escape(str(warehouse))}: {note}")


def _quiet_libraries() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")
    # One "planned" event per asset for a run over a partition range, not one per asset and day:
    # a refresh of two months of snapshots otherwise logs ~4,000 of them before it starts (the
    # price: a failed run leaves its partitions "missing" rather than "failed" in the UI).
    os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "true")


def common_options(func):
    func = click.option("--warehouse", "warehouse_path", help="DuckDB warehouse file [env BACKLINKS_WAREHOUSE].")(func)
    func = click.option("--config", "config_path", help="sites.yml [env BACKLINKS_CONFIG].")(func)
    return func


def _resolve(config_path, inbox, warehouse_path, need_inbox: bool) -> settings.Paths:
    paths = settings.resolve(config_path, inbox, warehouse_path)
    try:
        load_config(paths.config)
    except ConfigError as exc:
        _fail_usage(str(exc))
    if need_inbox and not paths.inbox.is_dir():
        _fail_usage(f"inbox folder not found: {paths.inbox}")
    settings.export(paths)
    _quiet_libraries()
    return paths


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Backlink Warehouse: backlink, mention and ranking exports in; modelled, checked tables out."""


# ----------------------------------------------------------------------------------- refresh


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
            job = defs().resolve_job_def(job_name)
            instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
            # a caller's run config (e.g. backfill's archive folder) is merged with the logging one
            run_config = {"loggers": {"console": {"config": {"log_level": "INFO"}}}, **execute_kwargs.pop("run_config", {})}
            started = time.perf_counter()
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config, **execute_kwargs)
            ended = time.perf_counter()
    finally:
        unsubscribe()
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
                reason = (evaluation.description or "") or _check_reason(evaluation.metadata)
                found = (evaluation.asset_key.to_user_string(), evaluation.check_name, reason)
                # WARN severity (drift, freshness, dbt `severity: warn`) is reported, not a failed run
                warned = evaluation.severity == dg.AssetCheckSeverity.WARN
                (outcome.warned_checks if warned else outcome.failed_checks).append(found)
        elif event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            outcome.failed_steps.append(f"{event.step_key}: {error.message.strip() if error else 'failed'}")
        elif event.event_type_value == "ASSET_MATERIALIZATION":
            pass
    return outcome


def run_log_path() -> Path:
    """dbt's and Dagster's detailed output of the last run, next to the warehouse (never committed)."""
    paths = settings.resolve()
    paths.logs.mkdir(parents=True, exist_ok=True)
    return paths.logs / f"{paths.warehouse.stem}-last-run.log"


def _check_reason(metadata) -> str:
    # Our quality checks put a readable one-line `reason` first; the rest is dbt's vocabulary.
    # Escaped: a reason quotes data (a file name, an anchor) that must not be read as rich markup.
    if "reason" in metadata:
        return escape(str(metadata["reason"].value))
    for key in ("failed_expectations", "dagster_dbt/failed_row_count", "failed_rows"):
        if key in metadata:
            return escape(f"{key}: {metadata[key].value}")
    return ""


class ProgressPrinter:
    """Plain progress lines (they survive CI logs and pipes better than live bars)."""

    def __init__(self) -> None:
        self.files = 0
        self.models = 0

    def __call__(self, event: str, data: dict) -> None:
        if event == "file":
            self.files += 1
            status = data["status"]
            colour = {"loaded": "green", "rejected": "red"}.get(status, "yellow")
            # file names and errors come from the inbox: never interpret them as markup
            extra = f" — {escape(data['error'])}" if data.get("error") else ""
            console.print(
                f"  [{colour}]{status:>8}[/] {escape(data['file_name'])} "
                f"[dim]{data.get('detected_format') or ''} rows {data['rows_loaded']:,}/{data['rows_read']:,}"
                f"{', quarantined ' + format(data['rows_quarantined'], ',') if data['rows_quarantined'] else ''}[/]{extra}"
            )
        elif event == "model":
            self.models += 1
            if self.models == 1:
                console.print("[bold]Building models[/] (dbt build: models, tests, contracts)")
        elif event == "published":
            console.print(f"  {self.models} models built")
            console.print(f"[bold]Published[/] {data['path']}")


def render_summary(warehouse_path: Path) -> None:
    from dagster_project.summary import build_summary

    for section in build_summary(warehouse_path).sections:
        table = Table(title=section.title, title_justify="left", show_edge=False, header_style="bold")
        for column in section.columns:
            table.add_column(column, overflow="fold")
        for row in section.rows:
            table.add_row(*[escape(_fmt(v)) for v in row])  # cells hold web text: no markup
        console.print(table)
        if section.note:
            console.print(f"  [dim]{section.note}[/]")
        console.print()


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def timing_line(outcome: RunOutcome, now: float) -> str:
    """Where the seconds of this command went: before the job, its steps, after it (the summary)."""
    steps = outcome.step_seconds
    landing = steps.get("landed_exports", 0.0)
    models = steps.get("warehouse_models", 0.0)
    publish = steps.get("warehouse__published", 0.0)
    checks = sum(steps.values()) - landing - models - publish
    parts = {
        "start-up": outcome.started_at - _STARTED,
        "landing": landing,
        "checks": checks,
        "models": models,
        "publish": publish,
        "run overhead": (outcome.ended_at - outcome.started_at) - sum(steps.values()),
        "summary": now - outcome.ended_at,
    }
    return f"Time: {now - _STARTED:.1f} s (" + ", ".join(f"{name} {seconds:.1f}" for name, seconds in parts.items()) + ")"


def report_outcome(outcome: RunOutcome, rejected_this_run: list[tuple[str, str]]) -> int:
    console.print(f"[dim]Detailed log: {run_log_path()}[/]")
    console.print(
        f"[bold]Checks:[/] {outcome.passed_checks} passed, "
        + (f"[red]{len(outcome.failed_checks)} failed[/]" if outcome.failed_checks else "0 failed")
        + (f", [yellow]{len(outcome.warned_checks)} warnings[/]" if outcome.warned_checks else "")
    )
    for asset, check, reason in outcome.failed_checks:
        console.print(f"  [red]✗[/] {asset} · {check}" + (f": {reason}" if reason else ""))
    for asset, check, reason in outcome.warned_checks:
        console.print(f"  [yellow]![/] {asset} · {check}" + (f": {reason}" if reason else ""))
    for step in outcome.failed_steps:
        console.print(f"  [red]✗ step[/] {escape(step)}")
    for name, reason in rejected_this_run:
        console.print(f"  [red]rejected[/] {escape(name)}: {escape(reason or '')}")
    if not outcome.success:
        console.print("[red]The warehouse was not published; readers still see the previous state.[/]")
    console.print(f"[dim]{timing_line(outcome, time.perf_counter())}[/]")
    problems = rejected_this_run or outcome.failed_checks or not outcome.success
    return EXIT_PROBLEMS if problems else EXIT_OK


@main.command()
@common_options
@click.option("--inbox", help="Folder of exports [env BACKLINKS_INBOX].")
@click.option("--force", is_flag=True, help="Rebuild the models even when nothing in the inbox or config changed.")
def refresh(config_path, warehouse_path, inbox, force) -> None:
    """Ingest every new export in the inbox, rebuild the models, run every check, print a summary."""
    paths = _resolve(config_path, inbox, warehouse_path, need_inbox=True)
    config = load_config(paths.config)
    console.print(f"[bold]Backlink Warehouse[/] refresh · inbox {paths.inbox} → {paths.warehouse}")
    ready_warehouse(paths.warehouse)

    plan = inbox_mod.plan(inbox_mod.scan(paths.inbox), wh.loaded_hashes(paths.warehouse))
    unchanged_config = wh.last_config_fingerprint(paths.warehouse) == warehouse_fingerprint(config)
    if plan.is_empty and unchanged_config and not force:
        # Starting Dagster and dbt costs tens of seconds; with nothing new there is nothing to do.
        console.print(f"Nothing new: {len(plan.unchanged)} files already loaded, config and models unchanged.\n")
        render_summary(paths.warehouse)
        sys.exit(EXIT_OK)

    console.print(f"[bold]Landing exports[/]: {len(plan.new)} new, {len(plan.duplicates)} duplicate, {len(plan.unchanged)} unchanged")
    printer = ProgressPrinter()
    rejected: list[tuple[str, str]] = []
    busy: list[str] = []  # a read-write client took the warehouse during the run

    def listener(event: str, data: dict) -> None:
        if event == "file" and data["status"] == "rejected":
            rejected.append((data["file_name"], data["error"]))
        if event == "busy":
            busy.append(data["message"])
        printer(event, data)

    from dagster_project.defs.automation.partitions import refresh_run_kwargs

    # one run over the partitions (snapshot dates) of the new files: every new file lands
    outcome = run_refresh_job(progress_listener=listener, **refresh_run_kwargs(plan.new, paths.warehouse))
    console.print()
    if not busy:  # else another process may hold the file: the error says what happened
        render_summary(paths.warehouse)
    code = report_outcome(outcome, rejected)
    sys.exit(EXIT_BUSY if busy else code)


from dagster_project.backfill import backfill_command  # noqa: E402  (they import this module lazily)
from dagster_project.disavow import disavow_command  # noqa: E402

main.add_command(backfill_command, "backfill")
main.add_command(disavow_command, "disavow")

if __name__ == "__main__":
    main()
