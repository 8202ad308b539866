"""Referring-domains exports: Ahrefs Site Explorer → Referring domains and Semrush Backlink
Analytics → Referring Domains. One row per domain that links to the site, with the vendor's
figures for that domain (Ahrefs DR and spam flag, Semrush Domain Authority Score, the IP the
domain resolved to, how many links it sends): per-domain facts, not links, so they land in
raw.referring_domains and never in raw.backlinks.

- Ahrefs (`<target>-refdomains-subdomains_<date>_<time>.csv`): like its backlinks export,
  UTF-16LE TSV "for Excel" or UTF-8 CSV with a BOM (the shared reader decodes both). Header
  `#, Domain, Is spam, DR, Dofollow ref. domains, Dofollow linked domains, Traffic , Keywords ,
  Links to target, New links, Lost links, Dofollow links, First seen, Lost` (note the trailing
  spaces, which the reader trims). No IP column in the current export; an `IP`/`IP address`
  column, where an export has one, is read.
- Semrush (`<domain>-backlinks_refdomains.csv`): UTF-8 comma CSV, `Domain ascore, Domain,
  Backlinks, IP Address, Country, First seen, Last seen` (the API's column order; the UI export
  names the same columns). Dates are ISO days, or epoch seconds from the API.

A number or IP that is present but unreadable (`DR` of `high`, IP `999.1.2.3`) would otherwise
become a silent null: the row is quarantined instead, its reason naming the column and the
value (`REASON_COLUMN`).

Format: docs/export-formats.md#referring-domains
"""

from __future__ import annotations

import datetime as dt
import ipaddress

import polars as pl

from dagster_project.formats._columns import url_text
from dagster_project.formats.base import REASON_COLUMN, TableFormat
from dagster_project.formats.text import has_any, pick, select_canonical
from dagster_project.normalise import values as v
from dagster_project.quality.rules import SHOWN_CHARS

_DOMAIN = ("domain", "referring domain", "ref. domain")
_IP = ("ip address", "ip", "ip addresses")
# Columns only the links exports have: a header with one of them is a backlinks file, not this.
_LINK_COLUMNS = ("referring page url", "source url", "target url", "url")


def _matches_ahrefs(headers: list[str]) -> bool:
    return (
        has_any(headers, "domain")
        and has_any(headers, "dr", "domain rating")
        and has_any(headers, "links to target", "dofollow ref. domains", "dofollow linked domains")
        and not has_any(headers, *_LINK_COLUMNS)
    )


def _matches_semrush(headers: list[str]) -> bool:
    return has_any(headers, "domain") and has_any(headers, "domain ascore") and not has_any(headers, *_LINK_COLUMNS)


def canonical_ip(text: str | None) -> str | None:
    """`185.212.47.9` -> itself, `2001:DB8:0::1` -> `2001:db8::1`; anything else -> None."""
    try:
        return ipaddress.ip_address(text.strip()).compressed if text else None
    except ValueError:
        return None


def _ip(column: pl.Expr) -> pl.Expr:
    """IPs canonicalised once per distinct value (a few hundred per file)."""

    def canonical(s: pl.Series) -> pl.Series:
        distinct = s.drop_nulls().unique()
        if distinct.len() == 0:
            return s.cast(pl.String)
        return s.replace_strict(distinct, [canonical_ip(x) for x in distinct], default=None, return_dtype=pl.String)

    return column.map_batches(canonical, return_dtype=pl.String, is_elementwise=True)


def _present(cell: pl.Expr) -> pl.Expr:
    """The cell says something (not empty, not a `-`/`n/a` placeholder)."""
    text = v.to_text(cell)
    return text.is_not_null() & ~text.str.to_lowercase().is_in(v.MISSING)


