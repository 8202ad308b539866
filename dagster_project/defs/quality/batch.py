"""Reading what the quality checks judge from the warehouse (thin DuckDB reads, no rules here).

The *batch* of a refresh is what it landed: the audit rows of the build copy that the published
warehouse does not have yet. Readers never see a half-built warehouse, so "not yet published" is
exactly "landed by this refresh" (or by a refresh that died before publishing, whose files this
one lands again from the published copy: the same thing).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import duckdb
import polars as pl

from dagster_project import schema
from dagster_project.formats.ahrefs_broken import PARTIAL_EXPORT_TYPES
from dagster_project.settings import Paths

_FILE_COLUMNS = "file_name, sha256, status, rows_read, rows_loaded, rows_quarantined"
_KEY_SCHEMA = {"file_name": pl.String, "sha256": pl.String}


def source(paths: Paths) -> tuple[Path | None, bool]:
    """(the warehouse file to judge, whether it is the build copy of a running refresh).

    Checks run inside a refresh, after landing and before dbt, on the build copy; run on their
    own (from the Dagster UI) they judge the published warehouse, which has no new batch.
    On Spark: the lake, through its views file (lake.views_file, written by the landing step)."""
    if paths.engine == "spark":
        return (paths.lake_views, True) if paths.lake_views.exists() else (None, False)
    if paths.building.exists():
        return paths.building, True
    if paths.warehouse.exists():
        return paths.warehouse, False
    return None, False


def published_pairs(paths: Paths) -> frozenset[tuple[str, str]]:
    """The (file_name, sha256) pairs readers already have: the published warehouse's, or on Spark
    those of the lake's last completed refresh (lake.published_state)."""
    from dagster_project import warehouse

    return warehouse.published_state(paths.warehouse).pairs


def files(con: duckdb.DuckDBPyConnection, kind: str, published: Collection[tuple[str, str]]) -> pl.DataFrame:
    """The audit rows of `kind` whose (file_name, sha256) the published warehouse lacks."""
    assert kind in schema.KINDS, kind  # an identifier from our own list, never from input
    landed = con.sql(
        f"select {_FILE_COLUMNS} from audit.ingest_files where kind = $kind order by file_name", params={"kind": kind}
    ).pl()
    known = pl.DataFrame(list(published), schema=_KEY_SCHEMA, orient="row")
    return landed.join(known, on=["file_name", "sha256"], how="anti", maintain_order="left")


def snapshot_groups(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """raw.backlinks reduced to what drift/freshness need (quality.drift.GROUP_SCHEMA): one row per
    tool, snapshot, target host and source domain, with its distinct links.

    Only each tool's two newest snapshots of each target (host, or site_hint without a target)
    are read: drift judges a site's newest pair and freshness its newest date, and a date among a
    site's two newest is among the two newest of every target host of that site that has it. So
    the cost follows the newest snapshots, not the years of history raw.backlinks holds.
    Partial exports (Ahrefs broken backlinks: only the links to broken pages) are no snapshot of a
    profile: a small one dated after the full export would read as a collapse."""
    partial = ", ".join(f"'{name}'" for name in PARTIAL_EXPORT_TYPES)  # our own constants
    return con.sql(
        f"""
        with backlinks as (
            select * from raw.backlinks where export_type not in ({partial})
        ),
        dates as (
            select distinct source_tool, target_host, site_hint, snapshot_date from backlinks
        ),
        newest as (
            select * from dates
            qualify row_number() over (
                partition by source_tool, target_host, site_hint order by snapshot_date desc
            ) <= 2
        )
        select source_tool, snapshot_date, target_url is not null as has_target, target_host,
               target_domain, site_hint, source_domain,
               count(distinct source_url || ' ' || coalesce(target_url, '')) as links
        from backlinks
        semi join newest
            on backlinks.source_tool = newest.source_tool
            and backlinks.snapshot_date = newest.snapshot_date
            and backlinks.target_host is not distinct from newest.target_host
            and backlinks.site_hint is not distinct from newest.site_hint
        group by all
        """
    ).pl()
