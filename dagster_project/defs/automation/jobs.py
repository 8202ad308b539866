"""The refresh job: every asset, ingest → dbt → publish, in one process (DuckDB is single-writer)."""

from __future__ import annotations

import dagster as dg

refresh_job = dg.define_asset_job(
    name="refresh",
    selection=dg.AssetSelection.all(),
    description="Land new exports, rebuild every model, run every check, publish the warehouse.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(jobs=[refresh_job])
