"""Talkwalker mention export (CSV, flattened dotted API field names) -> mention rows.

`url,title,content,content_snippet,published,indexed,lang,sentiment,source_type,post_type,
domain_url,root_url,engagement,reach,…,extra_source_attributes.world_data.country,…`;
`published` is epoch milliseconds (API style) or an ISO timestamp; sentiment is Talkwalker's
-5..5 score. Twitter results carry no `url` (Talkwalker may not export them): such rows are
rejected rather than landed without a page.

Format: docs/export-formats.md#talkwalker
"""

from __future__ import annotations

import polars as pl

from dagster_project.formats import _columns as c
from dagster_project.formats.base import TableFormat
from dagster_project.formats.text import pick
from dagster_project.normalise import values

# Columns only Talkwalker's flattened document has (any one of them, next to url + published).
_SIGNATURE = {"content_snippet", "root_url", "domain_url", "indexed", "search_indexed", "post_type"}


def _matches(headers: list[str]) -> bool:
    h = set(headers)
    dotted = any(name.startswith("extra_") and "." in name for name in headers)
    return {"url", "published"} <= h and (bool(h & _SIGNATURE) or dotted)


def _to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    cols = frame.columns
    url = c.url_text(pl.col("url"))
    return frame.select(
        "row_number",
        url.alias("mention_url"),
        c.first_text(cols, "title").alias("title"),
        c.first_text(cols, "content", "content_snippet").alias("content"),
        values.to_datetime(pl.col("published")).alias("published_at"),
        c.sentiment(pick(cols, "sentiment")).alias("sentiment"),
        c.source_type(pick(cols, "source_type", "extra_source_attributes.type")).alias("source_type"),
        c.first_text(cols, "lang", "language").str.to_lowercase().alias("language"),
        c.first_text(cols, "extra_source_attributes.world_data.country", "country").alias("country"),
        values.to_float(pick(cols, "reach", "extra_source_attributes.reach")).alias("reach"),
    )


TALKWALKER = TableFormat(
    name="talkwalker_mentions",
    kind="mentions",
    source_tool="talkwalker",
    matches=_matches,
    to_canonical=_to_canonical,
    snapshot_from_rows=c.latest_published,
)
