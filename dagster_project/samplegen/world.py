"""The simulated link graph: referring hosts, the true links they hold, and each tool's view of them.

`build_world(scale, seed)` returns one frame of referring hosts and one frame of "true" links
(one row per link from a referring page to a page of the site or a competitor). Which tool sees
which link, when, and how it spells it is decided here too (coverage flags and lags) so every
export of the inbox is a consistent, partial view of the same world. Only the host-name
generator loops in Python (once per distinct host); links are built column-wise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from dagster_project.samplegen import vocab as V

ROLE_SPECS = {
    # role: (base count, topic weights, links-per-site choices)
    "site_bg": (
        175,
        {"knives": 38, "cooking": 32, "outdoor": 14, "gifts": 8, "general": 7, "sharpening": 1},
        (1, 1, 1, 2, 2, 3, 4),
    ),
    "spike": (24, {"knives": 50, "cooking": 25, "gifts": 25}, (1, 1, 2)),
    "toxic": (20, {"spam": 1}, (1, 2, 3, 4)),
    "shared": (50, {"knives": 45, "cooking": 35, "outdoor": 10, "general": 10}, (1, 1, 2)),
    "comp": (210, {"sharpening": 45, "knives": 25, "cooking": 15, "outdoor": 10, "gifts": 5}, (1, 1, 1, 2, 3)),
    "gap": (15, {"knives": 40, "cooking": 30, "sharpening": 30}, (1, 2)),
    "mention": (18, {"knives": 40, "cooking": 40, "general": 20}, (0,)),
}
# Platform noise linking to several competitors: huge authority, but not outreach targets.
NOISE_HOSTS = (
    ("www.youtube.com", "general", 99, "nofollow"),
    ("www.pinterest.com", "gifts", 94, "nofollow"),
    ("www.reddit.com", "knives", 92, "ugc"),
    ("knifenut.wordpress.com", "sharpening", 14, "follow"),
)
QUIRKY_AT_HOST = "forum.knifenerds.net"  # one source URL contains '@'
SITEWIDE_HOSTS = 3  # background hosts that link from every page (blogroll / footer)
TOXIC_LATE = 3  # toxic hosts first seen in September instead of the spike week
TOXIC_DEAD = 4  # toxic hosts that vanish (all their links lost) during September


@dataclass(frozen=True)
class World:
    seed: int
    hosts: pl.DataFrame  # one row per referring host (including mention-only hosts)
    links: pl.DataFrame  # one row per true link


def scaled(base: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(base * scale))


def _days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _choice(rng: np.random.Generator, weights: dict[str, int], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


# ---------------------------------------------------------------- hosts (one loop per distinct host)


def _host_name(
    rng: np.random.Generator, topic: str, role: str, site_bias: str | None, taken: set[str]
) -> tuple[str, str]:
    """A new unique host name and its language. Spam hosts get spammy TLDs, digits and hyphens."""
    while True:
        if topic == "spam":
            words = V.NAME_WORDS["knives"] + V.NAME_WORDS["cooking"]
            name = f"{rng.choice(V.SPAM_WORDS)}-{rng.choice(words)}-{rng.choice(V.NAME_SUFFIXES)}{rng.integers(2, 999)}"
            host, lang = f"{name}.{rng.choice(V.SPAM_TLDS)}", "en"
        else:
            tlds = [t for t in V.TLDS if t[1] == "de"] if site_bias == "chefsedge.de" and rng.random() < 0.6 else V.TLDS
            tld, lang = tlds[rng.integers(len(tlds))]
            w1 = rng.choice(V.NAME_WORDS[topic])
            w2 = rng.choice(V.NAME_SUFFIXES + V.NAME_WORDS["general"])
            name = f"{w1}{'-' if rng.random() < 0.2 else ''}{w2}"
            if role in ("site_bg", "comp") and rng.random() < 0.08:  # shared-host blogs: their own sites by the PSL
                host, lang = f"{name}.{V.PLATFORM_SUFFIXES[rng.integers(2)]}", "en"
            else:
                host = f"{'www.' if rng.random() < 0.45 else ''}{name}.{tld}"
        if host not in taken:
            taken.add(host)
            return host, lang


def _hosts(rng: np.random.Generator, scale: float) -> pl.DataFrame:
    taken: set[str] = set(V.SITES)
    rows: list[dict] = []
    for role, (base, topics, _) in ROLE_SPECS.items():
        n = scaled(base, scale, minimum=3)
        role_topics = _choice(rng, topics, n)
        comp_pick = rng.choice(V.COMPETITORS, size=n, p=[0.35, 0.35, 0.30])
        for i in range(n):
            host, lang = _host_name(rng, role_topics[i], role, comp_pick[i] if role == "comp" else None, taken)
            rows.append(
                {"host": host, "role": role, "topic": role_topics[i], "language": lang, "comp_pick": comp_pick[i]}
            )
    specials = [(h, lang, topic, "site_bg") for h, lang, topic in V.IDN_HOSTS]
    specials += [
        (V.QUIRKY_HOST, "en", "knives", "site_bg"),
        (QUIRKY_AT_HOST, "en", "knives", "site_bg"),
        (V.NEVER_DISAVOW_HOST, "en", "cooking", "site_bg"),
    ]
    specials += [(h, "en", topic, "noise") for h, topic, _, _ in NOISE_HOSTS]
    for host, lang, topic, role in specials:
        rows.append({"host": host, "role": role, "topic": topic, "language": lang, "comp_pick": V.COMPETITORS[0]})
    hosts = pl.DataFrame(rows)
    n = hosts.height
    role = hosts["role"].to_numpy()
    beta = np.clip(rng.beta(2, 4, n) * 80 + 2, 0, 100)
    dr = np.select(
        [role == "toxic", role == "spike", role == "shared", role == "gap", role == "mention"],
        [
            rng.uniform(0, 12, n),
            rng.uniform(20, 60, n),
            rng.uniform(30, 80, n),
            rng.uniform(45, 85, n),
            rng.uniform(20, 70, n),
        ],
        beta,
    )
    noise_dr = {h: d for h, _, d, _ in NOISE_HOSTS} | {V.NEVER_DISAVOW_HOST: 94, V.QUIRKY_HOST: 48}
    dr = np.array([noise_dr.get(h, d) for h, d in zip(hosts["host"], dr)])  # loop over distinct hosts
    octets = rng.integers(1, 255, size=(n, 4))
    ip = np.array([f"{a}.{b}.{c}.{d}" for a, b, c, d in octets])
    ip = np.where(role == "toxic", np.array([f"{V.SPAM_SUBNET}.{d}" for d in octets[:, 3]]), ip)
    return hosts.with_columns(
        dr=pl.Series(np.round(dr)).cast(pl.Int64),
        domain_traffic=pl.Series(np.round(10 ** (dr / 22 + rng.normal(0.5, 0.6, n)))).cast(pl.Int64),
        ip=pl.Series(ip),
        scheme=pl.Series(np.where(rng.random(n) < 0.08, "http", "https")),
        platform=pl.Series(np.array(V.AHREFS_PLATFORMS, dtype=object)[rng.integers(len(V.AHREFS_PLATFORMS), size=n)]),
    ).with_columns(
        scheme=pl.when(pl.col("host") == V.QUIRKY_HOST).then(pl.lit("http")).otherwise("scheme"),
        platform=pl.when(pl.col("role") == "noise")
        .then(pl.lit(""))
        .when(pl.col("host").str.ends_with(".blogspot.com"))
        .then(pl.lit("blogs"))
        .when(pl.col("host").str.ends_with(".wordpress.com"))
        .then(pl.lit("wordpress"))
        .otherwise("platform"),
        is_sitewide=pl.int_range(pl.len()).is_in(list(range(SITEWIDE_HOSTS))),  # the first background hosts
    )


# ---------------------------------------------------------------- links (column-wise)


def _pick(df: pl.DataFrame, key: str, pool: dict, out: str, rand: np.ndarray) -> pl.DataFrame:
    """Add `out` = pool[key][rand % len] for every row (a join, not a row loop)."""
    lookup = pl.DataFrame(
        {key: list(pool), "_vals": [list(v) for v in pool.values()]},
        schema={key: df.schema[key], "_vals": pl.List(pl.String)},
    )
    return (
        df.with_columns(_r=pl.Series(rand, dtype=pl.Int64))
        .join(lookup, on=key, how="left", maintain_order="left")
        .with_columns(pl.col("_vals").list.get(pl.col("_r") % pl.col("_vals").list.len(), null_on_oob=True).alias(out))
        .drop("_vals", "_r")
    )


def _pairs(rng: np.random.Generator, hosts: pl.DataFrame) -> pl.DataFrame:
    """(host, linked site) pairs: which sites each referring host links to."""
    role = hosts["role"].to_list()
    comp_pick = hosts["comp_pick"].to_list()
    sites: list[list[str]] = []
    for r, c in zip(role, comp_pick):  # loop over distinct hosts
        if r in ("site_bg", "spike", "toxic"):
            sites.append([V.SITE])
        elif r == "shared":
            k = int(rng.integers(1, 4))
            sites.append([V.SITE, *sorted(rng.choice(V.COMPETITORS, size=k, replace=False).tolist())])
        elif r == "comp":
            sites.append([c])
        elif r in ("gap", "noise"):
            k = int(rng.choice([2, 3], p=[0.6, 0.4]))
            sites.append(sorted(rng.choice(V.COMPETITORS, size=k, replace=False).tolist()))
        else:
            sites.append([])
    return hosts.with_columns(site=pl.Series(sites, dtype=pl.List(pl.String))).explode("site").drop_nulls("site")


def _first_seen_days(rng: np.random.Generator, role: np.ndarray, n: int, toxic_rank: np.ndarray) -> np.ndarray:
    start, end, spike = _days(V.HISTORY_START), _days(V.LAST_DAY) - 3, _days(V.SPIKE_WEEK)
    background = rng.integers(start, end, size=n)
    in_spike = spike + rng.integers(0, 5, size=n)  # Mon..Fri of the spike week
    late = _days(dt.date(2026, 9, 3)) + rng.integers(0, 22, size=n)
    return np.select(
        [role == "spike", (role == "toxic") & (toxic_rank < TOXIC_LATE), role == "toxic"],
        [in_spike, late, in_spike],
        background,
    )


def _anchor_classes(rng: np.random.Generator, role: np.ndarray, n: int) -> np.ndarray:
    normal = _choice(
        rng, {"branded": 38, "naked": 12, "generic": 15, "partial": 13, "exact": 5, "image": 11, "empty": 4}, n
    )
    toxic = _choice(rng, {"toxic": 80, "naked": 10, "generic": 10}, n)
    return np.where(role == "toxic", toxic, normal)


def _links(rng: np.random.Generator, pairs: pl.DataFrame) -> pl.DataFrame:
    """One row per link: each (host, site) pair repeated by its number of links; `k` numbers them."""
    n_pairs = pairs.height
    role = pairs["role"].to_numpy()
    per_pair = np.ones(n_pairs, dtype=np.int64)
    for r, (_, _, choices) in ROLE_SPECS.items():  # loop over roles, draws are column-wise
        mask = role == r
        per_pair[mask] = rng.choice(choices, size=int(mask.sum()))
    per_pair[role == "noise"] = rng.integers(1, 3, int((role == "noise").sum()))
    per_pair = np.where(pairs["is_sitewide"].to_numpy(), rng.integers(6, 15, n_pairs), per_pair)
    toxic_rank = pairs.select(r=pl.int_range(pl.len()).over("role"))["r"].to_numpy()
    pairs = pairs.with_columns(
        pair_first=pl.Series(_first_seen_days(rng, role, n_pairs, toxic_rank)),
        toxic_rank=pl.Series(toxic_rank),
    )
    links = pairs[np.repeat(np.arange(n_pairs), per_pair)]
    links = links.with_columns(k=pl.int_range(pl.len()).over("host", "site"), link_id=pl.int_range(pl.len()))
    n, k = links.height, links["k"].to_numpy()
    fast = np.isin(links["role"].to_numpy(), ["spike", "toxic"])
    # a host's later links follow its first one (within the same week for the spike and the spam)
    offset = np.where(k == 0, 0, np.where(fast, rng.integers(0, 2, n), rng.integers(0, 150, n)))
    first = np.minimum(links["pair_first"].to_numpy() + offset, _days(V.LAST_DAY) - 1)
    return links.with_columns(
        first_day=pl.Series(first), tkey=pl.when(pl.col("role") == "toxic").then(pl.lit("spam")).otherwise("topic")
    )


def _with_pages(rng: np.random.Generator, links: pl.DataFrame) -> pl.DataFrame:
    """Title, source path and target page, all keyed by the link's topic (and language for titles)."""
    n = links.height
    langs = sorted(set(links["language"].to_list()))
    title_pool = {
        f"{t}|{lang}": V.LOCAL_TITLES.get(lang, {}).get(t, titles) for t, titles in V.TITLES.items() for lang in langs
    }
    links = links.with_columns(title_key=pl.col("tkey") + "|" + pl.col("language"))
    links = _pick(links, "title_key", title_pool, "title", rng.integers(0, 1 << 30, n)).drop("title_key")
    links = _pick(links, "tkey", V.SECTIONS, "section", rng.integers(0, 1 << 30, n))
    page_pool = {
        f"{s}|{t}": pages.get(t, pages["general"]) for s, pages in V.PAGES.items() for t in (*V.TOPICS, "spam")
    }
    links = links.with_columns(pkey=pl.col("site") + "|" + pl.col("tkey"))
    links = _pick(links, "pkey", page_pool, "target_path", rng.integers(0, 1 << 30, n)).drop("pkey")
    slug = pl.col("title").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", "-").str.strip_chars("-")
    suffix = pl.when(pl.col("k") > 0).then(pl.format("-{}", "k")).otherwise(pl.lit(""))
    return links.with_columns(
        path=pl.when(pl.col("is_sitewide") & (pl.col("k") > 0))
        .then(pl.format("/blog/page/{}", pl.col("k") + 1))
        .otherwise(pl.format("/{}/{}{}", "section", slug, suffix)),
        target_url=pl.col("site").replace_strict(V.BASE_URL, return_dtype=pl.String) + pl.col("target_path"),
    ).with_columns(
        path=pl.when((pl.col("host") == QUIRKY_AT_HOST) & (pl.col("k") == 0))
        .then(pl.lit("/members/@knifeguy/best-budget-gyuto"))
        .when(pl.col("host") == "www.youtube.com")
        .then(pl.format("/watch?v=kN{}fE{}", pl.col("link_id"), pl.col("k")))
        .when(pl.col("host") == "www.pinterest.com")
        .then(pl.format("/pin/{}/", 7730001240 + pl.col("link_id")))
        .when(pl.col("host") == "www.reddit.com")
        .then(
            pl.format("/r/chefit/comments/1{}x{}/{}/", pl.col("link_id"), pl.col("k"), slug.str.replace_all("-", "_"))
        )
        .when(pl.col("host") == V.NEVER_DISAVOW_HOST)
        .then(pl.format("/food/techniques/{}", slug.str.replace_all("-", "_")))
        .otherwise("path"),
    )


