"""Referring-domains exports, the pure parts: Ahrefs (UTF-16LE TSV "for Excel", UTF-8 CSV) and
Semrush (UTF-8 CSV) recognised by their header and landed as raw.referring_domains rows — hosts
normalised to registrable domains, IPs canonicalised, vendor numbers typed — and a bad IP or
number quarantined with a reason naming the column and the value, rows read = loaded +
quarantined. The sample's files are the generator's (samplegen.writers)."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.config import load_config
from dagster_project.formats.referring_domains import canonical_ip
from dagster_project.formats.registry import parse_export
from dagster_project.landing import land_bytes
from dagster_project.samplegen.writers import AHREFS_REFDOMAINS_HEADER, SEMRUSH_REFDOMAINS_HEADER
from tests.conftest import SAMPLE_CONFIG, SAMPLE_INBOX

AHREFS_NAME = "ahrefs/knifecraft.co.uk-refdomains-subdomains_2026-10-01_10-03-17.csv"
SEMRUSH_NAME = "semrush/2026-10-01/knifecraft.co.uk-backlinks_refdomains.csv"


@pytest.fixture(scope="module")
def config():
    return load_config(SAMPLE_CONFIG)


def _ahrefs(*rows: list[str], utf16: bool = True) -> bytes:
    """Ahrefs' bytes: UTF-16LE + BOM, tab, every field quoted, CRLF; or the UTF-8-BOM comma CSV."""
    sep, eol = ("\t", "\r\n") if utf16 else (",", "\n")
    text = eol.join(sep.join(f'"{c}"' for c in row) for row in [list(AHREFS_REFDOMAINS_HEADER), *rows]) + eol
    return ("\ufeff" + text).encode("utf-16-le" if utf16 else "utf-8")


def _semrush(*rows: list[str]) -> bytes:
    return ("\n".join(",".join(row) for row in [list(SEMRUSH_REFDOMAINS_HEADER), *rows]) + "\n").encode("utf-8")


AHREFS_ROW = [
    "1",
    "www.Knife-Blog.co.uk",
    "false",
    "54",
    "1,240",
    "88",
    "12.5K",
    "300",
    "3",
    "0",
    "1",
    "2",
    "2025-04-02 10:00:00",
    "",
]


@pytest.mark.parametrize("utf16", [True, False], ids=["utf16-tsv", "utf8-csv"])
def test_ahrefs_refdomains_in_both_encodings(config, utf16):
    lost = [*AHREFS_ROW[:1], "bücher.de", "true", *AHREFS_ROW[3:13], "2026-09-24 23:46:46"]
    landed = land_bytes(AHREFS_NAME, _ahrefs(AHREFS_ROW, lost, utf16=utf16), config)
    assert landed.audit["detected_format"] == "ahrefs_referring_domains"
    assert (landed.kind, landed.audit["source_tool"]) == ("referring_domains", "ahrefs")
    assert (landed.audit["rows_read"], landed.audit["rows_loaded"], landed.audit["rows_quarantined"]) == (2, 2, 0)
    assert landed.audit["snapshot_date"] == dt.date(2026, 10, 1)  # from the name: Ahrefs has no Last seen
    first, second = landed.rows.to_dicts()
    assert first["site_hint"] == "knifecraft.co.uk"  # no target column: the file's site
    assert (first["referring_domain"], first["source_host"], first["source_domain"]) == (
        "www.Knife-Blog.co.uk",
        "www.knife-blog.co.uk",
        "knife-blog.co.uk",
    )
    assert (first["domain_rating"], first["domain_traffic"], first["links_to_target"]) == (54.0, 12500.0, 3)
    assert (first["dofollow_links"], first["new_links"], first["lost_links"]) == (2, 0, 1)
    assert (first["is_spam"], first["source_ip"], first["vendor_first_seen"]) == (False, None, dt.date(2025, 4, 2))
    assert first["vendor_lost_at"] is None
    assert (second["source_domain"], second["is_spam"], second["vendor_lost_at"]) == (
        "xn--bcher-kva.de",
        True,
        dt.date(2026, 9, 24),
    )


