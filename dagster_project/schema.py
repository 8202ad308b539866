"""The canonical schemas every export is mapped to, and the warehouse tables they land in.

This module is the seam between the layers: `formats/` produce frames with exactly these
columns (in this order), `normalise/` fills the derived host/domain columns, the ingest assets
write them to `raw.*`, and dbt's staging models read them. Change a column here and in the
dbt sources (`dbt/models/staging/raw/_raw__sources.yml`) together.
"""

from __future__ import annotations

import polars as pl

# Columns every landed row carries, whatever its kind. Filled by the landing step, not by formats.
LINEAGE: dict[str, pl.DataType] = {
    "file_sha256": pl.String(),  # which file the row came from (audit.ingest_files.sha256)
    "row_number": pl.Int64(),  # 1-based data-row number inside that file (header excluded)
    "source_tool": pl.String(),  # ahrefs / semrush / majestic / moz / gsc / brand24 / ...
    "export_type": pl.String(),  # the detected format name, e.g. ahrefs_backlinks
    "snapshot_date": pl.Date(),  # the file's snapshot date (name > contents > mtime)
}

# One backlink as one tool reported it in one snapshot. Vendor metrics stay per tool.
BACKLINK: dict[str, pl.DataType] = {
    "site_hint": pl.String(),  # property a file without a target column belongs to (GSC)
    "source_url": pl.String(),
    "source_host": pl.String(),
    "source_domain": pl.String(),
    "target_url": pl.String(),  # null for GSC links (no target column)
    "target_host": pl.String(),
    "target_domain": pl.String(),
    "anchor": pl.String(),
    "page_title": pl.String(),
    "rel": pl.String(),  # follow / nofollow / ugc / sponsored (strongest hint wins)
    "is_image": pl.Boolean(),
    "is_sitewide": pl.Boolean(),  # sitewide / footer / nav placement when the tool says so
    "is_content": pl.Boolean(),  # in-content placement when the tool says so
    "is_redirect": pl.Boolean(),
    "external_links": pl.Int64(),  # outbound links on the source page
    "language": pl.String(),
    "source_ip": pl.String(),
    "vendor_first_seen": pl.Date(),
    "vendor_last_seen": pl.Date(),
    "vendor_is_lost": pl.Boolean(),  # the tool itself says the link is lost
    "vendor_lost_at": pl.Date(),
    "domain_rating": pl.Float64(),  # Ahrefs DR 0-100
    "url_rating": pl.Float64(),  # Ahrefs UR 0-100
    "domain_authority": pl.Float64(),  # Moz DA 0-100
    "page_authority": pl.Float64(),  # Moz PA 0-100
    "spam_score": pl.Float64(),  # Moz spam score 0-100
    "trust_flow": pl.Float64(),  # Majestic TF 0-100
    "citation_flow": pl.Float64(),  # Majestic CF 0-100
    "ascore": pl.Float64(),  # Semrush page/domain authority score 0-100
    "vendor_toxicity": pl.Float64(),  # Semrush audit toxicity 0-100
    "is_spam": pl.Boolean(),  # Ahrefs "Is spam"
    "vendor_topic": pl.String(),  # Majestic topical trust flow topic, e.g. Recreation/Food
    # the tool's own words for why the link is lost (Ahrefs "Lost status" / "Drop reason", Majestic's
    # reason, Moz's link state), as exported; dbt maps them (seed lost_reasons). Last, so a warehouse
    # that gains it keeps raw.backlinks' column order.
    "vendor_lost_reason": pl.String(),
    # the HTTP status the target URL answered when the tool checked it (Ahrefs broken backlinks:
    # `Target page HTTP code`, `Target checked`); no other supported export carries one
    "target_http_code": pl.Int64(),
    "target_checked_at": pl.Date(),
}

# One brand mention on one page.
MENTION: dict[str, pl.DataType] = {
    "mention_url": pl.String(),
    "mention_host": pl.String(),
    "mention_domain": pl.String(),
    "title": pl.String(),
    "content": pl.String(),
    "published_at": pl.Datetime("us"),
    "sentiment": pl.Float64(),  # -1 .. 1
    "source_type": pl.String(),  # news / blog / forum / social / video / web ...
    "language": pl.String(),
    "country": pl.String(),
    "reach": pl.Float64(),
}

# One ranking observation: a keyword (or, for page/date-only tables, null) on a date.
RANKING: dict[str, pl.DataType] = {
    "site_hint": pl.String(),  # property for exports without a domain of their own (GSC)
    "keyword": pl.String(),
    "url": pl.String(),
    "url_host": pl.String(),
    "url_domain": pl.String(),
    "ranking_date": pl.Date(),
    "position": pl.Float64(),  # >= 1; null = not ranking
    "previous_position": pl.Float64(),
    "clicks": pl.Float64(),
    "impressions": pl.Float64(),
    "ctr": pl.Float64(),  # 0-1 fraction
    "search_volume": pl.Float64(),
    "country": pl.String(),
    "device": pl.String(),
}

