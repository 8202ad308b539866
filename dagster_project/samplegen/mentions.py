"""Brand mentions of the simulated world, and one writer per monitoring tool.

Who is mentioned where (the outreach story):
- `KnifeCraft` (in its case/accent variants) on hosts with NO link to the site: the unlinked-mention
  leads — including gap hosts that already link to competitors (the warmest leads);
- `KnifeCraft` on hosts that already link to the site (not leads);
- competitor brands (BladeWorks, Chef's Edge, SharpStore) — not the site's mentions at all.
Some mentions are reported by two tools (cross-tool duplicates).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

import numpy as np
import polars as pl

from dagster_project.samplegen import vocab as V
from dagster_project.samplegen.files import rezip, snapshot_mtime, write_bytes
from dagster_project.samplegen.world import World
from dagster_project.samplegen.writers import csv_text

TOOLS = ("brand24", "talkwalker", "mention", "alerts")
TITLES = {
    "en": (
        "{b} review: are these knives worth it?",
        "Best UK knife shops in 2026",
        "Gift guide: presents for home cooks",
        "Our kitchen knife setup",
        "Anyone ordered from {b}?",
    ),
    "de": ("{b} im Test: Lohnt sich das?", "Die besten Messershops 2026"),
    "es": ("Probamos los cuchillos de {b}", "Las mejores tiendas de cuchillos"),
    "fr": ("Notre avis sur {b}",),
    "it": ("Recensione {b}",),
    "nl": ("Review: {b}",),
    "he": ("ביקורת על {b}",),
}
CONTENTS = {
    "en": (
        "Just got my {b} gyuto and it's the sharpest knife in the drawer.",
        "We compared {b} with two other UK knife shops for our gift guide.",
        "Has anyone ordered from {b}? Delivery took a week but worth it.",
        "The santoku from {b} is now our everyday knife.",
        "{b} sponsored this month's cooking class, thank you!",
    ),
    "de": ("Das Santoku von {b} ist unser neuer Favorit.", "Bestellung bei {b}: schnelle Lieferung, tolles Messer."),
    "es": ("Probamos el cuchillo de {b} durante un mes.", "El gyuto de {b} corta de maravilla."),
    "fr": ("Le couteau {b} est devenu notre préféré.",),
    "it": ("Il coltello di {b} è fantastico.",),
    "nl": ("Het mes van {b} is top.",),
    "he": ("הסכין של {b} מעולה.",),
}
EXTRA_HOSTS = (("x.com", "en", "social"), ("www.facebook.com", "en", "social"))
_SENTIMENT_WORDS = {1: "positive", 0: "neutral", -1: "negative"}
_CATEGORY = {"blog": "Blogs", "news": "News", "forum": "Forums", "social": "Social media", "video": "Video"}


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")


def build_mentions(world: World) -> pl.DataFrame:
    """One row per mention (host loop: a few dozen mentions)."""
    rng = np.random.default_rng([world.seed, 4242])
    hosts, links = world.hosts, world.links
    linking = links.filter((pl.col("site") == V.SITE) & pl.col("lost_at").is_null())["host"].unique().to_list()
    pick = lambda frame, n: frame.sort(["dr", "host"], descending=[True, False])["host"].head(n).to_list()  # noqa: E731
    plan: list[tuple[str, str]] = []  # (host, brand site)
    plan += [(h, V.SITE) for h in sorted(hosts.filter(pl.col("role") == "mention")["host"].to_list())]
    linked_bg = hosts.filter((pl.col("role") == "site_bg") & pl.col("host").is_in(linking) & ~pl.col("is_sitewide"))
    plan += [(h, V.SITE) for h in pick(linked_bg, 6)]
    plan += [(h, V.SITE) for h in pick(hosts.filter(pl.col("role") == "gap"), 5)]
    plan += [("www.reddit.com", V.SITE), ("x.com", V.SITE), ("www.facebook.com", V.SITE)]
    comp_hosts = pick(hosts.filter(pl.col("role").is_in(["comp", "mention"])), 8)
    plan += [(h, V.COMPETITORS[i % 3]) for i, h in enumerate(comp_hosts)]
    lang_of = dict(zip(hosts["host"], hosts["language"])) | {h: lang for h, lang, _ in EXTRA_HOSTS}
    rows = []
    start = dt.datetime(2026, 7, 3)
    for i, (host, brand_site) in enumerate(plan):  # one mention per planned host
        lang = lang_of.get(host, "en")
        brand = V.BRANDS[brand_site][int(rng.integers(len(V.BRANDS[brand_site])))]
        title = TITLES[lang][int(rng.integers(len(TITLES[lang])))].format(b=brand)
        content = CONTENTS[lang][int(rng.integers(len(CONTENTS[lang])))].format(b=brand)
        source_type = {"www.reddit.com": "forum", "x.com": "social", "www.facebook.com": "social"}.get(
            host, "blog" if i % 3 else "news"
        )
        path = (
            f"/status/18{i:04d}77{int(rng.integers(10**6))}"
            if host == "x.com"
            else f"/{'posts' if source_type == 'social' else 'blog'}/{_slug(title)}"
        )
        if host == "www.reddit.com":
            path = f"/r/chefit/comments/1k{i}x9/{_slug(title).replace('-', '_')}/"
        rows.append(
            {
                "mention_id": 880_000_000 + i * 7919,
                "host": host,
                "brand_site": brand_site,
                "brand": brand,
                "language": lang,
                "mention_url": f"https://{host}{path}",
                "title": title,
                "content": content,
                "published_at": start + dt.timedelta(minutes=int(rng.integers(0, 89 * 24 * 60))),
                "sentiment": int(rng.choice([1, 1, 1, 0, 0, -1])),
                "source_type": source_type,
                "reach": int(10 ** rng.uniform(2, 5.5)),
                "tool": TOOLS[i % 4],
                "also": TOOLS[(i + 1) % 4] if rng.random() < 0.25 else None,
            }
        )
    return pl.DataFrame(rows).sort("published_at", "mention_url")


def _for(mentions: pl.DataFrame, tool: str) -> pl.DataFrame:
    return mentions.filter((pl.col("tool") == tool) | (pl.col("also") == tool))


# ---------------------------------------------------------------- writers


def brand24_xlsx(mentions: pl.DataFrame, *, sentiment_words: bool) -> bytes:
    """Brand24 xlsx: sheet `Mentions`, blank first row, header on row 2 behind an empty first column,
    Date and Hrs in separate columns, sentiment `1/-1/0` or words."""
    import io

    from openpyxl import Workbook  # dev dependency: only the sample generator writes xlsx

    table = mentions.select(
        pl.col("mention_id"),
        pl.col("published_at").dt.strftime("%Y-%m-%d").alias("Date"),
        pl.col("published_at").dt.strftime("%H:%M").alias("Hrs"),
        "title",
        "content",
        "mention_url",
        "host",
        pl.col("source_type").replace_strict(_CATEGORY, default="Web").alias("Category"),
        (
            pl.col("sentiment").replace_strict(_SENTIMENT_WORDS, return_dtype=pl.String)
            if sentiment_words
            else pl.col("sentiment")
        ).alias("Sentiment"),
        pl.when(pl.col("brand_site") == V.SITE).then(pl.lit("brand")).otherwise(pl.lit("competitor")).alias("Tags"),
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "Mentions"
    ws.append([])  # row 1 stays empty
    ws.append([None, "ID", "Date", "Hrs", "Title", "Content", "Source", "Domain", "Category", "Sentiment", "Tags"])
    for row in table.iter_rows():  # openpyxl is row-oriented; a sample has a few dozen mentions
        ws.append([None, *row])
    fixed = dt.datetime(2026, 10, 1, 9, 0, 0)
    wb.properties.created = fixed
    wb.properties.creator = "Brand24"
    buf = io.BytesIO()
    wb.save(buf)
    core = _fixed_core(buf.getvalue(), fixed)
    return rezip(buf.getvalue(), {"docProps/core.xml": core})


def _fixed_core(xlsx: bytes, when: dt.datetime) -> bytes:
    """openpyxl stamps the wall clock into docProps/core.xml on save: pin it for byte-identical output."""
    import io
    import zipfile

    core = zipfile.ZipFile(io.BytesIO(xlsx)).read("docProps/core.xml").decode()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    core = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{stamp}\g<2>", core)
    return core.encode()


TALKWALKER_HEADER = (
    "url",
    "title",
    "content",
    "content_snippet",
    "published",
    "indexed",
    "lang",
    "sentiment",
    "source_type",
    "post_type",
    "domain_url",
    "root_url",
    "engagement",
    "reach",
    "extra_source_attributes.world_data.country",
    "extra_source_attributes.world_data.country_code",
    "extra_author_attributes.name",
)
_COUNTRIES = {
    "en": ("United Kingdom", "gb"),
    "de": ("Germany", "de"),
    "es": ("Spain", "es"),
    "fr": ("France", "fr"),
    "it": ("Italy", "it"),
    "nl": ("Netherlands", "nl"),
    "he": ("Israel", "il"),
}


def talkwalker_csv(mentions: pl.DataFrame) -> bytes:
    """Talkwalker: flattened dotted column names, `published`/`indexed` as epoch milliseconds, sentiment -5..5."""
    epoch_ms = pl.col("published_at").dt.epoch("ms")
    values = (
        pl.col("mention_url"),
        pl.col("title"),
        pl.col("content"),
        pl.col("content").str.slice(0, 60),
        epoch_ms.cast(pl.String),
        (epoch_ms + 3_600_000 * 3).cast(pl.String),
        pl.col("language"),
        (pl.col("sentiment") * 5).cast(pl.String),
        pl.col("source_type").str.to_uppercase(),
        pl.when(pl.col("source_type") == "social").then(pl.lit("POST")).otherwise(pl.lit("ARTICLE")),
        pl.format("https://{}/", "host"),
        pl.format("https://{}/", pl.col("host").str.replace(r"^www\.", "")),
        (pl.col("reach") // 50).cast(pl.String),
        pl.col("reach").cast(pl.String),
        pl.col("language").replace_strict({k: v[0] for k, v in _COUNTRIES.items()}),
        pl.col("language").replace_strict({k: v[1] for k, v in _COUNTRIES.items()}),
        pl.lit(""),
    )
    return (
        mentions.select([v.alias(h) for v, h in zip(values, TALKWALKER_HEADER)])
        .pipe(csv_text, header=True)
        .encode("utf-8")
    )


MENTION_COM_HEADER = (
    "Alert",
    "Date",
    "Title",
    "Description",
    "URL",
    "Source",
    "Source type",
    "Language",
    "Country",
    "Reach",
    "Influence score",
    "Sentiment",
)


def mention_com_csv(mentions: pl.DataFrame) -> bytes:
    """Mention.com export (columns not verified upstream: reach/influence, source, language, country, URL, title, date)."""
    values = (
        pl.lit("KnifeCraft"),
        pl.col("published_at").dt.strftime("%Y-%m-%d %H:%M:%S"),
        pl.col("title"),
        pl.col("content"),
        pl.col("mention_url"),
        pl.col("host"),
        pl.col("source_type"),
        pl.col("language"),
        pl.col("language").replace_strict({k: v[1].upper() for k, v in _COUNTRIES.items()}),
        pl.col("reach").cast(pl.String),
        (pl.col("reach").log10() * 2).round(1).cast(pl.String),
        pl.col("sentiment").replace_strict(_SENTIMENT_WORDS, return_dtype=pl.String),
    )
    return (
        mentions.select([v.alias(h) for v, h in zip(values, MENTION_COM_HEADER)])
        .pipe(csv_text, header=True)
        .encode("utf-8")
    )


def _token(text: str, n: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def google_alerts_atom(mentions: pl.DataFrame, *, query: str, updated: dt.datetime) -> bytes:
    """Google Alerts Atom feed: entry links wrapped in google.com/url?…&url=… (raw or percent-encoded),
    `<b>` around the matched term in titles and content."""
    entries = []
    for i, m in enumerate(mentions.iter_rows(named=True)):  # a feed has a handful of entries
        target = m["mention_url"] if i % 2 else quote(m["mention_url"], safe="")
        href = f"https://www.google.com/url?rct=j&sa=t&url={target}&ct=ga&cd=CAIy{_token(m['mention_url'], 16)}&usg=AOvVaw{_token(m['title'], 20)}"
        bold = lambda s: escape(s.replace(m["brand"], f"<b>{m['brand']}</b>"))  # noqa: E731, B023 (used in this iteration)
        stamp = m["published_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
        entries.append(
            f"<entry><id>tag:google.com,2013:googlealerts/feed:{int(_token(m['mention_url'], 12), 16)}</id>"
            f'<title type="html">{bold(m["title"])}</title><link href="{escape(href)}"/>'
            f"<published>{stamp}</published><updated>{stamp}</updated>"
            f'<content type="html">{bold(m["content"])}</content><author><name/></author></entry>'
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">'
        "<id>tag:google.com,2005:reader/user/06844320188712340567/state/com.google/alerts/1358801276421245683</id>"
        f"<title>Google Alert - {escape(query)}</title>"
        '<link href="https://www.google.com/alerts/feeds/06844320188712340567/1358801276421245683" rel="self"/>'
        f"<updated>{updated.strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>" + "".join(entries) + "</feed>\n"
    )
    return feed.encode("utf-8")


def mention_files(world: World, out: Path) -> list[Path]:
    m = build_mentions(world)
    _, sep, octo = V.SNAPSHOTS
    files: list[Path] = []

    def put(rel: str, data: bytes, day: dt.date) -> None:
        files.append(write_bytes(out / rel, data, mtime=snapshot_mtime(day)))

    b24 = _for(m, "brand24")
    before = pl.col("published_at") < pl.lit(dt.datetime(sep.year, sep.month, sep.day))
    put(
        f"mentions/brand24/knifecraft_mentions_{sep}.xlsx", brand24_xlsx(b24.filter(before), sentiment_words=False), sep
    )
    put(
        f"mentions/brand24/knifecraft_mentions_{octo}.xlsx",
        brand24_xlsx(b24.filter(~before), sentiment_words=True),
        octo,
    )
    put(f"mentions/talkwalker/talkwalker_knifecraft_export_{octo}.csv", talkwalker_csv(_for(m, "talkwalker")), octo)
    put(f"mentions/mention/mention_knifecraft_{octo}.csv", mention_com_csv(_for(m, "mention")), octo)
    alerts = _for(m, "alerts").filter(pl.col("brand_site") == V.SITE)  # the alert watches the site's brand only
    put(
        f"mentions/google-alerts/google-alert-knifecraft-{octo}.xml",
        google_alerts_atom(alerts, query="knifecraft", updated=dt.datetime(2026, 9, 30, 18, 0)),
        octo,
    )
    return files


__all__ = ["brand24_xlsx", "build_mentions", "google_alerts_atom", "mention_com_csv", "mention_files", "talkwalker_csv"]