def _with_anchors(rng: np.random.Generator, links: pl.DataFrame) -> pl.DataFrame:
    """Anchor class per link, then its text from the class's pool (brand, language, topic)."""
    n = links.height
    links = links.with_columns(anchor_class=pl.Series(_anchor_classes(rng, links["role"].to_numpy(), n)))
    links = _pick(links, "site", V.BRANDS, "a_branded", rng.integers(0, 1 << 30, n))
    links = _pick(links, "language", V.GENERIC_ANCHORS, "a_generic", rng.integers(0, 1 << 30, n))
    links = _pick(links, "tkey", V.EXACT_ANCHORS, "a_exact", rng.integers(0, 1 << 30, n))
    links = _pick(links, "tkey", V.PARTIAL_ANCHORS, "a_partial", rng.integers(0, 1 << 30, n))
    links = _pick(links, "tkey", {"spam": V.TOXIC_ANCHORS}, "a_toxic", rng.integers(0, 1 << 30, n))
    naked_form = pl.Series(rng.integers(0, 3, n))
    bare = pl.col("target_url").str.replace(r"^https?://(www\.)?", "").str.replace(r"/.*$", "")
    anchor_class = pl.col("anchor_class")
    return (
        links.with_columns(
            a_naked=pl.when(naked_form == 0)
            .then(pl.col("target_url"))
            .when(naked_form == 1)
            .then(pl.col("target_url").str.replace(r"^https?://", "").str.strip_chars_end("/"))
            .otherwise(bare),
        )
        .with_columns(
            anchor=pl.when(anchor_class == "branded")
            .then("a_branded")
            .when(anchor_class == "naked")
            .then("a_naked")
            .when(anchor_class == "generic")
            .then("a_generic")
            .when(anchor_class == "exact")
            .then(pl.coalesce("a_exact", "a_branded"))
            .when(anchor_class == "partial")
            .then(pl.coalesce("a_partial", "a_branded"))
            .when(anchor_class == "toxic")
            .then("a_toxic")
            .otherwise(pl.lit("")),
            is_image=anchor_class == "image",
        )
        .drop("a_branded", "a_generic", "a_exact", "a_partial", "a_toxic", "a_naked")
    )


