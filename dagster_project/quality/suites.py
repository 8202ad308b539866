"""Great Expectations suites for one landed batch, built from `quality/rules.py`.

One suite per batch type (backlinks, mentions, rankings, ledger) over the rows landed in this refresh,
plus one row-count reconciliation suite over the batch's audit rows. Every expectation carries
`meta = {"severity": "error" | "warning", "rule": <readable text>}`: `error` expectations mirror
what landing already enforces (a failure means a code bug and blocks publishing), `warning`
ones flag oddities worth a look (a first-seen date after the last-seen one).

The batch is validated where it is: GX's SQL data source on the build copy of the warehouse
(read-only, through `quality/sql_engine.py`, which explains why GX needs its own DuckDB dialect),
over queries that select this refresh's files. Every expectation runs as SQL inside DuckDB; no
frame is converted to pandas. GX is imported lazily: it costs seconds, and only a refresh that
landed something needs it.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagster_project import schema
from dagster_project.quality import rules

ERROR, WARNING = "error", "warning"
EXAMPLES = 3  # unexpected values quoted per failed expectation
_SHOWN_CHARS = 60


def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx, gxe


def _meta(severity: str, rule: str) -> dict:
    return {"severity": severity, "rule": rule}


def _rule_expectation(rule: rules.Rule, today: dt.date):
    _, gxe = _gx()
    meta = _meta(ERROR, rule.text)
    if isinstance(rule, rules.Required):
        return gxe.ExpectColumnValuesToNotBeNull(column=rule.column, meta=meta)
    if isinstance(rule, rules.InRange):
        return gxe.ExpectColumnValuesToBeBetween(column=rule.column, min_value=rule.low, max_value=rule.high, meta=meta)
    if isinstance(rule, rules.InWindow):
        earliest = dt.datetime.combine(rules.EARLIEST_DATE, dt.time())
        latest = dt.datetime.combine(rules.latest_date(today), dt.time.max)
        return gxe.ExpectColumnValuesToBeBetween(column=rule.column, min_value=earliest, max_value=latest, meta=meta)
    if isinstance(rule, rules.OneOf):
        return gxe.ExpectColumnValuesToBeInSet(column=rule.column, value_set=list(rule.values), meta=meta)
    if isinstance(rule, rules.Matches):
        return gxe.ExpectColumnValuesToMatchRegex(column=rule.column, regex=rule.pattern, meta=meta)
    raise TypeError(f"no expectation for {rule!r}")


def _not_after(later: str, earlier: str):
    _, gxe = _gx()
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=later,
        column_B=earlier,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        meta=_meta(WARNING, f"{earlier} ≤ {later}"),
    )


# Oddities that are not wrong enough to quarantine a row or stop a refresh.
WARNINGS: dict[str, list[tuple[str, str]]] = {
    "backlinks": [("vendor_last_seen", "vendor_first_seen")],
    "mentions": [],
    "rankings": [("impressions", "clicks")],
    "ledger": [],
    "referring_domains": [("vendor_last_seen", "vendor_first_seen")],
}

# Where a failing row is: the file it came from and its row number (the batch query adds file_name).
ROW_INDEX = ["file_name", "row_number"]


def schema_expectations(kind: str) -> list:
    """raw.<kind>'s columns in schema.py's order, each of the type DuckDB stores it as."""
    _, gxe = _gx()
    columns = schema.full_schema(kind)
    expected = [
        gxe.ExpectTableColumnsToMatchOrderedList(
            column_list=list(columns), meta=_meta(ERROR, f"columns of raw.{kind} as in schema.py")
        )
    ]
    for name, dtype in columns.items():
        sql_type = schema.duckdb_type(dtype)
        expected.append(
            gxe.ExpectColumnValuesToBeInTypeList(
                column=name, type_list=[sql_type], meta=_meta(ERROR, f"{name} is {sql_type}")
            )
        )
    return expected


def row_expectations(kind: str, today: dt.date) -> list:
    """Lineage and value rules (error, quality/rules.py), oddities (warning); run on every row."""
    expected = [_rule_expectation(rule, today) for rule in (*rules.LINEAGE_RULES, *rules.RULES[kind])]
    return expected + [_not_after(later, earlier) for later, earlier in WARNINGS[kind]]


FILE_INDEX = ["file_name"]


def file_expectations(kind: str) -> list:
    """Row-count reconciliation of every audit row of the batch (see `files_query`)."""
    _, gxe = _gx()
    return [
        gxe.ExpectColumnValuesToBeInSet(
            column="status", value_set=["loaded", "rejected"], meta=_meta(ERROR, "status is loaded or rejected")
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="rows_unaccounted",
            min_value=0,
            max_value=0,
            meta=_meta(ERROR, "rows_read = rows_loaded + rows_quarantined"),
        ),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="rows_loaded",
            column_B="rows_in_raw",
            meta=_meta(ERROR, f"rows_loaded = the file's rows in raw.{kind}"),
        ),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="rows_quarantined",
            column_B="rows_in_quarantine",
            meta=_meta(ERROR, "rows_quarantined = the file's rows in audit.quarantine"),
        ),
    ]


# --- the batch, as SQL over the build copy ------------------------------------------------------
#
# GX validates queries, so the batch is named in SQL. File names are user input and GX reads a
# query as a SQLAlchemy text clause (where `:x` is a parameter), so a file is named by a hex key of
# its audit row, md5(file_name, sha256), which needs no quoting at all. The file hashes are listed
# as constants too: raw rows are appended file by file, so DuckDB skips every row group of other
# files by its min/max (the batch costs what it holds, not what the warehouse holds).

File = tuple[str, str]  # (file_name, sha256) of an audit row
_HEX = re.compile(r"[0-9a-f]+")


def batch_key(file_name: str, sha256: str) -> str:
    """The key of one audit row (DuckDB computes the same as `md5(file_name || chr(10) || sha256)`)."""
    return hashlib.md5(f"{file_name}\n{sha256}".encode()).hexdigest()


def _listed(values: Sequence[str]) -> str:
    """Hex digests as SQL literals (hex needs no quoting; anything else is a bug upstream)."""
    for value in values:
        if not _HEX.fullmatch(value):
            raise ValueError(f"not a hex digest: {value!r}")
    return ", ".join(f"'{v}'" for v in values) or "null"


def _batch_filters(files: Sequence[File], audit: str, sha_column: str) -> str:
    keys = _listed([batch_key(name, sha) for name, sha in files])
    shas = _listed([sha for _, sha in files])
    return f"{sha_column} in ({shas}) and md5({audit}.file_name || chr(10) || {audit}.sha256) in ({keys})"


def rows_query(kind: str, files: Sequence[File]) -> str:
    """raw.<kind> rows of the batch's files, plus the file_name each came from."""
    assert kind in schema.KINDS, kind  # an identifier from our own list, never from input
    return (
        f"select r.*, f.file_name from raw.{kind} as r join audit.ingest_files as f on r.file_sha256 = f.sha256 "
        f"where f.kind = '{kind}' and f.status = 'loaded' and {_batch_filters(files, 'f', 'r.file_sha256')}"
    )


