"""A link-building ledger: the team's own sheet of links placed or promised, saved as CSV.

There is no standard. Teams name the columns as they like, so the header is matched by aliases
(the shared reader already lowercased and trimmed it): the linking page (`Live link`, `Link URL`,
`Source URL`, `Referring page URL`, `URL`) and the site's page it should point to (`Target page`,
`Target URL`, `Landing page`) are required; `Anchor`/`Anchor text`, `Date placed`/`Placed on`/
`Live date`/`Date`, `Campaign` and `Cost` are optional, and any other column (notes, contact,
owner, the DR the seller quoted) is ignored. Costs come as `£1,200.00`, `$150` or `EUR 80`: the
currency is dropped, the number kept.

Recognition must not take a vendor's export: `Referring page URL` + `Target URL` is also Ahrefs'
header, and `URL` + `Target URL` Moz's. The vendor formats come first in the registry, and a
header carrying a column only a crawler writes (first/last seen, lost flags, rel flags, vendor
metrics, keyword positions) is not a ledger even when no vendor claims it: such a file is
rejected as unrecognised, as before, instead of being read as links the team placed.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dagster_project.formats.base import TableFormat
from dagster_project.formats.text import has_any, pick, select_canonical
from dagster_project.normalise import values as v

SOURCE = ("live link", "link url", "source url", "referring page url", "url")
TARGET = ("target page", "target url", "landing page")
ANCHOR = ("anchor", "anchor text")
PLACED_ON = ("date placed", "placed on", "live date", "date")
CAMPAIGN = ("campaign",)
COST = ("cost",)

# Columns a crawler's export has and a team's sheet does not (any one disqualifies a ledger).
CRAWLER_ONLY = (
    "first seen",
    "last seen",
    "lost",
    "lost status",
    "lost link",
    "new link",
    "drop reason",
    "nofollow",
    "sitewide",
    "external links",
    "internal links",
    "referring page title",
    "source title",
    "page ascore",
    "page score",
    "toxicity score",
    "domain rating",
    "ur",
    "flagnofollow",
    "sourcetrustflow",
    "source trust flow",
    "source crawl date",
    "page authority",
    "spam score",
    "link equity",
    "keyword",
    "position",
)


def _matches(headers: list[str]) -> bool:
    return has_any(headers, *SOURCE) and has_any(headers, *TARGET) and not has_any(headers, *CRAWLER_ONLY)


def _cost(e: pl.Expr) -> pl.Expr:
    """`£1,200.00`, `$150`, `EUR 80`, `1.200,50 €` -> the number (currency signs and codes dropped)."""
    return v.to_float(v.to_text(e).str.replace_all(r"[^0-9.,\-]", ""))


def to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    c = frame.columns
    return select_canonical(
        frame,
        "ledger",
        {
            "source_url": v.to_text(pick(c, *SOURCE)),
            "target_url": v.to_text(pick(c, *TARGET)),
            "anchor": v.to_text(pick(c, *ANCHOR)),
            "placed_on": v.to_date(pick(c, *PLACED_ON)),
            "campaign": v.to_text(pick(c, *CAMPAIGN)),
            "cost": _cost(pick(c, *COST)),
        },
    )


def snapshot_from_rows(rows: pl.DataFrame) -> dt.date | None:
    """A ledger without a date in its name is as of its latest placement."""
    return rows.get_column("placed_on").max()  # type: ignore[return-value]


FORMAT = TableFormat(
    name="link_ledger",
    kind="ledger",
    source_tool="ledger",
    matches=_matches,
    to_canonical=to_canonical,
    snapshot_from_rows=snapshot_from_rows,
)
