"""Mention.com export (CSV) -> mention rows.

No verified header exists, so every column is looked up by a list of
plausible names, most specific first.

Format: docs/export-formats.md#mentioncom
"""

from __future__ import annotations

import polars as pl

from dagster_project.formats import _columns as c
from dagster_project.formats.base import TableFormat
from dagster_project.formats.talkwalker import _matches as _is_talkwalker
from dagster_project.formats.text import pick
from dagster_project.normalise import values

URL = ("url", "link", "source url", "mention url", "original url")
TITLE = ("title", "mention title")
CONTENT = ("description", "content", "text", "mention", "snippet")
DATE = ("published at", "published", "date", "created at", "created_at", "published_at", "publication date")
SOURCE_TYPE = ("source type", "source_type", "source", "type", "media type")
LANGUAGE = ("language", "lang")
REACH = ("reach", "influence", "influence score", "audience")
SENTIMENT = ("sentiment", "tone")
COUNTRY = ("country", "country code")


def _matches(headers: list[str]) -> bool:
    h = set(headers)
    return bool(h & set(URL)) and bool(h & set(DATE)) and bool(h & set(TITLE + CONTENT)) and not _is_talkwalker(headers)


def _to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    cols = frame.columns
    url = c.url_text(pick(cols, *URL))
    return frame.select(
        "row_number",
        url.alias("mention_url"),
        c.first_text(cols, *TITLE).alias("title"),
        c.first_text(cols, *CONTENT).alias("content"),
        values.to_datetime(pick(cols, *DATE)).alias("published_at"),
        c.sentiment(pick(cols, *SENTIMENT)).alias("sentiment"),
        c.source_type(pick(cols, *SOURCE_TYPE)).alias("source_type"),
        c.first_text(cols, *LANGUAGE).str.to_lowercase().alias("language"),
        c.first_text(cols, *COUNTRY).alias("country"),
        values.to_float(pick(cols, *REACH)).alias("reach"),
    )


MENTION_COM = TableFormat(
    name="mention_com_mentions",
    kind="mentions",
    source_tool="mention",
    matches=_matches,
    to_canonical=_to_canonical,
    snapshot_from_rows=c.latest_published,
)
