"""`backlinks report [--out FILE]`: read the published warehouse (read-only, so a refresh is never
blocked), render the page, and write it atomically (an earlier report is replaced only by a
complete new one). Default: `report.html` next to the warehouse."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

EXIT_OK, EXIT_USAGE = 0, 2


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


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


@click.command("report")
@click.option("--config", "config_path", help="sites.yml [env BACKLINKS_CONFIG].")
@click.option("--warehouse", "warehouse_path", help="DuckDB warehouse file [env BACKLINKS_WAREHOUSE].")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="HTML file [default: report.html next to the warehouse].")
def report_command(config_path, warehouse_path, out_path) -> None:
    """Write a self-contained HTML report with charts (works offline; nothing is fetched)."""
    from dagster_project import settings
    from dagster_project.config import ConfigError, load_config

    paths = settings.resolve(config_path, None, warehouse_path)
    try:
        load_config(paths.config)
    except ConfigError as exc:
        _fail(str(exc))
    out = Path(out_path).expanduser().resolve() if out_path else paths.warehouse.parent / "report.html"
    if out.is_dir():
        _fail(f"--out {out} is a folder; name the HTML file")
    try:
        written = build_report(paths.warehouse, out)
    except LookupError as exc:
        _fail(str(exc))
    click.echo(f"Report written to {written} ({written.stat().st_size / 1e6:.1f} MB); open it in any browser, offline.")
