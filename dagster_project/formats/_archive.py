"""Opening ZIP-based exports (GSC Performance ZIP, xlsx) without trusting their headers, and reading xlsx sheets.

A ZIP declares each member's sizes in its central directory; a "zip bomb" declares (or hides)
a huge uncompressed size behind a tiny compressed one. We refuse archives whose declared sizes
or ratios are implausible for an export *before* inflating anything, and we still cap the bytes
actually inflated, because the declared sizes can lie.

Format: docs/export-formats.md#how-a-file-is-recognised
"""

from __future__ import annotations

import io
import zipfile

import fastexcel
import polars as pl

from dagster_project.formats.base import UnrecognisedExport

ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 2_000  # xlsx files carry a few dozen parts; GSC ZIPs seven CSVs
MAX_MEMBER_BYTES = 256 * 1024 * 1024  # one inflated member
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all inflated members together
MAX_RATIO = 200  # text/XML compresses ~5-20x; 200x+ is a bomb, not an export
_RATIO_FLOOR = 1024 * 1024  # tiny members may compress absurdly well (runs of blanks): ignore ratio below 1 MiB
_CHUNK = 1024 * 1024


def is_zip(data: bytes) -> bool:
    return data[:4] == ZIP_MAGIC


def open_zip(data: bytes, file_name: str) -> zipfile.ZipFile:
    """Open `data` as a ZIP and vet its central directory; raise UnrecognisedExport if unsafe or broken."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UnrecognisedExport(f"{file_name}: not a readable ZIP archive ({exc})") from exc
    if len(infos) > MAX_MEMBERS:
        raise UnrecognisedExport(f"{file_name}: ZIP has {len(infos)} members (limit {MAX_MEMBERS}); refusing it")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise UnrecognisedExport(
            f"{file_name}: ZIP declares {total:,} uncompressed bytes (limit {MAX_TOTAL_BYTES:,}); refusing a possible zip bomb"
        )
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            raise UnrecognisedExport(
                f"{file_name}: ZIP member {info.filename!r} declares {info.file_size:,} bytes "
                f"(limit {MAX_MEMBER_BYTES:,}); refusing a possible zip bomb"
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnrecognisedExport(
                f"{file_name}: ZIP member {info.filename!r} compresses {info.file_size // max(info.compress_size, 1):,}:1 "
                f"(limit {MAX_RATIO}:1); refusing a possible zip bomb"
            )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, file_name: str) -> bytes:
    """Inflate one member, never past its declared size (a lying header cannot inflate more)."""
    info = archive.getinfo(name)
    limit = min(info.file_size, MAX_MEMBER_BYTES)
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(min(_CHUNK, limit + 1 - len(out))):
                out += chunk
                if len(out) > limit:
                    raise UnrecognisedExport(
                        f"{file_name}: ZIP member {name!r} inflates past its declared {info.file_size:,} bytes; "
                        "refusing a possible zip bomb"
                    )
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UnrecognisedExport(f"{file_name}: cannot read ZIP member {name!r} ({exc})") from exc
    return bytes(out)


def is_xlsx(data: bytes) -> bool:
    """A ZIP whose directory has the `xl/` parts of an Office Open XML workbook (cheap: directory only)."""
    if not is_zip(data):
        return False
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "xl/workbook.xml" in names or any(n.startswith("xl/worksheets/") for n in names)


# What calamine (via fastexcel / polars) raises for a workbook it cannot read.
WORKBOOK_ERRORS = (fastexcel.FastExcelError, pl.exceptions.PolarsError)


def sheet_names(data: bytes) -> list[str]:
    """Sheet names of an xlsx (call `open_zip` first: calamine inflates whatever it is given)."""
    return fastexcel.read_excel(data).sheet_names


def read_sheet(data: bytes, sheet: str, n_rows: int | None = None) -> pl.DataFrame:
    """Every cell of a sheet as text, no header row, blank rows/columns kept (the caller finds the header).

    Calamine starts at the sheet's used range, so leading blank rows/columns before it are not seen.
    """
    read_options: dict = {"header_row": None, **({"n_rows": n_rows} if n_rows else {})}
    frame = pl.read_excel(
        io.BytesIO(data),
        sheet_name=sheet,
        has_header=False,
        read_options=read_options,
        infer_schema_length=0,  # all String: dates/numbers are typed by the formats' own parsers
        drop_empty_rows=False,
        drop_empty_cols=False,
        raise_if_empty=False,
    )
    return frame.select(pl.all().cast(pl.String))
