"""The inbox sensor: new or changed exports trigger one refresh run over their snapshot dates.

- Bytes the warehouse already holds (under any name) never trigger a run.
- The cursor remembers (size, mtime, sha256) per file, so a tick hashes only files that changed
  on disk, and which bytes it already asked a run for, so a file is requested once. Dagster
  stores the cursor in the instance (DAGSTER_HOME), so it survives restarts of the daemon.
- While a refresh run is queued or running, or another refresh holds the warehouse's refresh lock
  (a `backlinks refresh` by hand), the sensor waits: the next tick sees what it loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from dagster_project import inbox as inbox_mod
from dagster_project import planning
from dagster_project import warehouse as wh
from dagster_project.defs.automation.jobs import refresh_job, refresh_run_config
from dagster_project.defs.automation.partitions import Bounds, current_bounds, range_tags
from dagster_project.defs.automation.run_lock import busy_reason
from dagster_project.defs.resources import WarehouseResource

CURSOR_VERSION = 1
ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def automation_on() -> bool:
    """Schedules and sensors start switched on only where BACKLINKS_AUTOMATION=on (production);
    in `dagster dev` they are listed, off, and can be switched on in the UI."""
    return os.environ.get("BACKLINKS_AUTOMATION", "").strip().lower() in ("1", "on", "true", "yes")


@dataclass
class InboxCursor:
    seen: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # name -> (size, mtime_ns, sha256)
    requested: dict[str, str] = field(default_factory=dict)  # name -> sha256 a run was requested for

    @classmethod
    def parse(cls, text: str | None) -> InboxCursor:
        if not text:
            return cls()
        data = json.loads(text)
        if data.get("v") != CURSOR_VERSION:
            return cls()  # an older layout: start afresh (costs one re-hash of the inbox)
        return cls({k: tuple(v) for k, v in data["seen"].items()}, dict(data["requested"]))

    def dump(self) -> str:
        return json.dumps({"v": CURSOR_VERSION, "seen": self.seen, "requested": self.requested}, sort_keys=True)


def scan_inbox(inbox: Path, cursor: InboxCursor) -> list[inbox_mod.InboxFile]:
    """inbox.scan, but a file whose size and mtime match the cursor keeps its recorded hash."""

    def known_hash(name: str, stat) -> str | None:
        cached = cursor.seen.get(name)
        return cached[2] if cached and cached[0] == stat.st_size and cached[1] == stat.st_mtime_ns else None

    found = inbox_mod.scan(inbox, known_hash)
    for f in found:
        cursor.seen[f.relative] = (f.size, f.mtime_ns, f.sha256)
    return found


def evaluate_inbox(
    inbox: Path, warehouse: Path, cursor: InboxCursor, bounds: Bounds
) -> tuple[dg.RunRequest | None, str]:
    """The run request for what the inbox holds that neither the warehouse nor an earlier request
    covers (None when nothing), and a one-line reason. Updates `cursor` in place."""
    files = scan_inbox(inbox, cursor)
    present = {f.relative for f in files}
    cursor.seen = {k: v for k, v in cursor.seen.items() if k in present}
    state = wh.published_state(warehouse)
    # a requested file that is now loaded (or gone) needs no memory any more
    cursor.requested = {
        name: sha for name, sha in cursor.requested.items() if name in present and (name, sha) not in state.files
    }
    # new bytes only: a copy of loaded bytes is recorded by the next run that lands something
    plan = planning.plan(files, state, dt.datetime.now(dt.UTC).date())
    pending = [n for n in plan.new if cursor.requested.get(n.file.relative) != n.file.sha256]
    if not pending:
        return None, f"nothing new: {len(files)} files in the inbox, all loaded or already requested"
    keys = planning.run_keys(pending, bounds)
    for n in pending:
        cursor.requested[n.file.relative] = n.file.sha256
    run_key = hashlib.sha256(
        "\n".join(sorted(f"{n.file.relative}:{n.file.sha256}" for n in pending)).encode()
    ).hexdigest()
    tags = {**range_tags(keys), "backlinks/files": str(len(pending))}
    request = dg.RunRequest(run_key=run_key, run_config=refresh_run_config(), tags=tags)
    return request, f"{len(pending)} new or changed files, partitions {keys[0]}..{keys[-1]}"


@dg.sensor(
    job=refresh_job,
    minimum_interval_seconds=int(os.environ.get("BACKLINKS_SENSOR_INTERVAL", "60")),
    default_status=dg.DefaultSensorStatus.RUNNING if automation_on() else dg.DefaultSensorStatus.STOPPED,
    description="New or changed files in the inbox → one refresh run over their snapshot dates.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SensorResult:
    active = context.instance.get_run_records(dg.RunsFilter(job_name=refresh_job.name, statuses=ACTIVE), limit=1)
    if active:
        return dg.SensorResult(skip_reason="a refresh run is in progress; waiting for it", cursor=context.cursor)
    paths = warehouse.paths
    if busy := busy_reason(paths.warehouse):  # e.g. a `backlinks refresh` by hand: next tick
        return dg.SensorResult(skip_reason=busy, cursor=context.cursor)
    cursor = InboxCursor.parse(context.cursor)
    request, reason = evaluate_inbox(paths.inbox, paths.warehouse, cursor, current_bounds())
    context.log.info(reason)
    if request is None:
        return dg.SensorResult(skip_reason=reason, cursor=cursor.dump())
    return dg.SensorResult(run_requests=[request], cursor=cursor.dump())


defs = dg.Definitions(sensors=[inbox_sensor])
