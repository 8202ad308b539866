"""Google disavow files: write one from `marts.disavow_candidates`, check every line against
Google's rules, and diff it against the file the user uploaded last time.

Google's rules: one URL or one `domain:example.com` per line, `#` starts a
comment, UTF-8 or 7-bit ASCII, at most 100,000 lines (comments and blanks count) and 2 MB, URLs at
most 2,048 characters. Forms seen rejected in real files: a path after `domain:`, a leading dot,
a trailing slash, a scheme, a wildcard. An upload replaces the whole previous file, hence `diff`.

The writer never truncates: a file that would break a limit raises `DisavowError`. Sites on a
private public suffix (`x.blogspot.com`) are listed in their own section and never rolled up to
the platform. Everything here is pure (rows in, text out) except `candidates`, which reads them; the command
is cli/disavow.py.

Format: docs/export-formats.md#google-disavow-file
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from publicsuffixlist import PublicSuffixList

MAX_LINES = 100_000
MAX_BYTES = 2_000_000  # "2 MB"; the decimal reading is the stricter one, so it is safe either way
MAX_URL_LENGTH = 2_048

_PSL_ALL = PublicSuffixList()  # ICANN + private sections (the warehouse's registrable domains)
_PSL_ICANN = PublicSuffixList(only_icann=True)

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_DOMAIN_RE = rf"(?i)^(?:{_LABEL}\.)+{_LABEL}\.?$"
_URL_RE = r"(?i)^https?://[^\s/?#]+(?:[/?#]\S*)?$"


class DisavowError(ValueError):
    """The disavow file would break one of Google's rules; the message says which and how."""


# ------------------------------------------------------------------------------ line rules


def problem_expr(line: pl.Expr) -> pl.Expr:
    """Why each line breaks Google's disavow rules (null: fine; comments and blanks are fine).
    Column-wise, so a 100,000-line file is checked in one pass."""
    text = line.str.strip_chars()
    lower = text.str.to_lowercase()
    name = text.str.slice(len("domain:"))
    domain_rules = (
        pl.when(~text.str.starts_with("domain:"))
        .then(pl.lit("write 'domain:' in lowercase"))
        .when(name == "")
        .then(pl.lit("nothing after 'domain:'"))
        .when(
            name.str.contains("://")
            | name.str.to_lowercase().str.starts_with("http:")
            | name.str.to_lowercase().str.starts_with("https:")
        )
        .then(pl.lit("a scheme after 'domain:' (write domain:example.com)"))
        .when(name.str.contains("/", literal=True))
        .then(pl.lit("a path after 'domain:' (a domain line covers the whole domain; list a URL instead)"))
        .when(name.str.contains("*", literal=True))
        .then(pl.lit("a wildcard (Google does not support wildcards)"))
        .when(name.str.starts_with("."))
        .then(pl.lit("a leading dot (write domain:example.com)"))
        .when(name.str.contains(r"\s"))
        .then(pl.lit("whitespace inside the domain"))
        .when(name.str.contains(":", literal=True))
        .then(pl.lit("a port after the domain"))
        .when(name.str.contains(r"[^\x00-\x7F]"))
        .then(pl.lit("a non-ASCII domain (use its punycode xn-- form)"))
        .when(~name.str.contains(_DOMAIN_RE) | (name.str.len_chars() > 253))
        .then(pl.lit("not a domain name"))
    )
    url_rules = (
        pl.when(text.str.len_chars() > MAX_URL_LENGTH)
        .then(pl.lit(f"URL longer than {MAX_URL_LENGTH:,} characters"))
        .when(text.str.contains("*", literal=True))
        .then(pl.lit("a wildcard (Google does not support wildcards)"))
        .when(~text.str.contains(_URL_RE))
        .then(pl.lit("not an http(s) URL"))
    )
    return (
        pl.when((text == "") | text.str.starts_with("#"))
        .then(pl.lit(None, dtype=pl.String))
        .when(lower.str.starts_with("domain:"))
        .then(domain_rules)
        .when(lower.str.starts_with("http://") | lower.str.starts_with("https://"))
        .then(url_rules)
        .otherwise(pl.lit("neither a URL, a 'domain:' line nor a '#' comment"))
    )


