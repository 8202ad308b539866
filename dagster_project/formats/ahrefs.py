"""Ahrefs Site Explorer → Backlinks export.

"For Excel" exports are UTF-16LE + BOM, tab-delimited, every field quoted, CRLF; the UTF-8
variant is a comma CSV with a UTF-8 BOM. The shared reader handles both; this module only maps
columns, by name, across the current header and the older (2019-2021) one.
Referring-domains and anchors exports are aggregates, not links, and are not mapped.

Format: docs/export-formats.md#ahrefs-backlinks
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dagster_project.formats.base import TableFormat
from dagster_project.formats.text import has_any, pick, select_canonical
from dagster_project.normalise import values as v

_SOURCE = ("referring page url",)
_TARGET = ("target url", "link url")


def _matches(headers: list[str]) -> bool:
    return has_any(headers, *_SOURCE) and has_any(headers, *_TARGET)


_LIVE_STATUS = ["live", "active", "not lost", "false", "0", "-"]


def _is_lost(columns: list[str]) -> pl.Expr:
    """`Lost` holds a datetime once the link is lost; `Lost status` names why (empty while live)."""
    lost_at = v.to_text(pick(columns, "lost", "date lost", "day lost"))
    status = v.to_text(pick(columns, "lost status")).str.to_lowercase()
    live_status = status.is_null() | status.is_in(_LIVE_STATUS)
    said = has_any(columns, "lost", "date lost", "day lost", "lost status")
    return pl.when(pl.lit(said)).then(lost_at.is_not_null() | ~live_status)


def _lost_reason(columns: list[str]) -> pl.Expr:
    """Why Ahrefs calls the link lost, in its words: `Lost status` (`linkremoved`, `Not found`,
    `301 redirect`...) and `Drop reason` (`removed from HTML`), joined by ` / ` when both say
    something different; dbt maps the text to a reason (seed lost_reasons)."""
    status = v.to_text(pick(columns, "lost status"))
    status = pl.when(status.str.to_lowercase().is_in(_LIVE_STATUS)).then(None).otherwise(status)
    drop = v.to_text(pick(columns, "drop reason", "lost reason"))
    drop = pl.when(drop.str.to_lowercase() == status.str.to_lowercase()).then(None).otherwise(drop)
    return v.to_text(pl.concat_str([status, drop], separator=" / ", ignore_nulls=True))


def mapping(c: list[str]) -> dict[str, pl.Expr]:
    """Canonical column -> expression over the header columns `c` (the broken-backlinks export
    maps the same columns and adds its own)."""
    link_type = v.to_text(pick(c, "type")).str.to_lowercase()
    has_type = has_any(c, "type")
    return {
        "source_url": v.to_text(pick(c, *_SOURCE)),
        "target_url": v.to_text(pick(c, *_TARGET)),
        "anchor": v.to_text(pick(c, "anchor", "link anchor")),
        "page_title": v.to_text(pick(c, "referring page title")),
        "rel": v.rel_from_flags(
            sponsored=v.to_bool(pick(c, "sponsored")) if has_any(c, "sponsored") else None,
            ugc=v.to_bool(pick(c, "ugc")) if has_any(c, "ugc") else None,
            nofollow=v.to_bool(pick(c, "nofollow")) if has_any(c, "nofollow") else None,
        ),
        # a few distinct link types and lost statuses in a million rows: each one once
        "is_image": v.over_distinct(pl.when(pl.lit(has_type)).then(link_type.str.contains("image")), pl.Boolean()),
        "is_content": v.to_bool(pick(c, "content")),
        "is_redirect": v.over_distinct(
            pl.when(pl.lit(has_type)).then(link_type.str.contains("redirect")), pl.Boolean()
        ),
        "external_links": v.to_int(pick(c, "external links", "external links count")),
        "language": v.to_text(pick(c, "language")),
        "vendor_first_seen": v.to_date(pick(c, "first seen")),
        "vendor_last_seen": v.to_date(pick(c, "last seen", "last check", "last visited")),
        "vendor_is_lost": _is_lost(c),
        "vendor_lost_at": v.to_date(pick(c, "lost", "date lost", "day lost")),
        "domain_rating": v.to_float(pick(c, "domain rating", "dr")),
        "url_rating": v.to_float(pick(c, "ur", "url rating")),
        "is_spam": v.to_bool(pick(c, "is spam")),
        "vendor_lost_reason": v.over_distinct(_lost_reason(c), pl.String()),
    }


def to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    return select_canonical(frame, "backlinks", mapping(frame.columns))


def snapshot_from_rows(rows: pl.DataFrame) -> dt.date | None:
    """The crawl the export reflects: the latest "Last seen"."""
    return rows.get_column("vendor_last_seen").max()  # type: ignore[return-value]


FORMAT = TableFormat(
    name="ahrefs_backlinks",
    kind="backlinks",
    source_tool="ahrefs",
    matches=_matches,
    to_canonical=to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)
