"""The data-quality layer: value rules (enforced at landing), the GX suites built from the same rules,
and the drift/freshness computations. Landing real vendor bytes gives the frames; GX runs are few
(it costs ~1 s per suite here, plus its import)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import sqlalchemy as sa

from dagster_project import warehouse as wh
from dagster_project.config import Config
from dagster_project.landing import land_bytes
from dagster_project.quality import drift, rules, suites

TODAY = dt.datetime.now(dt.UTC).date()
CONFIG = Config.model_validate(
    {"site": {"domain": "knifecraft.co.uk"}, "competitors": ["bladeworks.com", "shop.blogspot.com"]}
)
SEMRUSH = (
    "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,Nofollow,Sponsored,Ugc,"
    "Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,Lost link\n"
)


def semrush_row(source: str, ascore: str = "40", first: str = "2025-06-28", last: str = "2026-09-28") -> str:
    return (
        f"{ascore},Knife guide,{source},https://www.knifecraft.co.uk/blog/care,guide,12,3,"
        f"false,false,false,true,false,false,false,false,{first},{last},false,false\n"
    )


def landed(text: str, name: str = "semrush/2026-10-01/knifecraft.co.uk-backlinks.csv"):
    return land_bytes(name, text.encode(), CONFIG)


# --- rules at landing ---------------------------------------------------------------------------


def test_landing_quarantines_absurd_values_with_the_rules_reason():
    result = landed(
        SEMRUSH
        + semrush_row("https://ok.example.org/a")
        + semrush_row("https://dr.example.org/b", ascore="250")
        + semrush_row("https://future.example.org/c", first="2099-12-31")
        + semrush_row("https://epoch.example.org/d", first="1970-01-01")
        + semrush_row("http://blogspot.com/e")
        + semrush_row("https://unparseable-date.example.org/f", first="31/31/2026")
    )
    audit = result.audit
    assert (audit["status"], audit["rows_read"], audit["rows_loaded"], audit["rows_quarantined"]) == ("loaded", 6, 2, 4)
    assert result.quarantine.select("row_number", "reason").rows() == [
        (2, "ascore 250.0 outside 0–100"),
        (3, "vendor_first_seen 2099-12-31 is in the future"),
        (4, "vendor_first_seen 1970-01-01 is before 1995-01-01"),
        (5, "source_domain has no registrable domain (its host is a public suffix): 'http://blogspot.com/e'"),
    ]
    # an unreadable date is null, not a violation: the row loads
    assert result.rows.filter(pl.col("row_number") == 6)["vendor_first_seen"].to_list() == [None]


def test_a_date_outside_the_window_is_never_the_snapshot_date():
    from_name = landed(SEMRUSH + semrush_row("https://a.example.org/"), name="backlinks_2099-01-01.csv")
    assert (from_name.audit["snapshot_date"], from_name.audit["snapshot_date_source"]) == (
        dt.date(2026, 9, 28),
        "contents",
    )
    ancient = land_bytes(
        "x.csv", (SEMRUSH + semrush_row("https://a.example.org/", last="")).encode(), CONFIG, dt.datetime(1970, 1, 1)
    )
    assert (ancient.audit["snapshot_date"], ancient.audit["snapshot_date_source"]) == (TODAY, "ingested")


@pytest.mark.parametrize(
    ("rule", "column", "value", "reason"),
    [
        (rules.InRange("ctr", 0, 1), "ctr", 2.5, "ctr 2.5 outside 0–1"),
        (rules.InRange("position", 1), "position", 0.0, "position 0.0 outside ≥ 1"),
        (
            rules.OneOf("rel", rules.REL_VALUES),
            "rel",
            "dofollow",
            "rel 'dofollow' is not one of follow/nofollow/ugc/sponsored",
        ),
        (
            rules.Matches("source_host", rules.HOST_PATTERN, "a host"),
            "source_host",
            "Ex.com",
            "source_host 'Ex.com' is not a host",
        ),
        (
            rules.InWindow("published_at"),
            "published_at",
            dt.datetime(1994, 12, 31, 23),
            "published_at 1994-12-31 is before 1995-01-01",
        ),
    ],
)
def test_each_rule_names_column_value_and_bound(rule, column, value, reason):
    frame = pl.DataFrame({column: [value, None]})
    out = frame.select(pl.when(rule.violated(TODAY)).then(rule.message(TODAY))).to_series().to_list()
    assert out == [reason, None]  # null breaks no rule


def test_canonical_shapes_pass_the_patterns():
    urls = ["http://1.2.3.4/a", "https://[2001:db8::1]/", "https://ex.com:8080/p?q=1", "https://xn--bcher-kva.de/"]
    hosts = ["2001:db8::1", "my_blog.blogspot.com", "xn--bcher-kva.de", "1.2.3.4"]
    frame = pl.DataFrame({"u": urls, "h": hosts})
    assert frame.select(
        pl.col("u").str.contains(rules.URL_PATTERN).all(), pl.col("h").str.contains(rules.HOST_PATTERN).all()
    ).row(0) == (True, True)
    bad = pl.DataFrame({"u": ["ftp://ex.com/", "https://EX.com/", "https://ex.com"]})
    assert not bad.select(pl.col("u").str.contains(rules.URL_PATTERN).any()).item()


# --- GX suites, run as SQL inside a real DuckDB warehouse ---------------------------------------------

FILE = "semrush/2026-10-01/knifecraft.co.uk-backlinks.csv"


@pytest.fixture(scope="module")
def good_result():
    text = (
        SEMRUSH
        + "".join(semrush_row(f"https://site{i}.example.org/p") for i in range(5))
        + semrush_row("http://blogspot.com/x")
    )
    return landed(text, FILE)


def _warehouse(tmp_path, *results) -> tuple:
    """A warehouse file holding the landed files, as the ingest step writes it; (file_name, sha256) of each: the batch."""
    path = tmp_path / "build.duckdb"
    with wh.connect(path) as con:
        wh.ensure_tables(con)
        for result in results:
            wh.record_landed(con, result)
    return path, [(r.audit["file_name"], r.audit["sha256"]) for r in results]


def _sql(path, *statements: str) -> None:
    with wh.connect(path) as con:
        for statement in statements:
            con.execute(statement)


def test_the_batch_is_named_in_sql_whatever_its_file_names(tmp_path, good_result):
    """A file name is user input: quotes, colons (a SQLAlchemy parameter) and non-ASCII stay data."""
    odd = landed(SEMRUSH + semrush_row("https://odd.example.org/"), "it's: ünïcode :name.csv")
    path, files = _warehouse(tmp_path, good_result, odd)
    with wh.connect(path, read_only=True) as con:
        assert con.sql(suites.rows_query("backlinks", files[1:])).pl()["file_name"].to_list() == [
            "it's: ünïcode :name.csv"
        ]
        counts = con.sql(suites.files_query("backlinks", files)).pl().sort("file_name")
    assert counts.select(
        "rows_read", "rows_loaded", "rows_quarantined", "rows_in_raw", "rows_in_quarantine", "rows_unaccounted"
    ).rows() == [
        (1, 1, 0, 1, 0, 0),
        (6, 5, 1, 5, 1, 0),
    ]
    report = suites.validate_batch(path, "backlinks", files[1:], TODAY)  # through GX's SQL text too
    assert (report.passed, report.files, report.rows) == (True, 1, 1), report.reason()


def test_a_landed_batch_passes_every_expectation(tmp_path, good_result):
    path, files = _warehouse(tmp_path, good_result)
    report = suites.validate_batch(path, "backlinks", files, TODAY)
    assert report.passed, report.reason()
    assert report.metadata()["expectations_evaluated"] > 60 and (report.rows, report.files) == (5, 1)


def test_what_landing_would_have_quarantined_fails_a_blocking_expectation(tmp_path, good_result):
    """A code bug that lets bad values past landing is caught, named, and located — in SQL."""
    path, files = _warehouse(tmp_path, good_result)
    _sql(
        path,
        "update raw.backlinks set domain_rating = 250.0 where row_number = 2",
        "update raw.backlinks set rel = 'dofollow' where row_number = 3",
        "update raw.backlinks set source_url = 'javascript:alert(1)' where row_number = 4",
        "update raw.backlinks set vendor_first_seen = date '2099-01-01' where row_number = 5",
        "update audit.ingest_files set rows_read = rows_read + 1",
    )
    report = suites.validate_batch(path, "backlinks", files, TODAY)
    assert (report.passed, report.severity) == (False, suites.ERROR)
    by_severity = {(f.severity, f.rule) for f in report.failures}
    assert by_severity == {
        ("error", "domain_rating within 0–100"),
        ("error", "rel in {follow, nofollow, ugc, sponsored}"),
        ("error", "source_url is a canonical http(s) URL"),
        ("error", "vendor_first_seen between 1995-01-01 and today + 2 days"),
        ("error", "rows_read = rows_loaded + rows_quarantined"),
        ("warning", "vendor_first_seen ≤ vendor_last_seen"),  # the 2099 first-seen is also after last-seen
    }
    assert report.failures[-1].severity == "warning"  # errors are listed first
    reason = report.reason()
    assert (
        reason.startswith("6 of ")
        and f"[error] domain_rating within 0–100: 1 of 5 rows (e.g. 250.0 at {FILE} row 2)" in reason
    )
    assert f"[error] rows_read = rows_loaded + rows_quarantined: 1 of 1 rows (e.g. 1 at {FILE})" in reason


def test_a_column_of_the_wrong_type_fails_the_schema_suite(tmp_path, good_result):
    path, files = _warehouse(tmp_path, good_result)
    _sql(path, "alter table raw.backlinks alter domain_rating type varchar")
    report = suites.validate_batch(path, "backlinks", files, TODAY)
    failures = {f.rule: f.describe() for f in report.failures}
    assert report.severity == suites.ERROR and set(failures) == {
        "domain_rating is DOUBLE",
        "domain_rating within 0–100",
    }
    assert failures["domain_rating is DOUBLE"] == "domain_rating is DOUBLE (e.g. observed VARCHAR)"
    assert (
        "Cannot compare" in failures["domain_rating within 0–100"]
    )  # the range cannot even be evaluated: DuckDB says why


def test_an_oddity_fails_with_warning_severity_only(tmp_path, good_result):
    path, files = _warehouse(tmp_path, good_result)
    _sql(path, "update raw.backlinks set vendor_first_seen = date '2026-09-30' where row_number = 1")
    report = suites.validate_batch(path, "backlinks", files, TODAY)
    assert report.severity == suites.WARNING
    assert [f.describe() for f in report.failures] == [
        f"vendor_first_seen ≤ vendor_last_seen: 1 of 5 rows (e.g. vendor_last_seen=2026-09-28, vendor_first_seen=2026-09-30 at {FILE} row 1)"
    ]


def test_only_the_batch_is_validated(tmp_path, good_result):
    """Rows of files published earlier are not this refresh's business, even when they are odd."""
    other = landed(
        SEMRUSH + semrush_row("https://other.example.org/"), "semrush/2026-09-01/knifecraft.co.uk-backlinks.csv"
    )
    path, files = _warehouse(tmp_path, good_result, other)
    _sql(path, f"update raw.backlinks set rel = 'dofollow' where file_sha256 = '{other.audit['sha256']}'")
    assert suites.validate_batch(path, "backlinks", files[:1], TODAY).passed
    assert not suites.validate_batch(path, "backlinks", files, TODAY).passed


