"""Keyword rankings of the simulated world, and one writer per rankings export.

The site climbs for the knife keywords whose pages gained links in the spike (`/collections/chef-knives`,
`/products/gyuto-210-damascus`), holds its brand terms, and does not rank for the sharpening
cluster, where the competitors (sharpstore.com first) do.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl

from dagster_project.samplegen import vocab as V
from dagster_project.samplegen.files import snapshot_mtime, write_bytes, zip_members
from dagster_project.samplegen.world import World
from dagster_project.samplegen.writers import BOM, csv_text

# The site's landing page and position per snapshot (None = not ranking in the top 100).
SITE_RANKS: dict[str, tuple[str, tuple[int | None, ...]] | None] = {
    "chef knife": ("/collections/chef-knives", (18, 11, 6)),
    "best chef knife uk": ("/collections/chef-knives", (23, 12, 8)),
    "gyuto knife": ("/products/gyuto-210-damascus", (15, 9, 7)),
    "japanese knife": ("/collections/japanese-knives", (21, 19, 17)),
    "santoku knife": ("/products/santoku-180-vg10", (12, 12, 11)),
    "damascus chef knife": ("/products/gyuto-210-damascus", (31, 20, 14)),
    "knife set": ("/gifts/knife-sets", (35, 33, 30)),
    "how to choose a chef knife": ("/blog/how-to-choose-a-chef-knife", (9, 7, 6)),
    "knife care": ("/blog/knife-care-guide", (14, 15, 13)),
    "bushcraft knife": ("/collections/outdoor-knives", (28, 26, None)),
    "knifecraft": ("/", (1, 1, 1)),
    "knife craft": ("/", (2, 1, 1)),
}
# Competitors' typical position per topic (then jittered per snapshot); brand terms: not ranking.
COMPETITOR_BASE = {
    "bladeworks.com": {"knives": 4, "cooking": 9, "sharpening": 5, "outdoor": 6, "gifts": 12},
    "chefsedge.de": {"knives": 12, "cooking": 14, "sharpening": 9, "outdoor": 25, "gifts": 18},
    "sharpstore.com": {"knives": 16, "cooking": 22, "sharpening": 2, "outdoor": 30, "gifts": 40},
}
SEMRUSH_DB = {V.SITE: "uk", "bladeworks.com": "us", "chefsedge.de": "de", "sharpstore.com": "us"}
# GSC-only long tail of the site: (query, page, position, monthly volume). Sharpening barely registers.
LONG_TAIL = (
    ("knifecraft discount code", "/", 2.1, 260),
    ("gyuto 210mm", "/products/gyuto-210-damascus", 6.4, 390),
    ("damascus knife uk", "/products/gyuto-210-damascus", 9.8, 320),
    ("japanese knife shop uk", "/collections/japanese-knives", 7.3, 210),
    ("santoku vs gyuto", "/blog/how-to-choose-a-chef-knife", 5.2, 480),
    ("best knife for cutting vegetables", "/collections/chef-knives", 13.6, 590),
    ("how to sharpen a knife", "/blog/knife-care-guide", 71.4, 22200),
    ("whetstone", "/", 88.0, 18100),
)


def _ctr(position: pl.Expr) -> pl.Expr:
    """A plain organic CTR curve by position."""
    return (
        pl.when(position.is_null())
        .then(0.0)
        .when(position <= 1.5)
        .then(0.28)
        .when(position <= 2.5)
        .then(0.15)
        .when(position <= 3.5)
        .then(0.10)
        .when(position <= 5.5)
        .then(0.06)
        .when(position <= 10.5)
        .then(0.025)
        .when(position <= 20.5)
        .then(0.008)
        .otherwise(0.002)
    )


def build_rankings(world: World) -> pl.DataFrame:
    """(site, keyword, snapshot_date) -> position, url; plus the keyword's volume/KD/CPC/intent/topic."""
    rng = np.random.default_rng([world.seed, 777])
    rows = []
    for kw, topic, volume, kd, cpc, intent in V.KEYWORDS:  # 16 keywords x 4 sites x 3 snapshots
        for site in V.SITES:
            if site == V.SITE:
                spec = SITE_RANKS.get(kw)
                page, positions = spec if spec else ("/", (None,) * len(V.SNAPSHOTS))
            else:
                base = COMPETITOR_BASE[site].get(topic)
                page = V.PAGES[site].get(topic, V.PAGES[site]["general"])[0]
                positions = tuple(
                    None if base is None else max(1, base + int(rng.integers(-2, 3))) for _ in V.SNAPSHOTS
                )
            for day, pos in zip(V.SNAPSHOTS, positions):
                rows.append(
                    {
                        "site": site,
                        "keyword": kw,
                        "topic": topic,
                        "snapshot": day,
                        "position": pos,
                        "url": None if pos is None else V.BASE_URL[site] + page,
                        "volume": volume,
                        "kd": kd,
                        "cpc": cpc,
                        "intent": intent,
                    }
                )
    return pl.DataFrame(rows, schema_overrides={"position": pl.Int64}).sort("site", "keyword", "snapshot")


