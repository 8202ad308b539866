"""Brand-mention formats on tiny inputs shaped exactly like the vendors' files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import polars as pl
import pytest

from dagster_project.formats.alerts import ALERTS
from dagster_project.formats.base import UnrecognisedExport
from dagster_project.formats.brand24 import BRAND24, BRAND24_CSV
from dagster_project.formats.mention_com import MENTION_COM
from dagster_project.formats.talkwalker import TALKWALKER
from dagster_project.formats.text import read_table
from dagster_project.schema import MENTION

ALLOWED = set(MENTION) | {"row_number", "raw"}
MENTION_TABLES = [TALKWALKER, MENTION_COM, BRAND24_CSV]


def _only_schema_columns(rows: pl.DataFrame) -> None:
    assert {"row_number", "raw"} <= set(rows.columns)
    assert set(rows.columns) <= ALLOWED, set(rows.columns) - ALLOWED
    for name, dtype in MENTION.items():
        if name in rows.columns:
            assert rows.schema[name] == dtype, name


# --- Brand24 xlsx ------------------------------------------------------------------------------

B24_HEADER = ["", "ID", "Date", "Hrs", "Title", "Content", "Source", "Domain", "Category", "Sentiment", "Tags"]


def _brand24_xlsx(tmp_path, rows, sheets_before=()) -> bytes:
    """Brand24's layout: sheet `Mentions`, row 1 empty, header on row 2 after an empty first column."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in sheets_before:
        wb.create_sheet(name).append(["Summary", "of", "the", "project"])
    ws = wb.create_sheet("Mentions")
    ws.append([None])
    ws.append([h or None for h in B24_HEADER])
    for row in rows:
        ws.append([None, *row])
    path = tmp_path / "brand24_mentions.xlsx"
    wb.save(path)
    return path.read_bytes()


@pytest.fixture
def brand24_bytes(tmp_path) -> bytes:
    return _brand24_xlsx(
        tmp_path,
        [
            [
                101,
                dt.date(2026, 9, 1),
                dt.time(14, 5),
                "KnifeCraft review",
                "Great knives",
                "https://blog.example.com/review",
                "blog.example.com",
                "Blogs",
                1,
                "reviews",
            ],
            [
                "102",
                "2026-09-02",
                "08:30",
                "Forum thread",
                "meh",
                "https://forum.example.org/t/1",
                "forum.example.org",
                "Forums",
                "negative",
                None,
            ],
            [103, dt.date(2026, 9, 3), dt.time(9, 0), "No link", "text", None, "x.com", "Twitter", 0, None],
            [None] * 10,
            [
                104,
                dt.date(2026, 9, 4),
                dt.time(23, 59, 30),
                "Video",
                "",
                "https://youtube.com/watch?v=1",
                "youtube.com",
                "Videos",
                "neutral",
                "",
            ],
        ],
    )


def test_brand24_sniffs_xlsx_with_mentions_sheet(brand24_bytes):
    assert BRAND24.sniff(brand24_bytes, "export.xlsx")
    assert not BRAND24.sniff(b"ID,Date,Hrs\n", "export.csv")


def test_brand24_source_is_the_mention_url_and_rows_keep_their_number(brand24_bytes):
    parsed = BRAND24.read(brand24_bytes, "export.xlsx")
    _only_schema_columns(parsed.rows_with_raw())
    assert parsed.rows["mention_url"].to_list() == [
        "https://blog.example.com/review",
        "https://forum.example.org/t/1",
        "https://youtube.com/watch?v=1",
    ]
    assert parsed.rows["row_number"].to_list() == [1, 2, 5]
    assert parsed.rows["raw"][0].startswith("101,2026-09-01")  # the row as the sheet holds it


def test_brand24_date_and_hours_cells_are_combined(brand24_bytes):
    published = BRAND24.read(brand24_bytes, "export.xlsx").rows["published_at"].to_list()
    assert published == [
        dt.datetime(2026, 9, 1, 14, 5),  # date cell + time cell (Excel day-zero datetime)
        dt.datetime(2026, 9, 2, 8, 30),  # text cells
        dt.datetime(2026, 9, 4, 23, 59, 30),
    ]


def test_brand24_sentiment_numbers_and_words_map_to_minus_one_to_one(brand24_bytes):
    rows = BRAND24.read(brand24_bytes, "export.xlsx").rows
    assert rows["sentiment"].to_list() == [1.0, -1.0, 0.0]
    assert rows["source_type"].to_list() == ["blog", "forum", "video"]


def test_brand24_rows_without_source_and_empty_rows_are_rejected_with_a_reason(brand24_bytes):
    parsed = BRAND24.read(brand24_bytes, "export.xlsx")
    assert parsed.rejected["row_number"].to_list() == [3, 4]
    assert parsed.rejected["reason"].to_list() == ["no mention URL (Source is empty)", "empty row"]
    assert parsed.rows_read == 5
    assert parsed.snapshot_hint == dt.date(2026, 9, 4)


