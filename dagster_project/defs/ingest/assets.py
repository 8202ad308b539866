"""Land new inbox files into the build copy of the warehouse: raw rows, quarantine, audit, config."""

import dagster as dg

from dagster_project import progress
from dagster_project import warehouse as wh
from dagster_project.defs.resources import WarehouseResource
from dagster_project.loader import ingest_inbox

RAW_KEYS = [dg.AssetKey(["raw", kind]) for kind in ("backlinks", "mentions", "rankings")]
AUDIT_KEYS = [dg.AssetKey(["audit", "ingest_files"]), dg.AssetKey(["audit", "quarantine"])]
CONFIG_KEYS = [
    dg.AssetKey(["config", name]) for name in ("sites", "brand_terms", "keywords", "topics", "disavow_never", "thresholds")
]

_DESCRIPTIONS = {
    "raw": "Typed, normalised rows of every landed export (one row per row read, minus quarantined).",
    "audit": "What happened to every inbox file and every quarantined row.",
    "config": "sites.yml as tables, rewritten on every refresh.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, group_name="ingest", description=_DESCRIPTIONS[key.path[0]], kinds={"duckdb", "polars"})
        for key in RAW_KEYS + AUDIT_KEYS + CONFIG_KEYS
    ],
    can_subset=False,
)
def landed_exports(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Recognise, parse, normalise and land every new file of the inbox (idempotent by sha256)."""
    paths = warehouse.paths
    config = warehouse.load_config()
    build = wh.begin_build(paths.warehouse)

    def on_file(landed):
        a = landed.audit
        context.log.info(
            f"{a['file_name']}: {a['status']} as {a['detected_format']} "
            f"(read {a['rows_read']}, loaded {a['rows_loaded']}, quarantined {a['rows_quarantined']})"
            + (f" — {a['error']}" if a["error"] else "")
        )
        progress.emit("file", **a)

    report = ingest_inbox(paths.inbox, build, config, on_file=on_file)
    meta = report.as_metadata()
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