def _with_rel_and_dates(rng: np.random.Generator, links: pl.DataFrame) -> pl.DataFrame:
    """rel hints, first seen (= the earliest tool, Ahrefs), losses, and the one false 'lost'."""
    n = links.height
    draw = rng.random(n)
    noise_rel = {h: rel for h, _, _, rel in NOISE_HOSTS} | {V.NEVER_DISAVOW_HOST: "nofollow"}
    rel = np.select([draw < 0.14, draw < 0.17, draw < 0.20], ["nofollow", "sponsored", "ugc"], "follow")
    role, first = links["role"].to_numpy(), links["first_day"].to_numpy()
    toxic_rank = links["toxic_rank"].to_numpy()
    lost_day = _days(dt.date(2026, 8, 2)) + rng.integers(0, 60, n)
    lost = np.isin(role, ["site_bg", "shared", "comp"]) & (rng.random(n) < 0.07) & (first < lost_day - 7)
    dead_toxic = (role == "toxic") & (toxic_rank >= TOXIC_LATE) & (toxic_rank < TOXIC_LATE + TOXIC_DEAD)
    dead_day = _days(dt.date(2026, 9, 5)) + toxic_rank % 20
    lost_at = np.minimum(np.where(lost, lost_day, np.where(dead_toxic, dead_day, -1)), _days(V.LAST_DAY))
    links = links.with_columns(
        rel=pl.col("host").replace_strict(noise_rel, default=pl.Series(rel), return_dtype=pl.String),
        is_content=~pl.col("is_sitewide") & ~pl.col("is_image"),
        first_seen=pl.col("first_day").cast(pl.Int32).cast(pl.Date),
        lost_at=pl.when(pl.Series(lost_at) >= 0).then(pl.Series(lost_at)).cast(pl.Int32).cast(pl.Date),
        first_hour=pl.Series(rng.integers(0, 86400, n)),
    )
    # the one link Ahrefs wrongly calls lost: the strongest live shared-host link to the site
    false_lost = (
        links.filter(
            (pl.col("site") == V.SITE) & (pl.col("role") == "shared") & pl.col("lost_at").is_null() & (pl.col("k") == 0)
        )
        .sort(["dr", "host"], descending=[True, False])["link_id"]
        .head(1)
        .to_list()
    )
    return links.with_columns(false_lost=pl.col("link_id").is_in(false_lost))


