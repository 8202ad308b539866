"""What a refresh will do, decided in one place: pure functions, no Dagster, no DuckDB.

Every route into the warehouse — `backlinks refresh`, `backlinks backfill`, the daily schedule,
the inbox sensor, a run launched from the Dagster UI — asks this module the same questions:

- **the snapshot date of a file** (`snapshot_date`): the date in its name, else in its folders
  (innermost first), else the one its contents imply, else its modification time, else today;
  each candidate must be plausible (`quality.rules.date_in_window`: not before 1995, not after
  tomorrow), or the next one is taken. A Semrush export renamed `…-2099-01-01.csv` is dated by its
  folder or contents, never routed to a partition its rows are not stored under. Landing calls it
  with the parsed contents; planning calls `date_before_parsing`, the same candidates up to the
  contents, and gets None when only the contents can tell.
- **the files a refresh lands** (`plan`): new bytes under a name (or a changed version of a known
  name), copies of bytes the warehouse already holds (`duplicate` audit rows), unchanged files.
- **whether to run at all** (`decide`), **which partitions the run covers** (`run_keys`), **the
  snapshot dates dbt rebuilds** (`dbt_window`) and **whether dbt builds at all** (`dbt_build`).

Each new file is hashed once and parsed once per refresh. The design that makes that so, and why
it is the simplest correct one: planning never parses. A file whose name and folders carry no
plausible date is not given a partition before it is landed; a refresh lands every new file
(`LandingConfig.every_new_file`) and parses it there, once. What dbt rebuilds is then derived from
what the landing actually wrote (`landed_changes`: the snapshot dates of the files it loaded and
of the versions it superseded) and the run's partition window is widened to hold them
(`dbt_window`), so no landed row can fall outside the rebuilt window, whatever was predicted. The
alternatives were worse: parsing during planning and carrying the parsed rows to the landing step
holds every such file in memory in between; carrying only the date still parses twice. Hashes
are computed by `inbox.scan` and kept per process (keyed by path, size and modification time), so
the run the CLI starts in its own process reuses the CLI's hashes, and landing takes a file's
hash from the scan when the file is unchanged on disk since (landing.land_file).

Rebuilds: dbt runs when this run's landing changed rows (a file loaded, a version superseded),
when sites.yml or the model code changed (a full rebuild), or when asked. A rejected file or a
copy alone is recorded in the audit and published without a dbt build: the models are
untouched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from dagster_project.inbox import InboxFile
from dagster_project.quality.rules import date_in_window

# ------------------------------------------------------------------ the snapshot date of a file

_MONTHS = {
    m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
}
_DATE_PATTERNS = [
    # 2026-10-01, 2026_10_01, 2026.10.01
    (re.compile(r"(?<!\d)(20\d{2}|19\d{2})[-_.](\d{2})[-_.](\d{2})(?!\d)"), lambda m: (m[1], m[2], m[3])),
    # 20261001 (Semrush, GSC API dumps)
    (re.compile(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)"), lambda m: (m[1], m[2], m[3])),
    # 25-Apr-2020 (old Ahrefs names)
    (re.compile(r"(?<!\d)(\d{1,2})-([A-Za-z]{3})-(\d{4})(?!\d)"), lambda m: (m[3], _MONTHS.get(m[2].lower()), m[1])),
]


def _date_in(part: str) -> dt.date | None:
    """The leftmost valid date of one path component (Semrush writes the data date before the
    export time)."""
    found = []
    for pattern, groups in _DATE_PATTERNS:
        for match in pattern.finditer(part):
            try:
                year, month, day = groups(match)
                found.append((match.start(), dt.date(int(year), int(month), int(day))))
            except (TypeError, ValueError):
                continue
    return min(found)[1] if found else None


def dates_in_path(relative: str) -> list[tuple[dt.date, str]]:
    """The dates a file's path carries, in the order they count: its name ("name"), then each
    folder from the innermost ("folder"). Not yet checked for plausibility."""
    parts = PurePosixPath(relative).parts
    found = []
    for i, part in enumerate(reversed(parts)):
        day = _date_in(part)
        if day is not None:
            found.append((day, "name" if i == 0 else "folder"))
    return found


def date_from_name(relative: str) -> dt.date | None:
    """The first date of the path (name, else innermost folder), plausible or not."""
    found = dates_in_path(relative)
    return found[0][0] if found else None


def snapshot_date(
    relative: str, contents: dt.date | None, modified: dt.date | None, today: dt.date
) -> tuple[dt.date, str]:
    """THE snapshot date of a file and where it came from: the first plausible of name, folders,
    contents, modification time; today when none is."""
    candidates = [*dates_in_path(relative), (contents, "contents"), (modified, "mtime")]
    return next(((d, s) for d, s in candidates if date_in_window(d, today)), (today, "ingested"))


def date_before_parsing(relative: str, today: dt.date) -> tuple[dt.date, str] | None:
    """`snapshot_date` as far as it can be known without parsing the file: the first plausible
    date of its path, or None when its contents (or, failing those, its mtime) will decide."""
    return next(((d, s) for d, s in dates_in_path(relative) if date_in_window(d, today)), None)


# ------------------------------------------------------------------ partitions and windows

OPEN_START, OPEN_END = "1900-01-01", "9999-12-31"


@dataclass(frozen=True)
class Bounds:
    """The first and last partition keys (the last moves with the clock:
    defs/automation/partitions.current_bounds)."""

    first: str
    last: str


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


# ------------------------------------------------------------------ what the warehouse holds


@dataclass(frozen=True)
class WarehouseState:
    """What a warehouse's audit says (warehouse.ingest_state reads it): every recorded file
    version with its status and snapshot date, and the fingerprint of its last publish."""

    files: Mapping[tuple[str, str], tuple[str, dt.date | None]] = field(default_factory=dict)
    fingerprint: str | None = None  # None: never published

    @property
    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(self.files)

    @property
    def hashes(self) -> dict[str, str]:
        """sha256 -> a file name holding those bytes (the first by name)."""
        holder: dict[str, str] = {}
        for name, sha in sorted(self.files):
            holder.setdefault(sha, name)
        return holder

    def loaded_dates(self, name: str) -> tuple[dt.date, ...]:
        """Snapshot dates of the loaded version(s) of a file name."""
        return tuple(
            sorted(
                d for (n, _), (status, d) in self.files.items() if n == name and status == "loaded" and d is not None
            )
        )

    @property
    def holds_data(self) -> bool:
        return any(status == "loaded" for status, _ in self.files.values())


# ------------------------------------------------------------------ what a refresh lands


@dataclass(frozen=True)
class NewFile:
    file: InboxFile
    date: dt.date | None  # date_before_parsing; None: landing dates it by its contents
    date_source: str | None
    replaces: tuple[dt.date, ...] = ()  # snapshot dates of the loaded version it replaces


@dataclass(frozen=True)
class Plan:
    new: list[NewFile]  # to land (includes changed versions of known names)
    duplicates: list[tuple[InboxFile, str]]  # (file, name of the file that already holds these bytes)
    unchanged: list[InboxFile]

    @property
    def files_seen(self) -> int:
        return len(self.new) + len(self.duplicates) + len(self.unchanged)


def plan(files: Iterable[InboxFile], state: WarehouseState, today: dt.date) -> Plan:
    """Split the inbox (in scan order) by what the warehouse holds. Same name and
    bytes: unchanged. Bytes held under another name: a duplicate (a second copy in the same drop
    is a duplicate of the first). Anything else is new."""
    holder = state.hashes
    new, duplicates, unchanged = [], [], []
    for f in files:
        if (f.relative, f.sha256) in state.files:
            unchanged.append(f)
        elif f.sha256 in holder:
            duplicates.append((f, holder[f.sha256]))
        else:
            holder[f.sha256] = f.relative
            known = date_before_parsing(f.relative, today)
            new.append(NewFile(f, *(known or (None, None)), state.loaded_dates(f.relative)))
    return Plan(new, duplicates, unchanged)


def partition_keys(new: Iterable[NewFile], bounds: Bounds) -> list[str]:
    """The partitions the new files are known to touch before landing: those of their dates and
    of the versions they replace. A file only its contents can date adds none (see the module
    docstring: the dbt window widens to it once it is landed)."""
    days = {d for n in new for d in ((n.date,) if n.date else ()) + n.replaces}
    return sorted({partition_key_for(d, bounds) for d in days})


def run_keys(new: Iterable[NewFile], bounds: Bounds) -> list[str]:
    """The partition keys of a refresh run: the new files' partitions, else the latest one."""
    return partition_keys(new, bounds) or [bounds.last]


