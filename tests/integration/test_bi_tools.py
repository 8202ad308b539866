"""The BI tools themselves open the published sample and read what DuckDB 2.x reads.

- Superset 6.1 (its own pinned environment): the README's SQLAlchemy URI passes "Test
  connection", the database is added, and SQL Lab returns every contract mart's row count and the
  README's three example queries with the same rows as DuckDB 2.x.
- Evidence: its DuckDB connector (@evidence-dev/duckdb on @duckdb/node-api 1.4, Node) runs the same
  queries with the same rows.

Both are slow to install the first time on a machine (uv and npm caches make later runs quick).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

import duckdb
import pytest

from dagster_project.export import CONTRACT_MARTS
from tests.fixtures import bi_tools
from tests.integration.test_bi_recipes import example_queries, superset_url

pytestmark = pytest.mark.e2e

_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?")


def _value(value):
    """One spelling for what a tool's JSON and DuckDB's Python objects say about the same cell:
    dates and timestamps to 'YYYY-MM-DD HH:MM' (a tool sends text), numbers to 6 significant digits."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d 00:00")
    if isinstance(value, str) and (match := _ISO.match(value)) and len(value) <= 30:
        return f"{match[1]} {match[2] or '00:00'}"
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        number = float(value)
        return number if number == 0 or math.isnan(number) else float(f"{number:.6g}")
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    return value


def _rows(rows: list[dict]) -> list[dict]:
    return [{key: _value(value) for key, value in row.items()} for row in rows]


def _expected(warehouse, sql: str) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        result = con.sql(sql)
        return _rows([dict(zip(result.columns, row, strict=True)) for row in result.fetchall()])


@pytest.fixture(scope="module")
def questions(sample_refresh) -> dict[str, str]:
    with duckdb.connect(str(sample_refresh.warehouse), read_only=True) as con:
        present = {
            name
            for (name,) in con.sql(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
    counts = {f"count {name}": f"select count(*) as n from marts.{name}" for name in CONTRACT_MARTS if name in present}
    assert len(counts) >= 10
    return {**counts, **example_queries()}


def test_superset_connects_and_sql_lab_reads_every_mart(sample_refresh, questions):
    answer = bi_tools.superset_sqllab(superset_url(sample_refresh.warehouse), list(questions.values()))
    assert answer["test_connection"] == 200, answer
    results = dict(zip(questions, answer["results"], strict=True))
    for name, sql in questions.items():
        got, expected = results[name], _expected(sample_refresh.warehouse, sql)
        assert not isinstance(got, dict), f"{name}: {got}"
        if re.search(r"\blimit\b", sql, re.IGNORECASE):
            # Superset 6.1's SQL Lab (through its API, DuckDB engine) replaced the query's own LIMIT
            # with the row limit of its dropdown: more rows come back, the first ones are these
            assert _rows(got)[: len(expected)] == expected, name
        else:
            assert _rows(got) == expected, name


def test_evidence_connector_reads_every_mart(sample_refresh, questions, tmp_path):
    connector = bi_tools.evidence_connector(tmp_path)
    answers = bi_tools.evidence_queries(connector, sample_refresh.warehouse, list(questions.values()))
    for (name, sql), answer in zip(questions.items(), answers, strict=True):
        assert _rows(answer["rows"]) == _expected(sample_refresh.warehouse, sql), name
    dates = {column["name"]: column["evidenceType"] for column in answers[-2]["columnTypes"]}
    assert dates["snapshot_date"] == "date" and dates["referring_domains"] == "number"  # typed, not text
