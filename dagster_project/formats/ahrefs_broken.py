"""Ahrefs Site Explorer → Broken backlinks export.

The Backlinks export's columns plus `Target page HTTP code`, `Target checked` and `Ref. page
checked`, written the same ways (UTF-16LE TSV "for Excel", or UTF-8 CSV). Every row is a live link
from the referring page to a page of the target that answered 4xx/5xx when Ahrefs last checked it,
so the rows are backlinks like any other (mapped by `ahrefs.to_canonical`) that also carry the
target's status. Recognised by that status column, before the plain backlinks format.

The export lists only the links to broken pages: a link missing from a later one proves nothing
about the link (its page may have been fixed), so the models never take absence from it as a loss
(`PARTIAL_EXPORT_TYPES` here, dbt macro `partial_export_types`).

Format: docs/export-formats.md#ahrefs-broken-backlinks
"""

from __future__ import annotations

import polars as pl

from dagster_project.formats import ahrefs
from dagster_project.formats.base import REASON_COLUMN, TableFormat
from dagster_project.formats.text import has_any, pick
from dagster_project.normalise import values as v
from dagster_project.schema import BACKLINK

NAME = "ahrefs_broken_backlinks"
_CODE = ("target page http code", "target http code")
_CHECKED = ("target checked",)
_REF_CHECKED = ("ref. page checked", "ref page checked")
SHOWN_CHARS = 40  # a reason quotes the start of a bad cell


def _matches(headers: list[str]) -> bool:
    return ahrefs.FORMAT.matches(headers) and has_any(headers, *_CODE)


def _http_code(columns: list[str]) -> tuple[pl.Expr, pl.Expr]:
    """(the status as an integer, the reason of a row whose cell is not a status code).

    A status is three digits, 100-599 (`404`, `" 410 "`, `404.0` from a spreadsheet re-save); an
    empty cell is unknown (null). Anything else (`4O4`, `999`, `timeout`) quarantines the row: the
    status is what makes the row a reclamation target, so it is never silently dropped."""
    text = pick(columns, *_CODE).cast(pl.String).str.strip_chars()
    digits = text.str.replace(r"\.0+$", "")
    code = pl.when(digits.str.contains(r"^[1-5][0-9]{2}$")).then(digits.cast(pl.Int64, strict=False))
    bad = text.is_not_null() & (text != "") & code.is_null()
    shown = text.str.slice(0, SHOWN_CHARS)
    reason = pl.when(bad).then(pl.format("target_http_code '{}' is not an HTTP status code (100-599)", shown))
    return code, reason


def to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    c = frame.columns
    code, reason = _http_code(c)
    mapping = ahrefs.mapping(c) | {
        # Ahrefs' own "Last seen" when exported, else the day it last checked the referring page
        "vendor_last_seen": pl.coalesce(
            v.to_date(pick(c, "last seen", "last check", "last visited")), v.to_date(pick(c, *_REF_CHECKED))
        ),
        "target_http_code": code,
        "target_checked_at": v.to_date(pick(c, *_CHECKED)),
    }
    # one select (lazy-friendly: the reader finds the columns it reads by projection pushdown);
    # REASON_COLUMN: the format's own row reason (a bad HTTP code), which landing quarantines the row with
    return frame.select(
        pl.col("row_number").cast(pl.Int64),
        *(expr.cast(BACKLINK[name]).alias(name) for name, expr in mapping.items()),
        reason.alias(REASON_COLUMN),
    )


def snapshot_from_rows(rows: pl.DataFrame):
    """The crawl the export reflects: the latest "Last seen" or target check."""
    dates = [rows.get_column("vendor_last_seen").max(), rows.get_column("target_checked_at").max()]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


FORMAT = TableFormat(
    name=NAME,
    kind="backlinks",
    source_tool="ahrefs",
    matches=_matches,
    to_canonical=to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)

# Exports that list a filtered subset of a tool's links by design: absence from a later one is no
# loss. The dbt macro partial_export_types() holds the same list (tests/unit/test_reclamation_format.py).
PARTIAL_EXPORT_TYPES = (NAME,)
