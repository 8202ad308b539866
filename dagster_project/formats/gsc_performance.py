"""Google Search Console Performance export -> ranking rows.

The export is a ZIP (or an xlsx) of small tables, one per report tab, plus `Filters.csv`:
```
Top queries,Clicks,Impressions,CTR,Position      -> one row per keyword    (url, date null)
Top pages,Clicks,Impressions,CTR,Position        -> one row per url        (keyword, date null)
Date,Clicks,Impressions,CTR,Position             -> one row per day        (keyword, url null)
Countries / Devices / Search appearance          -> not loaded (aggregates with no keyword/url/day)
Filter,Value                                     -> the date range and country/device filters
```
Headers, member names, the delimiter and the decimal separator follow the UI language (Czech:
`Nejčastější dotazy;Kliknutí;Zobrazení;CTR;Pozice`, `4,2%`, `10,00 %`), so a table is known by its
shape (five columns, the fourth `CTR`) and its first column's name; the metrics are positional.
CTR becomes a 0-1 fraction; zero-impression rows have empty CTR/Position, which stay null.
Each table is also accepted on its own as a CSV (the `*_TABLE` formats).

Format: docs/export-formats.md#google-search-console-performance
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable

import polars as pl

from dagster_project.formats import _archive
from dagster_project.formats import _columns as c
from dagster_project.formats.base import ContainerFormat, ParsedExport, TableFormat, UnrecognisedExport
from dagster_project.formats.text import read_table
from dagster_project.normalise import values

# First-column names by table (normalised, `|`-separated), as far as known per UI language; a
# name we do not list is recognised by its stem.
_FIRST_COLUMN = {
    "queries": (
        (
            "top queries|query|queries|nejčastější dotazy|dotaz|häufigste suchanfragen|suchanfrage|"
            "consultas principales|consulta|requêtes les plus fréquentes|requête|query principali|"
            "principais consultas|populairste zoekopdrachten|najczęstsze zapytania"
        ),
        r"quer|dotaz|consult|requ[eê]te|anfrage|zapyt|zoekopdr|sorgu|запрос",
    ),
    "pages": (
        (
            "top pages|page|pages|nejčastější stránky|stránka|top-seiten|häufigste seiten|seite|"
            "páginas principales|página|pages les plus populaires|pagine principali|páginas principais|"
            "populairste pagina's|najpopularniejsze strony"
        ),
        r"page|pági|seite|strán|strona|pagin|sayfa|страниц",
    ),
    "dates": ("date|datum|data|fecha|tarih|дата|päivämäärä|dátum|ημερομηνία", None),
    "countries": ("countries|country|země|länder|países|pays|paesi|landen|kraje", None),
    "devices": ("devices|device|zařízení|geräte|dispositivos|appareils|dispositivi|apparaten|urządzenia", None),
    "appearance": (
        (
            "search appearance|vzhled ve vyhledávání|darstellung in der suche|aparición en búsquedas|"
            "apparence dans les résultats de recherche"
        ),
        r"appearance|vzhled",
    ),
}
_LOADED = ("queries", "pages", "dates")
_FILTER_HEADER = {"filter", "filtr", "filtro", "filtre", "фильтр"}
_FILTER_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|[A-Z][a-z]{2,8} \d{1,2}, \d{4}"
)
_FILTER_COUNTRY = {"country", "země", "land", "país", "pays", "paese", "kraj"}
_FILTER_DEVICE = {"device", "zařízení", "gerät", "dispositivo", "appareil", "urządzenie"}


def table_role(first_column: str) -> str | None:
    """Which report tab a table is, from its (normalised) first column name."""
    for role, (names, _stem) in _FIRST_COLUMN.items():
        if first_column in names.split("|"):
            return role
    for role, (_names, stem) in _FIRST_COLUMN.items():
        if stem and re.search(stem, first_column):
            return role
    return None


def _is_metric_table(headers: list[str]) -> bool:
    return len(headers) == 5 and headers[3] == "ctr"


def _decimal_comma(frame: pl.DataFrame, ctr: str, position: str) -> bool | None:
    """Localised exports write `4,2%` / `11,7`; English ones never put a comma in CTR or Position."""
    commas = frame.select(pl.any_horizontal(pl.col(ctr, position).str.contains(",", literal=True)).any()).item()
    return True if commas else None


def _mapper(role: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def to_canonical(frame: pl.DataFrame) -> pl.DataFrame:
        first, clicks, impressions, ctr, position = frame.columns[:5]  # reader appends row_number last
        comma = _decimal_comma(frame, ctr, position)
        key = values.to_text(pl.col(first))
        typed_key = {
            "queries": key.alias("keyword"),
            "pages": key.alias("url"),
            "dates": values.to_date(key).alias("ranking_date"),
        }[role]
        return frame.select(
            "row_number",
            typed_key,
            values.to_float(pl.col(clicks), comma).alias("clicks"),
            values.to_float(pl.col(impressions), comma).alias("impressions"),
            values.to_fraction(pl.col(ctr), comma).alias("ctr"),
            values.to_float(pl.col(position), comma).alias("position"),
        )

    return to_canonical


def _table_format(role: str) -> TableFormat:
    return TableFormat(
        name=f"gsc_performance_{role}",
        kind="rankings",
        source_tool="gsc",
        matches=lambda headers: _is_metric_table(headers) and table_role(headers[0]) == role,
        to_canonical=_mapper(role),
        snapshot_from_rows=c.latest_ranking_date if role == "dates" else None,
    )


QUERIES_TABLE = _table_format("queries")
PAGES_TABLE = _table_format("pages")
DATES_TABLE = _table_format("dates")
TABLE_FORMATS = [QUERIES_TABLE, PAGES_TABLE, DATES_TABLE]
_LOADED_FORMATS = {f.name for f in TABLE_FORMATS}
# Inside the ZIP a row without its table's key is rejected: (key column, reason) per table.
_KEYS = {
    QUERIES_TABLE.name: ("keyword", "empty query"),
    PAGES_TABLE.name: ("url", "empty page URL"),
    DATES_TABLE.name: ("ranking_date", "unreadable date"),
}

# Inside the ZIP only: tables we recognise but do not load, and the filter list.
_SKIPPED_TABLE = TableFormat(
    name="gsc_performance_other",
    kind="rankings",
    source_tool="gsc",
    matches=lambda headers: _is_metric_table(headers) and table_role(headers[0]) not in _LOADED,
    to_canonical=lambda frame: frame.select("row_number"),
)
_FILTERS_TABLE = TableFormat(
    name="gsc_performance_filters",
    kind="rankings",
    source_tool="gsc",
    matches=lambda headers: len(headers) == 2 and headers[0] in _FILTER_HEADER,
    to_canonical=lambda frame: frame.select(
        "row_number", *[pl.col(col).alias(n) for col, n in zip(frame.columns[:2], ("filter", "value"), strict=True)]
    ),
)
_MEMBER_FORMATS = [*TABLE_FORMATS, _SKIPPED_TABLE, _FILTERS_TABLE]


# --- the whole export ------------------------------------------------------------------------


def _filters(parsed: ParsedExport) -> tuple[dt.date | None, dict[str, str], str]:
    """(end of the date range, constant columns implied by the filters, a readable summary)."""
    rows = parsed.rows.with_columns(pl.col("filter").str.strip_chars(), pl.col("value").str.strip_chars())
    summary = "; ".join(f"{f}={v}" for f, v in rows.select("filter", "value").iter_rows())  # a handful of lines
    dates = rows.select(
        values.to_date(pl.col("value").str.extract_all(_FILTER_DATE.pattern).explode()).alias("d")
    ).get_column("d")
    end = dates.max() if dates.len() else None
    constants: dict[str, str] = {}
    for name, value in rows.select(pl.col("filter").str.to_lowercase(), "value").iter_rows():
        if name in _FILTER_COUNTRY and value:
            constants["country"] = value
        elif name in _FILTER_DEVICE and value:
            constants["device"] = value.lower()
    return (end if isinstance(end, dt.date) else None), constants, summary


def _members(data: bytes, file_name: str) -> list[tuple[str, bytes]]:
    """(name, CSV bytes) of each table: ZIP members, or xlsx sheets rendered as CSV."""
    archive = _archive.open_zip(data, file_name)
    if _archive.is_xlsx(data):
        try:
            sheets = [(name, _archive.read_sheet(data, name)) for name in _archive.sheet_names(data)]
        except _archive.WORKBOOK_ERRORS as exc:
            raise UnrecognisedExport(f"{file_name}: cannot read the workbook ({exc})") from exc
        # each sheet rendered as CSV text, so the tables go through the same reader as the ZIP's
        return [(name, cells.write_csv(include_header=False).encode()) for name, cells in sheets]
    names = [n for n in archive.namelist() if n.lower().endswith(".csv") and not n.startswith("__MACOSX/")]
    return [(n, _archive.read_member(archive, n, file_name)) for n in names]


def _parse_members(data: bytes, file_name: str) -> list[tuple[str, ParsedExport]]:
    parsed = []
    for name, member in _members(data, file_name):  # a loop over the export's few tables
        try:
            parsed.append((name, read_table(member, f"{file_name}/{name}", _MEMBER_FORMATS)))
        except UnrecognisedExport as exc:
            parsed.append((name, ParsedExport("unrecognised", "rankings", "gsc", pl.DataFrame(), notes=[str(exc)])))
    return parsed


def _sniff(data: bytes, file_name: str) -> bool:
    if not _archive.is_zip(data):
        return False
    try:
        names = [n.rsplit("/", 1)[-1].lower() for n in zipfile.ZipFile(io.BytesIO(data)).namelist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    is_xlsx = _archive.is_xlsx(data)
    csvs = [n for n in names if n.endswith(".csv")]
    if not is_xlsx and not 0 < len(csvs) <= 12:
        return False
    try:
        _archive.open_zip(data, file_name)
    except UnrecognisedExport:
        # Reading the directory inflated nothing; claim an unsafe ZIP of tables so that read()
        # rejects it with the archive's own reason instead of a vague "unrecognised".
        return not is_xlsx
    if not is_xlsx and {"queries.csv", "pages.csv", "dates.csv", "chart.csv"} & set(csvs):
        return True  # English member names are enough; localised ones need a look inside
    try:
        return any(p.format_name in _LOADED_FORMATS for _, p in _parse_members(data, file_name))
    except UnrecognisedExport:
        return False


def _read(data: bytes, file_name: str) -> ParsedExport:
    members = _parse_members(data, file_name)
    rows, rejected, notes = [], [], []
    range_end, constants, latest_day = None, {}, None
    offset = 0
    for name, parsed in members:  # a loop over tables; rows stay column-wise
        if parsed.format_name == _FILTERS_TABLE.name:
            range_end, constants, summary = _filters(parsed)
            notes.append(f"GSC filters: {summary}")
            continue
        if parsed.format_name not in _LOADED_FORMATS:
            what = "not loaded" if parsed.format_name == _SKIPPED_TABLE.name else "not recognised"
            notes.append(f"{name}: {what}" + (f" ({parsed.notes[0]})" if what == "not recognised" else ""))
            continue
        key, reason = _KEYS[parsed.format_name]
        good, bad = c.reject_where(parsed.rows_with_raw(), pl.col(key).is_null(), reason)
        # one row_number sequence for the whole ZIP, table after table
        size = int(
            max(parsed.rows.get_column("row_number").max() or 0, parsed.rejected.get_column("row_number").max() or 0)
        )
        shift = pl.col("row_number") + offset
        rows.append(good.with_columns(shift))
        rejected.append(pl.concat([parsed.rejected, bad]).with_columns(shift))
        notes.append(
            f"{name}: {parsed.format_name.removeprefix('gsc_performance_')}, rows {offset + 1}-{offset + size}"
        )
        offset += size
        if parsed.format_name == DATES_TABLE.name:
            latest_day = c.latest_ranking_date(good)
    if not rows:
        raise UnrecognisedExport(f"{file_name}: a ZIP without a GSC Queries, Pages or Dates table")
    out = pl.concat(rows, how="diagonal_relaxed").with_columns(
        *[pl.lit(v, dtype=pl.String).alias(k) for k, v in constants.items()]
    )
    return ParsedExport(
        format_name=GSC_PERFORMANCE.name,
        kind="rankings",
        source_tool="gsc",
        rows=c.ordered(out, "rankings"),
        rejected=pl.concat(rejected).sort("row_number"),
        snapshot_hint=range_end or latest_day,
        notes=notes,
    )


GSC_PERFORMANCE = ContainerFormat(name="gsc_performance", kind="rankings", source_tool="gsc", sniff=_sniff, read=_read)