def files_query(kind: str, files: Sequence[File]) -> str:
    """One row per audit row of the batch: its counts next to what the warehouse holds for its sha256."""
    assert kind in schema.KINDS, kind
    shas = _listed([sha for _, sha in files])
    # (GX takes a query that starts with SELECT: subqueries, not a WITH clause)
    return (
        "select f.file_name, f.sha256, f.status, f.rows_read, f.rows_loaded, f.rows_quarantined, "
        "coalesce(in_raw.n, 0) as rows_in_raw, coalesce(in_quarantine.n, 0) as rows_in_quarantine, "
        "f.rows_read - f.rows_loaded - f.rows_quarantined as rows_unaccounted "
        "from audit.ingest_files as f "
        f"left join (select file_sha256, count(*) as n from raw.{kind} where file_sha256 in ({shas}) group by all) "
        "as in_raw on in_raw.file_sha256 = f.sha256 "
        f"left join (select file_sha256, count(*) as n from audit.quarantine where file_sha256 in ({shas}) group by all) "
        "as in_quarantine on in_quarantine.file_sha256 = f.sha256 "
        f"where f.kind = '{kind}' and {_batch_filters(files, 'f', 'f.sha256')}"
    )


# --- running a suite ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    rule: str
    severity: str
    unexpected: int | None  # rows (None for table-level expectations)
    of: int | None
    examples: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = self.rule
        if self.unexpected is not None:
            text += f": {self.unexpected:,} of {self.of:,} rows"
        if self.examples:
            text += f" (e.g. {'; '.join(self.examples)})"
        return text


