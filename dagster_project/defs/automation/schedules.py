"""The daily refresh: `backlinks refresh` on a timer.

At each tick it runs the refresh job over the snapshot dates of whatever the inbox holds that the
warehouse does not (the sensor may be off, or may have missed a run), and rebuilds the models
when sites.yml or the model code changed; with nothing new it skips, as the CLI does. While another
refresh holds the warehouse's refresh lock it skips too, naming it (that refresh lands the inbox).
Cron from BACKLINKS_REFRESH_CRON (default 06:00 every day, in BACKLINKS_TIMEZONE, default UTC). Off by
default (`dagster dev`), on where BACKLINKS_AUTOMATION=on (the production set-up).
"""

from __future__ import annotations

import datetime as dt
import os

import dagster as dg

from dagster_project import inbox as inbox_mod
from dagster_project import planning
from dagster_project import warehouse as wh
from dagster_project.defs.automation.jobs import refresh_job, refresh_run_config
from dagster_project.defs.automation.partitions import Bounds, current_bounds, range_tags
from dagster_project.defs.automation.run_lock import busy_reason
from dagster_project.defs.automation.sensors import automation_on
from dagster_project.defs.resources import WarehouseResource
from dagster_project.fingerprint import warehouse_fingerprint

REFRESH_CRON = os.environ.get("BACKLINKS_REFRESH_CRON", "0 6 * * *")


def refresh_request(paths, fingerprint: str, bounds: Bounds) -> dg.RunRequest | dg.SkipReason:
    """What a refresh has to do now (planning.decide, as `backlinks refresh` asks it): one run
    over the new files' partitions, a rebuild when only the config changed, or nothing."""
    state = wh.published_state(paths.warehouse)
    plan = planning.plan(inbox_mod.scan(paths.inbox), state, dt.datetime.now(dt.UTC).date())
    decision = planning.decide(plan, state, fingerprint)
    if not decision.run:
        return dg.SkipReason(decision.reason)
    return dg.RunRequest(
        run_config=refresh_run_config(decision.full_rebuild),
        tags={**range_tags(planning.run_keys(plan.new, bounds)), "backlinks/reason": decision.reason},
    )


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
    return refresh_request(warehouse.paths, warehouse_fingerprint(warehouse.load_config()), current_bounds())


defs = dg.Definitions(schedules=[daily_refresh])