def in_run(
    new: NewFile, start_key: str, end_key: str, bounds: Bounds, landed_date: dt.date | None = None
) -> bool | None:
    """Does a run over [start_key, end_key] land this new file? A dated file: by its date. A file
    only its contents date: None until it is landed, then by the date landing gave it."""
    day = new.date or landed_date
    if day is None:
        return None
    return start_key <= partition_key_for(day, bounds) <= end_key


# ------------------------------------------------------------------ run or not, and dbt


@dataclass(frozen=True)
class Decision:
    run: bool
    reason: str
    full_rebuild: bool = False
    no_exports: bool = False  # the inbox holds no file and the warehouse no data: nothing to build


def decide(plan: Plan, state: WarehouseState, fingerprint: str, force: bool = False) -> Decision:
    """Does a refresh (CLI or schedule) start a run? Files to land or record, a changed sites.yml
    or model code (on a warehouse that holds data), or --force: yes. Otherwise nothing changed and
    the published warehouse is the answer."""
    if plan.new or plan.duplicates:
        parts = [f"{len(plan.new)} new or changed files"] if plan.new else []
        parts += [f"{len(plan.duplicates)} copies of loaded files"] if plan.duplicates else []
        return Decision(True, ", ".join(parts))
    if force:
        return Decision(True, "a full rebuild was asked for", full_rebuild=True)
    if state.holds_data and state.fingerprint != fingerprint:
        return Decision(True, "sites.yml or the models changed", full_rebuild=True)
    if not plan.files_seen and not state.holds_data:
        return Decision(False, "the inbox holds no exports", no_exports=True)
    return Decision(False, "nothing new in the inbox, sites.yml and the models unchanged")


