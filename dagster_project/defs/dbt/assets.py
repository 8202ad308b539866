"""Every dbt model as a Dagster asset; every dbt data test as an asset check.

Partitioned like the ingest step (snapshot date): a run over a key range passes its window to
dbt (min_date / max_date, through the environment: build_args.window_env), and the incremental
models rebuild only what those dates touch (docs/automation.md, "What a run rebuilds").
"""

from graphlib import TopologicalSorter

import dagster as dg
from dagster_dbt import dbt_assets
from pydantic import Field

from dagster_project import generations, lake, planning, progress
from dagster_project import warehouse as wh
from dagster_project.defs.automation.partitions import SINGLE_RUN, current_bounds, snapshot_partitions
from dagster_project.defs.dbt import parse_ahead
from dagster_project.defs.dbt.build_args import dbt_build_args, environment, window_env
from dagster_project.defs.dbt.project import DbtCli, dbt_project, translator
from dagster_project.defs.resources import WarehouseResource
from dagster_project.fingerprint import warehouse_fingerprint
from dagster_project.quality import worker


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Rebuild every incremental model from all landed rows (dbt --full-refresh). A change "
        "of sites.yml or of the model code does this by itself.",
    )


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=translator,
    partitions_def=snapshot_partitions,
    backfill_policy=SINGLE_RUN,
)
def warehouse_models(
    context: dg.AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCli, warehouse: WarehouseResource
):
    worker.stop()  # the batch checks are done: they run before this step
    window = context.partition_key_range
    paths = warehouse.paths
    spark = paths.engine == "spark"
    # what this run's landing changed: the build copy's audit against the published one
    # (the build copy still holds the published state's audit.refreshes: publish appends to it);
    # on Spark the lake's audit against its last completed refresh, so a refresh killed before
    # that has its files rebuilt by the next one
    building = lake.LakeSink(paths.lake).state() if spark else wh.ingest_state(paths.building)
    changes = planning.landed_changes(wh.published_state(paths.warehouse), building)
    build = planning.dbt_build(
        config.full_refresh, building.fingerprint, warehouse_fingerprint(warehouse.load_config()), changes
    )
    if not build.run:
        # a rejected file or a copy alone: recorded and published, the models untouched
        context.log.info(f"dbt build skipped: {build.reason}")
        progress.emit("models_skipped", reason=build.reason)
        parse_ahead.cancel(paths.dbt_target)
        if not spark:
            with wh.connect(paths.building) as con:
                generations.record_build_window(
                    con, planning.NO_WINDOW["min_date"], planning.NO_WINDOW["max_date"], False
                )
        # the models stay current for this run's partitions; Dagster wants them in dependency order
        selected = context.selected_asset_keys
        deps = context.assets_def.asset_deps
        for key in TopologicalSorter({k: deps.get(k, set()) & selected for k in selected}).static_order():
            yield dg.MaterializeResult(asset_key=key, metadata={"dbt": f"not rebuilt: {build.reason}"})
        return
    full = build.full_refresh
    vars = planning.dbt_window(window.start, window.end, current_bounds(), changes.dates)
    context.log.info(
        f"dbt build over snapshot dates {vars['min_date']}..{vars['max_date']}"
        + (f" (full refresh: {build.reason})" if full else "")
    )
    # raise_on_error=False: a failing data test must surface as a failed asset check (and a
    # non-zero CLI exit), not as a crashed step that hides which tests failed. One target folder
    # per warehouse (artifacts and dbt.log of its last run), not one more per run under dbt/target.
    # the dbt process started with the run has parsed the project meanwhile: the build runs in it
    ahead = parse_ahead.executable(paths.dbt_target)
    runner = dbt if ahead is None else dbt.model_copy(update={"dbt_executable": ahead})
    with environment(window_env(vars)):
        invocation = runner.cli(
            dbt_build_args(full, paths.engine), context=context, raise_on_error=False, target_path=paths.dbt_target
        )
    # invocation.stream() is this loop over dbt's raw log events; unrolled, so the CLI also hears
    # when a node starts and how many the build has (dbt's own count), for its progress bar
    for raw in invocation.stream_raw_events():
        node = progress.dbt_node_event(raw.raw_event)
        if node is not None:
            progress.emit("dbt_node", **node)
        for event in raw.to_default_asset_events(
            manifest=invocation.manifest,
            dagster_dbt_translator=invocation.dagster_dbt_translator,
            context=context,
            target_path=invocation.target_path,
            project=invocation.project,
        ):
            if isinstance(event, dg.Output):
                progress.emit("model", name=event.output_name)
            elif isinstance(event, dg.AssetCheckResult):
                progress.emit("check", key=event.asset_key.to_user_string(), name=event.check_name, passed=event.passed)
            yield event
    parse_ahead.finish(paths.dbt_target)
    progress.emit("dbt_finished", success=invocation.is_successful())
    if not invocation.is_successful():
        # Every check result is already reported above; failing the step keeps `publish` from
        # swapping in a warehouse with a broken or untrusted model.
        raise dg.Failure(
            description="dbt build failed (a model error or a failed error-severity test); the warehouse was not published",
            allow_retries=False,
        )
    if spark:
        return
    # what this build rebuilt: the next refresh brings the file this one replaces up to date
    # by it instead of copying the whole warehouse (generations.py)
    with wh.connect(paths.building) as con:
        generations.record_build_window(con, vars["min_date"], vars["max_date"], full)
