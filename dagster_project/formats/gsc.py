"""Google Search Console → Links report: "Latest links" (`Linking page,Last crawled`) and "More
sample links" (`Linking page`).

GSC localises the header to the account's language, so the known translations are matched by
name and any other language by content (`FALLBACK`: a one/two-column table whose first column is
mostly http(s) URLs and whose second, if any, is mostly dates). The files carry no target URL:
the property comes from configuration or the inbox folder (the landing step fills `site_hint`),
and the site's own pages, which GSC lists too, are filtered out downstream.

Format: docs/export-formats.md#google-search-console-links
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from dagster_project.formats.base import TableFormat
from dagster_project.formats.text import SampledTableFormat, select_canonical
from dagster_project.normalise import values as v

# normalised "Linking page" / "Last crawled" per export language
LINKING_PAGE = {
    "linking page",  # en
    "página de enlace",  # es
    "verlinkende seite",  # de
    "page qui contient le lien",  # fr
    "page de liaison",  # fr (older)
    "página com link",  # pt
    "página de vinculação",  # pt-BR
    "pagina che rimanda",  # it
    "pagina con link",  # it
    "linkende pagina",  # nl
    "pagina die linkt",  # nl
    "דף מקשר",  # he
    "strona z linkiem",  # pl
    "リンク元ページ",  # ja
}
LAST_CRAWLED = {
    "last crawled",  # en
    "último rastreo",  # es
    "zuletzt gecrawlt",  # de
    "dernière exploration",  # fr
    "último rastreamento",  # pt
    "ultima scansione",  # it
    "laatst gecrawld",  # nl
    "נסרק לאחרונה",  # he
    "סריקה אחרונה",  # he
    "ostatnie skanowanie",  # pl
    "前回のクロール",  # ja
}


def _matches_known(headers: list[str]) -> bool:
    cells = [h for h in headers if h]
    if not cells or cells[0] not in LINKING_PAGE or len(cells) > 2:
        return False
    return len(cells) == 1 or cells[1] in LAST_CRAWLED


_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{4}/\d{2}/\d{2}|\d{8}"
    r"|[^\W\d_]{3,}\.? \d{1,2},? \d{4}|\d{1,2}\.? [^\W\d_]{3,}\.? \d{4})"
)


def _matches_shape(headers: list[str]) -> bool:
    """One or two named columns; not a disavow file (`# comment` first line)."""
    return 1 <= len(headers) <= 2 and all(headers) and not headers[0].startswith("#")


def _matches_rows(headers: list[str], rows: list[list[str]]) -> bool:
    if any(_URL.match(h) or _DATE.match(h) for h in headers) or not rows:
        return False  # a URL or date in the header line means there is no header line
    firsts = [r[0].strip() for r in rows if r]
    urls = sum(bool(_URL.match(f)) for f in firsts)
    if urls < 0.8 * len(firsts):
        return False
    if len(headers) == 1:
        return True
    seconds = [r[1].strip() for r in rows if len(r) > 1 and r[1].strip()]
    return sum(bool(_DATE.match(s)) for s in seconds) >= 0.8 * len(seconds)


def to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    # By position, deliberately: the header is in the account's language (see module doc).
    data = [c for c in frame.columns if c != "row_number"]
    return select_canonical(
        frame,
        "backlinks",
        {
            "source_url": v.to_text(pl.col(data[0])),
            "vendor_last_seen": v.to_date(pl.col(data[1])) if len(data) > 1 else pl.lit(None),
        },
    )


def snapshot_from_rows(rows: pl.DataFrame) -> dt.date | None:
    """The export's date: the latest "Last crawled"."""
    return rows.get_column("vendor_last_seen").max()  # type: ignore[return-value]


FORMAT = TableFormat(
    name="gsc_links",
    kind="backlinks",
    source_tool="gsc",
    matches=_matches_known,
    to_canonical=to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)
# Register last: it claims by content what no other format claimed by header.
FALLBACK = SampledTableFormat(
    name="gsc_links",
    kind="backlinks",
    source_tool="gsc",
    matches=_matches_shape,
    to_canonical=to_canonical,
    snapshot_from_rows=snapshot_from_rows,
    matches_rows=_matches_rows,
)
