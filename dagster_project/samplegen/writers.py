"""One writer per vendor backlink format: observation frame -> the exact bytes the vendor writes.

Each writer is column-wise (Polars expressions + one `write_csv`), so the same function writes the
40-row fixture, the committed sample and the 1M-row benchmark file. Formats follow
the vendors' real exports; `header=False` renders a continuation chunk (no header,
no preamble, no BOM) so big files can be written in pieces.

Observation frame columns (`OBS_SCHEMA`): built by `views.observe` for the sample and by
`bigfile` for benchmarks.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

OBS_SCHEMA: dict[str, pl.DataType] = {
    "source_url": pl.String(),
    "target_url": pl.String(),
    "anchor": pl.String(),
    "title": pl.String(),
    "left_context": pl.String(),
    "right_context": pl.String(),
    "language": pl.String(),
    "platform": pl.String(),
    "http_code": pl.Int64(),
    "nofollow": pl.Boolean(),
    "ugc": pl.Boolean(),
    "sponsored": pl.Boolean(),
    "is_image": pl.Boolean(),
    "is_sitewide": pl.Boolean(),
    "is_content": pl.Boolean(),
    "is_redirect": pl.Boolean(),
    "first_seen": pl.Datetime("us"),
    "last_seen": pl.Datetime("us"),
    "lost_at": pl.Datetime("us"),
    "lost_status": pl.String(),
    "drop_reason": pl.String(),
    "discovered_status": pl.String(),
    "new_link": pl.Boolean(),
    "lost_link": pl.Boolean(),
    "domain_rating": pl.Int64(),
    "url_rating": pl.Float64(),
    "domain_traffic": pl.Int64(),
    "page_ref_domains": pl.Int64(),
    "linked_domains": pl.Int64(),
    "external_links": pl.Int64(),
    "internal_links": pl.Int64(),
    "page_traffic": pl.Int64(),
    "page_keywords": pl.Int64(),
    "is_spam": pl.Boolean(),
    "domain_authority": pl.Int64(),
    "page_authority": pl.Int64(),
    "spam_score": pl.Int64(),
    "domain_ref_domains": pl.Int64(),
    "trust_flow": pl.Int64(),
    "citation_flow": pl.Int64(),
    "target_trust_flow": pl.Int64(),
    "target_citation_flow": pl.Int64(),
    "topic": pl.String(),
    "topic_value": pl.Int64(),
    "domain_topic": pl.String(),
    "domain_topic_value": pl.Int64(),
    "ascore": pl.Int64(),
    "page_trust": pl.Int64(),
    "toxicity": pl.Int64(),
    "toxic_markers": pl.String(),
    "ip": pl.String(),
    "source_host": pl.String(),
}

BOM = "\ufeff"


def _flag(col: str, yes: str = "true", no: str = "false") -> pl.Expr:
    return pl.when(pl.col(col)).then(pl.lit(yes)).otherwise(pl.lit(no))


def _s(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String)


def csv_text(frame: pl.DataFrame, *, header: bool, sep: str = ",", eol: str = "\n", quote: str = "necessary") -> str:
    if quote != "always":  # an empty value is written bare (`a,,b`), never as `""`
        frame = frame.with_columns(
            [pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c, t in frame.schema.items() if t == pl.String]
        )
    """The frame as CSV text; empty strings are written bare like nulls unless every field is quoted."""
    return frame.write_csv(
        None, separator=sep, line_terminator=eol, quote_style=quote, null_value="", include_header=header
    )


# ---------------------------------------- Ahrefs (docs/export-formats.md#ahrefs-backlinks)

AHREFS_HEADER = (
    "Referring page title",
    "Referring page URL",
    "Language",
    "Platform",
    "Referring page HTTP code",
    "Domain rating",
    "UR",
    "Domain traffic",
    "Referring domains",
    "Linked domains",
    "External links",
    "Page traffic",
    "Keywords",
    "Target URL",
    "Left context",
    "Anchor",
    "Right context",
    "Redirect Chain URLs",
    "Redirect Chain status codes",
    "Type",
    "Is spam",
    "Content",
    "Nofollow",
    "UGC",
    "Sponsored",
    "Rendered",
    "Raw",
    "Lost status",
    "Drop reason",
    "Discovered status",
    "First seen",
    "Last seen",
    "Lost",
    "Author",
    "Page type",
    "Page category",
    "Links in group",
)


def ahrefs_backlinks(
    obs: pl.DataFrame, *, utf16: bool = True, iso_dates: bool = False, decimal_comma: bool = False, header: bool = True
) -> bytes:
    """Ahrefs Site Explorer backlinks: UTF-16LE+BOM, TAB, all fields quoted, CRLF (default "for Excel");
    `utf16=False` is the UTF-8-BOM comma variant. Dates `2026-08-10 15:51:35` or ISO `…T…Z`."""
    table = _ahrefs_table(obs, iso_dates=iso_dates, decimal_comma=decimal_comma)
    return _ahrefs_bytes(table, utf16=utf16, header=header)


def _ahrefs_table(obs: pl.DataFrame, *, iso_dates: bool = False, decimal_comma: bool = False) -> pl.DataFrame:
    fmt = "%Y-%m-%dT%H:%M:%SZ" if iso_dates else "%Y-%m-%d %H:%M:%S"
    ur = pl.col("url_rating").round(1).cast(pl.String)
    values = [
        pl.col("title"),
        pl.col("source_url"),
        pl.col("language"),
        pl.col("platform"),
        _s("http_code"),
        _s("domain_rating"),
        ur.str.replace(".", ",", literal=True) if decimal_comma else ur,
        _s("domain_traffic"),
        _s("page_ref_domains"),
        _s("linked_domains"),
        _s("external_links"),
        _s("page_traffic"),
        _s("page_keywords"),
        pl.col("target_url"),
        pl.col("left_context"),
        pl.col("anchor"),
        pl.col("right_context"),
        pl.lit(""),
        pl.lit(""),
        pl.when(pl.col("is_image")).then(pl.lit("image")).otherwise(pl.lit("href")),
        _flag("is_spam"),
        _flag("is_content"),
        _flag("nofollow"),
        _flag("ugc"),
        _flag("sponsored"),
        pl.lit("false"),
        pl.lit("true"),
        pl.col("lost_status"),
        pl.col("drop_reason"),
        pl.col("discovered_status"),
        pl.col("first_seen").dt.strftime(fmt),
        pl.col("last_seen").dt.strftime(fmt),
        pl.col("lost_at").dt.strftime(fmt),
        pl.lit(""),
        pl.lit(""),
        pl.lit(""),
        pl.lit("1"),
    ]
    return obs.select([v.alias(h) for v, h in zip(values, AHREFS_HEADER)])


def _ahrefs_bytes(table: pl.DataFrame, *, utf16: bool, header: bool) -> bytes:
    if utf16:
        text = csv_text(table, header=header, sep="\t", eol="\r\n", quote="always")
        return ((BOM if header else "") + text).encode("utf-16-le")
    return ((BOM if header else "") + csv_text(table, header=header)).encode("utf-8")


AHREFS_REFDOMAINS_HEADER = (
    "#",
    "Domain",
    "Is spam",
    "DR",
    "Dofollow ref. domains",
    "Dofollow linked domains",
    "Traffic ",  # the trailing spaces are Ahrefs'
    "Keywords ",
    "Links to target",
    "New links",
    "Lost links",
    "Dofollow links",
    "First seen",
    "Lost",
)


def ahrefs_refdomains(obs: pl.DataFrame, *, header: bool = True) -> bytes:
    """Ahrefs referring domains (`<target>-refdomains-subdomains_<date>_<time>.csv`): one row per
    referring host (`www.` dropped), highest DR first; UTF-16LE+BOM TSV like the backlinks export.
    No IP column: Ahrefs does not export one."""
    fmt = "%Y-%m-%d %H:%M:%S"
    table = (
        obs.with_columns(pl.col("source_host").str.replace(r"^www\.", "").alias("domain"))
        .group_by("domain", maintain_order=True)
        .agg(
            pl.col("is_spam").any(),
            pl.col("domain_rating").max(),
            pl.col("domain_ref_domains").max(),
            pl.col("linked_domains").max(),
            pl.col("domain_traffic").max(),
            pl.col("page_keywords").sum(),
            pl.len().alias("links"),
            pl.col("new_link").sum().alias("new_links"),
            pl.col("lost_link").sum().alias("lost_links"),
            (~pl.col("nofollow") & ~pl.col("ugc") & ~pl.col("sponsored")).sum().alias("dofollow"),
            pl.col("first_seen").min(),
            # the domain is lost when every link of it is: the last of their lost dates
            pl.when(pl.col("lost_at").is_not_null().all()).then(pl.col("lost_at").max()).alias("lost_at"),
        )
        .sort(["domain_rating", "domain"], descending=[True, False])
        .with_row_index("n", offset=1)
    )
    values = [
        _s("n"),
        pl.col("domain"),
        _flag("is_spam"),
        _s("domain_rating"),
        _s("domain_ref_domains"),
        _s("linked_domains"),
        _s("domain_traffic"),
        _s("page_keywords"),
        _s("links"),
        _s("new_links"),
        _s("lost_links"),
        _s("dofollow"),
        pl.col("first_seen").dt.strftime(fmt),
        pl.col("lost_at").dt.strftime(fmt),
    ]
    text = csv_text(
        table.select([v.alias(h) for v, h in zip(values, AHREFS_REFDOMAINS_HEADER)]),
        header=header,
        sep="\t",
        eol="\r\n",
        quote="always",
    )
    return ((BOM if header else "") + text).encode("utf-16-le")


# the backlinks columns plus the target's status, after Target URL (docs/export-formats.md#ahrefs-broken-backlinks)
_TARGET_AT = AHREFS_HEADER.index("Target URL") + 1
AHREFS_BROKEN_HEADER = (
    *AHREFS_HEADER[:_TARGET_AT],
    "Target page HTTP code",
    "Target checked",
    "Ref. page checked",
    *AHREFS_HEADER[_TARGET_AT:],
)


def ahrefs_broken_backlinks(obs: pl.DataFrame, status: dict[str, int], checked: dt.datetime) -> bytes:
    """Ahrefs Site Explorer broken backlinks ("for Excel": UTF-16LE TSV): the live links of `obs`
    whose target path is a key of `status` (path -> the HTTP code it answers), with the day Ahrefs
    checked the targets and, per row, the day it last crawled the referring page (its last seen)."""
    fmt = "%Y-%m-%d %H:%M:%S"
    path = pl.col("target_url").str.replace(r"^[^/]*//[^/]+", "").str.replace(r"[?#].*$", "")
    live = obs.filter(pl.col("lost_at").is_null() & path.is_in(list(status)))
    codes = path.replace_strict(status, default=None, return_dtype=pl.Int64)
    table = _ahrefs_table(live)
    extra = live.select(
        codes.cast(pl.String).alias("Target page HTTP code"),
        pl.lit(checked.strftime(fmt)).alias("Target checked"),
        pl.col("last_seen").dt.strftime(fmt).alias("Ref. page checked"),
    )
    return _ahrefs_bytes(
        pl.concat([table, extra], how="horizontal").select(AHREFS_BROKEN_HEADER), utf16=True, header=True
    )


# --------------------------------------- Semrush (docs/export-formats.md#semrush-backlinks)

SEMRUSH_HEADER = (
    "Page ascore",
    "Source title",
    "Source url",
    "Target url",
    "Anchor",
    "External links",
    "Internal links",
    "Nofollow",
    "Sponsored",
    "Ugc",
    "Text",
    "Frame",
    "Form",
    "Image",
    "Sitewide",
    "First seen",
    "Last seen",
    "New link",
    "Lost link",
)
SEMRUSH_LEGACY_HEADER = (
    "Page score",
    "Page trust score",
    "Source title",
    "Source url",
    "Target url",
    "Anchor",
    "External links",
    "Internal links",
    "Nofollow",
    "Frame",
    "Form",
    "Image",
    "Sitewide",
    "First seen",
    "Last seen",
)
SEMRUSH_AUDIT_HEADER = (
    "Source title",
    "Source url",
    "Target url",
    "Anchor",
    "Toxicity Score",
    "Toxic markers",
    "First seen",
    "Last seen",
    "Nofollow",
)
SEMRUSH_REFDOMAINS_HEADER = ("Domain ascore", "Domain", "Backlinks", "IP Address", "Country", "First seen", "Last seen")
_COUNTRY = {
    "en": "United Kingdom",
    "de": "Germany",
    "es": "Spain",
    "fr": "France",
    "it": "Italy",
    "nl": "Netherlands",
    "he": "Israel",
}


def semrush_backlinks(obs: pl.DataFrame, *, legacy: bool = False, header: bool = True) -> bytes:
    """Semrush Backlink Analytics → Backlinks: UTF-8 comma CSV, `true`/`false` (19 columns; legacy 15)."""
    date = "%Y-%m-%d"
    if legacy:
        values = [
            _s("ascore"),
            _s("page_trust"),
            pl.col("title"),
            pl.col("source_url"),
            pl.col("target_url"),
            pl.col("anchor"),
            _s("external_links"),
            _s("internal_links"),
            _flag("nofollow"),
            pl.lit("false"),
            pl.lit("false"),
            _flag("is_image"),
            _flag("is_sitewide"),
            pl.col("first_seen").dt.strftime(date),
            pl.col("last_seen").dt.strftime(date),
        ]
        names = SEMRUSH_LEGACY_HEADER
    else:
        values = [
            _s("ascore"),
            pl.col("title"),
            pl.col("source_url"),
            pl.col("target_url"),
            pl.col("anchor"),
            _s("external_links"),
            _s("internal_links"),
            _flag("nofollow"),
            _flag("sponsored"),
            _flag("ugc"),
            pl.when(pl.col("is_image")).then(pl.lit("false")).otherwise(pl.lit("true")),
            pl.lit("false"),
            pl.lit("false"),
            _flag("is_image"),
            _flag("is_sitewide"),
            pl.col("first_seen").dt.strftime(date),
            pl.col("last_seen").dt.strftime(date),
            _flag("new_link"),
            _flag("lost_link"),
        ]
        names = SEMRUSH_HEADER
    return csv_text(obs.select([v.alias(h) for v, h in zip(values, names)]), header=header).encode("utf-8")


def semrush_audit(obs: pl.DataFrame, *, header: bool = True, trailing_empty_row: bool = True) -> bytes:
    """Semrush Backlink Audit: Toxicity Score 0–100, `TRUE`/`FALSE` (an Excel re-save), and the
    all-empty `,,,,,,,,` row Excel leaves at the end."""
    date = "%Y-%m-%d %H:%M:%S +00:00"
    values = [
        pl.col("title"),
        pl.col("source_url"),
        pl.col("target_url"),
        pl.col("anchor"),
        _s("toxicity"),
        pl.col("toxic_markers"),
        pl.col("first_seen").dt.strftime(date),
        pl.col("last_seen").dt.strftime(date),
        _flag("nofollow", "TRUE", "FALSE"),
    ]
    text = csv_text(obs.select([v.alias(h) for v, h in zip(values, SEMRUSH_AUDIT_HEADER)]), header=header)
    if trailing_empty_row:
        text += "," * (len(SEMRUSH_AUDIT_HEADER) - 1) + "\n"
    return text.encode("utf-8")


def semrush_refdomains(obs: pl.DataFrame, *, header: bool = True) -> bytes:
    """Semrush referring domains (`<domain>-backlinks_refdomains.csv`): one row per referring host, with its IP."""
    date = "%Y-%m-%d"
    table = (
        obs.group_by("source_host", maintain_order=True)
        .agg(
            pl.col("ascore").max(),
            pl.len().alias("backlinks"),
            pl.col("ip").first(),
            pl.col("language").first(),
            pl.col("first_seen").min(),
            pl.col("last_seen").max(),
        )
        .sort(["ascore", "source_host"], descending=[True, False])
        .select(
            _s("ascore").alias("Domain ascore"),
            pl.col("source_host").str.replace(r"^www\.", "").alias("Domain"),
            _s("backlinks").alias("Backlinks"),
            pl.col("ip").alias("IP Address"),
            pl.col("language").replace_strict(_COUNTRY, default="United States").alias("Country"),
            pl.col("first_seen").dt.strftime(date).alias("First seen"),
            pl.col("last_seen").dt.strftime(date).alias("Last seen"),
        )
    )
    return csv_text(table, header=header).encode("utf-8")


# ------------------------------------- Majestic (docs/export-formats.md#majestic-backlinks)

MAJESTIC_HEADER = (
    "Target URL",
    "Source URL",
    "Anchor Text",
    "Source Crawl Date",
    "Source First Found Date",
    "FlagNoFollow",
    "FlagImageLink",
    "FlagRedirect",
    "FlagFrame",
    "FlagOldCrawl",
    "FlagAltText",
    "FlagMention",
    "SourceCitationFlow",
    "SourceTrustFlow",
    "TargetCitationFlow",
    "TargetTrustFlow",
    "SourceTopicalTrustFlow_Topic_0",
    "SourceTopicalTrustFlow_Value_0",
    "RefDomainTopicalTrustFlow_Topic_0",
    "RefDomainTopicalTrustFlow_Value_0",
)


def majestic_backlinks(obs: pl.DataFrame, *, header: bool = True, broken_row: str | None = None) -> bytes:
    """Majestic bulk backlinks CSV: flags are empty (false) or `+` (true), dates `%Y-%m-%d`.
    `broken_row` (a line with the wrong column count, as real exports have) is inserted mid-file."""
    date = "%Y-%m-%d"
    stale = pl.col("last_seen") < pl.col("last_seen").max() - pl.duration(days=60)
    values = [
        pl.col("target_url"),
        pl.col("source_url"),
        pl.col("anchor"),
        pl.col("last_seen").dt.strftime(date),
        pl.col("first_seen").dt.strftime(date),
        _flag("nofollow", "+", ""),
        _flag("is_image", "+", ""),
        _flag("is_redirect", "+", ""),
        pl.lit(""),
        pl.when(stale).then(pl.lit("+")).otherwise(pl.lit("")),
        pl.when(pl.col("is_image") & (pl.col("page_authority") % 2 == 0)).then(pl.lit("+")).otherwise(pl.lit("")),
        pl.lit(""),
        _s("citation_flow"),
        _s("trust_flow"),
        _s("target_citation_flow"),
        _s("target_trust_flow"),
        pl.col("topic"),
        _s("topic_value"),
        pl.col("domain_topic"),
        _s("domain_topic_value"),
    ]
    text = csv_text(obs.select([v.alias(h) for v, h in zip(values, MAJESTIC_HEADER)]), header=header)
    if broken_row is not None:
        lines = text.split("\n")  # one insertion into a small sample file, not a per-row loop
        lines.insert(max(1, len(lines) // 2), broken_row)
        text = "\n".join(lines)
    return text.encode("utf-8")


# ----------------------------------------------- Moz (docs/export-formats.md#moz-inbound-links)

MOZ_HEADER = (
    "URL",
    "Title",
    "Anchor Text",
    "Spam Score",
    "Page Authority",
    "Domain Authority",
    "Number of Domains Linking to this Page",
    "Number of Domains Linking to Domain",
    "Origin",
    "Target URL",
    "Link Equity",
    "No Link Equity",
    "Only rel=nofollow",
    "Only follow",
    "301",
)


def moz_preamble(target: str, export_date: dt.date, rows: int) -> str:
    """The 6 metadata lines Moz writes above the header."""
    return (
        f"Moz Link Explorer - Inbound Links for {target}\n"
        f"Target: {target} (root domain)\n"
        f"Export date: {export_date.isoformat()}\n"
        "Filters: Link state: active | Link type: all | Link source: external\n"
        f"Total rows: {rows}\n"
        "\n"
    )


def moz_inbound_links(
    obs: pl.DataFrame, *, target: str, export_date: dt.date, duplicate_every: int = 23, header: bool = True
) -> bytes:
    """Moz inbound links: metadata preamble, `Yes`/`No`, URLs without a scheme, and some rows listed
    twice in a row (every `duplicate_every`-th row is repeated; 0 = none)."""
    follow = ~(pl.col("nofollow") | pl.col("ugc") | pl.col("sponsored"))
    values = [
        pl.col("source_url"),
        pl.col("title"),
        pl.col("anchor"),
        _s("spam_score"),
        _s("page_authority"),
        _s("domain_authority"),
        _s("page_ref_domains"),
        _s("domain_ref_domains"),
        pl.lit("external"),
        pl.col("target_url"),
        pl.when(follow).then(pl.lit("Yes")).otherwise(pl.lit("No")),
        pl.when(follow).then(pl.lit("No")).otherwise(pl.lit("Yes")),
        _flag("nofollow", "Yes", "No"),
        pl.when(follow).then(pl.lit("Yes")).otherwise(pl.lit("No")),
        pl.lit("No"),
    ]
    table = obs.select([v.alias(h) for v, h in zip(values, MOZ_HEADER)])
    if duplicate_every and table.height:
        repeat = pl.int_range(pl.len()) % duplicate_every == duplicate_every - 1
        table = (
            table.with_columns(_n=pl.when(repeat).then(2).otherwise(1))
            .select(pl.exclude("_n").repeat_by("_n"))
            .explode(pl.all())
        )
    text = csv_text(table, header=header)
    return ((moz_preamble(target, export_date, table.height) if header else "") + text).encode("utf-8")


# ----------------- Google Search Console links (docs/export-formats.md#google-search-console-links)

GSC_LATEST_HEADERS = {"en": ("Linking page", "Last crawled"), "es": ("Página de enlace", "Último rastreo")}
GSC_DATE_FORMATS = {"iso": "%Y-%m-%d", "us": "%b %-d, %Y", "dmy": "%d/%m/%Y"}


def gsc_latest_links(obs: pl.DataFrame, *, lang: str = "en", date_style: str = "iso", header: bool = True) -> bytes:
    """GSC Links → Latest links: `Linking page,Last crawled` (localised header), one row per linking page,
    newest crawl first; no target column (the property comes from the folder)."""
    page, crawled = GSC_LATEST_HEADERS[lang]
    table = (
        obs.group_by("source_url", maintain_order=True)
        .agg(pl.col("last_seen").max())
        .sort(["last_seen", "source_url"], descending=[True, False])
        .select(
            pl.col("source_url").alias(page),
            pl.col("last_seen").dt.strftime(GSC_DATE_FORMATS[date_style]).alias(crawled),
        )
    )
    return csv_text(table, header=header).encode("utf-8")