def test_the_validation_worker_judges_a_batch_as_this_process_does(tmp_path, good_result):
    """The worker (started while files land, so GX imports on the other core) returns the same
    report, failures included; when it is gone, the check validates in its own process."""
    from dagster_project.quality import worker

    path, files = _warehouse(tmp_path, good_result)
    _sql(path, "update raw.backlinks set rel = 'dofollow' where row_number = 3")
    here = suites.validate_batch(path, "backlinks", files, TODAY)
    assert worker.start() and not worker.start()  # one worker at a time
    try:
        process = worker._worker._process
        there = worker.validate_batch(path, "backlinks", files, TODAY)
        assert (there.passed, there.rows, there.reason()) == (False, 5, here.reason())
        assert [(f.rule, f.examples) for f in there.failures] == [(f.rule, f.examples) for f in here.failures]
        assert process.poll() is None  # it serves the next batch too
        process.kill()
        process.wait()
        fallback = worker.validate_batch(path, "backlinks", files, TODAY)  # the worker died: validated here
        assert fallback.reason() == here.reason() and worker._worker is None
    finally:
        worker.stop_quietly()
    worker.start()
    process = worker._worker._process
    worker.stop()
    assert process.wait(timeout=60) == 0  # a closed stdin ends the worker cleanly


def test_the_gx_engine_keeps_results_a_closed_connection_would_discard(tmp_path, good_result):
    """The root cause of GX's `list index out of range` on DuckDB: a result fetched after its
    connection closed. Through our dialect it is complete."""
    from dagster_project.quality import sql_engine

    path, _ = _warehouse(tmp_path, good_result)
    engine = sql_engine.read_only_engine(path)
    with engine.connect() as con:
        result = con.execute(sa.text("select count(*), min(row_number) from raw.backlinks"))
    assert result.fetchall() == [(5, 1)]  # GX fetches here, after the `with` (duckdb-engine alone: [])
    with engine.connect() as con:  # a big result is buffered only in part, and read whole while open
        big = con.execute(sa.text(f"select range from range({sql_engine.BUFFERED_ROWS * 2 + 7})")).scalars().all()
    assert big == list(range(sql_engine.BUFFERED_ROWS * 2 + 7))
    engine.dispose()


