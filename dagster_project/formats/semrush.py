"""Semrush backlink exports: Backlink Analytics → Backlinks (the current
19-column header and the legacy 15-column one) and Backlink Audit (with Toxicity Score).

Both are UTF-8 comma CSVs with `true`/`false` (audit files re-saved by Excel say `TRUE`/`FALSE`
and end with an all-empty row, which the reader quarantines as "empty row"). Analytics exports
stop at 50,000 rows and are not a random sample.

Format: docs/export-formats.md#semrush-backlinks
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dagster_project.formats.base import TableFormat
from dagster_project.formats.text import has_any, pick, select_canonical
from dagster_project.normalise import values as v


def _links(headers: list[str]) -> bool:
    return has_any(headers, "source url") and has_any(headers, "target url")


def _matches_backlinks(headers: list[str]) -> bool:
    return _links(headers) and has_any(headers, "page ascore", "page score")


def _matches_audit(headers: list[str]) -> bool:
    return _links(headers) and has_any(headers, "toxicity score")


def _flag(c: list[str], name: str) -> pl.Expr | None:
    return v.to_bool(pick(c, name)) if has_any(c, name) else None


def _common(c: list[str]) -> dict[str, pl.Expr]:
    return {
        "source_url": v.to_text(pick(c, "source url")),
        "target_url": v.to_text(pick(c, "target url")),
        "anchor": v.to_text(pick(c, "anchor")),
        "page_title": v.to_text(pick(c, "source title")),
        "rel": v.rel_from_flags(sponsored=_flag(c, "sponsored"), ugc=_flag(c, "ugc"), nofollow=_flag(c, "nofollow")),
        "vendor_first_seen": v.to_date(pick(c, "first seen")),
        "vendor_last_seen": v.to_date(pick(c, "last seen")),
    }


def backlinks_to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    c = frame.columns
    return select_canonical(
        frame,
        "backlinks",
        {
            **_common(c),
            "is_image": v.to_bool(pick(c, "image")),
            "is_sitewide": v.to_bool(pick(c, "sitewide")),
            "external_links": v.to_int(pick(c, "external links")),
            # the legacy export has no lost flag: null (unknown), not false
            "vendor_is_lost": v.to_bool(pick(c, "lost link")),
            "ascore": v.to_float(pick(c, "page ascore", "page score")),
        },
    )


def audit_to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    c = frame.columns
    return select_canonical(
        frame,
        "backlinks",
        {**_common(c), "vendor_toxicity": v.to_float(pick(c, "toxicity score"))},
    )


def snapshot_from_rows(rows: pl.DataFrame) -> dt.date | None:
    """The crawl the export reflects: the latest "Last seen"."""
    return rows.get_column("vendor_last_seen").max()  # type: ignore[return-value]


BACKLINKS = TableFormat(
    name="semrush_backlinks",
    kind="backlinks",
    source_tool="semrush",
    matches=_matches_backlinks,
    to_canonical=backlinks_to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)
AUDIT = TableFormat(
    name="semrush_backlink_audit",
    kind="backlinks",
    source_tool="semrush",
    matches=_matches_audit,
    to_canonical=audit_to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)
FORMAT = [BACKLINKS, AUDIT]
