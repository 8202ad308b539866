"""Regressions found by the bad-input corpus (tests/corpus/): each of these crashed a parser or the
load before its fix. Tiny inputs, exactly the bytes that broke things."""

from __future__ import annotations

import os

import pytest

from dagster_project import inbox
from dagster_project.config import Config
from dagster_project.formats.base import UnrecognisedExport
from dagster_project.formats.registry import parse_export
from dagster_project.landing import land_bytes, land_file

CONFIG = Config.model_validate({"site": {"domain": "knifecraft.co.uk"}})
MAJESTIC = (
    "Target URL,Source URL,Anchor Text,Source Crawl Date,Source First Found Date,FlagNoFollow,FlagImageLink,"
    "FlagRedirect,FlagFrame,FlagOldCrawl,FlagAltText,FlagMention,SourceCitationFlow,SourceTrustFlow,"
    "TargetCitationFlow,TargetTrustFlow,SourceTopicalTrustFlow_Topic_0,SourceTopicalTrustFlow_Value_0,"
    "RefDomainTopicalTrustFlow_Topic_0,RefDomainTopicalTrustFlow_Value_0"
)
ROW = "https://www.knifecraft.co.uk/,https://a{}.example.net/p,chef knives,2026-09-26,2025-08-10,,,,,,,,30,20,31,24,Home/Cooking,45,Home/Cooking,48"


def test_classic_mac_line_endings_are_rows_not_a_crash():
    """Excel's "CSV (Macintosh)" ends lines with a lone CR; the header search met them as one line
    and Python's csv module raised "new-line character seen in unquoted field"."""
    data = "\r".join([MAJESTIC, ROW.format(1), ROW.format(2)]).encode() + b"\r"
    parsed = parse_export(data, "majestic.csv")
    assert (parsed.format_name, parsed.rows.height, parsed.rejected.height) == ("majestic_backlinks", 2, 0)


@pytest.mark.parametrize(
    "data",
    [
        b"A" * 300_000,  # one huge "header" field: csv refused fields over 128 KiB
        b"Pages\n" + b"https://a.example.org/" + b"p" * 200_000 + b"\n",  # content-sniffed sample row
    ],
    ids=["one-huge-line", "huge-sampled-row"],
)
def test_lines_longer_than_any_header_do_not_crash_the_header_search(data):
    try:
        parsed = parse_export(data, "x.csv")
    except UnrecognisedExport as exc:
        assert "not a supported export" in str(exc)
    else:
        assert parsed.rows_read == 1


def test_deeply_nested_json_is_rejected_not_a_recursion_error():
    data = b'{"keys": 1, "impressions": 1, "rows": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    with pytest.raises(UnrecognisedExport, match="not valid UTF-8 JSON"):
        parse_export(data, "api.json")


def test_a_file_name_that_is_not_utf8_gets_one_stable_printable_name(tmp_path):
    """A Latin-1 name on a UTF-8 file system came back from the OS as lone surrogates, which DuckDB
    refused ("cannot encode str as UTF-8"): the whole load stopped. The inbox scan and the landing
    must agree on the name, or the next refresh would take the file for a new one."""
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9-majestic.csv")
    with open(raw, "wb") as handle:
        handle.write(f"{MAJESTIC}\n{ROW.format(1)}\n".encode())
    [found] = inbox.scan(tmp_path)
    assert found.relative == "caf\\xe9-majestic.csv"
    landed = land_file(found.path, tmp_path, CONFIG)
    assert (landed.audit["file_name"], landed.audit["status"]) == (found.relative, "loaded")
    found.relative.encode("utf-8")  # storable and printable


def test_a_bad_snapshot_date_in_the_name_falls_back_to_the_contents():
    landed = land_bytes("majestic_2099-01-01.csv", f"{MAJESTIC}\n{ROW.format(1)}\n".encode(), CONFIG)
    assert (str(landed.audit["snapshot_date"]), landed.audit["snapshot_date_source"]) == ("2026-09-26", "contents")


def test_the_progress_printer_shows_hostile_names_and_reasons_verbatim(monkeypatch):
    """A `[/]` in a rejection reason (it quotes the header) raised rich's MarkupError inside the
    ingest step, failing the whole refresh; `[bold]` in a file name vanished from the output."""
    import io

    from rich.console import Console

    from dagster_project.cli import common, output

    screen = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=screen, width=300))
    event = {
        "status": "rejected",
        "file_name": "export [final].csv",
        "detected_format": None,
        "error": "header 'Target [/], [red]Source' matches no known format",
        "rows_loaded": 0,
        "rows_read": 0,
        "rows_quarantined": 0,
    }
    output.ProgressPrinter()("file", event)
    printed = " ".join(screen.getvalue().split())
    assert "rejected export [final].csv rows 0/0 — header 'Target [/], [red]Source' matches" in printed
