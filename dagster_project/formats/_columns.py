"""Column helpers shared by the mention and ranking formats (Polars expressions, column-wise)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dagster_project.normalise import values
from dagster_project.schema import KINDS

_SENTIMENT_WORDS = {
    "positive": 1.0,
    "pos": 1.0,
    "negative": -1.0,
    "neg": -1.0,
    "neutral": 0.0,
    "neu": 0.0,
    "mixed": 0.0,
}

# Vendor channel names -> the schema's small vocabulary (first matching pattern wins); anything
# else is kept lowercased so no information is lost.
_SOURCE_TYPES = [
    (r"news|press|newspaper|magazine", "news"),
    (r"blog", "blog"),
    (r"forum|message.?board|discussion|review", "forum"),
    (r"video|youtube|vimeo|twitch|podcast", "video"),
    (
        r"social|twitter|\bx\b|facebook|instagram|tiktok|linkedin|reddit|pinterest|threads|bluesky|mastodon|tumblr|vk",
        "social",
    ),
    (r"^(web|website|websites|other|others|online|www)$", "web"),
]


def url_text(e: pl.Expr) -> pl.Expr:
    """A URL cell as text; empty and placeholder cells (`-`, `n/a`) -> null."""
    s = values.to_text(e)
    return pl.when(s.str.to_lowercase().is_in(values.MISSING)).then(None).otherwise(s)


def first_text(columns: list[str], *aliases: str) -> pl.Expr:
    """The first non-empty value among the present aliases (e.g. content, else the snippet)."""
    present = [values.to_text(pl.col(a)) for a in aliases if a in columns]
    return pl.coalesce(present) if present else pl.lit(None, dtype=pl.String)


def sentiment(e: pl.Expr) -> pl.Expr:
    """`1`/`-1`/`0`, `positive`/`negative`/`neutral`, or a -5..5 score -> -1..1.

    A column is rescaled (÷5) only when some value lies outside -1..1, so Brand24's -1/0/1 stays
    as is while Talkwalker's -5..5 scale fits the schema's range.
    """
    s = e.cast(pl.String).str.strip_chars().str.to_lowercase()
    word = s.replace_strict(_SENTIMENT_WORDS, default=None, return_dtype=pl.Float64)
    number = values.to_float(s)
    scaled = pl.when(number.abs().max() > 1).then(number / 5).otherwise(number).clip(-1.0, 1.0)
    return pl.coalesce(word, scaled)


def source_type(e: pl.Expr) -> pl.Expr:
    """Vendor channel (`ONLINENEWS_NEWSPAPER`, `Blogs`, `Twitter`, `Videos`…) -> news/blog/forum/video/social/web."""
    s = values.to_text(e).str.to_lowercase().str.replace_all(r"[_\-]+", " ")
    out = pl.lit(None, dtype=pl.String)
    for pattern, label in reversed(_SOURCE_TYPES):  # build the when-chain so the first pattern wins
        out = pl.when(s.str.contains(pattern)).then(pl.lit(label)).otherwise(out)
    return pl.when(s.is_null()).then(None).otherwise(pl.coalesce(out, s))


def rank(e: pl.Expr) -> pl.Expr:
    """A SERP position as a float; `-`, empty and 0 (vendors' "not ranking") -> null."""
    p = values.to_float(e)
    return pl.when(p >= 1).then(p)


def latest_published(rows: pl.DataFrame) -> dt.date | None:
    """Snapshot hint of a mention export: the day of its newest mention."""
    latest = rows.get_column("published_at").max() if "published_at" in rows.columns else None
    return latest.date() if isinstance(latest, dt.datetime) else None


def latest_ranking_date(rows: pl.DataFrame) -> dt.date | None:
    """Snapshot hint of a ranking export: its newest ranking day."""
    latest = rows.get_column("ranking_date").max() if "ranking_date" in rows.columns else None
    return latest if isinstance(latest, dt.date) else None


def ordered(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    """row_number, the kind's canonical columns in schema order, raw (for container formats)."""
    canonical = [n for n in KINDS[kind] if n in rows.columns]
    return rows.select("row_number", *canonical, "raw")


def reject_where(rows: pl.DataFrame, unusable: pl.Expr, reason: pl.Expr | str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split mapped rows (with "raw") into (usable rows, rejected row_number/reason/raw).

    Container formats use it; the TableFormat interface has no reject channel, so table formats
    keep such rows (with the null key) — see the report on a `to_canonical` reject column.
    """
    why = pl.lit(reason) if isinstance(reason, str) else reason
    flagged = rows.with_columns(unusable.fill_null(False).alias("__unusable"))
    bad = flagged.filter("__unusable").select("row_number", why.cast(pl.String).alias("reason"), "raw")
    return flagged.filter(~pl.col("__unusable")).drop("__unusable"), bad
