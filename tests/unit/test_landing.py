"""Landing one file: snapshot dates, site folders, reconciliation, rejection — on real-format bytes."""

import datetime as dt

import polars as pl
import pytest

from dagster_project import schema
from dagster_project.config import Config
from dagster_project.landing import land_bytes, site_from_folder
from dagster_project.planning import date_from_name

CONFIG = Config.model_validate(
    {"site": {"domain": "knifecraft.co.uk", "brand": ["KnifeCraft"]}, "competitors": ["bladeworks.com", "chefsedge.de"]}
)

SEMRUSH = (
    "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,Nofollow,Sponsored,Ugc,"
    "Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,Lost link\n"
    "41,Best knives,https://www.Blog.example.com:443/best?utm_source=x#top,https://knifecraft.co.uk/,KnifeCraft,12,40,false,false,false,true,false,false,false,false,2026-01-05,2026-09-30,false,false\n"
    "12,Bad,javascript:alert(1),https://knifecraft.co.uk/,x,1,1,false,false,false,true,false,false,false,false,2026-01-05,2026-09-30,false,false\n"
    "30,Other,https://other.example.org/p,https://knifecraft.co.uk/shop,blades,5,5,true,false,false,true,false,false,false,false,2025-03-01,2026-09-29,false,false\n"
    ",,,,,,,,,,,,,,,,,,\n"
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("ahrefs/knifecraft.co.uk-backlinks-subdomains_2026-10-01_10-03-17.csv", dt.date(2026, 10, 1)),
        ("semrush/knifecraft.co.uk-organic.Positions-uk-20260801-2026-08-02T07_41_09Z.csv", dt.date(2026, 8, 1)),
        ("x-brokenbacklinks-subdomains-live-25-Apr-2020_17-27-56-abc.csv", dt.date(2020, 4, 25)),
        ("semrush/2026-09-01/knifecraft.co.uk-backlinks.csv", dt.date(2026, 9, 1)),  # the folder's date
        ("semrush/knifecraft.co.uk-backlinks.csv", None),
        ("exports/2026-13-45-report.csv", None),  # not a date: no guess
    ],
)
def test_snapshot_date_from_name(path, expected):
    assert date_from_name(path) == expected


def test_site_from_folder_named_after_a_configured_domain():
    assert site_from_folder("bladeworks.com/gsc/latest.csv", CONFIG) == "bladeworks.com"
    assert site_from_folder("gsc/latest.csv", CONFIG) == "knifecraft.co.uk"  # default: the site


def test_land_semrush_reconciles_and_quarantines_bad_rows():
    landed = land_bytes("semrush/2026-10-01/knifecraft.co.uk-backlinks.csv", SEMRUSH.encode(), CONFIG)
    audit = landed.audit
    assert audit["status"] == "loaded"
    assert audit["detected_format"] == "semrush_backlinks"
    assert audit["snapshot_date"] == dt.date(2026, 10, 1)
    assert audit["snapshot_date_source"] == "folder"  # the date is the folder's
    assert audit["site_domain"] == "knifecraft.co.uk"
    assert (audit["rows_read"], audit["rows_loaded"], audit["rows_quarantined"]) == (4, 2, 2)
    reasons = dict(zip(landed.quarantine["row_number"], landed.quarantine["reason"], strict=True))
    assert "javascript" in reasons[2]
    assert 4 in reasons  # the trailing all-empty row is counted, not silently dropped
    assert landed.quarantine["raw"][0] is not None
    rows = landed.rows
    assert rows.columns == list(schema.full_schema("backlinks"))
    first = rows.filter(pl.col("row_number") == 1).row(0, named=True)
    assert first["source_url"] == "https://www.blog.example.com/best"
    assert first["source_host"] == "www.blog.example.com"
    assert first["source_domain"] == "example.com"
    assert first["target_domain"] == "knifecraft.co.uk"
    assert first["rel"] == "follow"
    assert first["source_tool"] == "semrush"
    assert rows.filter(pl.col("row_number") == 3)["rel"][0] == "nofollow"


def test_repeated_target_urls_are_canonicalised_like_single_ones():
    header, *_ = SEMRUSH.split("\n")
    targets = ["https://KnifeCraft.co.uk/shop?utm_source=x", "https://knifecraft.co.uk/", "javascript:void(0)"]
    lines = [
        f"30,T,https://blog{i}.example.org/p,{targets[i % 3]},a,1,1,false,false,false,true,false,false,false,false,"
        "2025-03-01,2026-09-29,false,false"
        for i in range(600)  # enough rows for the targets to be canonicalised once per distinct URL
    ]
    landed = land_bytes("semrush/2026-10-01/x-backlinks.csv", "\n".join([header, *lines, ""]).encode(), CONFIG)
    canonical = ["https://knifecraft.co.uk/", "https://knifecraft.co.uk/shop"]
    assert landed.rows["target_url"].unique().sort().to_list() == canonical
    assert landed.rows["target_host"].unique().to_list() == ["knifecraft.co.uk"]
    assert landed.quarantine.height == 200
    assert landed.quarantine["reason"][0] == "target_url: javascript URL: 'javascript:void(0)'"
    assert landed.quarantine["raw"][0] == lines[2]


