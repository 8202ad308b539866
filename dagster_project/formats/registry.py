"""Which format is this file? The ordered lists of supported formats, and `parse_export`.

Adding a vendor = one module + one import + one entry below. Order matters only where two
formats could claim the same file: container formats (xlsx, zip, XML, JSON) get the first look
at the raw bytes; then the first table format whose header matches wins, so specific formats go
before generic ones and content-sniffing fallbacks go last.

Format: docs/export-formats.md#how-a-file-is-recognised
"""

from __future__ import annotations

from dagster_project.formats import (
    ahrefs,
    ahrefs_broken,
    ahrefs_rankings,
    alerts,
    brand24,
    gsc,
    gsc_api,
    gsc_performance,
    ledger,
    majestic,
    mention_com,
    moz,
    referring_domains,
    semrush,
    semrush_rankings,
    talkwalker,
)
from dagster_project.formats.base import ContainerFormat, ParsedExport, TableFormat
from dagster_project.formats.text import read_table

TABLE_FORMATS: list[TableFormat] = [
    ahrefs_broken.FORMAT,  # the backlinks header plus a target status: before plain backlinks
    ahrefs.FORMAT,
    *semrush.FORMAT,
    *referring_domains.FORMAT,  # per-domain rows, never a link: no link-URL column
    majestic.FORMAT,
    moz.FORMAT,
    gsc.FORMAT,
    # after every backlink vendor (Ahrefs and Moz headers carry ledger aliases too), before the
    # mention formats (a ledger with URL, Date and Title columns would pass for Mention.com)
    ledger.FORMAT,
    # mention / ranking table formats go here
    talkwalker.TALKWALKER,
    brand24.BRAND24_CSV,
    mention_com.MENTION_COM,  # after Talkwalker and Brand24: it accepts loose aliases
    *gsc_performance.TABLE_FORMATS,
    semrush_rankings.SEMRUSH_ORGANIC_POSITIONS,
    semrush_rankings.SEMRUSH_POSITION_TRACKING,
    ahrefs_rankings.AHREFS_ORGANIC_KEYWORDS,
    gsc.FALLBACK,  # keep last: claims 1-2 column URL tables by content
]

CONTAINER_FORMATS: list[ContainerFormat] = [
    brand24.BRAND24,  # xlsx with a Brand24 header (before GSC, which also reads xlsx)
    gsc_performance.GSC_PERFORMANCE,  # ZIP/xlsx of GSC Performance tables
    alerts.ALERTS,  # Google Alerts Atom feed
    gsc_api.GSC_API,  # Search Analytics API JSON
]


def parse_export(data: bytes, file_name: str) -> ParsedExport:
    """Recognise `data` by content and parse it. Raises UnrecognisedExport with a clear message
    (empty, binary, or a header no format claims - naming that header)."""
    for container in CONTAINER_FORMATS:
        if container.sniff(data, file_name):
            return container.read(data, file_name)
    return read_table(data, file_name, TABLE_FORMATS)
