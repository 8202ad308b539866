"""Benchmark-sized backlink exports: any row count, built column-wise (numpy + Polars), written in chunks.

The rows are random but shaped like the sample (same writers, so the same bytes-level format);
the story of the sample is not reproduced. Vendor quirks that change the row count (Moz's duplicate
rows, Majestic's broken row, the audit's trailing empty row) are left out, so a file has exactly
`rows` data rows; GSC pages are unique, so GSC files too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from dagster_project.samplegen import vocab as V
from dagster_project.samplegen import writers

FORMATS = ("ahrefs", "ahrefs_utf8", "semrush", "semrush_legacy", "semrush_audit", "majestic", "moz", "gsc")
CHUNK_ROWS = 200_000


def _lookup(index: pl.Expr, values: tuple[str, ...] | list[str]) -> pl.Expr:
    """values[index % len] for a whole column (a tiny mapping, applied column-wise)."""
    return (index % len(values)).replace_strict(dict(enumerate(values)), return_dtype=pl.String)


def _host_ids(rows: int, n_hosts: int, rng: np.random.Generator, zipf: float | None) -> np.ndarray:
    """Which referring host each row is on: every host once, the rest skewed (a few hosts hold many
    links, as in real profiles): by default a squared uniform; with `zipf=s`, host k with weight
    1/k**s (real link graphs are close to Zipf, s ~ 1)."""
    if zipf is None:
        extra = (n_hosts * rng.random(rows - n_hosts) ** 2).astype(np.int64)
    else:
        weights = 1.0 / np.arange(1, n_hosts + 1, dtype=np.float64) ** zipf
        extra = rng.choice(n_hosts, size=rows - n_hosts, p=weights / weights.sum())
    return rng.permutation(np.concatenate([np.arange(n_hosts), extra]))


def random_observations(
    rows: int, distinct_hosts: int, seed: int, *, sites: tuple[str, ...] = V.SITES, zipf: float | None = None
) -> pl.DataFrame:
    """`rows` observation rows (writers.OBS_SCHEMA) over exactly min(rows, distinct_hosts) referring
    hosts, linking to the pages of `sites`; `zipf`: see `_host_ids`."""
    rng = np.random.default_rng(seed)
    n_hosts = max(1, min(rows, distinct_hosts))
    host_id = _host_ids(rows, n_hosts, rng, zipf)
    words = [w for topic in ("knives", "cooking", "outdoor", "general") for w in V.NAME_WORDS[topic]]
    tlds = [t for t, _ in V.TLDS]
    hid = pl.int_range(n_hosts, dtype=pl.Int64, eager=True)
    hosts = pl.select(
        pl.format(
            "{}{}{}{}.{}",
            pl.when(hid % 3 == 0).then(pl.lit("www.")).otherwise(pl.lit("")),
            _lookup(pl.lit(hid), words),
            _lookup(pl.lit(hid // len(words)), V.NAME_SUFFIXES),
            pl.lit(hid),
            _lookup(pl.lit(hid // 7), tlds),
        ).alias("host")
    )["host"]
    pages = [V.BASE_URL[s] + p for s in sites for group in V.PAGES[s].values() for p in group]
    pools = (
        V.BRANDS[V.SITE],
        V.GENERIC_ANCHORS["en"],
        V.EXACT_ANCHORS["knives"],
        V.PARTIAL_ANCHORS["knives"],
        ("", ""),
    )
    anchors = [a for pool in pools for a in pool]
    titles = [t for pool in V.TITLES.values() for t in pool]
    r = pl.Series(rng.integers(0, 1 << 30, rows))
    start = dt.datetime(2025, 4, 1)
    first = pl.Series(rng.integers(0, 540 * 86400, rows)) * 1_000_000
    seen_for = pl.Series(rng.integers(0, 60 * 86400, rows)) * 1_000_000
    lost = pl.Series(rng.random(rows) < 0.05)
    dr = pl.Series(rng.integers(0, 96, rows))
    frame = pl.DataFrame(
        {
            "host": hosts.gather(host_id),
            "r": r,
            "i": pl.int_range(rows, eager=True),
            "dr": dr,
            "first_us": first,
            "seen_us": seen_for,
            "lost": lost,
        }
    )
    rel = rng.random(rows)
    out = frame.select(
        pl.format(
            "https://{}/{}/{}-{}",
            "host",
            _lookup(pl.col("r"), V.SECTIONS["knives"]),
            _lookup(pl.col("r") // 7, ("best-chef-knives", "knife-skills", "gift-guide", "gear-list", "review")),
            "i",
        ).alias("source_url"),
        _lookup(pl.col("r") // 11, pages).alias("target_url"),
        _lookup(pl.col("r") // 13, anchors).alias("anchor"),
        _lookup(pl.col("r") // 17, titles).alias("title"),
        pl.lit("").alias("left_context"),
        pl.lit("").alias("right_context"),
        _lookup(pl.col("r") // 19, ("en", "en", "en", "de", "es", "fr")).alias("language"),
        pl.lit("").alias("platform"),
        pl.lit(200).alias("http_code"),
        pl.Series(rel < 0.12).alias("nofollow"),
        pl.Series((rel >= 0.12) & (rel < 0.14)).alias("ugc"),
        pl.Series((rel >= 0.14) & (rel < 0.16)).alias("sponsored"),
        (pl.col("r") % 10 == 0).alias("is_image"),
        (pl.col("r") % 23 == 0).alias("is_sitewide"),
        (pl.col("r") % 10 != 0).alias("is_content"),
        pl.lit(False).alias("is_redirect"),
        (pl.lit(start) + pl.duration(microseconds=pl.col("first_us"))).alias("first_seen"),
        (pl.lit(start) + pl.duration(microseconds=pl.col("first_us") + pl.col("seen_us"))).alias("last_seen"),
        pl.when(pl.col("lost"))
        .then(pl.lit(start) + pl.duration(microseconds=pl.col("first_us") + pl.col("seen_us") + 86_400_000_000))
        .alias("lost_at"),
        pl.when(pl.col("lost")).then(pl.lit("linkremoved")).alias("lost_status"),
        pl.when(pl.col("lost")).then(pl.lit("removed from HTML")).alias("drop_reason"),
        pl.lit(None, pl.String).alias("discovered_status"),
        (pl.col("r") % 9 == 0).alias("new_link"),
        pl.col("lost").alias("lost_link"),
        pl.col("dr").alias("domain_rating"),
        ((pl.col("r") % 600) / 10).alias("url_rating"),
        (pl.col("r") % 90_000).alias("domain_traffic"),
        (pl.col("r") % 40).alias("page_ref_domains"),
        (pl.col("r") % 70).alias("linked_domains"),
        (pl.col("r") % 90 + 1).alias("external_links"),
        (pl.col("r") % 150).alias("internal_links"),
        (pl.col("r") % 500).alias("page_traffic"),
        (pl.col("r") % 60).alias("page_keywords"),
        (pl.col("r") % 50 == 0).alias("is_spam"),
        pl.col("dr").alias("domain_authority"),
        (pl.col("r") % 70 + 1).alias("page_authority"),
        (pl.col("r") % 30 + 1).alias("spam_score"),
        (pl.col("dr") * 9 + 3).alias("domain_ref_domains"),
        (pl.col("dr") // 2).alias("trust_flow"),
        (pl.col("dr") * 3 // 4 + 2).alias("citation_flow"),
        pl.lit(24).alias("target_trust_flow"),
        pl.lit(31).alias("target_citation_flow"),
        _lookup(pl.col("r") // 29, V.MAJESTIC_TOPICS["cooking"] + V.MAJESTIC_TOPICS["knives"]).alias("topic"),
        (pl.col("dr") // 3).alias("topic_value"),
        _lookup(pl.col("r") // 29, V.MAJESTIC_TOPICS["cooking"] + V.MAJESTIC_TOPICS["knives"]).alias("domain_topic"),
        (pl.col("dr") // 3).alias("domain_topic_value"),
        (pl.col("dr") * 4 // 5).alias("ascore"),
        (pl.col("dr") // 2).alias("page_trust"),
        (pl.col("r") % 100).alias("toxicity"),
        pl.lit("").alias("toxic_markers"),
        pl.format("10.{}.{}.{}", pl.col("r") % 250, pl.col("r") // 250 % 250, pl.col("r") // 62_500 % 250).alias("ip"),
        pl.col("host").alias("source_host"),
    )
    return out.cast(writers.OBS_SCHEMA)  # type: ignore[arg-type]


def render(obs: pl.DataFrame, fmt: str, *, header: bool, total_rows: int, snapshot: dt.date) -> bytes:
    """One chunk of a big file in `fmt` (`header=False`: no header/preamble/BOM)."""
    if fmt == "ahrefs":
        return writers.ahrefs_backlinks(obs, header=header)
    if fmt == "ahrefs_utf8":
        return writers.ahrefs_backlinks(obs, utf16=False, iso_dates=True, header=header)
    if fmt in ("semrush", "semrush_legacy"):
        return writers.semrush_backlinks(obs, legacy=fmt == "semrush_legacy", header=header)
    if fmt == "semrush_audit":
        return writers.semrush_audit(obs, header=header, trailing_empty_row=False)
    if fmt == "majestic":
        return writers.majestic_backlinks(obs, header=header)
    if fmt == "moz":  # Moz prints URLs without a scheme
        obs = obs.with_columns(pl.col("source_url", "target_url").str.replace("^https?://", ""))
        text = writers.moz_inbound_links(obs, target=V.SITE, export_date=snapshot, duplicate_every=0, header=False)
        head = (
            writers.moz_preamble(V.SITE, snapshot, total_rows) + ",".join(writers.MOZ_HEADER) + "\n" if header else ""
        )
        return head.encode("utf-8") + text
    if fmt == "gsc":
        return writers.gsc_latest_links(obs, header=header)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def generate_backlink_rows_file(path: Path, fmt: str, rows: int, distinct_hosts: int, seed: int) -> Path:
    """Write a `fmt` backlinks export with exactly `rows` data rows over `distinct_hosts` referring hosts."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if rows < 0 or distinct_hosts < 1:
        raise ValueError("rows must be >= 0 and distinct_hosts >= 1")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    obs = random_observations(rows, distinct_hosts, seed)
    with path.open("wb") as fh:
        for offset in range(0, max(rows, 1), CHUNK_ROWS):
            chunk = obs.slice(offset, CHUNK_ROWS)
            fh.write(render(chunk, fmt, header=offset == 0, total_rows=rows, snapshot=V.SNAPSHOTS[-1]))
    return path