@dataclass
class SuiteResult:
    name: str
    evaluated: int
    failures: list[Failure]
    seconds: float

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def severity(self) -> str | None:
        """The worst severity among the failures (None when everything passed)."""
        if not self.failures:
            return None
        return ERROR if any(f.severity == ERROR for f in self.failures) else WARNING


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def _where(item: dict, index_columns: Sequence[str]) -> str:
    parts = [f"row {item.get(c)}" if c == "row_number" else str(item.get(c)) for c in index_columns]
    return " ".join(parts)


def _examples(result: dict, index_columns: Sequence[str]) -> list[str]:
    """`250.0 at a.csv row 5` from GX's partial lists (the values, and where they are)."""
    out = []
    for item in result.get("partial_unexpected_index_list") or []:
        values = {k: v for k, v in item.items() if k not in index_columns}
        shown = ", ".join(_shown(v) if len(values) == 1 else f"{k}={_shown(v)}" for k, v in values.items())
        out.append(f"{shown} at {_where(item, index_columns)}" if shown else _where(item, index_columns))
    if not out:
        out = [_shown(v) for v in result.get("partial_unexpected_list") or []]
    return out[:EXAMPLES]


def _exception(info: dict) -> str | None:
    """The message of an expectation that could not be evaluated (GX nests it per metric)."""
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return str(nested[0].get("exception_message")) if nested else None


class Warehouse:
    """A throwaway ephemeral GX context whose one SQL data source is a DuckDB file, read-only
    (nothing written to disk, analytics and progress bars off). GX's metric queries run inside
    DuckDB: no rows leave the database except the few quoted as examples."""

    def __init__(self, path: Path) -> None:
        gx, _ = _gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        from dagster_project.quality import sql_engine

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_sql(
            "warehouse", connection_string=sql_engine.url(path), kwargs=sql_engine.READ_ONLY
        )
        self._runs = 0

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        # Close the pooled DuckDB connections: DuckDB refuses a second connection to the file
        # with another configuration (the next check's, or the writer's) while these are open.
        self.source.get_engine().dispose()  # the data source's (GX tests the connection with it)
        self.source.get_execution_engine().engine.dispose()  # the one GX validates through

    def query(self, name: str, sql: str):
        return self.source.add_query_asset(name, query=sql).add_batch_definition_whole_table(name)

    def table(self, name: str, schema_name: str, table_name: str):
        return self.source.add_table_asset(
            name, table_name=table_name, schema_name=schema_name
        ).add_batch_definition_whole_table(name)

    def count(self, sql: str) -> int:
        """Rows of a query, through the engine GX validates with (its pooled connection)."""
        import sqlalchemy as sa

        with self.source.get_execution_engine().engine.connect() as con:
            return con.execute(sa.text(f"select count(*) from ({sql}) as counted")).scalar_one()

    def run(self, data, expectations: list, result_format: dict | str) -> list:
        gx = self._gx
        self._runs += 1
        name = f"run_{self._runs}"
        # copies: an expectation object belongs to the first suite it joins
        suite = self.context.suites.add(
            gx.ExpectationSuite(name=name, expectations=[copy.copy(e) for e in expectations])
        )
        definition = self.context.validation_definitions.add(gx.ValidationDefinition(name=name, data=data, suite=suite))
        return definition.run(result_format=result_format).results


