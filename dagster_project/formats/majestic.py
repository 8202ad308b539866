"""Majestic backlinks: the bulk/API `DownloadBacklinks` CSV
(`SourceURL`-style names, `Flag*` columns where empty = false and anything else = true) and the
Site Explorer UI export with spaced names (`Source Trust Flow`, `Link First Indexed Date`).

Some rows of real files have the wrong field count and some source URLs contain spaces or `@`:
the reader quarantines the former; URLs are passed through trimmed for normalise/urls.py.

Format: docs/export-formats.md#majestic-backlinks
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dagster_project.formats.base import TableFormat
from dagster_project.formats.text import has_any, pick, select_canonical
from dagster_project.normalise import values as v

_SOURCE = ("source url", "sourceurl")
_TARGET = ("target url", "targeturl")
_ANCHOR = ("anchor text", "anchortext")
# Columns only Majestic writes: any one of them next to source/target/anchor claims the file.
_MAJESTIC_ONLY = (
    "flagnofollow",
    "sourcetrustflow",
    "source trust flow",
    "domain trust flow",
    "sourcecitationflow",
    "source citation flow",
    "link first indexed date",
    "source first found date",
)


# Majestic's lost-links reports say why a link was deleted (link removed, page gone, redirected,
# pushed off the page): the text is kept, dbt maps it (seed lost_reasons).
_REASON_LOST = ("reasonlost", "reason lost", "lostreason", "lost reason", "deletedreason", "deleted reason")


def _matches(headers: list[str]) -> bool:
    return (
        has_any(headers, *_SOURCE)
        and has_any(headers, *_TARGET)
        and has_any(headers, *_ANCHOR)
        and has_any(headers, *_MAJESTIC_ONLY)
    )


def _flag(c: list[str], *names: str) -> pl.Expr:
    return v.flag(pick(c, *names)) if has_any(c, *names) else pl.lit(None, dtype=pl.Boolean)


def to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    c = frame.columns
    deleted = _flag(c, "flagdeleted")
    lost_at = v.to_date(pick(c, "datelost", "date lost"))
    reason = v.to_text(pick(c, *_REASON_LOST))
    said_lost = has_any(c, "flagdeleted", "datelost", "date lost", *_REASON_LOST)
    return select_canonical(
        frame,
        "backlinks",
        {
            "source_url": v.to_text(pick(c, *_SOURCE)),
            "target_url": v.to_text(pick(c, *_TARGET)),
            "anchor": v.to_text(pick(c, *_ANCHOR)),
            "rel": v.rel_from_flags(nofollow=_flag(c, "flagnofollow")) if has_any(c, "flagnofollow") else pl.lit(None),
            "is_image": _flag(c, "flagimagelink", "flagimages"),
            "is_redirect": _flag(c, "flagredirect"),
            "vendor_first_seen": v.to_date(
                pick(c, "source first found date", "firstindexeddate", "link first indexed date", "first indexed date")
            ),
            "vendor_last_seen": v.to_date(
                pick(c, "source crawl date", "lastseendate", "last seen date", "link last seen date", "last crawl date")
            ),
            "vendor_is_lost": pl.when(pl.lit(said_lost)).then(
                deleted.fill_null(False) | lost_at.is_not_null() | reason.is_not_null()
            ),
            "vendor_lost_at": lost_at,
            "vendor_lost_reason": reason,
            # page-level Source* metrics first; the UI export may only carry the domain's
            "trust_flow": v.to_float(pick(c, "sourcetrustflow", "source trust flow", "domain trust flow")),
            "citation_flow": v.to_float(pick(c, "sourcecitationflow", "source citation flow", "domain citation flow")),
            "vendor_topic": v.to_text(
                pick(
                    c,
                    "sourcetopicaltrustflow_topic_0",
                    "source topical trust flow topic 0",
                    "refdomaintopicaltrustflow_topic_0",
                )
            ),
        },
    )


def snapshot_from_rows(rows: pl.DataFrame) -> dt.date | None:
    """The latest source crawl date in the file."""
    return rows.get_column("vendor_last_seen").max()  # type: ignore[return-value]


FORMAT = TableFormat(
    name="majestic_backlinks",
    kind="backlinks",
    source_tool="majestic",
    matches=_matches,
    to_canonical=to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)