# One entry of a link-building ledger: a link the team placed or was promised (formats/ledger.py).
LEDGER: dict[str, pl.DataType] = {
    "source_url": pl.String(),  # the page that should carry the link
    "source_host": pl.String(),
    "source_domain": pl.String(),
    "target_url": pl.String(),  # the site's page it should link to
    "target_host": pl.String(),
    "target_domain": pl.String(),
    "anchor": pl.String(),
    "placed_on": pl.Date(),
    "campaign": pl.String(),
    "cost": pl.Float64(),  # in the ledger's own currency (symbols and codes dropped)
}

# One referring domain as a tool's referring-domains export lists it for a site on one snapshot
# (formats/referring_domains.py): per-domain vendor figures and the IP, not links.
REFERRING_DOMAIN: dict[str, pl.DataType] = {
    "site_hint": pl.String(),  # the property the file belongs to (its folder, else site.domain)
    "referring_domain": pl.String(),  # the `Domain` cell as exported (a host: www., subdomains, IDN)
    "source_host": pl.String(),  # its canonical host (normalise/hosts.py), derived by landing
    "source_domain": pl.String(),  # its registrable domain, derived by landing
    "source_ip": pl.String(),  # IPv4 dotted quad or compressed IPv6, as the vendor resolved the domain
    "country": pl.String(),  # the IP's country (Semrush)
    "domain_rating": pl.Float64(),  # Ahrefs DR 0-100
    "ascore": pl.Float64(),  # Semrush Domain Authority Score 0-100
    "is_spam": pl.Boolean(),  # Ahrefs "Is spam"
    "domain_traffic": pl.Float64(),  # Ahrefs "Traffic" of the referring domain
    "links_to_target": pl.Int64(),  # the domain's links to the site (Ahrefs Links to target, Semrush Backlinks)
    "dofollow_links": pl.Int64(),
    "new_links": pl.Int64(),
    "lost_links": pl.Int64(),
    "vendor_first_seen": pl.Date(),
    "vendor_last_seen": pl.Date(),
    "vendor_lost_at": pl.Date(),  # Ahrefs "Lost": the day the domain's last link was lost
}

KINDS: dict[str, dict[str, pl.DataType]] = {
    "backlinks": BACKLINK,
    "mentions": MENTION,
    "rankings": RANKING,
    "ledger": LEDGER,
    "referring_domains": REFERRING_DOMAIN,
}

# Columns a format must NOT fill: the landing step computes them from the *_url columns.
DERIVED_HOST_COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    # kind -> [(url column, host column, domain column)]
    "backlinks": [("source_url", "source_host", "source_domain"), ("target_url", "target_host", "target_domain")],
    "mentions": [("mention_url", "mention_host", "mention_domain")],
    "rankings": [("url", "url_host", "url_domain")],
    "ledger": [("source_url", "source_host", "source_domain"), ("target_url", "target_host", "target_domain")],
    "referring_domains": [],
}
# ...and from bare host columns (no URL): kind -> [(host column, canonical host column, domain column)]
DERIVED_FROM_HOST: dict[str, list[tuple[str, str, str]]] = {
    "referring_domains": [("referring_domain", "source_host", "source_domain")],
}

QUARANTINE: dict[str, pl.DataType] = {
    "file_sha256": pl.String(),
    "file_name": pl.String(),
    "row_number": pl.Int64(),
    "reason": pl.String(),
    "raw": pl.String(),
}


def full_schema(kind: str) -> dict[str, pl.DataType]:
    """Lineage + kind columns: the exact column list of `raw.<kind>`."""
    return {**LINEAGE, **KINDS[kind]}


# How raw.* stores each column type (warehouse.py's DDL, and the types the batch checks expect).
_DUCKDB_TYPES = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
    pl.Datetime: "TIMESTAMP",
}


def duckdb_type(dtype: pl.DataType) -> str:
    """The DuckDB type of a column of this Polars type, as DuckDB names it (`DOUBLE`)."""
    return _DUCKDB_TYPES[dtype.base_type()]


def conform(frame: pl.DataFrame | pl.LazyFrame, kind: str) -> pl.LazyFrame:
    """Select exactly the kind's columns in order, adding absent ones as typed nulls."""
    lf = frame.lazy()
    present = set(lf.collect_schema().names())
    return lf.select(
        [
            (pl.col(name) if name in present else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in full_schema(kind).items()
        ]
    )
