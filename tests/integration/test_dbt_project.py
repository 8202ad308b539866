"""The dbt project on its hand-made fixture warehouse: every model, data test, contract and unit
test (the maths of every mart, pinned on hand-computed cases) must pass; and a data test that
finds failing rows keeps them in test_failures for a user to query, while passing tests leave
nothing behind (dbt/macros/materializations/test.sql)."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.fixtures.dbt_fixture import seed_minimal_warehouse


def dbt(warehouse: Path, work: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BACKLINKS_BUILD_PATH": str(warehouse)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", ".", "--project-dir", ".",
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=ROOT / "dbt", env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_fixture")
    warehouse = seed_minimal_warehouse(work / "fixture.duckdb")
    return warehouse, work, dbt(warehouse, work, "build")


def test_dbt_build_with_unit_tests_is_green(built):
    _, _, proc = built
    summary = [line for line in proc.stdout.splitlines() if "Done. PASS=" in line]
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert summary and "ERROR=0" in summary[-1]
    # the unit tests ran (a refresh excludes them; this is where they are enforced)
    assert "unit_test" in proc.stdout or "unit test" in proc.stdout


def failure_tables(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            r[0]
            for r in con.sql("select table_name from duckdb_tables() where schema_name = 'test_failures'").fetchall()
        ]


def test_failing_rows_are_kept_only_for_failing_tests(built):
    warehouse, work, proc = built
    assert proc.returncode == 0 and failure_tables(warehouse) == []  # everything passed: nothing stored
    with duckdb.connect(str(warehouse)) as con:  # a link whose id went missing
        link_id = con.sql("select min(link_id) from marts.fct_backlinks").fetchall()[0][0]
        con.execute("update marts.fct_backlinks set link_id = null where link_id = ?", [link_id])
    failed = dbt(warehouse, work, "test", "--select", "fct_backlinks", "--exclude", "test_type:unit")
    assert failed.returncode == 1
    assert failure_tables(warehouse) == ["row_rules_fct_backlinks"]  # the one failing test, named
    with duckdb.connect(str(warehouse), read_only=True) as con:  # the failing row, and which rule it breaks
        stored = con.sql("select broken_rules, source_url from test_failures.row_rules_fct_backlinks").fetchall()
        expected = con.sql(
            "select 'link_id is not null;', source_url from marts.fct_backlinks where link_id is null"
        ).fetchall()
    assert stored == expected and len(stored) == 1

    with duckdb.connect(str(warehouse)) as con:
        con.execute("update marts.fct_backlinks set link_id = ? where link_id is null", [link_id])
    fixed = dbt(warehouse, work, "test", "--select", "fct_backlinks", "--exclude", "test_type:unit")
    assert fixed.returncode == 0, fixed.stdout[-3000:]
    assert failure_tables(warehouse) == []  # the stale failures of the earlier run are gone


def test_a_broken_row_rule_names_the_rule_and_keeps_the_row(built):
    """Each model's row-level checks run as one row_rules test; its stored failures say which
    rule each failing row breaks."""
    warehouse, work, _ = built
    with duckdb.connect(str(warehouse)) as con:  # two vendor metrics out of 0..100
        link_id = con.sql("select min(link_id) from marts.fct_backlinks").fetchall()[0][0]
        saved = con.sql(
            "select domain_rating, spam_score from marts.fct_backlinks where link_id = ?", params=[link_id]
        ).fetchall()[0]
        con.execute("update marts.fct_backlinks set domain_rating = 150, spam_score = -1 where link_id = ?", [link_id])
    try:
        failed = dbt(warehouse, work, "test", "--select", "fct_backlinks", "--exclude", "test_type:unit")
        assert failed.returncode == 1
        assert failure_tables(warehouse) == ["row_rules_fct_backlinks"]
        with duckdb.connect(str(warehouse), read_only=True) as con:
            stored = con.sql("select link_id, broken_rules from test_failures.row_rules_fct_backlinks").fetchall()
        assert stored == [
            (
                link_id,
                "domain_rating is null or (domain_rating >= 0 and domain_rating <= 100); "
                "spam_score is null or (spam_score >= 0 and spam_score <= 100);",
            )
        ]
    finally:
        with duckdb.connect(str(warehouse)) as con:
            con.execute(
                "update marts.fct_backlinks set domain_rating = ?, spam_score = ? where link_id = ?", [*saved, link_id]
            )


def test_a_duplicated_key_fails_the_row_rules_test_naming_the_key(built):
    """The grain of a model (its unique keys) is checked by the same row_rules test: every row of a
    duplicated key is kept, saying which key; nulls in a key compare as values."""
    warehouse, work, _ = built
    with duckdb.connect(str(warehouse)) as con:  # one link twice
        link_id = con.sql("select min(link_id) from marts.fct_backlinks").fetchall()[0][0]
        con.execute("insert into marts.fct_backlinks select * from marts.fct_backlinks where link_id = ?", [link_id])
    try:
        failed = dbt(warehouse, work, "test", "--select", "fct_backlinks", "--exclude", "test_type:unit")
        assert failed.returncode == 1
        # (the singular test that referring domains add up to links fails too: the copy is one more link)
        assert "row_rules_fct_backlinks" in failure_tables(warehouse)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            stored = con.sql(
                "select broken_rules, link_id from test_failures.row_rules_fct_backlinks order by 1"
            ).fetchall()
        assert (
            stored
            == [("duplicate (link_id)", link_id)] * 2
            + [("duplicate (site_domain, source_url, target_url)", link_id)] * 2
        )
    finally:
        with duckdb.connect(str(warehouse)) as con:
            con.execute(
                "delete from marts.fct_backlinks where rowid = (select max(rowid) from marts.fct_backlinks where link_id = ?)",
                [link_id],
            )
    assert dbt(warehouse, work, "test", "--select", "fct_backlinks", "--exclude", "test_type:unit").returncode == 0
    assert failure_tables(warehouse) == []
