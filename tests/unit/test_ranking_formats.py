"""Ranking formats on tiny inputs shaped exactly like the vendors' files."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import openpyxl
import polars as pl
import pytest

from dagster_project.formats import _archive
from dagster_project.formats.ahrefs_rankings import AHREFS_ORGANIC_KEYWORDS
from dagster_project.formats.base import UnrecognisedExport
from dagster_project.formats.gsc_api import GSC_API
from dagster_project.formats.gsc_performance import GSC_PERFORMANCE
from dagster_project.formats.gsc_performance import TABLE_FORMATS as GSC_TABLES
from dagster_project.formats.semrush_rankings import SEMRUSH_ORGANIC_POSITIONS, SEMRUSH_POSITION_TRACKING
from dagster_project.formats.text import read_table
from dagster_project.schema import RANKING

ALLOWED = set(RANKING) | {"row_number", "raw"}
RANKING_TABLES = [*GSC_TABLES, SEMRUSH_ORGANIC_POSITIONS, SEMRUSH_POSITION_TRACKING, AHREFS_ORGANIC_KEYWORDS]


def _only_schema_columns(rows: pl.DataFrame) -> None:
    assert {"row_number", "raw"} <= set(rows.columns)
    assert set(rows.columns) <= ALLOWED, set(rows.columns) - ALLOWED
    for name, dtype in RANKING.items():
        if name in rows.columns:
            assert rows.schema[name] == dtype, name


def _zip(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


# --- GSC Performance ---------------------------------------------------------------------------

GSC_EN = {
    "Queries.csv": 'Top queries,Clicks,Impressions,CTR,Position\nchef knife,12,340,3.53%,8.2\nsantoku,0,"1,240",0%,41.5\n',
    "Pages.csv": "Top pages,Clicks,Impressions,CTR,Position\nhttps://www.knifecraft.co.uk/chef,12,340,3.53%,8.2\n",
    "Countries.csv": "Country,Clicks,Impressions,CTR,Position\nUnited Kingdom,12,300,4%,7.9\n",
    "Devices.csv": "Device,Clicks,Impressions,CTR,Position\nMobile,12,340,3.53%,8.2\n",
    "Search appearance.csv": "Search Appearance,Clicks,Impressions,CTR,Position\nReview snippet,1,20,5%,4\n",
    "Dates.csv": "Date,Clicks,Impressions,CTR,Position\n2026-08-30,3,100,3%,9.1\n2026-08-31,0,0,,\n",
    "Filters.csv": "Filter,Value\nSearch type,Web\nDate,Last 3 months\n",
}


def test_gsc_zip_tables_become_keyword_url_and_date_rows():
    parsed = GSC_PERFORMANCE.read(_zip(GSC_EN), "Performance-on-Search-2026-09-01.zip")
    _only_schema_columns(parsed.rows_with_raw())
    rows = parsed.rows
    assert rows.filter(pl.col("keyword").is_not_null())["keyword"].to_list() == ["chef knife", "santoku"]
    assert rows.filter(pl.col("url").is_not_null())["url"].to_list() == ["https://www.knifecraft.co.uk/chef"]
    days = rows.filter(pl.col("ranking_date").is_not_null())
    assert days["ranking_date"].to_list() == [dt.date(2026, 8, 30), dt.date(2026, 8, 31)]
    assert days.select(pl.col("keyword", "url").is_null().all()).row(0) == (True, True)
    assert rows["row_number"].is_unique().all()  # one numbering across the ZIP's tables


def test_gsc_ctr_is_a_fraction_and_zero_impression_days_stay_null():
    rows = GSC_PERFORMANCE.read(_zip(GSC_EN), "p.zip").rows
    chef = rows.filter(pl.col("keyword") == "chef knife").row(0, named=True)
    assert chef["ctr"] == pytest.approx(0.0353) and chef["position"] == 8.2 and chef["clicks"] == 12.0
    assert rows.filter(pl.col("keyword") == "santoku")["impressions"].item() == 1240.0
    quiet = rows.filter(pl.col("ranking_date") == dt.date(2026, 8, 31)).row(0, named=True)
    assert (quiet["impressions"], quiet["ctr"], quiet["position"]) == (0.0, None, None)


def test_gsc_aggregate_tables_are_noted_not_loaded_and_snapshot_falls_back_to_last_day():
    parsed = GSC_PERFORMANCE.read(_zip(GSC_EN), "p.zip")
    assert parsed.rows.height == 5
    assert {"Countries.csv: not loaded", "Devices.csv: not loaded", "Search appearance.csv: not loaded"} <= set(
        parsed.notes
    )
    assert parsed.snapshot_hint == dt.date(2026, 8, 31)  # "Last 3 months" names no date


def test_gsc_filters_give_the_date_range_end_and_constant_device():
    members = {**GSC_EN, "Filters.csv": "Filter,Value\nSearch type,Web\nDate,2026-06-01 - 2026-08-31\nDevice,Mobile\n"}
    members["Dates.csv"] = "Date,Clicks,Impressions,CTR,Position\n2026-08-29,3,100,3%,9.1\n"
    parsed = GSC_PERFORMANCE.read(_zip(members), "p.zip")
    assert parsed.snapshot_hint == dt.date(2026, 8, 31)
    assert parsed.rows["device"].unique().to_list() == ["mobile"]


def test_gsc_localised_zip_is_recognised_by_its_tables():
    members = {
        "Dotazy.csv": "Nejčastější dotazy;Kliknutí;Zobrazení;CTR;Pozice\nkuchařský nůž;1 240;3 400;4,2%;11,7\n".encode(),
        "Filtry.csv": "Filtr;Hodnota\nTyp vyhledávání;Web\n".encode(),
    }
    data = _zip(members)
    assert GSC_PERFORMANCE.sniff(data, "vykon.zip")
    row = GSC_PERFORMANCE.read(data, "vykon.zip").rows.row(0, named=True)
    assert (row["keyword"], row["clicks"], row["ctr"], row["position"]) == (
        "kuchařský nůž",
        1240.0,
        pytest.approx(0.042),
        11.7,
    )


def test_gsc_czech_csv_semicolons_decimal_commas_and_spaced_percent():
    data = (
        "\ufeffNejčastější dotazy;Kliknutí;Zobrazení;CTR;Pozice\n"
        "nůž;1 240;3 400;4,2%;11,7\n"
        "kudla;0;12;10,00 %;2,5\n"
        "santoku;0;0;;\n"
    ).encode()
    parsed = read_table(data, "Dotazy.csv", RANKING_TABLES)
    assert parsed.format_name == "gsc_performance_queries"
    assert parsed.rows["ctr"].to_list() == [pytest.approx(0.042), pytest.approx(0.1), None]
    assert parsed.rows["position"].to_list() == [11.7, 2.5, None]


def test_gsc_single_csvs_pick_their_table():
    pages = read_table(
        b"Top pages,Clicks,Impressions,CTR,Position\nhttps://ex.com/a,1,10,10%,3.5\n", "Pages.csv", RANKING_TABLES
    )
    dates = read_table(b"Date,Clicks,Impressions,CTR,Position\n2026-09-01,1,10,10%,3.5\n", "Dates.csv", RANKING_TABLES)
    assert (pages.format_name, pages.rows["url"].item()) == ("gsc_performance_pages", "https://ex.com/a")
    assert (dates.format_name, dates.rows["ranking_date"].item()) == ("gsc_performance_dates", dt.date(2026, 9, 1))
    assert dates.snapshot_hint == dt.date(2026, 9, 1)
    with pytest.raises(UnrecognisedExport):  # an aggregate table alone is not a ranking export
        read_table(b"Country,Clicks,Impressions,CTR,Position\nCzechia,1,10,10%,3.5\n", "Countries.csv", RANKING_TABLES)


def test_gsc_query_row_without_query_is_rejected():
    parsed = GSC_PERFORMANCE.read(
        _zip({**GSC_EN, "Queries.csv": "Top queries,Clicks,Impressions,CTR,Position\n,1,2,50%,3\n"}), "p.zip"
    )
    assert parsed.rejected.select("row_number", "reason").rows() == [(1, "empty query")]
    _only_schema_columns(parsed.rows_with_raw())


def test_gsc_zip_bomb_is_rejected_before_inflating():
    data = _zip({**GSC_EN, "Queries.csv": b"Top queries,Clicks,Impressions,CTR,Position\n" + b" " * (16 * 1024 * 1024)})
    assert GSC_PERFORMANCE.sniff(data, "bomb.zip")  # claimed, so the user is told why it is refused
    with pytest.raises(UnrecognisedExport, match=r"Queries\.csv.*compresses .*:1.*zip bomb"):
        GSC_PERFORMANCE.read(data, "bomb.zip")


def test_zip_declared_total_size_is_capped(monkeypatch):
    monkeypatch.setattr(_archive, "MAX_TOTAL_BYTES", 100)
    with pytest.raises(UnrecognisedExport, match=r"declares .* uncompressed bytes"):
        GSC_PERFORMANCE.read(_zip(GSC_EN), "p.zip")


def test_zip_member_cannot_inflate_past_its_declared_size():
    data = bytearray(_zip({"Queries.csv": "Top queries,Clicks,Impressions,CTR,Position\n" + "kw,1,2,3%,4\n" * 50}))
    # shrink the declared size in the central directory: a header that lies about a member's size
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("Queries.csv")
    cd = bytes(data).rfind(b"PK\x01\x02")
    size_at = cd + 24
    assert int.from_bytes(data[size_at : size_at + 4], "little") == info.file_size
    data[size_at : size_at + 4] = (10).to_bytes(4, "little")
    with pytest.raises(UnrecognisedExport, match=r"(inflates past|cannot read)"):
        _archive.read_member(_archive.open_zip(bytes(data), "lie.zip"), "Queries.csv", "lie.zip")


def test_gsc_xlsx_export_reads_its_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Queries"
    wb.active.append(["Top queries", "Clicks", "Impressions", "CTR", "Position"])
    wb.active.append(["chef knife", 12, 340, 0.0353, 8.2])
    dates = wb.create_sheet("Dates")
    dates.append(["Date", "Clicks", "Impressions", "CTR", "Position"])
    dates.append([dt.date(2026, 9, 1), 1, 10, 0.1, 3.5])
    path = tmp_path / "gsc.xlsx"
    wb.save(path)
    data = path.read_bytes()
    assert GSC_PERFORMANCE.sniff(data, "gsc.xlsx")
    rows = GSC_PERFORMANCE.read(data, "gsc.xlsx").rows
    assert rows["keyword"].to_list() == ["chef knife", None]
    assert rows["ctr"].to_list() == [pytest.approx(0.0353), pytest.approx(0.1)]
    assert rows["ranking_date"].to_list() == [None, dt.date(2026, 9, 1)]


# --- GSC Search Analytics API ------------------------------------------------------------------

API_ROWS = [
    {
        "keys": ["chef knife", "https://www.knifecraft.co.uk/chef"],
        "clicks": 12.0,
        "impressions": 340.0,
        "ctr": 0.0353,
        "position": 8.2,
    },
    {
        "keys": ["santoku", "https://www.knifecraft.co.uk/s"],
        "clicks": 0.0,
        "impressions": 3.0,
        "ctr": 0.0,
        "position": 41.0,
    },
]


def test_gsc_api_two_keys_default_to_query_and_page():
    data = json.dumps({"rows": API_ROWS, "responseAggregationType": "byPage"}).encode()
    assert GSC_API.sniff(data, "sa.json")
    parsed = GSC_API.read(data, "sa.json")
    _only_schema_columns(parsed.rows_with_raw())
    first = parsed.rows.row(0, named=True)
    assert (first["keyword"], first["url"], first["ctr"], first["position"]) == (
        "chef knife",
        "https://www.knifecraft.co.uk/chef",
        0.0353,
        8.2,
    )


def test_gsc_api_bare_list_with_url_first_and_a_date_key():
    rows = [
        {
            "keys": ["https://ex.com/p", "2026-09-02", "chef knife"],
            "clicks": 1,
            "impressions": 9,
            "ctr": 0.11,
            "position": 4,
        }
    ]
    parsed = GSC_API.read(json.dumps(rows).encode(), "rows.json")
    row = parsed.rows.row(0, named=True)
    assert (row["url"], row["ranking_date"], row["keyword"]) == ("https://ex.com/p", dt.date(2026, 9, 2), "chef knife")
    assert parsed.snapshot_hint == dt.date(2026, 9, 2)


def test_gsc_api_declared_dimensions_win():
    doc = {
        "dimensions": ["query", "country", "device"],
        "rows": [{"keys": ["knife", "gbr", "MOBILE"], "clicks": 1, "impressions": 2, "ctr": 0.5, "position": 3}],
    }
    row = GSC_API.read(json.dumps(doc).encode(), "x.json").rows.row(0, named=True)
    assert (row["keyword"], row["country"], row["device"]) == ("knife", "gbr", "mobile")


def test_gsc_api_unusable_rows_are_rejected():
    doc = {"rows": [*API_ROWS, "oops", {"keys": ["x", "https://ex.com/x"]}]}
    parsed = GSC_API.read(json.dumps(doc).encode(), "x.json")
    assert parsed.rows.height == 2
    assert parsed.rejected.select("row_number", "reason").rows() == [
        (3, "row is not a JSON object"),
        (4, "row has neither clicks nor impressions"),
    ]


def test_gsc_api_not_json_is_unrecognised():
    assert not GSC_API.sniff(b"Top queries,Clicks\n", "x.csv")
    with pytest.raises(UnrecognisedExport, match="JSON"):
        GSC_API.read(b'{"rows": [', "x.json")


# --- Semrush -----------------------------------------------------------------------------------

SEMRUSH_ORGANIC = (
    "Keyword,Position,Previous position,Search Volume,Keyword Difficulty,CPC,URL,Traffic,Traffic (%),Traffic Cost,"
    "Competition,Number of Results,Trends,Timestamp,SERP Features by Keyword,Keyword Intents,Position Type\n"
    'chef knife,3,5,"22,200",67,1.2,https://www.knifecraft.co.uk/chef,1200,12.5,1400,0.9,120000000,'
    '"[100,82,67,100,100,82,67,54,44,44,54,67]",2026-09-15,"Featured snippet,Reviews",commercial,Organic\n'
    'santoku,12,0,1900,40,0.8,https://www.knifecraft.co.uk/s,10,0.1,12,0.5,1000,"[1,2]",2026-09-15,,informational,Organic\n'
)


def test_semrush_organic_positions_with_array_trends_and_timestamp():
    parsed = read_table(
        SEMRUSH_ORGANIC.encode(),
        "knifecraft.co.uk-organic.Positions-uk-20260915-2026-09-16T10_00_00Z.csv",
        RANKING_TABLES,
    )
    assert parsed.format_name == "semrush_organic_positions"
    _only_schema_columns(parsed.rows_with_raw())
    chef = parsed.rows.row(0, named=True)
    assert (chef["position"], chef["previous_position"], chef["search_volume"]) == (3.0, 5.0, 22200.0)
    assert chef["ranking_date"] == dt.date(2026, 9, 15) and chef["url"] == "https://www.knifecraft.co.uk/chef"
    assert parsed.rows["previous_position"][1] is None  # 0 = was not ranking


def test_semrush_organic_positions_without_timestamp_leave_the_day_to_the_file_name():
    data = b"Keyword,Position,Previous position,Search Volume,URL\nchef knife,3,5,100,https://ex.com/a\n"
    parsed = read_table(data, "ex.com-organic.Positions-us-20260915-2026-09-16T10_00_00Z.csv", RANKING_TABLES)
    assert parsed.rows["ranking_date"].to_list() == [None] and parsed.snapshot_hint is None


SEMRUSH_TRACKING = (
    "Position Tracking: Rankings Overview\n"
    "Domain: *.knifecraft.co.uk/*\n"
    "Period: 20260901 - 20260903\n"
    "Device: Desktop\n"
    "\n"
    "Keyword,Tags,Intents,*.knifecraft.co.uk/*_20260901,*.knifecraft.co.uk/*_20260901_type,"
    "*.knifecraft.co.uk/*_20260901_landing,*.knifecraft.co.uk/*_20260903,*.knifecraft.co.uk/*_20260903_type,"
    "*.knifecraft.co.uk/*_20260903_landing,*.bladeworks.com/*_20260903,*.bladeworks.com/*_20260903_type,"
    "*.bladeworks.com/*_20260903_landing,Search Volume,CPC,Keyword Difficulty\n"
    "chef knife,money,commercial,4,organic,https://www.knifecraft.co.uk/chef,3,organic,"
    "https://www.knifecraft.co.uk/chef,1,organic,https://bladeworks.com/k,22200,1.2,67\n"
    "gyuto,knives,,-,-,-,-,-,-,-,-,-,880,0.4,30\n"
)


def test_semrush_position_tracking_wide_is_unpivoted_per_target_and_day():
    parsed = read_table(SEMRUSH_TRACKING.encode(), "knifecraft_rankings.csv", RANKING_TABLES)
    assert parsed.format_name == "semrush_position_tracking"
    _only_schema_columns(parsed.rows_with_raw())
    chef = parsed.rows.filter(pl.col("keyword") == "chef knife")
    assert chef.select("site_hint", "ranking_date", "position", "url").rows() == [
        ("bladeworks.com", dt.date(2026, 9, 3), 1.0, "https://bladeworks.com/k"),
        ("knifecraft.co.uk", dt.date(2026, 9, 1), 4.0, "https://www.knifecraft.co.uk/chef"),
        ("knifecraft.co.uk", dt.date(2026, 9, 3), 3.0, "https://www.knifecraft.co.uk/chef"),
    ]
    assert chef["search_volume"].unique().to_list() == [22200.0]
    assert parsed.snapshot_hint == dt.date(2026, 9, 3)


def test_semrush_position_tracking_dash_is_not_ranking_and_raw_is_the_source_line():
    parsed = read_table(SEMRUSH_TRACKING.encode(), "t.csv", RANKING_TABLES)
    rows = parsed.rows_with_raw().filter(pl.col("keyword") == "gyuto")
    assert rows.height == 3
    assert rows["position"].is_null().all() and rows["url"].is_null().all()
    assert rows["row_number"].unique().to_list() == [2]
    assert rows["raw"].unique().to_list() == ["gyuto,knives,,-,-,-,-,-,-,-,-,-,880,0.4,30"]


# --- Ahrefs ------------------------------------------------------------------------------------

AHREFS_COMPARISON = (
    "Keyword\tVolume\tKD\tCPC\tPrevious organic traffic\tCurrent organic traffic\tOrganic traffic change\t"
    "Previous position\tCurrent position\tPosition change\tPrevious position kind\tCurrent position kind\t"
    "Current URL\tPrevious URL\tBranded\tLocal\tInformational\tCommercial\tTransactional\tNavigational\r\n"
    '"chef knife"\t"22200"\t"67"\t"1.2"\t"100"\t"150"\t"50"\t"5"\t"3"\t"2"\t"Organic"\t"Organic"\t'
    '"https://www.knifecraft.co.uk/chef"\t"https://www.knifecraft.co.uk/old-chef"\t"false"\t"false"\t"false"\t"true"\t"false"\t"false"\r\n'
    '"lost keyword"\t"100"\t"1"\t"0.1"\t"10"\t"0"\t"-10"\t"8"\t""\t""\t"Organic"\t""\t""\t"https://www.knifecraft.co.uk/x"\t'
    '"false"\t"false"\t"true"\t"false"\t"false"\t"false"\r\n'
)


def test_ahrefs_organic_keywords_comparison_utf16_tsv():
    data = b"\xff\xfe" + AHREFS_COMPARISON.encode("utf-16-le")
    parsed = read_table(data, "knifecraft.co.uk-organic-keywords-subdo_2026-09-15_10-00-00.csv", RANKING_TABLES)
    assert parsed.format_name == "ahrefs_organic_keywords"
    _only_schema_columns(parsed.rows_with_raw())
    assert parsed.rows.select("keyword", "position", "previous_position", "url", "search_volume").rows() == [
        ("chef knife", 3.0, 5.0, "https://www.knifecraft.co.uk/chef", 22200.0),
        ("lost keyword", None, 8.0, None, 100.0),  # no longer ranking: current is empty
    ]


def test_ahrefs_older_variant_with_current_date_and_serp_features():
    data = (
        b"Keyword,SERP features,Volume,KD,CPC,Previous position,Current position,Current URL,Previous URL,"
        b"Current paid traffic,Previous date,Current date\n"
        b'"japanese knife","Sitelinks, Image pack",8100,55,0.9,12,9,https://ex.com/jp,https://ex.com/jp,0,2026-08-15,2026-09-15\n'
    )
    parsed = read_table(data, "ex.com-organic-keywords.csv", RANKING_TABLES)
    row = parsed.rows.row(0, named=True)
    assert (row["keyword"], row["position"], row["previous_position"], row["ranking_date"]) == (
        "japanese knife",
        9.0,
        12.0,
        dt.date(2026, 9, 15),
    )
    assert parsed.snapshot_hint == dt.date(2026, 9, 15)


def test_ranking_row_without_keyword_is_kept_not_dropped():
    # A TableFormat has no reject channel (see the report); the row stays, with a null keyword.
    data = "Keyword,Volume,KD,Current position,Current URL\n,10,1,3,https://ex.com/a\nknife,10,1,3,https://ex.com/b\n"
    parsed = read_table(data.encode(), "k.csv", RANKING_TABLES)
    _only_schema_columns(parsed.rows_with_raw())
    assert parsed.rows["keyword"].to_list() == [None, "knife"]


# --- registry ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Performance-on-Search.zip", "gsc_performance"),
        ("Queries.csv", "gsc_performance_queries"),
        ("Dotazy.csv", "gsc_performance_queries"),
        ("sa.json", "gsc_search_analytics_api"),
        ("ex.com-organic.Positions-uk-20260915.csv", "semrush_organic_positions"),
        ("tracking.csv", "semrush_position_tracking"),
        ("ex.com-organic-keywords-subdo_2026-09-15_10-00-00.csv", "ahrefs_organic_keywords"),
    ],
)
def test_registry_routes_each_ranking_export(name, expected):
    from dagster_project.formats.registry import parse_export

    data = {
        "Performance-on-Search.zip": _zip(GSC_EN),
        "Queries.csv": GSC_EN["Queries.csv"].encode(),
        "Dotazy.csv": "Nejčastější dotazy;Kliknutí;Zobrazení;CTR;Pozice\nnůž;1;10;10,00 %;2,5\n".encode(),
        "sa.json": json.dumps({"rows": API_ROWS}).encode(),
        "ex.com-organic.Positions-uk-20260915.csv": SEMRUSH_ORGANIC.encode(),
        "tracking.csv": SEMRUSH_TRACKING.encode(),
        "ex.com-organic-keywords-subdo_2026-09-15_10-00-00.csv": b"\xff\xfe" + AHREFS_COMPARISON.encode("utf-16-le"),
    }[name]
    parsed = parse_export(data, name)
    assert (parsed.format_name, parsed.kind) == (expected, "rankings")
    assert parsed.rows.height > 0