def test_every_rule_has_a_blocking_expectation():
    expectations = suites.row_expectations("rankings", TODAY) + suites.schema_expectations("rankings")
    by_rule = {e.meta["rule"]: e.meta["severity"] for e in expectations}
    for rule in (*rules.LINEAGE_RULES, *rules.RULES["rankings"]):
        assert by_rule[rule.text] == suites.ERROR
    assert by_rule["clicks ≤ impressions"] == suites.WARNING


# --- drift and freshness ------------------------------------------------------------------------------


def _groups(rows: list[tuple]) -> pl.LazyFrame:
    return pl.DataFrame(rows, schema=drift.GROUP_SCHEMA, orient="row").lazy()


def test_sites_are_assigned_like_the_staging_model():
    groups = _groups(
        [
            ("ahrefs", dt.date(2026, 10, 1), True, "www.knifecraft.co.uk", "knifecraft.co.uk", None, "a.org", 3),
            ("ahrefs", dt.date(2026, 10, 1), True, "shop.blogspot.com", "shop.blogspot.com", None, "b.org", 1),
            ("ahrefs", dt.date(2026, 10, 1), True, "x.shop.blogspot.com", "shop.blogspot.com", None, "c.org", 1),
            ("gsc", dt.date(2026, 10, 1), False, None, None, "knifecraft.co.uk", "d.org", 2),
            (
                "ahrefs",
                dt.date(2026, 10, 1),
                True,
                "blog.knifecraft.co.uk",
                "knifecraft.co.uk",
                None,
                "knifecraft.co.uk",
                9,
            ),
            ("ahrefs", dt.date(2026, 10, 1), True, "other.example", "other.example", None, "e.org", 4),
        ]
    )
    assigned = drift.assign_sites(groups, CONFIG.site_domains).select("site_domain", "source_domain").collect().rows()
    assert assigned == [
        ("knifecraft.co.uk", "a.org"),
        ("shop.blogspot.com", "b.org"),
        ("shop.blogspot.com", "c.org"),
        ("knifecraft.co.uk", "d.org"),
    ]