def _trends(rng: np.random.Generator, n: int) -> list[str]:
    return [
        "[" + ",".join(str(v) for v in np.clip(rng.normal(80, 15, 12), 20, 100).astype(int)) + "]" for _ in range(n)
    ]


# ---------------------------------------------------------------- Semrush

SEMRUSH_POSITIONS_HEADER = (
    "Keyword",
    "Position",
    "Previous position",
    "Search Volume",
    "Keyword Difficulty",
    "CPC",
    "URL",
    "Traffic",
    "Traffic (%)",
    "Traffic Cost",
    "Competition",
    "Number of Results",
    "Trends",
    "Timestamp",
    "SERP Features by Keyword",
    "Keyword Intents",
    "Position Type",
)


def semrush_organic_positions(ranks: pl.DataFrame, site: str, snapshot: dt.date, seed: int) -> bytes:
    """Semrush Organic Research → Positions (only ranking keywords; previous position 0 = new)."""
    i = V.SNAPSHOTS.index(snapshot)
    prev = V.SNAPSHOTS[i - 1] if i else None
    cur = ranks.filter((pl.col("site") == site) & (pl.col("snapshot") == snapshot) & pl.col("position").is_not_null())
    before = ranks.filter((pl.col("site") == site) & (pl.col("snapshot") == (prev or dt.date.min))).select(
        "keyword", pl.col("position").alias("prev")
    )
    table = (
        cur.join(before, on="keyword", how="left", maintain_order="left")
        .with_columns(
            traffic=(pl.col("volume") * _ctr(pl.col("position").cast(pl.Float64))).round(0).cast(pl.Int64),
        )
        .sort(["traffic", "keyword"], descending=[True, False])
    )
    rng = np.random.default_rng([seed, V.SITES.index(site), snapshot.toordinal()])
    n = table.height
    values = [
        pl.col("keyword"),
        pl.col("position").cast(pl.String),
        pl.col("prev").fill_null(0).cast(pl.String),
        pl.col("volume").cast(pl.String),
        pl.col("kd").cast(pl.String),
        pl.col("cpc").cast(pl.String),
        pl.col("url"),
        pl.col("traffic").cast(pl.String),
        (pl.col("traffic") / pl.col("traffic").sum().clip(1) * 100).round(2).cast(pl.String),
        (pl.col("traffic") * pl.col("cpc")).round(2).cast(pl.String),
        pl.Series(np.round(rng.uniform(0.1, 1, n), 2)).cast(pl.String),
        pl.Series(rng.integers(10**5, 10**8, n)).cast(pl.String),
        pl.Series(_trends(rng, n), dtype=pl.String),
        pl.lit((snapshot - dt.timedelta(days=2)).isoformat()),
        pl.lit("Featured snippet, People also ask, Image pack, Reviews"),
        pl.col("intent"),
        pl.lit("Organic"),
    ]
    return csv_text(table.select([v.alias(h) for v, h in zip(values, SEMRUSH_POSITIONS_HEADER)]), header=True).encode(
        "utf-8"
    )


