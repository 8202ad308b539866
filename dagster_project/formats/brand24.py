"""Brand24 mention export -> mention rows.

The export is an xlsx with a sheet `Mentions`: row 0 empty, the header on row 1 after an empty
first column (`"",ID,Date,Hrs,Title,Content,Source,Domain,Category,Sentiment,Tags`). `Source`
is the mention URL, `Date` and `Hrs` are separate cells, sentiment is 1/-1/0 or a word. The same
table saved as CSV is read by the shared text reader with the same mapping (`BRAND24_CSV`).

Format: docs/export-formats.md#brand24
"""

from __future__ import annotations

import polars as pl

from dagster_project.formats import _archive
from dagster_project.formats import _columns as c
from dagster_project.formats.base import ContainerFormat, ParsedExport, TableFormat, UnrecognisedExport
from dagster_project.formats.text import normalise_header, pick
from dagster_project.normalise import values

SHEET = "mentions"
_HEADER_SEARCH_ROWS = 30
_REQUIRED = {"date", "source"}


def _matches(headers: list[str]) -> bool:
    h = set(headers)
    return h >= _REQUIRED and "hrs" in h and bool(h & {"id", "title", "content"})


def _published(cols: list[str]) -> pl.Expr:
    """`Date` + `Hrs` -> one timestamp. Excel cells arrive as `2026-09-01 00:00:00` and
    `1899-12-31 14:05:00` (a time-only cell is a datetime on Excel's day zero); text cells as
    `2026-09-01` and `14:05`."""
    day = values.to_date(pl.col("date")).dt.to_string("%Y-%m-%d")
    clock = pick(cols, "hrs").str.extract(r"(\d{1,2}:\d{2}(?::\d{2})?)\s*$", 1)
    combined = pl.when(clock.is_not_null()).then(pl.concat_str([day, pl.lit(" "), clock.str.zfill(5)])).otherwise(day)
    return values.to_datetime(combined)


def to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """String frame with Brand24's normalised header names -> canonical mention columns."""
    cols = frame.columns
    url = c.url_text(pl.col("source"))
    return frame.select(
        "row_number",
        url.alias("mention_url"),
        c.first_text(cols, "title").alias("title"),
        c.first_text(cols, "content", "text").alias("content"),
        _published(cols).alias("published_at"),
        c.sentiment(pick(cols, "sentiment")).alias("sentiment"),
        c.source_type(pick(cols, "category", "source type")).alias("source_type"),
        c.first_text(cols, "language", "lang").str.to_lowercase().alias("language"),
        values.to_float(pick(cols, "reach", "estimated reach", "influence score")).alias("reach"),
    )


# --- xlsx -------------------------------------------------------------------------------------


def _header_index(frame: pl.DataFrame) -> int | None:
    """Row index of the first row (among the first few) whose cells form a Brand24 header."""
    for i, row in enumerate(frame.head(_HEADER_SEARCH_ROWS).iter_rows()):  # header search, not data
        if _matches([normalise_header(cell or "") for cell in row]):
            return i
    return None


def _find_sheet(data: bytes) -> tuple[str, int] | None:
    """(sheet, header row) of the mentions table: the `Mentions` sheet first, then any sheet."""
    names = _archive.sheet_names(data)
    ordered = sorted(names, key=lambda n: n.strip().lower() != SHEET)
    for name in ordered:
        index = _header_index(_archive.read_sheet(data, name, n_rows=_HEADER_SEARCH_ROWS))
        if index is not None:
            return name, index
    return None


def _column_names(header: list[str | None]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, cell in enumerate(header):
        name = normalise_header(cell or "") or f"column_{i + 1}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _raw(names: list[str]) -> pl.Expr:
    """The row as one CSV line (what the quarantine shows for a spreadsheet row)."""
    fields = [
        pl.when(pl.col(n).str.contains(r'[,"\n\r]'))
        .then(pl.lit('"') + pl.col(n).str.replace_all('"', '""', literal=True) + pl.lit('"'))
        .otherwise(pl.col(n).fill_null(""))
        for n in names
    ]
    return pl.concat_str(fields, separator=",")


def _sniff(data: bytes, file_name: str) -> bool:
    if not _archive.is_xlsx(data):
        return False
    try:
        _archive.open_zip(data, file_name)  # vet sizes before calamine inflates anything
        return _find_sheet(data) is not None
    except UnrecognisedExport:
        return True  # ours to reject with the archive's own reason (read() raises it)
    except _archive.WORKBOOK_ERRORS:  # a workbook calamine cannot open is simply not ours
        return False


def _read(data: bytes, file_name: str) -> ParsedExport:
    _archive.open_zip(data, file_name)
    try:
        found = _find_sheet(data)
    except _archive.WORKBOOK_ERRORS as exc:
        raise UnrecognisedExport(f"{file_name}: cannot read the workbook ({exc})") from exc
    if found is None:
        raise UnrecognisedExport(f"{file_name}: no sheet with a Brand24 header (ID, Date, Hrs, Source, …)")
    sheet, index = found
    cells = _archive.read_sheet(data, sheet)
    names = _column_names(list(cells.row(index)))
    body = cells.slice(index + 1)
    body.columns = names
    body = body.with_row_index("row_number", offset=1).with_columns(
        pl.col("row_number").cast(pl.Int64), _raw(names).alias("raw")
    )
    empty = pl.all_horizontal([pl.col(n).fill_null("").str.strip_chars() == "" for n in names])
    kept = body.filter(~empty)
    mapped = to_canonical(kept).with_columns(kept.get_column("raw"))  # select keeps row order
    rows, no_url = c.reject_where(mapped, pl.col("mention_url").is_null(), "no mention URL (Source is empty)")
    blank = body.filter(empty).select("row_number", pl.lit("empty row").alias("reason"), "raw")
    rejected = pl.concat([blank, no_url]).sort("row_number")
    notes = [] if sheet.strip().lower() == SHEET else [f"mentions read from sheet {sheet!r}"]
    return ParsedExport(
        format_name=BRAND24.name,
        kind=BRAND24.kind,
        source_tool=BRAND24.source_tool,
        rows=c.ordered(rows, "mentions"),
        rejected=rejected,
        snapshot_hint=c.latest_published(rows),
        notes=notes,
    )


BRAND24 = ContainerFormat(name="brand24_mentions", kind="mentions", source_tool="brand24", sniff=_sniff, read=_read)

BRAND24_CSV = TableFormat(
    name="brand24_mentions_csv",
    kind="mentions",
    source_tool="brand24",
    matches=_matches,
    to_canonical=to_canonical,
    snapshot_from_rows=c.latest_published,
)
