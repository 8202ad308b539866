"""What the report shows, read from the published warehouse: one DuckDB query per section over the
marts, shaped with Polars. Nothing here knows about HTML or charts (`charts.py`, `render.py`).

A mart this warehouse lacks (built by an older version, or a feature it was not built with) gives
an empty frame and the section says so; the report never fails because one mart is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import polars as pl

ANCHOR_CLASSES = ("branded", "exact_match", "partial_match", "naked_url", "generic", "image", "empty", "other")
TOP_ROWS = 15  # rows in each "top" table


@dataclass(frozen=True)
class AnchorRange:
    """The share of links a practitioner expects for an anchor class (sites.yml thresholds)."""

    anchor_class: str
    low: float
    high: float
    rule: str  # how the warehouse flags it, e.g. "flagged above 5%"


@dataclass
class ReportData:
    site: str
    competitors: list[str]
    latest_snapshot: dt.date | None
    previous_snapshot: dt.date | None
    referring_domains: pl.DataFrame  # site_domain, snapshot_date, referring_domains, live_links
    velocity: pl.DataFrame  # site_domain, week, new, lost (negative), is_spike, is_loss_spike, robust_z
    anchors: pl.DataFrame  # site_domain, anchor_class, share (latest snapshot)
    anchor_ranges: list[AnchorRange]
    health_flags: pl.DataFrame  # site_domain, health_flags (latest snapshot)
    authority: pl.DataFrame  # site_domain, band, band_start, domains, share
    authority_unknown: int
    topics: pl.DataFrame  # topic, share, competitor_median_share, coverage_gap, is_under_covered, referring_domains
    gaps: pl.DataFrame
    gap_count: int
    leads: pl.DataFrame
    lead_count: int
    disavow: pl.DataFrame  # top candidates
    disavow_totals: dict
    disavow_signals: pl.DataFrame  # signal, candidates
    changes: pl.DataFrame  # per site: before/after/delta
    new_domains: pl.DataFrame
    lost_domains: pl.DataFrame
    new_domain_count: int = 0
    lost_domain_count: int = 0
    # the site's pages answering 4xx/5xx that live links still point to (marts.reclamation_targets)
    reclaim: pl.DataFrame = field(default_factory=pl.DataFrame)
    reclaim_count: int = 0
    missing: list[str] = field(default_factory=list)  # marts this warehouse lacks


class _Reader:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.tables = {
            f"{schema}.{name}"
            for schema, name in con.sql("select schema_name, table_name from duckdb_tables()").fetchall()
        }
        self.missing: list[str] = []

    def has(self, *tables: str) -> bool:
        absent = [t for t in tables if t not in self.tables]
        self.missing += [t for t in absent if t not in self.missing]
        return not absent

    def frame(self, sql: str, params: list | None = None) -> pl.DataFrame:
        return self.con.sql(sql, params=params or []).pl()


def _sites(reader: _Reader) -> tuple[str, list[str]]:
    if not reader.has("config.sites"):
        raise LookupError("the warehouse has no config.sites table: run `backlinks refresh` first")
    rows = reader.con.sql("select site_domain, role from config.sites order by role desc, site_domain").fetchall()
    site = next((domain for domain, role in rows if role == "site"), None)
    if site is None:
        raise LookupError("the warehouse's config.sites names no site: run `backlinks refresh` first")
    return site, [domain for domain, role in rows if role == "competitor"]


def anchor_ranges(thresholds: dict) -> list[AnchorRange]:
    """Ranges from the thresholds the profile's health flags use (config.thresholds)."""
    ranges = []
    if thresholds.get("branded_min_share") is not None:
        low = float(thresholds["branded_min_share"])
        ranges.append(AnchorRange("branded", low, 1.0, f"flagged below {low:.0%}"))
    for name, key in (
        ("exact_match", "exact_match_max_share"),
        ("partial_match", "partial_match_max_share"),
        ("generic", "generic_max_share"),
    ):
        if thresholds.get(key) is not None:
            high = float(thresholds[key])
            ranges.append(AnchorRange(name, 0.0, high, f"flagged above {high:.0%}"))
    return ranges


