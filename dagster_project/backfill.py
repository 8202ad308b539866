"""`backlinks backfill --from DATE --to DATE [--archive DIR]`: rebuild history over a date range.

The engineer's route to what the Dagster UI does with "Materialize → partition range": ONE run of
the refresh job over the snapshot partitions from..to (BackfillPolicy.single_run), landing the
not-yet-loaded exports of those dates from the archive folder (default: the inbox) and
rebuilding the incremental models over exactly that window. Files already in the warehouse are
never landed twice, so a backfill can be repeated, resumed, or run over a range that overlaps
what a refresh loaded. Exit status as `refresh`: 0 all good, 1 a file rejected or a blocking
check failed, 2 bad usage or configuration (nothing changed).

This module imports the CLI helpers lazily: cli.py registers this command at import time.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path

import click


def _plan(folder: Path, warehouse: Path, start: str, end: str, bounds) -> tuple[Counter, Counter, int]:
    """Per partition of [start, end]: how many files are new and how many the warehouse holds;
    plus the number of new files outside the range (left for another run)."""
    from dagster_project import inbox as inbox_mod
    from dagster_project.defs.automation.partitions import loaded_files, partition_key_for, pending_files

    files = inbox_mod.scan(folder)
    loaded = loaded_files(warehouse)
    new, held, outside = Counter(), Counter(), 0
    for p in pending_files(files, loaded):
        key = partition_key_for(p.snapshot_date, bounds)
        if start <= key <= end:
            new[key] += 1
        else:
            outside += 1
    for f in files:
        for day in loaded.dates.get(f.relative, ()):
            key = partition_key_for(day, bounds)
            if start <= key <= end:
                held[key] += 1
    return new, held, outside


def partition_summary(warehouse: Path, min_date: str, max_date: str) -> list[tuple]:
    """(snapshot date, files loaded, rows loaded, files rejected, link observations) per snapshot
    date of the window that holds anything, from the published warehouse."""
    from dagster_project import warehouse as wh

    if not Path(warehouse).exists():
        return []
    with wh.connect(warehouse, read_only=True) as con:
        return con.execute(
            """
            with files as (
                select snapshot_date,
                       count(*) filter (where status = 'loaded') as loaded,
                       coalesce(sum(rows_loaded) filter (where status = 'loaded'), 0) as rows_loaded,
                       count(*) filter (where status = 'rejected') as rejected
                from audit.ingest_files
                where snapshot_date between cast(? as date) and cast(? as date)
                group by snapshot_date
            ),
            observations as (
                select snapshot_date, count(*) as observations
                from intermediate.int_backlinks__observations
                where snapshot_date between cast(? as date) and cast(? as date)
                group by snapshot_date
            )
            select coalesce(files.snapshot_date, observations.snapshot_date) as snapshot_date,
                   coalesce(loaded, 0), coalesce(rows_loaded, 0), coalesce(rejected, 0), coalesce(observations, 0)
            from files full outer join observations using (snapshot_date)
            order by 1
            """,
            [min_date, max_date, min_date, max_date],
        ).fetchall()


@click.command("backfill")
@click.option("--from", "date_from", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="First snapshot date (YYYY-MM-DD).")
@click.option("--to", "date_to", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Last snapshot date (YYYY-MM-DD), inclusive.")
@click.option(
    "--archive",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of archived exports to land from (default: the inbox).",
)
@click.option("--config", "config_path", help="sites.yml [env BACKLINKS_CONFIG].")
@click.option("--warehouse", "warehouse_path", help="DuckDB warehouse file [env BACKLINKS_WAREHOUSE].")
@click.option("--inbox", help="Folder of exports [env BACKLINKS_INBOX].")
@click.option("--full-refresh", is_flag=True, help="Rebuild the incremental models over every snapshot, not just the range.")
def backfill_command(date_from, date_to, archive, config_path, warehouse_path, inbox, full_refresh) -> None:
    """Land archived exports of the snapshot weeks holding FROM..TO and rebuild history, in one run."""
    from dagster_project import cli

    paths = cli._resolve(config_path, inbox, warehouse_path, need_inbox=archive is None)
    folder = archive.expanduser().resolve() if archive else paths.inbox
    if not folder.is_dir():
        cli._fail_usage(f"archive folder not found: {folder}")
    first, last = date_from.date(), date_to.date()
    if first > last:
        cli._fail_usage(f"--from {first} is after --to {last}")

    from dagster_project.defs.automation.partitions import Bounds, partition_key_for, range_tags, window_vars

    bounds = Bounds.now()
    start, end = partition_key_for(first, bounds), partition_key_for(last, bounds)
    window = window_vars(start, end, bounds)
    cli.console.print(f"[bold]Backlink Warehouse[/] backfill · {folder} → {paths.warehouse}")
    cli.console.print(f"Partitions {start} .. {end} (snapshot dates {window['min_date']} .. {window['max_date']}), one run")

    cli.ready_warehouse(paths.warehouse)
    new, held, outside = _plan(folder, paths.warehouse, start, end, bounds)
    for key in sorted(set(new) | set(held)):
        cli.console.print(f"  {key}  {new[key]:>4} new  {held[key]:>4} already loaded")
    cli.console.print(
        f"[bold]Landing exports[/]: {sum(new.values())} new in {len(new)} partitions, "
        f"{sum(held.values())} already loaded" + (f"; {outside} new files outside the range are left alone" if outside else "")
    )

    printer = cli.ProgressPrinter()
    rejected: list[tuple[str, str]] = []

    def listener(event: str, data: dict) -> None:
        if event == "file":
            if data["status"] == "rejected":
                rejected.append((data["file_name"], data["error"]))
            day = data.get("snapshot_date")
            cli.console.print(f"  [dim]partition[/] {day.isoformat() if isinstance(day, dt.date) else '?'}", end="")
        printer(event, data)

    outcome = cli.run_refresh_job(
        progress_listener=listener,
        tags=range_tags([start, end]),
        run_config={
            "ops": {
                "landed_exports": {"config": {"archive": str(folder)}},
                "warehouse_models": {"config": {"full_refresh": full_refresh}},
            }
        },
    )
    cli.console.print()
    rows = partition_summary(paths.warehouse, window["min_date"], window["max_date"])
    if rows:
        cli.console.print("[bold]Snapshots in the range[/] (date · files loaded · rows loaded · files rejected · link observations)")
        for day, files, rows_loaded, bad, observations in rows:
            cli.console.print(f"  {day}  {files:>4}  {rows_loaded:>10,}  {bad:>3}  {observations:>10,}")
        total = [sum(r[i] for r in rows) for i in range(1, 5)]
        cli.console.print(f"  {'total':<10}  {total[0]:>4}  {total[1]:>10,}  {total[2]:>3}  {total[3]:>10,}\n")
    cli.render_summary(paths.warehouse)
    sys.exit(cli.report_outcome(outcome, rejected))
