"""Export a landed DuckDB warehouse to the Parquet lake the Spark target reads (README, "Running on
Spark"): the migration path of an existing DuckDB warehouse. `backlinks refresh --engine spark`
writes the same lake directly (lake.py); an exported lake is in exactly that layout (one file per
landed file version, raw partitioned by snapshot date), so refreshes on Spark continue from it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from dagster_project import lake as lake_mod


def export_lake(warehouse: Path, lake: Path) -> dict[str, int]:
    """Write the raw, audit and config tables of `warehouse` to `lake`; returns rows per
    `schema.table`. The lake is written beside its place and swapped in whole, so a reader never
    sees half of it; the warehouse is opened read-only and never changed."""
    lake = Path(lake)
    lake.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{lake.name}-", dir=lake.parent))
    try:
        rows = lake_mod.export_warehouse(warehouse, staging)
        if lake.exists():
            old = lake.with_name(f".{lake.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(lake, old)
            os.replace(staging, lake)
            shutil.rmtree(old)
        else:
            os.replace(staging, lake)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
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