def _counts(rows: list[tuple]) -> pl.DataFrame:
    schema = {
        "site_domain": pl.String,
        "source_tool": pl.String,
        "snapshot_date": pl.Date,
        "referring_domains": pl.Int64,
        "links": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_drift_compares_the_newest_snapshot_with_the_previous_one_of_the_same_tool():
    aug, sep, oct_ = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)
    counts = _counts(
        [
            ("knifecraft.co.uk", "ahrefs", aug, 10, 10),  # old history: not judged
            ("knifecraft.co.uk", "ahrefs", sep, 100, 200),
            ("knifecraft.co.uk", "ahrefs", oct_, 40, 300),  # domains -60 %, links exactly +50 %
            ("knifecraft.co.uk", "moz", sep, 50, 50),
            ("knifecraft.co.uk", "moz", oct_, 120, 51),  # domains +140 %
            ("bladeworks.com", "ahrefs", oct_, 5, 5),  # a single snapshot: nothing to compare
            ("bladeworks.com", "majestic", sep, 0, 0),
            ("bladeworks.com", "majestic", oct_, 9, 9),  # from zero: no ratio
        ]
    )
    assert drift.describe_drift(drift.drift(counts, 0.5)) == [
        "knifecraft.co.uk · ahrefs: referring domains 100 → 40 (-60%) from 2026-09-01 to 2026-10-01",
        "knifecraft.co.uk · moz: referring domains 50 → 120 (+140%) from 2026-09-01 to 2026-10-01",
    ]