@dataclass(frozen=True)
class Changes:
    """What one run's landing changed: build copy vs published audit (landed_changes)."""

    dates: frozenset[dt.date] = frozenset()  # snapshot dates of loaded and of superseded versions
    loaded: int = 0
    superseded: int = 0
    rejected: int = 0
    holds_data: bool = False  # the build copy holds any loaded file

    @property
    def rows_changed(self) -> bool:
        return bool(self.loaded or self.superseded)


def landed_changes(published: WarehouseState, building: WarehouseState) -> Changes:
    """Files loaded, superseded or rejected by this run, and the snapshot dates whose rows moved."""
    dates, loaded, superseded, rejected = set(), 0, 0, 0
    for key, (status, day) in building.files.items():
        before = published.files.get(key, (None, None))[0]
        if status == before:
            continue
        if status == "loaded":
            loaded += 1
        elif status == "rejected":
            rejected += 1
        elif status == "superseded" and before == "loaded":
            superseded += 1
        else:
            continue
        if day is not None and status != "rejected":
            dates.add(day)
    return Changes(frozenset(dates), loaded, superseded, rejected, building.holds_data)


@dataclass(frozen=True)
class DbtBuild:
    run: bool
    full_refresh: bool
    reason: str


def dbt_build(requested_full: bool, last_fingerprint: str | None, fingerprint: str, changes: Changes) -> DbtBuild:
    """Whether and how dbt builds in this run. A full rebuild when asked, or when sites.yml or the
    model code changed since the last publish (either can change any row of any snapshot) on a
    warehouse holding data; an incremental build when landing changed rows; else no build at all."""
    if requested_full:
        return DbtBuild(True, True, "a full rebuild was asked for")
    if changes.holds_data and last_fingerprint != fingerprint:
        return DbtBuild(True, True, "sites.yml or the models changed" if last_fingerprint else "a first build")
    if changes.rows_changed:
        return DbtBuild(True, False, f"{changes.loaded} files loaded, {changes.superseded} superseded")
    what = f"{changes.rejected} rejected" if changes.rejected else "no new rows"
    return DbtBuild(False, False, f"nothing loadable landed ({what}): the models are unchanged")


def dbt_window(start_key: str, end_key: str, bounds: Bounds, landed: Iterable[dt.date] = ()) -> dict[str, str]:
    """The snapshot dates dbt rebuilds: the run's partitions, widened to every date this run's
    landing wrote or removed rows under (a file dated by its contents may fall outside)."""
    window = window_vars(start_key, end_key, bounds)
    days = [d.isoformat() for d in landed]
    if days:
        window = {"min_date": min(window["min_date"], *days), "max_date": max(window["max_date"], *days)}
    return window


NO_WINDOW = {"min_date": OPEN_END, "max_date": OPEN_START}  # a build that rebuilt nothing (generations)
