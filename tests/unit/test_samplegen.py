"""The sample generator: deterministic bytes, the vendors' real formats, the demo story, big files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from dagster_project.samplegen import bigfile, generate_backlink_rows_file, generate_inbox, writers
from dagster_project.samplegen import vocab as V
from dagster_project.samplegen.world import build_world

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("inbox")
    generate_inbox(out)
    return out


def _one(inbox: Path, pattern: str) -> bytes:
    matches = sorted(inbox.glob(pattern))
    assert len(matches) == 1, (pattern, matches)
    return matches[0].read_bytes()


def _rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _zip_contents(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(i.filename, archive.read(i.filename)) for i in archive.infolist()]


# ---------------------------------------------------------------- determinism and size


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    first = generate_inbox(tmp_path / "a", scale=0.3, seed=11)
    second = generate_inbox(tmp_path / "b", scale=0.3, seed=11)
    third = generate_inbox(tmp_path / "c", scale=0.3, seed=12)
    rel = lambda files, root: [f.relative_to(root) for f in files]  # noqa: E731
    assert rel(first, tmp_path / "a") == rel(second, tmp_path / "b") == rel(third, tmp_path / "c")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a
    assert any(a.read_bytes() != c.read_bytes() for a, c in zip(first, third))


def test_committed_sample_is_what_the_generator_writes(inbox):
    sample = REPO / "data" / "sample"
    generated = sorted(p.relative_to(inbox) for p in inbox.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(sample) for p in sample.rglob("*") if p.is_file())
    assert committed == generated, "regenerate: uv run python -m dagster_project.samplegen --out data/sample"
    for rel in generated:
        new, old = (inbox / rel).read_bytes(), (sample / rel).read_bytes()
        if rel.suffix in (".zip", ".xlsx"):  # compare members: deflate bytes may differ across zlib builds
            assert _zip_contents(new) == _zip_contents(old), rel
        else:
            assert new == old, rel
    assert sum((sample / r).stat().st_size for r in committed) < 3_000_000


def test_three_dated_snapshots_per_tool_family(inbox):
    patterns = {
        "ahrefs": "ahrefs/knifecraft.co.uk-backlinks-subdomains_*.csv",
        "semrush": "semrush/*/knifecraft.co.uk-backlinks.csv",
        "majestic": "majestic/knifecraft.co.uk_backlinks_fresh_*.csv",
        "moz": "moz/knifecraft.co.uk-inbound-links-*.csv",
        "gsc": "knifecraft.co.uk/gsc-latest-links-*.csv",
    }
    for tool, pattern in patterns.items():
        dates = {re.search(r"\d{4}-\d{2}-\d{2}", str(p.relative_to(inbox))).group() for p in inbox.glob(pattern)}
        assert dates == {"2026-08-01", "2026-09-01", "2026-10-01"}, tool


# ---------------------------------------------------------------- backlink formats, byte level


def test_ahrefs_default_export_is_utf16le_bom_tsv_all_quoted_crlf(inbox):
    data = _one(inbox, "ahrefs/knifecraft.co.uk-backlinks-subdomains_2026-10-01_*.csv")
    assert data[:2] == b"\xff\xfe" and data[2:4] == b'"\x00'
    text = data[2:].decode("utf-16-le")
    lines = text.split("\r\n")
    assert lines[-1] == "" and "\n" not in "".join(lines)
    assert lines[0] == "\t".join(f'"{h}"' for h in writers.AHREFS_HEADER)
    for line in lines[1:-1]:
        assert line.startswith('"') and line.endswith('"') and line.count('"\t"') == len(writers.AHREFS_HEADER) - 1
    rows = _rows(text.replace("\r\n", "\n"), "\t")
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert {r["Nofollow"] for r in body} == {"true", "false"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", body[0]["First seen"])
    lost = [r for r in body if r["Lost"]]
    assert lost and all(r["Lost status"] for r in lost)
    first_seen = sorted(r["First seen"][:10] for r in body)
    assert first_seen[0] < "2025-05-01" and first_seen[-1] > "2026-09-01"  # ~18 months of history


def test_ahrefs_utf8_variant_and_decimal_comma_ur(inbox):
    data = _one(inbox, "ahrefs/bladeworks.com-backlinks-subdomains_*.csv")
    assert data[:3] == b"\xef\xbb\xbf" and data[3:23] == b"Referring page title"
    rows = _rows(data[3:].decode("utf-8"))
    assert rows[0] == list(writers.AHREFS_HEADER)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", rows[1][rows[0].index("First seen")])
    german = _rows(_one(inbox, "ahrefs/chefsedge.de-backlinks-*.csv")[2:].decode("utf-16-le"), "\t")
    assert any("," in r[german[0].index("UR")] for r in german[1:])


def test_ahrefs_broken_backlinks_lists_the_live_links_to_the_broken_pages(inbox):
    data = _one(inbox, "ahrefs/knifecraft.co.uk-broken-backlinks-subdomains_2026-10-01_*.csv")
    assert data[:2] == b"\xff\xfe"  # "for Excel": UTF-16LE TSV, as the backlinks export
    rows = _rows(data[2:].decode("utf-16-le").replace("\r\n", "\n"), "\t")
    assert rows[0] == list(writers.AHREFS_BROKEN_HEADER)
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    path = lambda url: re.sub(r"^https?://[^/]+", "", url)  # noqa: E731
    codes = {(path(r["Target URL"]), r["Target page HTTP code"]) for r in body}
    assert codes == {(p, str(code)) for p, code in V.BROKEN_PAGES.items()}
    assert all(not r["Lost"] for r in body)  # live links only
    # the same links as the full export of that snapshot
    full = _rows(
        _one(inbox, "ahrefs/knifecraft.co.uk-backlinks-subdomains_2026-10-01_*.csv")[2:]
        .decode("utf-16-le")
        .replace("\r\n", "\n"),
        "\t",
    )
    links = {(r[1], r[13]) for r in full[1:] if path(r[13]) in V.BROKEN_PAGES and not r[full[0].index("Lost")]}
    assert {(r["Referring page URL"], r["Target URL"]) for r in body} == links


def test_semrush_backlinks_current_and_legacy_headers(inbox):
    current = _one(inbox, "semrush/2026-10-01/knifecraft.co.uk-backlinks.csv")
    assert current[:3] != b"\xef\xbb\xbf"
    rows = _rows(current.decode("utf-8"))
    assert rows[0] == list(writers.SEMRUSH_HEADER) and len(rows[0]) == 19
    assert {r[rows[0].index("Nofollow")] for r in rows[1:]} == {"true", "false"}
    # the contents imply the snapshot: the newest `Last seen` is the folder's date
    assert max(r[rows[0].index("Last seen")] for r in rows[1:]) == "2026-10-01"
    legacy = _rows(_one(inbox, "semrush/2026-08-01/chefsedge.de-backlinks.csv").decode("utf-8"))
    assert legacy[0] == list(writers.SEMRUSH_LEGACY_HEADER) and len(legacy[0]) == 15


def test_semrush_audit_excel_booleans_and_trailing_empty_row(inbox):
    text = _one(inbox, "semrush/2026-10-01/knifecraft.co.uk-backlink_audit.csv").decode("utf-8")
    assert text.endswith("\n,,,,,,,,\n")
    rows = _rows(text)[:-1]
    assert rows[0] == list(writers.SEMRUSH_AUDIT_HEADER)
    assert {r[-1] for r in rows[1:]} == {"TRUE", "FALSE"}
    scores = [int(r[rows[0].index("Toxicity Score")]) for r in rows[1:]]
    assert sum(s >= 70 for s in scores) >= 15 and max(scores) <= 100


def test_semrush_refdomains_one_row_per_host_with_ip():
    obs = bigfile.random_observations(60, 12, seed=3)
    rows = _rows(writers.semrush_refdomains(obs).decode("utf-8"))
    assert rows[0] == list(writers.SEMRUSH_REFDOMAINS_HEADER)
    assert len(rows) - 1 == obs["source_host"].n_unique() == 12
    assert sum(int(r[2]) for r in rows[1:]) == 60
    assert all(re.fullmatch(r"\d+\.\d+\.\d+\.\d+", r[3]) for r in rows[1:])


def test_ahrefs_refdomains_utf16_one_row_per_domain_without_ip(inbox):
    data = _one(inbox, "ahrefs/knifecraft.co.uk-refdomains-subdomains_2026-10-01_*.csv")
    assert data[:2] == b"\xff\xfe"  # UTF-16LE BOM, the "for Excel" default
    rows = _rows(data.decode("utf-16-le").lstrip("\ufeff"), delimiter="\t")
    assert rows[0] == list(writers.AHREFS_REFDOMAINS_HEADER) and rows[0][6] == "Traffic "
    domains = [r[1] for r in rows[1:]]
    assert len(domains) == len(set(domains)) > 100 and not any(d.startswith("www.") for d in domains)
    assert [int(r[0]) for r in rows[1:]] == list(range(1, len(rows)))
    assert not any("IP" in name for name in rows[0])  # Ahrefs exports no IP


def test_semrush_refdomains_in_the_inbox_put_the_toxic_cluster_on_one_24(inbox):
    for day, cluster in (("2026-08-01", 0), ("2026-10-01", 15)):
        rows = _rows(_one(inbox, f"semrush/{day}/knifecraft.co.uk-backlinks_refdomains.csv").decode("utf-8"))
        assert rows[0] == list(writers.SEMRUSH_REFDOMAINS_HEADER)
        on_24 = [r for r in rows[1:] if r[3].startswith(V.SPAM_SUBNET + ".")]
        assert len(on_24) >= cluster and (cluster or not on_24), day


def test_majestic_flags_topics_broken_row_and_space(inbox):
    sep = _rows(_one(inbox, "majestic/knifecraft.co.uk_backlinks_fresh_2026-09-01.csv").decode("utf-8"))
    assert sep[0] == list(writers.MAJESTIC_HEADER)
    assert sum(len(r) != len(sep[0]) for r in sep) == 1  # exactly one invalid row
    valid = [dict(zip(sep[0], r)) for r in sep[1:] if len(r) == len(sep[0])]
    assert {r["FlagNoFollow"] for r in valid} == {"", "+"}
    assert "Recreation/Food" in {r["SourceTopicalTrustFlow_Topic_0"] for r in valid}
    assert any(r["Source URL"].startswith("https://xn--") for r in valid)  # IDN hosts in punycode
    octo = _rows(_one(inbox, "majestic/knifecraft.co.uk_backlinks_fresh_2026-10-01.csv").decode("utf-8"))
    assert sum(" " in r[1] for r in octo[1:]) == 1


def test_moz_preamble_yes_no_schemeless_and_consecutive_duplicates(inbox):
    lines = _one(inbox, "moz/knifecraft.co.uk-inbound-links-2026-09-01.csv").decode("utf-8").split("\n")
    assert lines[0].startswith("Moz Link Explorer") and lines[5] == ""
    assert lines[6] == ",".join(writers.MOZ_HEADER)
    rows = _rows("\n".join(lines[6:]))
    body = [r for r in rows[1:] if r]
    assert not any(r[0].startswith(("http://", "https://")) for r in body)
    assert {r[rows[0].index("Link Equity")] for r in body} == {"Yes", "No"}
    assert any(a == b for a, b in itertools.pairwise(body))


def test_gsc_latest_links_localised_headers_and_date_forms(inbox):
    en = _rows(_one(inbox, "knifecraft.co.uk/gsc-latest-links-2026-08-01.csv").decode("utf-8"))
    es = _rows(_one(inbox, "knifecraft.co.uk/gsc-latest-links-2026-09-01.csv").decode("utf-8"))
    us = _rows(_one(inbox, "knifecraft.co.uk/gsc-latest-links-2026-10-01.csv").decode("utf-8"))
    assert en[0] == ["Linking page", "Last crawled"] == us[0]
    assert es[0] == ["Página de enlace", "Último rastreo"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", en[1][1])
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, 2026", r[1]) for r in us[1:])
    assert any("://www.knifecraft.co.uk/" in r[0] for r in en[1:])  # the property's own pages appear


# ---------------------------------------------------------------- mentions


def test_brand24_xlsx_layout_and_sentiment_styles(inbox):
    numbers = openpyxl.load_workbook(io.BytesIO(_one(inbox, "mentions/brand24/*2026-09-01.xlsx")))
    words = openpyxl.load_workbook(io.BytesIO(_one(inbox, "mentions/brand24/*2026-10-01.xlsx")))
    for wb in (numbers, words):
        rows = list(wb["Mentions"].iter_rows(values_only=True))
        assert all(v is None for v in rows[0])
        assert rows[1] == (
            None,
            "ID",
            "Date",
            "Hrs",
            "Title",
            "Content",
            "Source",
            "Domain",
            "Category",
            "Sentiment",
            "Tags",
        )
        assert all(r[0] is None for r in rows)
        assert re.fullmatch(r"\d{2}:\d{2}", rows[2][3])
    assert {r[9] for r in list(numbers["Mentions"].iter_rows(values_only=True))[2:]} <= {1, 0, -1}
    assert {r[9] for r in list(words["Mentions"].iter_rows(values_only=True))[2:]} <= {
        "positive",
        "neutral",
        "negative",
    }


def test_talkwalker_epoch_ms_and_google_alerts_wrapped_links(inbox):
    tw = _rows(_one(inbox, "mentions/talkwalker/*.csv").decode("utf-8"))
    assert "extra_source_attributes.world_data.country" in tw[0]
    published = [int(r[tw[0].index("published")]) for r in tw[1:]]
    assert all(
        dt.datetime(2026, 7, 1).timestamp() * 1000 < p < dt.datetime(2026, 10, 1).timestamp() * 1000 for p in published
    )
    feed = ET.fromstring(_one(inbox, "mentions/google-alerts/*.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    hrefs = [e.find("a:link", ns).get("href") for e in feed.findall("a:entry", ns)]
    assert hrefs and all(h.startswith("https://www.google.com/url?rct=j&sa=t&url=") and "&ct=ga&" in h for h in hrefs)
    assert any("url=https%3A%2F%2F" in h for h in hrefs) and any("url=https://" in h for h in hrefs)
    assert any("<b>" in e.find("a:content", ns).text for e in feed.findall("a:entry", ns))


# ---------------------------------------------------------------- rankings


def test_gsc_performance_zip_and_czech_queries(inbox):
    members = dict(_zip_contents(_one(inbox, "knifecraft.co.uk/*Performance-on-Search-2026-10-01.zip")))
    assert {"Queries.csv", "Pages.csv", "Dates.csv", "Filters.csv", "Countries.csv", "Devices.csv"} <= set(members)
    queries = _rows(members["Queries.csv"].decode("utf-8"))
    assert queries[0] == ["Top queries", "Clicks", "Impressions", "CTR", "Position"]
    assert all(r[3].endswith("%") for r in queries[1:])
    dates = _rows(members["Dates.csv"].decode("utf-8"))
    assert ["2026-07-13", "0", "0", "", ""] in dates
    assert _rows(members["Filters.csv"].decode("utf-8"))[1:] == [["Search type", "Web"], ["Date", "Last 3 months"]]
    czech = _rows(_one(inbox, "knifecraft.co.uk/*-cs-Queries.csv").decode("utf-8"), ";")
    assert czech[0][-1] == "Pozice" and re.fullmatch(r"\d+,\d+%", czech[1][3]) and re.fullmatch(r"\d+,\d", czech[1][4])


def test_semrush_position_tracking_and_organic_positions(inbox):
    text = _one(inbox, "semrush/position_tracking_*.csv").decode("utf-8")
    assert "Period: 20260801 - 20261001" in text.split("\n")[:5]
    rows = _rows(text.split("\n\n", 1)[1])
    assert rows[0][:3] == ["Keyword", "Tags", "Intents"] and "*.knifecraft.co.uk/*_20260901_landing" in rows[0]
    whetstone = dict(zip(rows[0], next(r for r in rows if r[0] == "whetstone")))
    assert whetstone["*.knifecraft.co.uk/*_20261001"] == "-" and whetstone["*.sharpstore.com/*_20261001"] != "-"
    positions = _rows(_one(inbox, "semrush/knifecraft.co.uk-organic.Positions-uk-20261001-*.csv").decode("utf-8"))
    chef = dict(zip(positions[0], next(r for r in positions if r[0] == "chef knife")))
    assert (chef["Position"], chef["Previous position"]) == ("6", "11")
    assert re.fullmatch(r"\[\d+(,\d+){11}\]", chef["Trends"])


# ---------------------------------------------------------------- the demo story


def test_world_tells_the_demo_story():
    links = build_world().links
    site = links.filter(pl.col("site") == V.SITE)
    new_per_week = (
        site.group_by("host")
        .agg(pl.col("first_seen").min())
        .group_by(pl.col("first_seen").dt.truncate("1w").alias("week"))
        .len()
    )
    spike = new_per_week.filter(pl.col("week") == V.SPIKE_WEEK)["len"].item()
    assert spike >= 35 and new_per_week["len"].median() <= 5
    toxic = links.filter(pl.col("role") == "toxic")
    assert toxic["host"].n_unique() == 20 and toxic["ip"].str.starts_with(V.SPAM_SUBNET + ".").all()
    linked = links.group_by("host").agg(pl.col("site").unique(), pl.col("dr").max())
    gap = linked.filter(
        ~pl.col("site").list.contains(V.SITE) & (pl.col("site").list.len() >= 2) & pl.col("dr").is_between(45, 85)
    )
    assert gap.height >= 15
    sharp_hosts = lambda s: links.filter((pl.col("site") == s) & (pl.col("topic") == "sharpening"))["host"].n_unique()  # noqa: E731
    assert sharp_hosts(V.SITE) <= 2 and all(sharp_hosts(c) >= 25 for c in V.COMPETITORS)
    assert links.filter(pl.col("false_lost")).height == 1


# ---------------------------------------------------------------- big files


@pytest.mark.parametrize("fmt", bigfile.FORMATS)
def test_big_file_has_exactly_the_requested_rows_across_chunks(tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(bigfile, "CHUNK_ROWS", 1_000)  # 2,500 rows -> three chunks, one header
    path = generate_backlink_rows_file(tmp_path / f"{fmt}.csv", fmt, rows=2_500, distinct_hosts=300, seed=5)
    data = path.read_bytes()
    if fmt == "ahrefs":
        assert data[:2] == b"\xff\xfe" and data.count("\ufeff".encode("utf-16-le")) == 1
        text, sep = data[2:].decode("utf-16-le").replace("\r\n", "\n"), "\t"
    else:
        text, sep = data.decode("utf-8-sig"), ","
    if fmt == "moz":
        text = text.split("\n\n", 1)[1]
    rows = _rows(text, sep)
    assert len(rows) == 2_501 and all(len(r) == len(rows[0]) for r in rows)
    assert (
        len(
            {
                re.sub(
                    r"^(https?://)?([^/]+)/.*$",
                    r"\2",
                    r[
                        0
                        if fmt in ("moz", "gsc")
                        else rows[0].index(
                            next(h for h in rows[0] if h.lower() in ("referring page url", "source url"))
                        )
                    ],
                )
                for r in rows[1:]
            }
        )
        == 300
    )
    again = generate_backlink_rows_file(tmp_path / "again.csv", fmt, rows=2_500, distinct_hosts=300, seed=5)
    assert again.read_bytes() == data


def test_big_file_rejects_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        generate_backlink_rows_file(tmp_path / "x.csv", "excel", rows=10, distinct_hosts=2, seed=1)