def line_problem(line: str) -> str | None:
    """Why one line breaks Google's rules, or None."""
    return pl.select(problem_expr(pl.lit(line, dtype=pl.String))).item()


def _lines(text: str) -> pl.DataFrame:
    text = text.removeprefix("\ufeff")  # a UTF-8 BOM is an encoding mark, not part of line 1
    return pl.DataFrame({"line": text.splitlines()}, schema={"line": pl.String}).with_row_index("number", offset=1)


def _describe(frame: pl.DataFrame) -> list[str]:
    """'line N: problem: 'text'' for the rows of a frame with number, line, problem."""
    return (
        frame.select(
            pl.format("line {}: {}: '{}'", "number", "problem", pl.col("line").str.strip_chars().str.slice(0, 120))
        )
        .to_series()
        .to_list()
    )


def validate(text: str) -> list[str]:
    """Every problem of a whole disavow file (empty = Google accepts it)."""
    lines = _lines(text).with_columns(problem=problem_expr(pl.col("line")))
    problems = _describe(lines.filter(pl.col("problem").is_not_null()))
    size = len(text.encode("utf-8"))
    if lines.height > MAX_LINES:
        problems.append(f"{lines.height:,} lines (Google's limit is {MAX_LINES:,}, comments and blank lines included)")
    if size > MAX_BYTES:
        problems.append(f"{size:,} bytes (Google's limit is 2 MB)")
    return problems


# ------------------------------------------------------------------------------ writing


def is_private_suffix_site(domain: str) -> bool:
    """True for a site on a private public suffix (x.blogspot.com, a.github.io): the PSL's private
    section makes it a site of its own, and it must never be rolled up to the platform."""
    return _PSL_ALL.publicsuffix(domain) != _PSL_ICANN.publicsuffix(domain)


def _covered_by(host: pl.Expr, domains: Iterable[str]) -> pl.Expr:
    """The first of `domains` that `host` is or lies under (null if none); a loop over the few
    configured domains, column-wise over the entries."""
    result = pl.lit(None, dtype=pl.String)
    for domain in reversed([d.lower() for d in domains]):
        result = pl.when((host == domain) | host.str.ends_with("." + domain)).then(pl.lit(domain)).otherwise(result)
    return result


def _contains_host(host: pl.Expr, domains: Iterable[str]) -> pl.Expr:
    """A configured domain lies under `host` (shop.example.com is configured, host example.com)."""
    hit = pl.lit(False)
    for domain in domains:
        hit = hit | pl.lit(domain.lower()).str.ends_with(pl.lit(".") + host)
    return hit


@dataclass(frozen=True)
class DisavowFile:
    text: str
    domains: list[str] = field(default_factory=list)  # domain: entries (ICANN registrable domains)
    private_sites: list[str] = field(default_factory=list)  # domain: entries on private suffixes
    urls: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, why it was left out)

    @property
    def entries(self) -> list[str]:
        return [*self.domains, *self.private_sites, *self.urls]


_CANDIDATE_SCHEMA = {
    "entry": pl.String,
    "toxicity_score": pl.Float64,
    "reasons": pl.String,
    "first_seen": pl.Date,
    "seen_by_google": pl.Boolean,
}
_SECTIONS = {
    "domain": "# --- Domains ---",
    "private_site": "# --- Sites on shared hosts (private public suffixes such as blogspot.com), never the whole platform ---",
    "url": "# --- Single pages on platforms, never the whole platform ---",
}