def test_quarantined_rows_keep_their_original_line():
    lines = SEMRUSH.replace("\n", "\r\n").split("\r\n")
    data = SEMRUSH.replace("\n", "\r\n").encode()
    landed = land_bytes("semrush/2026-10-01/knifecraft.co.uk-backlinks.csv", data, CONFIG)
    raw = dict(zip(landed.quarantine["row_number"], landed.quarantine["raw"], strict=True))
    assert raw == {2: lines[2], 4: lines[4]}  # the line as written, without its line break


def test_quarantined_row_of_a_file_with_multi_line_cells_gets_its_fields_rejoined():
    header, good, bad, _ = SEMRUSH.split("\n", 3)
    multi_line = good.replace("Best knives", '"Best\nknives"')
    data = f"{header}\n{multi_line}\n{bad}\n".encode()
    landed = land_bytes("semrush/2026-10-01/knifecraft.co.uk-backlinks.csv", data, CONFIG)
    assert landed.quarantine.select("row_number", "raw").rows() == [(2, bad)]
    assert landed.rows["page_title"].to_list() == ["Best\nknives"]


def test_unknown_format_is_rejected_with_the_header_named():
    landed = land_bytes("inbox/notes.csv", b"name,colour\nknife,red\n", CONFIG)
    assert landed.audit["status"] == "rejected"
    assert "name" in landed.audit["error"] and "colour" in landed.audit["error"]
    assert landed.audit["rows_read"] == landed.audit["rows_loaded"] + landed.audit["rows_quarantined"]


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\x00\x01\x02\xff" * 100])
def test_empty_and_binary_files_are_rejected_not_raised(data):
    landed = land_bytes("x/file.csv", data, CONFIG)
    assert landed.audit["status"] == "rejected"
    assert landed.audit["error"]


def test_file_with_only_bad_rows_is_rejected_but_rows_are_quarantined():
    header = SEMRUSH.splitlines()[0]
    bad = "\n".join([header, SEMRUSH.splitlines()[2]]) + "\n"
    landed = land_bytes("s/knifecraft.co.uk-backlinks.csv", bad.encode(), CONFIG)
    assert landed.audit["status"] == "rejected"
    assert landed.audit["rows_quarantined"] == 1
    assert "no usable rows" in landed.audit["error"]


def test_gsc_rows_belong_to_the_folder_site():
    data = 'Linking page,Last crawled\nhttps://forum.example.net/t/1,2026-09-28\nhttps://knives.example.org/a,"Sep 15, 2026"\n'
    landed = land_bytes("bladeworks.com/gsc-latest-links.csv", data.encode(), CONFIG)
    assert landed.audit["status"] == "loaded"
    assert set(landed.rows["site_hint"]) == {"bladeworks.com"}
    assert landed.rows["target_url"].null_count() == landed.rows.height
    # no date in the name: the contents (latest crawl) give the snapshot
    assert landed.audit["snapshot_date"] == dt.date(2026, 9, 28)
    assert landed.audit["snapshot_date_source"] == "contents"


def test_truncated_file_keeps_complete_rows_and_quarantines_the_cut_one():
    cut = SEMRUSH.splitlines()[0] + "\n" + SEMRUSH.splitlines()[1] + "\n" + SEMRUSH.splitlines()[3][:40]
    landed = land_bytes("s/knifecraft.co.uk-backlinks.csv", cut.encode(), CONFIG)
    assert landed.audit["status"] == "loaded"
    assert (landed.audit["rows_loaded"], landed.audit["rows_quarantined"]) == (1, 1)
    assert "fields" in landed.quarantine["reason"][0]


def test_undecodable_bytes_quarantine_only_their_row():
    # a UTF-8 file (real multi-byte text in a good row) with two stray bytes in one row: not a
    # legacy code page, so only the damaged row goes
    lines = SEMRUSH.replace("Best knives", "Beste Küchenmesser").encode().splitlines(keepends=True)
    broken = lines[0] + lines[1] + lines[3].replace(b"Other", b"Oth\xff\xfeer")
    landed = land_bytes("s/knifecraft.co.uk-backlinks.csv", broken, CONFIG)
    assert landed.audit["status"] == "loaded"
    assert landed.audit["rows_loaded"] == 1
    assert landed.quarantine["reason"].to_list() == ["undecodable bytes"]


def test_garbage_urls_are_quarantined_with_reasons():
    header = SEMRUSH.splitlines()[0]
    row = SEMRUSH.splitlines()[1]
    garbage = [
        row.replace("https://www.Blog.example.com:443/best?utm_source=x#top", bad)
        for bad in ("http://", "mailto:someone@example.com", "ht!tp://exa mple", "https://./x")
    ]
    landed = land_bytes("s/knifecraft.co.uk-backlinks.csv", "\n".join([header, row, *garbage]).encode(), CONFIG)
    assert landed.audit["rows_loaded"] == 1
    assert landed.audit["rows_quarantined"] == 4
    assert all(r.startswith("source_url: ") for r in landed.quarantine["reason"])


def test_ranking_rows_must_say_what_ranked():
    data = "Top queries,Clicks,Impressions,CTR,Position\nchef knife,12,340,3.5%,8.2\n,1,10,10%,4\n"
    landed = land_bytes("knifecraft.co.uk/Queries-2026-10-01.csv", data.encode(), CONFIG)
    assert landed.audit["rows_loaded"] == 1
    assert landed.quarantine["reason"].to_list() == ["no keyword, url, ranking_date"]
    assert landed.rows["ctr"][0] == pytest.approx(0.035)
