"""The README's BI recipes work as written: Superset's SQLAlchemy URL (duckdb-engine) opens the
published sample read-only and runs the three example queries, which are taken from
docs/bi-queries.sql — the same text the README shows (checked here, so neither can drift)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.conftest import ROOT

QUERIES_FILE = ROOT / "docs" / "bi-queries.sql"
READER = "import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True).sql('select count(*) from marts.competitor_gaps').fetchall()[0][0])"


def example_queries() -> dict[str, str]:
    """name -> SQL of each `-- name:` block of docs/bi-queries.sql."""
    blocks = re.split(r"(?m)^-- name: ", QUERIES_FILE.read_text())[1:]
    return {name.strip(): sql.strip() for name, sql in (block.split("\n", 1) for block in blocks)}


def superset_url(warehouse) -> str:
    # the README's form: four slashes before an absolute path, read-only through a DuckDB setting
    return f"duckdb:///{warehouse}?access_mode=read_only"


def test_the_readme_shows_exactly_the_tested_queries():
    readme = (ROOT / "README.md").read_text()
    queries = example_queries()
    assert set(queries) == {"top_competitor_gaps", "referring_domains_over_time", "unlinked_mentions"}
    for name, sql in queries.items():
        assert sql in readme, f"README's `{name}` differs from docs/bi-queries.sql"
    assert "duckdb:////" in readme and "?access_mode=read_only" in readme


def test_superset_url_runs_the_example_queries_read_only(sample_refresh):
    url = superset_url(sample_refresh.warehouse)
    assert url.startswith("duckdb:////")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            results = {name: con.execute(sa.text(sql)).mappings().all() for name, sql in example_queries().items()}
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                con.execute(sa.text("create table analyst_scratch (x int)"))
            # while this client has it open, another process still opens it read-only (as the DuckDB
            # CLI, Metabase or a refresh's copy do)
            other = subprocess.run(
                [sys.executable, "-c", READER, str(sample_refresh.warehouse)],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert other.returncode == 0 and int(other.stdout) > 0, other.stderr
    finally:
        engine.dispose()

    gaps = results["top_competitor_gaps"]
    assert 0 < len(gaps) <= 25
    scores = [row["opportunity_score"] for row in gaps]
    assert scores == sorted(scores, reverse=True)  # best first
    site = sample_refresh.query("select site_domain from config.sites where role = 'site'")[0][0]
    assert all(row["competitors_linked"] >= 1 for row in gaps)

    over_time = results["referring_domains_over_time"]
    sites = {row["site_domain"] for row in over_time}
    assert site in sites and len(sites) == 4  # the site and its three competitors
    assert len({row["snapshot_date"] for row in over_time}) >= 2  # a series, not one point

    mentions = results["unlinked_mentions"]
    assert 0 < len(mentions) <= 25
    assert all(row["mention_url"].startswith("http") for row in mentions)