def _as_frame(rows: pl.DataFrame | Iterable[Mapping]) -> pl.DataFrame:
    if not isinstance(rows, pl.DataFrame):
        rows = list(rows)
        frame = (
            pl.DataFrame(rows, schema_overrides=_CANDIDATE_SCHEMA) if rows else pl.DataFrame(schema=_CANDIDATE_SCHEMA)
        )
    else:
        frame = rows
    missing = [c for c in ("entry", "toxicity_score", "reasons") if c not in frame.columns]
    if missing:
        raise DisavowError(f"candidate rows lack the column(s) {', '.join(missing)}")
    return (
        frame.with_columns(
            [pl.lit(None, dtype=t).alias(c) for c, t in _CANDIDATE_SCHEMA.items() if c not in frame.columns]
        )
        .select(list(_CANDIDATE_SCHEMA))
        .cast(_CANDIDATE_SCHEMA)
    )


def render(
    rows: pl.DataFrame | Iterable[Mapping],
    *,
    site: str,
    generated_on: dt.date,
    never: Iterable[str] = (),
    protected: Iterable[str] = (),
) -> DisavowFile:
    """The disavow file for `site` from candidate rows (`entry`, `toxicity_score`, `reasons`, and
    optionally `first_seen`, `seen_by_google`), as marts.disavow_candidates holds them.

    Entries for a `never` domain (or a site under it) or for a `protected` one (the site and the
    competitors) are left out and reported in `skipped`. Each entry gets a comment line with its
    score, first-seen date and reasons; sections: domains, sites on private suffixes, URLs.
    Raises DisavowError when an entry breaks Google's line rules or the file would exceed
    100,000 lines or 2 MB (it is never truncated).
    """
    never, protected = list(never), list(protected)
    host = (
        pl.when(pl.col("entry").str.starts_with("domain:"))
        .then(pl.col("entry").str.slice(len("domain:")))
        .otherwise(pl.col("entry").str.extract(r"(?i)^https?://([^/?#:]*)", 1))
        .str.to_lowercase()
    )
    frame = (
        _as_frame(rows)
        .with_columns(entry=pl.col("entry").str.strip_chars())
        .unique("entry", keep="first")
        .with_columns(host=host)
        .with_columns(
            never_hit=_covered_by(pl.col("host"), never),
            protected_hit=pl.coalesce(
                _covered_by(pl.col("host"), protected),
                pl.when(_contains_host(pl.col("host"), protected)).then(pl.col("host")),
            ),
            problem=problem_expr(pl.col("entry")),
        )
        .sort("entry")
    )
    skipped_frame = frame.filter(pl.col("never_hit").is_not_null() | pl.col("protected_hit").is_not_null())
    skipped = list(
        zip(
            skipped_frame["entry"].to_list(),
            skipped_frame.select(
                pl.when(pl.col("never_hit").is_not_null())
                .then(pl.format("disavow.never lists {}", "never_hit"))
                .otherwise(pl.format("{} is the site or a competitor", "protected_hit"))
            )
            .to_series()
            .to_list(),
            strict=True,
        )
    )
    kept = frame.filter(pl.col("never_hit").is_null() & pl.col("protected_hit").is_null())
    invalid = kept.filter(pl.col("problem").is_not_null())
    if invalid.height:
        shown = invalid.head(5).select(pl.format("'{}': {}", pl.col("entry").str.slice(0, 120), "problem")).to_series()
        raise DisavowError(
            f"{invalid.height} candidate entr{'y breaks' if invalid.height == 1 else 'ies break'} Google's disavow "
            f"rules: {'; '.join(shown.to_list())}{'; …' if invalid.height > 5 else ''}"
        )

    # private-suffix sites: one PSL lookup per distinct domain entry
    domain_hosts = kept.filter(pl.col("entry").str.starts_with("domain:"))["host"].unique().to_list()
    private = [h for h in domain_hosts if is_private_suffix_site(h)]
    details = pl.concat_str(
        [
            pl.format("toxicity {}", pl.col("toxicity_score").round(0).cast(pl.Int64)),
            pl.when(pl.col("first_seen").is_not_null()).then(pl.format(" | first seen {}", pl.col("first_seen"))),
            pl.when(pl.col("seen_by_google")).then(pl.lit(" | reported by Google Search Console")),
        ],
        ignore_nulls=True,
    )
    reasons = pl.col("reasons").fill_null("no reason recorded").str.replace_all(r"\s+", " ")
    kept = kept.with_columns(
        section=pl.when(~pl.col("entry").str.starts_with("domain:"))
        .then(pl.lit("url"))
        .when(pl.col("host").is_in(private))
        .then(pl.lit("private_site"))
        .otherwise(pl.lit("domain")),
        comment=pl.format("# {}: {}", details, reasons),
    )
    by_section = {name: kept.filter(pl.col("section") == name) for name in _SECTIONS}
    counts = {name: part.height for name, part in by_section.items()}
    total = kept.height
    lines = [
        f"# Google disavow file for {site}, generated by Backlink Warehouse on {generated_on.isoformat()}",
        f"# Entries: {total} (domains: {counts['domain']}, sites on shared hosts: {counts['private_site']}, "
        f"single URLs: {counts['url']}).",
        "# Review every line before uploading: Google ignores most spammy links, and an upload",
        "# replaces the whole previous file (compare with `backlinks disavow --previous FILE`).",
    ]
    for name, part in by_section.items():
        if part.height:
            body = part.select(pl.concat_list("comment", "entry").alias("line")).explode("line")["line"].to_list()
            lines += ["", _SECTIONS[name], *body]
    text = "\n".join(lines) + "\n"

    size = len(text.encode("utf-8"))
    if len(lines) > MAX_LINES or size > MAX_BYTES:
        raise DisavowError(
            f"the disavow file would have {len(lines):,} lines and {size:,} bytes; Google accepts at most "
            f"{MAX_LINES:,} lines and 2 MB. Nothing was written (a truncated file would silently drop "
            "entries): raise toxicity_candidate_threshold in sites.yml, or review the candidates in parts."
        )
    return DisavowFile(
        text,
        by_section["domain"]["entry"].to_list(),
        by_section["private_site"]["entry"].to_list(),
        by_section["url"]["entry"].to_list(),
        skipped,
    )