def _failure(result, index_columns: Sequence[str]) -> Failure:
    meta = result.expectation_config.meta or {}
    details = result.result or {}
    error = _exception(result.exception_info or {})
    examples = [_shown(error)] if error else _examples(details, index_columns)
    if not examples and details.get("observed_value") is not None:
        examples = [f"observed {_shown(details['observed_value'])}"]
    return Failure(
        rule=meta.get("rule", result.expectation_config.type),
        severity=meta.get("severity", ERROR),
        unexpected=details.get("unexpected_count"),
        of=details.get("element_count"),
        examples=examples,
    )


def validate(
    warehouse: Warehouse, data, expectations: list, name: str, index_columns: Sequence[str] = ()
) -> SuiteResult:
    """Run `expectations` on one data asset of `warehouse` and keep what failed.

    Two passes: every expectation as pass/fail only (GX's cheapest result format), then only the
    failed ones again for counts, examples and where they are. A clean batch — the normal case —
    pays for the first pass alone."""
    started = time.perf_counter()
    results = warehouse.run(data, expectations, "BOOLEAN_ONLY")
    failed = [r.expectation_config.to_domain_obj() for r in results if not r.success]
    failures = []
    if failed:
        result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES}
        if index_columns:
            result_format["unexpected_index_column_names"] = list(index_columns)
        details = warehouse.run(data, failed, result_format)
        failures = [_failure(r, index_columns) for r in details if not r.success]
    return SuiteResult(name, len(results), failures, time.perf_counter() - started)


# --- one batch: the three suites and what a person reads ----------------------------------------

SHOWN_FAILURES = 5  # failed expectations named in the one-line reason (all are in the metadata)


@dataclass
class BatchReport:
    kind: str
    files: int
    rows: int
    results: list[SuiteResult]

    @property
    def failures(self) -> list[Failure]:
        found = [f for r in self.results for f in r.failures]
        return sorted(found, key=lambda f: f.severity != ERROR)  # errors first, stable otherwise

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def severity(self) -> str | None:
        failures = self.failures
        if not failures:
            return None
        return ERROR if failures[0].severity == ERROR else WARNING

    def reason(self) -> str:
        failures = self.failures
        if not failures:
            return ""
        evaluated = sum(r.evaluated for r in self.results)
        shown = "; ".join(f"[{f.severity}] {f.describe()}" for f in failures[:SHOWN_FAILURES])
        more = f"; and {len(failures) - SHOWN_FAILURES} more" if len(failures) > SHOWN_FAILURES else ""
        return (
            f"{len(failures)} of {evaluated} expectations failed on {self.rows:,} new {self.kind} rows "
            f"from {self.files} files: {shown}{more}"
        )

    def metadata(self) -> dict:
        return {
            "reason": self.reason() or "every expectation passed",
            "failed_expectations": [
                {"rule": f.rule, "severity": f.severity, "unexpected": f.unexpected, "of": f.of, "examples": f.examples}
                for f in self.failures
            ],
            "files_validated": self.files,
            "rows_validated": self.rows,
            "expectations_evaluated": sum(r.evaluated for r in self.results),
            "gx_seconds": round(sum(r.seconds for r in self.results), 2),
        }


def validate_batch(path: Path, kind: str, files: Sequence[File], today: dt.date) -> BatchReport:
    """The batch (the audit rows `files` names) of the warehouse file at `path`
    through the schema suite (raw.<kind>'s columns and types), the row suite (every row of the
    batch's files) and the reconciliation suite (its audit rows)."""
    rows_sql = rows_query(kind, files)
    with Warehouse(path) as warehouse:
        results = [
            validate(warehouse, warehouse.table("schema", "raw", kind), schema_expectations(kind), f"{kind}_schema"),
            validate(
                warehouse, warehouse.query("rows", rows_sql), row_expectations(kind, today), f"{kind}_rows", ROW_INDEX
            ),
            validate(
                warehouse,
                warehouse.query("files", files_query(kind, files)),
                file_expectations(kind),
                f"{kind}_files",
                FILE_INDEX,
            ),
        ]
        rows = warehouse.count(rows_sql)
    return BatchReport(kind, len(files), rows, results)
