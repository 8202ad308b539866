"""A backfill over a date range: what it will land per partition, and what the warehouse holds
per snapshot date afterwards. The command itself is cli/backfill.py."""

from __future__ import annotations

from collections import Counter
from pathlib import Path


def partition_counts(folder: Path, warehouse: Path, start: str, end: str, bounds) -> tuple[Counter, Counter, int, int]:
    """Per partition of [start, end]: how many files are new and how many the warehouse holds;
    plus the number of new files outside the range (left for another run) and of new files only
    their contents can date (landing decides whether they belong to the range: planning.in_run)."""
    import datetime as dt

    from dagster_project import inbox as inbox_mod
    from dagster_project import planning
    from dagster_project import warehouse as wh

    files = inbox_mod.scan(folder)
    state = wh.published_state(warehouse)
    new, held, outside, undated = Counter(), Counter(), 0, 0
    for n in planning.plan(files, state, dt.datetime.now(dt.UTC).date()).new:
        if n.date is None:
            undated += 1
        elif planning.in_run(n, start, end, bounds):
            new[planning.partition_key_for(n.date, bounds)] += 1
        else:
            outside += 1
    for f in files:
        for day in state.loaded_dates(f.relative):
            key = planning.partition_key_for(day, bounds)
            if start <= key <= end:
                held[key] += 1
    return new, held, outside, undated


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
