"""`backlinks backfill --from DATE --to DATE [--archive DIR]`: rebuild history over a date range.

The engineer's route to what the Dagster UI does with "Materialize → partition range": ONE run of
the refresh job over the snapshot partitions from..to (BackfillPolicy.single_run), landing the
not-yet-loaded exports of those dates from the archive folder (default: the inbox) and
rebuilding the incremental models over exactly that window. Files already in the warehouse are
never landed twice, so a backfill can be repeated, resumed, or run over a range that overlaps
what a refresh loaded. Exit status as `refresh` (3: another refresh of the warehouse is running;
`--wait` waits for it).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from dagster_project import settings
from dagster_project.backfill import partition_counts, partition_summary
from dagster_project.cli import common, output
from dagster_project.cli.job import run_refresh_job


@click.command("backfill")
@click.option(
    "--from",
    "date_from",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First snapshot date (YYYY-MM-DD).",
)
@click.option(
    "--to",
    "date_to",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last snapshot date (YYYY-MM-DD), inclusive.",
)
@click.option(
    "--archive",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of archived exports to land from (default: the inbox).",
)
@common.paths_options
@common.inbox_option
@click.option(
    "--full-refresh", is_flag=True, help="Rebuild the incremental models over every snapshot, not just the range."
)
@common.wait_option
@common.verbose_option
def command(date_from, date_to, archive, config_path, warehouse_path, inbox, full_refresh, wait, verbose) -> None:
    """Land archived exports of the snapshot weeks holding FROM..TO and rebuild history, in one run."""
    if settings.engine() != "duckdb":
        common.fail(
            "backlinks backfill runs on DuckDB only: unset BACKLINKS_ENGINE (a Spark refresh lands every new file)"
        )
    paths = common.resolve(config_path, inbox, warehouse_path, need_inbox=archive is None)
    folder = archive.expanduser().resolve() if archive else paths.inbox
    if not folder.is_dir():
        common.fail(f"archive folder not found: {folder}")
    first, last = date_from.date(), date_to.date()
    if first > last:
        common.fail(f"--from {first} is after --to {last}")

    if archive is not None:  # the partitions start at the earliest snapshot the archive holds too
        _start_partitions_at_archive(folder, paths)
    from dagster_project.defs.automation.partitions import current_bounds, partition_key_for, range_tags, window_vars

    console = common.console
    bounds = current_bounds()
    start, end = partition_key_for(first, bounds), partition_key_for(last, bounds)
    window = window_vars(start, end, bounds)
    console.print(f"[bold]Backlink Warehouse[/] backfill · {folder} → {paths.warehouse}")
    console.print(f"Partitions {start} .. {end} (snapshot dates {window['min_date']} .. {window['max_date']}), one run")

    common.ready_warehouse(paths.warehouse)
    with common.writer_lock(paths, "backlinks backfill", wait):  # exit 3 while another refresh runs
        new, held, outside, undated = partition_counts(folder, paths.warehouse, start, end, bounds)
        for key in sorted(set(new) | set(held)):
            console.print(f"  {key}  {new[key]:>4} new  {held[key]:>4} already loaded")
        console.print(
            f"[bold]Landing exports[/]: {sum(new.values())} new in {len(new)} partitions, "
            f"{sum(held.values())} already loaded"
            + (f"; {outside} new files outside the range are left alone" if outside else "")
            + (
                f"; {undated} new files without a date in their path land if their contents date them into the range"
                if undated
                else ""
            )
        )

        rejected: list[tuple[str, str]] = []
        printer = output.file_listener(output.ProgressPrinter(), rejected)

        def listener(event: str, data: dict) -> None:
            if event == "file":
                day = data.get("snapshot_date")
                console.print(f"  [dim]partition[/] {day.isoformat() if isinstance(day, dt.date) else '?'}", end="")
            printer(event, data)

        outcome = run_refresh_job(
            progress_listener=listener,
            tags=range_tags([start, end]),
            run_config={
                "ops": {
                    "landed_exports": {"config": {"archive": str(folder)}},
                    "warehouse_models": {"config": {"full_refresh": full_refresh}},
                }
            },
        )
    console.print()
    rows = partition_summary(paths.warehouse, window["min_date"], window["max_date"])
    if rows:
        console.print(
            "[bold]Snapshots in the range[/] (date · files loaded · rows loaded · files rejected · link observations)"
        )
        for day, files, rows_loaded, bad, observations in rows:
            console.print(f"  {day}  {files:>4}  {rows_loaded:>10,}  {bad:>3}  {observations:>10,}")
        total = [sum(r[i] for r in rows) for i in range(1, 5)]
        console.print(f"  {'total':<10}  {total[0]:>4}  {total[1]:>10,}  {total[2]:>3}  {total[3]:>10,}\n")
    output.render_summary(paths.warehouse, verbose)
    sys.exit(output.report_outcome(outcome, rejected))


def _start_partitions_at_archive(folder: Path, paths) -> None:
    """Before the partitions are defined (at import): count the archive's file-name dates with the
    warehouse's and the inbox's, so archived weeks get partitions of their own in this run, as
    they will in the UI once the warehouse holds them (partitions_start.py)."""

    from dagster_project import partitions_start as ps

    if os.environ.get(ps.ENV):
        return
    today = dt.datetime.now(dt.UTC).date()
    dates = ps.inbox_dates(folder) + ps.inbox_dates(paths.inbox)
    os.environ[ps.ENV] = ps.partitions_start(None, ps.warehouse_earliest(paths.warehouse), dates, today)