def _with_metrics(rng: np.random.Generator, links: pl.DataFrame) -> pl.DataFrame:
    """Page metrics and each vendor's scores, correlated with DR; the toxic cluster scores as spam."""
    n = links.height
    dr = links["dr"].to_numpy().astype(float)
    toxic = links["role"].to_numpy() == "toxic"
    ur = np.clip(dr * 0.4 + rng.normal(5, 6, n), 0, 100)
    ext = np.where(
        toxic,
        rng.integers(200, 900, n),
        np.where(links["is_sitewide"].to_numpy(), rng.integers(20, 60, n), rng.integers(3, 80, n)),
    )
    ext = np.where(links["host"].to_numpy() == V.NEVER_DISAVOW_HOST, 350, ext)
    tf = np.where(toxic, rng.integers(0, 7, n), np.clip(dr * 0.55 + rng.normal(0, 5, n), 0, 100))
    cf = np.where(
        toxic, rng.integers(18, 41, n), np.clip(tf * rng.lognormal(np.log(1.8), 0.4, n), 0, 100)
    )  # CF/TF median ~1.8
    ascore = np.clip(dr * 0.85 + rng.normal(0, 4, n), 0, 100)
    spam = np.where(
        toxic, rng.integers(60, 91, n), np.where(rng.random(n) < 0.85, rng.integers(1, 16, n), rng.integers(16, 36, n))
    )
    tox = np.where(
        toxic, rng.integers(70, 99, n), np.where(rng.random(n) < 0.85, rng.integers(0, 20, n), rng.integers(20, 45, n))
    )
    as_int = lambda a: pl.Series(np.round(a)).cast(pl.Int64)  # noqa: E731
    links = links.with_columns(
        ur=pl.Series(np.round(ur, 1)),
        page_traffic=as_int(rng.lognormal(2, 1.8, n) * (~toxic)),
        page_keywords=as_int(rng.integers(0, 60, n) * (~toxic)),
        page_ref_domains=as_int(rng.integers(0, 40, n)),
        external_links=as_int(ext),
        internal_links=as_int(rng.integers(10, 150, n)),
        da=as_int(np.clip(dr + rng.normal(0, 6, n), 1, 100)),
        pa=as_int(np.clip(ur + rng.normal(8, 5, n), 1, 100)),
        spam_score=as_int(spam),
        tf=as_int(tf),
        cf=as_int(cf),
        ascore=as_int(ascore),
        page_trust=as_int(ascore * rng.uniform(0.5, 0.9, n)),
        toxicity=as_int(tox),
        is_spam=pl.Series(toxic & (rng.random(n) < 0.9)),
        ctx=pl.Series(rng.integers(0, 10, n)),
    )
    return _pick(links, "tkey", V.MAJESTIC_TOPICS, "mj_topic", rng.integers(0, 1 << 30, n))