def semrush_position_tracking(ranks: pl.DataFrame) -> bytes:
    """Semrush Position Tracking, wide: preamble with `Period:`, then per domain and date the columns
    `*.domain/*_YYYYMMDD`, `…_type`, `…_landing`; `-` = not ranking."""
    first, last = V.SNAPSHOTS[0], V.SNAPSHOTS[-1]
    wide = ranks.select("keyword").unique(maintain_order=True)
    for site in V.SITES:
        for day in V.SNAPSHOTS:
            tag = f"*.{site}/*_{day:%Y%m%d}"
            one = ranks.filter((pl.col("site") == site) & (pl.col("snapshot") == day)).select(
                "keyword",
                pl.col("position").cast(pl.String).fill_null("-").alias(tag),
                pl.when(pl.col("position").is_null())
                .then(pl.lit("-"))
                .otherwise(pl.lit("organic"))
                .alias(f"{tag}_type"),
                pl.col("url").fill_null("-").alias(f"{tag}_landing"),
            )
            wide = wide.join(one, on="keyword", how="left", maintain_order="left")
    meta = ranks.select("keyword", "topic", "intent", "volume", "cpc", "kd").unique(
        "keyword", keep="first", maintain_order=True
    )
    wide = wide.join(meta, on="keyword", how="left", maintain_order="left").sort("keyword")
    table = wide.select(
        pl.col("keyword").alias("Keyword"),
        pl.col("topic").alias("Tags"),
        pl.col("intent").alias("Intents"),
        *[pl.col(c) for c in wide.columns if c.startswith("*.")],
        pl.col("volume").cast(pl.String).alias("Search Volume"),
        pl.col("cpc").cast(pl.String).alias("CPC"),
        pl.col("kd").cast(pl.String).alias("Keyword Difficulty"),
    )
    preamble = (
        "Position Tracking: Rankings Overview\n"
        f"Project: KnifeCraft ({V.SITE})\n"
        f"Period: {first:%Y%m%d} - {last:%Y%m%d}\n"
        "Search engine: Google; Device: Desktop; Location: United Kingdom\n"
        "\n"
    )
    return (preamble + csv_text(table, header=True)).encode("utf-8")


# ---------------------------------------------------------------- Ahrefs

AHREFS_KEYWORDS_HEADER = (
    "Keyword",
    "Volume",
    "KD",
    "CPC",
    "Previous organic traffic",
    "Current organic traffic",
    "Organic traffic change",
    "Previous position",
    "Current position",
    "Position change",
    "Previous position kind",
    "Current position kind",
    "Current URL",
    "Previous URL",
    "Branded",
    "Local",
    "Informational",
    "Commercial",
    "Transactional",
    "Navigational",
)


def ahrefs_organic_keywords(ranks: pl.DataFrame, site: str, previous: dt.date, current: dt.date) -> bytes:
    """Ahrefs Organic keywords in comparison mode (UTF-8 with BOM, comma); empty position = not ranking."""
    prev = ranks.filter((pl.col("site") == site) & (pl.col("snapshot") == previous)).select(
        "keyword", "volume", "kd", "cpc", "intent", pl.col("position").alias("p0"), pl.col("url").alias("u0")
    )
    cur = ranks.filter((pl.col("site") == site) & (pl.col("snapshot") == current)).select(
        "keyword", pl.col("position").alias("p1"), pl.col("url").alias("u1")
    )
    t = prev.join(cur, on="keyword", how="inner", maintain_order="left").filter(
        pl.col("p0").is_not_null() | pl.col("p1").is_not_null()
    )
    t = t.with_columns(
        tr0=(pl.col("volume") * _ctr(pl.col("p0").cast(pl.Float64))).round(0).cast(pl.Int64),
        tr1=(pl.col("volume") * _ctr(pl.col("p1").cast(pl.Float64))).round(0).cast(pl.Int64),
    ).sort(["tr1", "keyword"], descending=[True, False])
    flag = lambda cond: pl.when(cond).then(pl.lit("true")).otherwise(pl.lit("false"))  # noqa: E731
    kind = lambda p: pl.when(p.is_null()).then(pl.lit("")).otherwise(pl.lit("Organic"))  # noqa: E731
    values = [
        pl.col("keyword"),
        pl.col("volume").cast(pl.String),
        pl.col("kd").cast(pl.String),
        pl.col("cpc").cast(pl.String),
        pl.col("tr0").cast(pl.String),
        pl.col("tr1").cast(pl.String),
        (pl.col("tr1") - pl.col("tr0")).cast(pl.String),
        pl.col("p0").cast(pl.String),
        pl.col("p1").cast(pl.String),
        (pl.col("p0") - pl.col("p1")).cast(pl.String),
        kind(pl.col("p0")),
        kind(pl.col("p1")),
        pl.col("u1"),
        pl.col("u0"),
        flag(pl.col("keyword").str.contains("knife ?craft")),
        pl.lit("false"),
        flag(pl.col("intent").str.contains("informational")),
        flag(pl.col("intent").str.contains("commercial")),
        flag(pl.col("intent").str.contains("transactional")),
        flag(pl.col("intent").str.contains("navigational")),
    ]
    return (BOM + csv_text(t.select([v.alias(h) for v, h in zip(values, AHREFS_KEYWORDS_HEADER)]), header=True)).encode(
        "utf-8"
    )


# ---------------------------------------------------------------- Google Search Console performance


