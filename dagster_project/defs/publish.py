"""Publish: swap the finished build copy in for the warehouse readers use, atomically."""

import dagster as dg

from dagster_project import lake, progress, storage
from dagster_project import warehouse as wh
from dagster_project.defs.automation.partitions import SINGLE_RUN, snapshot_partitions
from dagster_project.defs.dbt.assets import warehouse_models
from dagster_project.defs.resources import WarehouseResource
from dagster_project.fingerprint import warehouse_fingerprint


@dg.asset(
    key=["warehouse", "published"],
    deps=[warehouse_models],
    group_name="publish",
    kinds={"duckdb"},
    description="The warehouse file BI tools read. Replaced in one os.replace once every model built and every blocking check passed.",
    # partitioned like the rest of the graph, so a backfill of any range is one run that ends
    # with one publish (a separate unpartitioned run could interleave with a sensor's run)
    partitions_def=snapshot_partitions,
    backfill_policy=SINGLE_RUN,
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    paths = warehouse.paths
    config = warehouse.load_config()
    if paths.engine == "spark":
        # No file to swap: the Spark tables are written in place by dbt. The refresh is recorded
        # only now, after dbt succeeded, so one killed before is redone by the next (lake.py).
        lake.LakeSink(paths.lake).record_refresh(warehouse_fingerprint(config))
        progress.emit("published", path=str(paths.lake))
        context.log.info(f"recorded the refresh in {paths.lake}")
        return dg.MaterializeResult(metadata={"lake": str(paths.lake), "spark_dir": str(paths.spark_dir)})
    with wh.connect(paths.building) as con:
        wh.record_refresh(con, warehouse_fingerprint(config))
        counts = {
            row[0]: row[1]
            for row in con.sql(
                "select schema_name || '.' || table_name, estimated_size from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
    try:
        wh.publish(paths.warehouse)
    except storage.WarehouseBusy as busy:  # a client wrote to the published file meanwhile
        progress.emit("busy", message=str(busy))
        raise dg.Failure(description=str(busy), allow_retries=False) from None
    progress.emit("published", path=str(paths.warehouse))
    context.log.info(f"published {paths.warehouse}")
    return dg.MaterializeResult(metadata={"path": str(paths.warehouse), **{f"rows {k}": v for k, v in counts.items()}})
