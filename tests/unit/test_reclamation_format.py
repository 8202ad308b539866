"""Ahrefs' broken-backlinks export, on bytes written as Ahrefs writes them (UTF-16LE "for Excel"
TSV, every field quoted, CRLF; and the UTF-8 CSV variant): recognised by its header, its rows are
backlinks with the target's HTTP status, and a status cell that is no HTTP code quarantines its
row with a reason that says so. Format: docs/export-formats.md#ahrefs-broken-backlinks."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dagster_project.config import load_config
from dagster_project.formats.ahrefs_broken import PARTIAL_EXPORT_TYPES
from dagster_project.formats.base import REASON_COLUMN
from dagster_project.formats.registry import parse_export
from dagster_project.landing import land_bytes
from dagster_project.samplegen.writers import AHREFS_HEADER
from dagster_project.schema import BACKLINK
from tests.conftest import ROOT, SAMPLE_CONFIG

# the backlinks columns with the three the broken-backlinks export adds (after Target URL; the
# reader maps by name, so their position does not matter)
_AT = AHREFS_HEADER.index("Target URL") + 1
HEADER = [*AHREFS_HEADER[:_AT], "Target page HTTP code", "Target checked", "Ref. page checked", *AHREFS_HEADER[_AT:]]
FILE = "ahrefs/knifecraft.co.uk-broken-backlinks-subdomains_2026-10-01_10-25-40.csv"


def _row(source: str, target: str, code: str, **values: str) -> list[str]:
    cells = {
        "Referring page title": "Knife reviews",
        "Referring page URL": source,
        "Domain rating": "45",
        "Target URL": target,
        "Target page HTTP code": code,
        "Target checked": "2026-09-30 04:12:09",
        "Ref. page checked": "2026-09-29 22:10:00",
        "Anchor": "santoku",
        "Type": "text",
        "Nofollow": "false",
        "UGC": "false",
        "Sponsored": "false",
        "First seen": "2025-03-02 10:00:00",
        "Last seen": "2026-09-29 22:10:00",
        **values,
    }
    return [cells.get(h, "") for h in HEADER]


def _quoted(fields: list[str], sep: str) -> str:
    return sep.join('"' + f.replace('"', '""') + '"' for f in fields)


def utf16_tsv(rows: list[list[str]]) -> bytes:
    lines = [_quoted(HEADER, "\t"), *(_quoted(r, "\t") for r in rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-16-le")


ROWS = [
    _row("https://knifeblog.net/santoku-review", "https://www.knifecraft.co.uk/products/santoku-165", "404"),
    _row("https://cookforum.org/t/42", "https://www.knifecraft.co.uk/gifts/old-sets", " 410 "),
    _row("https://misc.example.com/a", "https://www.knifecraft.co.uk/products/santoku-165", "4O4"),
    _row("https://resaved.example.com/b", "https://www.knifecraft.co.uk/outdoor", "503.0"),
    _row("https://odd.example.com/c", "https://www.knifecraft.co.uk/outdoor", "999"),
    _row("https://blank.example.com/d", "https://www.knifecraft.co.uk/outdoor", "", **{"Last seen": ""}),
]


def test_the_utf16_export_is_recognised_by_its_header_and_maps_the_status():
    parsed = parse_export(utf16_tsv(ROWS[:2]), "export.csv")  # by content: the name says nothing
    assert (parsed.format_name, parsed.kind, parsed.source_tool) == ("ahrefs_broken_backlinks", "backlinks", "ahrefs")
    assert parsed.rows.schema["target_http_code"] == BACKLINK["target_http_code"]
    assert parsed.rows.select("source_url", "target_http_code", "target_checked_at", "vendor_last_seen").rows() == [
        ("https://knifeblog.net/santoku-review", 404, dt.date(2026, 9, 30), dt.date(2026, 9, 29)),
        ("https://cookforum.org/t/42", 410, dt.date(2026, 9, 30), dt.date(2026, 9, 29)),
    ]
    # the backlinks columns are mapped as in the plain export
    first = parsed.rows.row(0, named=True)
    assert (first["anchor"], first["rel"], first["domain_rating"]) == ("santoku", "follow", 45.0)
    assert parsed.snapshot_hint == dt.date(2026, 9, 30)


def test_the_utf8_csv_variant_is_the_same_format():
    text = "\ufeff" + "\r\n".join(_quoted(r, ",") for r in [HEADER, ROWS[0]]) + "\r\n"
    parsed = parse_export(text.encode("utf-8"), "export.csv")
    assert parsed.format_name == "ahrefs_broken_backlinks"
    assert parsed.rows["target_http_code"].to_list() == [404]


def test_the_plain_backlinks_export_is_not_taken_for_it():
    text = "\r\n".join(_quoted(r, "\t") for r in [list(AHREFS_HEADER), [""] * len(AHREFS_HEADER)])
    assert parse_export(("\ufeff" + text + "\r\n").encode("utf-16-le"), "x.csv").format_name == "ahrefs_backlinks"


def test_landing_keeps_every_row_and_quarantines_a_bad_status_with_its_reason():
    data = utf16_tsv(ROWS)
    landed = land_bytes(FILE, data, load_config(SAMPLE_CONFIG))
    audit = landed.audit
    assert (audit["detected_format"], audit["status"], audit["site_domain"]) == (
        "ahrefs_broken_backlinks",
        "loaded",
        "knifecraft.co.uk",
    )
    assert (audit["rows_read"], audit["rows_loaded"], audit["rows_quarantined"]) == (6, 4, 2)
    assert audit["snapshot_date"] == dt.date(2026, 10, 1)  # the date in the name
    quarantined = dict(zip(landed.quarantine["row_number"], landed.quarantine["reason"]))
    assert quarantined == {
        3: "target_http_code '4O4' is not an HTTP status code (100-599)",
        5: "target_http_code '999' is not an HTTP status code (100-599)",
    }
    assert "misc.example.com/a" in landed.quarantine.filter(row_number=3)["raw"][0]  # the original line is kept
    rows = landed.rows.sort("row_number")
    assert rows.select("row_number", "target_http_code", "export_type", "source_tool").rows() == [
        (1, 404, "ahrefs_broken_backlinks", "ahrefs"),
        (2, 410, "ahrefs_broken_backlinks", "ahrefs"),
        (4, 503, "ahrefs_broken_backlinks", "ahrefs"),  # `503.0`: a spreadsheet's re-save
        (6, None, "ahrefs_broken_backlinks", "ahrefs"),  # an empty status is unknown, not an error
    ]
    # without `Last seen`, the day Ahrefs last checked the referring page stands in
    assert rows.filter(row_number=6)["vendor_last_seen"].to_list() == [dt.date(2026, 9, 29)]


@pytest.mark.parametrize("code", ["100", "599"])
def test_every_status_code_is_in_range(code):
    parsed = parse_export(utf16_tsv([_row("https://a.org/", "https://www.knifecraft.co.uk/x", code)]), "x.csv")
    assert parsed.rows["target_http_code"].to_list() == [int(code)]
    assert parsed.rows[REASON_COLUMN].to_list() == [None]


def test_the_partial_export_list_is_the_dbt_macros():
    macro = (ROOT / "dbt" / "macros" / "analytics" / "tools.sql").read_text()
    body = re.search(r"macro partial_export_types\(\).*?return\(\[(.*?)\]\)", macro, re.S)
    assert body is not None
    assert tuple(re.findall(r"'([^']+)'", body.group(1))) == PARTIAL_EXPORT_TYPES
