"""Snapshot drift and freshness of the backlink profiles (pure Polars; the asset checks call these).

Per configured site and tool, from the rows each snapshot landed in raw.backlinks:
- drift: the site's referring domains or links in the tool's newest snapshot moved by more than
  `thresholds.drift_max_change` (a share: 0.5 = ±50 %) from that tool's previous snapshot. An
  export cut short, a filter changed in the vendor's UI, or a real wave of links: worth a look,
  never a reason to stop a refresh. Only the newest pair is judged, so a warning stands until the
  next snapshot of that tool arrives.
- freshness: the tool's newest snapshot is older than `thresholds.freshness_max_age_days`, or a
  configured site has no backlink snapshot at all.

Rows are assigned to sites as dbt's stg_raw__backlinks does: a row with a target belongs to the
configured domain its target is on (registrable domain equal, or host equal or a subdomain; the
longest configured domain wins); a row without a target (GSC) to its site_hint; internal links
(source domain = site) are not backlinks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

SITE_TOOL = ["site_domain", "source_tool"]
METRICS = {"referring_domains": "referring domains", "links": "links"}

# What `snapshot_groups` expects, one row per group of raw rows (see checks.py for the SQL).
GROUP_SCHEMA = {
    "source_tool": pl.String,
    "snapshot_date": pl.Date,
    "has_target": pl.Boolean,
    "target_host": pl.String,
    "target_domain": pl.String,
    "site_hint": pl.String,
    "source_domain": pl.String,
    "links": pl.Int64,  # distinct (source_url, target_url) in the group
}


def assign_sites(groups: pl.LazyFrame, sites: Sequence[str]) -> pl.LazyFrame:
    """`site_domain` for each group (rows of no configured site and internal links dropped)."""
    host, domain = pl.col("target_host"), pl.col("target_domain")
    site = pl.lit(None, dtype=pl.String)
    # built from the shortest up, so the longest (most specific) configured domain wins
    for candidate in sorted(set(sites), key=len):
        on_target = (domain == candidate) | (host == candidate) | host.str.ends_with("." + candidate)
        matches = pl.when(pl.col("has_target")).then(on_target).otherwise(pl.col("site_hint") == candidate)
        site = pl.when(matches.fill_null(False)).then(pl.lit(candidate)).otherwise(site)
    return (
        groups.with_columns(site_domain=site)
        .filter(pl.col("site_domain").is_not_null())
        .filter(pl.col("source_domain").fill_null("") != pl.col("site_domain"))
    )


def snapshot_counts(groups: pl.LazyFrame, sites: Sequence[str]) -> pl.DataFrame:
    """site_domain, source_tool, snapshot_date, referring_domains, links."""
    return (
        assign_sites(groups, sites)
        .group_by(*SITE_TOOL, "snapshot_date")
        .agg(
            referring_domains=pl.col("source_domain").n_unique().cast(pl.Int64),
            links=pl.col("links").sum().cast(pl.Int64),
        )
        .sort(*SITE_TOOL, "snapshot_date")
        .collect()
    )


def drift(counts: pl.DataFrame, max_change: float) -> pl.DataFrame:
    """Per site, tool and metric: the newest snapshot against the one before, where the relative
    change exceeds `max_change`. Columns: site_domain, source_tool, metric, previous_date,
    previous, latest_date, latest, change."""
    age = pl.col("snapshot_date").rank("ordinal", descending=True).over(SITE_TOOL)
    ranked = counts.with_columns(_age=age)
    latest = ranked.filter(pl.col("_age") == 1).drop("_age")
    previous = ranked.filter(pl.col("_age") == 2).drop("_age")
    pairs = latest.join(previous, on=SITE_TOOL, suffix="_previous")
    long = pl.concat(
        [
            pairs.select(
                *SITE_TOOL,
                metric=pl.lit(metric),
                previous_date=pl.col("snapshot_date_previous"),
                previous=pl.col(f"{metric}_previous"),
                latest_date=pl.col("snapshot_date"),
                latest=pl.col(metric),
            )
            for metric in METRICS
        ]
    )
    change = (pl.col("latest") - pl.col("previous")) / pl.col("previous")
    return (
        long.with_columns(change=change)
        .filter((pl.col("previous") > 0) & (pl.col("change").abs() > max_change))
        .sort(*SITE_TOOL, "metric")
    )


def stale(counts: pl.DataFrame, sites: Sequence[str], today: dt.date, max_age_days: int) -> pl.DataFrame:
    """Per site and tool whose newest snapshot is older than `max_age_days`, plus every configured
    site without any snapshot (source_tool and newest null). Columns: site_domain, source_tool,
    newest, age_days."""
    newest = counts.group_by(SITE_TOOL).agg(newest=pl.col("snapshot_date").max())
    old = newest.with_columns(age_days=(pl.lit(today) - pl.col("newest")).dt.total_days()).filter(
        pl.col("age_days") > max_age_days
    )
    missing = pl.DataFrame({"site_domain": list(sites)}, schema={"site_domain": pl.String}).join(
        newest.select("site_domain").unique(), on="site_domain", how="anti"
    )
    never = missing.with_columns(
        source_tool=pl.lit(None, dtype=pl.String),
        newest=pl.lit(None, dtype=pl.Date),
        age_days=pl.lit(None, dtype=pl.Int64),
    )
    return pl.concat([old.select(never.columns), never]).sort("site_domain", "source_tool", nulls_last=True)


def describe_drift(found: pl.DataFrame) -> list[str]:
    """`knifecraft.co.uk · ahrefs: referring domains 120 → 40 (-67%) from 2026-09-01 to 2026-10-01`."""
    label = pl.col("metric").replace_strict(METRICS, return_dtype=pl.String)
    percent = (pl.col("change") * 100).round(0).cast(pl.Int64)
    sign = pl.when(percent > 0).then(pl.lit("+")).otherwise(pl.lit(""))
    text = pl.format(
        "{} · {}: {} {} → {} ({}{}%) from {} to {}",
        "site_domain",
        "source_tool",
        label,
        "previous",
        "latest",
        sign,
        percent,
        "previous_date",
        "latest_date",
    )
    return found.select(text).to_series().to_list()


def describe_stale(found: pl.DataFrame, max_age_days: int) -> list[str]:
    """`knifecraft.co.uk · majestic: newest snapshot 2026-10-01 is 54 days old (limit 45)`."""
    text = (
        pl.when(pl.col("source_tool").is_null())
        .then(pl.format("{}: no backlink snapshot from any tool", "site_domain"))
        .otherwise(
            pl.format(
                f"{{}} · {{}}: newest snapshot {{}} is {{}} days old (limit {max_age_days})",
                "site_domain",
                "source_tool",
                "newest",
                "age_days",
            )
        )
    )
    return found.select(text).to_series().to_list()
