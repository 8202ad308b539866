"""Land new inbox files into the build copy of the warehouse: raw rows, quarantine, audit, config.

Partitioned by snapshot date (defs/automation/partitions.py): a run over a key range lands the
new files whose snapshot falls in it; a refresh (CLI, schedule, sensor: `every_new_file`) lands
every new file. What is new and which date a file has are planning.py's decisions. Files already
loaded are skipped whatever the range (same name and bytes), and the warehouse keeps every row it
ever landed, so deleting old exports from the inbox loses no history.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from dagster_project import generations, lake, planning, progress, schema, storage
from dagster_project import warehouse as wh
from dagster_project.defs.automation.partitions import SINGLE_RUN, current_bounds, snapshot_partitions
from dagster_project.defs.automation.run_lock import check_landing
from dagster_project.defs.dbt import parse_ahead
from dagster_project.defs.dbt.project import DbtCli, dbt_project
from dagster_project.defs.resources import WarehouseResource
from dagster_project.loader import ingest_inbox
from dagster_project.quality import worker

RAW_KEYS = [dg.AssetKey(["raw", kind]) for kind in schema.KINDS]
AUDIT_KEYS = [dg.AssetKey(["audit", "ingest_files"]), dg.AssetKey(["audit", "quarantine"])]
CONFIG_KEYS = [
    dg.AssetKey(["config", name])
    for name in ("sites", "brand_terms", "keywords", "topics", "disavow_never", "thresholds")
]

_DESCRIPTIONS = {
    "raw": "Typed, normalised rows of every landed export (one row per row read, minus quarantined).",
    "audit": "What happened to every inbox file and every quarantined row.",
    "config": "sites.yml as tables, rewritten on every refresh.",
}


class LandingConfig(dg.Config):
    """Where this run lands files from (Launchpad: ops → landed_exports → config)."""

    archive: str = Field(
        default="",
        description="A folder of archived exports to land instead of the inbox (empty: the inbox). "
        "`backlinks backfill --archive DIR` sets it.",
    )
    every_new_file: bool = Field(
        default=False,
        description="Land every new file whatever its snapshot date (a refresh does): the run's partitions "
        "then only label it, and dbt rebuilds the dates landing actually wrote. Off: only the files of the "
        "run's partitions (a backfill, a partition materialised from the UI).",
    )


def landing_note(counts: dict, folder: Path, start: str, end: str, archive: bool = False) -> str | None:
    """Why a run landed nothing (None when it landed or rejected a file): an empty inbox, files
    all loaded already, or new files of other partitions than the run's."""
    if counts["files_loaded"] or counts["files_rejected"]:
        return None
    if counts["files_seen"] == 0:
        if archive:
            return f"the archive folder {folder} holds no exports: nothing to land"
        return f"the inbox {folder} holds no exports: nothing to land (BACKLINKS_INBOX names the inbox)"
    if counts["files_skipped"]:
        return (
            f"no new export in partitions {start}..{end}: the {counts['files_skipped']} new files "
            f"in {folder} belong to other partitions"
        )
    return f"nothing new in {folder}: {counts['files_unchanged']} files already loaded, {counts['files_duplicate']} duplicates"


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, group_name="ingest", description=_DESCRIPTIONS[key.path[0]], kinds={"duckdb", "polars"})
        for key in RAW_KEYS + AUDIT_KEYS + CONFIG_KEYS
    ],
    can_subset=False,
    partitions_def=snapshot_partitions,
    backfill_policy=SINGLE_RUN,
)
def landed_exports(context: dg.AssetExecutionContext, config: LandingConfig, warehouse: WarehouseResource, dbt: DbtCli):
    """Recognise, parse, normalise and land the new files of the run's snapshot dates (idempotent by sha256)."""
    paths = warehouse.paths
    check_landing(context, paths.warehouse)  # before anything touches the build copy
    folder = Path(config.archive).expanduser().resolve() if config.archive else paths.inbox
    if not folder.is_dir():
        raise dg.Failure(description=f"folder of exports not found: {folder}", allow_retries=False)
    start, end = context.partition_key_range.start, context.partition_key_range.end
    bounds = current_bounds()
    spark = paths.engine == "spark"  # landing writes the Parquet lake (lake.py), not a build file
    if context.job_def.executor_def.name in parse_ahead.IN_PROCESS_EXECUTORS:  # the dbt step can wait for it
        if not spark and parse_ahead.start_for_run(paths.dbt_target, start, end, dbt.dbt_executable):
            context.log.info(f"dbt started ahead of the build (parsing while files land): {paths.dbt_target}")
        worker.start()  # GX imports on the other core while the files land (quality/worker.py)
    settings = warehouse.load_config()
    if spark:
        sink, build = lake.LakeSink(paths.lake), None
        sink.ensure_tables()
        context.log.info(f"landing into the lake {paths.lake}")
    else:
        try:
            build, how = wh.start_build(paths.warehouse, generations.incremental_scopes(dbt_project().manifest_path))
        except storage.WarehouseBusy as busy:  # a read-write client holds the published file
            progress.emit("busy", message=str(busy))
            raise dg.Failure(description=str(busy), allow_retries=False) from None
        sink = None
        context.log.info(f"build file {build}: {how}")

    def on_file(landed):
        a = landed.audit
        context.log.info(
            f"{a['file_name']}: {a['status']} as {a['detected_format']} "
            f"(read {a['rows_read']}, loaded {a['rows_loaded']}, quarantined {a['rows_quarantined']})"
            + (f" — {a['error']}" if a["error"] else "")
        )
        progress.emit("file", **a)

    def in_run(new: planning.NewFile, landed) -> bool | None:
        return planning.in_run(new, start, end, bounds, landed.audit["snapshot_date"] if landed else None)

    report = ingest_inbox(
        folder, build, settings, on_file=on_file, select=None if config.every_new_file else in_run, sink=sink
    )
    if spark:  # what the batch checks read the lake through
        lake.views_file(paths.lake, paths.lake_views)
    context.log.info(f"partitions {start}..{end} from {folder}: {report.as_metadata()}")
    meta = {**report.as_metadata(), "folder": str(folder), "partitions": f"{start}..{end}"}
    note = landing_note(report.as_metadata(), folder, start, end, archive=bool(config.archive))
    if note:  # a run that lands nothing says why (the UI's run log and the audit assets' metadata)
        (context.log.warning if report.files_seen == 0 else context.log.info)(note)
        meta["note"] = note
    for key in RAW_KEYS:
        kind = key.path[1]
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "rows_read": report.rows_read[kind],
                "rows_loaded": report.rows_loaded[kind],
                "rows_quarantined": report.rows_quarantined[kind],
            },
        )
    for key in AUDIT_KEYS + CONFIG_KEYS:
        yield dg.MaterializeResult(asset_key=key, metadata=meta if key.path[0] == "audit" else {})
