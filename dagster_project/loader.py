"""The ingest loop: land every new inbox file into a warehouse (no Dagster here).

The ingest asset calls this on the build copy; the benchmark calls it directly.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from dagster_project import inbox as inbox_mod
from dagster_project import planning, warehouse
from dagster_project.config import Config
from dagster_project.landing import LandedFile, land_file


@dataclass
class IngestReport:
    files_seen: int = 0
    files_unchanged: int = 0
    files_loaded: int = 0
    files_rejected: int = 0
    files_duplicate: int = 0
    files_skipped: int = 0  # new, but not selected for this run (another partition)
    rows_read: Counter = field(default_factory=Counter)  # per kind
    rows_loaded: Counter = field(default_factory=Counter)
    rows_quarantined: Counter = field(default_factory=Counter)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    def add(self, landed: LandedFile) -> None:
        audit = landed.audit
        kind = landed.kind or "unknown"
        self.rows_read[kind] += audit["rows_read"]
        self.rows_loaded[kind] += audit["rows_loaded"]
        self.rows_quarantined[kind] += audit["rows_quarantined"]
        if landed.ok:
            self.files_loaded += 1
        else:
            self.files_rejected += 1
            self.rejected.append((audit["file_name"], audit["error"]))

    def as_metadata(self) -> dict:
        return {
            "files_seen": self.files_seen,
            "files_loaded": self.files_loaded,
            "files_rejected": self.files_rejected,
            "files_duplicate": self.files_duplicate,
            "files_unchanged": self.files_unchanged,
            "files_skipped": self.files_skipped,
            "rows_read": sum(self.rows_read.values()),
            "rows_loaded": sum(self.rows_loaded.values()),
            "rows_quarantined": sum(self.rows_quarantined.values()),
        }


def ingest_inbox(
    inbox: Path,
    db_path: Path | None,
    config: Config,
    on_file: Callable[[LandedFile], None] | None = None,
    select: Callable[[planning.NewFile, LandedFile | None], bool | None] | None = None,
    sink: Sink | None = None,
) -> IngestReport:
    """Land what is new in `inbox` into the warehouse at `db_path` (already begun/writable), or
    into `sink` (the Parquet lake: lake.LakeSink) when given.

    What is new is planning.plan over the warehouse's own audit. `select` may restrict which new
    files are landed (a run over a range of partitions: planning.in_run): `select(new, None)`
    returns True/False, or None when only the file's contents can date it; such a file is landed
    in memory (parsed once) and kept only if `select(new, landed)`."""
    if sink is not None:
        return _ingest(inbox, sink, config, on_file, select)
    # One connection for the whole loop (nothing else writes meanwhile); each file commits in its
    # own transaction, so a crash loses at most the file in flight, never half of one.
    with warehouse.connect(db_path) as con:
        warehouse.ensure_tables(con)
        return _ingest(inbox, warehouse.DuckDBSink(con), config, on_file, select)


class Sink(Protocol):
    """Where landing writes (warehouse.DuckDBSink, lake.LakeSink)."""

    def write_config(self, config: Config) -> None: ...
    def state(self) -> planning.WarehouseState: ...
    def record_landed(self, landed: LandedFile) -> None: ...
    def record_duplicate(self, relative: str, sha: str, size: int, holder: str) -> None: ...


def _ingest(inbox: Path, sink: Sink, config: Config, on_file, select) -> IngestReport:
    files = inbox_mod.scan(inbox)
    report = IngestReport(files_seen=len(files))
    sink.write_config(config)
    plan = planning.plan(files, sink.state(), dt.datetime.now(dt.UTC).date())
    report.files_unchanged = len(plan.unchanged)
    for new in plan.new:
        verdict = True if select is None else select(new, None)
        if verdict is False:
            report.files_skipped += 1
            continue
        landed = land_file(new.file.path, inbox, config, scanned=new.file)
        if verdict is None and not select(new, landed):
            report.files_skipped += 1
            continue
        sink.record_landed(landed)
        report.add(landed)
        if on_file:
            on_file(landed)
    for f, holder in plan.duplicates:
        sink.record_duplicate(f.relative, f.sha256, f.size, holder)
        report.files_duplicate += 1
    return report
