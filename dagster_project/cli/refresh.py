"""`backlinks refresh`: land every new export in the inbox, rebuild, check, publish, summarise.

What to do is planning.py's decision (the schedule asks the same); this module only presents it.
"""

from __future__ import annotations

import datetime as dt
import sys

import click
from rich.markup import escape

from dagster_project import inbox as inbox_mod
from dagster_project import lake, planning
from dagster_project import warehouse as wh
from dagster_project.cli import common, output
from dagster_project.cli.job import run_refresh_job
from dagster_project.config import load_config
from dagster_project.fingerprint import warehouse_fingerprint


@click.command("refresh")
@common.paths_options
@common.inbox_option
@click.option("--force", is_flag=True, help="Rebuild every model from all landed rows, even when nothing changed.")
@common.wait_option
@common.verbose_option
@common.engine_option
def command(config_path, warehouse_path, inbox, force, wait, verbose, engine) -> None:
    """Ingest every new export in the inbox, rebuild the models, run every check, print a summary."""
    spark = common.choose_engine(engine) == "spark"
    paths = common.resolve(config_path, inbox, warehouse_path, need_inbox=True)
    config = load_config(paths.config)
    console = common.console
    if spark:
        console.print(
            f"[bold]Backlink Warehouse[/] refresh on Spark · inbox {paths.inbox} → lake {paths.lake}, "
            f"Spark tables {paths.spark_dir}"
        )
    else:
        console.print(f"[bold]Backlink Warehouse[/] refresh · inbox {paths.inbox} → {paths.warehouse}")
        common.ready_warehouse(paths.warehouse)

    # The "Nothing new" answer takes no lock: it only reads the published warehouse, which a
    # refresh replaces atomically (a reader sees the old file or the new one, never a half-built
    # one), so it is right while another refresh runs — and a user asking "anything new?" is not
    # told "busy". Only a refresh that will write takes the lock.
    plan, decision = _plan_or_exit(paths, config, force, verbose)
    with common.writer_lock(paths, "backlinks refresh", wait) as waited:
        if waited:  # the refresh we waited for may have landed these very files
            plan, decision = _plan_or_exit(paths, config, force, verbose)
        console.print(
            f"[bold]Landing exports[/]: {len(plan.new)} new, {len(plan.duplicates)} duplicate, {len(plan.unchanged)} unchanged"
        )
        rejected: list[tuple[str, str]] = []
        loaded: list[str] = []
        busy: list[str] = []  # a read-write client took the warehouse during the run
        printer = output.file_listener(output.ProgressPrinter(files_total=len(plan.new)), rejected)

        def listener(event: str, data: dict) -> None:
            if event == "file" and data["status"] == "loaded":
                loaded.append(data["file_name"])
            elif event == "busy":
                busy.append(data["message"])
            printer(event, data)

        from dagster_project.defs.automation.jobs import refresh_run_config
        from dagster_project.defs.automation.partitions import current_bounds, range_tags

        # one run over the partitions of the new files' snapshots; every new file lands
        outcome = run_refresh_job(
            progress_listener=listener,
            tags=range_tags(planning.run_keys(plan.new, current_bounds())),
            run_config=refresh_run_config(decision.full_rebuild),
        )
    console.print()
    if busy:  # another process may hold the file: the error says what happened, no summary
        output.report_outcome(outcome, rejected)
        sys.exit(common.EXIT_BUSY)
    if plan.new and not loaded and rejected and outcome.success:
        console.print(
            f"[yellow]Nothing loadable[/] in {escape(str(paths.inbox))}: "
            f"{len(rejected)} new files rejected (named below).\n"
        )
    _render_summary(paths, verbose)
    sys.exit(output.report_outcome(outcome, rejected))


def _plan_or_exit(paths, config, force: bool, verbose: bool) -> tuple[planning.Plan, planning.Decision]:
    """The inbox's plan against the published warehouse; with nothing to do, say so and exit."""
    console = common.console
    # on Spark: the lake as of its last completed refresh, so the files of a killed one run again
    state = wh.published_state(paths.warehouse)
    plan = planning.plan(inbox_mod.scan(paths.inbox), state, dt.datetime.now(dt.UTC).date())
    decision = planning.decide(plan, state, warehouse_fingerprint(config), force)
    if decision.no_exports:
        # nothing to build from: most likely the wrong folder (exit 2, nothing written)
        common.fail(
            f"the inbox {paths.inbox} holds no exports (no files under it; hidden files and folders are skipped)"
        )
    if not decision.run:
        # Starting Dagster and dbt costs tens of seconds; with nothing new there is nothing to do.
        console.print(f"Nothing new: {len(plan.unchanged)} files already seen, config and models unchanged.")
        if not state.holds_data:
            console.print(
                f"[yellow]Nothing loadable[/]: no file in {escape(str(paths.inbox))} has loaded yet (the audit says why each was rejected)."
            )
        console.print()
        _render_summary(paths, verbose)
        sys.exit(common.EXIT_OK)
    return plan, decision


def _render_summary(paths, verbose: bool) -> None:
    """The summary of the published warehouse; on Spark, of the Spark tables and the lake, read
    through a file of DuckDB views over their Parquet (lake.views_file). A Spark summary that cannot
    be read (no build yet, a table Spark left unreadable) is one line, not a traceback."""
    if paths.engine != "spark":
        output.render_summary(paths.warehouse, verbose)
        return
    import duckdb

    try:
        views = lake.views_file(paths.lake, paths.lake_views, paths.spark_dir)
        output.render_summary(views, verbose)
    except (duckdb.Error, OSError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        common.console.print(
            f"[yellow]No summary[/]: the Spark tables under {escape(str(paths.spark_dir))} could not be read ({escape(reason)})"
        )
