"""The five backlink export formats, each on bytes written the way the vendor writes them
(real headers, encodings and quirks), parsed through the registry as the inbox would.

Formats and quirks: docs/export-formats.md."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dagster_project.formats.base import UnrecognisedExport
from dagster_project.formats.registry import parse_export
from dagster_project.schema import BACKLINK, DERIVED_HOST_COLUMNS

DERIVED = {col for triple in DERIVED_HOST_COLUMNS["backlinks"] for col in triple[1:]}


def _parse(data: bytes, name: str = "export.csv"):
    parsed = parse_export(data, name)
    assert parsed.kind == "backlinks"
    rows = parsed.rows_with_raw()
    assert {"row_number", "raw"} <= set(rows.columns)
    assert not DERIVED & set(rows.columns), "host/domain columns are the landing step's job"
    for column in set(rows.columns) - {"row_number", "raw"}:
        assert rows.schema[column] == BACKLINK[column], column
    return parsed


def _row(parsed, n: int = 0) -> dict:
    return parsed.rows_with_raw().row(n, named=True)


# --- Ahrefs ---------------------------------------------------------------------------------

AHREFS_HEADER = [
    "Referring page title",
    "Referring page URL",
    "Language",
    "Platform",
    "Referring page HTTP code",
    "Domain rating",
    "UR",
    "Domain traffic",
    "Referring domains",
    "Linked domains",
    "External links",
    "Page traffic",
    "Keywords",
    "Target URL",
    "Left context",
    "Anchor",
    "Right context",
    "Redirect Chain URLs",
    "Redirect Chain status codes",
    "Type",
    "Is spam",
    "Content",
    "Nofollow",
    "UGC",
    "Sponsored",
    "Rendered",
    "Raw",
    "Lost status",
    "Drop reason",
    "Discovered status",
    "First seen",
    "Last seen",
    "Lost",
    "Author",
    "Page type",
    "Page category",
    "Links in group",
]


def _ahrefs_row(**values: str) -> list[str]:
    defaults = {
        "Referring page title": "Best chef knives, tested",
        "Referring page URL": "https://blog.example.com/knives?a=1,2",
        "Language": "en",
        "Domain rating": "54",
        "UR": "12,5",  # decimal comma happens in UR
        "External links": "1,240",
        "Target URL": "https://knifecraft.co.uk/",
        "Anchor": "chef knife",
        "Type": "text",
        "Is spam": "false",
        "Content": "true",
        "Nofollow": "false",
        "UGC": "false",
        "Sponsored": "false",
        "Raw": "true",
        "First seen": "2023-08-10 15:51:35",
        "Last seen": "2026-10-01T10:00:00Z",
    }
    defaults.update(values)
    return [defaults.get(h, "") for h in AHREFS_HEADER]


def _ahrefs_utf16(rows: list[list[str]]) -> bytes:
    """The "for Excel" export: UTF-16LE with BOM, tab-delimited, every field quoted, CRLF."""

    def line(fields):
        return "\t".join('"' + f.replace('"', '""') + '"' for f in fields) + "\r\n"

    return ("\ufeff" + line(AHREFS_HEADER) + "".join(line(r) for r in rows)).encode("utf-16-le")


def test_ahrefs_utf16_tsv_maps_every_column():
    parsed = _parse(_ahrefs_utf16([_ahrefs_row()]))
    assert (parsed.format_name, parsed.source_tool) == ("ahrefs_backlinks", "ahrefs")
    assert _row(parsed) == {
        "row_number": 1,
        "source_url": "https://blog.example.com/knives?a=1,2",
        "target_url": "https://knifecraft.co.uk/",
        "anchor": "chef knife",
        "page_title": "Best chef knives, tested",
        "rel": "follow",
        "is_image": False,
        "is_content": True,
        "is_redirect": False,
        "external_links": 1240,
        "language": "en",
        "vendor_first_seen": dt.date(2023, 8, 10),
        "vendor_last_seen": dt.date(2026, 10, 1),
        "vendor_is_lost": False,
        "vendor_lost_at": None,
        "domain_rating": 54.0,
        "url_rating": 12.5,
        "is_spam": False,
        "vendor_lost_reason": None,
        "raw": parsed.rows_with_raw()["raw"][0],
    }
    assert parsed.snapshot_hint == dt.date(2026, 10, 1)


def test_ahrefs_utf8_bom_csv_variant():
    header = ",".join(AHREFS_HEADER)
    row = ",".join('"' + v.replace('"', '""') + '"' for v in _ahrefs_row(Anchor='say "hi", chef'))
    parsed = _parse(("\ufeff" + header + "\n" + row + "\n").encode())
    assert parsed.format_name == "ahrefs_backlinks"
    assert _row(parsed)["anchor"] == 'say "hi", chef'


@pytest.mark.parametrize(
    ("flags", "rel"),
    [
        ({"Sponsored": "true", "UGC": "true", "Nofollow": "true"}, "sponsored"),
        ({"UGC": "true", "Nofollow": "true"}, "ugc"),
        ({"Nofollow": "true"}, "nofollow"),
        ({}, "follow"),
    ],
)
def test_ahrefs_rel_strongest_hint_wins(flags, rel):
    assert _row(_parse(_ahrefs_utf16([_ahrefs_row(**flags)])))["rel"] == rel


def test_ahrefs_lost_column_holds_the_lost_datetime():
    parsed = _parse(_ahrefs_utf16([_ahrefs_row(Lost="2026-09-20 08:00:00"), _ahrefs_row(**{"Lost status": "removed"})]))
    assert parsed.rows.select("vendor_is_lost", "vendor_lost_at").rows() == [
        (True, dt.date(2026, 9, 20)),
        (True, None),
    ]


def test_ahrefs_type_image_and_redirect():
    parsed = _parse(_ahrefs_utf16([_ahrefs_row(Type="image"), _ahrefs_row(Type="redirect")]))
    assert parsed.rows.select("is_image", "is_redirect").rows() == [(True, False), (False, True)]


def test_ahrefs_every_row_twice_keeps_both():  # duplicate rows: dedup belongs to the models
    parsed = _parse(_ahrefs_utf16([_ahrefs_row(), _ahrefs_row()]))
    assert parsed.rows["row_number"].to_list() == [1, 2]


def test_ahrefs_tolerates_missing_optional_and_unknown_extra_columns():
    data = "Referring page URL,Target URL,Brand new column,Anchor\nhttps://a.example/,https://knifecraft.co.uk/,x,hi\n"
    row = _row(_parse(data.encode()))
    assert (row["source_url"], row["anchor"], row["rel"], row["domain_rating"]) == (
        "https://a.example/",
        "hi",
        None,
        None,
    )


# --- Semrush --------------------------------------------------------------------------------

SEMRUSH_HEADER = (
    "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,Nofollow,Sponsored,Ugc,"
    "Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,Lost link"
)


def test_semrush_backlink_analytics_current_header():
    data = (
        SEMRUSH_HEADER + "\n"
        '41,"Knives, reviewed",https://blog.example.com/a,https://knifecraft.co.uk/,chef knife,"1,240",3,'
        "false,true,false,true,false,false,false,true,2024-01-15 10:11:12,2026-09-30 00:00:00,false,true\n"
    )
    parsed = _parse(data.encode(), "knifecraft.co.uk-backlinks.csv")
    assert parsed.format_name == "semrush_backlinks"
    row = _row(parsed)
    assert (row["ascore"], row["rel"], row["is_sitewide"], row["is_image"]) == (41.0, "sponsored", True, False)
    assert (row["external_links"], row["vendor_is_lost"], row["page_title"]) == (1240, True, "Knives, reviewed")
    assert (row["vendor_first_seen"], row["vendor_last_seen"]) == (dt.date(2024, 1, 15), dt.date(2026, 9, 30))
    assert parsed.snapshot_hint == dt.date(2026, 9, 30)


def test_semrush_legacy_15_columns():
    data = (
        "Page score,Page trust score,Source title,Source url,Target url,Anchor,External links,Internal links,"
        "Nofollow,Frame,Form,Image,Sitewide,First seen,Last seen\n"
        "12,8,Title,https://a.example/p,https://knifecraft.co.uk/,knives,5,1,true,false,false,true,false,"
        "2020-01-02,2020-05-06\n"
    )
    row = _row(_parse(data.encode()))
    assert (row["ascore"], row["rel"], row["is_image"], row["vendor_is_lost"]) == (12.0, "nofollow", True, None)


def test_semrush_audit_excel_booleans_and_trailing_empty_row():
    data = (
        "Source title,Source url,Target url,Anchor,Toxicity Score,Toxic markers,First seen,Last seen,Nofollow\r\n"
        "Spammy,http://spam.example/x,https://knifecraft.co.uk/,cheap knives,87,Link network,2025-01-01,2026-09-01,TRUE\r\n"
        "Fine,https://ok.example/y,https://knifecraft.co.uk/,,3,,2025-02-01,2026-09-02,FALSE\r\n"
        ",,,,,,,,\r\n"
    )
    parsed = _parse(data.encode())
    assert parsed.format_name == "semrush_backlink_audit"
    assert parsed.rows.select("vendor_toxicity", "rel", "anchor").rows() == [
        (87.0, "nofollow", "cheap knives"),
        (3.0, "follow", None),
    ]
    assert parsed.rejected.select("row_number", "reason").rows() == [(3, "empty row")]


# --- Majestic -------------------------------------------------------------------------------

MAJESTIC_HEADER = (
    "Target URL,Source URL,Anchor Text,Source Crawl Date,Source First Found Date,FlagNoFollow,FlagImageLink,"
    "FlagRedirect,FlagFrame,FlagOldCrawl,FlagAltText,FlagMention,SourceCitationFlow,SourceTrustFlow,"
    "TargetCitationFlow,TargetTrustFlow,SourceTopicalTrustFlow_Topic_0,SourceTopicalTrustFlow_Value_0,"
    "RefDomainTopicalTrustFlow_Topic_0,RefDomainTopicalTrustFlow_Value_0"
)


def test_majestic_bulk_flags_metrics_and_topic():
    data = (
        MAJESTIC_HEADER + "\n"
        "https://knifecraft.co.uk/,https://food.example/r,recipe,2026-09-20,2021-03-04,1,,,,,,,30,25,20,15,"
        "Recreation/Food,22,Shopping,10\n"
        "https://knifecraft.co.uk/,https://img.example/g,,2026-09-21,2022-01-01,,+,yes,,,,,10,5,20,15,"
        "Computers/Internet/Web Design,4,,\n"
    )
    parsed = _parse(data.encode())
    assert parsed.format_name == "majestic_backlinks"
    assert parsed.rows.select(
        "rel", "is_image", "is_redirect", "trust_flow", "citation_flow", "vendor_topic"
    ).rows() == [
        ("nofollow", False, False, 25.0, 30.0, "Recreation/Food"),
        ("follow", True, True, 5.0, 10.0, "Computers/Internet/Web Design"),
    ]
    assert _row(parsed)["vendor_first_seen"] == dt.date(2021, 3, 4)
    assert parsed.snapshot_hint == dt.date(2026, 9, 21)


def test_majestic_invalid_rows_quarantined_and_odd_urls_kept():  # invalid rows, URLs with spaces or @
    data = (
        MAJESTIC_HEADER + "\n"
        "https://knifecraft.co.uk/,http://user@odd.example/a b,x,2026-09-20,2021-03-04,,,,,,,,1,1,1,1,,,,\n"
        "https://knifecraft.co.uk/,http://broken.example/,x,2026-09-20\n"
    )
    parsed = _parse(data.encode())
    assert parsed.rows["source_url"].to_list() == ["http://user@odd.example/a b"]
    assert parsed.rejected.select("row_number", "reason").rows() == [(2, "row has 4 fields, header has 20")]


def test_majestic_site_explorer_spaced_header_with_bom():
    data = (
        "\ufeffSource URL,Anchor Text,Source Trust Flow,Source Citation Flow,Domain Trust Flow,Domain Citation Flow,"
        "Link First Indexed Date,Target URL\n"
        "https://a.example/p,knives,31,40,50,60,2024-05-06,https://knifecraft.co.uk/\n"
    )
    row = _row(_parse(data.encode()))
    assert (row["trust_flow"], row["citation_flow"], row["vendor_first_seen"]) == (31.0, 40.0, dt.date(2024, 5, 6))


# --- Moz ------------------------------------------------------------------------------------

MOZ_PREAMBLE = (
    "Mozscape Index Updated: 2026-09-15\r\n"
    "Export Date: 2026-09-28\r\n"
    "Target: knifecraft.co.uk\r\n"
    "Filters: All links, external, all pages\r\n"
    "Links shown: 3\r\n"
    "\r\n"
)


def test_moz_current_header_after_preamble():  # preamble before the header
    data = (
        MOZ_PREAMBLE
        + "URL,Title,Anchor Text,Spam Score,Page Authority,Domain Authority,Number of Domains Linking to this Page,"
        "Number of Domains Linking to Domain,Origin,Target URL,Link Equity,No Link Equity,Only rel=nofollow,"
        "Only follow,301\r\n"
        "blog.example.com/knives,Knives,chef knife,3%,31,45,2,300,external,knifecraft.co.uk/,Yes,No,No,Yes,No\r\n"
        "blog.example.com/knives,Knives,chef knife,3%,31,45,2,300,external,knifecraft.co.uk/,Yes,No,No,Yes,No\r\n"
        "forum.example.org/t/1,Thread,knifecraft,1%,12,20,1,50,external,knifecraft.co.uk/,No,Yes,Yes,No,Yes\r\n"
    )
    parsed = _parse(data.encode())
    assert parsed.format_name == "moz_inbound_links"
    assert parsed.rows.select(
        "source_url", "rel", "is_redirect", "spam_score", "page_authority", "domain_authority"
    ).rows() == [
        ("blog.example.com/knives", "follow", False, 3.0, 31.0, 45.0),
        ("blog.example.com/knives", "follow", False, 3.0, 31.0, 45.0),  # consecutive duplicate kept
        ("forum.example.org/t/1", "nofollow", True, 1.0, 12.0, 20.0),
    ]
    assert "header found on line 7" in parsed.notes


def test_moz_older_header_followable():
    data = (
        "URL,Title,Anchor Text,Page Authority,Domain Authority,Number of Links,Number of Domains Linking to Domain,"
        "Followable,301,Origin,Target URL\n"
        "www.a.example/p,T,a,20,30,1,10,No,No,external,https://knifecraft.co.uk/\n"
        "www.b.example/q,T,b,20,30,1,10,Yes,No,external,https://knifecraft.co.uk/\n"
    )
    assert _parse(data.encode()).rows["rel"].to_list() == ["nofollow", "follow"]


# --- Google Search Console ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "date", "expected"),
    [
        ("Linking page,Last crawled", "Sep 15, 2026", dt.date(2026, 9, 15)),
        ("Página de enlace,Último rastreo", "28/09/2026", dt.date(2026, 9, 28)),
        ("Verlinkende Seite,Zuletzt gecrawlt", "28.09.2026", dt.date(2026, 9, 28)),
        ("Page qui contient le lien,Dernière exploration", "28 Sep 2026", dt.date(2026, 9, 28)),
        ("Linkende pagina,Laatst gecrawld", "2026-09-28", dt.date(2026, 9, 28)),
        ("דף מקשר,נסרק לאחרונה", "2026-09-28", dt.date(2026, 9, 28)),
    ],
)
def test_gsc_latest_links_localised(header, date, expected):
    data = f'{header}\nhttps://a.example/p,"{date}"\nhttps://b.example/q,2026-09-01\n'.encode()
    parsed = _parse(data)
    assert parsed.format_name == "gsc_links" and parsed.source_tool == "gsc"
    assert _row(parsed)["source_url"] == "https://a.example/p"
    assert _row(parsed)["vendor_last_seen"] == expected
    assert _row(parsed).get("target_url") is None  # GSC files have no target column
    assert parsed.snapshot_hint == max(expected, dt.date(2026, 9, 1))


def test_gsc_more_sample_links_single_column():
    parsed = _parse(b"Linking page\r\nhttps://a.example/p\r\nhttps://b.example/q\r\n")
    assert parsed.rows["source_url"].to_list() == ["https://a.example/p", "https://b.example/q"]
    assert parsed.snapshot_hint is None


def test_gsc_unlisted_language_recognised_by_content():
    data = "Bağlantı veren sayfa,Son tarama\nhttps://a.example/p,2026-09-28\nhttps://b.example/q,2026-09-27\n"
    parsed = _parse(data.encode())
    assert parsed.format_name == "gsc_links"
    assert parsed.rows.select("source_url", "vendor_last_seen").rows()[0] == (
        "https://a.example/p",
        dt.date(2026, 9, 28),
    )


def test_gsc_fallback_does_not_claim_other_two_column_tables():
    with pytest.raises(UnrecognisedExport, match="matches no known format"):
        parse_export(b"Keyword,Volume\nchef knife,1200\nsantoku,800\n", "x.csv")


def test_disavow_file_is_not_taken_for_gsc_links():
    with pytest.raises(UnrecognisedExport):
        parse_export(b"# disavow for knifecraft\nhttps://spam.example/a\ndomain:spam.example\n", "disavow.txt")


# --- registry -------------------------------------------------------------------------------


def test_unknown_export_names_its_header():
    with pytest.raises(UnrecognisedExport, match="header 'Foo, Bar, Baz' matches no known format"):
        parse_export(b"Foo,Bar,Baz\n1,2,3\n", "mystery.csv")


def test_format_is_recognised_by_content_not_name():
    data = b"Linking page,Last crawled\nhttps://a.example/p,2026-09-28\n"
    assert parse_export(data, "ahrefs-backlinks-subdomains_2026-09-28_10-00-00.csv").format_name == "gsc_links"


def test_rows_have_schema_types_even_when_every_optional_column_is_missing():
    parsed = _parse(b"Source url,Target url,Page ascore\nhttps://a.example/,https://knifecraft.co.uk/,x\n")
    assert _row(parsed)["ascore"] is None
    assert isinstance(parsed.rows, pl.DataFrame)


def test_moz_page_with_followed_and_unfollowed_links_counts_as_follow():
    data = (
        "URL,Title,Anchor Text,Spam Score,Page Authority,Domain Authority,Target URL,Link Equity,No Link Equity,"
        "Only rel=nofollow,Only follow,301\n"
        "a.example/p,T,x,1,10,20,knifecraft.co.uk/,Yes,Yes,No,No,No\n"
    )
    assert _parse(data.encode()).rows["rel"].to_list() == ["follow"]