def test_semrush_refdomains_with_ips(config):
    data = _semrush(
        ["40", "blog.example.com", "3", "185.212.47.9", "United Kingdom", "2025-01-01", "2026-09-30"],
        ["20", "v6.example.net", "1", "2001:DB8:0::1", "", "2025-01-01", "2026-09-28"],
        ["10", "noip.org", "1", "", "Germany", "2025-01-01", "2026-09-28"],
    )
    landed = land_bytes("semrush/knifecraft.co.uk-backlinks_refdomains.csv", data, config)
    assert landed.audit["detected_format"] == "semrush_referring_domains"
    assert landed.audit["snapshot_date"] == dt.date(2026, 9, 30)  # no date in the name: the latest Last seen
    rows = landed.rows.select("source_domain", "source_ip", "ascore", "links_to_target", "country").rows()
    assert rows == [
        ("example.com", "185.212.47.9", 40.0, 3, "United Kingdom"),
        ("example.net", "2001:db8::1", 20.0, 1, None),
        ("noip.org", None, 10.0, 1, "Germany"),
    ]


def test_a_bad_ip_or_number_is_quarantined_naming_column_value_and_row(config):
    data = _semrush(
        ["40", "good.org", "3", "185.212.47.9", "France", "2025-01-01", "2026-09-30"],
        ["30", "badip.org", "2", "999.1.2.3", "France", "2025-01-01", "2026-09-30"],
        ["high", "badscore.org", "2", "185.212.47.10", "France", "2025-01-01", "2026-09-30"],
        ["30", "badcount.org", "many", "185.212.47.11", "France", "2025-01-01", "2026-09-30"],
        ["130", "outofrange.org", "1", "185.212.47.12", "France", "2025-01-01", "2026-09-30"],
        ["30", "co.uk", "1", "185.212.47.13", "France", "2025-01-01", "2026-09-30"],
        ["30", "-", "1", "185.212.47.14", "France", "2025-01-01", "2026-09-30"],
        ["30", "bad host.org", "1", "185.212.47.15", "France", "2025-01-01", "2026-09-30"],
    )
    landed = land_bytes(SEMRUSH_NAME, data, config)
    audit = landed.audit
    assert (audit["rows_read"], audit["rows_loaded"], audit["rows_quarantined"]) == (8, 1, 7)
    assert audit["rows_read"] == audit["rows_loaded"] + audit["rows_quarantined"]
    reasons = dict(landed.quarantine.select("row_number", "reason").rows())
    assert reasons == {
        2: "source_ip: not an IP address '999.1.2.3'",
        3: "ascore: not a number 'high'",
        4: "links_to_target: not a number 'many'",
        5: "ascore 130.0 outside 0–100",
        6: "source_domain has no registrable domain (its host is a public suffix): 'co.uk'",
        7: "referring_domain missing",
        8: "referring_domain: invalid host 'bad host.org'",
    }
    # each quarantined row keeps its original line
    raw = dict(landed.quarantine.select("row_number", "raw").rows())
    assert raw[2] == "30,badip.org,2,999.1.2.3,France,2025-01-01,2026-09-30"
    assert landed.rows["source_domain"].to_list() == ["good.org"]


def test_a_backlinks_export_is_never_taken_for_referring_domains():
    header = "Domain ascore,Domain,Source url,Target url,Anchor,Page ascore\n"
    row = "40,example.com,https://example.com/a,https://knifecraft.co.uk/,knives,30\n"
    assert parse_export((header + row).encode(), "x.csv").kind == "backlinks"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("185.212.47.9", "185.212.47.9"),
        (" 10.0.0.1 ", "10.0.0.1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("999.1.2.3", None),
        ("185.212.47", None),
        ("example.com", None),
        ("", None),
        (None, None),
    ],
)
def test_canonical_ip(text, expected):
    assert canonical_ip(text) == expected


def test_the_sample_refdomains_exports_land_whole_and_share_a_24(config):
    for name, fmt in ((AHREFS_NAME, "ahrefs_referring_domains"), (SEMRUSH_NAME, "semrush_referring_domains")):
        landed = land_bytes(name, (SAMPLE_INBOX / name).read_bytes(), config)
        assert (landed.audit["detected_format"], landed.audit["rows_quarantined"]) == (fmt, 0)
        assert landed.audit["rows_loaded"] > 100
    ips = landed.rows.get_column("source_ip")  # Semrush: every domain with its IP
    assert ips.null_count() == 0
    # the toxic cluster on one /24, far above sites.yml's subnet_min_domains
    assert ips.str.starts_with("185.212.47.").sum() >= config.thresholds.subnet_min_domains
