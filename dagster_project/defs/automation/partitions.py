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

Which partition a file belongs to, which partitions a refresh needs and the window of dates a
run rebuilds are decided in planning.py (pure, unit-tested); this module holds the Dagster side:
the partitions definition, its current bounds and the run tags of a key range.
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from dagster_project.partitions_start import resolve_start as resolve_partitions_start

# the pure side of partitions, named here too for the callers that think in partitions
from dagster_project.planning import OPEN_END, OPEN_START, Bounds, partition_key_for, week_start, window_vars  # noqa: F401

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


def current_bounds() -> Bounds:
    """The first and last partition keys now (the last moves with the clock)."""
    return Bounds(snapshot_partitions.get_first_partition_key(), snapshot_partitions.get_last_partition_key())


def range_tags(keys: Iterable[str]) -> dict[str, str]:
    """Run tags for one run over the smallest key range holding `keys`."""
    keys = sorted(keys)
    if not keys:
        raise ValueError("no partition keys")
    return {RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]}
