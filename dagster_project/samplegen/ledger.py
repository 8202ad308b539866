"""The site team's link-building ledger: the sheet an SEO team keeps of links placed or promised,
saved from a spreadsheet as CSV (UTF-8 with a byte-order mark, CRLF, as Excel's "CSV UTF-8" does).

Its rows are true links of the world, picked so every status of `marts.ledger_links` shows:
live followed links, links that became nofollow/ugc/sponsored, one the team recorded with another
target page than the one the link points to, links lost since (a vendor's reason or an absence),
the link Ahrefs wrongly calls lost (live, by the other tools), and two promised links nobody has
seen. Written as a team writes it: its own column names, day-first dates, costs with a currency
sign, a URL copied with `http://` and a `utm_` parameter, target pages without `www.`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl

from dagster_project.samplegen import vocab as V
from dagster_project.samplegen.world import World

HEADER = ["Live link", "Target page", "Anchor text", "Date placed", "Campaign", "Cost", "Notes"]
CAMPAIGNS = ["Autumn guest posts", "Review programme", "Local business", "Digital PR"]
COSTS = ["£180.00", "£150.00", "£90.00", "£1,200.00", "", "£60.00", "£250.00"]
UNSEEN = [  # promised, not published yet: no tool can have seen them
    ("https://knife-journal.co.uk/reviews/best-uk-knife-shops-2026", "/", "KnifeCraft"),
    ("https://www.cheftalk-forum.com/t/which-knife-shop-uk", "/collections/chef-knives", "chef knives"),
]
OTHER_TARGET = "/pages/trade-accounts"  # a page no export links to: the team wrote down the wrong one


def _picks(world: World) -> pl.DataFrame:
    """(source_url, target_url, anchor, first_seen, note) of the true links the ledger lists."""
    links = world.links.filter(
        (pl.col("site") == V.SITE)
        & pl.col("role").is_in(["site_bg", "shared"])
        & ~pl.col("is_spam")
        & ~pl.col("is_image")
        & pl.col("cov_ahrefs")
        & (pl.col("first_seen") < V.SNAPSHOTS[1])
    ).with_columns(source_url=pl.col("scheme") + "://" + pl.col("host") + pl.col("path"))
    order = [pl.col("dr"), pl.col("link_id")]
    live = links.filter(pl.col("lost_at").is_null() & ~pl.col("false_lost"))
    groups = [
        live.filter(pl.col("rel") == "follow")
        .sort(order, descending=[True, False])
        .head(5)
        .with_columns(note=pl.lit("")),
        live.filter(pl.col("rel") != "follow")
        .sort(order, descending=[True, False])
        .head(2)
        .with_columns(note=pl.lit("sample knives sent")),
        links.filter(pl.col("false_lost")).with_columns(note=pl.lit("Ahrefs says lost; still there")),
        links.filter(pl.col("lost_at").is_not_null() & (pl.col("lost_at") < V.SNAPSHOTS[2]))
        .sort(order, descending=[True, False])
        .head(4)
        .with_columns(note=pl.lit("")),
    ]
    columns = ["source_url", "target_url", "anchor", "first_seen", "note"]
    picks = pl.concat([g.select(columns) for g in groups])
    # the fifth live link: recorded against another page of the site than the one it points to
    return picks.with_columns(
        target_url=pl.when(pl.int_range(pl.len()) == 4)
        .then(pl.lit(V.BASE_URL[V.SITE] + OTHER_TARGET))
        .otherwise("target_url"),
        note=pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("asked for the trade page")).otherwise("note"),
    )


def ledger_csv(world: World) -> bytes:
    rows = []
    for i, (source, target, anchor, first_seen, note) in enumerate(_picks(world).iter_rows()):
        placed = first_seen - dt.timedelta(days=3 + i % 5)  # tools find a link a few days after it goes live
        if i == 1:  # copied from a newsletter: tracking parameter and plain http
            source = source.replace("https://", "http://") + "?utm_source=outreach"
        rows.append([source, target.replace("://www.", "://"), anchor or "", placed.strftime("%d/%m/%Y"),
                     CAMPAIGNS[i % len(CAMPAIGNS)], COSTS[i % len(COSTS)], note])  # fmt: skip
    for j, (source, path, anchor) in enumerate(UNSEEN):
        rows.append(
            [
                source,
                "https://knifecraft.co.uk" + path,
                anchor,
                f"{28 + j}/09/2026",
                CAMPAIGNS[0],
                COSTS[j],
                "promised for October",
            ]
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
