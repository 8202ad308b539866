"""The Parquet lake the Spark target reads its sources from (README, "Running on Spark").

One folder per canonical table, `<lake>/<schema>/<table>/`, for the schemas dbt reads as sources
(raw, audit, config); the dbt macro register_lake_sources makes each folder the Spark table
<schema>.<table>. Written from a DuckDB warehouse the refresh has landed, so Spark builds exactly
the rows DuckDB builds from.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

SOURCE_SCHEMAS = ("raw", "audit", "config")


def export_lake(warehouse: Path, lake: Path, schemas: tuple[str, ...] = SOURCE_SCHEMAS) -> dict[str, int]:
    """Write every table of `schemas` in `warehouse` to `lake`; returns rows per `schema.table`.

    Each table's folder is written beside its place and swapped in, so a reader never sees half
    a table; the warehouse is opened read-only and never changed.
    """
    lake.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ("
            + ", ".join("?" for _ in schemas)
            + ") order by all",
            list(schemas),
        ).fetchall()
        for schema, table in tables:
            target = lake / schema / table
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{table}-", dir=target.parent))
            quoted = f'"{schema}"."{table}"'
            path = str(staging / "part-0.parquet").replace("'", "''")
            con.execute(f"copy {quoted} to '{path}' (format parquet, compression zstd)")
            rows[f"{schema}.{table}"] = con.execute(f"select count(*) from {quoted}").fetchone()[0]
            if target.exists():
                old = target.with_name(f".{table}-old")
                shutil.rmtree(old, ignore_errors=True)
                os.replace(target, old)
                os.replace(staging, target)
                shutil.rmtree(old)
            else:
                os.replace(staging, target)
    return rows


def main(argv: list[str] | None = None) -> int:
    """`python -m dagster_project.spark_lake [--warehouse PATH] [--lake DIR]`: exit 0 written, 2 no
    such warehouse."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m dagster_project.spark_lake", description=main.__doc__)
    parser.add_argument(
        "--warehouse", type=Path, default=Path(os.environ.get("BACKLINKS_WAREHOUSE") or "data/warehouse.duckdb")
    )
    parser.add_argument("--lake", type=Path, default=Path(os.environ.get("BACKLINKS_LAKE") or "data/lake"))
    args = parser.parse_args(argv)
    if not args.warehouse.is_file():
        print(f"error: no warehouse at {args.warehouse} (run `backlinks refresh` first)", file=sys.stderr)
        return 2
    rows = export_lake(args.warehouse, args.lake)
    print(f"{len(rows)} tables, {sum(rows.values())} rows written to {args.lake}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
