"""Moz Link Explorer inbound links.

The file opens with a 5-6 line metadata preamble (the reader finds the header below it); values
are `Yes`/`No`; URLs may come without a scheme (normalise/urls.py adds it); the same URL can sit on
consecutive rows (kept: deduplication happens in the models). Two headers are known - the current
one (`Spam Score`, `Link Equity`, `No Link Equity`, `Only rel=nofollow`, `Only follow`) and an
older one (`Followable`) - plus hoped-for aliases of the unverified newest one (`Link Type`,
`First Seen`, `Last Seen`).

Format: docs/export-formats.md#moz-inbound-links
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dagster_project.formats.base import TableFormat
from dagster_project.formats.text import has_any, pick, select_canonical
from dagster_project.normalise import values as v

_SOURCE = ("url", "source url")
_METRICS = ("page authority", "domain authority", "spam score")


def _matches(headers: list[str]) -> bool:
    return has_any(headers, *_SOURCE) and has_any(headers, "target url") and has_any(headers, *_METRICS)


def _yes(c: list[str], name: str) -> pl.Expr:
    return v.to_bool(pick(c, name))


def _rel(c: list[str]) -> pl.Expr:
    """Moz states follow-ness several ways, per source page; the best link on the page counts:
    nofollow when every link is nofollow / passes no equity / is not followable."""
    link_type = v.to_text(pick(c, "link type")).str.to_lowercase()
    hints = []
    if has_any(c, "only rel=nofollow"):
        hints.append(_yes(c, "only rel=nofollow"))
    if has_any(c, "no link equity"):  # with "Link Equity" also Yes the page has a followed link too
        no_equity = _yes(c, "no link equity")
        hints.append(no_equity & ~_yes(c, "link equity") if has_any(c, "link equity") else no_equity)
    if has_any(c, "followable"):
        hints.append(~_yes(c, "followable"))
    if has_any(c, "link type"):
        hints.append(link_type.str.contains("nofollow"))
    if not hints:
        return pl.lit(None, dtype=pl.String)
    nofollow = pl.any_horizontal(hints)  # Kleene: true if any hint says so, null if all unknown
    if has_any(c, "only follow"):
        nofollow = pl.when(_yes(c, "only follow").fill_null(False)).then(False).otherwise(nofollow)
    sponsored = link_type.str.contains("sponsored") if has_any(c, "link type") else None
    ugc = link_type.str.contains("ugc") if has_any(c, "link type") else None
    return v.rel_from_flags(sponsored=sponsored, ugc=ugc, nofollow=nofollow)


# Moz's lost-links view: a `Link State` (active / lost / a reason such as "Page not found") and
# `Date Lost` (when its crawler failed to find the link again; Moz itself warns
# this is not proof of removal, hence the cross-check against other tools downstream). Unverified
# header names, matched when present.
_STATE = ("link state",)
_LIVE_STATES = ["active", "live", "new", "found", "ok"]


def _lost(c: list[str]) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(is lost, lost date, reason text) from Moz's link state and lost date, when exported."""
    lost_at = v.to_date(pick(c, "date lost", "lost date", "lost"))
    state = v.to_text(pick(c, *_STATE))
    lost_state = state.is_not_null() & ~state.str.to_lowercase().is_in(_LIVE_STATES)
    said = has_any(c, *_STATE, "date lost", "lost date", "lost")
    reason = pl.when(lost_state & (state.str.to_lowercase() != "lost")).then(state)
    return pl.when(pl.lit(said)).then(lost_state | lost_at.is_not_null()), lost_at, reason


def to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    c = frame.columns
    is_lost, lost_at, lost_reason = _lost(c)
    return select_canonical(
        frame,
        "backlinks",
        {
            "source_url": v.to_text(pick(c, *_SOURCE)),
            "target_url": v.to_text(pick(c, "target url")),
            "anchor": v.to_text(pick(c, "anchor text", "anchor")),
            "page_title": v.to_text(pick(c, "title")),
            "rel": _rel(c),
            "is_redirect": v.to_bool(pick(c, "301")),
            "vendor_first_seen": v.to_date(pick(c, "first seen", "date first seen")),
            "vendor_last_seen": v.to_date(pick(c, "last seen", "date last seen")),
            "domain_authority": v.to_float(pick(c, "domain authority")),
            "page_authority": v.to_float(pick(c, "page authority")),
            "spam_score": v.to_float(pick(c, "spam score")),
            "vendor_is_lost": is_lost,
            "vendor_lost_at": lost_at,
            "vendor_lost_reason": lost_reason,
        },
    )


def snapshot_from_rows(rows: pl.DataFrame) -> dt.date | None:
    return rows.get_column("vendor_last_seen").max()  # type: ignore[return-value]


FORMAT = TableFormat(
    name="moz_inbound_links",
    kind="backlinks",
    source_tool="moz",
    matches=_matches,
    to_canonical=to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)
