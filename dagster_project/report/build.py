"""Build the report of a warehouse: read the published warehouse (read-only, so a refresh is never
blocked), render the page, and write it atomically (an earlier report is replaced only by a
complete new one). The command is cli/report.py."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path


def build_report(warehouse: Path, out: Path, now: dt.datetime | None = None) -> Path:
    """Render the report of `warehouse` into `out`; raises LookupError for a warehouse that cannot
    make one (missing, or never refreshed)."""
    from dagster_project import warehouse as wh
    from dagster_project.report import data as report_data
    from dagster_project.report.render import render

    if not warehouse.is_file():
        raise LookupError(f"no warehouse at {warehouse}: run `backlinks refresh` first")
    with wh.connect(warehouse, read_only=True) as con:
        content = report_data.load(con)
    page = render(content, generated_at=now or dt.datetime.now(), source=warehouse.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    try:
        part.write_text(page, encoding="utf-8")
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
    return out
