"""Where the snapshot partitions begin: at the earliest snapshot the warehouse or the inbox holds.

A partitions definition is fixed when the definitions load, so the start is computed once then.
A fixed start far in the past (it was 2000-01-03) showed ~1,400 weekly partitions in the UI, all
"Missing"; the earliest snapshot the published warehouse holds (its `audit.ingest_files`, read
only) and the earliest date in an inbox file's name (names only: nothing is read or hashed) give
the partitions that can hold data. An explicit `BACKLINKS_PARTITIONS_START` wins. Starting later
never loses a file: an older snapshot lands in the first partition, which is open-ended
(partitions.partition_key_for / window_vars), and the next load starts at that snapshot.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from dagster_project.planning import week_start

ENV = "BACKLINKS_PARTITIONS_START"
# no data anywhere yet (a fresh `dagster dev`): a quarter of weeks, enough for a first export
FALLBACK_WEEKS = 12
# the earliest start ever (the old fixed start): a name like `backup-19990101.csv` is not a snapshot
EARLIEST = dt.date(2000, 1, 3)


def partitions_start(
    explicit: str | None,
    warehouse_earliest: dt.date | None,
    inbox_dates: Iterable[dt.date],
    today: dt.date,
) -> str:
    """The start date of the weekly partitions (a Monday, ISO text): the explicit setting if any,
    else the week of the earliest snapshot the warehouse or the inbox holds, else FALLBACK_WEEKS
    before this week. Never after this week (future-dated names) nor before EARLIEST."""
    if explicit:
        return explicit
    known = [d for d in (warehouse_earliest, *inbox_dates) if d is not None and d >= EARLIEST]
    day = min(known) if known else today - dt.timedelta(weeks=FALLBACK_WEEKS)
    return week_start(min(day, today)).isoformat()


def warehouse_earliest(warehouse: Path) -> dt.date | None:
    """The earliest snapshot date in the published warehouse's audit, or None (no warehouse, no
    audit yet, or the file cannot be opened right now: a writer holds it)."""
    if not Path(warehouse).is_file():
        return None
    import duckdb

    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute("select min(snapshot_date) from audit.ingest_files").fetchone()[0]
    except duckdb.Error:
        return None


def inbox_dates(inbox: Path) -> list[dt.date]:
    """The dates in the names of the inbox's files (hidden files and folders skipped, as the
    inbox scan does); a name without one says nothing here."""
    from dagster_project.inbox import files, relative_name
    from dagster_project.planning import date_from_name

    days = (date_from_name(relative_name(path, Path(inbox))) for path in files(inbox))
    return [day for day in days if day is not None]


def resolve_start() -> str:
    """The start for this process's definitions, from the paths every route shares (settings.py)."""
    from dagster_project import settings

    explicit = os.environ.get(ENV)
    if explicit:  # nothing to read
        return explicit
    paths = settings.resolve()
    today = dt.datetime.now(dt.UTC).date()
    return partitions_start(None, warehouse_earliest(paths.warehouse), inbox_dates(paths.inbox), today)
