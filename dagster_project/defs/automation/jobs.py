"""The refresh job: every asset, ingest → dbt → publish, in one process (DuckDB is single-writer).

Partitioned by snapshot date through its assets (partitions.py): every run covers a key range.
Every run carries WRITER_TAG, so an instance can allow one at a time (docs/automation.md,
dagster.yaml `concurrency.runs.tag_concurrency_limits`): two runs would share the build copy.
Every run also holds the warehouse's refresh lock (run_lock.py), which keeps out a `backlinks
refresh` started by hand, and vice versa.
"""

from __future__ import annotations

import dagster as dg

from dagster_project.defs.automation.run_lock import locking

WRITER_TAG = {"backlinks/warehouse": "writer"}

refresh_job = dg.define_asset_job(
    name="refresh",
    selection=dg.AssetSelection.all(),
    description="Land new exports of the selected snapshot dates, rebuild every model (incrementally over "
    "those dates), run every check, publish the warehouse.",
    executor_def=locking(dg.in_process_executor),
    run_tags=WRITER_TAG,
)

# Every other job (the UI's "Materialize" on the asset graph) keeps Dagster's default executor,
# multiprocess, and holds the refresh lock too.
defs = dg.Definitions(jobs=[refresh_job], executor=locking(dg.multiprocess_executor))


def refresh_run_config(full_refresh: bool = False) -> dict:
    """Run config of a refresh (CLI, schedule, sensor): land every new file whatever its snapshot
    date, the run's partitions only label it (planning.py); dbt --full-refresh when asked."""
    return {
        "ops": {
            "landed_exports": {"config": {"every_new_file": True}},
            "warehouse_models": {"config": {"full_refresh": full_refresh}},
        }
    }