def test_brand24_finds_the_mentions_sheet_behind_other_sheets(tmp_path):
    data = _brand24_xlsx(
        tmp_path,
        [[1, "2026-09-01", "10:00", "t", "c", "https://a.example/x", "a.example", "News", "positive", ""]],
        sheets_before=["Summary"],
    )
    parsed = BRAND24.read(data, "b.xlsx")
    assert parsed.rows["mention_url"].to_list() == ["https://a.example/x"]
    assert parsed.rows["source_type"].to_list() == ["news"]


def test_brand24_ignores_other_workbooks(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Top queries", "Clicks", "Impressions", "CTR", "Position"])
    path = tmp_path / "other.xlsx"
    wb.save(path)
    assert not BRAND24.sniff(path.read_bytes(), "other.xlsx")


def test_brand24_xlsx_zip_bomb_is_refused_before_inflating(tmp_path, brand24_bytes):
    src = zipfile.ZipFile(io.BytesIO(brand24_bytes))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
        out.writestr("xl/media/padding.bin", b"\0" * (8 * 1024 * 1024))  # ~1000:1
    data = buf.getvalue()
    assert BRAND24.sniff(data, "bomb.xlsx")  # claimed, so the user gets the real reason
    with pytest.raises(UnrecognisedExport, match="zip bomb"):
        BRAND24.read(data, "bomb.xlsx")


def test_brand24_saved_as_csv_uses_the_same_mapping():
    data = (
        b'"",ID,Date,Hrs,Title,Content,Source,Domain,Category,Sentiment,Tags\n'
        b",7,2026-09-05,7:15,T,C,https://n.example/a,n.example,News,-1,\n"
    )
    parsed = read_table(data, "mentions.csv", MENTION_TABLES)
    assert parsed.format_name == "brand24_mentions_csv"
    row = parsed.rows.row(0, named=True)
    assert (row["mention_url"], row["published_at"], row["sentiment"]) == (
        "https://n.example/a",
        dt.datetime(2026, 9, 5, 7, 15),
        -1.0,
    )


# --- Talkwalker --------------------------------------------------------------------------------

TALKWALKER_CSV = (
    "url,title,content,content_snippet,published,indexed,lang,sentiment,source_type,post_type,domain_url,"
    "root_url,engagement,reach,extra_source_attributes.world_data.country,extra_source_attributes.name\n"
    "https://news.example.com/a,KnifeCraft wins,Full text,…snippet…,1788220800000,1788224400000,EN,3,"
    'ONLINENEWS_NEWSPAPER,TEXT,news.example.com,https://news.example.com/,12,"25,000",United Kingdom,News\n'
    "https://blog.example.net/p,Review,,only snippet,2026-09-02T10:00:00Z,1788224400000,de,-5,BLOG_OTHER,TEXT,"
    "blog.example.net,https://blog.example.net/,0,300,Germany,Blog\n"
    ",tweet,,tweet text,1788220800000,1788224400000,en,0,SOCIALMEDIA_TWITTER,TEXT,,,5,100,France,X\n"
)


def test_talkwalker_claims_its_dotted_header_and_mention_com_does_not():
    parsed = read_table(TALKWALKER_CSV.encode(), "talkwalker.csv", [MENTION_COM, TALKWALKER])
    assert parsed.format_name == "talkwalker_mentions"


def test_talkwalker_published_epoch_ms_and_iso():
    rows = read_table(TALKWALKER_CSV.encode(), "talkwalker.csv", MENTION_TABLES).rows
    assert rows["published_at"].to_list()[:2] == [dt.datetime(2026, 9, 1, 0, 0), dt.datetime(2026, 9, 2, 10, 0)]


def test_talkwalker_values():
    rows = read_table(TALKWALKER_CSV.encode(), "talkwalker.csv", MENTION_TABLES).rows
    first, second = rows.row(0, named=True), rows.row(1, named=True)
    assert first["sentiment"] == pytest.approx(0.6) and second["sentiment"] == -1.0  # -5..5 scale
    assert (first["source_type"], second["source_type"]) == ("news", "blog")
    assert (first["language"], first["reach"]) == ("en", 25000.0)
    assert second["content"] == "only snippet"  # content empty -> the snippet


def test_talkwalker_row_without_url_is_kept_not_dropped():
    # A TableFormat has no reject channel (see the report); the row stays, with a null URL.
    parsed = read_table(TALKWALKER_CSV.encode(), "talkwalker.csv", MENTION_TABLES)
    _only_schema_columns(parsed.rows_with_raw())
    assert parsed.rows_read == 3
    assert parsed.rows["mention_url"].to_list()[2] is None
    assert parsed.snapshot_hint == dt.date(2026, 9, 2)


# --- Mention.com -------------------------------------------------------------------------------


def test_mention_com_accepts_aliases():
    data = (
        b"Title;Description;Link;Created at;Source type;Language;Influence;Country\n"
        b"Knife Craft on TV;We saw <the> knives;https://tv.example/k;2026-09-03 12:00:00;videos;FR;7,5;France\n"
    )
    parsed = read_table(data, "mention_export.csv", MENTION_TABLES)
    assert parsed.format_name == "mention_com_mentions"
    _only_schema_columns(parsed.rows_with_raw())
    row = parsed.rows.row(0, named=True)
    assert row["mention_url"] == "https://tv.example/k"
    assert row["content"] == "We saw <the> knives"
    assert row["published_at"] == dt.datetime(2026, 9, 3, 12)
    assert (row["source_type"], row["language"], row["reach"]) == ("video", "fr", 7.5)


# --- Google Alerts -----------------------------------------------------------------------------

ALERTS_FEED = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing"><id>tag:google.com,2005:reader/user/06807031914929345698/state/com.google/alerts/10604166159629661594</id><title>Google Alert - KnifeCraft</title><link href="https://www.google.com/alerts/feeds/06807031914929345698/10604166159629661594" rel="self"></link><updated>2026-09-28T10:15:03Z</updated><entry><id>tag:google.com,2013:googlealerts/feed:11137342478063578401</id><title type="html">Best &lt;b&gt;KnifeCraft&lt;/b&gt; chef knives &amp;amp; more</title><link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://blog.example.com/knives%3Fa%3D1&amp;ct=ga&amp;cd=CAIyGjE2YjM&amp;usg=AOvVaw0abc"></link><published>2026-09-28T09:00:00Z</published><updated>2026-09-28T09:00:00Z</updated><content type="html">A review of &lt;b&gt;KnifeCraft&lt;/b&gt;&amp;nbsp;knives &amp;lt;3 ...</content><author><name></name></author></entry><entry><id>tag:google.com,2013:googlealerts/feed:2</id><title type="html">Second</title><link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https%3A%2F%2Fnews.example.org%2Fa&amp;ct=ga"></link><published>2026-09-27T08:00:00Z</published><updated>2026-09-27T08:00:00Z</updated><content type="html"></content></entry><entry><id>tag:google.com,2013:googlealerts/feed:3</id><title type="html">No link here</title><published>2026-09-26T08:00:00Z</published></entry></feed>"""


def test_alerts_sniff_is_specific_to_google_atom():
    assert ALERTS.sniff(ALERTS_FEED, "alerts.xml")
    other = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title></feed>'
    assert not ALERTS.sniff(other, "blog.xml")
    assert not ALERTS.sniff(b"url,title\n", "x.csv")


def test_alerts_keep_the_wrapped_link_and_strip_html():
    parsed = ALERTS.read(ALERTS_FEED, "alerts.xml")
    _only_schema_columns(parsed.rows_with_raw())
    first = parsed.rows.row(0, named=True)
    assert first["mention_url"].startswith("https://www.google.com/url?rct=j&sa=t&url=https://blog.example.com/")
    assert first["title"] == "Best KnifeCraft chef knives & more"
    assert first["content"] == "A review of KnifeCraft knives <3 ..."
    assert first["published_at"] == dt.datetime(2026, 9, 28, 9)
    assert parsed.rows["mention_url"][1].endswith("url=https%3A%2F%2Fnews.example.org%2Fa&ct=ga")


def test_alerts_entry_without_link_is_rejected_and_snapshot_is_the_feed_update():
    parsed = ALERTS.read(ALERTS_FEED, "alerts.xml")
    assert parsed.rejected.select("row_number", "reason").rows() == [(3, "entry has no link")]
    assert "No link here" in parsed.rejected["raw"][0]
    assert parsed.snapshot_hint == dt.date(2026, 9, 28)


def test_alerts_broken_feed_is_unrecognised():
    with pytest.raises(UnrecognisedExport, match="Atom"):
        ALERTS.read(b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>google', "x.xml")


# --- registry ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("talkwalker.csv", "talkwalker_mentions"),
        ("mention.csv", "mention_com_mentions"),
        ("alerts.xml", "google_alerts"),
        ("brand24.xlsx", "brand24_mentions"),
    ],
)
def test_registry_routes_each_mention_export(name, expected, brand24_bytes):
    from dagster_project.formats.registry import parse_export

    data = {
        "talkwalker.csv": TALKWALKER_CSV.encode(),
        "mention.csv": b"Title,Description,Link,Created at,Source type\nT,D,https://a.example/x,2026-09-01,news\n",
        "alerts.xml": ALERTS_FEED,
        "brand24.xlsx": brand24_bytes,
    }[name]
    parsed = parse_export(data, name)
    assert (parsed.format_name, parsed.kind) == (expected, "mentions")
    assert parsed.rows.height > 0