def gsc_query_stats(ranks: pl.DataFrame, snapshots: tuple[dt.date, ...], months: int) -> pl.DataFrame:
    """The site's (query, page) -> clicks, impressions, ctr (0-1), average position over `snapshots`."""
    site = ranks.filter(
        (pl.col("site") == V.SITE) & pl.col("snapshot").is_in(snapshots) & pl.col("position").is_not_null()
    )
    core = site.group_by("keyword", maintain_order=True).agg(
        pl.col("url").last(), pl.col("position").cast(pl.Float64).mean().round(1), pl.col("volume").first()
    )
    tail = pl.DataFrame(
        {
            "keyword": [t[0] for t in LONG_TAIL],
            "url": [V.BASE_URL[V.SITE] + t[1] for t in LONG_TAIL],
            "position": [t[2] for t in LONG_TAIL],
            "volume": [t[3] for t in LONG_TAIL],
        }
    )
    both = pl.concat([core, tail.with_columns(pl.col("volume").cast(core.schema["volume"]))])
    seen = pl.when(pl.col("position") <= 10).then(1.0).when(pl.col("position") <= 20).then(0.3).otherwise(0.0015)
    return (
        both.with_columns(
            impressions=(pl.col("volume") * months * seen).round(0),
        )
        .with_columns(
            clicks=(pl.col("impressions") * _ctr(pl.col("position"))).round(0),
        )
        .with_columns(ctr=pl.when(pl.col("impressions") > 0).then(pl.col("clicks") / pl.col("impressions")))
        .sort(["clicks", "impressions", "keyword"], descending=[True, True, False])
    )


def _pct(col: str, decimal_comma: bool = False) -> pl.Expr:
    text = (pl.col(col) * 100).round(2).cast(pl.String)
    return (text.str.replace(".", ",", literal=True) if decimal_comma else text) + "%"


def _metrics(first: str, frame: pl.DataFrame, key: str) -> pl.DataFrame:
    return frame.select(
        pl.col(key).alias(first),
        pl.col("clicks").cast(pl.Int64).cast(pl.String).alias("Clicks"),
        pl.col("impressions").cast(pl.Int64).cast(pl.String).alias("Impressions"),
        pl.when(pl.col("impressions") > 0).then(_pct("ctr")).alias("CTR"),
        pl.when(pl.col("impressions") > 0).then(pl.col("position").round(1).cast(pl.String)).alias("Position"),
    )


def gsc_performance_zip(stats: pl.DataFrame, start: dt.date, end: dt.date, seed: int) -> bytes:
    """GSC Performance export ZIP: Queries, Pages, Countries, Devices, Search appearance, Dates, Filters.
    CTR like `3.5%`; zero-impression days have empty CTR and Position."""
    pages = (
        stats.group_by("url", maintain_order=True)
        .agg(
            pl.col("clicks").sum(),
            pl.col("impressions").sum(),
            ((pl.col("position") * pl.col("impressions")).sum() / pl.col("impressions").sum().clip(1)).alias(
                "position"
            ),
        )
        .with_columns(ctr=pl.col("clicks") / pl.col("impressions").clip(1))
        .sort(["clicks", "url"], descending=[True, False])
    )
    total_c, total_i = stats["clicks"].sum(), stats["impressions"].sum()
    share = lambda names, weights, pos: (  # noqa: E731
        pl.DataFrame({"k": names, "w": weights, "position": pos})
        .with_columns(clicks=(pl.col("w") * total_c).round(0), impressions=(pl.col("w") * total_i).round(0))
        .with_columns(ctr=pl.col("clicks") / pl.col("impressions").clip(1))
    )
    countries = share(
        ["United Kingdom", "Ireland", "United States", "Germany", "Australia"],
        [0.78, 0.07, 0.06, 0.05, 0.04],
        [9.8, 11.2, 24.5, 31.0, 19.4],
    )
    devices = share(["Mobile", "Desktop", "Tablet"], [0.61, 0.35, 0.04], [10.9, 9.1, 12.3])
    appearance = share(["Product snippets", "Review snippet"], [0.22, 0.05], [7.4, 8.8])
    rng = np.random.default_rng([seed, 31])
    days = pl.date_range(start, end, "1d", eager=True)
    ramp = np.where(days.to_numpy() >= np.datetime64(V.SPIKE_WEEK), 1.35, 1.0)  # traffic steps up after the link spike
    weekly = np.where(days.dt.weekday().to_numpy() >= 6, 0.8, 1.0)
    imp = np.round(total_i / len(days) * ramp * weekly * rng.uniform(0.85, 1.15, len(days)))
    imp[[12, 13]] = 0  # two days without impressions (a tracking gap): CTR and Position stay empty
    clicks = np.round(imp * rng.uniform(0.025, 0.04, len(days)))
    dates = pl.DataFrame(
        {
            "k": days.dt.strftime("%Y-%m-%d"),
            "clicks": clicks,
            "impressions": imp,
            "position": np.round(rng.uniform(9, 13, len(days)), 1),
        }
    ).with_columns(ctr=pl.col("clicks") / pl.col("impressions").clip(1))
    filters = pl.DataFrame({"Filter": ["Search type", "Date"], "Value": ["Web", "Last 3 months"]})
    members = [
        ("Queries.csv", _metrics("Top queries", stats, "keyword")),
        ("Pages.csv", _metrics("Top pages", pages, "url")),
        ("Countries.csv", _metrics("Country", countries, "k")),
        ("Devices.csv", _metrics("Device", devices, "k")),
        ("Search appearance.csv", _metrics("Search Appearance", appearance, "k")),
        ("Dates.csv", _metrics("Date", dates, "k")),
        ("Filters.csv", filters),
    ]
    return zip_members([(name, csv_text(frame, header=True).encode("utf-8")) for name, frame in members])


