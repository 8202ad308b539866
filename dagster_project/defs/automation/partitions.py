"""Snapshot partitions: every asset of the refresh graph is partitioned by snapshot week.

A partition is one ISO week (Monday to Sunday) of snapshot dates; its key is the Monday. Why time
partitions rather than dynamic ones per export batch: a snapshot *is* a date (vendors put it in
the file name), archives are backfilled by date range (`--from/--to`), the dbt window is a date
range, and time partitions are ordered, so a key range means something; dynamic keys are ordered
by insertion and would need a registry of batches that the warehouse's audit table already is.
Why weeks rather than days: Dagster keeps a materialization per asset and a check row per asset
check for every partition of a run, and this graph had ~60 assets and ~550 checks then. A two-month
refresh over daily partitions logged ~6,000 events and ~34,000 check rows (a third of the
sample refresh's time); a year of daily partitions would be ten times that. Vendors export weekly
or monthly, velocity is weekly, and a week holds at most a few snapshots, each rebuilt
incrementally, so re-materialising a week costs no more than re-materialising its snapshots.

Everything here except the partitions definition itself is a plain function (unit-tested): which
partition a file belongs to, which partitions a set of new files needs, and the window of dates
that a run over a key range rebuilds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project import inbox as inbox_mod
from dagster_project import warehouse as wh
from dagster_project.landing import LandedFile, date_from_name
from dagster_project.partitions_start import resolve_start as resolve_partitions_start

# Snapshots older than the first partition land in it (and snapshots dated after this week in
# the last one), so no file is ever outside every partition; see `partition_key_for`. The first
# partition is the first Monday on or after the start date: the week of the earliest snapshot
# the warehouse or inbox holds, unless BACKLINKS_PARTITIONS_START says otherwise (partitions_start.py).
PARTITIONS_START = resolve_partitions_start()

snapshot_partitions = dg.WeeklyPartitionsDefinition(
    start_date=PARTITIONS_START,
    day_offset=1,  # weeks start on Monday, as ISO weeks and the velocity marts do
    # this week's partition exists now: a vendor export of this morning is loadable now
    end_offset=1,
    timezone="UTC",
)

# A backfill of any range is one run: DuckDB has one writer, every run pays the Dagster + dbt
# start-up once, and an incremental dbt build of a range is one delete+insert of its window.
SINGLE_RUN = dg.BackfillPolicy.single_run()

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

OPEN_START, OPEN_END = "1900-01-01", "9999-12-31"


@dataclass(frozen=True)
class Bounds:
    """The first and last partition keys (the last moves with the clock)."""

    first: str
    last: str

    @classmethod
    def now(cls) -> Bounds:
        return cls(snapshot_partitions.get_first_partition_key(), snapshot_partitions.get_last_partition_key())


def week_start(day: dt.date) -> dt.date:
    """The Monday of a date's ISO week."""
    return day - dt.timedelta(days=day.weekday())


def partition_key_for(day: dt.date, bounds: Bounds) -> str:
    """The partition of a snapshot date (its week's Monday), clamped into the partitions that exist."""
    return min(max(week_start(day).isoformat(), bounds.first), bounds.last)


def window_vars(start_key: str, end_key: str, bounds: Bounds) -> dict[str, str]:
    """The snapshot dates a run over the weeks [start_key, end_key] rebuilds: from the first
    Monday to the last Sunday. The first and last partitions are open-ended (they also hold the
    clamped dates)."""
    last_day = dt.date.fromisoformat(end_key) + dt.timedelta(days=6)
    return {
        "min_date": OPEN_START if start_key <= bounds.first else start_key,
        "max_date": OPEN_END if end_key >= bounds.last else last_day.isoformat(),
    }


def range_tags(keys: Iterable[str]) -> dict[str, str]:
    """Run tags for one run over the smallest key range holding `keys`."""
    keys = sorted(keys)
    if not keys:
        raise ValueError("no partition keys")
    return {RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]}


def _mtime_date(path: Path) -> dt.date:
    return dt.datetime.fromtimestamp(path.stat().st_mtime).date()


