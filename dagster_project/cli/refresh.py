"""`backlinks refresh`: land every new export in the inbox, rebuild, check, publish, summarise."""

from __future__ import annotations

import sys

import click

from dagster_project import inbox as inbox_mod
from dagster_project import warehouse as wh
from dagster_project.cli import common, output
from dagster_project.cli.job import run_refresh_job
from dagster_project.config import load_config
from dagster_project.fingerprint import warehouse_fingerprint


@click.command("refresh")
@common.paths_options
@common.inbox_option
@click.option("--force", is_flag=True, help="Rebuild the models even when nothing in the inbox or config changed.")
@common.wait_option
@common.verbose_option
def command(config_path, warehouse_path, inbox, force, wait, verbose) -> None:
    """Ingest every new export in the inbox, rebuild the models, run every check, print a summary."""
    paths = common.resolve(config_path, inbox, warehouse_path, need_inbox=True)
    config = load_config(paths.config)
    console = common.console
    console.print(f"[bold]Backlink Warehouse[/] refresh · inbox {paths.inbox} → {paths.warehouse}")
    common.ready_warehouse(paths.warehouse)

    # The "Nothing new" answer takes no lock: it only reads the published warehouse, which a
    # refresh replaces atomically (a reader sees the old file or the new one, never a half-built
    # one), so it is right while another refresh runs — and a user asking "anything new?" is not
    # told "busy". Only a refresh that will write takes the lock.
    plan = _nothing_to_do(paths, config, force, verbose)
    with common.writer_lock(paths, "backlinks refresh", wait) as waited:
        if waited:  # the refresh we waited for may have landed these very files
            plan = _nothing_to_do(paths, config, force, verbose)
        console.print(f"[bold]Landing exports[/]: {len(plan.new)} new, {len(plan.duplicates)} duplicate, {len(plan.unchanged)} unchanged")
        rejected: list[tuple[str, str]] = []
        busy: list[str] = []  # a read-write client took the warehouse during the run
        printer = output.file_listener(output.ProgressPrinter(files_total=len(plan.new)), rejected)

        def listener(event: str, data: dict) -> None:
            if event == "busy":
                busy.append(data["message"])
            printer(event, data)

        from dagster_project.defs.automation.partitions import refresh_run_kwargs

        # one run over the partitions (snapshot dates) of the new files: every new file lands
        outcome = run_refresh_job(progress_listener=listener, **refresh_run_kwargs(plan.new, paths.warehouse))
    console.print()
    if not busy:  # else another process may hold the file: the error says what happened
        output.render_summary(paths.warehouse, verbose)
    code = output.report_outcome(outcome, rejected)
    sys.exit(common.EXIT_BUSY if busy else code)


def _nothing_to_do(paths, config, force: bool, verbose: bool) -> inbox_mod.Plan:
    """The inbox's plan against the published warehouse; with nothing to do, say so and exit 0."""
    plan = inbox_mod.plan(inbox_mod.scan(paths.inbox), wh.loaded_hashes(paths.warehouse))
    unchanged_config = wh.last_config_fingerprint(paths.warehouse) == warehouse_fingerprint(config)
    if plan.is_empty and unchanged_config and not force:
        # Starting Dagster and dbt costs tens of seconds; with nothing new there is nothing to do.
        common.console.print(f"Nothing new: {len(plan.unchanged)} files already loaded, config and models unchanged.\n")
        output.render_summary(paths.warehouse, verbose)
        sys.exit(common.EXIT_OK)
    return plan