def gsc_queries_czech(stats: pl.DataFrame) -> bytes:
    """A Czech-localised Queries.csv: `;` delimiter, decimal commas, `Pozice`."""
    table = stats.select(
        pl.col("keyword").alias("Nejčastější dotazy"),
        pl.col("clicks").cast(pl.Int64).cast(pl.String).alias("Kliknutí"),
        pl.col("impressions").cast(pl.Int64).cast(pl.String).alias("Zobrazení"),
        pl.when(pl.col("impressions") > 0).then(_pct("ctr", decimal_comma=True)).alias("CTR"),
        pl.col("position").round(1).cast(pl.String).str.replace(".", ",", literal=True).alias("Pozice"),
    )
    return csv_text(table, header=True, sep=";").encode("utf-8")


def gsc_api_rows(stats: pl.DataFrame) -> bytes:
    """Search Analytics API response: rows of keys [query, page], ctr as a 0-1 fraction."""
    rows = stats.select(
        pl.concat_list(pl.col("keyword"), pl.col("url")).alias("keys"),
        pl.col("clicks").cast(pl.Float64),
        pl.col("impressions").cast(pl.Float64),
        pl.col("ctr").fill_null(0.0).round(4),
        pl.col("position").cast(pl.Float64),
    ).to_dicts()
    return (
        json.dumps({"rows": rows, "responseAggregationType": "byPage"}, ensure_ascii=False, indent=1) + "\n"
    ).encode("utf-8")


def ranking_files(world: World, out: Path) -> list[Path]:
    ranks = build_rankings(world)
    aug, sep, octo = V.SNAPSHOTS
    site = V.SITE
    files: list[Path] = []

    def put(rel: str, data: bytes, day: dt.date) -> None:
        files.append(write_bytes(out / rel, data, mtime=snapshot_mtime(day)))

    for i, day in enumerate(V.SNAPSHOTS):
        stamp = f"{day + dt.timedelta(days=1)}T07_{41 + i}_09Z"
        put(
            f"semrush/{site}-organic.Positions-{SEMRUSH_DB[site]}-{day:%Y%m%d}-{stamp}.csv",
            semrush_organic_positions(ranks, site, day, world.seed),
            day,
        )
    for comp in V.COMPETITORS:
        put(
            f"semrush/{comp}-organic.Positions-{SEMRUSH_DB[comp]}-{octo:%Y%m%d}-{octo + dt.timedelta(days=1)}T08_02_51Z.csv",
            semrush_organic_positions(ranks, comp, octo, world.seed),
            octo,
        )
    put(f"semrush/position_tracking_rankings_overview_{site}_{octo}.csv", semrush_position_tracking(ranks), octo)
    put(
        f"ahrefs/{site}-organic-keywords-subdo_{octo}_10-20-44.csv",
        ahrefs_organic_keywords(ranks, site, sep, octo),
        octo,
    )
    put(
        f"{site}/{site}-Performance-on-Search-{octo}.zip",
        gsc_performance_zip(
            gsc_query_stats(ranks, (sep, octo), 3), dt.date(2026, 7, 1), dt.date(2026, 9, 30), world.seed
        ),
        octo,
    )
    put(
        f"{site}/Performance-on-Search-{sep}-cs-Queries.csv",
        gsc_queries_czech(gsc_query_stats(ranks, (aug, sep), 3)),
        sep,
    )
    put(f"{site}/searchanalytics-query-page-{aug}.json", gsc_api_rows(gsc_query_stats(ranks, (aug,), 1)), aug)
    return files
