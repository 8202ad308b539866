"""The daily refresh: `backlinks refresh` on a timer.

At each tick it runs the refresh job over the snapshot dates of whatever the inbox holds that the
warehouse does not (the sensor may be off, or may have missed a run), and rebuilds the models
when sites.yml or the model code changed; with nothing new it skips, as the CLI does. While another
refresh holds the warehouse's refresh lock it skips too, naming it (that refresh lands the inbox).
Cron from BACKLINKS_REFRESH_CRON (default 06:00 every day, in BACKLINKS_TIMEZONE, default UTC). Off by
default (`dagster dev`), on where BACKLINKS_AUTOMATION=on (the production set-up).
"""

from __future__ import annotations

import os

import dagster as dg

from dagster_project import inbox as inbox_mod
from dagster_project import warehouse as wh
from dagster_project.defs.automation.jobs import refresh_job
from dagster_project.defs.automation.partitions import Bounds, loaded_files, partition_keys, pending_files, range_tags
from dagster_project.defs.automation.run_lock import busy_reason
from dagster_project.defs.automation.sensors import automation_on
from dagster_project.fingerprint import warehouse_fingerprint
from dagster_project.defs.resources import WarehouseResource

REFRESH_CRON = os.environ.get("BACKLINKS_REFRESH_CRON", "0 6 * * *")


def refresh_request(paths, fingerprint: str, bounds: Bounds) -> dg.RunRequest | dg.SkipReason:
    """What a refresh has to do now: one run over the new files' partitions, a run of the latest
    partition when only the config changed, or nothing."""
    pending = pending_files(inbox_mod.scan(paths.inbox), loaded_files(paths.warehouse))
    keys = partition_keys(pending, bounds)
    config_changed = wh.last_config_fingerprint(paths.warehouse) != fingerprint
    if not keys and not config_changed:
        return dg.SkipReason("nothing new in the inbox, sites.yml and the models unchanged")
    reason = f"{len(pending)} new or changed files" if keys else "sites.yml or the models changed"
    return dg.RunRequest(tags={**range_tags(keys or [bounds.last]), "backlinks/reason": reason})


@dg.schedule(
    job=refresh_job,
    cron_schedule=REFRESH_CRON,
    execution_timezone=os.environ.get("BACKLINKS_TIMEZONE", "UTC"),
    default_status=dg.DefaultScheduleStatus.RUNNING if automation_on() else dg.DefaultScheduleStatus.STOPPED,
    description="Daily refresh: land what the inbox holds that the warehouse does not, rebuild, publish.",
)
def daily_refresh(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
    if busy := busy_reason(warehouse.paths.warehouse):  # that refresh lands what the inbox holds
        return dg.SkipReason(busy)
    return refresh_request(warehouse.paths, warehouse_fingerprint(warehouse.load_config()), Bounds.now())


defs = dg.Definitions(schedules=[daily_refresh])
