"""Data-quality asset checks on what the ingest step landed, run before dbt builds on it.

- `raw/<kind> · batch_expectations` (backlinks, mentions, rankings, ledger): the Great Expectations
  suites of quality/suites.py on this refresh's batch. BLOCKING: an error-severity failure stops
  dbt and publishing (readers keep the previous warehouse). Landing quarantines every row that
  breaks a value rule first (quality/rules.py), so this fails on a code bug, not on a vendor's
  bad export; warning-severity expectations fail with WARN and block nothing.
- `raw/backlinks · snapshot_drift` and `raw/backlinks · snapshot_freshness`: WARN only
  (quality/drift.py).

Every check is declared `blocking=True` for its ORDER: Dagster then runs it before the dbt step,
while the build copy it reads still exists (after publishing it is gone). Only a failure with
ERROR severity blocks, and the drift/freshness checks never emit one.
"""

import datetime as dt

import dagster as dg

from dagster_project import schema
from dagster_project import warehouse as wh
from dagster_project.defs.quality import batch
from dagster_project.defs.resources import WarehouseResource
from dagster_project.quality import drift, suites, worker

RAW_BACKLINKS = dg.AssetKey(["raw", "backlinks"])
SHOWN = 3  # findings quoted in the one-line reason (all are in the metadata)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _summary(headline: str, lines: list[str]) -> str:
    more = f"; and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    return f"{headline}: {'; '.join(lines[:SHOWN])}{more}"


def _batch_check(kind: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", kind]),
        name="batch_expectations",
        blocking=True,
        description=(
            f"Great Expectations suites on the {kind} landed by this refresh: columns and types, keys, URL and "
            "host shapes, value ranges, date window (error, blocking); row counts reconcile with the audit "
            "(error, blocking); oddities such as first seen after last seen (warning)."
        ),
    )
    def batch_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        paths = warehouse.paths
        path, building = batch.source(paths)
        if path is None or not building:
            return dg.AssetCheckResult(
                passed=True, metadata={"reason": "no refresh in progress: nothing new to validate"}
            )
        published = batch.published_pairs(paths)
        with wh.connect(path, read_only=True) as con:
            files = batch.files(con, kind, published)
        if files.height == 0:
            return dg.AssetCheckResult(passed=True, metadata={"reason": f"no new {kind} files in this refresh"})
        report = worker.validate_batch(path, kind, files.select("file_name", "sha256").rows(), _today())
        context.log.info(f"{kind}: {report.metadata()['reason']} ({report.metadata()['gx_seconds']} s)")
        severity = dg.AssetCheckSeverity.ERROR if report.severity == suites.ERROR else dg.AssetCheckSeverity.WARN
        return dg.AssetCheckResult(passed=report.passed, severity=severity, metadata=report.metadata())

    return batch_expectations


def _drift(counts, limit: float) -> dg.AssetCheckResult:
    lines = drift.describe_drift(drift.drift(counts, limit))
    reason = _summary(f"{len(lines)} changes over ±{limit:.0%} since the previous snapshot", lines) if lines else ""
    return dg.AssetCheckResult(
        check_name="snapshot_drift",
        passed=not lines,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "reason": reason or "no drift",
            "drifts": lines,
            "drift_max_change": limit,
            "snapshots": counts.height,
        },
    )


def _freshness(counts, sites, limit: int) -> dg.AssetCheckResult:
    lines = drift.describe_stale(drift.stale(counts, sites, _today(), limit), limit)
    reason = _summary(f"{len(lines)} site/tool profiles without a snapshot in {limit} days", lines) if lines else ""
    return dg.AssetCheckResult(
        check_name="snapshot_freshness",
        passed=not lines,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"reason": reason or "every profile is fresh", "stale": lines, "freshness_max_age_days": limit},
    )


@dg.multi_asset_check(
    name="snapshot_checks",
    specs=[
        dg.AssetCheckSpec(
            "snapshot_drift",
            asset=RAW_BACKLINKS,
            blocking=True,  # for its order only (module doc): it never fails with ERROR
            description=(
                "WARN when a site's referring domains or links in a tool's newest snapshot moved by more than "
                "thresholds.drift_max_change from that tool's previous snapshot."
            ),
        ),
        dg.AssetCheckSpec(
            "snapshot_freshness",
            asset=RAW_BACKLINKS,
            blocking=True,  # for its order only (module doc): it never fails with ERROR
            description=(
                "WARN when a tool's newest backlink snapshot of a configured site is older than "
                "thresholds.freshness_max_age_days, or a site has no snapshot at all."
            ),
        ),
    ],
)
def snapshot_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Drift and freshness judge the same per site/tool/snapshot counts: one read for both."""
    config = warehouse.load_config()
    path, _ = batch.source(warehouse.paths)
    if path is None:
        for name in ("snapshot_drift", "snapshot_freshness"):
            yield dg.AssetCheckResult(check_name=name, passed=True, metadata={"reason": "no warehouse yet"})
        return
    with wh.connect(path, read_only=True) as con:
        groups = batch.snapshot_groups(con)
    counts = drift.snapshot_counts(groups.lazy(), config.site_domains)
    yield _drift(counts, config.thresholds.drift_max_change)
    yield _freshness(counts, config.site_domains, config.thresholds.freshness_max_age_days)


defs = dg.Definitions(asset_checks=[*(_batch_check(kind) for kind in schema.KINDS), snapshot_checks])