def test_freshness_flags_old_tools_and_sites_without_any_snapshot():
    today = dt.date(2026, 11, 24)
    counts = _counts(
        [
            ("knifecraft.co.uk", "ahrefs", dt.date(2026, 10, 1), 1, 1),  # 54 days
            ("knifecraft.co.uk", "moz", dt.date(2026, 11, 1), 1, 1),  # 23 days
            ("bladeworks.com", "ahrefs", dt.date(2026, 10, 10), 1, 1),  # exactly 45: fine
        ]
    )
    found = drift.stale(counts, CONFIG.site_domains, today, 45)
    assert drift.describe_stale(found, 45) == [
        "knifecraft.co.uk · ahrefs: newest snapshot 2026-10-01 is 54 days old (limit 45)",
        "shop.blogspot.com: no backlink snapshot from any tool",
    ]


# --- how the CLI shows these checks ----------------------------------------------------------------------


def test_the_cli_prints_our_reason_escaped_and_a_warning_does_not_fail_the_run(monkeypatch, tmp_path):
    import io

    import dagster as dg
    from rich.console import Console

    from dagster_project.cli import common, job, output

    monkeypatch.setenv("BACKLINKS_WAREHOUSE", str(tmp_path / "w.duckdb"))
    screen = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=screen, width=300))
    reason = job.check_reason(
        {"reason": dg.MetadataValue.text("rel 'x[/]' is not one of …"), "drifts": dg.MetadataValue.json([])}
    )
    assert reason == "rel 'x\\[/]' is not one of …"  # rich markup escaped: printed verbatim
    warned = job.RunOutcome(success=True, passed_checks=3, warned_checks=[("raw/backlinks", "snapshot_drift", reason)])
    assert output.report_outcome(warned, []) == common.EXIT_OK
    printed = screen.getvalue()
    assert "1 warnings" in printed and "raw/backlinks · snapshot_drift: rel 'x[/]' is not one of" in printed
    failed = job.RunOutcome(success=False, failed_checks=[("raw/backlinks", "batch_expectations", "6 of 73 failed")])
    assert output.report_outcome(failed, []) == common.EXIT_PROBLEMS