def _with_coverage(rng: np.random.Generator, links: pl.DataFrame) -> pl.DataFrame:
    """Which tool sees each link, and how many days after Ahrefs it first does."""
    n = links.height
    role = links["role"].to_numpy()
    fast, toxic, gap = np.isin(role, ["spike", "toxic"]), role == "toxic", role == "gap"
    cov = {
        t: rng.random(n) < p
        for t, p in (("ahrefs", 0.88), ("semrush", 0.72), ("majestic", 0.66), ("moz", 0.5), ("gsc", 0.62))
    }
    special_hosts = [V.QUIRKY_HOST, V.NEVER_DISAVOW_HOST, QUIRKY_AT_HOST, *[h for h, _, _ in V.IDN_HOSTS]]
    special = links["false_lost"].to_numpy() | np.isin(links["host"].to_numpy(), special_hosts)
    cov["ahrefs"] |= fast | special | gap  # the story's links must show in the main tool
    cov["semrush"] |= toxic | special | gap
    cov["majestic"] |= special
    cov["moz"] |= (toxic & (rng.random(n) < 0.85)) | special
    cov["gsc"] &= links["site"].to_numpy() == V.SITE  # GSC only exists for the owned property
    lags = {
        t: np.where(fast, rng.integers(0, 2, n), rng.integers(lo, hi, n))
        for t, lo, hi in (("semrush", 0, 21), ("majestic", 0, 30), ("moz", 5, 45), ("gsc", 3, 30))
    }
    return links.with_columns(
        *[pl.Series(f"cov_{t}", v) for t, v in cov.items()],
        *[pl.Series(f"lag_{t}", v).cast(pl.Int64) for t, v in lags.items()],
        ahrefs_reports_lost=pl.Series(rng.random(n) < 0.6),
        semrush_reports_lost=pl.Series(rng.random(n) < 0.35),
        view_rand=pl.Series(rng.integers(0, 1 << 30, n)),
    )


def build_world(scale: float = 1.0, seed: int = 7) -> World:
    rng = np.random.default_rng(seed)
    hosts = _hosts(rng, scale)
    links = _links(rng, _pairs(rng, hosts))
    for step in (_with_pages, _with_anchors, _with_rel_and_dates, _with_metrics, _with_coverage):
        links = step(rng, links)
    return World(seed=seed, hosts=hosts, links=links.drop("pair_first", "comp_pick", "first_day"))
