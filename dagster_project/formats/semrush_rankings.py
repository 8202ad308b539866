"""Semrush ranking exports -> ranking rows.

Organic Research -> Positions (one row per keyword, long already):
    Keyword,Position,Previous position,Search Volume,Keyword Difficulty,CPC,URL,Traffic,…,
    Trends,Timestamp,SERP Features by Keyword,Keyword Intents,Position Type
`Trends` is a quoted array (`"[100,82,…]"`) and is not kept. The day is `Timestamp` when the
export has it; otherwise `ranking_date` stays null and the landing step uses the date in the file
name (`<domain>-organic.Positions-<db>-YYYYMMDD-<ISO>.csv`). Position 0 means "not ranking".

Position Tracking (a preamble with `Period: YYYYMMDD - YYYYMMDD`, then a WIDE table):
    Keyword,Tags,…,*.domain.com/*_20260901,*.domain.com/*_20260901_type,
    *.domain.com/*_20260901_landing,*.domain.com/*_20260902,…,Search Volume,…
Column names carry the tracked target and the day. We unpivot in `to_canonical` (the TableFormat
route, no preprocess): one output row per keyword x target x day, all sharing the source row's
row_number (so the quarantine finds the original line by it), position null for `-`, url from
the `_landing` column, site_hint from the target pattern (`*.domain.com/*` -> `domain.com`).

Format: docs/export-formats.md#semrush-organic-positions, docs/export-formats.md#semrush-position-tracking
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from dagster_project.formats import _columns as c
from dagster_project.formats.base import TableFormat
from dagster_project.formats.text import pick
from dagster_project.normalise import values

_DATED = re.compile(r"^(?P<target>.+)_(?P<day>\d{8})(?:_(?P<suffix>[a-z]+))?$")


# --- Organic Research -> Positions -------------------------------------------------------------


def _organic_matches(headers: list[str]) -> bool:
    h = set(headers)
    return {"keyword", "position", "search volume", "url"} <= h and bool(
        h & {"previous position", "timestamp", "keyword difficulty", "position type"}
    )


def _organic_to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    cols = frame.columns
    return frame.select(
        "row_number",
        values.to_text(pl.col("keyword")).alias("keyword"),
        c.url_text(pl.col("url")).alias("url"),
        values.to_date(pick(cols, "timestamp")).alias("ranking_date"),
        c.rank(pl.col("position")).alias("position"),
        c.rank(pick(cols, "previous position")).alias("previous_position"),
        values.to_float(pl.col("search volume")).alias("search_volume"),
    )


SEMRUSH_ORGANIC_POSITIONS = TableFormat(
    name="semrush_organic_positions",
    kind="rankings",
    source_tool="semrush",
    matches=_organic_matches,
    to_canonical=_organic_to_canonical,
    snapshot_from_rows=c.latest_ranking_date,
)


# --- Position Tracking (wide) ------------------------------------------------------------------


def _tracked(headers: list[str]) -> dict[tuple[str, str], dict[str, str]]:
    """(target, YYYYMMDD) -> {"position": col, "type": col, "landing": col} from the column names."""
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for name in headers:  # a loop over columns
        hit = _DATED.match(name)
        if hit:
            groups.setdefault((hit["target"], hit["day"]), {})[hit["suffix"] or "position"] = name
    return {k: v for k, v in groups.items() if "position" in v}


def _site_hint(target: str) -> str:
    """`*.domain.com/*` / `domain.com` / `https://domain.com/page` -> `domain.com`."""
    host = re.sub(r"^[a-z]+://", "", target).split("/")[0]
    return host.removeprefix("*.").strip(".") or target


def _tracking_matches(headers: list[str]) -> bool:
    return "keyword" in headers and bool(_tracked(headers))


def _tracking_to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    volume = values.to_float(pick(frame.columns, "search volume"))
    parts = [
        frame.select(
            "row_number",
            pl.lit(_site_hint(target)).alias("site_hint"),
            values.to_text(pl.col("keyword")).alias("keyword"),
            c.url_text(pick(cols.values(), cols.get("landing", ""))).alias("url"),
            pl.lit(dt.datetime.strptime(day, "%Y%m%d").date()).alias("ranking_date"),
            c.rank(pl.col(cols["position"])).alias("position"),
            volume.alias("search_volume"),
        )
        for (target, day), cols in sorted(_tracked(frame.columns).items())  # a loop over column groups
    ]
    return pl.concat(parts).sort("row_number", "site_hint", "ranking_date", maintain_order=True)


SEMRUSH_POSITION_TRACKING = TableFormat(
    name="semrush_position_tracking",
    kind="rankings",
    source_tool="semrush",
    matches=_tracking_matches,
    to_canonical=_tracking_to_canonical,
    snapshot_from_rows=c.latest_ranking_date,
)
