"""What a landed row's values must look like: one list of rules, enforced twice.

Landing (`landing.land_bytes`) quarantines every row that breaks a rule, with the rule's reason;
the Great Expectations suites (`quality/suites.py`) turn the same rules into *blocking*
expectations on what was landed. Why both: a refresh whose blocking check fails is not
published, so the next refresh lands the same files again and fails again. If vendor data could
fail a blocking check, one absurd export would stop every refresh until someone deleted it. With
the rows quarantined first, a bad value costs one quarantined row (raw line + reason kept), and
a blocking failure means the *code* is wrong (a format mapping a column wrong, a writer that
skipped landing), which is exactly when publishing must stop.

Policy (README "Data quality"):
- Keys: a backlink needs source_url/host/domain, a mention mention_url/host/domain. A host that
  is itself a public suffix (`blogspot.com`, `co.uk`) has no registrable domain: quarantined
  (the marts key referring domains on it).
- Shapes: canonical URLs are `http(s)://host[:port]/…`; hosts and domains lowercase IDNA ASCII
  (or an IP literal). Patterns use ASCII classes only, so Polars (Rust regex) and GX (Python
  `re`) read them the same way.
- Ranges: vendor scores 0–100, CTR 0–1, positions ≥ 1, counts ≥ 0, sentiment −1..1. A value
  outside means a mis-mapped column or vendor garbage; the row is quarantined rather than the
  value nulled, so nothing changes silently.
- Dates: within [1995-01-01, today + 2 days] (vendors write UTC; the slack covers time zones).
  There was no web to link from before 1995, and 1970-01-01 is an epoch placeholder.
- A null value breaks no rule here (unparseable cells are already null, normalise/values.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

EARLIEST_DATE = dt.date(1995, 1, 1)
FUTURE_SLACK = dt.timedelta(days=2)
SHOWN_CHARS = 80  # a hostile cell may be megabytes long; a reason quotes its start

REL_VALUES = ("follow", "nofollow", "ugc", "sponsored")
# `http(s)://` + lowercase host or [IPv6] + optional explicit port + the path's slash
URL_PATTERN = r"^https?://(?:[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?/"
# dotted lowercase ASCII labels (IDNA punycode), or an IPv6 literal without brackets
HOST_PATTERN = r"^(?:(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}|[0-9a-f.]*:[0-9a-f:.]*)$"
# a dotted-quad IPv4 or a lowercase IPv6 (canonical text, formats/referring_domains.canonical_ip)
IP_PATTERN = r"^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*)$"


def latest_date(today: dt.date) -> dt.date:
    return today + FUTURE_SLACK


def date_in_window(value: dt.date | None, today: dt.date) -> bool:
    """Is `value` a plausible date for web data seen by `today`?"""
    if value is None:
        return False
    if isinstance(value, dt.datetime):
        value = value.date()
    return EARLIEST_DATE <= value <= latest_date(today)


def _shown(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.slice(0, SHOWN_CHARS)


@dataclass(frozen=True)
class Required:
    """The column must not be null; `show` names a column that makes the reason concrete."""

    column: str
    why: str = "missing"
    show: str | None = None

    @property
    def text(self) -> str:
        return f"{self.column} is not null"

    def violated(self, today: dt.date) -> pl.Expr:
        return pl.col(self.column).is_null()

    def message(self, today: dt.date) -> pl.Expr:
        if self.show is None:
            return pl.lit(f"{self.column} {self.why}")
        return pl.format(f"{self.column} {self.why}: '{{}}'", _shown(self.show))


@dataclass(frozen=True)
class InRange:
    """A number within [low, high] (either bound optional)."""

    column: str
    low: float | None = None
    high: float | None = None

    @property
    def bounds(self) -> str:
        if self.high is None:
            return f"≥ {self.low:g}"
        if self.low is None:
            return f"≤ {self.high:g}"
        return f"{self.low:g}–{self.high:g}"

    @property
    def text(self) -> str:
        return f"{self.column} within {self.bounds}"

    def violated(self, today: dt.date) -> pl.Expr:
        c, out = pl.col(self.column), pl.lit(False)
        if self.low is not None:
            out = out | (c < self.low)
        if self.high is not None:
            out = out | (c > self.high)
        return out.fill_null(False)

    def message(self, today: dt.date) -> pl.Expr:
        return pl.format(f"{self.column} {{}} outside {self.bounds}", _shown(self.column))


@dataclass(frozen=True)
class InWindow:
    """A date (or datetime) between EARLIEST_DATE and today + FUTURE_SLACK."""

    column: str

    @property
    def text(self) -> str:
        return f"{self.column} between {EARLIEST_DATE} and today + {FUTURE_SLACK.days} days"

    def violated(self, today: dt.date) -> pl.Expr:
        day = pl.col(self.column).cast(pl.Date)
        return ((day < EARLIEST_DATE) | (day > latest_date(today))).fill_null(False)

    def message(self, today: dt.date) -> pl.Expr:
        day = pl.col(self.column).cast(pl.Date)
        return (
            pl.when(day < EARLIEST_DATE)
            .then(pl.format(f"{self.column} {{}} is before {EARLIEST_DATE}", day))
            .otherwise(pl.format(f"{self.column} {{}} is in the future", day))
        )


@dataclass(frozen=True)
class OneOf:
    column: str
    values: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"{self.column} in {{{', '.join(self.values)}}}"

    def violated(self, today: dt.date) -> pl.Expr:
        c = pl.col(self.column)
        return (c.is_not_null() & ~c.is_in(list(self.values))).fill_null(False)

    def message(self, today: dt.date) -> pl.Expr:
        return pl.format(f"{self.column} '{{}}' is not one of {'/'.join(self.values)}", _shown(self.column))


@dataclass(frozen=True)
class Matches:
    column: str
    pattern: str
    what: str

    @property
    def text(self) -> str:
        return f"{self.column} is {self.what}"

    def violated(self, today: dt.date) -> pl.Expr:
        return (~pl.col(self.column).str.contains(self.pattern)).fill_null(False)

    def message(self, today: dt.date) -> pl.Expr:
        return pl.format(f"{self.column} '{{}}' is not {self.what}", _shown(self.column))


Rule = Required | InRange | InWindow | OneOf | Matches

_URL, _HOST = "a canonical http(s) URL", "a canonical host name"
_NO_DOMAIN = "has no registrable domain (its host is a public suffix)"
SCORES_0_100 = (
    "domain_rating",
    "url_rating",
    "domain_authority",
    "page_authority",
    "spam_score",
    "trust_flow",
    "citation_flow",
    "ascore",
    "vendor_toxicity",
)


def _url_rules(url: str, host: str, domain: str) -> tuple[Rule, ...]:
    return (Matches(url, URL_PATTERN, _URL), Matches(host, HOST_PATTERN, _HOST), Matches(domain, HOST_PATTERN, _HOST))


RULES: dict[str, tuple[Rule, ...]] = {
    "backlinks": (
        Required("source_url"),
        Required("source_host"),
        Required("source_domain", _NO_DOMAIN, show="source_url"),
        *_url_rules("source_url", "source_host", "source_domain"),
        *_url_rules("target_url", "target_host", "target_domain"),
        OneOf("rel", REL_VALUES),
        *(InRange(column, 0, 100) for column in SCORES_0_100),
        InRange("external_links", 0),
        InWindow("vendor_first_seen"),
        InWindow("vendor_last_seen"),
        InWindow("vendor_lost_at"),
        InRange("target_http_code", 100, 599),
        InWindow("target_checked_at"),
    ),
    "mentions": (
        Required("mention_url"),
        Required("mention_host"),
        Required("mention_domain", _NO_DOMAIN, show="mention_url"),
        *_url_rules("mention_url", "mention_host", "mention_domain"),
        InRange("sentiment", -1, 1),
        InRange("reach", 0),
        InWindow("published_at"),
    ),
    "rankings": (
        *_url_rules("url", "url_host", "url_domain"),
        InRange("position", 1),
        InRange("previous_position", 1),
        InRange("clicks", 0),
        InRange("impressions", 0),
        InRange("ctr", 0, 1),
        InRange("search_volume", 0),
        InWindow("ranking_date"),
    ),
    "ledger": (
        Required("source_url"),
        Required("source_host"),
        Required("source_domain", _NO_DOMAIN, show="source_url"),
        Required("target_url"),
        *_url_rules("source_url", "source_host", "source_domain"),
        *_url_rules("target_url", "target_host", "target_domain"),
        InRange("cost", 0),
        InWindow("placed_on"),
    ),
    "referring_domains": (
        Required("referring_domain"),
        Required("source_host"),
        Required("source_domain", _NO_DOMAIN, show="referring_domain"),
        Matches("source_host", HOST_PATTERN, _HOST),
        Matches("source_domain", HOST_PATTERN, _HOST),
        Matches("source_ip", IP_PATTERN, "an IPv4 or IPv6 address"),
        InRange("domain_rating", 0, 100),
        InRange("ascore", 0, 100),
        *(InRange(column, 0) for column in ("domain_traffic", "links_to_target", "dofollow_links")),
        *(InRange(column, 0) for column in ("new_links", "lost_links")),
        InWindow("vendor_first_seen"),
        InWindow("vendor_last_seen"),
        InWindow("vendor_lost_at"),
    ),
}

# The lineage columns the landing step itself fills (never from vendor data): checked by the GX
# suites only, as proof that landing did its job.
LINEAGE_RULES: tuple[Rule, ...] = (
    Required("file_sha256"),
    Required("row_number"),
    Required("source_tool"),
    Required("export_type"),
    Required("snapshot_date"),
    InRange("row_number", 1),
    InWindow("snapshot_date"),
)


def first_violation(kind: str, columns: Collection[str], today: dt.date) -> pl.Expr:
    """The reason of the first rule of `kind` a row breaks (String), null when it breaks none.

    Only rules on `columns` (the frame's columns) are applied."""
    reasons = [
        pl.when(rule.violated(today)).then(rule.message(today)) for rule in RULES[kind] if rule.column in columns
    ]
    return pl.coalesce(reasons) if reasons else pl.lit(None, dtype=pl.String)