def snapshot_date_of(path: Path, relative: str) -> dt.date:
    """The snapshot date landing will give a file, without landing it: the date in its name,
    else what its contents imply, else its modification time (landing.land_bytes's order).
    Only files without a date in their name are parsed."""
    named = date_from_name(relative)
    if named is not None:
        return named
    from dagster_project.formats.registry import parse_export  # the parsers are heavy to import

    try:
        hint = parse_export(path.read_bytes(), Path(relative).name).snapshot_hint
    except Exception:  # unreadable or unrecognised: landing rejects it and dates it by mtime
        hint = None
    return hint if hint is not None else _mtime_date(path)


def landed_snapshot_date(f: inbox_mod.InboxFile, landed: LandedFile | None) -> dt.date | None:
    """The date a file's partition is decided by; None = only its contents can tell (land it first)."""
    named = date_from_name(f.relative)
    if named is not None or landed is None:
        return named
    return landed.audit.get("snapshot_date") or _mtime_date(f.path)


def window_selector(start_key: str, end_key: str, bounds: Bounds):
    """`select(file, landed)` for loader.ingest_inbox: land only files of the run's partitions.

    Two phases, so a file is parsed once: with `landed=None` a dated name decides at once (True /
    False); otherwise None asks the loader to land it first and call again with the result."""

    def select(f: inbox_mod.InboxFile, landed: LandedFile | None) -> bool | None:
        day = landed_snapshot_date(f, landed)
        if day is None:
            return None
        return start_key <= partition_key_for(day, bounds) <= end_key

    return select


# ------------------------------------------------------------------ what the inbox still needs


@dataclass(frozen=True)
class LoadedFiles:
    """What the published warehouse already holds, by file name."""

    pairs: frozenset[tuple[str, str]]  # (file_name, sha256) of every recorded version
    dates: dict[str, tuple[dt.date, ...]]  # file_name -> snapshot dates of its loaded version(s)

    @property
    def hashes(self) -> frozenset[str]:
        return frozenset(sha for _, sha in self.pairs)


def loaded_files(warehouse: Path) -> LoadedFiles:
    """Read the published warehouse (read-only; empty when it does not exist yet)."""
    if not Path(warehouse).exists():
        return LoadedFiles(frozenset(), {})
    try:
        with wh.connect(warehouse, read_only=True) as con:
            rows = con.sql("select file_name, sha256, status, snapshot_date from audit.ingest_files").fetchall()
    except duckdb.CatalogException:
        return LoadedFiles(frozenset(), {})
    dates: dict[str, list[dt.date]] = {}
    for name, _, status, day in rows:
        if status == "loaded" and day is not None:
            dates.setdefault(name, []).append(day)
    return LoadedFiles(frozenset((n, s) for n, s, *_ in rows), {k: tuple(sorted(v)) for k, v in dates.items()})


@dataclass(frozen=True)
class PendingFile:
    file: inbox_mod.InboxFile
    snapshot_date: dt.date
    replaces: tuple[dt.date, ...]  # snapshot dates of the version it replaces (a changed file)


def pending_files(files: Iterable[inbox_mod.InboxFile], loaded: LoadedFiles) -> list[PendingFile]:
    """New or changed files: bytes the warehouse has under no name. The same bytes under another
    name (a copy) are not pending: loading them again would change nothing."""
    known_hashes = loaded.hashes
    return [
        PendingFile(f, snapshot_date_of(f.path, f.relative), loaded.dates.get(f.relative, ()))
        for f in files
        if (f.relative, f.sha256) not in loaded.pairs and f.sha256 not in known_hashes
    ]


def partition_keys(pending: Iterable[PendingFile], bounds: Bounds) -> list[str]:
    """Every partition the pending files touch: their own, and those of the versions they replace
    (a re-dated re-export must clear its old snapshot too)."""
    days = {d for p in pending for d in (p.snapshot_date, *p.replaces)}
    return sorted({partition_key_for(d, bounds) for d in days})


def refresh_run_kwargs(new_files: list[inbox_mod.InboxFile], warehouse: Path) -> dict:
    """`execute_in_process` arguments for `backlinks refresh`: one run over the key range of the
    new files' snapshots (the latest partition when only config or duplicates changed)."""
    bounds = Bounds.now()
    keys = partition_keys(pending_files(new_files, loaded_files(warehouse)), bounds) or [bounds.last]
    return {"tags": range_tags(keys)}
