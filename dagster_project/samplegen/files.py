"""Deterministic file output: same content -> same bytes, including inside ZIP containers."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

# Fixed member timestamp for every ZIP we write (zip needs >= 1980): no wall clock in the bytes.
ZIP_TIME = (2026, 10, 1, 9, 0, 0)


def snapshot_mtime(day: dt.date) -> float:
    """09:00 UTC on the export's date: the mtime a freshly downloaded export would have."""
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC).timestamp()


def write_bytes(path: Path, data: bytes, *, mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:  # a fresh inbox gets the export's own date as mtime (git does not keep it)
        os.utime(path, (mtime, mtime))
    return path


def zip_members(members: list[tuple[str, bytes]]) -> bytes:
    """A ZIP of `members` in the given order, deflated, with fixed timestamps and permissions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buf.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Re-pack a ZIP (e.g. an openpyxl workbook) with fixed timestamps, optionally replacing members."""
    replace = replace or {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(i.filename, replace.get(i.filename, archive.read(i.filename))) for i in archive.infolist()]
    return zip_members(members)
