"""The pure parts of `backlinks export` and `backlinks report`: which tables, script-safe JSON,
which URLs may become links, the anchor ranges and toxicity signals the report shows, and the
browser helper the report tests rely on (it must see the errors it is meant to catch)."""

from __future__ import annotations

import json
import os

import polars as pl
import pytest

from dagster_project.export import CONTRACT_MARTS, ExportUsageError, plan_tables
from dagster_project.report.data import anchor_ranges, signal_of_reason
from dagster_project.report.render import http_url, json_for_script
from tests.browser import chromium_path, open_page


def test_default_plan_is_the_contract_marts_the_warehouse_has_with_a_note_for_the_rest():
    existing = {"fct_backlinks", "competitor_gaps", "share_of_voice"}
    plan = plan_tables([], existing)
    assert plan.tables == ["fct_backlinks", "competitor_gaps"]  # contract order; share_of_voice is not in the contract
    assert len(plan.notes) == len(CONTRACT_MARTS) - 2
    assert any("marts.lost_links is not in this warehouse" in note for note in plan.notes)


def test_named_tables_keep_their_order_once_each_and_accept_the_schema_prefix():
    existing = {"fct_backlinks", "competitor_gaps", "share_of_voice"}
    assert plan_tables(["share_of_voice", "marts.competitor_gaps", "Competitor_Gaps"], existing).tables == [
        "share_of_voice",
        "competitor_gaps",
    ]
    with pytest.raises(
        ExportUsageError, match=r"unknown table 'lost_links'.*competitor_gaps, fct_backlinks, share_of_voice"
    ):
        plan_tables(["competitor_gaps", "lost_links"], existing)


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "<!--<script>", "a & b > c", "\u2028\u2029"])
def test_json_for_script_cannot_close_the_script_and_round_trips(text):
    encoded = json_for_script({"title": text, "n": 1})
    assert "<" not in encoded and ">" not in encoded and "\u2028" not in encoded
    assert json.loads(encoded) == {"title": text, "n": 1}


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://a.example/x?y=1", "https://a.example/x?y=1"),
        ("HTTP://A.example", "HTTP://A.example"),
        ("javascript:alert(1)", None),
        (" data:text/html,<b>", None),
        ("//evil.example", None),
        (None, None),
    ],
)
def test_only_http_urls_become_links(url, link):
    assert http_url(url) == link


def test_anchor_ranges_follow_the_thresholds_the_health_flags_use():
    ranges = {
        r.anchor_class: r
        for r in anchor_ranges(
            {
                "branded_min_share": 0.35,
                "exact_match_max_share": 0.05,
                "partial_match_max_share": 0.2,
                "generic_max_share": 0.25,
            }
        )
    }
    assert (ranges["branded"].low, ranges["branded"].high) == (0.35, 1.0)
    assert (ranges["exact_match"].low, ranges["exact_match"].high) == (0.0, 0.05)
    assert ranges["generic"].rule == "flagged above 25%"
    assert anchor_ranges({}) == []


def test_toxicity_reasons_reduce_to_their_signal():
    reasons = pl.Series(
        [
            "moz spam score 87 (+30)",
            "spammy TLD .xyz (+15)",
            "majestic citation/trust flow 39/4 (+15)",
            "domain name buy-food-central322 (2 hyphens, 3 digits, 19 characters) (+10)",
            "424 external links on its linking pages (median) (+10)",
            "1 exact-match anchor(s) from an off-topic domain (+15)",
        ]
    )
    assert pl.select(signal_of_reason(pl.lit(reasons))).to_series().to_list() == [
        "moz spam score",
        "spammy TLD",
        "majestic citation/trust flow",
        "domain name shape",
        "external links on its linking pages",
        "exact-match anchor from an off-topic domain",
    ]


def test_browser_helper_reports_console_errors_exceptions_and_requests(tmp_path):
    if chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it")
        pytest.skip("chromium is not installed")
    page = tmp_path / "page.html"
    page.write_text(
        "<p id=p>x</p><img src='missing.png'>"
        "<script>console.error('boom'); document.getElementById('p').dataset.ok = '1'; undefinedFunction();</script>"
    )
    result = open_page(page.as_uri(), "document.getElementById('p').dataset.ok === '1'", ["document.images.length"])
    assert result.values == {"document.images.length": 1}
    assert any("boom" in e for e in result.console_errors)
    assert any("undefinedFunction" in e for e in result.exceptions)
    assert (tmp_path / "missing.png").as_uri() in result.requests


def test_excel_cells_longer_than_excel_holds_are_cut_visibly_and_counted():
    import polars as pl

    from dagster_project.export import XLSX_CUT_MARK, XLSX_MAX_CHARS, fit_excel_cells

    long, exact = "a" * (XLSX_MAX_CHARS + 5), "b" * XLSX_MAX_CHARS
    frame = pl.DataFrame({"title": [long, exact, None, "short"], "n": [1, 2, 3, 4]})
    fitted, cut = fit_excel_cells(frame)
    assert cut == {"title": 1}
    first = fitted["title"][0]
    assert len(first) == XLSX_MAX_CHARS and first.endswith(XLSX_CUT_MARK) and first.startswith("aaa")
    assert fitted["title"].to_list()[1:] == [exact, None, "short"] and fitted["n"].to_list() == [1, 2, 3, 4]
    assert fit_excel_cells(frame.drop("title"))[1] == {}


def test_an_xlsx_export_says_which_cells_it_cut(tmp_path):
    import duckdb
    import openpyxl

    from dagster_project.export import XLSX_CUT_MARK, XLSX_MAX_CHARS, export_tables

    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.unlinked_mentions as select repeat('x', 40000) as title, 1 as n")
    written, notes, errors = export_tables(warehouse, tmp_path / "out", "xlsx", ["unlinked_mentions"])
    assert [w.table for w in written] == ["unlinked_mentions"] and not errors
    assert notes == [
        "marts.unlinked_mentions.title: 1 cell(s) longer than Excel's 32,767 characters were cut"
        " (marked in the cell); csv and parquet keep them whole"
    ]
    cell = openpyxl.load_workbook(written[0].path).active["A2"].value
    assert len(cell) == XLSX_MAX_CHARS and cell.endswith(XLSX_CUT_MARK)
    csv_written, csv_notes, _ = export_tables(warehouse, tmp_path / "csv", "csv", ["unlinked_mentions"])
    assert csv_notes == [] and "x" * 40000 in csv_written[0].path.read_text(encoding="utf-8-sig")
