"""`backlinks export`: the marts as files for spreadsheets and BI tools (Power BI, Tableau, Excel).

One file per mart, `<mart>.<ext>`, written from the *published* warehouse through a read-only
connection (a refresh builds elsewhere and publishes with `os.replace`, so an export never blocks
it and always sees one complete state). The work happens inside DuckDB: every format is a
`select` over the mart, streamed to the file by `COPY … TO` (Parquet, CSV) or fetched once as an
Arrow-backed Polars frame (XLSX).

- Parquet keeps DuckDB's types (dates, timestamps, booleans, integers, doubles) and text exactly as
  the vendor wrote it: it is read by programs, not opened as a spreadsheet.
- CSV and XLSX are opened by people in spreadsheets, so every text cell goes through the project's
  formula-injection rule (`safe_text.csv_safe_sql`: a cell starting with `=`, `+`, `-`, `@`, tab
  or CR gets a leading apostrophe), column-wise in SQL. CSV is UTF-8 with a byte-order mark (Excel
  otherwise decodes it as the local code page). XLSX keeps numbers as numbers and dates as dates,
  and never turns a string into a formula, URL or number (xlsxwriter's options).
- Each file is written beside its final name and renamed into place, so a failed export never
  leaves a truncated file where an earlier good one was.

The command is cli/export.py; everything here is importable and tested without it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.safe_text import csv_safe_sql

# The marts the public contract lists; `backlinks export` without TABLE writes those the warehouse
# has (a mart of a feature this warehouse was not built with is skipped with a note).
CONTRACT_MARTS = (
    "fct_backlinks",
    "dim_referring_domains",
    "profile_diversity",
    "link_velocity",
    "topical_coverage",
    "competitor_gaps",
    "disavow_candidates",
    "unlinked_mentions",
    "keyword_rankings",
    "ledger_links",
    "lost_links",
    "reclamation_targets",
    "link_changes",
)
FORMATS = ("parquet", "csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
XLSX_MAX_CHARS = 32_767  # Excel's limit per cell; xlsxwriter would cut a longer string silently
XLSX_CUT_MARK = "… [cut: Excel holds 32,767 characters per cell]"


class ExportUsageError(ValueError):
    """Bad usage (an unknown table, no warehouse): one line for the user, exit 2."""


class ExportError(RuntimeError):
    """One table could not be written in the asked format (the others still are)."""


@dataclass(frozen=True)
class TablePlan:
    tables: list[str]
    notes: list[str] = field(default_factory=list)  # contract marts this warehouse does not have


def plan_tables(requested: Sequence[str], existing: Collection[str]) -> TablePlan:
    """Which marts to export. No TABLE: every contract mart the warehouse has, with a note for each
    it lacks. Named tables (`competitor_gaps` or `marts.competitor_gaps`, any mart of the warehouse,
    contract or not) in the order given, once each; an unknown one is a usage error."""
    existing = set(existing)
    if not requested:
        tables = [name for name in CONTRACT_MARTS if name in existing]
        notes = [
            f"marts.{name} is not in this warehouse (a feature it was not built with): skipped"
            for name in CONTRACT_MARTS
            if name not in existing
        ]
        return TablePlan(tables, notes)
    tables: list[str] = []
    for raw in requested:
        name = raw.strip().lower().removeprefix("marts.")
        if name not in existing:
            known = ", ".join(sorted(existing)) or "none"
            raise ExportUsageError(f"unknown table {raw!r}: the warehouse's marts are {known}")
        if name not in tables:
            tables.append(name)
    return TablePlan(tables)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def safe_select(con, table: str) -> str:
    """`select` over marts.<table> with every text column (and any nested value, written as text)
    through the formula-injection rule; other columns keep their types."""
    columns = con.sql(
        "select column_name, data_type from duckdb_columns() where schema_name = 'marts' and table_name = ?"
        " order by column_index",
        params=[table],
    ).fetchall()
    select = []
    for name, data_type in columns:
        column = _ident(name)
        textual = data_type == "VARCHAR" or data_type.endswith("]") or data_type.startswith(("STRUCT", "MAP", "UNION"))
        if textual:
            text = column if data_type == "VARCHAR" else f"cast({column} as varchar)"
            select.append(f"{csv_safe_sql(text)} as {column}")
        else:
            select.append(column)
    return f"select {', '.join(select)} from marts.{_ident(table)}"


def row_count(con, table: str) -> int:
    return con.sql(f"select count(*) from marts.{_ident(table)}").fetchall()[0][0]


def _part(path: Path) -> Path:
    """Where a file is written before it is renamed into place."""
    return path.with_name(path.name + ".part")


def export_parquet(con, table: str, path: Path) -> None:
    con.execute(
        f"copy (select * from marts.{_ident(table)}) to {_sql_string(str(_part(path)))} (format parquet, compression zstd)"
    )


def export_csv(con, table: str, path: Path) -> None:
    body = path.with_name(path.name + ".body.part")
    try:
        con.execute(f"copy ({safe_select(con, table)}) to {_sql_string(str(body))} (format csv, header true)")
        with open(_part(path), "wb") as out, open(body, "rb") as source:
            out.write(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel then reads UTF-8, not the local code page
            shutil.copyfileobj(source, out, 1 << 20)
    finally:
        body.unlink(missing_ok=True)


def fit_excel_cells(frame):
    """Cut every text cell longer than Excel holds, ending it with a visible mark (never silently),
    and count the cut cells per column. `frame`: a Polars DataFrame; returns (frame, {column: cut})."""
    import polars as pl

    limit = XLSX_MAX_CHARS - len(XLSX_CUT_MARK)
    cut = {}
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        too_long = frame.get_column(name).str.len_chars() > XLSX_MAX_CHARS
        if count := int(too_long.sum() or 0):
            cut[name] = count
            frame = frame.with_columns(
                pl.when(too_long).then(pl.col(name).str.slice(0, limit) + XLSX_CUT_MARK).otherwise(pl.col(name))
            )
    return frame, cut


def export_xlsx(con, table: str, path: Path) -> list[str]:
    from xlsxwriter import Workbook

    rows = row_count(con, table)
    if rows > XLSX_MAX_ROWS:
        raise ExportError(
            f"marts.{table} has {rows:,} rows, more than an Excel sheet holds ({XLSX_MAX_ROWS:,}): "
            "not written; export it as parquet or csv"
        )
    frame, cut = fit_excel_cells(con.sql(safe_select(con, table)).pl())
    workbook = Workbook(
        str(_part(path)),
        {
            # text stays text: no string becomes a formula, a hyperlink (65,530 per sheet) or a number
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
            "default_date_format": "yyyy-mm-dd",
            "use_zip64": True,
        },
    )
    try:
        frame.write_excel(
            workbook,
            worksheet=table[:31],
            table_name=table,
            autofit=rows <= 10_000,  # autofit measures every cell: only where it stays cheap
            freeze_panes=(1, 0),
            float_precision=2,
        )
    finally:
        workbook.close()
    return [
        f"marts.{table}.{column}: {count:,} cell(s) longer than Excel's {XLSX_MAX_CHARS:,} characters were cut"
        " (marked in the cell); csv and parquet keep them whole"
        for column, count in cut.items()
    ]


WRITERS = {"parquet": export_parquet, "csv": export_csv, "xlsx": export_xlsx}


def existing_marts(con) -> set[str]:
    return {row[0] for row in con.sql("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()}


@dataclass(frozen=True)
class Written:
    table: str
    path: Path
    rows: int


def export_tables(
    warehouse: Path, out_dir: Path, fmt: str, requested: Sequence[str] = ()
) -> tuple[list[Written], list[str], list[str]]:
    """Write the planned marts of `warehouse` into `out_dir` as `fmt`. Returns (written, notes,
    errors); raises ExportUsageError for bad usage (nothing written)."""
    from dagster_project import warehouse as wh

    if fmt not in WRITERS:
        raise ExportUsageError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if not warehouse.is_file():
        raise ExportUsageError(f"no warehouse at {warehouse}: run `backlinks refresh` first")
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportUsageError(f"--out {out_dir} is a file, not a folder")
    with wh.connect(warehouse, read_only=True) as con:
        existing = existing_marts(con)
        if not existing:
            raise ExportUsageError(f"{warehouse} has no marts yet: run `backlinks refresh` first")
        plan = plan_tables(requested, existing)
        out_dir.mkdir(parents=True, exist_ok=True)
        written, errors, notes = [], [], list(plan.notes)
        for table in plan.tables:
            path = out_dir / f"{table}.{fmt}"
            try:
                notes.extend(WRITERS[fmt](con, table, path) or ())
                os.replace(_part(path), path)
            except ExportError as exc:
                errors.append(str(exc))
                continue
            finally:
                _part(path).unlink(missing_ok=True)
            written.append(Written(table, path, row_count(con, table)))
    return written, notes, errors