# ------------------------------------------------------------------------------ diff


def parse_entries(text: str) -> tuple[list[str], list[str]]:
    """The entries of a disavow file in a comparable form (`domain:` names lowercased without a
    trailing dot, URLs as written) and the problems of its invalid lines."""
    lines = (
        _lines(text)
        .with_columns(line=pl.col("line").str.strip_chars())
        .with_columns(problem=problem_expr(pl.col("line")))
    )
    entries = (
        lines.filter(pl.col("problem").is_null() & (pl.col("line") != "") & ~pl.col("line").str.starts_with("#"))
        .select(
            pl.when(pl.col("line").str.starts_with("domain:"))
            .then(
                pl.lit("domain:") + pl.col("line").str.slice(len("domain:")).str.to_lowercase().str.strip_chars_end(".")
            )
            .otherwise(pl.col("line"))
        )
        .to_series()
    )
    return entries.to_list(), _describe(lines.filter(pl.col("problem").is_not_null()))


@dataclass(frozen=True)
class DisavowDiff:
    added: list[str]
    removed: list[str]
    kept: list[str]
    previous_problems: list[str]  # invalid lines of the previous file (Google ignored them)


def diff(previous_text: str, new_text: str) -> DisavowDiff:
    """What uploading `new_text` changes against the previously uploaded `previous_text`."""
    before, problems = parse_entries(previous_text)
    after, _ = parse_entries(new_text)
    before_set, after_set = set(before), set(after)
    return DisavowDiff(
        added=sorted(after_set - before_set),
        removed=sorted(before_set - after_set),
        kept=sorted(before_set & after_set),
        previous_problems=problems,
    )


def candidates(warehouse: Path, site: str) -> pl.DataFrame | None:
    """The site's rows of marts.disavow_candidates; None when the warehouse has no such table yet."""
    import duckdb

    from dagster_project import warehouse as wh

    with wh.connect(warehouse, read_only=True) as con:
        try:
            return con.sql(
                "select entry, toxicity_score, reasons, first_seen, seen_by_google"
                " from marts.disavow_candidates where site_domain = ? order by entry",
                params=[site],
            ).pl()
        except duckdb.CatalogException:
            return None
