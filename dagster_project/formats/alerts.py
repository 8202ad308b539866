"""Google Alerts: the alert's Atom feed saved as a file -> mention rows.

Entry links are Google redirect wrappers (`https://www.google.com/url?…&url=<target>&…`); they
are kept as written in `mention_url` — the shared URL canonicaliser unwraps them at landing.
Titles and content are HTML (`<b>brand</b>`, `&amp;nbsp;`): we keep plain text.

Format: docs/export-formats.md#google-alerts
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import feedparser
import polars as pl

from dagster_project.formats import _columns as c
from dagster_project.formats.base import ContainerFormat, ParsedExport, UnrecognisedExport
from dagster_project.normalise import values

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def _sniff(data: bytes, file_name: str) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        head.startswith((b"<?xml", b"<feed"))
        and b"<feed" in head
        and b"http://www.w3.org/2005/atom" in head
        and b"google" in head  # Alerts feed ids/links are google.com; other Atom feeds are not ours
    )


def _plain(fragment: str | None) -> str | None:
    """HTML fragment -> plain text: tags dropped first, then entities decoded (so `&lt;b&gt;` stays text)."""
    if not fragment:
        return None
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", fragment))).strip() or None


def _link(entry: dict) -> str | None:
    # `entry.link` falls back to the entry id when there is no <link>; read the links list instead.
    hrefs = [ln.get("href") for ln in entry.get("links", []) if ln.get("rel", "alternate") == "alternate"]
    return next((h.strip() for h in hrefs if h and h.strip()), None)


def _content(entry: dict) -> str | None:
    parts = entry.get("content") or []
    return parts[0].get("value") if parts else entry.get("summary")


def _read(data: bytes, file_name: str) -> ParsedExport:
    feed = feedparser.parse(data)
    # feedparser reads on past broken XML ("bozo"); a truncated file would then load only part of
    # its entries, so anything worse than an encoding/namespace remark rejects the whole file.
    broken = feed.bozo and not isinstance(feed.get("bozo_exception"), feedparser.ThingsNobodyCaresAboutButMe)
    if feed.get("version", "") != "atom10" or broken:
        reason = feed.get("bozo_exception") or "not an Atom 1.0 feed"
        raise UnrecognisedExport(f"{file_name}: not a readable Google Alerts Atom feed ({reason})")
    # feedparser hands entries over as Python dicts, so one pass over them is the only way in;
    # everything after this comprehension is column-wise.
    entries = [
        {
            "link": _link(e),
            "title": e.get("title"),
            "content": _content(e),
            "published": e.get("published") or e.get("updated"),
            "language": (e.get("title_detail") or {}).get("language"),
        }
        for e in feed.entries
    ]
    frame = pl.DataFrame(
        {
            **{k: [row[k] for row in entries] for k in ("link", "title", "content", "published", "language")},
            "title_text": [_plain(row["title"]) for row in entries],
            "content_text": [_plain(row["content"]) for row in entries],
            "raw": [json.dumps(row, ensure_ascii=False) for row in entries],
        },
        schema_overrides=dict.fromkeys(("link", "title", "content", "published", "language"), pl.String),
    ).with_row_index("row_number", offset=1)
    frame = frame.with_columns(pl.col("row_number").cast(pl.Int64))

    usable = pl.col("link").is_not_null()
    rows = frame.filter(usable).select(
        "row_number",
        "raw",
        pl.col("link").alias("mention_url"),
        pl.col("title_text").alias("title"),
        pl.col("content_text").alias("content"),
        values.to_datetime(pl.col("published")).alias("published_at"),
        pl.col("language").str.to_lowercase().alias("language"),
    )
    rejected = frame.filter(~usable).select("row_number", pl.lit("entry has no link").alias("reason"), "raw")
    # The feed's own <updated> is when it was saved; failing that, the newest entry.
    updated = feed.feed.get("updated_parsed")
    latest = rows.get_column("published_at").max()
    hint = dt.date(*updated[:3]) if updated else (latest.date() if isinstance(latest, dt.datetime) else None)
    return ParsedExport(
        format_name=ALERTS.name,
        kind=ALERTS.kind,
        source_tool=ALERTS.source_tool,
        rows=c.ordered(rows, "mentions"),
        rejected=rejected,
        snapshot_hint=hint,
    )


ALERTS = ContainerFormat(
    name="google_alerts",
    kind="mentions",
    source_tool="google_alerts",
    sniff=_sniff,
    read=_read,
)
