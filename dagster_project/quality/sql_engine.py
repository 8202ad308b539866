"""A read-only SQLAlchemy engine on a DuckDB file that Great Expectations can validate through.

GX 1.24 with duckdb-engine 0.17 fails every expectation with `MetricResolutionError: list index
out of range`. The cause is an ordering of three libraries, none wrong on its own:

1. GX's `SqlAlchemyExecutionEngine.execute_query` runs a query inside `with engine.connect()`
   (DuckDB is not among the dialects it keeps one connection open for) and returns the result;
   `resolve_metric_bundle` calls `.fetchall()` on it *after* that block has closed the connection.
2. SQLAlchemy 2 closes a connection by rolling back the transaction it began for the query.
3. duckdb-engine begins a real DuckDB transaction, and its DBAPI cursor is the DuckDB connection
   itself: DuckDB's rollback discards the pending result, so the late `fetchall()` sees `[]`.

`select count(*)` through the same engine works because it is fetched inside the block. The fix
here is at that root: a result is fetched before `execute` returns (SQLAlchemy's own
`FullyBufferedCursorFetchStrategy`, the mechanism its MSSQL dialect uses for the same reason), so
closing the connection has nothing left to discard. GX's metric queries return aggregates or a few
example rows; the one big result GX asks for (its batch query, to learn the column names) is
buffered only up to `BUFFERED_ROWS` rows and never read further. The dialect is registered as
`duckdb.buffered` (URL `duckdb+buffered:///path`); everything else is duckdb-engine's.
"""

from __future__ import annotations

import collections
from pathlib import Path

import duckdb_engine
import sqlalchemy as sa
from sqlalchemy.dialects import registry
from sqlalchemy.engine import cursor as sa_cursor

BUFFERED_ROWS = 10_000


class BufferedExecutionContext(duckdb_engine.Dialect.execution_ctx_cls):
    def post_exec(self) -> None:
        super().post_exec()
        description = self.cursor.description
        if description is None:  # a statement that returns no rows
            return
        rows = self.cursor.fetchmany(BUFFERED_ROWS)
        if len(rows) < BUFFERED_ROWS:  # all of it: GX's metric queries, its example rows
            self.cursor_fetch_strategy = sa_cursor.FullyBufferedCursorFetchStrategy(self.cursor, description, rows)
        else:  # a big result (GX reads only the column names of its batch query): stream the rest
            self.cursor_fetch_strategy = sa_cursor.BufferedRowCursorFetchStrategy(
                self.cursor, self.execution_options, initial_buffer=collections.deque(rows)
            )


class BufferedDialect(duckdb_engine.Dialect):
    # GX picks its SQL for regular expressions and type names by dialect name, and knows no
    # "duckdb": as "postgresql" (what duckdb-engine's SQL already is) it writes `column ~ pattern`
    # (DuckDB: a partial match, as in PostgreSQL; our patterns are anchored) and compares type
    # names as text.
    name = "postgresql"
    execution_ctx_cls = BufferedExecutionContext
    supports_statement_cache = False

    def get_columns(self, connection, table_name, schema=None, **kw):
        """Columns from DuckDB's information_schema, typed as DuckDB names them. (SQLAlchemy 2.1's
        PostgreSQL reflection joins pg_catalog.pg_collation, which DuckDB does not have.)"""
        rows = connection.execute(
            sa.text(
                "select column_name, data_type, is_nullable = 'YES' from information_schema.columns "
                "where table_name = :table and table_schema = coalesce(:schema, current_schema()) "
                "order by ordinal_position"
            ),
            {"table": table_name, "schema": schema},
        ).all()
        if not rows:
            raise sa.exc.NoSuchTableError(f"{schema}.{table_name}" if schema else table_name)
        return [
            {"name": name, "type": DuckDBType(data_type), "nullable": nullable, "default": None}
            for name, data_type, nullable in rows
        ]


class DuckDBType(sa.types.UserDefinedType):
    """A column type as DuckDB names it (`DOUBLE`, `DECIMAL(18,3)`): what the schema checks compare."""

    cache_ok = True

    def __init__(self, name: str) -> None:
        self.name = name

    def get_col_spec(self, **kw) -> str:
        return self.name


registry.register("duckdb.buffered", __name__, "BufferedDialect")


READ_ONLY = {"connect_args": {"read_only": True}}  # create_engine kwargs: readers and other checks may hold the file


def url(path: Path) -> str:
    return sa.engine.URL.create("duckdb+buffered", database=str(path)).render_as_string()


def read_only_engine(path: Path) -> sa.Engine:
    return sa.create_engine(url(path), **READ_ONLY)
