"""Ahrefs Site Explorer -> Organic keywords export -> ranking rows.

Comparison mode (current):
    Keyword,Volume,KD,CPC,Previous organic traffic,Current organic traffic,Organic traffic change,
    Previous position,Current position,Position change,Previous position kind,Current position kind,
    Current URL,Previous URL,Branded,Local,…
Older variants add `SERP features`, `Current paid traffic`, `Previous date`, `Current date`; the
single-period export says `Position` / `URL`. position = current, previous_position = previous,
url = Current URL; an empty current position is a keyword the site no longer ranks for (null).
Without `Current date` the day comes from the file name (`…-organic-keywords-…_YYYY-MM-DD_…`).

Format: docs/export-formats.md#ahrefs-organic-keywords
"""

from __future__ import annotations

import polars as pl

from dagster_project.formats import _columns as c
from dagster_project.formats.base import TableFormat
from dagster_project.formats.text import pick
from dagster_project.normalise import values


def _matches(headers: list[str]) -> bool:
    h = set(headers)
    # `kd` + `volume` are Ahrefs' spellings (Semrush writes Keyword Difficulty / Search Volume)
    return {"keyword", "kd", "volume"} <= h and bool(h & {"current position", "position"})


def _to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    cols = frame.columns
    keyword = values.to_text(pl.col("keyword"))
    return frame.select(
        "row_number",
        keyword.alias("keyword"),
        c.url_text(pick(cols, "current url", "url")).alias("url"),
        values.to_date(pick(cols, "current date", "date", "updated")).alias("ranking_date"),
        c.rank(pick(cols, "current position", "position")).alias("position"),
        c.rank(pick(cols, "previous position")).alias("previous_position"),
        values.to_float(pl.col("volume")).alias("search_volume"),
        c.first_text(cols, "country").str.to_lowercase().alias("country"),
    )


AHREFS_ORGANIC_KEYWORDS = TableFormat(
    name="ahrefs_organic_keywords",
    kind="rankings",
    source_tool="ahrefs",
    matches=_matches,
    to_canonical=_to_canonical,
    snapshot_from_rows=c.latest_ranking_date,
)
