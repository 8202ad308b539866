"""What one tool exports for one site on one snapshot date: a filtered, re-spelled view of the world.

`observe()` returns an *observation frame* (columns `writers.OBS_SCHEMA`), the common input of
every backlink writer. The tool-specific quirks of URL spelling live here, so the same true link
shows up as `http://www.x.com/p` in one tool and `www.x.com/p` or with `?utm_source=` in another.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from dagster_project.samplegen import vocab as V
from dagster_project.samplegen.world import World

TOOLS = ("ahrefs", "semrush", "majestic", "moz", "gsc")
LOST_WINDOW_DAYS = 31  # a tool reports a link as lost for about a month, then drops it
_DROP_REASONS = (
    ("linkremoved", "removed from HTML", 200),
    ("pagenotfound", "404 not found", 404),
    ("notcanonical", "not canonical", 200),
)
_LEFT = ("I bought mine from", "available at", "via", "Quelle:", "gekauft bei", "en")
_RIGHT = ("and it arrived in two days.", "(affiliate link)", "for about £90.", "— highly recommended.", "", "")
_TARGET_METRICS = {  # Majestic target trust/citation flow per site
    V.SITE: (24, 31),
    "bladeworks.com": (38, 45),
    "chefsedge.de": (33, 41),
    "sharpstore.com": (41, 47),
}


def _ascii_host(host: str) -> str:
    return host.encode("idna").decode("ascii") if not host.isascii() else host


def _rng(world: World, tool: str, site: str, snapshot: dt.date) -> np.random.Generator:
    return np.random.default_rng([world.seed, TOOLS.index(tool), V.SITES.index(site), snapshot.toordinal()])


def observe(world: World, tool: str, site: str, snapshot: dt.date) -> pl.DataFrame:
    """The rows `tool` would export for `site` on `snapshot` (live links, plus the recently lost ones it reports)."""
    snap = pl.lit(snapshot)
    lag = pl.col(f"lag_{tool}") if tool != "ahrefs" else pl.lit(0)
    lost_at = pl.col("lost_at")
    if tool == "ahrefs" and snapshot > V.FALSE_LOST_AT:
        lost_at = pl.when(pl.col("false_lost")).then(pl.lit(V.FALSE_LOST_AT)).otherwise(lost_at)
    reports_lost = {
        "ahrefs": pl.col("ahrefs_reports_lost") | pl.col("false_lost"),
        "semrush": pl.col("semrush_reports_lost"),
    }
    frame = (
        world.links.lazy()
        .filter((pl.col("site") == site) & pl.col(f"cov_{tool}"))
        .with_columns(tool_first=pl.col("first_seen") + pl.duration(days=lag), tool_lost=lost_at)
        .filter(pl.col("tool_first") < snap)
        .with_columns(
            is_lost=pl.col("tool_lost").is_not_null() & (pl.col("tool_lost") < snap),
        )
        .filter(
            ~pl.col("is_lost")
            | (
                reports_lost.get(tool, pl.lit(False))
                & (pl.col("tool_lost") >= snap - pl.duration(days=LOST_WINDOW_DAYS))
            )
        )
        .sort("link_id")
        .collect()
    )
    rng = _rng(world, tool, site, snapshot)
    n = frame.height
    crawl_back = rng.integers(0, 7, n)
    if n:
        crawl_back[0] = 0  # the export's newest crawl is on its own date: the contents imply the snapshot
    reason = rng.integers(0, len(_DROP_REASONS), n)
    seconds = pl.duration(seconds=pl.col("first_hour"))
    live_seen = (snap - pl.duration(days=pl.Series(crawl_back))).cast(pl.Datetime("us")) + pl.duration(
        seconds=pl.Series(rng.integers(0, 86400, n))
    )
    frame = frame.with_columns(
        first_dt=(pl.col("tool_first").cast(pl.Datetime("us")) + seconds),
        last_dt=pl.when(pl.col("is_lost"))
        .then((pl.col("tool_lost") - pl.duration(days=1)).cast(pl.Datetime("us")) + seconds)
        .otherwise(pl.max_horizontal(live_seen, pl.col("tool_first").cast(pl.Datetime("us")) + seconds)),
        lost_dt=pl.when(pl.col("is_lost")).then(pl.col("tool_lost").cast(pl.Datetime("us")) + seconds),
        reason=pl.Series(reason),
    ).with_columns(
        # a false positive is a canonical hiccup, never a 404
        reason=pl.when(pl.col("false_lost")).then(pl.lit(2)).otherwise("reason"),
    )
    hosts = sorted(set(frame["host"].to_list()))
    return frame.select(_obs_columns(tool, site, snapshot, hosts)).pipe(_sort, tool)


def _urls(tool: str, rand: pl.Expr, hosts: list[str]) -> tuple[pl.Expr, pl.Expr]:
    scheme, host, path, target = pl.col("scheme"), pl.col("host"), pl.col("path"), pl.col("target_url")
    if tool == "majestic":  # Majestic prints IDN hosts in punycode (mapped once per distinct host)
        host = host.replace({h: _ascii_host(h) for h in hosts if not h.isascii()})
        scheme = pl.when(rand % 5 == 0).then(pl.lit("http")).otherwise(scheme)
        target = pl.when(rand % 7 == 0).then(target.str.replace("^https://", "http://")).otherwise(target)
    source = scheme + "://" + host + path
    if tool == "semrush":
        quirky = pl.col("host") == V.QUIRKY_HOST
        source = (
            pl.when(quirky)
            .then(pl.lit("HTTP://WWW.KitchenGadgetReview.com:80") + path + "?utm_source=x#top")
            .when(rand % 16 == 0)
            .then(
                source
                + pl.when(path.str.contains("?", literal=True)).then(pl.lit("&")).otherwise(pl.lit("?"))
                + "utm_source=rss&utm_medium=rss"
            )
            .otherwise(source)
        )
    if tool == "moz":  # Moz prints URLs without a scheme; some hosts in mixed case
        source = pl.when(rand % 20 == 0).then(host.str.to_titlecase() + path).otherwise(host + path)
        target = target.str.replace("^https?://", "")
    return source, target


def _obs_columns(tool: str, site: str, snapshot: dt.date, hosts: list[str]) -> list[pl.Expr]:
    rand = pl.col("view_rand")
    source, target = _urls(tool, rand, hosts)
    tf_target, cf_target = _TARGET_METRICS[site]
    reason = pl.col("reason")
    lost = pl.col("is_lost")
    return [
        source.alias("source_url"),
        target.alias("target_url"),
        pl.col("anchor"),
        pl.col("title"),
        pl.when(pl.col("ctx") < 2)
        .then(pl.lit(list(_LEFT)).list.get(pl.col("ctx") % len(_LEFT)))
        .otherwise(pl.lit(""))
        .alias("left_context"),
        pl.when(pl.col("ctx") < 2)
        .then(pl.lit(list(_RIGHT)).list.get(pl.col("ctx") % len(_RIGHT)))
        .otherwise(pl.lit(""))
        .alias("right_context"),
        pl.col("language"),
        pl.col("platform"),
        pl.when(lost).then(pl.lit([200, 404, 200]).list.get(reason)).otherwise(pl.lit(200)).alias("http_code"),
        (pl.col("rel") == "nofollow").alias("nofollow"),
        (pl.col("rel") == "ugc").alias("ugc"),
        (pl.col("rel") == "sponsored").alias("sponsored"),
        pl.col("is_image"),
        pl.col("is_sitewide"),
        pl.col("is_content"),
        pl.lit(False).alias("is_redirect"),
        pl.col("first_dt").alias("first_seen"),
        pl.col("last_dt").alias("last_seen"),
        pl.col("lost_dt").alias("lost_at"),
        pl.when(lost).then(pl.lit([r[0] for r in _DROP_REASONS]).list.get(reason)).alias("lost_status"),
        pl.when(lost).then(pl.lit([r[1] for r in _DROP_REASONS]).list.get(reason)).alias("drop_reason"),
        pl.when(~lost & (pl.col("tool_first") >= pl.lit(snapshot) - pl.duration(days=30)))
        .then(pl.lit("newlink"))
        .alias("discovered_status"),
        (pl.col("tool_first") >= pl.lit(snapshot) - pl.duration(days=30)).alias("new_link"),
        lost.alias("lost_link"),
        pl.col("dr").alias("domain_rating"),
        pl.col("ur").alias("url_rating"),
        pl.col("domain_traffic"),
        pl.col("page_ref_domains"),
        (pl.col("external_links") * 7 // 10 + 1).alias("linked_domains"),
        pl.col("external_links"),
        pl.col("internal_links"),
        pl.col("page_traffic"),
        pl.col("page_keywords"),
        pl.col("is_spam"),
        pl.col("da").alias("domain_authority"),
        pl.col("pa").alias("page_authority"),
        pl.col("spam_score"),
        (pl.col("dr") * 9 + 3).alias("domain_ref_domains"),
        pl.col("tf").alias("trust_flow"),
        pl.col("cf").alias("citation_flow"),
        pl.lit(tf_target).alias("target_trust_flow"),
        pl.lit(cf_target).alias("target_citation_flow"),
        pl.col("mj_topic").alias("topic"),
        (pl.col("tf") * 3 // 4).alias("topic_value"),
        pl.col("mj_topic").alias("domain_topic"),
        (pl.col("tf") * 4 // 5).alias("domain_topic_value"),
        pl.col("ascore"),
        pl.col("page_trust"),
        pl.col("toxicity"),
        pl.when(pl.col("role") == "toxic")
        .then(pl.lit("Spammy TLD; Link network; Exact-match anchor; Low trust domain"))
        .when(pl.col("toxicity") >= 30)
        .then(pl.lit("Low trust domain"))
        .otherwise(pl.lit(""))
        .alias("toxic_markers"),
        pl.col("ip"),
        pl.col("host").alias("source_host"),
    ]


def _sort(frame: pl.DataFrame, tool: str) -> pl.DataFrame:
    key = {
        "ahrefs": "domain_rating",
        "semrush": "ascore",
        "majestic": "trust_flow",
        "moz": "page_authority",
        "gsc": "last_seen",
    }[tool]
    return frame.sort(
        [key, "source_url", "target_url", "anchor"], descending=[True, False, False, False], maintain_order=True
    )