def signal_of_reason(reason: pl.Expr) -> pl.Expr:
    """A toxicity reason ('moz spam score 87 (+30)', 'spammy TLD xyz (+10)') -> its signal
    ('moz spam score', 'spammy TLD'): no numbers, no points, no domain-specific words."""
    plain = (
        reason.str.replace_all(r"\([^)]*\)", "")
        .str.replace_all(r"\S*\d\S*", "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    return (
        pl.when(reason.str.starts_with("domain name"))
        .then(pl.lit("domain name shape"))
        .when(reason.str.starts_with("spammy TLD"))
        .then(pl.lit("spammy TLD"))
        .otherwise(plain)
    )


def load(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Everything the report shows, from a (read-only) connection to the warehouse."""
    r = _Reader(con)
    site, competitors = _sites(r)
    empty = pl.DataFrame()

    # --- referring domains over time, anchors, health flags (profile_diversity)
    if r.has("marts.profile_diversity"):
        profile = r.frame(
            "select * from marts.profile_diversity where site_domain in (select site_domain from config.sites)"
            " order by site_domain, snapshot_date"
        )
    else:
        profile = empty
    if profile.height:
        referring = profile.select("site_domain", "snapshot_date", "referring_domains", "live_links")
        site_dates = profile.filter(pl.col("site_domain") == site)["snapshot_date"].unique().sort(descending=True)
        latest = site_dates[0] if site_dates.len() else profile["snapshot_date"].max()
        previous = site_dates[1] if site_dates.len() > 1 else None
        newest = profile.filter(pl.col("is_latest_snapshot"))
        anchors = (
            newest.select("site_domain", *[pl.col(f"{c}_share").alias(c) for c in ANCHOR_CLASSES])
            .unpivot(index="site_domain", variable_name="anchor_class", value_name="share")
            .filter(pl.col("share").is_not_null())
            .sort("site_domain", "anchor_class")
        )
        health = newest.select("site_domain", "snapshot_date", "health_flags").sort("site_domain")
    else:
        referring = anchors = health = empty
        latest = previous = None

    thresholds = r.frame("select * from config.thresholds").to_dicts()[0] if r.has("config.thresholds") else {}

    # --- weekly new / lost referring domains (link_velocity)
    if r.has("marts.link_velocity"):
        velocity = r.frame(
            "select site_domain, period_start as week, new_referring_domains as new,"
            " -lost_referring_domains as lost, is_spike, is_loss_spike, robust_z"
            " from marts.link_velocity order by site_domain, week"
        )
    else:
        velocity = empty

    # --- authority of the live referring domains, in bands of 10
    authority, authority_unknown = empty, 0
    if r.has("marts.dim_referring_domains"):
        counts = r.frame(
            "select site_domain, cast(least(floor(authority / 10), 9) * 10 as integer) as band_start, count(*) as domains"
            " from marts.dim_referring_domains where live_links > 0 and authority is not null group by all"
        )
        authority = counts.with_columns(
            share=pl.col("domains") / pl.col("domains").sum().over("site_domain"),
            band=pl.format(
                "{}–{}", "band_start", pl.when(pl.col("band_start") == 90).then(100).otherwise(pl.col("band_start") + 9)
            ),
        ).sort("site_domain", "band_start")
        authority_unknown = r.con.sql(
            "select count(*) from marts.dim_referring_domains where live_links > 0 and authority is null and site_domain = ?",
            params=[site],
        ).fetchall()[0][0]

    # --- topical coverage of the site against the competitors' median
    topics = (
        r.frame(
            "select topic, share, competitor_median_share, coverage_gap, is_under_covered, referring_domains"
            " from marts.topical_coverage where site_domain = ? order by coverage_gap desc, topic",
            [site],
        )
        if r.has("marts.topical_coverage")
        else empty
    )

    # --- competitor gaps and unlinked-mention leads
    gaps, gap_count = empty, 0
    if r.has("marts.competitor_gaps"):
        gaps = r.frame(
            "select source_domain, competitor_domains, competitors_linked, authority, topic, opportunity_score"
            " from marts.competitor_gaps where site_domain = ? and is_opportunity order by opportunity_rank limit ?",
            [site, TOP_ROWS],
        )
        gap_count = r.con.sql(
            "select count(*) from marts.competitor_gaps where site_domain = ? and is_opportunity", params=[site]
        ).fetchall()[0][0]
    leads, lead_count = empty, 0
    if r.has("marts.unlinked_mentions"):
        leads = r.frame(
            "select title, mention_url, mention_domain, cast(published_at as date) as published, source_type,"
            " links_to_competitor, authority, lead_score"
            " from marts.unlinked_mentions where site_domain = ? order by lead_rank limit ?",
            [site, TOP_ROWS],
        )
        lead_count = r.con.sql(
            "select count(*) from marts.unlinked_mentions where site_domain = ?", params=[site]
        ).fetchall()[0][0]

    # --- broken pages to reclaim
    reclaim, reclaim_count = empty, 0
    if r.has("marts.reclamation_targets"):
        reclaim = r.frame(
            "select target_url, http_code, referring_domains, links, best_authority, priority, suggested_redirect"
            " from marts.reclamation_targets where site_domain = ? order by reclaim_rank limit ?",
            [site, TOP_ROWS],
        )
        reclaim_count = r.con.sql(
            "select count(*) from marts.reclamation_targets where site_domain = ?", params=[site]
        ).fetchall()[0][0]

    # --- disavow summary
    disavow, signals, totals = empty, empty, {"candidates": 0, "domains": 0, "urls": 0, "links": 0, "new": 0}
    if r.has("marts.disavow_candidates"):
        candidates = r.frame(
            "select entry, entry_type, toxicity_score, toxicity_signals, links, live_links, reasons, first_seen"
            " from marts.disavow_candidates where site_domain = ? order by toxicity_score desc, entry",
            [site],
        )
        disavow = candidates.head(10)
        totals = {
            "candidates": candidates.height,
            "domains": candidates.filter(pl.col("entry_type") == "domain").height,
            "urls": candidates.filter(pl.col("entry_type") != "domain").height,
            "links": int(candidates["links"].sum() or 0),
            "new": candidates.filter(pl.col("first_seen") > previous).height if previous else 0,
        }
        signals = (
            candidates.select(pl.col("reasons").str.split("; ").alias("reason"))
            .explode("reason")
            .filter(pl.col("reason").is_not_null() & (pl.col("reason") != ""))
            .select(signal=signal_of_reason(pl.col("reason")))
            .group_by("signal")
            .len("candidates")
            .sort(["candidates", "signal"], descending=[True, False])
        )

    # --- what changed since the previous snapshot
    changes = new_domains = lost_domains = empty
    new_count = lost_count = 0
    if previous is not None and profile.height:
        at = profile.filter(pl.col("snapshot_date").is_in([previous, latest]))
        before = at.filter(pl.col("snapshot_date") == previous).select(
            "site_domain", rd_before="referring_domains", links_before="live_links", follow_before="follow_share"
        )
        after = at.filter(pl.col("snapshot_date") == latest).select(
            "site_domain", rd_after="referring_domains", links_after="live_links", follow_after="follow_share"
        )
        changes = (
            before.join(after, on="site_domain", how="full", coalesce=True)
            .with_columns(
                rd_change=pl.col("rd_after") - pl.col("rd_before"),
                links_change=pl.col("links_after") - pl.col("links_before"),
            )
            .sort(pl.col("site_domain") != site, "site_domain")
        )
        if r.has("marts.dim_referring_domains"):
            new_domains = r.frame(
                "select source_domain, first_seen, authority, topic, live_links from marts.dim_referring_domains"
                " where site_domain = ? and first_seen > ? order by authority desc nulls last, source_domain limit ?",
                [site, previous, TOP_ROWS],
            )
            lost_domains = r.frame(
                "select source_domain, lost_at, authority, topic, links from marts.dim_referring_domains"
                " where site_domain = ? and lost_at > ? order by authority desc nulls last, source_domain limit ?",
                [site, previous, TOP_ROWS],
            )
            new_count, lost_count = r.con.sql(
                "select count(*) filter (where first_seen > $1), count(*) filter (where lost_at > $1)"
                " from marts.dim_referring_domains where site_domain = $2",
                params=[previous, site],
            ).fetchall()[0]

    return ReportData(
        site=site,
        competitors=competitors,
        latest_snapshot=latest,
        previous_snapshot=previous,
        referring_domains=referring,
        velocity=velocity,
        anchors=anchors,
        anchor_ranges=anchor_ranges(thresholds),
        health_flags=health,
        authority=authority,
        authority_unknown=authority_unknown,
        topics=topics,
        gaps=gaps,
        gap_count=gap_count,
        leads=leads,
        lead_count=lead_count,
        disavow=disavow,
        disavow_totals=totals,
        disavow_signals=signals,
        changes=changes,
        new_domains=new_domains,
        lost_domains=lost_domains,
        new_domain_count=new_count,
        lost_domain_count=lost_count,
        reclaim=reclaim,
        reclaim_count=reclaim_count,
        missing=r.missing,
    )