def _unreadable(columns: list[str], canonical: str, parsed: pl.Expr, *aliases: str) -> pl.Expr | None:
    """`"<canonical>: not a number '<cell>'"` where the cell says something that did not parse."""
    if not has_any(columns, *aliases):
        return None
    cell = pick(columns, *aliases)
    what = "an IP address" if canonical == "source_ip" else "a number"
    shown = v.to_text(cell).str.slice(0, SHOWN_CHARS)
    return pl.when(_present(cell) & parsed.is_null()).then(pl.format(f"{canonical}: not {what} '{{}}'", shown))


def _map(frame: pl.DataFrame, mapping: dict[str, tuple[pl.Expr, tuple[str, ...]]]) -> pl.DataFrame:
    """select_canonical over `mapping` (canonical -> (expression, the header aliases it reads)),
    plus REASON_COLUMN: the first number or IP that is present but unreadable."""
    c = frame.columns
    # the entries that name their header aliases are the numbers and the IP: checked
    checked = [_unreadable(c, name, expr, *aliases) for name, (expr, aliases) in mapping.items() if aliases]
    reasons = [r for r in checked if r is not None]
    out = select_canonical(frame, "referring_domains", {name: expr for name, (expr, _) in mapping.items()})
    reason = pl.coalesce(reasons) if reasons else pl.lit(None, dtype=pl.String)
    return out.with_columns(frame.select(reason.alias(REASON_COLUMN)).to_series())


def _number(c: list[str], *aliases: str) -> tuple[pl.Expr, tuple[str, ...]]:
    return v.to_float(pick(c, *aliases)), aliases


def _count(c: list[str], *aliases: str) -> tuple[pl.Expr, tuple[str, ...]]:
    return v.to_int(pick(c, *aliases)), aliases


def ahrefs_to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    c = frame.columns
    return _map(
        frame,
        {
            "referring_domain": (url_text(pick(c, *_DOMAIN)), ()),
            "source_ip": (_ip(v.to_text(pick(c, *_IP))), _IP),
            "domain_rating": _number(c, "dr", "domain rating"),
            "is_spam": (v.to_bool(pick(c, "is spam")), ()),
            "domain_traffic": _number(c, "traffic", "domain traffic"),
            "links_to_target": _count(c, "links to target", "backlinks"),
            "dofollow_links": _count(c, "dofollow links"),
            "new_links": _count(c, "new links"),
            "lost_links": _count(c, "lost links"),
            "vendor_first_seen": (v.to_date(pick(c, "first seen")), ()),
            "vendor_last_seen": (v.to_date(pick(c, "last seen", "last visited")), ()),
            "vendor_lost_at": (v.to_date(pick(c, "lost")), ()),
        },
    )


def semrush_to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    c = frame.columns
    return _map(
        frame,
        {
            "referring_domain": (url_text(pick(c, *_DOMAIN)), ()),
            "source_ip": (_ip(v.to_text(pick(c, *_IP))), _IP),
            "country": (v.to_text(pick(c, "country")), ()),
            "ascore": _number(c, "domain ascore"),
            "links_to_target": _count(c, "backlinks", "backlinks num"),
            "vendor_first_seen": (v.to_date(pick(c, "first seen")), ()),
            "vendor_last_seen": (v.to_date(pick(c, "last seen")), ()),
        },
    )


def snapshot_from_rows(rows: pl.DataFrame) -> dt.date | None:
    """The crawl the export reflects: the latest "Last seen" (Semrush; Ahrefs has none)."""
    return rows.get_column("vendor_last_seen").max()  # type: ignore[return-value]


AHREFS = TableFormat(
    name="ahrefs_referring_domains",
    kind="referring_domains",
    source_tool="ahrefs",
    matches=_matches_ahrefs,
    to_canonical=ahrefs_to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)
SEMRUSH = TableFormat(
    name="semrush_referring_domains",
    kind="referring_domains",
    source_tool="semrush",
    matches=_matches_semrush,
    to_canonical=semrush_to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)
FORMAT = [AHREFS, SEMRUSH]
