"""Every dbt model as a Dagster asset; every dbt data test as an asset check.

Partitioned like the ingest step (snapshot date): a run over a key range passes its window to
dbt as `--vars {"min_date", "max_date"}`, and the incremental models rebuild only those dates
(delete+insert), while the history-wide models are rebuilt whole from them.
"""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from pydantic import Field

from dagster_project import progress
from dagster_project import warehouse as wh
from dagster_project.defs.automation.partitions import SINGLE_RUN, Bounds, snapshot_partitions, window_vars
from dagster_project.defs.dbt.build_args import dbt_build_args, needs_full_refresh
from dagster_project.defs.dbt.project import dbt_project, translator
from dagster_project.defs.resources import WarehouseResource


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Rebuild the incremental models over every snapshot (dbt --full-refresh), e.g. after "
        "changing their SQL. A sites.yml change does this by itself.",
    )


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=translator,
    partitions_def=snapshot_partitions,
    backfill_policy=SINGLE_RUN,
)
def warehouse_models(
    context: dg.AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCliResource, warehouse: WarehouseResource
):
    window = context.partition_key_range
    vars = window_vars(window.start, window.end, Bounds.now())
    # the build copy still holds the published state's audit.refreshes (publish appends to it)
    full = needs_full_refresh(
        config.full_refresh,
        wh.last_config_fingerprint(warehouse.paths.building),
        warehouse.load_config().fingerprint(),
    )
    context.log.info(f"dbt build over snapshot dates {vars['min_date']}..{vars['max_date']}" + (" (full refresh)" if full else ""))
    # raise_on_error=False: a failing data test must surface as a failed asset check (and a
    # non-zero CLI exit), not as a crashed step that hides which tests failed.
    invocation = dbt.cli(dbt_build_args(full, vars), context=context, raise_on_error=False)
    for event in invocation.stream():
        if isinstance(event, dg.Output):
            progress.emit("model", name=event.output_name)
        elif isinstance(event, dg.AssetCheckResult):
            progress.emit("check", key=event.asset_key.to_user_string(), name=event.check_name, passed=event.passed)
        yield event
    if not invocation.is_successful():
        # Every check result is already reported above; failing the step keeps `publish` from
        # swapping in a warehouse with a broken or untrusted model.
        raise dg.Failure(
            description="dbt build failed (a model error or a failed error-severity test); the warehouse was not published",
            allow_retries=False,
        )
